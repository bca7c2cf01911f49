"""iCalendar (RFC 5545) writer: a VCALENDAR of VTODOs, e.g. the commitments feed a calendar subscribes to.

Written by hand because the format is small and exact: CRLF line ends, lines folded at 75 octets (never
inside a UTF-8 character), TEXT values escaped (backslash, semicolon, comma, newline). Dates are
``VALUE=DATE`` (a deadline is a day, not an instant); DTSTAMP is UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

PRODID = "-//crm-archive//Commitments//ES"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Todo:
    uid: str  # stable across requests and re-ingests, so a subscribed calendar updates rather than duplicates
    summary: str
    stamp: datetime
    due: date | None = None
    start: date | None = None  # the first day of a window
    url: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold_line(line: str) -> str:
    """One content line folded into CRLF-joined pieces of at most 75 octets (§3.1)."""
    pieces, current, size = [], [], 0
    limit = MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # continuation lines start with a space
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _stamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _todo_lines(todo: Todo) -> list[str]:
    lines = ["BEGIN:VTODO", f"UID:{escape_text(todo.uid)}", f"DTSTAMP:{_stamp(todo.stamp)}"]
    if todo.start and todo.due and todo.start < todo.due:
        lines.append(f"DTSTART;VALUE=DATE:{_date(todo.start)}")
    if todo.due:
        lines.append(f"DUE;VALUE=DATE:{_date(todo.due)}")
    lines.append(f"SUMMARY:{escape_text(todo.summary)}")
    if todo.description:
        lines.append(f"DESCRIPTION:{escape_text(todo.description)}")
    if todo.url:
        lines.append(f"URL:{todo.url}")
    if todo.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in todo.categories))
    lines += ["STATUS:NEEDS-ACTION", "END:VTODO"]
    return lines


def calendar(todos: Iterable[Todo], name: str) -> str:
    """The whole VCALENDAR as text with CRLF line ends."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for todo in todos:
        lines += _todo_lines(todo)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)
