"""One version of the index as the searches see it: the long-lived Whoosh searcher, the per-docnum
columns that filters and facets count against, the BM25 length statistics, and the caches that are
valid for exactly this generation (a new generation starts with empty ones).

Opening a searcher and loading columns costs (~1.4 s at 100k units); ``AgreementIndex`` keeps one
``Generation`` and replaces it only when the index changed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import length_to_byte

from index import store

if TYPE_CHECKING:
    from index.postings import Postings

TERM_CACHE_SIZE = 512  # posting lists kept per generation...
TERM_CACHE_POSTINGS = 1_000_000  # ... holding at most this many postings in all (~100 MB)


class Generation:
    """A searcher and the per-docnum columns for counting, valid for one version of the index."""

    def __init__(self, ix, pointer: store.Pointer):
        self.searcher = ix.searcher()
        self.reader = self.searcher.reader()
        self.schema = self.searcher.schema
        self.token = (pointer.generation, self.reader.generation())
        self._load_columns()
        # (field, term) -> Postings; the only cache of query work besides filter_cache (the
        # benchmark drops both to time a search doing its work).
        self.term_cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self.filter_cache: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._cached_postings = 0  # postings held by term_cache
        # Index statistics for BM25 (not query results): per field, the length byte of every
        # docnum, and (filled by index.bm25) the 256 possible length normalisations.
        self._lengths: dict[str, bytes] = {}
        self.norms: dict[str, list[float]] = {}

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
            parts = [_leaf_length_bytes(leaf, fieldname) for leaf, _base in self.reader.leaf_readers()]
            lengths = self._lengths[fieldname] = b"".join(parts)
        return lengths

    def cache_postings(self, key: tuple[str, str], postings: Postings) -> None:
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

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def close(self) -> None:
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
