"""Reading a search from a query string, for the pages, the JSON API and the CSV export alike.

The pages and the API name their parameters differently (the pages speak Spanish and keep ``lang`` for
the UI language, so the document-language filter is ``idioma``), but parse them with one function so a
hostile value is treated the same everywhere: it becomes a ``Problem`` the caller shows, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from index import SearchQuery
# The core's limits. The query's length is checked here as sent: a 10k-char query never reaches the parser.
from index.query import MAX_QUERY_CHARS, YEAR_MAX, YEAR_MIN

MAX_FILTER_CHARS = 100
MAX_PAGE = 100_000
SORTS = ("relevance", "date")
_INTEGER = re.compile(r"-?[0-9]{1,9}")
# Problems that only normalise a value the caller's intent is clear about (a year range written
# backwards): the answer's "filters" shows the range used, so the API and the downloads do not refuse them.
NORMALISED = frozenset({"error_year_order"})
# The pages ignore a bad value and say so; the API and the downloads refuse the request, and say that instead.
REJECTED_WORDING = {"error_bad_number": "error_rejected_value"}


@dataclass(frozen=True)
class ParamNames:
    text: str
    year_from: str
    year_to: str
    body: str
    country: str
    language: str
    sort: str
    page: str
    per_page: str | None = None
    translate: str | None = None  # a flag: "1" also searches the other language's equivalents


PAGE_PARAMS = ParamNames("q", "desde", "hasta", "organo", "pais", "idioma", "orden", "pagina", translate="traducir")
API_PARAMS = ParamNames("q", "year_from", "year_to", "body", "country", "lang", "sort", "page", "per_page",
                        translate="translate")
TRUE_FLAGS = ("1", "true", "on", "yes", "si", "sí")


def flag(args: Mapping[str, str], name: str | None) -> bool:
    """A checkbox or ``=1`` parameter: anything but a true-ish value (or its absence) is false."""
    return bool(name) and (args.get(name) or "").strip().lower() in TRUE_FLAGS


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input: an i18n key and its values, so each edge words it in its language."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    fatal: bool = False  # no search can be run (as opposed to a value that was ignored or corrected)


@dataclass(frozen=True)
class ParsedSearch:
    query: SearchQuery | None  # None: nothing asked yet (empty box, no filter) or a fatal problem
    problems: tuple[Problem, ...] = ()

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)


def parse_search(args: Mapping[str, str], names: ParamNames, per_page: int = 20,
                 per_page_max: int = 100, page_max: int = MAX_PAGE) -> ParsedSearch:
    """A ``SearchQuery`` from request arguments, with every ignored or corrected value reported."""
    problems: list[Problem] = []
    text = args.get(names.text) or ""
    if len(text) > MAX_QUERY_CHARS:  # measured as sent (the API document says so), then stripped
        return ParsedSearch(None, (Problem("error_query_too_long", {"max": MAX_QUERY_CHARS}, fatal=True),))
    text = text.strip()

    def number(name: str | None, low: int, high: int, default: int | None) -> int | None:
        raw = (args.get(name) or "").strip() if name else ""
        if not raw:
            return default
        # ASCII digits only: int() would also take "١٢", "+5" and "1_000".
        value = int(raw) if _INTEGER.fullmatch(raw) else None
        if value is None or not low <= value <= high:
            problems.append(Problem("error_bad_number", {"value": raw[:40], "field": name}))
            return default
        return value

    def choice(name: str) -> str | None:
        raw = args.get(name) or ""
        if len(raw) > MAX_FILTER_CHARS:
            problems.append(Problem("error_bad_number", {"value": raw.strip()[:40] + "…", "field": name}))
            return None
        return raw.strip() or None

    year_from = number(names.year_from, YEAR_MIN, YEAR_MAX, None)
    year_to = number(names.year_to, YEAR_MIN, YEAR_MAX, None)
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
        problems.append(Problem("error_year_order"))
    page = number(names.page, 1, page_max, 1) or 1
    size = number(names.per_page, 1, per_page_max, per_page) or per_page
    sort = (args.get(names.sort) or "").strip() or "relevance"  # only spaces: the default, as for the numbers
    if sort not in SORTS:
        problems.append(Problem("error_bad_number", {"value": sort[:40], "field": names.sort}))
        sort = "relevance"
    body, country, language = choice(names.body), choice(names.country), choice(names.language)

    query = SearchQuery(text=text, year_from=year_from, year_to=year_to, body=body, country=country,
                        language=language, sort=sort, page=page, per_page=size,
                        translate=flag(args, names.translate))
    return ParsedSearch(query if query.asks_something else None, tuple(problems))


def last_page(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
