"""One version of the index as the searches see it: the long-lived Whoosh searcher, the per-docnum
columns that filters and facets count against, the BM25 length statistics, and the caches that are
valid for exactly this generation (a new generation starts with empty ones).

Opening a searcher and loading columns costs (~1.4 s at 100k units); ``AgreementIndex`` keeps one
``Generation`` and replaces it only when the index changed.
"""

from __future__ import annotations

import os
import struct
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from whoosh.columns import NumericColumn, RefBytesColumn, TranslatingColumnReader
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo, _lenfield
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from index import store
from index.mapped import items_with_prefix, term_table  # importing index.mapped also reads segment files in place
from index.schema import STORED_FIELDS
from index.segments import SegmentHits, open_hits
from index.vocabulary import FIELD as VOCABULARY_FIELD, Vocabulary

if TYPE_CHECKING:
    from index.postings import Postings

# A term of a segment, from its term table: (doc frequency, weight, first docnum, end of Whoosh's
# bytes of its postings in the postings file, -1 when they are inlined in the table).
TermEntry = tuple[int, float, int, int]
_TERM_INFO = W3TermInfo._struct  # flags, weight, doc frequency, min/max length, max weight, min/max id
_EXTENT = struct.Struct("!qi")  # where a (not inlined) posting list starts in the postings file, its length
# Fields whose terms are looked up in the segments' tables, not kept in memory: every word pair of
# every unit is a term of ``pairs`` (most of the table), and only phrases of 3+ words read them.
TERMS_LOOKED_UP = frozenset({"pairs"})

TERM_CACHE_SIZE = 512  # posting lists kept per generation...
TERM_CACHE_POSTINGS = 2_000_000  # ... holding at most this many postings in all (16 bytes each)


@dataclass
class Leaf:
    """One segment as the searches read it: its Whoosh reader, where its docnums start, its
    postings file and ``.hits`` file when our writer wrote it (``index.segments``), and a mask of
    its deleted docnums (None when it has none)."""

    reader: object
    base: int
    terms: object  # the term table (``mapped.term_table``: key bytes -> term info bytes)
    field_prefixes: dict[str, bytes]  # field name -> the bytes (its number) that start its keys in ``terms``
    postfile: object
    hits: SegmentHits | None
    deleted: np.ndarray | None

    @property
    def raw_postings(self) -> bool:
        return self.hits is not None  # both are written by index.store's segment writer

    def entry(self, fieldname: str, text: str) -> TermEntry | None:
        """The term's entry, looked up in this segment's term table (None if it lacks the term)."""
        prefix = self.field_prefixes.get(fieldname)
        if prefix is None:
            return None
        raw = self.terms.get(prefix + text.encode("utf-8"))
        return None if raw is None else decode_entry(raw)


def decode_entry(raw) -> TermEntry:
    """A term table's value (Whoosh's ``W3TermInfo`` bytes) as a ``TermEntry``, read in place:
    ``reader.term_info`` builds an object for it (~7 µs against ~1)."""
    flags, weight, count, _minl, _maxl, _maxw, first, _last = _TERM_INFO.unpack_from(raw)
    if flags:
        return count, weight, first, -1
    offset, length = _EXTENT.unpack_from(raw, _TERM_INFO.size)
    return count, weight, first, offset + length


def _term_directory(leaves: list[Leaf]) -> dict[tuple[str, str], tuple[tuple[Leaf, TermEntry], ...]]:
    """(field, term) -> the segments holding it and their entries, for every field but
    ``TERMS_LOOKED_UP``: a word's lookup is then one dict access for the whole index instead of an
    MD5 hash and a probe per segment (~3.5 µs each, four of them for a one-word search)."""
    found: dict[tuple[str, str], list[tuple[Leaf, TermEntry]]] = {}
    for leaf in leaves:
        table = leaf.reader._terms._tindex
        for fieldname, prefix in leaf.field_prefixes.items():
            if fieldname in TERMS_LOOKED_UP:
                continue
            for key, raw in items_with_prefix(table, prefix):
                found.setdefault((fieldname, key.decode("utf-8")), []).append((leaf, decode_entry(raw)))
    return {key: tuple(entries) for key, entries in found.items()}


def _leaves(reader) -> list[Leaf]:
    leaves = []
    for leaf, base in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)  # W3TermsReader; an empty index has none
        if terms is None:
            continue
        deleted = None
        if leaf.has_deletions():
            deleted = np.zeros(leaf.doc_count_all(), dtype=bool)
            deleted[np.fromiter(leaf._perdoc.deleted_docs(), dtype=np.int64)] = True
        prefixes = {name: pack_ushort(number) for name, number in terms._fieldmap.items()}
        leaves.append(Leaf(leaf, base, term_table(terms._tindex), prefixes, terms._postfile, open_hits(leaf), deleted))
    return leaves


