"""Who took part in which meeting: reports -> a matrix of meetings × countries (pure functions).

Each cell is one of ``STATUSES``: the meeting's host, a participant, an observer, or ``absent`` — absent
*or unknown*, since a report that lists no one says nothing about who came. Countries are the glossary's
(``archive.glossary``, kind ``country``), found by their canonical keys: participants carry their key from
ingest, observers and the host country are stored by name and looked up in the glossary. The member states
are always rows, so an absence shows (Belize at Tela 2008); other countries appear when they took part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .glossary import glossary
from .models import OTHER_BODY, Report

HOST, PARTICIPANT, OBSERVER, ABSENT = "host", "participant", "observer", "absent"
STATUSES = (HOST, PARTICIPANT, OBSERVER, ABSENT)


@dataclass(frozen=True)
class MeetingParticipation:
    """One meeting's row: its report, the status of each country (keys absent from ``cells`` are absent)."""

    report: Report
    cells: dict[str, str]
    listed: bool  # the report names its participants or observers (else every cell but the host is unknown)

    @property
    def attended(self) -> int:
        """Countries present as host or participant."""
        return sum(1 for s in self.cells.values() if s in (HOST, PARTICIPANT))

    @property
    def observers(self) -> int:
        return sum(1 for s in self.cells.values() if s == OBSERVER)

    def status(self, country: str) -> str:
        return self.cells.get(country, ABSENT)


@dataclass(frozen=True)
class CountryTotals:
    key: str
    counts: dict[str, int] = field(default_factory=dict)  # status -> meetings

    @property
    def attended(self) -> int:
        return self.counts.get(HOST, 0) + self.counts.get(PARTICIPANT, 0)


@dataclass(frozen=True)
class ParticipationMatrix:
    countries: tuple[str, ...]  # glossary keys: member states first, then the others, in glossary order
    meetings: tuple[MeetingParticipation, ...]  # in date order, undated last
    totals: dict[str, CountryTotals]

    def by_year(self) -> list[tuple[int | None, list[MeetingParticipation]]]:
        groups: dict[int | None, list[MeetingParticipation]] = {}
        for row in self.meetings:
            groups.setdefault(row.report.year, []).append(row)
        return list(groups.items())


def country_key_of(name: str | None) -> str | None:
    """The glossary key of a country written by name ("Nicaragua", "Estados Unidos de América"), else None."""
    if not name:
        return None
    entity = glossary().lookup(name)
    return entity.key if entity is not None and entity.kind == "country" else None


def meeting_participation(report: Report) -> MeetingParticipation:
    """The cells of one report: host first, then participants, then observer countries."""
    m = report.meeting
    cells: dict[str, str] = {}
    countries = {e.key for e in glossary().by_kind("country")}
    host = country_key_of(m.country)
    if host:
        cells[host] = HOST
    for c in m.participants:
        key = c.key if c.key in countries else country_key_of(c.as_written)
        if key:
            cells.setdefault(key, PARTICIPANT)
    for name in m.observers:
        key = country_key_of(name)
        if key:
            cells.setdefault(key, OBSERVER)
    return MeetingParticipation(report, cells, listed=bool(m.participants or m.observers))


def _in_range(report: Report, year_from: int | None, year_to: int | None) -> bool:
    if year_from is None and year_to is None:
        return True
    year = report.year
    return year is not None and (year_from is None or year >= year_from) and (year_to is None or year <= year_to)


def body_key_of(form: str) -> str | None:
    """The body key ``form`` names: a key as stored (``grcm``, ``other``), or a body's name or acronym in the
    glossary in any case ("GRCM", "rcgm", "Grupo Regional de Consulta sobre Migración"); None if it names
    no body. (``participation --body GRCM`` answered an empty matrix: only the exact key matched.)"""
    wanted = form.strip()
    bodies = glossary().by_kind("body")
    if wanted == OTHER_BODY or wanted in {e.key for e in bodies}:
        return wanted
    found = glossary().lookup_query(wanted)
    return found.key if found is not None and found.kind == "body" else None


def body_keys() -> tuple[str, ...]:
    """Every body key a report can carry, in glossary order, the catch-all last."""
    return (*(e.key for e in glossary().by_kind("body")), OTHER_BODY)


def participation_matrix(reports: Iterable[Report], body: str | None = None, year_from: int | None = None,
                         year_to: int | None = None) -> ParticipationMatrix:
    """The matrix of the reports of ``body`` (any when None; a key, or a form ``body_key_of`` reads) held in
    the given years, in date order."""
    if body is not None:
        body = body_key_of(body) or body  # an unknown body selects no meeting
    chosen = [r for r in reports if (body is None or r.meeting.body_key == body) and _in_range(r, year_from, year_to)]
    chosen.sort(key=lambda r: (r.meeting.date is None, r.meeting.date or date.max, r.source))
    rows = tuple(meeting_participation(r) for r in chosen)
    present = {key for row in rows for key in row.cells}
    countries = tuple(e.key for e in sorted(glossary().by_kind("country"), key=lambda e: not e.member)
                      if e.member or e.key in present)
    totals = {}
    for key in countries:
        counts = {status: 0 for status in STATUSES}
        for row in rows:
            counts[row.status(key)] += 1
        totals[key] = CountryTotals(key, counts)
    return ParticipationMatrix(countries, rows, totals)


def country_meetings(reports: Iterable[Report], key: str) -> list[tuple[Report, str]]:
    """Every meeting with ``key``'s status in it, in date order (``participation_matrix`` of one country)."""
    matrix = participation_matrix(reports)
    return [(row.report, row.status(key)) for row in matrix.meetings]
