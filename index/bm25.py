"""Scoring: BM25 ranking of the (already known) matching documents.

Computed by us with Whoosh's formula, parameters and statistics, from the posting arrays already
read for the match set and a per-generation array of field lengths -- the same scores and order
as Whoosh's collector (tests compare them), without its per-posting matcher calls (which spent
~65% of a common-term search).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from itertools import compress, repeat
from operator import add, mul
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from index.postings import postings

if TYPE_CHECKING:
    from index.generation import Generation

_BM25 = BM25F()  # Whoosh's default weighting (B=0.75, K1=1.2): the searcher's and ours
K1, B = _BM25.K1, _BM25.B
MAX_RANKED_EXPANSION = 16  # expansions that take part in ranking (see ranking_query)


class Unscorable(Exception):
    """A ranking query shape ``scores`` does not handle (the caller falls back to Whoosh's)."""


def rank(gen: Generation, ranking_query: wq.Query, matching: set[int], restrict: bool,
         limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score) of ``matching`` by BM25. Ties go to the lower docnum,
    as in Whoosh's collector."""
    # Only documents of ``matching`` are ranked, so a word whose posting list is longer than
    # the match set is scored on the matches only (an AND of common words scores a few
    # hundred documents, not each word's whole list); a ranking query broader than the match
    # set (``restrict``) is cut down to it.
    found = scores(gen, ranking_query, matching)
    if restrict:
        inside = found.keys() & matching
        if len(inside) < len(found):
            found = {d: found[d] for d in inside}
    return top(found, limit)


def scores(gen: Generation, q: wq.Query, within: set[int] | frozenset[int]) -> dict[int, float]:
    """docnum -> BM25 score of the documents ``q`` matches, summing sub-scores as Whoosh's
    union and intersection matchers do; a term's documents outside ``within`` may be left out
    (when its list is longer than ``within``). Only the query shapes ``ranking_query`` makes."""
    if isinstance(q, wq.Term):
        result = term_scores(gen, q.fieldname, q.text, within)
    elif isinstance(q, (wq.And, wq.Or)):
        parts = [scores(gen, sub, within) for sub in q.subqueries]
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
                result = dict(zip(order, total))
            else:
                result = parts[0]
        else:
            result = _union_scores(parts)
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {}
    else:
        raise Unscorable(type(q).__name__)
    if q.boost != 1.0:
        boost = q.boost
        result = dict(zip(result.keys(), map(mul, result.values(), repeat(boost))))
    return result


def term_scores(gen: Generation, fieldname: str, text: str,
                within: set[int] | frozenset[int]) -> dict[int, float]:
    term_postings = postings(gen, fieldname, text)
    ids, weights = term_postings.ids, term_postings.weights
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
    table = TermScores(gen.searcher.idf(fieldname, text), length_norms(gen, fieldname))
    lengths = gen.lengths(fieldname)
    # A score depends only on (tf, length byte): a few hundred distinct pairs, each computed
    # once; the per-posting work is C-level lookups.
    return dict(zip(ids, map(table.__getitem__, zip(weights, map(lengths.__getitem__, ids)))))


def length_norms(gen: Generation, fieldname: str) -> list[float]:
    """BM25's length normalisation ``K1 * ((1 - B) + B * length / average)`` per length byte,
    computed exactly as ``whoosh.scoring.bm25`` does, so scores equal Whoosh's."""
    norms = gen.norms.get(fieldname)
    if norms is None:
        avgfl = gen.searcher.avg_field_length(fieldname) or 1
        norms = gen.norms[fieldname] = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
    return norms


class TermScores(dict):
    """(tf, length byte) -> BM25 score of one term, computed on first use."""

    def __init__(self, idf: float, norms: list[float]):
        super().__init__()
        self.idf = idf
        self.norms = norms

    def __missing__(self, key: tuple[float, int]) -> float:
        tf, length_byte = key
        # Exactly whoosh.scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        score = self[key] = self.idf * ((tf * (K1 + 1)) / (tf + self.norms[length_byte]))
        return score


def _union_scores(parts: list[dict[int, float]]) -> dict[int, float]:
    """Scores of an OR: a document's score is the sum of the parts that match it."""
    parts = sorted(parts, key=len, reverse=True)
    result = parts[0]  # the parts are fresh dicts (never cached): the largest is extended in place
    for part in parts[1:]:
        # result[d] = result.get(d, 0.0) + part[d] for every d of part, in C (0.0 + x == x)
        result.update(zip(part.keys(), map(add, map(result.get, part.keys(), repeat(0.0)), part.values())))
    return result


def top(found: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), best first, ties to the lower docnum (as Whoosh)."""
    docnums, values = list(found.keys()), list(found.values())
    if len(values) > 8 * limit + 2000:
        # The limit-th best of a sample is at most the limit-th best of all: keeping the scores
        # at or above it (a C-level filter) keeps every winner and ties, and ~1% of the rest.
        sample = heapq.nlargest(limit, values[::len(values) // 1000])
        if len(sample) == limit:
            keep = list(compress(range(len(values)), map(sample[-1].__le__, values)))
            docnums, values = list(map(docnums.__getitem__, keep)), list(map(values.__getitem__, keep))
    best = heapq.nlargest(limit, zip(values, map(int.__neg__, docnums)))
    return [(-negated, score) for score, negated in best]


def ranking_query(q: wq.Query, reader) -> tuple[wq.Query | None, bool]:
    """The query used to RANK the (already known) matching documents, and whether it can match
    more documents than ``q`` (then the ranking must be restricted to the matching set).

    Phrase position checks are dropped (their word pairs stay; the documents were verified
    already), exclusions are dropped (they do not change scores), and terms absent from the index
    are pruned, so a one-word query becomes a single posting list."""
    if isinstance(q, wq.Term):
        return (q, False) if reader.doc_frequency(q.fieldname, q.text) else (None, False)
    if isinstance(q, wq.Or) and len(q.subqueries) > MAX_RANKED_EXPANSION and all(
            isinstance(sub, wq.Term) and sub.fieldname == "exact" for sub in q.subqueries):
        # A broad prefix/wildcard/fuzzy term: rank by its most frequent expansions only (a union
        # of hundreds of posting lists is the slowest path); documents that only the rarer
        # expansions match are listed after the ranked ones (see search._fill_unscored).
        best = sorted(q.subqueries, key=lambda t: -reader.doc_frequency(t.fieldname, t.text))
        return wq.Or(best[:MAX_RANKED_EXPANSION], boost=q.boost), False
    if isinstance(q, (wq.And, wq.Or)):
        subs, broader, changed = [], False, False
        for sub in q.subqueries:
            if isinstance(q, wq.And) and isinstance(sub, wq.Phrase):
                broader = changed = True
                continue
            ranked, b = ranking_query(sub, reader)
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
        positive, _ = ranking_query(q.a, reader)
        return positive, True
    if isinstance(q, wq.Every):
        return None, False
    return q, False
