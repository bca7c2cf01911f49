"""Searching the agreement index: queries, results, facets, per-year counts, snippets, suggestions,
timelines and precedents.

Speed design (see /work/shared/PERFORMANCE-NOTES.md):

* one long-lived Whoosh searcher per index generation, refreshed only when the index changed;
  a lock makes an ``AgreementIndex`` safe to share between the threads of a web server (Whoosh
  readers share file objects, and Python runs one thread at a time anyway);
* the set of ALL matching documents is computed from raw posting blocks with set algebra
  (``_docnums``), and per-year/facet counts are counted against per-docnum column arrays loaded
  once per generation -- never Whoosh's ``groupedby`` (5-15x slower);
* 2-word phrases are one lookup in the word-pair field; longer phrases intersect their pairs and
  check the pairs' positions only on the survivors (``_verify_phrase``);
* relevance ranking is BM25 computed by us (``_rank``), with Whoosh's formula, parameters and
  statistics, from the posting arrays already read for the match set and a per-generation array of
  field lengths -- the same scores and order as Whoosh's collector (tests compare them), without
  its per-posting matcher calls; only the top page then reads stored fields and makes snippets;
* a small result cache keyed by (index generation, query) -- results are identical with or without.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
import html
import logging
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import accumulate, compress, islice, repeat
from operator import add, itemgetter, mul
from pathlib import Path

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from archive.models import ArchiveError, Report
from index import store
from index.expansion import Cased, Expansion, Stemmed, expand_query
from index.precedents import key_terms, similarity_query
from index.analysis import (
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    fold,
    iter_word_tokens,
    joined_forms,
    pair_term,
    stem_english,
    stem_spanish,
)
from index.query import (
    AllOf,
    AnyOf,
    Compound,
    FieldFilter,
    Fuzzy,
    Node,
    Not,
    ParsedQuery,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Wildcard,
    Word,
    parse_query,
)
from index.schema import SCHEMA_VERSION, facet_key

log = logging.getLogger(__name__)

__all__ = [
    "AgreementIndex", "Hit", "Precedent", "QuerySyntaxError", "SearchQuery", "SearchResult",
    "YearCount",
]

MAX_EXPANSION = 256  # terms a prefix/wildcard/fuzzy term may expand to
MAX_RANKED_EXPANSION = 16  # expansions that take part in ranking (see _ranking_query)
MAX_WILDCARD_SCAN = 20_000  # lexicon entries a wildcard may look at
SNIPPET_CHARS = 280  # texts up to this length are shown whole
MAX_PER_PAGE = 200
RESULT_CACHE_SIZE = 256
TERM_CACHE_SIZE = 512  # posting lists kept per generation...
TERM_CACHE_POSTINGS = 1_000_000  # ... holding at most this many postings in all (~100 MB)
SORTS = ("relevance", "date", "date_asc")
# A precedent shares at least this many of the unit's key terms (all of them if it has fewer)...
MIN_PRECEDENT_TERMS = 2
# ... carrying at least this share of their total weight (key terms are weighted by tf x idf) ...
MIN_PRECEDENT_SHARE = 0.1
# ... and scores at least this fraction of the best precedent.
MIN_PRECEDENT_RELATIVE_SCORE = 0.2

# --- the public value types ---------------------------------------------------------------------


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
    facets: dict[str, dict[str, int]]  # "body", "country", "language", "year" -> value -> count
    hits: tuple[Hit, ...]
    suggestion: str | None  # "did you mean": the full corrected query text, or None
    expansions: tuple[Expansion, ...] = ()  # what the query also matched (glossary forms, translations)


@dataclass(frozen=True)
class YearCount:
    year: int
    agreements: int
    reports: int


@dataclass(frozen=True)
class Precedent:
    hit: Hit
    score: float


# --- highlighting -------------------------------------------------------------------------------


@dataclass
class HighlightTerms:
    """What a query matched, in the forms the highlighter compares document tokens with."""

    stems_es: set[str] = field(default_factory=set)
    stems_en: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.stems_es or self.stems_en or self.exact or self.phrases)


def match_spans(text: str, terms: HighlightTerms, language: str | None) -> list[tuple[int, int]]:
    """Character spans of ``text`` (original, accented) that the query matched, merged and sorted."""
    english = language == "en"
    stems, stops, stem = ((terms.stems_en, ENGLISH_STOP_WORDS, stem_english) if english
                          else (terms.stems_es, SPANISH_STOP_WORDS, stem_spanish))
    spans: list[tuple[int, int]] = []
    sequence: list[tuple[str, int, int]] = []  # the plain words, for phrase occurrences
    for token, _pos, start, end, joined in iter_word_tokens(text):
        if token in terms.exact or (stems and token not in stops and stem(token) in stems):
            spans.append((start, end))
        if not joined:
            sequence.append((token, start, end))
    for phrase in terms.phrases:
        n = len(phrase)
        for i in range(len(sequence) - n + 1):
            if sequence[i][0] == phrase[0] and all(sequence[i + k][0] == phrase[k] for k in range(1, n)):
                spans.append((sequence[i][1], sequence[i + n - 1][2]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, terms: HighlightTerms, language: str | None,
                 max_chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet: ``text`` escaped, matches in <mark>; the whole text if short, else a window
    around the densest run of matches, cut at word boundaries, with ellipses."""
    spans = match_spans(text, terms, language) if terms else []
    start, end = 0, len(text)
    if len(text) > max_chars:
        start = _best_window(spans, max_chars)
        end = min(len(text), start + max_chars)
        if start > 0:  # move to the next word boundary
            space = text.find(" ", start, start + 40)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", end - 40, end)
            end = space if space > start else end
        spans = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    out = ["\u2026 " if start > 0 else ""]
    cursor = start
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append(" \u2026")
    return "".join(out).strip()


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Start offset of a window of ``width`` chars holding the most matches (a little context before)."""
    if not spans:
        return 0
    best_start, best_count = spans[0][0], 0
    for i, (s, _e) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width - 40)
        if count > best_count:
            best_start, best_count = s, count
    return max(0, best_start - 40)


# --- per-generation state -----------------------------------------------------------------------


class _Generation:
    """A searcher and the per-docnum columns for counting, valid for one version of the index."""

    def __init__(self, ix, pointer: store.Pointer):
        self.searcher = ix.searcher()
        self.token = (pointer.generation, self.searcher.reader().generation())
        self._load_columns()
        # (field, term) -> _Postings; the only cache of query work besides filter_cache (the
        # benchmark drops both to time a search doing its work).
        self.term_cache: OrderedDict[tuple[str, str], _Postings] = OrderedDict()
        self.filter_cache: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._cached_postings = 0  # postings held by term_cache
        # Index statistics for BM25 (not query results): per field, the length byte of every
        # docnum and the 256 possible length normalisations.
        self._lengths: dict[str, bytes] = {}
        self._norms: dict[str, list[float]] = {}

    def _load_columns(self) -> None:
        reader = self.searcher.reader()
        size = reader.doc_count_all()
        self.doc_count_all = size

        def column(name: str, default):
            # Segment by segment: a multi-segment reader's column silently skips segments that hold
            # no value for the field (e.g. a batch of reports without a body), which would shift every
            # later document's year/body/country onto the wrong docnum.
            values: list = []
            for leaf, _docbase in reader.leaf_readers():
                leaf_size = leaf.doc_count_all()
                if leaf.has_column(name):
                    leaf_values = list(leaf.column_reader(name))
                    assert len(leaf_values) == leaf_size, (name, len(leaf_values), leaf_size)
                    values.extend(leaf_values)
                else:
                    values.extend([default] * leaf_size)
            if isinstance(default, str):
                # Few distinct values per column: decode each once, share the str objects.
                decoded = {v: v.decode("utf-8") if isinstance(v, bytes) else (v or default) for v in set(values)}
                values = [decoded[v] for v in values]
            return values

        self.years: list[int] = column("year", 0)
        self.dates: list[int] = column("date_ordinal", 0)
        self.bodies: list[str] = column("body_key", "")
        self.body_terms: list[str] = column("body_terms", "")
        self.countries: list[str] = column("country_key", "")
        self.cities: list[str] = column("city_key", "")
        self.languages: list[str] = column("language", "")
        self.report_ids: list[str] = column("report_id", "")
        # The facets of a unit come in few combinations (one per report, at most): counting the
        # combination of each match once and spreading the counts over the four facets costs one
        # pass over the matches instead of four (measured: 18% -> 6% of a common-word search).
        combos: dict[tuple[int, str, str, str], int] = {}
        self.facet_combo: list[int] = [
            combos.setdefault(key, len(combos))
            for key in zip(self.years, self.bodies, self.countries, self.languages)]
        self.facet_combos: list[tuple[int, str, str, str]] = list(combos)
        # Display names of country keys (the facet shows "México", the filter takes either).
        self.country_names: dict[str, str] = {}
        if size:
            seen = set()
            for docnum, key in enumerate(self.countries):
                if key and key not in seen and not reader.is_deleted(docnum):
                    seen.add(key)
                    self.country_names[key] = reader.stored_fields(docnum).get("country") or key
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())

    def lengths(self, fieldname: str) -> bytes:
        """The field-length byte (Whoosh's lossy length encoding) of every docnum, 0 for none."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            parts = [_leaf_length_bytes(leaf, fieldname) for leaf, _base in self.searcher.reader().leaf_readers()]
            lengths = self._lengths[fieldname] = b"".join(parts)
        return lengths

    def norms(self, fieldname: str) -> list[float]:
        """BM25's length normalisation ``K1 * ((1 - B) + B * length / average)`` per length byte,
        computed exactly as ``whoosh.scoring.bm25`` does, so scores equal Whoosh's."""
        norms = self._norms.get(fieldname)
        if norms is None:
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            K1, B = _BM25.K1, _BM25.B
            norms = self._norms[fieldname] = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl)
                                              for b in range(256)]
        return norms

    def cache_postings(self, key: tuple[str, str], postings: _Postings) -> None:
        """Keep recent posting lists, bounded by their total length (a very common word holds a
        posting per unit: ~100 bytes each with its docnum set), not by their number."""
        cache = self.term_cache
        if not cache:
            self._cached_postings = 0  # also after someone cleared the cache
        old = cache.pop(key, None)
        if old is not None:
            self._cached_postings -= len(old.ids)
        cache[key] = postings
        self._cached_postings += len(postings.ids)
        while len(cache) > 1 and (self._cached_postings > TERM_CACHE_POSTINGS or len(cache) > TERM_CACHE_SIZE):
            _key, evicted = cache.popitem(last=False)
            self._cached_postings -= len(evicted.ids)

    def close(self) -> None:
        self.searcher.close()


