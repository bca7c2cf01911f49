"""The timeline: a term across the years -- matching agreements and distinct reports per year."""

from __future__ import annotations

from collections import Counter

from index.compiler import compile_query
from index.filters import allowed_docnums
from index.generation import Generation
from index.matching import docnums
from index.query import ParsedQuery
from index.results import YearCount

MAX_CONTIGUOUS_YEARS = 200  # a wider span lists only the years with matches


def timeline(gen: Generation, parsed: ParsedQuery) -> list[YearCount]:
    """Per year from the first to the last year with a match: matching agreements and
    distinct reports (years in between with no match are listed with zeros)."""
    compiled, _marks = compile_query(gen.reader, parsed.node)
    matching = set(gen.live) if compiled is None else docnums(gen, compiled)
    allowed = allowed_docnums(gen, list(parsed.filters))
    if allowed is not None:
        matching &= allowed
    units: Counter[int] = Counter()
    reports: dict[int, set[str]] = {}
    for d in matching:
        year = gen.years[d]
        if year:
            units[year] += 1
            reports.setdefault(year, set()).add(gen.report_ids[d])
    if not units:
        return []
    low, high = min(units), max(units)
    years = range(low, high + 1) if high - low <= MAX_CONTIGUOUS_YEARS else sorted(units)
    return [YearCount(y, units.get(y, 0), len(reports.get(y, ()))) for y in years]
