"""A title for every report: the document's own title, or one composed from what the metadata knows.

``display_title(meeting, language)`` is a pure function of a ``Meeting`` and the report's language: the
title as written when the report has one, followed by the place and year it does not state (many reports
are titled "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL …" and a list must tell them apart); else "<meeting> — <city>, <year>" from the body (with the meeting
number, "XIX Reunión Viceministerial"; a numbered Conference as the text names it, "IV Conferencia Regional
sobre Migración"), the city (or the country) and the year; else "Informe sin título" / "Untitled report" with
whatever is known. It is derived, never stored, so a better reader or an archivist's sidecar changes it at once.

``is_bare_heading`` tells a heading that names a kind of document and nothing else ("CONCLUSIONES",
"Comunicado", "JOINT COMMUNIQUÉ", "Declaración conjunta"), which is never a report's title.
"""

from __future__ import annotations

import re

from archive.folding import fold
from archive.glossary import glossary
from archive.models import Meeting

_BARE_HEADING_RX = re.compile(
    r"(?:(?:joint\s+|final\s+)?(?:communique|comunicado|declaracion|declaration|statement|conclusiones|conclusions|"
    r"recomendaciones|recommendations|acuerdos|agreements|acta|minutes|informe|report|relatoria|memoria|"
    r"pronunciamiento|resumen|summary|anexo|annex|ayuda\s+memoria)(?:\s+(?:conjunt[oa]|final|joint|oficial))?"
    r"|(?:informe|report)\s+(?:final|de\s+la\s+reunion|of\s+the\s+meeting))"
)


def display_title_of(title: str | None, body_key: str | None, city: str | None, country: str | None,
                     date_iso: str | None, language: str | None) -> str:
    """``display_title`` from the fields a search hit carries (no meeting number, body as the table names it)."""
    import datetime as dt

    try:
        when = dt.date.fromisoformat(date_iso) if date_iso else None
    except ValueError:
        when = None
    return display_title(Meeting(title=title, body_key=body_key, city=city, country=country, date=when), language)


def is_bare_heading(line: str) -> bool:
    """ "CONCLUSIONES", "Comunicado", "JOINT COMMUNIQUÉ", "Declaración Conjunta": a kind of document, no title."""
    words = re.sub(r"[^\w\s]", " ", fold(line))
    return bool(_BARE_HEADING_RX.fullmatch(" ".join(words.split())))


def _roman(number: int) -> str:
    out = []
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _meeting_name(meeting: Meeting, language: str) -> str | None:
    body_as_written = meeting.body or ""
    if meeting.number and body_as_written and not body_as_written.isupper() and re.match(r"\S+\s", body_as_written):
        # "IV Conferencia Regional sobre Migración", "Fifth Regional Conference on Migration": the name the
        # early Conferences went by, with its number, as the text writes it.
        if re.search(r"conferen", fold(body_as_written)) and len(body_as_written) <= 80:
            return body_as_written
    key = meeting.body_key
    if key and key != "other" and key in glossary():
        name = glossary().get(key).name(language)
        return f"{_roman(meeting.number)} {name}" if meeting.number else name
    if body_as_written and key == "other":
        return body_as_written
    return None


def display_title(meeting: Meeting, language: str | None = "es") -> str:
    """The report's title as written (with the place and year it does not state), or one composed in
    ``language`` ("es" unless "en")."""
    lang = "en" if language == "en" else "es"
    place = meeting.city or meeting.country
    year = str(meeting.year) if meeting.year else None
    if meeting.title and meeting.title.strip():
        # "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL …" is the title of many reports: the place and the year
        # it does not state tell them apart in a list.
        folded = fold(meeting.title)
        missing = [p for p in (place, year) if p and fold(p.split(",")[0]) not in folded]
        return f"{meeting.title} — {', '.join(missing)}" if missing else meeting.title
    name = _meeting_name(meeting, lang)
    where = ", ".join(p for p in (place, year) if p)
    if name:
        return f"{name} — {where}" if where else name
    untitled = "Untitled report" if lang == "en" else "Informe sin título"
    return f"{untitled} — {where}" if where else untitled
