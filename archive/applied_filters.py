"""The filters a search applied, from its parameters and from its query text alike, as the answers report them.

The core applies every filter it is given -- ``year_from``/``body``/... beside the text, and ``año:``,
``cuerpo:``, ``-pais:`` ... typed in it (index.query) -- all together: a hit satisfies each one
(index.search._search intersects them). So ``year_from=2000`` with ``año:2030`` searches 2030, and
``country=mexico`` with ``pais:honduras`` finds nothing. The answer says so in one place (``filters``),
in the shape it had when only parameters were echoed, plus what that shape cannot hold: the city, the
exclusions, and which fields were given values that contradict each other.

Shared by ``crm-archive search --json``, /api/search and the search page's chips (archive.serialize and
web.views), from the ``SearchResult``: the core reports the filters typed in the text it applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index import SearchResult, fold

YearRange = tuple[int | None, int | None]
# The answer's key for each field of index.query.FieldFilter ("lang", as the parameter is named).
ANSWER_KEYS = {"year": "year", "body": "body", "country": "country", "language": "lang", "city": "city"}
TEXT_FIELDS = ("body", "country", "lang", "city")


@dataclass(frozen=True)
class AppliedFilter:
    field: str  # an answer key: "year", "body", "country", "lang", "city"
    value: str | YearRange  # a year range (None: open end), or the value as given (typed ones folded)
    exclude: bool = False  # ``-pais:mexico``: hits must not match
    source: str = "param"  # "param" (a URL parameter) or "q" (typed in the query text)


@dataclass(frozen=True)
class AppliedFilters:
    filters: tuple[AppliedFilter, ...]

    def included(self, field: str) -> list[AppliedFilter]:
        return [f for f in self.filters if f.field == field and not f.exclude]

    @property
    def years(self) -> YearRange:
        """The years every hit is in: the intersection of every year filter (from > to: none is)."""
        ranges = [f.value for f in self.included("year")]
        lows = [low for low, _ in ranges if low is not None]
        highs = [high for _, high in ranges if high is not None]
        return (max(lows) if lows else None, min(highs) if highs else None)

    def value(self, field: str) -> str | None:
        """The value of a text field: a parameter's before a typed one (both apply when they differ)."""
        given = self.included(field)
        return str(given[0].value) if given else None

    @property
    def conflicts(self) -> list[str]:
        """The fields whose filters no hit can satisfy together: year ranges that do not overlap, and a
        text field given different values (one body can answer to two names, so for ``body`` this says
        "two different values", and the total says whether any unit matched both)."""
        low, high = self.years
        found = ["year"] if low is not None and high is not None and low > high else []
        return found + [field for field in TEXT_FIELDS
                        if len({fold(str(f.value)).strip() for f in self.included(field)}) > 1]


def applied_filters(result: SearchResult) -> AppliedFilters:
    """Every filter the search applied: its query's parameters first, then those typed in its text."""
    query = result.query
    found: list[AppliedFilter] = []
    if query.year_from is not None or query.year_to is not None:
        found.append(AppliedFilter("year", (query.year_from, query.year_to)))
    for field, given in (("body", query.body), ("country", query.country), ("lang", query.language)):
        if given:
            found.append(AppliedFilter(field, given.strip()))
    found.extend(AppliedFilter(ANSWER_KEYS[f.field], f.value, f.exclude, "q")
                 for f in result.typed_filters)
    return AppliedFilters(tuple(found))


def filter_to_dict(f: AppliedFilter) -> dict[str, Any]:
    value: dict[str, Any] = ({"year_from": f.value[0], "year_to": f.value[1]} if f.field == "year"
                             else {"value": f.value})
    return {"field": f.field, **value, "exclude": f.exclude, "source": f.source}


def filters_to_dict(applied: AppliedFilters) -> dict[str, Any]:
    """The answer's ``filters`` (web/openapi.json, SearchResult.filters)."""
    year_from, year_to = applied.years
    return {
        "year_from": year_from, "year_to": year_to,
        **{field: applied.value(field) for field in TEXT_FIELDS},
        "applied": [filter_to_dict(f) for f in applied.filters],
        "conflicts": applied.conflicts,
    }
