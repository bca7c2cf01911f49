"""read_meeting against the two real seeds and against realistic headers of other years and bodies."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from archive.models import Meeting
from ingest.metadata import read_head, read_meeting, read_participation, read_title

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEEDS = sorted(CORPUS.glob("*.expected.json"))
MEMBERS = [
    "belice", "canada", "costa_rica", "el_salvador", "estados_unidos", "guatemala", "honduras", "mexico",
    "nicaragua", "panama", "republica_dominicana",
]  # fmt: skip


def meeting_as_expected(meeting: Meeting) -> dict:
    """The meeting in the format of corpus/*.expected.json."""
    return {
        "title": meeting.title,
        "body_key": meeting.body_key,
        "number": meeting.number,
        "city": meeting.city,
        "country": meeting.country,
        "date": meeting.date.isoformat() if meeting.date else None,
        "date_end": meeting.date_end.isoformat() if meeting.date_end else None,
        "year": meeting.year,
        "participants": [c.key for c in meeting.participants],
    }


@pytest.mark.parametrize("expected_file", SEEDS, ids=lambda p: p.name)
def test_seed_meetings_match_their_expected_structure(expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    text = (CORPUS / expected["source"]).read_text(encoding="utf-8")
    assert meeting_as_expected(read_meeting(text)) == expected["meeting"]


def test_there_are_two_seeds() -> None:
    assert len(SEEDS) == 2


def test_managua_seed_details() -> None:
    meeting = read_meeting((CORPUS / "000_cf50010547db6d03.txt").read_text(encoding="utf-8"))
    assert meeting.body == "RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS"
    assert len(meeting.participants) == 11
    assert meeting.participants[4].as_written == "Estados Unidos de América"
    assert meeting.number is None  # "la XX Reunión Viceministerial" in point 4.c is another meeting
    assert meeting.observers == ()


DECLARACION_2014 = """CONFERENCIA REGIONAL SOBRE MIGRACIÓN
XIX Reunión Viceministerial

DECLARACIÓN DE MANAGUA

Managua, Nicaragua, 26 y 27 de junio de 2014

Los Viceministros y Jefes de Delegación de Belice, Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, Países Miembros de la Conferencia Regional sobre Migración (CRM), reunidos en Managua, Nicaragua, los días 26 y 27 de junio de 2014, con la participación de Argentina, Colombia, Ecuador, Jamaica y Perú en calidad de países observadores, así como de la OIM, el ACNUR, la CIDH y la RROCM:

ACUERDAN:

1. Aprobar el informe del GRCM. La XX Reunión Viceministerial se celebrará en México, D.F., el 20 de junio de 2015.
"""

RCGM_2014_EN = """REGIONAL CONFERENCE ON MIGRATION
REPORT OF THE MEETING OF THE REGIONAL CONSULTATION GROUP ON MIGRATION (RCGM)
Ottawa, Canada
November 24-25, 2014

The Regional Consultation Group on Migration (RCGM) met in Ottawa, Canada, on November 24 and 25, 2014, with the participation of Belize, Canada, Costa Rica, El Salvador, Guatemala, Honduras, Mexico, Nicaragua, Panama, the Dominican Republic and the United States. The following countries participated as observers: Argentina, Colombia and Peru, as well as the following international organizations: IOM, UNHCR and the IACHR.

The RCGM agreed to:
1. Submit its report to the XX Vice-Ministerial Meeting no later than March 31, 2015.
"""

ACTA_2012 = """XVII CONFERENCIA REGIONAL SOBRE MIGRACIÓN
ACTA DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN
Ciudad de Panamá, 20 y 21 de noviembre de 2012

Países participantes: Belice, Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá, República Dominicana.
Países observadores: Colombia, Ecuador.
Organismos observadores: OIM, ACNUR, UNICEF.

1. Apertura de la reunión.
2. Aprobación de la agenda.
"""

COMUNICADO_2002 = """VII CONFERENCIA REGIONAL SOBRE MIGRACIÓN
Antigua Guatemala, Guatemala, 20 y 21 de mayo de 2002

COMUNICADO CONJUNTO

Los Viceministros de Belice, Canadá, Costa Rica, El Salvador, Estados Unidos de América, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, reunidos en la ciudad de Antigua Guatemala, acuerdan:

1. Reconocer los avances del Plan de Acción.
"""

AD_HOC_2010 = """INFORME DE LA II REUNIÓN DEL GRUPO AD HOC SOBRE RETORNO
Tegucigalpa, M.D.C., Honduras
3 al 5 de marzo de 2010

El Grupo ad hoc sobre Retorno, en reunión celebrada del 3 al 5 de marzo de 2010 en Tegucigalpa, con la participación de los representantes de El Salvador, Guatemala, Honduras, México y EE.UU., presenta al GRCM su informe:
1. Continuar el trabajo.
"""

RROCM_2015 = """DECLARACIÓN DE LA RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES (RROCM)
ANTE LA XX REUNIÓN VICEMINISTERIAL DE LA CRM
México, D.F., 25 de junio de 2015

La RROCM, reunida en la Ciudad de México, presenta a la XX Reunión Viceministerial sus recomendaciones:
1. Proteger los derechos de las personas migrantes.
"""

CONSULAR_EN = """Report of the Nineteenth Meeting of the Liaison Officers Network on Consular Protection
San José, Costa Rica, June 30 - July 1, 2015

The Liaison Officers Network on Consular Protection held its meeting in San José, Costa Rica, with the participation of Canada, Costa Rica, Guatemala, Mexico and the United States of America.
1. The Network agreed to update the consular guide by August 31, 2015.
"""

OTHER_BODY = """INFORME DE LA REUNIÓN DE LA COMISIÓN CENTROAMERICANA DE DIRECTORES DE MIGRACIÓN (OCAM)
San Salvador, 10 de abril de 2011

La OCAM, en reunión celebrada en San Salvador, El Salvador, con la participación de Guatemala, El Salvador, Honduras y Nicaragua, acordó:
1. Intercambiar información.
"""

INTRO_NUMBERED = """REPORT OF THE REGIONAL CONSULTATION GROUP ON MIGRATION

1. The Regional Consultation Group on Migration met in Washington, D.C. on April 9 and 10, 2019, with the participation of Belize, Canada, Mexico and the United States.
2. The Group agreed to meet again no later than June 30, 2019.
"""

ONLY_AGREEMENTS = """INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN

1. La próxima reunión se celebrará el 3 de marzo de 2015 en San Salvador, El Salvador.
2. Enviar la información a más tardar el 27 de febrero de 2015.
"""

COMMUNIQUE_EN = """REGIONAL CONFERENCE ON MIGRATION
XX Vice-Ministerial Meeting
JOINT COMMUNIQUÉ
Mexico City, Mexico, June 25-26, 2015

The Vice-Ministers and Heads of Delegation of Belize, Canada, Costa Rica, El Salvador, the United States of America, Guatemala, Honduras, Mexico, Nicaragua, Panama and the Dominican Republic met in Mexico City on June 25 and 26, 2015. Argentina, Colombia, Ecuador and Peru participated as observer countries, together with the IOM, UNHCR and UNICEF as observer organizations.

The Vice-Ministers agreed:
1. To hold the XXI Vice-Ministerial Meeting in 2016.
"""

OBSERVERS_BEFORE_PLACE = """ACTA DE LA REUNIÓN DEL GRCM
Países observadores: Colombia, Ecuador.
Tegucigalpa, Honduras, C.A.
"""

# The GRCM by its short name under the Conference's header, and the date with its month first, as Honduran
# actas write it.
GRCM_SHORT_NAME_2015 = """CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)

REUNIÓN DEL GRUPO REGIONAL DE CONSULTA

Tegucigalpa, M.D.C., Honduras
Noviembre 19 y 20 de 2015

El Grupo, reunido en Tegucigalpa, M.D.C., Honduras, con la participación de Belice, Costa Rica, El Salvador, Guatemala,
Honduras, México, Nicaragua, Panamá y República Dominicana, y en calidad de observadores la OIM, acordó lo siguiente:

• Aprobar la agenda de la reunión.
• Instar a los Países Miembros a enviar sus puntos focales a más tardar el 15 de enero de 2016.
"""

HEADERS = [
    (
        COMMUNIQUE_EN,
        dict(
            title="XX Vice-Ministerial Meeting", body_key="viceministerial", number=20, city="Ciudad de México", country="México",
            date=date(2015, 6, 25), date_end=date(2015, 6, 26), participants=MEMBERS,
            observers=("Argentina", "Colombia", "Ecuador", "Perú", "OIM", "ACNUR", "UNICEF"),
        ),
    ),
    (
        OBSERVERS_BEFORE_PLACE,
        dict(
            title="ACTA DE LA REUNIÓN DEL GRCM", body_key="grcm", city="Tegucigalpa", country="Honduras",
            participants=[], observers=("Colombia", "Ecuador"),
        ),
    ),
    (
        DECLARACION_2014,
        dict(
            title="DECLARACIÓN DE MANAGUA", body_key="viceministerial", number=19, city="Managua", country="Nicaragua",
            date=date(2014, 6, 26), date_end=date(2014, 6, 27), participants=MEMBERS,
            observers=("Argentina", "Colombia", "Ecuador", "Jamaica", "Perú", "OIM", "ACNUR", "CIDH", "RROCM"),
        ),
    ),
    (
        RCGM_2014_EN,
        dict(
            title="REPORT OF THE MEETING OF THE REGIONAL CONSULTATION GROUP ON MIGRATION (RCGM)", body_key="grcm", number=None,
            city="Ottawa", country="Canadá", date=date(2014, 11, 24), date_end=date(2014, 11, 25),
            participants=["belice", "canada", "costa_rica", "el_salvador", "guatemala", "honduras", "mexico", "nicaragua", "panama", "republica_dominicana", "estados_unidos"],
            observers=("Argentina", "Colombia", "Perú", "OIM", "ACNUR", "CIDH"),
        ),
    ),
    (
        ACTA_2012,
        dict(
            title="ACTA DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN", body_key="grcm", number=None,
            city="Ciudad de Panamá", country="Panamá", date=date(2012, 11, 20), date_end=date(2012, 11, 21),
            participants=MEMBERS, observers=("Colombia", "Ecuador", "OIM", "ACNUR", "UNICEF"),
        ),
    ),
    (
        COMUNICADO_2002,
        dict(
            title="VII CONFERENCIA REGIONAL SOBRE MIGRACIÓN", body_key="viceministerial", number=7, city="Antigua Guatemala", country="Guatemala",
            date=date(2002, 5, 20), date_end=date(2002, 5, 21), participants=MEMBERS, observers=(),
        ),
    ),
    (
        AD_HOC_2010,
        dict(
            title="INFORME DE LA II REUNIÓN DEL GRUPO AD HOC SOBRE RETORNO", body_key="grupo_ad_hoc", number=2,
            city="Tegucigalpa", country="Honduras", date=date(2010, 3, 3), date_end=date(2010, 3, 5),
            participants=["el_salvador", "guatemala", "honduras", "mexico", "estados_unidos"], observers=(),
        ),
    ),
    (
        RROCM_2015,
        dict(
            title="DECLARACIÓN DE LA RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES (RROCM) ANTE LA XX REUNIÓN VICEMINISTERIAL DE LA CRM",
            body_key="rrocm", number=None, city="Ciudad de México", country="México",
            date=date(2015, 6, 25), date_end=date(2015, 6, 25), participants=[], observers=(),
        ),
    ),
    (
        CONSULAR_EN,
        dict(
            title="Report of the Nineteenth Meeting of the Liaison Officers Network on Consular Protection",
            body_key="red_proteccion_consular", number=19, city="San José", country="Costa Rica",
            date=date(2015, 6, 30), date_end=date(2015, 7, 1),
            participants=["canada", "costa_rica", "guatemala", "mexico", "estados_unidos"], observers=(),
        ),
    ),
    (
        OTHER_BODY,
        dict(
            title="INFORME DE LA REUNIÓN DE LA COMISIÓN CENTROAMERICANA DE DIRECTORES DE MIGRACIÓN (OCAM)", body_key="other",
            number=None, city="San Salvador", country="El Salvador", date=date(2011, 4, 10), date_end=date(2011, 4, 10),
            participants=["guatemala", "el_salvador", "honduras", "nicaragua"], observers=(),
        ),
    ),
    (
        INTRO_NUMBERED,
        dict(
            title="REPORT OF THE REGIONAL CONSULTATION GROUP ON MIGRATION", body_key="grcm", number=None,
            city="Washington, D.C.", country="Estados Unidos", date=date(2019, 4, 9), date_end=date(2019, 4, 10),
            participants=["belice", "canada", "mexico", "estados_unidos"], observers=(),
        ),
    ),
    (
        GRCM_SHORT_NAME_2015,
        dict(
            title="REUNIÓN DEL GRUPO REGIONAL DE CONSULTA", body_key="grcm", number=None, city="Tegucigalpa", country="Honduras",
            date=date(2015, 11, 19), date_end=date(2015, 11, 20),
            participants=[m for m in MEMBERS if m not in ("canada", "estados_unidos")], observers=("OIM",),
        ),
    ),
    (
        ONLY_AGREEMENTS,
        dict(
            title="INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN", body_key="grcm", number=None,
            city=None, country=None, date=None, date_end=None, participants=[], observers=(),
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), HEADERS, ids=[h[1]["title"][:40] for h in HEADERS])
def test_read_meeting_on_realistic_headers(text: str, expected: dict) -> None:
    meeting = read_meeting(text)
    got = {key: getattr(meeting, key) for key in expected if key != "participants"}
    got["participants"] = [c.key for c in meeting.participants]
    assert got == expected


def test_other_body_is_named_as_written() -> None:
    assert read_meeting(OTHER_BODY).body == "COMISIÓN CENTROAMERICANA DE DIRECTORES DE MIGRACIÓN (OCAM)"


# (title block, body as read, body_key, number): a workshop, seminar or forum (archive/data/events.json) whose
# title names no body of the glossary is the catch-all body's, named by the event; one naming a body is that
# body's, as a meeting of a body the table does not know is "other" named by that body.
EVENT_TITLES = [
    ("INFORME DEL TALLER SOBRE RETORNO Y REINTEGRACIÓN DE MIGRANTES\nSan Salvador, 3 de mayo de 2012",
     "TALLER SOBRE RETORNO Y REINTEGRACIÓN DE MIGRANTES", "other", None),
    ("Taller regional sobre protección de la niñez migrante\nSan Salvador, 3 de mayo de 2012",
     "Taller regional sobre protección de la niñez migrante", "other", None),
    ("Workshop on Return and Reintegration of Migrants\nSan Salvador, May 3, 2012",
     "Workshop on Return and Reintegration of Migrants", "other", None),
    ("Report of the Regional Workshop on Labour Migration\nSan Salvador, May 3, 2012",
     "Regional Workshop on Labour Migration", "other", None),  # "on" names the subject, not a body
    ("Report of the Second Regional Workshop on Labour Migration", "Second Regional Workshop on Labour Migration", "other", 2),
    ("II TALLER REGIONAL SOBRE TRATA DE PERSONAS\nCiudad de Guatemala, 3 de mayo de 2012",
     "II TALLER REGIONAL SOBRE TRATA DE PERSONAS", "other", 2),
    ("SEMINARIO SOBRE MIGRACIÓN Y SALUD", "SEMINARIO SOBRE MIGRACIÓN Y SALUD", "other", None),
    ("Seminar on Migration and Health", "Seminar on Migration and Health", "other", None),
    ("INFORME DEL SEMINARIO-TALLER SOBRE TRATA DE PERSONAS", "SEMINARIO-TALLER SOBRE TRATA DE PERSONAS", "other", None),
    ("Relatoría del Foro Regional sobre Niñez Migrante", "Foro Regional sobre Niñez Migrante", "other", None),
    ("Informe del Taller de capacitación en detección de víctimas de trata",
     "Taller de capacitación en detección de víctimas de trata", "other", None),  # a bare "de": the subject
    ("INFORME DEL TALLER DE LA COMISIÓN CENTROAMERICANA DE DIRECTORES DE MIGRACIÓN (OCAM)",
     "COMISIÓN CENTROAMERICANA DE DIRECTORES DE MIGRACIÓN (OCAM)", "other", None),  # names its body
    ("INFORME DEL TALLER REGIONAL DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN SOBRE RETORNO",
     "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN", "grcm", None),  # a body of the table wins
    ("Report of the Workshop of the Liaison Officers Network on Consular Protection",
     "Liaison Officers Network on Consular Protection", "red_proteccion_consular", None),
]


@pytest.mark.parametrize(("text", "body", "body_key", "number"), EVENT_TITLES, ids=[e[1][:40] for e in EVENT_TITLES])
def test_a_workshop_or_seminar_is_classed(text: str, body: str, body_key: str, number: int | None) -> None:
    meeting = read_meeting(text + "\n")
    assert (meeting.body, meeting.body_key, meeting.number) == (body, body_key, number)


NUMBERS = [
    ("XIX REUNIÓN VICEMINISTERIAL DE LA CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nSan José, Costa Rica, 26 y 27 de junio de 2014", 19),
    ("Décimo Novena Reunión Viceministerial\nSan José, Costa Rica", 19),
    ("Nineteenth Vice-Ministerial Meeting\nSan José, Costa Rica", 19),
    ("Report of the 19th Meeting of the Regional Consultation Group on Migration", 19),
    ("Declaración de la XX RVM\nMéxico, D.F., 25 de junio de 2015", 20),
    ("VII Conferencia Regional sobre Migración\nAntigua Guatemala, 2002", 7),
    ("Informe de la Reunión del GRCM\npresentado a la XX Reunión Viceministerial", None),
    ("INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE EN PROTECCIÓN CONSULAR", None),
]


@pytest.mark.parametrize(("text", "number"), NUMBERS)
def test_meeting_number_is_read_from_the_header_only(text: str, number: int | None) -> None:
    assert read_meeting(text).number == number


PARTICIPATION = [
    (
        "con la participación de los representantes de Belice, Canadá y México, y en calidad de observadores de Colombia, Ecuador, la OIM y el ACNUR",
        ["belice", "canada", "mexico"],
        ("Colombia", "Ecuador", "OIM", "ACNUR"),
    ),
    (
        "con la participación de Belice, EE.UU., EUA y Estados Unidos de América, así como Colombia y Perú en calidad de observadores.",
        ["belice", "estados_unidos"],
        ("Colombia", "Perú"),
    ),
    (
        "con la participación de Guatemala, Honduras, Argentina y Colombia en calidad de observadores.",
        ["guatemala", "honduras"],  # no boundary: members stay participants, the rest are observers
        ("Argentina", "Colombia"),
    ),
    (
        "Asistieron: Belice\nCanadá\nCosta Rica\n\nOrganismos internacionales: Organización Internacional para las Migraciones (OIM), UNHCR",
        ["belice", "canada", "costa_rica"],
        ("OIM", "ACNUR"),
    ),
    ("with the participation of Mexico, the United States (USA) and Jamaica as observer", ["mexico", "estados_unidos"], ("Jamaica",)),
    (
        "with the participation of the delegations present: Belize, Canada and Mexico, and of IOM as observer.",
        ["belice", "canada", "mexico"],
        ("OIM",),
    ),
    ("Agradecer a la RROCM y a Belice por su presentación.", [], ()),  # no participation sentence
    ("", [], ()),
    # The observers' clause is only what follows ", y con" / "and with" / "así como": the countries before
    # it are participants, and a singular "observadora" after an organisation is that organisation.
    (
        "con la participación de Belice, Costa Rica, Panamá y República Dominicana, y con la OIM y la RROCM como observadoras.",
        ["belice", "costa_rica", "panama", "republica_dominicana"],
        ("OIM", "RROCM"),
    ),
    (
        "con la participación de Belice, Costa Rica, Panamá y República Dominicana, y con la OIM como observador.",
        ["belice", "costa_rica", "panama", "republica_dominicana"],
        ("OIM",),
    ),
    (
        "con la participación de Belice, Panamá y República Dominicana, y la OIM en calidad de observadora.",
        ["belice", "panama", "republica_dominicana"],
        ("OIM",),
    ),
    (
        "con la participación de Belice, Panamá y República Dominicana, y con la presencia de la OIM y el ACNUR en calidad de observadores.",
        ["belice", "panama", "republica_dominicana"],
        ("OIM", "ACNUR"),
    ),
    (
        "con la participación de Belice, Panamá y República Dominicana, así como de la OIM y el ACNUR en calidad de observadores.",
        ["belice", "panama", "republica_dominicana"],
        ("OIM", "ACNUR"),
    ),
    (
        "con la participación de Belice, Panamá y México, y con Colombia, Ecuador y la OIM como observadores.",
        ["belice", "panama", "mexico"],
        ("Colombia", "Ecuador", "OIM"),
    ),
    (  # one observer country just before the singular words: unchanged
        "con la participación de Belice, Costa Rica y Panamá, y de la República Dominicana en calidad de observador.",
        ["belice", "costa_rica", "panama"],
        ("República Dominicana",),
    ),
    (
        "Asistieron Belice, Costa Rica y Panamá; participaron como observadores Colombia y la OIM.",
        ["belice", "costa_rica", "panama"],
        ("Colombia", "OIM"),
    ),
    (  # the list of countries is the verb's subject
        "Belice, Costa Rica y Panamá participaron en la reunión. Colombia y la OIM participaron como observadores.",
        ["belice", "costa_rica", "panama"],
        ("Colombia", "OIM"),
    ),
    (
        "with the participation of Belize, Canada, Mexico, Panama and the Dominican Republic, and with IOM and UNHCR as observers.",
        ["belice", "canada", "mexico", "panama", "republica_dominicana"],
        ("OIM", "ACNUR"),
    ),
    (
        "with the participation of Belize, Canada, Panama and the Dominican Republic, and IOM as an observer.",
        ["belice", "canada", "panama", "republica_dominicana"],
        ("OIM",),
    ),
    (
        "with the participation of Belize, Mexico and the Dominican Republic, and with the presence of IOM as an observer.",
        ["belice", "mexico", "republica_dominicana"],
        ("OIM",),
    ),
    (
        "with the participation of Belize, Canada, Mexico and the Dominican Republic, as well as Colombia and IOM as observers.",
        ["belice", "canada", "mexico", "republica_dominicana"],
        ("Colombia", "OIM"),
    ),
    (
        "Belize, Canada, Mexico and the Dominican Republic attended the meeting. Colombia, Ecuador and IOM attended as observers.",
        ["belice", "canada", "mexico", "republica_dominicana"],
        ("Colombia", "Ecuador", "OIM"),
    ),
    (
        "The meeting was attended by Belize, Canada and the Dominican Republic; Colombia and IOM attended as observers.",
        ["belice", "canada", "republica_dominicana"],
        ("Colombia", "OIM"),
    ),
    ("Los países que participaron en la XX Reunión Viceministerial acordaron lo siguiente.", [], ()),
    # An acta's attendance lines: who was present takes part, who was absent does not.
    (
        "Países presentes: Belice, Costa Rica, Guatemala y Panamá.\nAusentes: Canadá y República Dominicana.\n"
        "Organismos observadores: OIM y ACNUR.",
        ["belice", "costa_rica", "guatemala", "panama"],
        ("OIM", "ACNUR"),
    ),
    ("Delegaciones presentes: Belice, Honduras\nAusentes: México\n", ["belice", "honduras"], ()),
    ("Countries present: Belize, Canada and Mexico.\nAbsent: Dominican Republic.\nObservers: IOM and UNHCR.",
     ["belice", "canada", "mexico"], ("OIM", "ACNUR")),
    ("Asistieron Belice y Panamá. No asistieron Canadá ni México.", ["belice", "panama"], ()),
    ("Belize and Canada attended. Mexico did not attend the meeting.", ["belice", "canada"], ()),
    # A list set out below its introduction, one country a line or a table row (two columns, or country and delegate).
    (
        "La Red se reunió con la participación de los siguientes países:\n\nBelice Guatemala\nCanadá Honduras\n"
        "Costa Rica México\n\nAsistieron como observadores la OIM y el ACNUR. La Red acordó:",
        ["belice", "guatemala", "canada", "honduras", "costa_rica", "mexico"],
        ("OIM", "ACNUR"),
    ),
    (
        "Participating delegations:\nCountry\nDelegate\nBelize\nMs. A. Smith\nCanada\nMr. J. Tremblay\nMexico\n"
        "Sr. R. Pérez\nThe Network agreed as follows:",
        ["belice", "canada", "mexico"],
        (),
    ),
    ("Present:\nBelize\nCanada\nMexico\n\nAbsent:\nNicaragua\n\nAlso present: IOM (Technical Secretariat), UNHCR.\n",
     ["belice", "canada", "mexico"], ("OIM", "ACNUR")),
    ("En la ciudad de San Salvador, a los veintiséis días del mes de junio de dos mil trece, reunidos los representantes de "
     "Belice, Costa Rica y Panamá, se acuerda lo siguiente:", ["belice", "costa_rica", "panama"], ()),
    ("Asimismo estuvieron presentes Colombia y la OIM.", [], ("Colombia", "OIM")),
    # An attendance table, a country and its mark a row (cells on lines of their own, or tab-separated).
    ("Asistencia:\nPaís\nAsistencia\nBelice\nPresente\nCanadá\nAusente\nCosta Rica\nPresente\nMéxico\nPresente\n\nLa Red acordó:",
     ["belice", "costa_rica", "mexico"], ()),
    ("Attendance:\nBelize\tPresent\nCanada\tAbsent\nPanama (absent)\nMexico\tPresent\n", ["belice", "mexico"], ()),
    ("Member Countries in attendance: Belize, Canada and Mexico.\nObserver Countries: Colombia and Ecuador.",
     ["belice", "canada", "mexico"], ("Colombia", "Ecuador")),
    ("Countries present: Belize, Canada and Mexico\nAbsent Nicaragua\n", ["belice", "canada", "mexico"], ()),
    (  # the list ends at a long line: the countries of the prose after it take no part
        "Participantes:\nBelice\nPanamá\nEl informe de Honduras sobre el retorno de migrantes desde México fue presentado por la ST.",
        ["belice", "panama"],
        (),
    ),
]


@pytest.mark.parametrize(("text", "participants", "observers"), PARTICIPATION)
def test_participants_and_observers(text: str, participants: list[str], observers: tuple[str, ...]) -> None:
    found = read_participation(text)
    assert [c.key for c in found.participants] == participants
    assert found.observers == observers


def test_observers_clause_of_a_whole_report() -> None:
    """Read through the reading text (whose glued-word repair has written the rare "observadoras" as the
    singular "observador as"): the last participant is still a participant, the organisations observers."""
    text = (
        "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n\nSanto Domingo, 12 de marzo de 2015\n\n"
        "La reunión se celebró en Santo Domingo, República Dominicana, el 12 de marzo de 2015, con la participación de "
        "Belice, Costa Rica, El Salvador, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, y con la "
        "OIM y la RROCM como observadoras.\n\n1. Aprobar la agenda.\n"
    )
    meeting = read_meeting(text)
    assert [c.key for c in meeting.participants] == [m for m in MEMBERS if m not in ("canada", "estados_unidos")]
    assert meeting.observers == ("OIM", "RROCM")


_PREAMBLE = "La reunión se celebró {place}, el 12 de marzo de 2015, con la participación de Belice y Costa Rica.\n\n1. Aprobar la agenda.\n"

# (header place line, preamble place, city, country, country_inferred): the country is stated when the head
# writes it with the city anywhere (heading line or preamble), inferred from venues.json only when it does not.
PLACES_STATED_OR_INFERRED = [
    ("Santo Domingo, 12 de marzo de 2015", "en Santo Domingo, República Dominicana", "Santo Domingo", "República Dominicana", False),
    ("SANTO DOMINGO, 12 DE MARZO DE 2015", "en Santo Domingo, República Dominicana", "Santo Domingo", "República Dominicana", False),
    ("Tegucigalpa, 12 de marzo de 2015", "en Tegucigalpa, M.D.C., Honduras", "Tegucigalpa", "Honduras", False),
    ("Santo Domingo, República Dominicana, 12 de marzo de 2015", "en Santo Domingo", "Santo Domingo", "República Dominicana", False),
    ("Santo Domingo, 12 de marzo de 2015", "en Santo Domingo", "Santo Domingo", "República Dominicana", True),
    ("Santo Domingo, 12 de marzo de 2015", "en la capital", "Santo Domingo", "República Dominicana", True),
    # Another city written with its country is not this one's.
    ("Santo Domingo, 12 de marzo de 2015", "en Santo Domingo tras la reunión de Managua, Nicaragua", "Santo Domingo", "República Dominicana", True),
    ("", "en Managua, Nicaragua", "Managua", "Nicaragua", False),
    ("", "en Managua", "Managua", "Nicaragua", True),
]


@pytest.mark.parametrize(("header", "place", "city", "country", "inferred"), PLACES_STATED_OR_INFERRED)
def test_country_is_stated_when_the_head_writes_it_with_the_city(
    header: str, place: str, city: str, country: str, inferred: bool
) -> None:
    text = "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n\n" + (header + "\n\n" if header else "")
    meeting = read_meeting(text + _PREAMBLE.format(place=place))
    assert (meeting.city, meeting.country, meeting.country_inferred) == (city, country, inferred)


def test_country_stated_in_english_preamble() -> None:
    text = ("REPORT OF THE MEETING OF THE REGIONAL CONSULTATION GROUP ON MIGRATION\n\nOttawa, November 24, 2014\n\n"
            "The RCGM met in Ottawa, Canada, on November 24, 2014, with the participation of Belize and Mexico.\n\n1. To approve.\n")
    meeting = read_meeting(text)
    assert (meeting.city, meeting.country, meeting.country_inferred) == ("Ottawa", "Canadá", False)


def test_head_stops_at_the_first_point_and_separates_heading_lines() -> None:
    head = read_head((CORPUS / "000_cf50010547db6d03.txt").read_text(encoding="utf-8"))
    assert [line for _, line in head.lines] == [
        "CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)",
        "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)",
        "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS",
        "Managua, Nicaragua",
        "24 de noviembre de 2014",
    ]
    assert head.prose.startswith("La Red de Funcionarios")
    assert "1. Agradecer" not in head.text


def test_title_wrapped_over_lines_is_joined() -> None:
    text = "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL\nTRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS\nManagua, Nicaragua\n"
    assert read_title(read_head(text)) == (
        "INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS"
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\nSan Salvador, El Salvador, 10 de mayo de 2016\n", "REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN"),
        ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nGrupo Regional de Consulta sobre Migración\nSan Salvador, 2016\n", "Grupo Regional de Consulta sobre Migración"),
        ("Managua, Nicaragua\n24 de noviembre de 2014\n", None),
    ],
)
def test_title_falls_back_to_a_heading_naming_the_meeting(text: str, title: str | None) -> None:
    assert read_title(read_head(text)) == title


def test_title_drops_a_trailing_place_and_date() -> None:
    text = "XVIII Conferencia Regional sobre Migración, Ciudad de Panamá, 23 y 24 de junio de 2013\n"
    meeting = read_meeting(text)
    assert meeting.title == "XVIII Conferencia Regional sobre Migración"
    assert (meeting.number, meeting.body_key, meeting.city, meeting.date) == (18, "viceministerial", "Ciudad de Panamá", date(2013, 6, 23))


@pytest.mark.parametrize("text", ["", "   \n\n", "Lorem ipsum dolor sit amet.", "1. Agradecer a la OIM.\n2. Instar a los Países Miembros."])
def test_nothing_is_guessed_from_text_that_does_not_say(text: str) -> None:
    meeting = read_meeting(text)
    assert (meeting.title, meeting.body_key, meeting.number, meeting.city, meeting.country, meeting.date) == (None,) * 6
    assert meeting.participants == ()


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600))
def test_read_meeting_never_raises(text: str) -> None:
    meeting = read_meeting(text)
    assert meeting.date is None or meeting.date <= meeting.date_end
