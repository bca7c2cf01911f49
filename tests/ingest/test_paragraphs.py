"""Reports that number nothing: the opening formula, paragraph units, bullets under headings, and the
nothing-lost / nothing-duplicated property for every kind of report (lines, blank-separated lines,
every line its own paragraph, flattened)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archive.models import PREAMBLE, Agreement
from ingest.paragraphs import agreement_formula_end
from ingest.split import split_agreements

from .test_split import assert_partition

MESSY = sorted((Path(__file__).parent / "messy").glob("*.txt"))

FORMULAS = [
    ("Los Viceministros acordaron:", True),
    ("Los Viceministros ACORDARON:", True),
    ("acuerdan:", True),
    ("La Red decidió lo siguiente:", True),
    ("resolvieron:", True),
    ("Los países recomiendan:", True),
    ("Los Viceministros acuerdan por consenso:", True),
    ("los Viceministros se comprometen a:", False),  # "a:" is not a formula tail we read
    ("The Vice-Ministers agreed:", True),
    ("they agreed:", True),
    ("The RCGM decided to:", True),
    ("The Network recommends the following:", True),
    ("ACUERDOS ADOPTADOS", True),
    ("APROBARON", True),
    ("DECLARAN:", True),
    ("El acuerdo: texto.", False),  # a noun, not a verb
    ("Recomendaciones de la OIM sobre el tema.", False),
    ("La reunión se celebró en Managua.", False),
]


@pytest.mark.parametrize(("text", "is_formula"), FORMULAS)
def test_formula_is_a_pattern_not_a_list(text: str, is_formula: bool) -> None:
    assert (agreement_formula_end("Preámbulo.\n" + text + "\nTexto.") is not None) == is_formula


DECLARATION = """DECLARACIÓN DE SAN JOSÉ

Los Viceministros, reunidos en San José, Costa Rica, el 10 de marzo de 2001,

Considerando la importancia de la cooperación;

ACUERDAN:

Reconocer los avances del Plan de Acción.

Instar a los países a intercambiar información.

Capacitación
• Realizar un taller regional.
• Elaborar un manual.

