"""What a citation is about: one report or one of its agreements, with everything every format needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CitationItem:
    """One citable thing. ``text`` and ``accessed_note`` are already worded in the reader's language."""

    key: str  # stable and unique: "crm-<report id>" or "crm-<report id>-<label>"
    report_id: str
    label: str | None  # the agreement's label, None for the whole report
    title: str
    author: str  # the institution that issued the report
    genre: str  # "Informe de reunión" / "Meeting report"
    issued: date | None  # the meeting's (first) day
    place: str | None  # "Managua, Nicaragua"
    url: str  # the permalink
    accessed: date
    language: str | None  # the report's language (ISO 639-1)
    text: str  # the ready citation as the page shows it
    accessed_note: str  # "consultado el 1 de diciembre de 2026"
    number: int | None = None  # the meeting's number ("XIX Reunión Viceministerial" -> 19)
    issued_end: date | None = None  # the last day of a meeting of several days