_BM25 = BM25F()  # Whoosh's default weighting (B=0.75, K1=1.2): the searcher's and ours


def _leaf_length_bytes(leaf, fieldname: str) -> bytes:
    size = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
    raw = None
    if column is not None and getattr(column, "_typecode", None) == "B":
        # The lengths column is one unsigned byte per docnum (missing tail = 0): read it whole.
        raw = column._dbfile.get(column._basepos, column._count)
    elif column is not None:
        raw = bytes(column[d] for d in range(size))
    if raw is None:
        raw = bytes(length_to_byte(leaf.doc_field_length(d, fieldname, 0) or 0) for d in range(size))
    return raw[:size] + bytes(max(0, size - len(raw)))


class _Postings:
    """One term's postings over the whole index: global docnums (ascending), term frequencies and,
    for a field with positions, the encoded positions (read with the block anyway)."""

    __slots__ = ("ids", "weights", "values", "_docs")

    def __init__(self, ids: list[int], weights: list[float], values: list[bytes] | None):
        self.ids = ids
        self.weights = weights
        self.values = values
        self._docs: frozenset[int] | None = None

    @property
    def docs(self) -> frozenset[int]:
        if self._docs is None:
            self._docs = frozenset(self.ids)
        return self._docs


def _cache_put(cache: OrderedDict, key, value, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def _leaf_postings(matcher, with_values: bool) -> tuple[list[int], list[float], list[bytes] | None]:
    """Docnums, weights (term frequencies) and, if asked, raw values of a posting matcher, read
    block by block from the raw arrays -- ~20x faster than stepping the matcher (``all_ids()``)."""
    keep, exclude = None, True
    if isinstance(matcher, FilterMatcher):
        keep, exclude, matcher = matcher._ids, matcher._exclude, matcher.child
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] | None = [] if with_values else None
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._ids is None:
                if matcher._data is None:
                    matcher._read_data()
                raw = matcher._data[0]
                # Whoosh's delta_decode is a Python generator; accumulate is the same sum in C.
                matcher._ids = raw if matcher._byteids else tuple(accumulate(raw))
            if matcher._weights is None:
                matcher._read_weights()
            i = matcher._i
            ids.extend(matcher._ids[i:])
            weights.extend(matcher._weights[i:])
            if with_values:
                if matcher._values is None:
                    matcher._read_values()
                values.extend(matcher._values[i:])
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
            matcher.next()
    if keep is not None:
        kept = [i for i, d in enumerate(ids) if (d in keep) != exclude]
        ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
        values = None if values is None else [values[i] for i in kept]
    return ids, weights, values


