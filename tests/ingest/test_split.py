"""The agreement splitter: table of marker forms and false markers, both seeds (as is, flattened, glued),
synthetic messy regression files in tests/ingest/messy/ (synthetic, so not in corpus/, which holds real reports only), and the property that splitting never loses or duplicates text."""

from __future__ import annotations

import json
import re
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archive.models import PREAMBLE, Agreement, ExtractedText
from ingest.split import split_agreements

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
MANAGUA = CORPUS / "000_cf50010547db6d03.txt"
TELA = CORPUS / "003_5b39909ca16edb25.txt"
MESSY = sorted((Path(__file__).parent / "messy").glob("*.txt"))

MANAGUA_LABELS = [PREAMBLE, "1", "2", "2.a", "2.b", "2.c", "2.d", "2.e", "3", "3.a", "4", "4.a", "4.b", "4.c", "5"]
TELA_LABELS = [PREAMBLE, "1", "2", "3", "4"]

INTRO = "La Red presenta su informe contenido en los siguientes puntos:\n"


def labels(text: str, **kwargs) -> list[str]:
    return [u.label for u in split_agreements(text, **kwargs)]


def squeeze(s: str) -> str:
    return "".join(s.split())


def flatten(text: str) -> str:
    """What web/PDF conversion often does to a list: every line break becomes a space."""
    return re.sub(r"\s+", " ", text)


def glue(text: str) -> str:
    """Flattened, and the space after a sentence end / colon lost before each marker ("Red.2. Respecto")."""
    return re.sub(r"([.:])\s+(?=(?:\d{1,2}|[a-z])\.\s)", r"\1", flatten(text))


def assert_partition(text: str, units: list[Agreement]) -> None:
    """Nothing lost, nothing duplicated, spans in order and consistent with the unit texts."""
    assert squeeze("".join(u.text for u in units)) == squeeze(text)
    previous_end = 0
    for u in units:
        assert text[u.start : u.end].strip() == u.text
        assert u.text, u
        assert u.start >= previous_end
        previous_end = u.end
    assert len({u.label for u in units}) == len(units), [u.label for u in units]


# --------------------------------------------------------------------------------------------------
# Marker forms: (id, text, expected labels)
# --------------------------------------------------------------------------------------------------

