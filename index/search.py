"""``AgreementIndex``: the facade over the search pipeline (one module per step).

    SearchQuery ─ results.validated ─▶ query.parse_query ─▶ expansion.expand_query ─▶ compiler.compile_query ─▶ filters
        ─▶ matching.docnums (postings, phrases) ─▶ facets.count_facets ─▶ bm25.rank
        ─▶ hits.make_hits (stored fields, snippets) ─▶ spelling.suggestion ─▶ SearchResult

Every step works on one ``generation.Generation`` (a long-lived searcher, its columns and caches),
replaced only when the index changed; a lock makes an ``AgreementIndex`` safe to share between the
threads of a web server (Whoosh readers share file objects). A small result cache keyed by
(generation, query) sits in front -- results are identical with or without it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from itertools import islice
from pathlib import Path

import numpy as np

from archive.models import Report
from index import bm25, docsets, store
from index.compiler import compile_query
from archive.glossary import glossary_digest
from index.analysis import iter_word_tokens
from index.expansion import ExpandedQuery, expand_query
from index.facets import count_facets
from index.filters import allowed_docnums, query_filters
from index.generation import Generation, cache_put
from index.hits import make_hits
from index.matching import docnums
from index.postings import term_docnums
from index.precedents import find_precedents
from index.query import ParsedQuery, QuerySyntaxError, parse_query
from index.results import Hit, Precedent, SearchQuery, SearchResult, YearCount, validated
from index.schema import SCHEMA_VERSION
from index.spelling import suggestion
from index.timeline import timeline
from index.vocabulary import term_text

log = logging.getLogger(__name__)

__all__ = [
    "AgreementIndex", "Hit", "Precedent", "QuerySyntaxError", "SearchQuery", "SearchResult",
    "YearCount",
]

RESULT_CACHE_SIZE = 256


class AgreementIndex:
    """The full-text index of agreement units, on disk in ``index_dir`` (see ``index.store``)."""

    SCHEMA_VERSION: int = SCHEMA_VERSION

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._index_dir_name = str(self.index_dir)
        self._lock = threading.RLock()
        try:
            self._ix, self._pointer = store.open_current(self.index_dir)
        except OSError as e:
            raise store.IndexStoreError(f"cannot open the index in {self.index_dir}: {e}") from e
        self._generation: Generation | None = None
        self._results: OrderedDict[tuple, SearchResult] = OrderedDict()
        self._pointer_stamp: tuple | None = None  # the pointer file as last read (see _sync_pointer)

    # -- writing --

    def update(self, reports: Iterable[Report]) -> None:
        """(Re)index all units of these reports, replacing their old units; one commit."""
        with self._lock:
            self._sync_pointer()
            added = store.write_reports(self._ix, reports)
            log.info("indexed %d units", added)

    def remove(self, report_ids: Iterable[str]) -> None:
        with self._lock:
            self._sync_pointer()
            store.write_reports(self._ix, (), remove_ids=list(report_ids))

    def rebuild(self, reports: Iterable[Report], procs: int = 2, limitmb: int = 256) -> None:
        """Index ``reports`` from scratch into a fresh generation, then swap it in atomically."""
        with self._lock:
            store.build_generation(self.index_dir, reports, procs=procs, limitmb=limitmb)
            self._sync_pointer(force=True)

    # -- state --

    def indexed_versions(self) -> dict[str, str]:
        """report_id -> sha256 of the version that is indexed."""
        with self._lock:
            gen = self._current()
            versions: dict[str, str] = {}
            for term in gen.reader.lexicon("version"):
                term = term_text(term)
                if len(term_docnums(gen, "version", term)):
                    report_id, _, sha = term.rpartition(":")
                    versions[report_id] = sha
            return versions

    def warm(self) -> None:
        """Open the current generation now (searcher, columns, BM25 length statistics, the
        vocabulary) rather than on the first search: at 100k units that is ~1.5 s a server's first
        visitor would wait."""
        with self._lock:
            gen = self._current()
            for fieldname in ("text", "text_en", "exact", "pairs"):
                if fieldname in gen.schema:
                    gen.lengths(fieldname)
            gen.vocabulary  # noqa: B018 -- built on first use; here, before the first visitor

    def needs_rebuild(self) -> bool:
        pointer = store.read_pointer(self.index_dir)
        return (pointer is None or pointer.schema_version != SCHEMA_VERSION
                or pointer.glossary != glossary_digest()  # entity postings of another glossary
                or not (self.index_dir / pointer.generation).is_dir())

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.close()
                self._generation = None
            self._ix.close()

    def __enter__(self) -> "AgreementIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _sync_pointer(self, force: bool = False) -> None:
        """Follow CURRENT.json if another generation was swapped in (here or by another process).

        The file is replaced (``os.replace``), never rewritten in place, so an unchanged inode, size
        and modification time mean unchanged contents: a stat instead of a read and a JSON parse
        on every search."""
        stamp = store.pointer_stamp(self._index_dir_name)
        if not force and stamp is not None and stamp == self._pointer_stamp:
            return
        self._pointer_stamp = stamp
        pointer = store.read_pointer(self.index_dir)
        if pointer is None or (not force and pointer == self._pointer):
            if pointer is None and not (self.index_dir / self._pointer.generation).is_dir():
                self._reopen()
            return
        self._reopen()

    def _reopen(self) -> None:
        self._pointer_stamp = None
        if self._generation is not None:
            self._generation.close()
            self._generation = None
        self._ix.close()
        self._ix, self._pointer = store.open_current(self.index_dir)
        self._results.clear()

    def _current(self) -> Generation:
        self._sync_pointer()
        gen = self._generation
        if gen is None or not gen.up_to_date():
            if gen is not None:
                gen.close()
            self._generation = gen = Generation(self._ix, self._pointer)
            self._results.clear()
        return gen

    # -- searching --

    def search(self, q: SearchQuery) -> SearchResult:
        """Run a search. Raises QuerySyntaxError for input it cannot make sense of."""
        q = validated(q)
        parsed = parse_query(q.text)
        with self._lock:
            gen = self._current()
            key = (gen.token, q)
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
            result = _search(gen, q, parsed, self._pointer.glossary == glossary_digest())
            cache_put(self._results, key, result, RESULT_CACHE_SIZE)
            return result

    def timeline(self, term: str, translate: bool = False) -> list[YearCount]:
        """Per year from the first to the last year with a match: matching agreements and
        distinct reports (years in between with no match are listed with zeros)."""
        parsed = parse_query(term)
        with self._lock:
            gen = self._current()
            parsed = expand_query(parsed, translate=translate,
                                  entity_field=self._pointer.glossary == glossary_digest()).parsed
            return timeline(gen, parsed)

    def precedents(self, report: Report, label: str, limit: int = 10) -> list[Precedent]:
        """The agreements of EARLIER meetings most similar to ``report``'s unit ``label``."""
        with self._lock:
            return find_precedents(self._current(), report, label, limit)