def column_values(reader, size: int) -> list:
    """A segment's column as a list of ``size`` values, as iterating ``reader`` gives them. The two column
    kinds of our schema are arrays on disk (numbers; references into the distinct values) and are read as
    one array: iterating Whoosh's reader costs a few Python calls a value (2.5 s of opening the 100k archive,
    ~0.03 s so). Any other column, or a layout this does not expect, is iterated."""
    raw = reader.raw_column() if isinstance(reader, TranslatingColumnReader) else reader
    translate = reader._translate if raw is not reader else None
    if type(raw) is RefBytesColumn.Reader:
        refs = _big_endian(raw._dbfile, raw._basepos, size, raw._typecode, raw._itemsize)
        if refs is not None:
            uniques = raw._uniques if translate is None else [translate(u) for u in raw._uniques]
            return [uniques[ref] for ref in refs.tolist()]
    elif type(raw) is NumericColumn.Reader and not raw._reverse:
        stored = min(raw._count, size)  # Whoosh leaves out the defaults after the last value written
        numbers = _big_endian(raw._dbfile, raw._basepos, stored, raw._typecode, raw._fixedlen)
        if numbers is not None:
            values = numbers.tolist() + [raw._default] * (size - stored)
            if translate is not None:
                translated = {v: translate(v) for v in set(values)}
                values = [translated[v] for v in values]
            return values
    return list(reader)


def _big_endian(dbfile, offset: int, count: int, typecode: str, itemsize: int) -> np.ndarray | None:
    """``count`` numbers of ``struct`` type ``typecode`` in network order at ``offset``, or None where
    numpy's type of that code has another size than ``struct``'s standard one."""
    try:
        dtype = np.dtype(">" + typecode)
    except TypeError:
        return None
    if dtype.itemsize != itemsize or dtype.kind not in "uif":
        return None
    return np.frombuffer(dbfile.get(offset, count * itemsize), dtype=dtype) if count else np.empty(0, dtype)


