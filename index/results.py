"""The public value types of a search -- what callers pass in and get back -- and the validation of
a ``SearchQuery`` (the first step of the pipeline)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from index.expansion import Expansion
from index.query import MAX_QUERY_CHARS, FieldFilter, QuerySyntaxError, too_long

SORTS = ("relevance", "date", "date_asc")
MAX_PER_PAGE = 1000  # the CLI's --limit documents 1..1000; the web API allows 100
MAX_DEPTH = 100_000  # page * per_page: deeper pages are refused


@dataclass(frozen=True)
class SearchQuery:
    text: str
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None
    country: str | None = None
    language: str | None = None
    sort: str = "relevance"  # or "date" (newest first) / "date_asc"
    page: int = 1
    per_page: int = 20
    translate: bool = False  # also match the thesaurus equivalents in the other language (index.expansion)
    facets: bool = True  # count the facets (SearchResult.facets); per-year counts are always counted

    @property
    def asks_something(self) -> bool:
        """Words to search or a filter. Without either the answer is every agreement, which no edge gives
        (the CLI and the API refuse it, the search page shows its form); a filter alone lists its selection."""
        return bool((self.text or "").strip()) or any(
            value is not None and str(value).strip() for value in (self.year_from, self.year_to, self.body,
                                                                   self.country, self.language))


@dataclass(frozen=True)
class Hit:
    report_id: str
    source: str
    label: str
    parent: str | None
    year: int | None
    date: str | None  # ISO
    city: str | None
    country: str | None
    body_key: str | None
    title: str | None
    language: str | None
    score: float
    snippet: str  # HTML-safe: the text escaped, matches wrapped in <mark>...</mark>
    text: str
    page: int | None


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    total: int
    by_year: dict[int, int]  # over ALL matches, not just the page
    facets: dict[str, dict[str, int]]  # "body", "country", "language", "year" -> value -> count ({}: not asked)
    hits: tuple[Hit, ...]
    suggestion: str | None  # "did you mean": the full corrected query text, or None
    expansions: tuple[Expansion, ...] = ()  # what the query also matched (glossary forms, translations)
    typed_filters: tuple[FieldFilter, ...] = ()  # filters typed in the text (año:2030), applied beside the query's
    # When nothing matched as asked: how many the same search finds with ``translate`` (the thesaurus's
    # equivalents in the other language: "smuggling" is "tráfico ilícito de migrantes"); None when it
    # finds none either, or was asked with translate.
    translated_total: int | None = None


@dataclass(frozen=True)
class YearCount:
    year: int
    agreements: int
    reports: int


@dataclass(frozen=True)
class Precedent:
    hit: Hit
    score: float


def validated(q: SearchQuery) -> SearchQuery:
    """``q`` checked (sort, page bounds, length) and normalised (a reversed year range, a None text)."""
    if q.sort not in SORTS:
        raise QuerySyntaxError(f"Orden desconocido «{q.sort}» (relevance, date, date_asc) "
                               f"/ Unknown sort «{q.sort}».")
    if (not isinstance(q.page, int) or q.page < 1 or not isinstance(q.per_page, int)
            or not 1 <= q.per_page <= MAX_PER_PAGE):
        raise QuerySyntaxError(f"Página no válida / Invalid page (page >= 1, 1 <= per_page <= {MAX_PER_PAGE}).")
    if q.page * q.per_page > MAX_DEPTH:
        raise QuerySyntaxError("Página demasiado lejana / Page too far.")
    if q.text is not None and len(q.text) > MAX_QUERY_CHARS:
        raise too_long()
    if q.year_from is not None and q.year_to is not None and q.year_from > q.year_to:
        return replace(q, year_from=q.year_to, year_to=q.year_from)
    if q.text is None:
        return replace(q, text="")
    return q
