"""Sets of documents as sorted numpy arrays of docnums (int64, ascending, no repeats).

Every step between the posting lists and the page -- matching, filters, facets, BM25 -- works on
these arrays, so its per-document work runs in numpy's C loops instead of Python's (a set of the
78k units holding "países" at 100k units is built, intersected and counted in well under a
millisecond). Functions take and return such arrays and never change their arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

DOCNUM = np.int64
EMPTY = np.empty(0, dtype=DOCNUM)
EMPTY.flags.writeable = False


def of(docnums: Iterable[int]) -> np.ndarray:
    """A docset of any iterable of docnums (sorted, repeats dropped)."""
    return distinct(np.fromiter(docnums, dtype=DOCNUM))


def distinct(docnums: np.ndarray) -> np.ndarray:
    """``docnums`` sorted, repeats dropped. (numpy 2's ``unique`` hashes first: ~10x slower on the
    concatenated runs of sorted docnums it would get here.)"""
    ordered = np.sort(docnums, kind="stable")
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def members(docs: np.ndarray, of_set: np.ndarray) -> np.ndarray:
    """A boolean array: for each docnum of ``docs``, whether ``of_set`` holds it."""
    if not len(docs) or not len(of_set):
        return np.zeros(len(docs), dtype=bool)
    if len(of_set) * 16 < len(docs) or len(docs) * 16 < len(of_set):
        # Very different sizes: binary search the bigger set (C-level, O(small * log big)).
        at = np.searchsorted(of_set, docs)
        np.minimum(at, len(of_set) - 1, out=at)
        return of_set[at] == docs
    top = max(int(docs[-1]), int(of_set[-1])) + 1
    mask = np.zeros(top, dtype=bool)
    mask[of_set] = True
    return mask[docs]


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) > len(b):
        a, b = b, a
    return a[members(a, b)] if len(a) else EMPTY


def difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[~members(a, b)] if len(b) else a


def union(parts: Sequence[np.ndarray]) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    top = max(int(p[-1]) for p in parts) + 1
    if sum(len(p) for p in parts) * 64 < top:  # sparse: sort the few docnums
        return distinct(np.concatenate(parts))
    mask = np.zeros(top, dtype=bool)
    for p in parts:
        mask[p] = True
    return np.flatnonzero(mask)
