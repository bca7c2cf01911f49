"""Facets: per-year, body, country and language counts over ALL matches (not just the page),
counted against the generation's columns -- never Whoosh's ``groupedby`` (5-15x slower)."""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

from index.generation import Generation


def count_facets(gen: Generation, matching: set[int]) -> tuple[dict[int, int], dict[str, dict[str, int]]]:
    """(matches per year, facets): "year", "body", "country" (display names), "language" ->
    value -> count, largest first (years in order)."""
    by_year, by_body, by_country, by_language = Counter(), Counter(), Counter(), Counter()
    for combo, n in _counter(gen.facet_combo, matching).items():
        year, body, country, language = gen.facet_combos[combo]
        by_year[year] += n
        by_body[body] += n
        by_country[country] += n
        by_language[language] += n
    by_year.pop(0, None)
    facets = {
        "year": {str(y): c for y, c in sorted(by_year.items())},
        "body": _most_common(by_body),
        "country": {gen.country_names.get(k, k): c for k, c in _most_common(by_country).items()},
        "language": _most_common(by_language),
    }
    return dict(sorted(by_year.items())), facets


def _counter(column: list, docnums: set[int]) -> Counter:
    """Values of ``column`` counted over ``docnums``. ``itemgetter`` + ``Counter`` run in C: 100k
    documents in ~5 ms, against ~15 ms for a generator expression."""
    if not docnums:
        return Counter()
    if len(docnums) == 1:
        return Counter([column[next(iter(docnums))]])
    return Counter(itemgetter(*docnums)(column))


def _most_common(counts: Counter) -> dict[str, int]:
    """Counts without the empty value, largest first (ties by value, so the order is stable)."""
    counts.pop("", None)
    counts.pop(None, None)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
