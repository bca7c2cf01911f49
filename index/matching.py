"""Matching: a compiled query -> the set of ALL live documents it matches, by set algebra over
posting lists (never Whoosh's matchers: the match set feeds the totals and the per-year and facet
counts, so it is computed exactly, once).

Sets are docsets (``index.docsets``: sorted numpy arrays). An AND is computed from its smallest
operand (estimated from posting-list lengths), and each further operand only RESTRICTS that set,
so the union of a common word's two stems ("países": 78k units at 100k) is never built just to be
intersected with a few thousand candidates.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from index import docsets
from index.generation import Generation
from index.phrases import verify_phrase
from index.postings import postings, term_docnums


def docnums(gen: Generation, q: wq.Query) -> np.ndarray:
    """All live docnums matching a compiled query (a docset the caller must not change)."""
    if isinstance(q, wq.Term):
        return term_docnums(gen, q.fieldname, q.text)
    if isinstance(q, wq.And):
        phrases = [s for s in q.subqueries if isinstance(s, wq.Phrase)]
        others = sorted((s for s in q.subqueries if not isinstance(s, wq.Phrase)),
                        key=lambda s: _estimate(gen, s))
        result = docnums(gen, others[0]) if others else gen.live
        for other in others[1:]:
            if not len(result):
                break
            result = restrict(gen, other, result)
        for phrase in phrases:
            result = verify_phrase(gen, phrase.words, result)
        return result
    if isinstance(q, wq.Or):
        return docsets.union([docnums(gen, sub) for sub in q.subqueries])
    if isinstance(q, wq.AndNot):
        return docsets.difference(docnums(gen, q.a), docnums(gen, q.b))
    if isinstance(q, wq.Every):
        return gen.live
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return docsets.EMPTY
    if isinstance(q, wq.Phrase):
        return verify_phrase(gen, q.words, None)
    return docsets.of(gen.searcher.docs_for_query(q))


def restrict(gen: Generation, q: wq.Query, candidates: np.ndarray) -> np.ndarray:
    """The documents of ``candidates`` that ``q`` matches (== ``docnums(gen, q) & candidates``)."""
    if isinstance(q, wq.Term):
        return docsets.intersect(candidates, term_docnums(gen, q.fieldname, q.text))
    if isinstance(q, wq.Or):
        return docsets.union([restrict(gen, sub, candidates) for sub in q.subqueries])
    if isinstance(q, wq.And):
        for sub in sorted(q.subqueries, key=lambda s: _estimate(gen, s)):
            if not len(candidates):
                break
            if isinstance(sub, wq.Phrase):
                candidates = verify_phrase(gen, sub.words, candidates)
            else:
                candidates = restrict(gen, sub, candidates)
        return candidates
    if isinstance(q, wq.AndNot):
        return docsets.difference(restrict(gen, q.a, candidates), docnums(gen, q.b))
    if isinstance(q, wq.Every):
        return docsets.intersect(candidates, gen.live)
    return docsets.intersect(candidates, docnums(gen, q))


def _estimate(gen: Generation, q: wq.Query) -> int:
    """An upper bound of the documents ``q`` matches, from posting-list lengths (read anyway)."""
    if isinstance(q, wq.Term):
        return len(postings(gen, q.fieldname, q.text).ids)
    if isinstance(q, wq.Or):
        return sum(_estimate(gen, s) for s in q.subqueries)
    if isinstance(q, wq.And):
        return min((_estimate(gen, s) for s in q.subqueries if not isinstance(s, wq.Phrase)),
                   default=len(gen.live))
    if isinstance(q, wq.AndNot):
        return _estimate(gen, q.a)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return 0
    return len(gen.live)
