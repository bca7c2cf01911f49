"""Shaping core results for the pages: pure functions, tested without a request.

The nested agreement tree of a report, a meeting's place line, titles and filter chips (hits are grouped by
meeting in archive.meeting_groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from archive.models import Agreement
from index import Hit


@dataclass
class AgreementNode:
    agreement: Agreement
    children: list[AgreementNode] = field(default_factory=list)


def agreement_tree(agreements: Sequence[Agreement]) -> list[AgreementNode]:
    """The agreements nested under their parents, document order kept.

    An agreement whose parent is unknown or comes later (a splitter quirk in an old report) stays at the
    top level rather than disappearing: every agreement is shown exactly once.
    """
    nodes: dict[str, AgreementNode] = {}
    roots: list[AgreementNode] = []
    for a in agreements:
        node = AgreementNode(a)
        # Only a parent seen earlier counts: that keeps the tree acyclic even on malformed data.
        parent = nodes.get(a.parent) if a.parent else None
        (parent.children if parent else roots).append(node)
        nodes.setdefault(a.label, node)
    return roots


def place(city: str | None, country: str | None, shown_country: str | None = None) -> str | None:
    """``Managua, Nicaragua``; a city that already names its country is not repeated.

    ``shown_country`` is how the page names ``country`` (its name in the UI language); whether the city
    already names it is judged on the name as written ("Ciudad de México", México), not the translation.
    """
    shown = shown_country or country
    if city and country and country.lower() not in city.lower():
        return f"{city}, {shown}"
    return city or shown


def roman(number: int) -> str:
    """``19 -> XIX``: how the CRM numbers its meetings ("XIX Reunión Viceministerial")."""
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def meeting_heading(title: str | None, body_name: str | None, number: int | None, fallback: str) -> str:
    """A readable heading for a meeting.

    Report titles are often set in capitals ("INFORME DE LA REUNIÓN DE LA RED ..."), which is hard to read
    as a heading and cannot be re-cased safely (proper names, acronyms); then the body's registered name
    (with the meeting number, "XIX Reunión Viceministerial") reads better. The title as written is still
    shown on the report page.
    """
    shouting = bool(title) and title == title.upper() and any(c.isalpha() for c in title)
    if title and not shouting:
        return title
    if body_name:
        return f"{roman(number)} {body_name}" if number and number > 0 else body_name
    return title or fallback


def agreement_count(agreements: Sequence[Agreement]) -> int:
    """How many agreements a report has, for "N acuerdos": the preamble is not one, nor is a paragraph
    that only heads a list (a heading "Capacitación" or an intro "La Red recomienda:" over its bullets,
    ``p3`` over ``p3-1``); its bullets are. Numbered points count as the report numbers them."""
    parents = {a.parent for a in agreements if a.parent}
    return sum(
        1 for a in agreements
        if a.label != "preamble" and not (a.label.startswith("p") and a.label[1:2].isdigit() and a.label in parents)
    )


def hit_display_title(hit: Hit) -> str:
    """The display title of a hit's report (``Meeting.display_title``) from the fields a hit carries."""
    from ingest.titles import display_title_of

    return display_title_of(hit.title, hit.body_key, hit.city, hit.country, hit.date, hit.language)


def anchor(label: str) -> str:
    """The id of an agreement on the report page: ``a-2.d``."""
    return f"a-{label}"


# The i18n key naming each field of web.filters.AppliedFilter on a filter chip.
FILTER_LABELS = {"year": "facet_year", "body": "facet_body", "country": "facet_country", "lang": "facet_language",
                 "city": "facet_city"}


def year_range_text(low: int | None, high: int | None) -> str:
    """A year filter as a chip shows it: "2030", "2008–2014", "2010–" (open end), "–2014"."""
    if low is not None and low == high:
        return str(low)
    return f"{low if low is not None else ''}–{high if high is not None else ''}"
