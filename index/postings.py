"""Posting lists: one term's documents over the whole index, read from Whoosh's raw blocks.

A term's postings are read once per generation (``Generation.term_cache``) and shared by matching
(its docnum set), scoring (its term frequencies) and phrase checks (its positions).
"""

from __future__ import annotations

from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from index.generation import Generation


class Postings:
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


def postings(gen: Generation, fieldname: str, text: str) -> Postings:
    """The postings of ``text`` in ``fieldname`` (empty for a term the index does not hold)."""
    key = (fieldname, text)
    cached = gen.term_cache.get(key)
    if cached is not None:
        gen.term_cache.move_to_end(key)
        return cached
    ids: list[int] = []
    weights: list[float] = []
    with_values = fieldname in gen.schema and gen.schema[fieldname].format.supports("positions")
    values: list[bytes] | None = [] if with_values else None
    for leaf, base in gen.reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        leaf_ids, leaf_weights, leaf_values = _leaf_postings(matcher, with_values)
        ids.extend(map(base.__add__, leaf_ids) if base else leaf_ids)
        weights.extend(leaf_weights)
        if with_values:
            values.extend(leaf_values)
    result = Postings(ids, weights, values)
    gen.cache_postings(key, result)
    return result


def term_docnums(gen: Generation, fieldname: str, text: str) -> frozenset[int]:
    return postings(gen, fieldname, text).docs


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