# --- compiling the parsed query into Whoosh queries ---------------------------------------------


class _Compiler:
    def __init__(self, reader, stop_word_fallback: bool = False):
        self.reader = reader
        self.stop_word_fallback = stop_word_fallback
        self.marks = HighlightTerms()

    def compile(self, node: Node | None) -> wq.Query | None:
        if node is None:
            return None
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _word(self, node: Word) -> wq.Query | None:
        return self.word_query(node.text)

    def word_query(self, word: str) -> wq.Query | None:
        # A query has no language, so a stop word of either language is a stop word ("de" must
        # not be required in English units, nor "the" in Spanish ones).
        if word in SPANISH_STOP_WORDS or word in ENGLISH_STOP_WORDS:
            if not self.stop_word_fallback:
                return None
            self.marks.exact.add(word)
            return wq.Term("exact", word)
        es, en = stem_spanish(word), stem_english(word)
        self.marks.stems_es.add(es)
        self.marks.stems_en.add(en)
        return wq.Or([wq.Term("text", es), wq.Term("text_en", en)])

    def _stemmed(self, node: Stemmed) -> wq.Query | None:
        # A thesaurus term in one language (index.expansion): its stems in that language's field only.
        stems = node.stems()
        if not stems:
            return None
        (self.marks.stems_en if node.language == "en" else self.marks.stems_es).update(stems)
        terms = [wq.Term(node.field, s) for s in stems]
        return terms[0] if len(terms) == 1 else wq.And(terms)

    def _cased(self, node: Cased) -> wq.Query:
        # An ambiguous acronym (index.expansion): the token as written, capitalised ("ST", never "st").
        self.marks.exact.add(fold(node.form))
        return wq.Term("capitals", node.form)

    def _compound(self, node: Compound) -> wq.Query | None:
        subs = [self.phrase_query(node.parts)]
        if not all(p.isdigit() for p in node.parts):
            subs.extend(q for j in joined_forms(list(node.parts)) if (q := self.word_query(j)) is not None)
        return wq.Or(subs)

    def _phrase(self, node: Phrase) -> wq.Query | None:
        return self.phrase_query(node.words)

    def phrase_query(self, words: tuple[str, ...]) -> wq.Query:
        if len(words) == 1:
            self.marks.exact.add(words[0])
            return wq.Term("exact", words[0])
        pairs = list(dict.fromkeys(pair_term(a, b) for a, b in zip(words, words[1:])))
        self.marks.phrases.add(tuple(words))
        terms = [wq.Term("pairs", p) for p in pairs]
        if len(words) == 2:
            return terms[0]
        # The Phrase is a marker for _docnums, which checks it on the pairs' positions; it never
        # reaches Whoosh (``exact`` has no positions) -- _ranking_query drops it.
        return wq.And(terms + [wq.Phrase("exact", list(words))])

    def _expansion(self, terms: list[str], what: str) -> wq.Query:
        if len(terms) > MAX_EXPANSION:
            raise QuerySyntaxError(f"«{what}» abarca demasiadas palabras; escriba más letras "
                                   f"/ «{what}» matches too many words; type more letters.")
        if not terms:
            return wq.NullQuery
        self.marks.exact.update(terms)
        return wq.Or([wq.Term("exact", t) for t in terms])

    def _prefix(self, node: Prefix) -> wq.Query:
        terms = list(islice(self.reader.expand_prefix("exact", node.prefix), MAX_EXPANSION + 1))
        return self._expansion([_text(t) for t in terms], node.prefix + "*")

    def _wildcard(self, node: Wildcard) -> wq.Query:
        literal = re.match(r"[a-z0-9]*", node.pattern).group(0)
        regex = re.compile(re.escape(node.pattern).replace(r"\*", ".*").replace(r"\?", ".") + r"\Z")
        matches = []
        for term in islice(self.reader.expand_prefix("exact", literal), MAX_WILDCARD_SCAN):
            term = _text(term)
            if regex.match(term):
                matches.append(term)
                if len(matches) > MAX_EXPANSION:
                    break
        return self._expansion(matches, node.pattern)

    def _fuzzy(self, node: Fuzzy) -> wq.Query:
        found: set[str] = set()
        for leaf, _base in self.reader.leaf_readers():
            found.update(_text(t) for t in islice(
                leaf.terms_within("exact", node.word, node.distance, prefix=1), MAX_EXPANSION + 1))
        return self._expansion(sorted(found), f"{node.word}~{node.distance}")

    def _not(self, node: Not) -> wq.Query | None:
        inner = self.compile_negative(node.node)
        return wq.AndNot(wq.Every(), inner) if inner is not None else None

    def compile_negative(self, node: Node) -> wq.Query | None:
        # Excluded words must not be highlighted: compile them with a throwaway mark set.
        saved = self.marks
        self.marks = HighlightTerms()
        try:
            return self.compile(node)
        finally:
            self.marks = saved

    def _allof(self, node: AllOf) -> wq.Query | None:
        positives = [q for n in node.nodes if not isinstance(n, Not) if (q := self.compile(n)) is not None]
        negatives = [q for n in node.nodes if isinstance(n, Not)
                     if (q := self.compile_negative(n.node)) is not None]
        if not positives and not negatives:
            return None
        positive = (positives[0] if len(positives) == 1 else wq.And(positives)) if positives else wq.Every()
        if not negatives:
            return positive
        return wq.AndNot(positive, negatives[0] if len(negatives) == 1 else wq.Or(negatives))

    def _anyof(self, node: AnyOf) -> wq.Query | None:
        subs = [q for n in node.nodes if (q := self.compile(n)) is not None]
        if not subs:
            return None
        return subs[0] if len(subs) == 1 else wq.Or(subs)


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


