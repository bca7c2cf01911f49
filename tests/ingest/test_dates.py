"""Meeting dates in Spanish and English: table of real-world forms, negatives, and round-trip properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from ingest.dates import blank_out_dates, find_dates, parse_meeting_date

D = date

CASES = [
    # Spanish
    ("24 de noviembre de 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("6 de mayo, 2008", (D(2008, 5, 6), D(2008, 5, 6))),
    ("9 y 10 de octubre de 2012", (D(2012, 10, 9), D(2012, 10, 10))),
    ("del 3 al 4 de marzo de 2010", (D(2010, 3, 3), D(2010, 3, 4))),
    ("3 al 5 de marzo de 2010", (D(2010, 3, 3), D(2010, 3, 5))),
    ("30 de junio al 2 de julio de 2015", (D(2015, 6, 30), D(2015, 7, 2))),
    ("del 30 de diciembre de 2014 al 2 de enero de 2015", (D(2014, 12, 30), D(2015, 1, 2))),
    ("1° de junio de 2011", (D(2011, 6, 1), D(2011, 6, 1))),
    ("1º de junio de 2011", (D(2011, 6, 1), D(2011, 6, 1))),
    ("1ro de junio de 2011", (D(2011, 6, 1), D(2011, 6, 1))),
    ("1ro. de julio de 2013", (D(2013, 7, 1), D(2013, 7, 1))),
    ("1ero de julio de 2013", (D(2013, 7, 1), D(2013, 7, 1))),
    ("primero de julio de 2013", (D(2013, 7, 1), D(2013, 7, 1))),
    ("el primero del mes de julio de 2013", (D(2013, 7, 1), D(2013, 7, 1))),
    ("del 30 de junio al primero de julio de 2013", (D(2013, 6, 30), D(2013, 7, 1))),
    # A formal acta's date in words.
    ("a los veintiséis días del mes de junio de dos mil trece", (D(2013, 6, 26), D(2013, 6, 26))),
    ("el treinta y uno de julio del año dos mil", (D(2000, 7, 31), D(2000, 7, 31))),
    ("a los quince días del mes de marzo de mil novecientos noventa y nueve", (D(1999, 3, 15), D(1999, 3, 15))),
    ("a los dos días del mes de mayo de 2014", (D(2014, 5, 2), D(2014, 5, 2))),
    ("veinte de febrero de dos mil veinte", (D(2020, 2, 20), D(2020, 2, 20))),
    ("24 de noviembre del 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("los días 26 y 27 de junio de 2014", (D(2014, 6, 26), D(2014, 6, 27))),
    ("9, 10 y 11 de octubre de 2012", (D(2012, 10, 9), D(2012, 10, 11))),
    ("15 de Setiembre de 2003", (D(2003, 9, 15), D(2003, 9, 15))),
    ("23 Y 24 DE JUNIO DE 2013", (D(2013, 6, 23), D(2013, 6, 24))),
    ("24 de\nnoviembre de\n2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("Tegucigalpa, M.D.C., 1 al 3 de febrero de 1996", (D(1996, 2, 1), D(1996, 2, 3))),
    # The month first, as Central American headers write it, and the year after "de"
    ("Noviembre 19 y 20 de 2015", (D(2015, 11, 19), D(2015, 11, 20))),
    ("noviembre 24 de 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("junio 23 al 24 de 2015", (D(2015, 6, 23), D(2015, 6, 24))),
    ("Junio 23-24 del 2015", (D(2015, 6, 23), D(2015, 6, 24))),
    ("junio 30 a julio 1 de 2015", (D(2015, 6, 30), D(2015, 7, 1))),
    # The formula of an acta, and "del año"
    ("a los 24 días del mes de noviembre de 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("los días 24 y 25 del mes de noviembre de 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("el 24 de noviembre del año 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    # Abbreviated months
    ("24 de nov. de 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("9 al 10 de Sept. de 2012", (D(2012, 9, 9), D(2012, 9, 10))),
    ("Tegucigalpa, 3 Dic 2016", (D(2016, 12, 3), D(2016, 12, 3))),
    # English
    ("November 24-25, 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("November 24 – 25, 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("24-25 November 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("April 9 and 10, 2019", (D(2019, 4, 9), D(2019, 4, 10))),
    ("June 30 - July 1, 2015", (D(2015, 6, 30), D(2015, 7, 1))),
    ("30 June - 1 July 2015", (D(2015, 6, 30), D(2015, 7, 1))),
    ("November 24th, 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("the 24th of November, 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("held from March 3 to 5, 2010", (D(2010, 3, 3), D(2010, 3, 5))),
    ("Ottawa, Canada, November 24-25, 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("June 23rd and 24th, 2015", (D(2015, 6, 23), D(2015, 6, 24))),
    ("Nov. 24-25, 2014", (D(2014, 11, 24), D(2014, 11, 25))),
    ("24 Nov 2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("Dec. 1, 2016", (D(2016, 12, 1), D(2016, 12, 1))),
    # Numeric, only when unambiguous
    ("2014-11-24", (D(2014, 11, 24), D(2014, 11, 24))),
    ("24/11/2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("11/24/2014", (D(2014, 11, 24), D(2014, 11, 24))),
    ("07/07/2007", (D(2007, 7, 7), D(2007, 7, 7))),
    # The meeting date is the first one that is not a deadline
    (
        "en reunión celebrada el 24 de noviembre de 2014; enviar a más tardar el 27 de febrero de 2015",
        (D(2014, 11, 24), D(2014, 11, 24)),
    ),
    ("enviar a más tardar el 27 de febrero de 2015, en la reunión del 3 de marzo de 2015", (D(2015, 3, 3), D(2015, 3, 3))),
]

NEGATIVES = [
    "",
    "Noviembre 2014",  # month only: no day, so no date (documented)
    "November 2014",
    "1ro de junio",  # no year
    "Agradecer primero de todo a Panamá en 2013",  # "primero" before no month
    "treinta y dos de junio de dos mil trece",  # no such day
    "las dos de la tarde de junio de dos mil",  # no day before the month
    "05/06/2014",  # May 6 or 5 June?
    "a más tardar el 27 de febrero de 2015",
    "no later than March 31, 2015",
    "antes del 15 de enero de 2016",
    "31 de junio de 2014",  # no such day
    "24 de noviembre de 1492",  # not a CRM year
    "Plan de Acción 2014-2020",
    "Informe Global sobre Trata de Personas 2014",
    "may 2014 be a good year",
    "24 de marco de 2014",  # an abbreviation is a whole word: "marco" is not "mar"
    "el marco 24 de 2014",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_reads_meeting_dates(text: str, expected: tuple[date, date]) -> None:
    assert parse_meeting_date(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_gives_none_when_no_meeting_date_is_written(text: str) -> None:
    assert parse_meeting_date(text) is None


def test_deadlines_are_found_but_flagged() -> None:
    mentions = find_dates("celebrada el 24 de noviembre de 2014 ... a más tardar el 31 de marzo de 2015")
    assert [(m.first, m.deadline) for m in mentions] == [(D(2014, 11, 24), False), (D(2015, 3, 31), True)]


def test_blank_out_dates_leaves_the_place() -> None:
    assert blank_out_dates("Managua, Nicaragua, 24 de noviembre de 2014").rstrip(", ") == "Managua, Nicaragua"


SPANISH_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

days = st.dates(min_value=D(1996, 1, 1), max_value=D(2030, 12, 31))


@given(days, st.integers(min_value=0, max_value=3))
def test_any_date_round_trips_in_every_written_form(day: date, length: int) -> None:
    end = day + timedelta(days=length)
    if end.month == day.month:
        forms = [
            f"{day.day} al {end.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}",
            f"{ENGLISH_MONTHS[day.month - 1]} {day.day}-{end.day}, {day.year}",
            f"{day.day}-{end.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}",
        ]
    else:
        forms = [
            f"{day.day} de {SPANISH_MONTHS[day.month - 1]} al {end.day} de {SPANISH_MONTHS[end.month - 1]} de {end.year}",
            f"{ENGLISH_MONTHS[day.month - 1]} {day.day} - {ENGLISH_MONTHS[end.month - 1]} {end.day}, {end.year}",
        ]
    for form in forms:
        assert parse_meeting_date(f"Managua, {form}.") == (day, end), form


@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    found = parse_meeting_date(text)
    assert found is None or found[0] <= found[1]
