"""Filters: the documents a year range, body, country, city or language allows, counted against the
per-docnum columns of the generation (filters are columns, not indexed terms; see index.schema)."""

from __future__ import annotations

from collections.abc import Iterable

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


def allowed_docnums(gen: Generation, filters: list[FieldFilter]) -> set[int] | None:
    """Docnums allowed by the filters, or None when there is no filter."""
    if not filters:
        return None
    allowed = set(gen.live)
    for f in filters:
        key = (f.field, f.value)
        docs = gen.filter_cache.get(key)
        if docs is None:
            docs = frozenset(_filter_match(gen, f))
            cache_put(gen.filter_cache, key, docs, FILTER_CACHE_SIZE)
        if f.exclude:
            allowed -= docs
        else:
            allowed &= docs
    return allowed


def _filter_match(gen: Generation, f: FieldFilter) -> Iterable[int]:
    if f.field == "year":
        low, high = f.value
        low = 1 if low is None else low
        high = 9999 if high is None else high
        return (d for d, y in enumerate(gen.years) if low <= y <= high)
    value = str(f.value)
    if f.field == "language":
        return (d for d, lang in enumerate(gen.languages) if lang == value)
    if f.field == "country":
        # Units carry the canonical key of ingest.places (documents.country_facet_key), so any
        # spelling of the filter ("Canada", "Canadá", "united states", "costa_rica") meets it.
        key = country_facet_key(value)
        return (d for d, c in enumerate(gen.countries) if c == key)
    if f.field == "city":
        key = facet_key(value)
        return (d for d, c in enumerate(gen.cities) if c == key)
    if f.field == "body":
        keys = {value.strip(), facet_key(value)}
        words = set(t for t, *_ in iter_word_tokens(value) if t not in SPANISH_STOP_WORDS)
        # Few distinct bodies: decide once per distinct (body_key, body_terms) pair.
        verdict: dict[tuple[str, str], bool] = {}
        docs = []
        for d, (body, terms) in enumerate(zip(gen.bodies, gen.body_terms)):
            ok = verdict.get((body, terms))
            if ok is None:
                ok = verdict[(body, terms)] = (body in keys or (bool(words) and words <= set(terms.split())))
            if ok:
                docs.append(d)
        return docs
    raise QuerySyntaxError(f"Filtro desconocido: {f.field} / Unknown filter: {f.field}")
