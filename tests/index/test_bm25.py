"""Our BM25 (index.bm25) against Whoosh's own scorer and collector."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.bm25 import ranking_query, top
from index.compiler import compile_query
from index.expansion import expand_query
from index.query import parse_query
from index.search import SearchQuery

RANKED_QUERIES = ["trata", "migrantes", "trata personas", "trata OR migrantes", "red regional", "migra*",
                  "unodd~", '"trata de personas"', '"red regional de organizaciones civiles"', "pro-tempore",
                  "(trata OR tráfico) personas", "RROCM -sociedad", "países miembros año:2008..2014", "de la"]


@pytest.mark.parametrize("text", RANKED_QUERIES)
def test_ranking_equals_whoosh_bm25(seed_index, text):
    """Our BM25 over the posting arrays gives Whoosh's scores and order (ties: lower docnum first)."""
    ours = seed_index.search(SearchQuery(text, per_page=200))
    gen = seed_index._current()
    # as the search does: glossary forms added (index.expansion)
    compiled, _marks = compile_query(gen.vocabulary, expand_query(parse_query(text), entity_field=True).parsed.node)
    ranking, _broader = ranking_query(compiled, gen)
    theirs = gen.searcher.search(ranking, limit=None)
    found = {(h.report_id, h.label) for h in ours.hits}
    expected = [((hit["report_id"], hit["label"]), hit.score) for hit in theirs
                if (hit["report_id"], hit["label"]) in found]
    assert ours.total > 0
    assert [(h.report_id, h.label) for h in ours.hits][:len(expected)] == [u for u, _s in expected]
    assert [h.score for h in ours.hits][:len(expected)] == pytest.approx([s for _u, s in expected], rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(scores=st.dictionaries(st.integers(0, 50_000), st.sampled_from([0.5, 1.0, 1.25, 2.0, 3.5]) | st.floats(0.01, 30),
                              min_size=0, max_size=4000),
       limit=st.integers(1, 60))
def test_top_n_equals_a_full_sort(scores, limit):
    expected = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    assert _top(scores, limit) == expected


@pytest.mark.parametrize("seed, size, distinct", [(1, 30_000, 5), (2, 30_000, 10_000), (3, 5_000, 3), (4, 90_000, 400)])
def test_top_n_on_large_score_sets_with_ties(seed, size, distinct):
    rng = random.Random(seed)
    values = [rng.random() * 10 for _ in range(distinct)]
    scores = {d: rng.choice(values) for d in rng.sample(range(size * 3), size)}
    for limit in (1, 20, 200):
        assert _top(scores, limit) == sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]



def _top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """``top`` of a {docnum: score} dict, given as the (sorted docset, scores) it takes."""
    docs = np.array(sorted(scores), dtype=np.int64)
    return top(docs, np.array([scores[d] for d in docs.tolist()], dtype=np.float64), limit)


@pytest.mark.parametrize("text", RANKED_QUERIES)
def test_few_matches_are_scored_as_the_arrays_score_them(seed_index, text):
    """The few-matches path (bm25.few_scores, Python floats) and the array path (bm25.scores) give
    the same documents and bit-identical scores: the seed index is small, so searches take the first."""
    from index.bm25 import few_scores, scores
    from index.matching import docnums

    gen = seed_index._current()
    compiled, _marks = compile_query(gen.vocabulary, expand_query(parse_query(text), entity_field=True).parsed.node)
    ranking, _broader = ranking_query(compiled, gen)
    matching = docnums(gen, compiled)
    few = few_scores(gen, ranking, matching)
    assert few is not None  # ranking queries are terms, ANDs and ORs: shapes it handles
    docs, values = scores(gen, ranking, matching)
    inside = np.isin(docs, matching)
    assert few == dict(zip(docs[inside].tolist(), values[inside].tolist()))
    assert few  # every query of the list matches the seed reports
