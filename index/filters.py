"""Filters: the documents a year range, body, country, city or language allows, counted against the
per-docnum columns of the generation (filters are columns, not indexed terms; see index.schema)."""

from __future__ import annotations

import numpy as np

from index import docsets
from index.analysis import SPANISH_STOP_WORDS, fold, iter_word_tokens
from index.documents import country_facet_key
from index.generation import Generation, cache_put
from index.query import FieldFilter, QuerySyntaxError
from index.results import SearchQuery
from index.schema import facet_key

FILTER_CACHE_SIZE = 128


def query_filters(q: SearchQuery) -> list[FieldFilter]:
    """The filters a ``SearchQuery`` carries beside its text (``año:`` etc. come from the parser)."""
    filters = []
    if q.year_from is not None or q.year_to is not None:
        filters.append(FieldFilter("year", (q.year_from, q.year_to)))
    if q.body:
        filters.append(FieldFilter("body", fold(q.body).strip()))
    if q.country:
        filters.append(FieldFilter("country", fold(q.country).strip()))
    if q.language:
        filters.append(FieldFilter("language", fold(q.language).strip()))
    return filters


def allowed_docnums(gen: Generation, filters: list[FieldFilter]) -> np.ndarray | None:
    """Docnums allowed by the filters (a docset), or None when there is no filter."""
    if not filters:
        return None
    allowed = gen.live
    for f in filters:
        key = (f.field, f.value)
        docs = gen.filter_cache.get(key)
        if docs is None:
            docs = _filter_match(gen, f)
            cache_put(gen.filter_cache, key, docs, FILTER_CACHE_SIZE)
        allowed = docsets.difference(allowed, docs) if f.exclude else docsets.intersect(allowed, docs)
    return allowed


def _filter_match(gen: Generation, f: FieldFilter) -> np.ndarray:
    """The docnums (live or not) a filter selects."""
    if f.field == "year":
        low, high = f.value
        years = gen.year_array
        return np.flatnonzero((years >= (1 if low is None else low)) & (years <= (9999 if high is None else high)))
    value = str(f.value)
    if f.field == "language":
        return _where(gen, ("languages",), lambda lang: lang == value)
    if f.field == "country":
        # Units carry the canonical key of ingest.places (documents.country_facet_key), so any
        # spelling of the filter ("Canada", "Canadá", "united states", "costa_rica") meets it.
        key = country_facet_key(value)
        return _where(gen, ("countries",), lambda country: country == key)
    if f.field == "city":
        key = facet_key(value)
        return _where(gen, ("cities",), lambda city: city == key)
    if f.field == "body":
        keys = {value.strip(), facet_key(value)}
        words = set(t for t, *_ in iter_word_tokens(value) if t not in SPANISH_STOP_WORDS)
        return _where(gen, ("bodies", "body_terms"),
                      lambda body, terms: body in keys or (bool(words) and words <= set(terms.split())))
    raise QuerySyntaxError(f"Filtro desconocido: {f.field} / Unknown filter: {f.field}")


def _where(gen: Generation, columns: tuple[str, ...], accepts) -> np.ndarray:
    """The docnums whose values of ``columns`` ``accepts`` -- decided once per distinct value."""
    codes, distinct = gen.codes(*columns)
    verdict = np.array([bool(accepts(*values)) for values in distinct], dtype=bool)
    return np.flatnonzero(verdict[codes]) if len(verdict) else docsets.EMPTY
