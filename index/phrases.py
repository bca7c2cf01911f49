"""Phrases: which candidate documents hold the words of a phrase at consecutive positions.

A 2-word phrase is one term of the ``pairs`` field (see ``index.schema``); a longer phrase
intersects its pairs' posting lists and checks the pairs' positions on the survivors only.
"""

from __future__ import annotations

import numpy as np

from index import docsets
from index.analysis import pair_term
from index.generation import Generation
from index.postings import positions_of, postings, term_docnums


def verify_phrase(gen: Generation, words, candidates: np.ndarray | None) -> np.ndarray:
    """Docs among ``candidates`` (a docset; None: all) where ``words`` occur at consecutive positions.

    Checked on the positions of the word PAIRS (pair i of a phrase at position p + i), which
    come with the pair postings already read to intersect them: each pair posting list is
    about as short as the phrase's matches, while the positions of "de" in ``exact`` filled
    ~every unit (at 100k units, with our ranking: phrase class p50 280 -> 51 ms)."""
    words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in words]
    if len(words) < 2:
        found = term_docnums(gen, "exact", words[0])
        return found if candidates is None else docsets.intersect(found, candidates)
    pairs = [pair_term(a, b) for a, b in zip(words, words[1:])]
    by_length = sorted(set(pairs), key=lambda p: len(term_docnums(gen, "pairs", p)))
    result = term_docnums(gen, "pairs", by_length[0]) if candidates is None else candidates
    for p in by_length[int(candidates is None):]:
        result = docsets.intersect(result, term_docnums(gen, "pairs", p))
        if not len(result):
            return docsets.EMPTY
    if len(pairs) == 1:
        return result
    # A phrase starting at position p has its pair i at position p + i: each pair's (document,
    # p) keys are computed for the candidates, and the documents whose keys all pairs share match.
    keys = None
    for i in sorted(range(len(pairs)), key=lambda i: len(term_docnums(gen, "pairs", pairs[i]))):
        pair_keys = _start_keys(gen, pairs[i], i, result)
        keys = pair_keys if keys is None else np.intersect1d(keys, pair_keys, assume_unique=True)
        if not len(keys):
            return docsets.EMPTY
    return docsets.distinct(keys >> _POSITION_BITS)


_POSITION_BITS = 32  # a key is docnum << 32 | (phrase start + PHRASE_SLACK)
_PHRASE_SLACK = 1 << 16  # keeps "position - i" positive


def _start_keys(gen: Generation, pair: str, i: int, docs: np.ndarray) -> np.ndarray:
    """The distinct (document, phrase start) keys of ``pair`` as the phrase's pair ``i``, for the
    documents ``docs`` (which all hold the pair)."""
    found = postings(gen, "pairs", pair)
    flat, starts = positions_of(gen, "pairs", pair)
    at = np.searchsorted(found.ids, docs)
    first, counts = starts[at], starts[at + 1] - starts[at]
    # Every position of each document: the runs flat[first[j]:first[j] + counts[j]], gathered in C.
    offsets = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    keys = (np.repeat(docs, counts) << _POSITION_BITS) | (flat[offsets] - i + _PHRASE_SLACK)
    return docsets.distinct(keys)