# --- the index ----------------------------------------------------------------------------------


class AgreementIndex:
    """The full-text index of agreement units, on disk in ``index_dir`` (see ``index.store``)."""

    SCHEMA_VERSION: int = SCHEMA_VERSION

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        try:
            self._ix, self._pointer = store.open_current(self.index_dir)
        except OSError as e:
            raise store.IndexStoreError(f"cannot open the index in {self.index_dir}: {e}") from e
        self._generation: _Generation | None = None
        self._results: OrderedDict[tuple, SearchResult] = OrderedDict()

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
            reader = gen.searcher.reader()
            versions: dict[str, str] = {}
            for term in reader.lexicon("version"):
                term = _text(term)
                if self._term_docnums(gen, "version", term):
                    report_id, _, sha = term.rpartition(":")
                    versions[report_id] = sha
            return versions

    def needs_rebuild(self) -> bool:
        pointer = store.read_pointer(self.index_dir)
        return (pointer is None or pointer.schema_version != SCHEMA_VERSION
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
        """Follow CURRENT.json if another generation was swapped in (here or by another process)."""
        pointer = store.read_pointer(self.index_dir)
        if pointer is None or (not force and pointer == self._pointer):
            if pointer is None and not (self.index_dir / self._pointer.generation).is_dir():
                self._reopen()
            return
        self._reopen()

    def _reopen(self) -> None:
        if self._generation is not None:
            self._generation.close()
            self._generation = None
        self._ix.close()
        self._ix, self._pointer = store.open_current(self.index_dir)
        self._results.clear()

    def _current(self) -> _Generation:
        self._sync_pointer()
        gen = self._generation
        if gen is None or not gen.searcher.up_to_date():
            if gen is not None:
                gen.close()
            self._generation = gen = _Generation(self._ix, self._pointer)
            self._results.clear()
        return gen

    # -- searching --

    def search(self, q: SearchQuery) -> SearchResult:
        """Run a search. Raises QuerySyntaxError for input it cannot make sense of."""
        q = _validated(q)
        parsed = parse_query(q.text)
        with self._lock:
            gen = self._current()
            key = (gen.token, q)
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
            result = self._search(gen, q, parsed)
            _cache_put(self._results, key, result, RESULT_CACHE_SIZE)
            return result

    def _search(self, gen: _Generation, q: SearchQuery, parsed: ParsedQuery) -> SearchResult:
        reader = gen.searcher.reader()
        compiler = _Compiler(reader)
        expanded = expand_query(parsed, translate=q.translate)
        whoosh_query = compiler.compile(expanded.parsed.node)
        if whoosh_query is None and parsed.node is not None:
            # Only stop words ("de la"): search them as written rather than find nothing.
            compiler = _Compiler(reader, stop_word_fallback=True)
            whoosh_query = compiler.compile(parsed.node)
        filters = list(parsed.filters) + _query_filters(q)
        allowed = self._filter_docnums(gen, filters)
        if whoosh_query is None:
            matching = set(gen.live)
        else:
            matching = self._docnums(gen, whoosh_query)
        if allowed is not None:
            matching &= allowed

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

        offset = (q.page - 1) * q.per_page
        ranked: list[tuple[int, float]]
        if q.sort == "relevance" and whoosh_query is not None and matching:
            # Rank with BM25 over exactly the matching documents; phrases were verified already,
            # so the ranking query drops their (slow) position checks and keeps their word pairs.
            ranking_query, broader = _ranking_query(whoosh_query, reader)
            restrict = allowed is not None or broader
            ranked = []
            if ranking_query is not None:
                try:
                    ranked = self._rank(gen, ranking_query, matching, restrict, offset + q.per_page)[offset:]
                except _Unscorable as e:  # a query shape our ranker does not know: Whoosh's own
                    log.debug("ranking %s with Whoosh's collector", e)
                    results = gen.searcher.search(ranking_query, limit=offset + q.per_page,
                                                  filter=matching if restrict else None)
                    ranked = [(hit.docnum, hit.score) for hit in islice(results, offset, None)]
            if len(ranked) < q.per_page and offset + len(ranked) < len(matching):
                # Matches the ranking query cannot score (e.g. only through an excluded-from-
                # ranking part): list them after the scored ones, newest first.
                ranked = self._fill_unscored(gen, ranking_query, matching, offset, q.per_page, ranked)
        else:
            newest_first = q.sort != "date_asc"
            dates = gen.dates
            ordered = sorted(matching, key=lambda d: (dates[d], -d), reverse=newest_first)
            ranked = [(d, 0.0) for d in ordered[offset:offset + q.per_page]]

        hits = tuple(self._hit(gen, docnum, score, compiler.marks) for docnum, score in ranked)
        suggestion = self._suggestion(gen, parsed)
        return SearchResult(q, len(matching), dict(sorted(by_year.items())), facets, hits, suggestion,
                            expanded.expansions)

    def _fill_unscored(self, gen: _Generation, ranking_query, matching: set[int], offset: int,
                       per_page: int, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        scored: set[int] = set()
        if ranking_query is not None:
            scored = self._docnums(gen, ranking_query) & matching
        rest = sorted(matching - scored, key=lambda d: (gen.dates[d], -d), reverse=True)
        start = max(0, offset - len(scored))
        need = per_page - len(ranked)
        return ranked + [(d, 0.0) for d in rest[start:start + need]]

    def _hit(self, gen: _Generation, docnum: int, score: float, marks: HighlightTerms) -> Hit:
        doc = gen.searcher.stored_fields(docnum)
        text = doc.get("exact", "")
        language = gen.languages[docnum] or None
        return Hit(
            report_id=doc["report_id"], source=doc.get("source", ""), label=doc["label"],
            parent=doc.get("parent"), year=gen.years[docnum] or None, date=doc.get("date"),
            city=doc.get("city"), country=doc.get("country"), body_key=gen.bodies[docnum] or None,
            title=doc.get("title"), language=language, score=float(score),
            snippet=make_snippet(text, marks, language), text=text, page=doc.get("page"),
        )

    # -- matching documents --

    def _docnums(self, gen: _Generation, q: wq.Query) -> set[int]:
        """All live docnums matching a compiled query, by set algebra over raw postings."""
        if isinstance(q, wq.Term):
            return set(self._term_docnums(gen, q.fieldname, q.text))
        if isinstance(q, wq.And):
            phrases = [s for s in q.subqueries if isinstance(s, wq.Phrase)]
            others = sorted((self._docnums(gen, s) for s in q.subqueries if not isinstance(s, wq.Phrase)),
                            key=len)
            result = others[0] if others else set(gen.live)
            for other in others[1:]:
                if not result:
                    break
                result &= other
            for phrase in phrases:
                result = self._verify_phrase(gen, phrase.words, result)
            return result
        if isinstance(q, wq.Or):
            result: set[int] = set()
            for sub in q.subqueries:
                result |= self._docnums(gen, sub)
            return result
        if isinstance(q, wq.AndNot):
            return self._docnums(gen, q.a) - self._docnums(gen, q.b)
        if isinstance(q, wq.Every):
            return set(gen.live)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return set()
        if isinstance(q, wq.Phrase):
            return self._verify_phrase(gen, q.words, None)
        return set(gen.searcher.docs_for_query(q))

    def _term_docnums(self, gen: _Generation, fieldname: str, text: str) -> frozenset[int]:
        return self._postings(gen, fieldname, text).docs

    def _postings(self, gen: _Generation, fieldname: str, text: str) -> _Postings:
        key = (fieldname, text)
        cached = gen.term_cache.get(key)
        if cached is not None:
            gen.term_cache.move_to_end(key)
            return cached
        ids: list[int] = []
        weights: list[float] = []
        with_values = fieldname in gen.searcher.schema and gen.searcher.schema[fieldname].format.supports("positions")
        values: list[bytes] | None = [] if with_values else None
        for leaf, base in gen.searcher.reader().leaf_readers():
            try:
                matcher = leaf.postings(fieldname, text)
            except TermNotFound:
                continue
            leaf_ids, leaf_weights, leaf_values = _leaf_postings(matcher, with_values)
            ids.extend(map(base.__add__, leaf_ids) if base else leaf_ids)
            weights.extend(leaf_weights)
            if with_values:
                values.extend(leaf_values)
        result = _Postings(ids, weights, values)
        gen.cache_postings(key, result)
        return result

    # -- ranking --

    def _rank(self, gen: _Generation, ranking_query: wq.Query, matching: set[int], restrict: bool,
              limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best (docnum, score) of ``matching`` by BM25 -- Whoosh's scores, computed
        over the posting arrays already read for the match set instead of through Whoosh's
        per-posting matcher and collector (which spent ~65% of a common-term search). Ties go to
        the lower docnum, as in Whoosh's collector."""
        # Only documents of ``matching`` are ranked, so a word whose posting list is longer than
        # the match set is scored on the matches only (an AND of common words scores a few
        # hundred documents, not each word's whole list); a ranking query broader than the match
        # set (``restrict``) is cut down to it.
        scores = self._scores(gen, ranking_query, matching)
        if restrict:
            inside = scores.keys() & matching
            if len(inside) < len(scores):
                scores = {d: scores[d] for d in inside}
        return _top(scores, limit)

    def _scores(self, gen: _Generation, q: wq.Query, within: set[int] | frozenset[int]) -> dict[int, float]:
        """docnum -> BM25 score of the documents ``q`` matches, summing sub-scores as Whoosh's
        union and intersection matchers do; a term's documents outside ``within`` may be left out
        (when its list is longer than ``within``). Only the query shapes ``_ranking_query`` makes."""
        if isinstance(q, wq.Term):
            scores = self._term_scores(gen, q.fieldname, q.text, within)
        elif isinstance(q, (wq.And, wq.Or)):
            parts = [self._scores(gen, sub, within) for sub in q.subqueries]
            if not parts:
                return {}
            if isinstance(q, wq.And):
                parts.sort(key=len)
                common = set(parts[0])
                for part in parts[1:]:
                    common.intersection_update(part)
                if len(parts) > 1:
                    order = list(common)
                    total = list(map(parts[0].__getitem__, order))
                    for part in parts[1:]:
                        total = list(map(add, total, map(part.__getitem__, order)))
                    scores = dict(zip(order, total))
                else:
                    scores = parts[0]
            else:
                scores = _union_scores(parts)
        elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return {}
        else:
            raise _Unscorable(type(q).__name__)
        if q.boost != 1.0:
            boost = q.boost
            scores = dict(zip(scores.keys(), map(mul, scores.values(), repeat(boost))))
        return scores

    def _term_scores(self, gen: _Generation, fieldname: str, text: str,
                     within: set[int] | frozenset[int]) -> dict[int, float]:
        postings = self._postings(gen, fieldname, text)
        ids, weights = postings.ids, postings.weights
        if not ids:
            return {}
        if len(within) * 8 < len(ids):  # few matches: find each in the sorted ids (C bisect)
            n = len(ids)
            found = [i for d in within if (i := bisect_left(ids, d)) < n and ids[i] == d]
            ids, weights = list(map(ids.__getitem__, found)), list(map(weights.__getitem__, found))
        elif len(ids) > len(within):  # keep the matches only, with C-level dict and set operations
            tf_of = dict(zip(ids, weights))
            ids = list(tf_of.keys() & within)
            weights = list(map(tf_of.__getitem__, ids))
        table = _TermScores(gen.searcher.idf(fieldname, text), gen.norms(fieldname))
        lengths = gen.lengths(fieldname)
        # A score depends only on (tf, length byte): a few hundred distinct pairs, each computed
        # once; the per-posting work is C-level lookups.
        return dict(zip(ids, map(table.__getitem__, zip(weights, map(lengths.__getitem__, ids)))))

    def _verify_phrase(self, gen: _Generation, words, candidates: set[int] | None) -> set[int]:
        """Docs among ``candidates`` (None: all) where ``words`` occur at consecutive positions.

        Checked on the positions of the word PAIRS (pair i of a phrase at position p + i), which
        come with the pair postings already read to intersect them: each pair posting list is
        about as short as the phrase's matches, while the positions of "de" in ``exact`` filled
        ~every unit (at 100k units, with our ranking: phrase class p50 280 -> 51 ms)."""
        words = [_text(w) for w in words]
        if len(words) < 2:
            return set(self._term_docnums(gen, "exact", words[0])) & (gen.live if candidates is None else candidates)
        pairs = [pair_term(a, b) for a, b in zip(words, words[1:])]
        if candidates is None:
            candidates = set(gen.live)
        for p in sorted(set(pairs), key=lambda p: len(self._term_docnums(gen, "pairs", p))):
            candidates &= self._term_docnums(gen, "pairs", p)
            if not candidates:
                return set()
        if len(pairs) == 1:
            return candidates
        # Rarest pair first: its positions give the possible phrase starts; each further pair
        # keeps the starts it continues, and a document without any start left is dropped. The
        # positions come with the pair postings already read; most encoded values repeat ("once,
        # at position 3"), so each distinct one is decoded once.
        decode_positions = gen.searcher.schema["pairs"].format.decode_positions
        starts_of_value: dict[tuple[bytes, int], frozenset[int]] = {}

        def starts_of(value: bytes, offset: int) -> frozenset[int]:
            key = (value, offset)
            found = starts_of_value.get(key)
            if found is None:
                found = starts_of_value[key] = frozenset(p - offset for p in decode_positions(value))
            return found

        order = sorted(range(len(pairs)), key=lambda i: len(self._term_docnums(gen, "pairs", pairs[i])))
        starts: dict[int, frozenset[int]] | None = None
        for i in order:
            postings = self._postings(gen, "pairs", pairs[i])
            value_of = dict(zip(postings.ids, postings.values))
            if starts is None:
                starts = {d: starts_of(value_of[d], i) for d in candidates}
            else:
                starts = {d: left for d, s in starts.items() if (left := s & starts_of(value_of[d], i))}
            if not starts:
                break
        return set(starts)

    def _filter_docnums(self, gen: _Generation, filters: list[FieldFilter]) -> set[int] | None:
        """Docnums allowed by the filters, or None when there is no filter."""
        if not filters:
            return None
        allowed = set(gen.live)
        for f in filters:
            key = (f.field, f.value)
            docs = gen.filter_cache.get(key)
            if docs is None:
                docs = frozenset(self._filter_match(gen, f))
                _cache_put(gen.filter_cache, key, docs, 128)
            if f.exclude:
                allowed -= docs
            else:
                allowed &= docs
        return allowed

    def _filter_match(self, gen: _Generation, f: FieldFilter) -> Iterable[int]:
        if f.field == "year":
            low, high = f.value
            low = 1 if low is None else low
            high = 9999 if high is None else high
            return (d for d, y in enumerate(gen.years) if low <= y <= high)
        value = str(f.value)
        if f.field == "language":
            return (d for d, lang in enumerate(gen.languages) if lang == value)
        if f.field == "country":
            # Units carry the canonical key of ingest.places (store.country_facet_key), so any
            # spelling of the filter ("Canada", "Canadá", "united states", "costa_rica") meets it.
            key = store.country_facet_key(value)
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

    # -- did you mean --

    def _suggestion(self, gen: _Generation, parsed: ParsedQuery) -> str | None:
        reader = gen.searcher.reader()
        replacements: list[tuple[tuple[int, int], str]] = []
        for word in parsed.words:
            w = word.text
            if w in SPANISH_STOP_WORDS or w.isdigit() or len(w) < 3 or not self._is_unknown(reader, w):
                continue
            correction = self._correct(reader, w)
            if correction:
                replacements.append((word.span, correction))
        if not replacements:
            return None
        text = parsed.cleaned
        for (start, end), correction in sorted(replacements, reverse=True):
            text = text[:start] + correction + text[end:]
        return text

    @staticmethod
    def _is_unknown(reader, word: str) -> bool:
        return (reader.doc_frequency("exact", word) == 0
                and reader.doc_frequency("text", stem_spanish(word)) == 0
                and reader.doc_frequency("text_en", stem_english(word)) == 0)

    @staticmethod
    def _correct(reader, word: str) -> str | None:
        for distance in (1, 2) if len(word) > 4 else (1,):
            candidates: set[str] = set()
            for leaf, _base in reader.leaf_readers():
                candidates.update(_text(t) for t in islice(
                    leaf.terms_within("exact", word, distance, prefix=1), 1000))
            candidates.discard(word)
            candidates = {c for c in candidates if not c.isdigit()}
            if candidates:
                return max(sorted(candidates), key=lambda c: reader.doc_frequency("exact", c))
        return None

    # -- timeline and precedents --

    def timeline(self, term: str, translate: bool = False) -> list[YearCount]:
        """Per year from the first to the last year with a match: matching agreements and
        distinct reports (years in between with no match are listed with zeros)."""
        parsed = expand_query(parse_query(term), translate=translate).parsed
        with self._lock:
            gen = self._current()
            compiler = _Compiler(gen.searcher.reader())
            whoosh_query = compiler.compile(parsed.node)
            if whoosh_query is None and parsed.node is not None:
                whoosh_query = _Compiler(gen.searcher.reader(), stop_word_fallback=True).compile(parsed.node)
            matching = set(gen.live) if whoosh_query is None else self._docnums(gen, whoosh_query)
            allowed = self._filter_docnums(gen, list(parsed.filters))
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
        years = range(min(units), max(units) + 1) if max(units) - min(units) <= 200 else sorted(units)
        return [YearCount(y, units.get(y, 0), len(reports.get(y, ()))) for y in years]

    def precedents(self, report: Report, label: str, limit: int = 10) -> list[Precedent]:
        """The agreements of EARLIER meetings most similar to ``report``'s unit ``label``."""
        agreement = report.agreement(label)
        if agreement is None:
            raise ArchiveError(f"El informe {report.id} no tiene el punto {label} "
                               f"/ report {report.id} has no unit {label}")
        if report.meeting.date is None:
            log.info("precedents: report %s has no date, so nothing is earlier", report.id)
            return []
        with self._lock:
            gen = self._current()
            reader = gen.searcher.reader()
            compiler = _Compiler(reader)
            weighted = key_terms(reader, agreement.text, gen.doc_count_all)
            if not weighted:
                return []
            for word, _weight in weighted:
                compiler.marks.stems_es.add(stem_spanish(word))
                compiler.marks.stems_en.add(stem_english(word))
            whoosh_query = similarity_query(weighted)
            cutoff = report.meeting.date.toordinal()
            allowed = {d for d in gen.live if 0 < gen.dates[d] < cutoff and gen.report_ids[d] != report.id}
            if not allowed:
                return []
            results = gen.searcher.search(whoosh_query, limit=limit * 3, filter=allowed)
            # Very weak matches are not precedents: a unit that shares one common word (or, before
            # list markers were taken out of the index, just its number) with this one.
            term_docs = [(weight, self._term_docnums(gen, "text", stem_spanish(word))
                          | self._term_docnums(gen, "text_en", stem_english(word)))
                         for word, weight in weighted]
            total_weight = sum(weight for weight, _docs in term_docs)
            need_terms = min(MIN_PRECEDENT_TERMS, len(term_docs))
            best = None
            found: list[Precedent] = []
            for hit in results:
                shared = [weight for weight, docs in term_docs if hit.docnum in docs]
                if len(shared) < need_terms or sum(shared) < MIN_PRECEDENT_SHARE * total_weight:
                    continue
                best = hit.score if best is None else best
                if hit.score < MIN_PRECEDENT_RELATIVE_SCORE * best:
                    break
                found.append(Precedent(self._hit(gen, hit.docnum, hit.score, compiler.marks), float(hit.score)))
                if len(found) == limit:
                    break
            return found


def _top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), best first, ties to the lower docnum (as Whoosh)."""
    docnums, values = list(scores.keys()), list(scores.values())
    if len(values) > 8 * limit + 2000:
        # The limit-th best of a sample is at most the limit-th best of all: keeping the scores
        # at or above it (a C-level filter) keeps every winner and ties, and ~1% of the rest.
        sample = heapq.nlargest(limit, values[::len(values) // 1000])
        if len(sample) == limit:
            keep = list(compress(range(len(values)), map(sample[-1].__le__, values)))
            docnums, values = list(map(docnums.__getitem__, keep)), list(map(values.__getitem__, keep))
    top = heapq.nlargest(limit, zip(values, map(int.__neg__, docnums)))
    return [(-negated, score) for score, negated in top]


class _TermScores(dict):
    """(tf, length byte) -> BM25 score of one term, computed on first use."""

    def __init__(self, idf: float, norms: list[float]):
        super().__init__()
        self.idf = idf
        self.norms = norms

    def __missing__(self, key: tuple[float, int]) -> float:
        tf, length_byte = key
        # Exactly whoosh.scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        score = self[key] = self.idf * ((tf * (_BM25.K1 + 1)) / (tf + self.norms[length_byte]))
        return score


class _Unscorable(Exception):
    """A ranking query shape ``AgreementIndex._scores`` does not handle."""


def _union_scores(parts: list[dict[int, float]]) -> dict[int, float]:
    """Scores of an OR: a document's score is the sum of the parts that match it."""
    parts = sorted(parts, key=len, reverse=True)
    result = parts[0]  # the parts are fresh dicts (never cached): the largest is extended in place
    for part in parts[1:]:
        # result[d] = result.get(d, 0.0) + part[d] for every d of part, in C (0.0 + x == x)
        result.update(zip(part.keys(), map(add, map(result.get, part.keys(), repeat(0.0)), part.values())))
    return result


def _ranking_query(q: wq.Query, reader) -> tuple[wq.Query | None, bool]:
    """The query used to RANK the (already known) matching documents, and whether it can match
    more documents than ``q`` (then the ranking must be restricted to the matching set).

    Phrase position checks are dropped (their word pairs stay; the documents were verified
    already), exclusions are dropped (they do not change scores), and terms absent from the index
    are pruned, so a one-word query becomes a single posting list -- the shape for which Whoosh
    skips low-scoring blocks (block-max) instead of scoring every match."""
    if isinstance(q, wq.Term):
        return (q, False) if reader.doc_frequency(q.fieldname, q.text) else (None, False)
    if isinstance(q, wq.Or) and len(q.subqueries) > MAX_RANKED_EXPANSION and all(
            isinstance(sub, wq.Term) and sub.fieldname == "exact" for sub in q.subqueries):
        # A broad prefix/wildcard/fuzzy term: rank by its most frequent expansions only (a union
        # of hundreds of posting lists is Whoosh's slowest path); documents that only the rarer
        # expansions match are listed after the ranked ones (see _fill_unscored).
        top = sorted(q.subqueries, key=lambda t: -reader.doc_frequency(t.fieldname, t.text))
        return wq.Or(top[:MAX_RANKED_EXPANSION], boost=q.boost), False
    if isinstance(q, (wq.And, wq.Or)):
        subs, broader, changed = [], False, False
        for sub in q.subqueries:
            if isinstance(q, wq.And) and isinstance(sub, wq.Phrase):
                broader = changed = True
                continue
            ranked, b = _ranking_query(sub, reader)
            broader = broader or b
            changed = changed or ranked is not sub
            if ranked is not None:
                subs.append(ranked)
            elif isinstance(q, wq.And):
                return None, False
        if not changed:
            return q, False
        if not subs:
            return None, False
        if len(subs) == 1 and q.boost == 1.0:
            return subs[0], broader
        return type(q)(subs, boost=q.boost), broader
    if isinstance(q, wq.AndNot):
        positive, _ = _ranking_query(q.a, reader)
        return positive, True
    if isinstance(q, wq.Every):
        return None, False
    return q, False


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


def _query_filters(q: SearchQuery) -> list[FieldFilter]:
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


def _validated(q: SearchQuery) -> SearchQuery:
    if q.sort not in SORTS:
        raise QuerySyntaxError(f"Orden desconocido «{q.sort}» (relevance, date, date_asc) "
                               f"/ Unknown sort «{q.sort}».")
    if not isinstance(q.page, int) or q.page < 1 or not isinstance(q.per_page, int) or not 1 <= q.per_page <= MAX_PER_PAGE:
        raise QuerySyntaxError(f"Página no válida / Invalid page (page >= 1, 1 <= per_page <= {MAX_PER_PAGE}).")
    if q.page * q.per_page > 100_000:
        raise QuerySyntaxError("Página demasiado lejana / Page too far.")
    if q.year_from is not None and q.year_to is not None and q.year_from > q.year_to:
        return replace(q, year_from=q.year_to, year_to=q.year_from)
    if q.text is None:
        return replace(q, text="")
    return q