def _search(gen: Generation, q: SearchQuery, parsed: ParsedQuery, entity_field: bool = False) -> SearchResult:
    """The pipeline, step by step (see the module docstring)."""
    expanded, compiled, marks, allowed, matching = _matching(gen, q, parsed, entity_field)
    by_year, facets = count_facets(gen, matching, q.facets)

    offset = (q.page - 1) * q.per_page
    if q.sort == "relevance" and compiled is not None and len(matching):
        ranked = _ranked_page(gen, compiled, matching, allowed is not None, offset, q.per_page)
    else:
        ordered = _by_date(gen, matching, newest_first=q.sort != "date_asc")
        ranked = [(d, 0.0) for d in ordered[offset:offset + q.per_page].tolist()]

    hits = make_hits(gen, ranked, marks)
    return SearchResult(q, len(matching), by_year, facets, hits, _suggestion(gen, q, parsed, expanded, entity_field),
                        expanded.expansions, tuple(parsed.filters),
                        None if len(matching) else _translated_total(gen, q, parsed, entity_field))


def _matching(gen: Generation, q: SearchQuery, parsed: ParsedQuery, entity_field: bool):
    """(the expanded query, its compiled form, what to highlight, the filters' docset or None, the
    matching docset): the steps from the parsed text to the set of matches."""
    # Glossary entities (by the ``entities`` postings when they are of this glossary); thesaurus with translate.
    expanded = expand_query(parsed, translate=q.translate, entity_field=entity_field)
    compiled, marks = compile_query(gen.vocabulary, expanded.parsed.node)
    allowed = allowed_docnums(gen, list(parsed.filters) + query_filters(q))
    matching = gen.live if compiled is None else docnums(gen, compiled)
    if allowed is not None:
        matching = docsets.intersect(matching, allowed)
    return expanded, compiled, marks, allowed, matching


