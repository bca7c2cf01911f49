"""The timeline: a term across the years -- matching agreements and distinct reports per year."""

from __future__ import annotations

import numpy as np

from index import docsets
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
    compiled, _marks = compile_query(gen.vocabulary, parsed.node)
    matching = gen.live if compiled is None else docnums(gen, compiled)
    allowed = allowed_docnums(gen, list(parsed.filters))
    if allowed is not None:
        matching = docsets.intersect(matching, allowed)
    report_codes, distinct = gen.codes("report_ids")
    years = gen.year_array[matching].astype(np.int64)
    dated = years > 0
    years, report_codes = years[dated], report_codes[matching][dated]
    if not len(years):
        return []
    units = _per_year(years)
    # Distinct (year, report) pairs, counted per year.
    pairs = docsets.distinct(years * (len(distinct) + 1) + report_codes)
    reports = _per_year(pairs // (len(distinct) + 1))
    low, high = min(units), max(units)
    span = range(low, high + 1) if high - low <= MAX_CONTIGUOUS_YEARS else sorted(units)
    return [YearCount(y, units.get(y, 0), reports.get(y, 0)) for y in span]


def _per_year(years: np.ndarray) -> dict[int, int]:
    """year -> how often it occurs in ``years`` (positive ints), counted in C."""
    counts = np.bincount(years)
    return {int(y): int(counts[y]) for y in np.flatnonzero(counts).tolist()}