Agradecer al Gobierno de Costa Rica.
"""

UNITS = [
    ("declaration", DECLARATION, [PREAMBLE, "p1", "p2", "p3", "p3-1", "p3-2", "p4"]),
    (
        "bullets right after the formula are the agreements",
        "COMUNICADO\n\nLos Viceministros acordaron:\n- Aprobar el informe.\n- Instruir a la ST.\n- Agradecer a Panamá.\n",
        [PREAMBLE, "p1", "p2", "p3"],
    ),
    (
        "no formula: title block and who-met paragraph are the preamble",
        "PRONUNCIAMIENTO DE LA RROCM\n\nLas organizaciones reunidas en Managua el 3 de mayo de 2008 expresamos lo siguiente.\n\n"
        "Reiteramos el enfoque de derechos.\n\nSolicitamos acceso a la justicia.\n",
        [PREAMBLE, "p1", "p2"],
    ),
    (
        "preambular paragraphs after a first formula are units",
        "DECLARACIÓN\n\nLos Viceministros DECLARAN:\n\nReconociendo los avances;\n\nConsiderando la cooperación;\n\nAcuerdan apoyar el plan.\n",
        [PREAMBLE, "p1", "p2", "p3"],
    ),
    ("a single paragraph stays the preamble", "Texto sin puntos numerados. Solo prosa.", [PREAMBLE]),
    (
        "heading formula at the top is the document's heading, not the opening",
        "CONCLUSIONES\n\nEl GRCM se reunió en Cancún el 28 de abril de 2003.\n\nObjetivos\n- Fortalecer la cooperación.\n- Mejorar los sistemas.\n",
        [PREAMBLE, "p1", "p1-1", "p1-2"],
    ),
    (  # a lettered list late in a declaration: items of the paragraph that introduces it ("b)" is no line going on)
        "lettered items under a paragraph",
        "DECLARACIÓN\n\nLa Red, reunida en Managua, expresa:\n\nQue la región enfrenta una crisis humanitaria grave.\n\n"
        "Que las medidas de control aumentan los riesgos.\n\nPor lo tanto, exhortamos a los Gobiernos a:\n\n"
        "a) Garantizar la protección.\nb) Eliminar la detención.\n(c) Fortalecer el diálogo.\n",
        [PREAMBLE, "p1", "p2", "p3", "p3-1", "p3-2", "p3-3"],
    ),
    (
        "unmapped Wingdings bullets under a heading",
        "COMUNICADO\n\nLos Viceministros, reunidos en Managua, acordaron:\n\nAprobar el plan.\n\nCapacitación\nØ Realizar un taller.\n"
        "Ø Elaborar un manual.\n",
        [PREAMBLE, "p1", "p2", "p2-1", "p2-2"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in UNITS])
def test_paragraph_units(text: str, expected: list[str]) -> None:
    units = split_agreements(text)
    assert [u.label for u in units] == expected
    assert_partition(text, units)


def test_labels_are_url_safe_and_depth_counts_bullets() -> None:
    units = split_agreements(DECLARATION)
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", u.label) for u in units)
    assert {u.label: u.depth for u in units}["p3-1"] == 2
    assert {u.label: u.parent for u in units}["p3-1"] == "p3"
    assert Agreement("p2", "x").depth == 1


def _every_line_a_paragraph(text: str) -> str:
    return "\n\n".join(line for para in text.split("\n\n") for line in textwrap.wrap(para, 60) if line)


@pytest.mark.parametrize("layout", ["as-is", "wrapped", "every line a paragraph"])
def test_wrapped_layouts_keep_the_units(layout: str) -> None:
    paragraphs = [p for p in DECLARATION.split("\n\n")]
    if layout == "as-is":
        text = DECLARATION
    elif layout == "wrapped":
        text = "\n\n".join(p if "•" in p else "\n".join(textwrap.wrap(p, 60)) for p in paragraphs)
    else:
        text = "\n\n".join(p if "•" in p else "\n\n".join(textwrap.wrap(p, 60)) for p in paragraphs)
    units = split_agreements(text)
    assert [u.label for u in units] == [PREAMBLE, "p1", "p2", "p3", "p3-1", "p3-2", "p4"]
    assert_partition(text, units)


@pytest.mark.parametrize("path", [p for p in MESSY if "meeting" in json.loads(p.with_suffix(".expected.json").read_text())], ids=lambda p: p.stem)
def test_no_agreement_unit_holds_most_of_a_messy_report(path: Path) -> None:
    units = [u for u in split_agreements(path.read_text(encoding="utf-8")) if u.label != PREAMBLE]
    total = sum(len(u.text) for u in units)
    assert len(units) >= 3 and max(len(u.text) for u in units) < 0.5 * total


# --------------------------------------------------------------------------------------------------
# Property: unnumbered reports of every layout split as built, nothing lost or duplicated.
# --------------------------------------------------------------------------------------------------

_VERBS = ["Reconocer", "Instar", "Solicitar", "Agradecer", "Encargar", "To approve", "To urge"]
_FORMULA = ["Los Viceministros acordaron:", "ACUERDAN:", "The Vice-Ministers agreed:", "ACUERDOS ADOPTADOS", "decidieron:"]


@st.composite
def unnumbered_reports(draw) -> tuple[str, list[str]]:
    words = st.lists(st.sampled_from(["los", "países", "la", "ST", "informe", "Red", "trata", "de", "migrantes", "en", "plan"]), min_size=3, max_size=12).map(" ".join)
    blocks = ["DECLARACIÓN CONJUNTA", f"Los Viceministros, reunidos en Managua el 3 de mayo de 2008, {draw(words)},", draw(st.sampled_from(_FORMULA))]
    expected = [PREAMBLE]
    for n in range(1, draw(st.integers(2, 8)) + 1):
        if draw(st.booleans()) and n > 1:
            k = draw(st.integers(1, 3))
            bullets = [f"• {draw(st.sampled_from(_VERBS))} {draw(words)}." for _ in range(k)]
            blocks.append(draw(st.sampled_from(["Capacitación", "Objetivos", "Seguimiento"])) + "\n" + "\n".join(bullets))
            expected += [f"p{n}"] + [f"p{n}-{i}" for i in range(1, k + 1)]
        else:
            blocks.append(f"{draw(st.sampled_from(_VERBS))} {draw(words)} {draw(words)}.")
            expected.append(f"p{n}")
    return "\n\n".join(blocks) + "\n", expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unnumbered_reports(), st.sampled_from(["lines", "single newlines", "flattened"]))
def test_unnumbered_reports_split_as_built(report: tuple[str, list[str]], layout: str) -> None:
    text, expected = report
    if layout == "single newlines":
        text = text.replace("\n\n", "\n")
    elif layout == "flattened":
        text = re.sub(r"\s+", " ", text)
    units = split_agreements(text)
    assert_partition(text, units)
    if layout != "flattened":  # a flattened heading joins its sentence; the partition still holds
        assert [u.label for u in units] == expected