def _suggestion(gen: Generation, q: SearchQuery, parsed: ParsedQuery, expanded: ExpandedQuery,
                entity_field: bool) -> str | None:
    """"Did you mean": the query with its unknown words corrected -- not the words the glossary
    recognised, and only if the corrected query, with the same filters, finds something (a
    correction of each word that finds nothing together is no help)."""
    recognised = frozenset(token for e in expanded.expansions for token, *_ in iter_word_tokens(e.typed))
    corrected = suggestion(gen, parsed, known=recognised)
    if corrected is None:
        return None
    try:
        *_, matching = _matching(gen, q, parse_query(corrected), entity_field)
    except QuerySyntaxError:
        return None
    return corrected if len(matching) else None


def _translated_total(gen: Generation, q: SearchQuery, parsed: ParsedQuery, entity_field: bool) -> int | None:
    """For a search that found nothing: what it finds with the other language's equivalents, if anything."""
    if q.translate or parsed.node is None:
        return None
    *_, matching = _matching(gen, replace(q, translate=True), parsed, entity_field)
    return len(matching) or None


def _by_date(gen: Generation, docs: np.ndarray, newest_first: bool) -> np.ndarray:
    """``docs`` by (date, -docnum), ascending or (newest_first) descending."""
    order = np.lexsort((-docs, gen.date_array[docs]))
    return docs[order[::-1]] if newest_first else docs[order]


def _ranked_page(gen: Generation, compiled, matching: np.ndarray, filtered: bool, offset: int,
                 per_page: int) -> list[tuple[int, float]]:
    """One page of ``matching`` by BM25. Phrases were verified already, so the ranking query drops
    their (slow) position checks and keeps their word pairs."""
    ranking_query, broader = bm25.ranking_query(compiled, gen)
    restrict = filtered or broader
    ranked: list[tuple[int, float]] = []
    if ranking_query is not None:
        try:
            ranked = bm25.rank(gen, ranking_query, matching, restrict, offset + per_page)[offset:]
        except bm25.Unscorable as e:  # a query shape our ranker does not know: Whoosh's own
            log.debug("ranking %s with Whoosh's collector", e)
            results = gen.searcher.search(ranking_query, limit=offset + per_page,
                                          filter=set(matching.tolist()) if restrict else None)
            ranked = [(hit.docnum, hit.score) for hit in islice(results, offset, None)]
    if len(ranked) < per_page and offset + len(ranked) < len(matching):
        # Matches the ranking query cannot score (e.g. only through an excluded-from-ranking
        # part): list them after the scored ones, newest first.
        ranked = _fill_unscored(gen, ranking_query, matching, offset, per_page, ranked)
    return ranked


def _fill_unscored(gen: Generation, ranking_query, matching: np.ndarray, offset: int,
                   per_page: int, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    scored = docsets.EMPTY
    if ranking_query is not None:
        scored = docsets.intersect(docnums(gen, ranking_query), matching)
    rest = _by_date(gen, docsets.difference(matching, scored), newest_first=True)
    start = max(0, offset - len(scored))
    need = per_page - len(ranked)
    return ranked + [(d, 0.0) for d in rest[start:start + need].tolist()]