MARKER_FORMS = [
    ("dot", INTRO + "1. Uno.\n2. Dos.\n", [PREAMBLE, "1", "2"]),
    ("paren", INTRO + "1) Uno.\n2) Dos.\n", [PREAMBLE, "1", "2"]),
    ("dot-dash", INTRO + "1.- Uno.\n2.- Dos.\n", [PREAMBLE, "1", "2"]),
    ("space-dash", INTRO + "1 - Uno.\n2 – Dos.\n", [PREAMBLE, "1", "2"]),
    ("indented", INTRO + "   1. Uno.\n\t2. Dos.\n", [PREAMBLE, "1", "2"]),
    ("marker alone on its line", INTRO + "1.\nUno.\n2.\nDos.\n", [PREAMBLE, "1", "2"]),
    ("no preamble", "1. Uno.\n2. Dos.", ["1", "2"]),
    ("item opening with a figure", INTRO + "1. Uno.\n2. 15 países participaron.\n3. Tres.", [PREAMBLE, "1", "2", "3"]),
    ("only a title before", "INFORME\n1. Uno.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("no points", "Texto sin puntos numerados. Solo prosa.", [PREAMBLE]),
    ("empty", "", []),
    ("letters dot", INTRO + "1. Uno:\na. Sub a.\nb. Sub b.\n2. Dos.", [PREAMBLE, "1", "1.a", "1.b", "2"]),
    ("letters paren", INTRO + "1. Uno:\na) Sub a.\nb) Sub b.\n", [PREAMBLE, "1", "1.a", "1.b"]),
    ("letters in parens", INTRO + "1. Uno:\n(a) Sub a.\n(b) Sub b.\n", [PREAMBLE, "1", "1.a", "1.b"]),
    (
        "mixed letter styles across points",
        INTRO + "1. Uno:\na) Sub.\nb) Sub.\n2. Dos.\n3. Tres:\na. Sub.\nb. Sub.\n",
        [PREAMBLE, "1", "1.a", "1.b", "2", "3", "3.a", "3.b"],
    ),
    (
        "lowercase sub-points at line start",
        INTRO + "1. Se acuerda:\na) aprobar el informe;\nb) instruir a la ST.\n",
        [PREAMBLE, "1", "1.a", "1.b"],
    ),
    (
        "uppercase letters at line start",
        INTRO + "1. Uno:\nA. Sub.\nB. Sub.\n2. Dos.",
        [PREAMBLE, "1", "1.a", "1.b", "2"],
    ),
    (
        "roman one level deeper",
        INTRO + "1. Uno:\na. Sub:\ni. Primero.\nii) Segundo.\n(iii) Tercero.\nb. Sub.\n2. Dos.",
        [PREAMBLE, "1", "1.a", "1.a.i", "1.a.ii", "1.a.iii", "1.b", "2"],
    ),
    (
        "letter i after h is a letter, not a roman",
        INTRO + "1. X:\n" + "".join(f"{c}. Item {c.upper()}.\n" for c in "abcdefghij"),
        [PREAMBLE, "1"] + [f"1.{c}" for c in "abcdefghij"],
    ),
    (
        "roman v continues iv rather than being a letter",
        INTRO + "1. X:\na. Sub:\ni. A.\nii. B.\niii. C.\niv. D.\nv. E.\nb. Sub.",
        [PREAMBLE, "1", "1.a", "1.a.i", "1.a.ii", "1.a.iii", "1.a.iv", "1.a.v", "1.b"],
    ),
    (
        "roman directly under a point",
        INTRO + "1. Uno:\ni. Primero.\nii. Segundo.\n2. Dos.",
        [PREAMBLE, "1", "1.i", "1.ii", "2"],
    ),
    (
        "lettered list with no numbers is the top level",
        "Los Viceministros acordaron:\na) Aprobar el informe.\nb) Instruir a la ST.\n",
        [PREAMBLE, "a", "b"],
    ),
    ("two-digit points", INTRO + "".join(f"{n}. Punto {n}.\n" for n in range(1, 13)), [PREAMBLE] + [str(n) for n in range(1, 13)]),
]

BULLETS = [
    ("bullet char", INTRO + "1. Uno:\n• Primero.\n• Segundo.\n2. Dos.", [PREAMBLE, "1", "1-1", "1-2", "2"]),
    ("hyphen", INTRO + "1. Uno:\n- Primero.\n- Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("en dash", INTRO + "1. Uno:\n– Primero.\n– Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("asterisk", INTRO + "1. Uno:\n* Primero.\n* Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    # Wingdings bullets of a font without a Unicode map: the arrow reads "Ø", the square "§"; "§ 3" is a section.
    ("unmapped Wingdings", INTRO + "1. Uno:\nØ Primero.\nØ segundo.\n2. Dos:\n§ Tercero.\n§ 3 del reglamento.\n",
     [PREAMBLE, "1", "1-1", "1-2", "2", "2-1"]),
    ("check marks and arrows", INTRO + "1. Uno:\n✓ Primero.\n➤ Segundo.\n\uf0fc Tercero.\n", [PREAMBLE, "1", "1-1", "1-2", "1-3"]),
    ("small square", INTRO + "1. Uno:\n▪ Primero.\n▪ Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("Word 'o' bullet", INTRO + "1. Uno:\no Primero.\no Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("Symbol-font U+F0B7", INTRO + "1. Uno:\n\uf0b7 Primero.\n\uf0b7 Segundo.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("under a sub-point", INTRO + "1. Uno:\na. Sub:\n• X.\n• Y.\nb. Sub.", [PREAMBLE, "1", "1.a", "1.a-1", "1.a-2", "1.b"]),
    ("numbering restarts per parent", INTRO + "1. Uno:\n• X.\n2. Dos:\n• Y.\n", [PREAMBLE, "1", "1-1", "2", "2-1"]),
    ("bullets before the first point stay in the preamble", "Participantes:\n• Belice\n• Canadá\n1. Uno.", [PREAMBLE, "1"]),
    ("inline bullet chars in flattened text", INTRO + "1. Uno: • Primero. • Segundo. 2. Dos.", [PREAMBLE, "1", "1-1", "1-2", "2"]),
    ("'o' meaning 'or' after a wrapped line", INTRO + "1. Los países\no Estados observadores.\n", [PREAMBLE, "1"]),
    ("hyphen mid-line is prose", INTRO + "1. Plan 2014 - 2020 - Fase A.\n", [PREAMBLE, "1"]),
    ("page number between dashes", INTRO + "1. Uno.\n- 3 -\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("hyphen bullet opening with a figure", INTRO + "1. Metas:\n- 2015: Plan.\n- 2016: Informe.\n", [PREAMBLE, "1", "1-1", "1-2"]),
    ("'o' under a bullet", INTRO + "1. Uno:\n• Nivel uno sin punto\no Nivel dos.\n", [PREAMBLE, "1", "1-1", "1-2"]),
]

FLATTENED = [
    (
        "one line, points and sub-points",
        "La Red presenta los siguientes puntos: 1. Agradecer a la Red. 2. Respecto a los avances, se acordó lo "
        "siguiente: a. Instar a los Países Miembros a más tardar el 27 de febrero de 2015. b. La ST sistematizará. "
        "c. Se insta a cumplir. 3. Agradecer a Guatemala. 4. Agradecer a la OIM.",
        [PREAMBLE, "1", "2", "2.a", "2.b", "2.c", "3", "4"],
    ),
    (
        "glued words",
        "La Red presenta los siguientes puntos:1. Agradecer a la Red.2. Respecto a esto, lo siguiente:a. Instar "
        "a los países.b. La ST enviará.3. Agradecer a Guatemala.",
        [PREAMBLE, "1", "2", "2.a", "2.b", "3"],
    ),
    ("glued after a year", INTRO + "1. Enviar antes de 2015.2. Agradecer.", [PREAMBLE, "1", "2"]),
    ("glued marker and word", INTRO + "1.Agradecer.\n2.Solicitar.", [PREAMBLE, "1", "2"]),
    ("after semicolons, lowercase", "Se acordó: 1. aprobar el informe; 2. instruir a la ST; 3. agradecer.", [PREAMBLE, "1", "2", "3"]),
    ("after a closing quote", INTRO + '1. Aprobar el "Plan". 2. Agradecer.', [PREAMBLE, "1", "2"]),
]

# Numbers and letters that are not markers: each text must give exactly these labels.
FALSE_MARKERS = [
    ("date ends a sentence", INTRO + "1. Enviar a más tardar el 27 de febrero de 2015. Gracias.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("year range", INTRO + "1. Programa 2014-2020. Fin.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("roman meeting number", INTRO + "1. Elevar a la IV Reunión. Presentar en la XX Reunión.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("art. 3.", INTRO + "1. Conforme al art. 3. Los países acuerdan.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("art. 2. before point 2", INTRO + "1. Conforme al art. 2. Los países acuerdan.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("artículo wrapped", INTRO + "1. Según el artículo\n2. La Red acuerda.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("punto 2. de la agenda", INTRO + "1. Ver el punto 2. de la agenda.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("punto wrapped", INTRO + "1. Ver el punto\n2. De la agenda.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("decimal millions", INTRO + "1. Hay 1.5 millones. 2.5 millones más. Fin.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("thousands separator", INTRO + "1. Son 1.500 personas. 2.000 más.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("Resolución 2.", INTRO + "1. Según la Resolución 2. La Red acuerda.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("dotted date", INTRO + "1. Reunión del 24.11.2014. Fin.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("dotted date at line start", INTRO + "1. Reunión del\n24.11.2014. Fin.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("p. 3.", INTRO + "1. Ver informe, p. 2. Los datos.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("No. 4.", INTRO + "1. Ver el Acuerdo No. 2. El texto.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("year ends a sentence", INTRO + "1. Informe de 2014. La Red agradece.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("Ley 8.", INTRO + "1. La Ley 8. Establece.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("Ley wrapped", INTRO + "1. Según la Ley\n2. Sobre migración.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("1.1 not under point 1", INTRO + "1. Uno.\n2. Dos.\n1.1 Detalle.\n3. Tres.", [PREAMBLE, "1", "2", "3"]),
    ("1.5 millones wrapped", INTRO + "1. Afectó a\n1.5 millones de personas.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("sección wrapped", INTRO + "1. Ver la sección\n1.1 Objetivos.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("1.3 skipping 1.1", INTRO + "1. Uno.\n1.3 Detalle.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("a. m.", INTRO + "1. Uno:\na. Sesión a las 9 a. m. Fin.\nb. Sub.", [PREAMBLE, "1", "1.a", "1.b"]),
    ("a. m. at sentence end", INTRO + "1. La sesión inició a las 9. a. m. y terminó.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("EE. UU.", INTRO + "1. Los EE. UU. Y Canadá.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("initials", INTRO + "1. Presentó J. Pérez. A. Gómez también.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("preposition 'a.' inside a sentence", INTRO + "1. La ST envía a. La Red.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("letter out of sequence", INTRO + "1. Uno. c. Algo.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("number far ahead", INTRO + "1. Uno. 9. Algo.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("heading roman numerals", "I. ANTECEDENTES\nTexto.\nII. ACUERDOS\n1. Uno.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("English abbreviations", "The Network presents the following points:\n1. See Art. 2. The text.\n2. Two.", [PREAMBLE, "1", "2"]),
]

IRREGULAR = [
    ("repeated number", INTRO + "1. Uno.\n2. Dos.\n3. Tres.\n3. Otra vez tres.\n4. Cuatro.", [PREAMBLE, "1", "2", "3", "3_2", "4"]),
    ("repeated number with sub-points", INTRO + "1. Uno.\n1. Otro:\na. Sub.", [PREAMBLE, "1", "1_2", "1_2.a"]),
    ("skipped number", INTRO + "1. Uno.\n2. Dos.\n4. Cuatro.\n5. Cinco.", [PREAMBLE, "1", "2", "4", "5"]),
    ("skipped number flattened", "Puntos: 1. Uno. 3. Tres. 4. Cuatro.", [PREAMBLE, "1", "3", "4"]),
    ("false skip before the real number", INTRO + "1. Hay 3. Los demás.\n2. Dos.\n3. Tres.", [PREAMBLE, "1", "2", "3"]),
    ("skipped letter", INTRO + "1. Uno:\na. A.\nc. C.\nd. D.", [PREAMBLE, "1", "1.a", "1.c", "1.d"]),
    (
        "numbering restarts per section",
        "I. INFORMES\n1. Uno.\n2. Dos.\n3. Tres.\nII. ACUERDOS\n1. Aprobar.\n2. Instar:\na. Sub.\n",
        [PREAMBLE, "1", "2", "3", "1_2", "2_2", "2_2.a"],
    ),
    ("a lone later 1. is not a restart", INTRO + "1. Uno.\n2. Dos.\n1. Otra cosa.\n3. Tres.", [PREAMBLE, "1", "2", "3"]),
    (  # a last section of one point: its "1." is under a numbered heading, so it restarts though no "2." follows
        "a one-point last section",
        "I. INFORMES\n\n1. Uno.\n\n2. Dos.\n\nII. OTROS ASUNTOS\n\n1. Agradecer.\n\nIII. PRÓXIMA REUNIÓN\n\n1. Celebrar en Panamá.",
        [PREAMBLE, "1", "2", "1_2", "1_3"],
    ),
    ("a lone 1. under an unnumbered heading", INTRO + "1. Uno.\n\n2. Dos.\n\nOTROS ASUNTOS\n\n1. Otra cosa.", [PREAMBLE, "1", "2"]),
    ("repeated letter", INTRO + "1. Uno:\na. A.\nb. B.\nb. B otra.\nc. C.", [PREAMBLE, "1", "1.a", "1.b", "1.b_2", "1.c"]),
]

# Actas number sub-points under their point: "2.1", "2.2" (or "2.1.") are the sub-points of point 2.
DECIMAL = [
    ("decimal sub-points", INTRO + "1. Uno.\n1.1 Detalle.\n1.2. Detalle.\n2. Dos.", [PREAMBLE, "1", "1.1", "1.2", "2"]),
    (
        "decimal sub-points flattened",
        "El GRCM acordó lo siguiente: 1. Niñez migrante: 1.1 Instar a los países. 1.2 Solicitar a la ST. "
        "2. Migración extrarregional. 2.1 Agradecer a la OIM. 3. Agradecer a Nicaragua.",
        [PREAMBLE, "1", "1.1", "1.2", "2", "2.1", "3"],
    ),
    ("letters under a decimal sub-point", INTRO + "1. Uno.\n1.1 Detalle:\na) Sub.\nb) Sub.\n1.2 Otro.", [PREAMBLE, "1", "1.1", "1.1.a", "1.1.b", "1.2"]),
    (  # Word's legal-style multilevel list: "1.", "1.1.", "1.1.1."
        "three decimal levels",
        INTRO + "1. Uno:\n1.1. Detalle.\n1.2. Otro:\n1.2.1. por país;\n1.2.2. por año.\n2. Dos:\n2.1. Más.\n2.1.1. Sub.",
        [PREAMBLE, "1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1", "2.1.1"],
    ),
    ("decimals with a dash", INTRO + "1.- Uno.\n2.- Sobre el Fondo:\n2.1.- Aprobar el informe.\n2.2.- Instar.\n3.- Tres.",
     [PREAMBLE, "1", "2", "2.1", "2.2", "3"]),
    ("a three-part number out of sequence is text", INTRO + "1. Uno.\n1.1 Detalle:\n3.2.1 no sigue.\n1.2 Otro.", [PREAMBLE, "1", "1.1", "1.2"]),
]

# Resolutions and actas number with words: the words are the points' numbers, in sequence from the first.
ORDINAL_WORDS = [
    (
        "PRIMERO.- SEGUNDO.-",
        "Acuerdan:\nPRIMERO.- Aprobar.\nSEGUNDO.- Instar a:\na) Uno.\nb) Dos.\nTERCERO.- Agradecer.",
        [PREAMBLE, "1", "2", "2.a", "2.b", "3"],
    ),
    ("Primero: Segundo:", "Acuerdan:\n\nPrimero: Aprobar.\n\nSegundo: Agradecer.", [PREAMBLE, "1", "2"]),
    ("FIRST: SECOND:", "The Vice-Ministers agree:\nFIRST: To approve.\nSECOND: To thank.\nTHIRD: To meet.", [PREAMBLE, "1", "2", "3"]),
    ("DÉCIMO PRIMERO", "Acuerdan:\n" + "".join(f"{w}. Punto.\n" for w in "PRIMERO SEGUNDO TERCERO CUARTO QUINTO SEXTO SÉPTIMO OCTAVO NOVENO DÉCIMO".split()) + "DÉCIMO PRIMERO. Once.", [PREAMBLE] + [str(n) for n in range(1, 12)]),
    # Agreements named and numbered: "ACUERDO No. 1" above its text, "Acuerdo 2: …" before it.
    ("ACUERDO No. 1", "Acuerdos:\n\nACUERDO No. 1\nAprobar.\n\nACUERDO No. 2\nInstar.\n\nACUERDO No. 3\nAgradecer.",
     [PREAMBLE, "1", "2", "3"]),
    ("Acuerdo 1:", "Se acuerda:\nAcuerdo 1: Aprobar.\nAcuerdo 2: Instar a:\na) Uno.\nb) Dos.\nAcuerdo 3: Agradecer.",
     [PREAMBLE, "1", "2", "2.a", "2.b", "3"]),
    ("ACUERDO N° 1.-", "ACUERDAN:\nACUERDO N° 1.- Aprobar.\nACUERDO N° 2.- Agradecer.", [PREAMBLE, "1", "2"]),
    ("AGREEMENT No. 1", "Agreements:\nAGREEMENT No. 1\nTo approve.\nAGREEMENT No. 2\nTo thank.", [PREAMBLE, "1", "2"]),
    ("Punto 1.", "La Red acordó:\n\nPunto 1. Aprobar la agenda.\n\nPunto 2. Instar a los países.\n", [PREAMBLE, "1", "2"]),
    ("Acuerdo 3 in prose", INTRO + "1. Uno.\nAcuerdo 3 de la XVIII Reunión, que sigue vigente.\n2. Dos.", [PREAMBLE, "1", "2"]),
    # Not markers: a word inside a list numbered with digits, a lowercase item, a word out of sequence.
    ("Segundo: inside a digit list", INTRO + "1. Uno.\nSegundo: Esto es texto.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("Primero, prose", "Acuerdan:\nPrimero, se aprobó la agenda.\nPrimera Reunión de la Red.", [PREAMBLE, "p1", "p2"]),
    ("out of sequence", "Acuerdan:\nPrimero: Aprobar.\nCuarto: Saltado.", [PREAMBLE, "1"]),
]

OCR = [
    ("l for 1", INTRO + "l. Uno.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("I for 1", INTRO + "I. Uno.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("l for 1 in 11", INTRO + "".join(f"{n}. Punto.\n" for n in range(1, 11)) + "1l. Once.\n12. Doce.", [PREAMBLE] + [str(n) for n in range(1, 13)]),
    ("brace for paren", INTRO + "1. Uno:\na} Sub.\nb) Sub.", [PREAMBLE, "1", "1.a", "1.b"]),
    ("space before period", INTRO + "1 . Uno.\n2 . Dos.", [PREAMBLE, "1", "2"]),
    ("margin specks", INTRO + "| 1. Uno.\n' 2. Dos.\n· 3. Tres.", [PREAMBLE, "1", "2", "3"]),
    ("form feed page break", INTRO + "1. Uno.\f2. Dos.", [PREAMBLE, "1", "2"]),
]

ENGLISH = [
    (
        "network report",
        "The Liaison Officers Network to Combat Migrant Smuggling and Trafficking in Persons presents to the RCMG "
        "its report in the following points:\n1. To thank the delegations.\n2. Regarding the indicators, it was "
        "agreed:\na) To urge the Member Countries.\nb) The TS will systematize the information.\n3. To thank IOM.",
        [PREAMBLE, "1", "2", "2.a", "2.b", "3"],
    ),
    (
        "a.m. and U.S. in English",
        "Points:\n1. The meeting began at 9 a.m. The U.S. delegation presented.\n2. Two.",
        [PREAMBLE, "1", "2"],
    ),
]


@pytest.mark.parametrize(
    "text, expected",
    [pytest.param(t, e, id=i) for i, t, e in MARKER_FORMS + BULLETS + FLATTENED + FALSE_MARKERS + IRREGULAR + DECIMAL + ORDINAL_WORDS + OCR + ENGLISH],
)
def test_labels(text: str, expected: list[str]) -> None:
    units = split_agreements(text)
    assert [u.label for u in units] == expected
    assert_partition(text, units)


def test_decimal_sub_points_belong_to_their_point() -> None:
    units = split_agreements(INTRO + "2. Dos:\n2.1 Detalle:\na) Sub.\n2.2 Otro.\n3. Tres.")
    assert [(u.label, u.parent) for u in units[1:]] == [("2", None), ("2.1", "2"), ("2.1.a", "2.1"), ("2.2", "2"), ("3", None)]


def test_parents_and_texts() -> None:
    text = INTRO + "1. Uno:\na) Sub a:\ni. Primero.\n• Viñeta.\nb) Sub b.\n2. Dos:\n- X.\n"
    units = split_agreements(text)
    by_label = {u.label: u for u in units}
    assert [(u.label, u.parent) for u in units] == [
        (PREAMBLE, None),
        ("1", None),
        ("1.a", "1"),
        ("1.a.i", "1.a"),
        ("1.a.i-1", "1.a.i"),
        ("1.b", "1"),
        ("2", None),
        ("2-1", "2"),
    ]
    assert by_label[PREAMBLE].text == INTRO.strip()
    assert by_label["1"].text == "1. Uno:"
    assert by_label["1.a.i"].text == "i. Primero."
    assert by_label["2-1"].text == "- X."
    assert [u.depth for u in units] == [0, 1, 2, 3, 4, 2, 1, 2]


def test_ocr_flag_copied_and_unconfirmed_ocr_reading() -> None:
    text = INTRO + "l. Único punto."
    # Without a following "2." nothing confirms that "l." is a damaged "1.", unless the text is OCR.
    # It is then a paragraph of its own (the report numbers nothing), its text kept as written.
    assert labels(text) == [PREAMBLE, "p1"]
    assert split_agreements(text)[1].text == "l. Único punto."
    units = split_agreements(text, ocr=True)
    assert [u.label for u in units] == [PREAMBLE, "1"]
    assert all(u.ocr for u in units)
    assert not any(u.ocr for u in split_agreements(text.replace("l.", "1.")))


def test_heading_I_before_real_1_is_not_point_1() -> None:
    text = "I. Introducción\nTexto.\n1. Uno.\n2. Dos."
    assert labels(text) == [PREAMBLE, "1", "2"]


def test_pages_from_page_starts() -> None:
    pages = ["Informe.\n1. Uno.\n", "2. Dos.\na. Sub.\n", "3. Tres."]
    text = "".join(pages)
    starts = (0, len(pages[0]), len(pages[0]) + len(pages[1]))
    units = split_agreements(text, page_starts=starts)
    extracted = ExtractedText(text, starts)
    assert [(u.label, u.page) for u in units] == [(PREAMBLE, 1), ("1", 1), ("2", 2), ("2.a", 2), ("3", 3)]
    assert all(u.page == extracted.page_at(u.start) for u in units)


def test_offsets_point_at_markers() -> None:
    text = INTRO + "  1. Uno.\n\n2. Dos.  \n"
    units = split_agreements(text)
    assert text[units[1].start : units[1].start + 2] == "1."
    assert units[0].start == 0
    assert text[units[2].start : units[2].end] == "2. Dos."


# --------------------------------------------------------------------------------------------------
# The seeds, as they are, flattened to one line, and with glued words.
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", [lambda t: t, flatten, glue], ids=["as-is", "flattened", "glued"])
@pytest.mark.parametrize("path, expected", [(MANAGUA, MANAGUA_LABELS), (TELA, TELA_LABELS)], ids=["managua", "tela"])
def test_seeds(path: Path, expected: list[str], transform) -> None:
    text = transform(path.read_text(encoding="utf-8"))
    units = split_agreements(text)
    assert [u.label for u in units] == expected
    assert_partition(text, units)
    parents = {u.label: u.parent for u in units}
    assert all(parents[label] == label.split(".")[0] for label in parents if "." in label)


@pytest.mark.parametrize("width", [24, 37, 52, 66, 80, 95])
@pytest.mark.parametrize("path, expected", [(MANAGUA, MANAGUA_LABELS), (TELA, TELA_LABELS)], ids=["managua", "tela"])
def test_seeds_wrapped_like_a_pdf(path: Path, expected: list[str], width: int) -> None:
    """PDF text comes in short lines: a wrapped line may start with "2015.", "IV Reunión", "a la ST"."""
    text = "\n".join(textwrap.fill(paragraph, width) for paragraph in path.read_text(encoding="utf-8").split("\n"))
    units = split_agreements(text)
    assert [u.label for u in units] == expected
    assert_partition(text, units)


def test_glue_really_glues() -> None:
    glued = glue(MANAGUA.read_text(encoding="utf-8"))
    assert "Red.2. Respecto" in glued
    assert "siguiente:a. Instar" in glued


def test_managua_unit_texts() -> None:
    text = MANAGUA.read_text(encoding="utf-8")
    units = {u.label: u for u in split_agreements(text)}
    assert units[PREAMBLE].text.startswith("CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)")
    assert units[PREAMBLE].text.endswith("su informe contenido en los siguientes puntos:")
    assert units["2.a"].text.endswith("a más tardar el 27 de febrero de 2015.")
    assert "2014-2020" in units["3.a"].text
    assert "IV Reunión" in units["2.e"].text
    assert "XX Reunión" in units["4.c"].text
    assert units["5"].text.endswith("consultar con la sociedad civil regularmente.")


# --------------------------------------------------------------------------------------------------
# Messy regression files: tests/ingest/messy/<name>.txt beside <name>.expected.json {"labels": [...]}.
# --------------------------------------------------------------------------------------------------


def test_messy_corpus_is_present() -> None:
    assert len(MESSY) >= 5


@pytest.mark.parametrize("path", MESSY, ids=[p.stem for p in MESSY])
def test_messy_corpus(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    units = split_agreements(text, ocr=expected.get("ocr", False))
    assert [u.label for u in units] == expected["labels"]
    if "parents" in expected:
        assert {u.label: u.parent for u in units} == {**{l: None for l in expected["labels"]}, **expected["parents"]}
    assert_partition(text, units)


# --------------------------------------------------------------------------------------------------
# Properties: splitting never loses or duplicates text.
# --------------------------------------------------------------------------------------------------

_WORDS = ["Agradecer", "Instar", "la", "Red", "de", "2014", "art.", "3.", "a.", "No.", "IV", "Reunión", "27", "febrero", "1.5", "EE.", "UU.", "o", "-", "•", "a)", "(i)"]


@st.composite
def structured_reports(draw) -> tuple[str, list[str]]:
    """A random report: preamble, points with lettered/roman sub-points and bullets, in random styles,
    as lines, flattened to one line, or flattened with glued words. Returns (text, the labels a correct split gives)."""
    sentence = st.lists(st.sampled_from(["los", "países", "la", "ST", "informe", "Red", "trata", "de", "2015", "IV", "en"]), min_size=1, max_size=8).map(" ".join)
    number_style = draw(st.sampled_from(["{}.", "{})", "{}.-"]))
    letter_style = draw(st.sampled_from(["{}.", "{})", "({})"]))
    lines = [f"Informe {draw(sentence)}. Los siguientes puntos:"]
    expected = [PREAMBLE]
    for n in range(1, draw(st.integers(0, 12)) + 1):
        lines.append(f"{number_style.format(n)} Agradecer {draw(sentence)}.")
        expected.append(str(n))
        for k in range(draw(st.integers(0, 4))):
            letter = "abcde"[k]
            lines.append(f"{letter_style.format(letter)} Instar {draw(sentence)}.")
            expected.append(f"{n}.{letter}")
            for roman in ["i", "ii", "iii"][: draw(st.integers(0, 3))]:
                lines.append(f"{roman}) Solicitar {draw(sentence)}.")
                expected.append(f"{n}.{letter}.{roman}")
        for b in range(1, draw(st.integers(0, 2)) + 1):
            lines.append(f"• Punto {draw(sentence)}.")
            parent = expected[-1].split("-")[0]
            expected.append(f"{parent}-{b}")
    layout = draw(st.sampled_from([str, flatten, glue]))  # as lines, one line, one line with lost spaces
    return layout("\n".join(lines)), expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured_reports())
def test_structured_reports_split_as_built(report: tuple[str, list[str]]) -> None:
    text, expected = report
    units = split_agreements(text)
    assert_partition(text, units)
    assert [u.label for u in units] == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_is_partitioned(text: str) -> None:
    assert_partition(text, split_agreements(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(["\n", " ", ": ", "; ", ". "]), st.text(max_size=3)), max_size=60).map("".join))
def test_marker_like_text_is_partitioned(text: str) -> None:
    assert_partition(text, split_agreements(text, ocr=True))


# --------------------------------------------------------------------------------------------------
# Performance: linear-ish. Checked for finishing on 1 MB, not timed tightly (shared 2-core machine).
# --------------------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_one_megabyte_finishes() -> None:
    seed = MANAGUA.read_text(encoding="utf-8")
    text = (seed + "\n") * (1_000_000 // len(seed) + 1)
    started = time.perf_counter()
    units = split_agreements(text)
    elapsed = time.perf_counter() - started
    assert len(units) >= 14
    assert_partition(text, units)
    assert elapsed < 20, elapsed  # measured ~0.3 s alone; generous for a loaded shared machine


@pytest.mark.timeout(60)
def test_one_megabyte_flattened_finishes() -> None:
    text = flatten(MANAGUA.read_text(encoding="utf-8")) * 300
    units = split_agreements(text)
    assert_partition(text, units)


INLINE_LISTS = [
    ("commas and a closing conjunction", "Se acordó:\n1. Solicitar: a) aprobar el informe, b) instruir a la ST, y c) agradecer.", [PREAMBLE, "1", "1.a", "1.b", "1.c"]),
    ("English 'and'", "Points:\n1. To request: (a) the report; (b) the data; and (c) the plan.", [PREAMBLE, "1", "1.a", "1.b", "1.c"]),
    ("comma before a plain number is prose", INTRO + "1. En 2014, 2. La Red.\n2. Dos.", [PREAMBLE, "1", "2"]),
    ("conjunction before a plain letter is prose", INTRO + "1. Uno:\na. Los países, y b. La ST.\nb. Sub.", [PREAMBLE, "1", "1.a", "1.b"]),
]


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=i) for i, t, e in INLINE_LISTS])
def test_inline_lists(text: str, expected: list[str]) -> None:
    units = split_agreements(text)
    assert [u.label for u in units] == expected
    assert_partition(text, units)


SECTIONED = (
    "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\nManagua, Nicaragua, 24 de noviembre de 2014\n\n"
    "I. ANTECEDENTES\n\nLa reunión contó con la participación de Belice y Costa Rica.\n\nII. ACUERDOS\n\n"
    "1. Aprobar la agenda.\n\n2. Instar a los países a enviar sus informes:\na. Informe de avances.\nb. Informe financiero.\n\n"
    "III. PRÓXIMA REUNIÓN\n\n3. Celebrar la próxima reunión en Panamá.\n\n4. Agradecer a Nicaragua, con la OIM y el\n"
    "ACNUR\n5. Coordinar con la\nOIM Y EL ACNUR\n5.1 Informar.\nIV. Otros asuntos\n6. Tomar nota del informe PRESENTADO POR LA OIM\n7. Clausurar.\n\n"
    "V. NEXT MEETING AND OTHER MATTERS:\n\n8. Meet again.\n"
)


def test_a_section_heading_between_points_opens_the_point_after_it() -> None:
    units = split_agreements(SECTIONED, page_starts=(0, SECTIONED.index("3. Celebrar")))
    texts = {u.label: u.text for u in units}
    assert texts["2.b"] == "b. Informe financiero."
    assert texts["3"] == "III. PRÓXIMA REUNIÓN\n\n3. Celebrar la próxima reunión en Panamá."
    assert texts["6"].startswith("IV. Otros asuntos\n6. ") and texts["6"].endswith("POR LA OIM")  # capitals, not a line of their own
    assert texts["8"].startswith("V. NEXT MEETING AND OTHER MATTERS:\n\n8. ")
    assert texts["4"].endswith("con la OIM y el\nACNUR")  # a lone acronym is the point's text, not a heading
    assert texts["5"].endswith("con la\nOIM Y EL ACNUR")  # capitals ending a wrapped sentence are its own
    assert texts["preamble"].endswith("II. ACUERDOS")  # the heading of all the points stays before them
    assert {u.label: u.page for u in units}["3"] == 2  # a unit's page is its marker's, not its heading's
    assert_partition(SECTIONED, units)
