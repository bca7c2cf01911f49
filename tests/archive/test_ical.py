"""The iCalendar writer, read back with the `icalendar` package (RFC 5545)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar

from archive.ical import Todo, calendar, escape_text, fold_line

STAMP = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def test_todos_are_read_back_by_a_real_parser() -> None:
    todos = [
        Todo("000_cf50010547db6d03.2.a.112@crm-archive", "Países Miembros: envíen su información a la ST", STAMP,
             due=date(2015, 2, 27), url="https://archivo.example/r/000_cf50010547db6d03/2.a",
             description="Instar a los Países Miembros; a más tardar, el 27 de febrero de 2015.\nSegunda línea",
             categories=("Países Miembros", "Secretaría Técnica")),
        Todo("w@crm-archive", "Validación", STAMP, due=date(2015, 4, 30), start=date(2015, 4, 24)),
        Todo("r@crm-archive", "Antes de la próxima reunión", STAMP),
    ]
    text = calendar(todos, "Compromisos de la CRM")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    parsed = icalendar.Calendar.from_ical(text)
    assert str(parsed["VERSION"]) == "2.0" and str(parsed["X-WR-CALNAME"]) == "Compromisos de la CRM"
    found = list(parsed.walk("VTODO"))
    assert [str(t["UID"]) for t in found] == [t.uid for t in todos]
    first, window, relative = found
    assert first["DUE"].dt == date(2015, 2, 27) and str(first["SUMMARY"]) == todos[0].summary
    assert str(first["DESCRIPTION"]) == todos[0].description
    assert str(first["URL"]) == todos[0].url
    assert first["DTSTAMP"].dt == STAMP
    assert [str(c) for c in first["CATEGORIES"].cats] == list(todos[0].categories)
    assert window["DTSTART"].dt == date(2015, 4, 24) and window["DUE"].dt == date(2015, 4, 30)
    assert "DUE" not in relative and str(relative["STATUS"]) == "NEEDS-ACTION"


def test_long_lines_fold_between_characters_not_inside_them() -> None:
    line = "SUMMARY:" + "ñ" * 100
    folded = fold_line(line)
    pieces = folded.rstrip("\r\n").split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_text_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
