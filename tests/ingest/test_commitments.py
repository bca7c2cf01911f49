"""Commitments: deadlines in every phrasing the reports use (ES and EN), who must act, and what is not one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from archive.models import Agreement
from ingest.commitments import find_commitments, find_deadlines
from ingest.pipeline import parse_file
from tests.conftest import MANAGUA, TELA

NOV_24_2014 = date(2014, 11, 24)
D = date

# (text, meeting's last day, due, window, phrase as found)
DATED = [
    ("a más tardar el 27 de febrero de 2015", NOV_24_2014, D(2015, 2, 27), None, "a más tardar el 27 de febrero de 2015"),
    ("enviar sus comentarios A MAS TARDAR EL 27 DE FEBRERO DE 2015.", NOV_24_2014, D(2015, 2, 27), None,
     "A MAS TARDAR EL 27 DE FEBRERO DE 2015"),
    ("antes del 31 de marzo de 2015", NOV_24_2014, D(2015, 3, 31), None, "antes del 31 de marzo de 2015"),
    ("no más tarde del 15 de enero de 2015", NOV_24_2014, D(2015, 1, 15), None, None),
    ("hasta el 30 de junio de 2015", NOV_24_2014, D(2015, 6, 30), None, None),
    ("con fecha límite el 9 de enero de 2015", NOV_24_2014, D(2015, 1, 9), None, "fecha límite el 9 de enero de 2015"),
    ("a finales de septiembre de 2012", D(2012, 6, 7), D(2012, 9, 30), None, None),
    ("a fines de febrero de 2013", D(2012, 6, 7), D(2013, 2, 28), None, None),
    ("a finales de septiembre", D(2012, 6, 7), D(2012, 9, 30), None, None),
    ("a finales de septiembre", D(2012, 10, 7), D(2013, 9, 30), None, None),  # the first end of September after it
    ("antes de septiembre de 2015", NOV_24_2014, D(2015, 8, 31), None, None),
    ("a más tardar en el mes de marzo de 2015", NOV_24_2014, D(2015, 3, 31), None, None),
    ("a más tardar la última semana de abril de 2015", NOV_24_2014, D(2015, 4, 30), (D(2015, 4, 24), D(2015, 4, 30)), None),
    ("a más tardar la primera semana de marzo", NOV_24_2014, D(2015, 3, 7), (D(2015, 3, 1), D(2015, 3, 7)), None),
    ("antes de la segunda quincena de enero de 2015", NOV_24_2014, D(2015, 1, 31), (D(2015, 1, 16), D(2015, 1, 31)), None),
    ("a más tardar en el primer semestre de 2016", NOV_24_2014, D(2016, 6, 30), (D(2016, 1, 1), D(2016, 6, 30)), None),
    ("by the last week of April 2015", NOV_24_2014, D(2015, 4, 30), (D(2015, 4, 24), D(2015, 4, 30)), None),
    ("no later than the third quarter of 2015", NOV_24_2014, D(2015, 9, 30), (D(2015, 7, 1), D(2015, 9, 30)), None),
    ("en un plazo no mayor de treinta días", NOV_24_2014, D(2014, 12, 24), None, "en un plazo no mayor de treinta días"),
    ("en un plazo máximo de 45 días", NOV_24_2014, D(2015, 1, 8), None, None),
    ("dentro de los sesenta (60) días siguientes a la clausura de la reunión", NOV_24_2014, D(2015, 1, 23), None,
     "dentro de los sesenta (60) días siguientes a la clausura de la reunión"),
    ("en los próximos dos meses", NOV_24_2014, D(2015, 1, 24), None, None),
    ("en un plazo de 10 días hábiles", NOV_24_2014, D(2014, 12, 8), None, None),  # weekdays: Nov 25 .. Dec 8
    ("within 90 days", NOV_24_2014, D(2015, 2, 22), None, "within 90 days"),
    ("within ninety (90) days of the closing of this meeting", NOV_24_2014, D(2015, 2, 22), None,
     "within ninety (90) days of the closing of this meeting"),
    ("within two weeks", NOV_24_2014, D(2014, 12, 8), None, None),
    ("within a month", D(2015, 1, 31), D(2015, 2, 28), None, None),
    ("by March 15th, at the latest", NOV_24_2014, D(2015, 3, 15), None, "by March 15th, at the latest"),
    ("el 15 de marzo, a más tardar", NOV_24_2014, D(2015, 3, 15), None, "15 de marzo, a más tardar"),
    ("en marzo a más tardar el 15 de agosto de 2015", NOV_24_2014, D(2015, 8, 15), None,
     "a más tardar el 15 de agosto de 2015"),  # the words lead the date after them, not close the month before
    ("ENVIAR ANTES DEL 31 DE MARZO DE 2015", NOV_24_2014, D(2015, 3, 31), None, None),
    ("no later than January 10, 2015", NOV_24_2014, D(2015, 1, 10), None, None),
    ("not later than 10 January 2015", NOV_24_2014, D(2015, 1, 10), None, None),
    ("by 31 March 2015", NOV_24_2014, D(2015, 3, 31), None, None),
    ("prior to February 2, 2015", NOV_24_2014, D(2015, 2, 2), None, None),
    ("before the end of 2015", NOV_24_2014, D(2015, 12, 31), None, "before the end of 2015"),
    ("by the end of the year", D(2015, 6, 18), D(2015, 12, 31), None, None),
    ("antes de que finalice el año", NOV_24_2014, D(2014, 12, 31), None, None),
    ("a finales de 2015", NOV_24_2014, D(2015, 12, 31), None, None),
    ("a más tardar el 2015-01-30", NOV_24_2014, D(2015, 1, 30), None, None),
    ("deadline: 30/01/2015", NOV_24_2014, D(2015, 1, 30), None, None),
    ("a más tardar el viernes 27 de febrero de 2015", NOV_24_2014, D(2015, 2, 27), None, None),
    ("by Friday, March 13, 2015", NOV_24_2014, D(2015, 3, 13), None, None),
    ("hasta el próximo 27 de febrero", NOV_24_2014, D(2015, 2, 27), None, None),
    ("dentro del plazo de 30 días", NOV_24_2014, D(2014, 12, 24), None, None),
    ("la fecha límite para el envío es el 30 de enero de 2015", NOV_24_2014, D(2015, 1, 30), None, None),
    ("The deadline for submissions is January 30, 2015", NOV_24_2014, D(2015, 1, 30), None, None),
]


@pytest.mark.parametrize(("text", "meeting", "due", "window", "phrase"), DATED, ids=[d[0] for d in DATED])
def test_dated_deadlines(text: str, meeting: date, due: date, window: tuple[date, date] | None,
                         phrase: str | None) -> None:
    found = find_deadlines(text, meeting, meeting)
    assert len(found) == 1, found
    d = found[0]
    assert (d.due, d.window, d.relative) == (due, window, None)
    if phrase is not None:
        assert text[d.start:d.end] == phrase


RELATIVE = [
    ("antes de la próxima reunión", "antes de la próxima reunión"),
    ("previo a la siguiente reunión de la Red", "previo a la siguiente reunión"),
    ("a más tardar en la próxima reunión del GRCM", "a más tardar en la próxima reunión"),
    ("antes de la XX Reunión Viceministerial", "antes de la XX Reunión"),
    ("before the next meeting", "before the next meeting"),
    ("prior to the next Vice-Ministerial Meeting", "prior to the next Vice-Ministerial Meeting"),
    ("by the next meeting of the Network", "by the next meeting"),
    ("a más tardar 30 días después de recibir el informe", "a más tardar 30 días después de recibir el informe"),
    ("within 30 days of receipt of the report, the TS will", "within 30 days of receipt of the report"),
]


@pytest.mark.parametrize(("text", "relative"), RELATIVE, ids=[r[0] for r in RELATIVE])
def test_relative_deadlines_have_no_date_and_keep_their_words(text: str, relative: str) -> None:
    found = find_deadlines(text, NOV_24_2014, NOV_24_2014)
    assert [(d.due, d.window, d.relative) for d in found] == [(None, None, relative)]


def test_a_span_or_a_yearless_day_without_a_meeting_date_is_relative() -> None:
    assert [d.relative for d in find_deadlines("within 90 days")] == ["within 90 days"]
    assert [d.relative for d in find_deadlines("by March 15th, at the latest")] == ["by March 15th, at the latest"]
    assert [d.due for d in find_deadlines("a más tardar el 27 de febrero de 2015")] == [D(2015, 2, 27)]


NOT_DEADLINES = [
    "en reunión celebrada el 24 de noviembre de 2014 en Managua",
    "Managua, Nicaragua, 24 de noviembre de 2014",
    "los resultados de su Informe Global sobre Trata de Personas 2014",
    "el Programa Indicativo Multianual para América Latina 2014-2020",
    "desde la última reunión de esta Red",
    "a más tardar el 10 de octubre de 2014",  # before the meeting
    "antes del 24 de noviembre de 2014",  # the meeting's own day
    "antes de la última reunión",
    "desde el 1 de marzo hasta el 30 de junio de 2015",
    "se extiende el mandato del Grupo hasta diciembre de 2015",
    "the Plan will remain in force until 2016",
    "the plan adopted by the Vice-Ministerial Meeting",
    "to reduce irregular migration by 2015",
    "the march of migrants before march",
    "Member States may send their views",
    "La próxima reunión se realizará en marzo de 2015 en Guatemala",
    "durante la última semana de abril de 2015 se celebrará el taller",
    "se presentará en la próxima reunión",
    "Agradecer a la OIM su informe de 2015",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_dates_that_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text, NOV_24_2014, NOV_24_2014) == []


def test_a_sentence_without_an_actor_takes_the_one_before_then_the_parent_s() -> None:
    units = [
        Agreement("3", "3. Se insta a los Países Miembros a lo siguiente:"),
        Agreement("3.a", "a. Enviar sus aportes a más tardar el 2 de febrero de 2015.", parent="3"),
        Agreement("4", "4. La OIM preparará un informe. El informe será enviado a la ST antes del 1 de abril de 2015."),
    ]
    found = find_commitments(units, NOV_24_2014, NOV_24_2014)
    assert [(c.label, c.due, c.actors) for c in found] == [
        ("3.a", D(2015, 2, 2), ("paises_miembros",)), ("4", D(2015, 4, 1), ("oim",))]
    assert found[1].sentence == "El informe será enviado a la ST antes del 1 de abril de 2015."


def test_unnumbered_paragraph_units_are_read_the_same_way() -> None:
    units = [Agreement("p1", "Los Estados Miembros enviarán sus aportes en un plazo de treinta días."),
             Agreement("p2", "The TS will report before the next meeting.")]
    found = find_commitments(units, NOV_24_2014, NOV_24_2014)
    assert [(c.label, c.due, c.relative, c.actors) for c in found] == [
        ("p1", D(2014, 12, 24), None, ("paises_miembros",)),
        ("p2", None, "before the next meeting", ("secretaria_tecnica",))]


DECLARATION = """DECLARACIÓN DE LA XIX REUNIÓN VICEMINISTERIAL DE LA CONFERENCIA REGIONAL SOBRE MIGRACIÓN

