"""Matching: a compiled query -> the set of ALL live documents it matches, by set algebra over
posting lists (never Whoosh's matchers: the match set feeds the totals and the per-year and facet
counts, so it is computed exactly, once)."""

from __future__ import annotations

from whoosh import query as wq

from index.generation import Generation
from index.phrases import verify_phrase
from index.postings import term_docnums


def docnums(gen: Generation, q: wq.Query) -> set[int]:
    """All live docnums matching a compiled query."""
    if isinstance(q, wq.Term):
        return set(term_docnums(gen, q.fieldname, q.text))
    if isinstance(q, wq.And):
        phrases = [s for s in q.subqueries if isinstance(s, wq.Phrase)]
        others = sorted((docnums(gen, s) for s in q.subqueries if not isinstance(s, wq.Phrase)), key=len)
        result = others[0] if others else set(gen.live)
        for other in others[1:]:
            if not result:
                break
            result &= other
        for phrase in phrases:
            result = verify_phrase(gen, phrase.words, result)
        return result
    if isinstance(q, wq.Or):
        result: set[int] = set()
        for sub in q.subqueries:
            result |= docnums(gen, sub)
        return result
    if isinstance(q, wq.AndNot):
        return docnums(gen, q.a) - docnums(gen, q.b)
    if isinstance(q, wq.Every):
        return set(gen.live)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return set()
    if isinstance(q, wq.Phrase):
        return verify_phrase(gen, q.words, None)
    return set(gen.searcher.docs_for_query(q))
