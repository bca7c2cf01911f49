"""Full-text search over agreement units: analysis, schema, the on-disk index, queries, precedents.

The public API (the CLI, the web app and the benchmarks code against these names):
"""

from index.analysis import ENGLISH_ANALYZER, EXACT_ANALYZER, SPANISH_ANALYZER, analyze, fold
from index.query import QuerySyntaxError, parse_query
from index.schema import SCHEMA_VERSION
from index.search import AgreementIndex, Hit, Precedent, SearchQuery, SearchResult, YearCount

__all__ = [
    "AgreementIndex", "ENGLISH_ANALYZER", "EXACT_ANALYZER", "Hit", "Precedent", "QuerySyntaxError",
    "SCHEMA_VERSION", "SPANISH_ANALYZER", "SearchQuery", "SearchResult", "YearCount", "analyze",
    "fold", "parse_query",
]