Managua, Nicaragua, 26 y 27 de junio de 2014

Los Viceministros de los Países Miembros de la Conferencia Regional sobre Migración, reunidos en Managua, \
Nicaragua, con la participación de Belice, Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, \
Honduras, México, Nicaragua, Panamá y República Dominicana, acordaron:

Aprobar el Plan de Trabajo de la Presidencia Pro Tempore para el periodo 2014-2015.

Encomendar a la Secretaría Técnica que circule el informe final entre los Países Miembros en un plazo no \
mayor de treinta días.

Solicitar a la OIM que presente los resultados del estudio antes de la próxima reunión del GRCM.

Agradecer al Gobierno de Nicaragua por la hospitalidad brindada.
"""


def test_a_report_that_numbers_nothing_through_the_real_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "declaracion.txt"
    path.write_text(DECLARATION, encoding="utf-8")
    parsed = parse_file(path)
    m = parsed.meeting
    found = find_commitments(parsed.agreements, m.date, m.date_end)
    assert [(c.label, c.due, c.relative, c.actors) for c in found] == [
        ("p2", D(2014, 7, 27), None, ("secretaria_tecnica",)),  # thirty days after the meeting's last day
        ("p3", None, "antes de la próxima reunión", ("oim",)),
    ]


# -- the seeds -------------------------------------------------------------------------------------------


def _seed_commitments(path: Path) -> list[tuple]:
    parsed = parse_file(path)
    m = parsed.meeting
    return [(c.label, c.due, c.due_window, c.relative, c.actors)
            for c in find_commitments(parsed.agreements, m.date, m.date_end)]


def test_managua_2014_commitments() -> None:
    assert _seed_commitments(MANAGUA) == [
        ("2.a", D(2015, 2, 27), None, None, ("paises_miembros",)),
        ("4", D(2015, 2, 27), None, None, ("paises_miembros",)),
        ("4.b", D(2015, 3, 31), None, None, ("secretaria_tecnica",)),
        ("4.b", D(2015, 4, 30), (D(2015, 4, 24), D(2015, 4, 30)), None, ("paises_miembros",)),
    ]


def test_managua_phrases_are_as_written() -> None:
    parsed = parse_file(MANAGUA)
    found = find_commitments(parsed.agreements, parsed.meeting.date, parsed.meeting.date_end)
    assert [c.phrase for c in found] == [
        "a más tardar el 27 de febrero de 2015", "a más tardar el 27 de febrero de 2015",
        "a más tardar el 31 de marzo de 2015", "a más tardar la última semana de abril de 2015"]
    unit = parsed.agreements[[a.label for a in parsed.agreements].index("4")]
    assert " ".join(unit.text[found[1].start:found[1].end].split()) == found[1].phrase


def test_tela_2008_has_no_commitments() -> None:
    assert _seed_commitments(TELA) == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200) | st.lists(st.sampled_from(
    ["a más tardar", "el", "27", "de", "febrero", "2015", "within", "90", "days", "by", "March", "15th", ",",
     "antes de la", "próxima", "reunión", "última", "semana", "abril", "treinta", "días", "hasta", "." , "ST",
     "Países Miembros", "se insta a los", "enviará", "2014-2020", "before the end of"]), max_size=30).map(" ".join),
       meeting=st.none() | st.dates(D(1995, 1, 1), D(2035, 12, 31)))
def test_property_deadlines_lie_in_the_text_and_after_the_meeting(text: str, meeting: date | None) -> None:
    for d in find_deadlines(text, meeting, meeting):
        assert 0 <= d.start < d.end <= len(text)
        assert (d.due is None) == (d.relative is not None)
        if d.due is not None and meeting is not None:
            assert d.due > meeting
        if d.window is not None:
            assert d.window[0] <= d.window[1] == d.due
    for c in find_commitments([Agreement("p1", text)], meeting, meeting):
        assert c.phrase and c.label == "p1"