class Generation:
    """A searcher and the per-docnum columns for counting, valid for one version of the index."""

    def __init__(self, ix, pointer: store.Pointer):
        self.searcher = ix.searcher()
        self.reader = self.searcher.reader()
        self.schema = self.searcher.schema
        self.token = (pointer.generation, self.reader.generation())
        self._folder = getattr(ix.storage, "folder", None)
        self._fresh_stamp: tuple[int, int] | None = None  # the folder when last found up to date
        self.leaves = _leaves(self.reader)
        self._term_directory = _term_directory(self.leaves)
        self._vocabulary: Vocabulary | None = None  # see vocabulary
        self._bases = [leaf.base for leaf in self.leaves]
        self._load_columns()
        # (field, term) -> Postings; the only cache of query work besides filter_cache (the
        # benchmark drops both to time a search doing its work).
        self.term_cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self.filter_cache: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._cached_postings = 0  # postings held by term_cache
        # Index statistics for BM25 (not query results): per field, the length byte of every
        # docnum, and (filled by index.bm25) the 256 possible length normalisations.
        self._lengths: dict[str, np.ndarray] = {}
        self._length_bytes: dict[str, bytes] = {}
        self.norms: dict[str, np.ndarray] = {}
        self.idf: dict[tuple[str, str], float] = {}  # (field, term) -> Whoosh's idf, as the searcher computes it
        self._codes: dict[tuple[str, ...], tuple[np.ndarray, list[tuple]]] = {}  # see codes()

    def _load_columns(self) -> None:
        reader = self.reader
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
                    leaf_values = column_values(leaf.column_reader(name), leaf_size)
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
        self.combo_array = np.fromiter(
            (combos.setdefault(key, len(combos)) for key in zip(self.years, self.bodies, self.countries, self.languages)),
            dtype=np.int32, count=size)
        self.facet_combos: list[tuple[int, str, str, str]] = list(combos)
        # Per facet (year, body, country, language): each combination's value, as an index into
        # the facet's distinct values.
        self.combo_values: list[tuple[np.ndarray, list]] = []
        for values in zip(*self.facet_combos) if self.facet_combos else ((), (), (), ()):
            distinct: dict = {}
            codes = np.array([distinct.setdefault(v, len(distinct)) for v in values], dtype=np.int64)
            self.combo_values.append((codes, list(distinct)))
        # The same columns as arrays, for the vectorised steps (filters, sorting).
        self.year_array = np.array(self.years, dtype=np.int32)
        self.date_array = np.array(self.dates, dtype=np.int64)
        # Display names of country keys (the facet shows "México", the filter takes either).
        self.country_names: dict[str, str] = {}
        if size:
            seen = set()
            for docnum, key in enumerate(self.countries):
                if key and key not in seen and not reader.is_deleted(docnum):
                    seen.add(key)
                    self.country_names[key] = self.stored(docnum).get("country") or key
        live = np.ones(size, dtype=bool)
        for leaf in self.leaves:
            if leaf.deleted is not None:
                live[leaf.base:leaf.base + len(leaf.deleted)] &= ~leaf.deleted
        self.live: np.ndarray = np.flatnonzero(live)  # a docset (index.docsets)

    def codes(self, *columns: str) -> tuple[np.ndarray, list[tuple]]:
        """The distinct value tuples of these columns (e.g. "bodies", "body_terms") and, per
        docnum, the index of its tuple: a filter decides once per distinct value, then selects
        the docnums in C. Computed once per generation."""
        found = self._codes.get(columns)
        if found is None:
            index: dict[tuple, int] = {}
            values = zip(*(getattr(self, name) for name in columns))
            codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int32,
                                count=self.doc_count_all)
            found = self._codes[columns] = (codes, list(index))
        return found

    def term_entries(self, fieldname: str, text: str) -> Sequence[tuple[Leaf, TermEntry]]:
        """The segments that hold the term, in docnum order, and its entry in each."""
        if fieldname not in TERMS_LOOKED_UP:
            return self._term_directory.get((fieldname, text), ())
        return [(leaf, entry) for leaf in self.leaves if (entry := leaf.entry(fieldname, text)) is not None]

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """The documents holding the term, deleted ones included (as Whoosh's ``doc_frequency``)."""
        return sum(entry[0] for _leaf, entry in self.term_entries(fieldname, text))

    @property
    def vocabulary(self) -> Vocabulary:
        """The folded words of the whole generation (``index.vocabulary``), sorted once, on first use."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(text for fieldname, text in self._term_directory
                                          if fieldname == VOCABULARY_FIELD)
        return self._vocabulary

    def stored(self, docnum: int) -> dict:
        """The stored fields of a document: from its segment's ``.hits`` file, or Whoosh's."""
        leaf = self.leaves[bisect_right(self._bases, docnum) - 1]
        if leaf.hits is not None:
            return leaf.hits.stored(docnum - leaf.base)
        return self.searcher.stored_fields(docnum)

    def stored_values(self, docnum: int) -> tuple:
        """The stored fields of a document as values in ``schema.STORED_FIELDS`` order (None for
        a field it lacks): what a hit is made of, without building a dict."""
        leaf = self.leaves[bisect_right(self._bases, docnum) - 1]
        if leaf.hits is not None:
            return leaf.hits.values(docnum - leaf.base)
        stored = self.searcher.stored_fields(docnum)
        return tuple(stored.get(name) for name in STORED_FIELDS)

    def lengths(self, fieldname: str) -> np.ndarray:
        """The field-length byte (Whoosh's lossy length encoding) of every docnum, 0 for none."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = np.frombuffer(self.length_bytes(fieldname), dtype=np.uint8)
        return lengths

    def length_bytes(self, fieldname: str) -> bytes:
        """``lengths`` as bytes (indexing one docnum in Python is ~5x cheaper than in the array)."""
        raw = self._length_bytes.get(fieldname)
        if raw is None:
            parts = [_leaf_length_bytes(leaf, fieldname) for leaf, _base in self.reader.leaf_readers()]
            raw = self._length_bytes[fieldname] = b"".join(parts)
        return raw

    def cache_postings(self, key: tuple[str, str], postings: Postings) -> None:
        """Keep recent posting lists, bounded by their total length (a very common word holds a
        posting per unit), not by their number."""
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

    def up_to_date(self) -> bool:
        """Whether no commit happened since this generation was opened. Whoosh answers by listing
        the index folder; a commit adds files to it, so while the folder's modification time is
        the one seen at the last positive answer, the answer stands (a stat, not a listing)."""
        stamp = None
        if self._folder is not None:
            try:
                st = os.stat(self._folder)
                stamp = (st.st_mtime_ns, st.st_ctime_ns)
            except OSError:
                stamp = None
        if stamp is not None and stamp == self._fresh_stamp:
            return True
        fresh = self.searcher.up_to_date()
        self._fresh_stamp = stamp if fresh else None
        return fresh

    def close(self) -> None:
        for leaf in self.leaves:
            if leaf.hits is not None:
                leaf.hits.close()
        self.searcher.close()


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


def cache_put(cache: OrderedDict, key, value, size: int) -> None:
    """Put ``key`` in an LRU ``cache`` of at most ``size`` entries."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
