"""Scoring: BM25 ranking of the (already known) matching documents.

Computed by us with Whoosh's formula, parameters and statistics, vectorised over the posting
arrays already read for the match set and a per-generation array of field lengths -- the same
scores and order as Whoosh's collector (tests compare them), without its per-posting matcher
calls. Scores travel as (docset, scores) pairs: sorted docnums and their float64 scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from index import docsets
from index.compiler import NearForms
from index.postings import postings

if TYPE_CHECKING:
    from index.generation import Generation

_BM25 = BM25F()  # Whoosh's default weighting (B=0.75, K1=1.2): the searcher's and ours
K1, B = _BM25.K1, _BM25.B
MAX_RANKED_EXPANSION = 16  # expansions that take part in ranking (see ranking_query)
FEW_MATCHES = 64  # match sets up to this size are scored in Python (few_scores)

Scored = tuple[np.ndarray, np.ndarray]  # (docset, float64 scores of those documents)


class Unscorable(Exception):
    """A ranking query shape ``scores`` does not handle (the caller falls back to Whoosh's)."""


def rank(gen: Generation, ranking_query: wq.Query, matching: np.ndarray, restrict: bool,
         limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score) of ``matching`` by BM25. Ties go to the lower docnum,
    as in Whoosh's collector."""
    if len(matching) <= FEW_MATCHES:
        found = few_scores(gen, ranking_query, matching)
        if found is not None:
            return sorted(found.items(), key=_best_first)[:limit]
    # Only documents of ``matching`` need scores: a word whose posting list is much longer than
    # the match set is scored on the matches only; a ranking query broader than the match set
    # (``restrict``) is cut down to it.
    docs, values = scores(gen, ranking_query, matching)
    if restrict and len(docs):
        inside = docsets.members(docs, matching)
        docs, values = docs[inside], values[inside]
    return top(docs, values, limit)


def scores(gen: Generation, q: wq.Query, within: np.ndarray) -> Scored:
    """The documents ``q`` matches and their BM25 scores, summing sub-scores as Whoosh's union
    and intersection matchers do; a term's documents outside ``within`` may be left out (when
    its list is much longer than ``within``). Only the query shapes ``ranking_query`` makes."""
    if isinstance(q, wq.Term):
        docs, values = term_scores(gen, q.fieldname, q.text, within)
    elif isinstance(q, (wq.And, wq.Or)):
        parts = [scores(gen, sub, within) for sub in q.subqueries]
        docs, values = _combine(parts, gen.doc_count_all, every=isinstance(q, wq.And))
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return docsets.EMPTY, np.empty(0)
    else:
        raise Unscorable(type(q).__name__)
    if q.boost != 1.0:
        values = values * q.boost
    return docs, values


def _best_first(scored: tuple[int, float]) -> tuple[float, int]:
    return -scored[1], scored[0]


def few_scores(gen: Generation, q: wq.Query, within: np.ndarray) -> dict[int, float] | None:
    """``scores`` of a few matches (``within``), as docnum -> score in Python floats: on a few
    dozen documents numpy's per-call costs (~1 us each, ~30 calls) are most of a search. The
    same formula, statistics and order of additions, so the same scores; None for a query shape
    it does not handle."""
    inside = set(within.tolist())
    return _few(gen, q, within, inside)


def _few(gen: Generation, q: wq.Query, within: np.ndarray, inside: set[int]) -> dict[int, float] | None:
    if isinstance(q, wq.Term):
        ids, weights = _postings_within(gen, q.fieldname, q.text, within)
        if not len(ids):
            return {}
        norms, lengths = length_norm_list(gen, q.fieldname), gen.length_bytes(q.fieldname)
        idf = term_idf(gen, q.fieldname, q.text)
        found = {d: bm25_score(idf, w, norms[lengths[d]])
                 for d, w in zip(ids.tolist(), weights.tolist()) if d in inside}
    elif isinstance(q, (wq.And, wq.Or)):
        parts = []
        for sub in q.subqueries:
            part = _few(gen, sub, within, inside)
            if part is None:
                return None
            parts.append(part)
        if not parts:
            return {}
        found = {}
        for part in parts:  # summed in the order of the parts, as _combine does
            for d, value in part.items():
                found[d] = found.get(d, 0.0) + value
        if isinstance(q, wq.And) and len(parts) > 1:
            found = {d: value for d, value in found.items() if all(d in part for part in parts)}
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {}
    else:
        return None
    if q.boost != 1.0:
        found = {d: value * q.boost for d, value in found.items()}
    return found


def bm25_score(idf, tf, norm):
    """Exactly whoosh.scoring.bm25 -- idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    with ``norm`` the last term (``length_norms``) -- on floats or numpy arrays alike."""
    return idf * ((tf * (K1 + 1)) / (tf + norm))


def _combine(parts: list[Scored], size: int, every: bool) -> Scored:
    """Scores of an AND (``every``: documents in all parts) or an OR (in any part): the sum of
    the parts that match, accumulated in arrays over all docnums."""
    if not parts:
        return docsets.EMPTY, np.empty(0)
    if len(parts) == 1:
        return parts[0]
    if every and any(not len(docs) for docs, _values in parts):
        return docsets.EMPTY, np.empty(0)
    if sum(len(docs) for docs, _values in parts) * 64 < size:
        # Few documents: sum per distinct docnum (sorting them) rather than over all docnums.
        docs = np.concatenate([docs for docs, _values in parts])
        order = np.argsort(docs, kind="stable")  # a docnum's parts stay in order: the same sums
        docs, values = docs[order], np.concatenate([values for _docs, values in parts])[order]
        starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
        found, total = docs[starts], np.add.reduceat(values, starts)
        if every:
            complete = np.diff(np.append(starts, len(docs))) == len(parts)
            found, total = found[complete], total[complete]
        return found, total
    total = np.zeros(size)
    for docs, values in parts:
        total[docs] += values  # docnums are distinct within a part
    if every:
        seen = np.zeros(size, dtype=np.int32)
        for docs, _values in parts:
            seen[docs] += 1
        docs = np.flatnonzero(seen == len(parts))
    else:
        docs = docsets.union([docs for docs, _values in parts])
    return docs, total[docs]


def _postings_within(gen: Generation, fieldname: str, text: str, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A term's (docnums, weights); for a list much longer than ``within``, only those in it."""
    term_postings = postings(gen, fieldname, text)
    ids, weights = term_postings.ids, term_postings.weights
    if len(ids) and len(within) * 8 < len(ids):  # few matches: find each in the sorted ids
        at = np.searchsorted(ids, within)
        np.minimum(at, len(ids) - 1, out=at)
        found = ids[at] == within
        ids, weights = within[found], weights[at[found]]
    return ids, weights


def term_scores(gen: Generation, fieldname: str, text: str, within: np.ndarray) -> Scored:
    ids, weights = _postings_within(gen, fieldname, text, within)
    if not len(ids):
        return docsets.EMPTY, np.empty(0)
    norms = length_norms(gen, fieldname)[gen.lengths(fieldname)[ids]]
    return ids, bm25_score(term_idf(gen, fieldname, text), weights, norms)


def term_idf(gen: Generation, fieldname: str, text: str) -> float:
    """Whoosh's idf of a term (an index statistic: kept per generation, a few lexicon lookups saved)."""
    key = (fieldname, text)
    idf = gen.idf.get(key)
    if idf is None:
        idf = gen.idf[key] = gen.searcher.idf(fieldname, text)
    return idf


def length_norms(gen: Generation, fieldname: str) -> np.ndarray:
    """BM25's length normalisation ``K1 * ((1 - B) + B * length / average)`` per length byte,
    computed exactly as ``whoosh.scoring.bm25`` does, so scores equal Whoosh's."""
    norms = gen.norms.get(fieldname)
    if norms is None:
        avgfl = gen.searcher.avg_field_length(fieldname) or 1
        norms = gen.norms[fieldname] = np.array(
            [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)])
    return norms


def length_norm_list(gen: Generation, fieldname: str) -> list[float]:
    """``length_norms`` as a list of Python floats (for the few-matches path)."""
    key = fieldname + " list"
    norms = gen.norms.get(key)
    if norms is None:
        norms = gen.norms[key] = length_norms(gen, fieldname).tolist()
    return norms


def top(docs: np.ndarray, values: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), best first, ties to the lower docnum (as Whoosh)."""
    if limit <= 0 or not len(docs):
        return []
    if len(values) > limit:
        # Everything at or above the limit-th best score: every winner and all its ties.
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= kth
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))[:limit]
    return list(zip(docs[order].tolist(), values[order].tolist()))


def ranking_query(q: wq.Query, gen: Generation) -> tuple[wq.Query | None, bool]:
    """The query used to RANK the (already known) matching documents, and whether it can match
    more documents than ``q`` (then the ranking must be restricted to the matching set).

    Phrase position checks are dropped (their word pairs stay; the documents were verified
    already), exclusions are dropped (they do not change scores), and terms absent from the index
    are pruned (asked of the postings matching read already, not of the lexicon), so a one-word
    query becomes a single posting list."""
    if isinstance(q, wq.Term):
        return (q, False) if len(postings(gen, q.fieldname, q.text).ids) else (None, False)
    if isinstance(q, NearForms):
        return near_forms_ranking(q, gen), False
    if isinstance(q, wq.Or) and len(q.subqueries) > MAX_RANKED_EXPANSION and all(
            isinstance(sub, wq.Term) and sub.fieldname == "exact" for sub in q.subqueries):
        # A broad prefix/wildcard term: rank by its most frequent expansions only (a union
        # of hundreds of posting lists is the slowest path); documents that only the rarer
        # expansions match are listed after the ranked ones (see search._fill_unscored).
        best = sorted(q.subqueries, key=lambda t: -len(postings(gen, t.fieldname, t.text).ids))
        return wq.Or(best[:MAX_RANKED_EXPANSION], boost=q.boost), False
    if isinstance(q, (wq.And, wq.Or)):
        subs, broader, changed = [], False, False
        for sub in q.subqueries:
            if isinstance(q, wq.And) and isinstance(sub, wq.Phrase):
                broader = changed = True
                continue
            ranked, b = ranking_query(sub, gen)
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
        positive, _ = ranking_query(q.a, gen)
        return positive, True
    if isinstance(q, wq.Every):
        return None, False
    return q, False


def near_forms_ranking(q: NearForms, gen: Generation) -> wq.Query | None:
    """A fuzzy term's words as they are ranked: the closest (then the most frequent) of those the
    index holds, at most ``MAX_RANKED_EXPANSION``, each scored with the idf of the most frequent of
    them -- Lucene's "blended" document frequency (TopTermsBlendedFreqScoringRewrite, FuzzyQuery's
    default): otherwise the rarest word has the highest idf, and "secretariat" (357 units at 10k)
    outranks "secretaria" (1,802) for ``secretaria~1`` whatever its closeness. The idf is carried
    in each term's boost (closeness x blended idf / own idf), so Whoosh's collector scores the
    query as ``scores`` does."""
    found = [(sub, len(postings(gen, sub.fieldname, sub.text).ids)) for sub in q.subqueries]
    kept = [sub for sub, count in sorted(found, key=lambda f: (-f[0].boost, -f[1])) if count][:MAX_RANKED_EXPANSION]
    if not kept:
        return None
    idfs = [term_idf(gen, sub.fieldname, sub.text) for sub in kept]
    blended = min(idfs)
    terms = [wq.Term(sub.fieldname, sub.text, boost=sub.boost * blended / idf) for sub, idf in zip(kept, idfs)]
    if len(terms) == 1 and q.boost == 1.0:
        return terms[0]
    return wq.Or(terms, boost=q.boost)
