"""Our BM25 (index.bm25) against Whoosh's own scorer and collector."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.bm25 import MAX_RANKED_EXPANSION, ranking_query, top
from index.compiler import compile_query
from index.expansion import expand_query
from index.query import parse_query
from index.search import AgreementIndex, SearchQuery
from tests.index.conftest import _report, search, units

RANKED_QUERIES = ["trata", "migrantes", "trata personas", "trata OR migrantes", "red regional", "migra*",
                  "unodd~", "Secretaria~1", "secretaria~2 técnica", '"trata de personas"',
                  '"red regional de organizaciones civiles"', "pro-tempore",
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


# -- fuzzy terms: the typed word before its near forms --------------------------------------------


def test_a_fuzzy_term_ranks_the_word_as_typed_above_a_rarer_near_form(seed_index):
    """The new-user trial: ``Secretaria~1`` ranked the unit with English "Secretariat" (one edit
    away, and rarer: a higher idf) above the one that writes exactly "Secretaría"."""
    ranked = [(h.report_id, h.label) for h in search(seed_index, "Secretaria~1").hits]
    assert ranked.index(("mexico2011", "4")) < ranked.index(("ottawa2010", "1"))
    assert search(seed_index, "secretariat~1").hits[0].report_id == "ottawa2010"  # and the other way round


def _index_of(tmp_path, lines: list[str]) -> AgreementIndex:
    ix = AgreementIndex(tmp_path / "ix")
    text = "".join(f"{n}. {line}\n" for n, line in enumerate(lines, 1))
    ix.update([_report("informes", text, "es", date(2012, 1, 1), None, None, "grcm", "GRCM", sha="f")])
    return ix


def test_fuzzy_matches_rank_by_edit_distance_all_else_equal(tmp_path):
    """Units alike but for the word: the exact form (the most frequent, so the lowest idf) first,
    then the forms one edit away, then two; the matches are those of the words' OR."""
    lines = ["La informal fue aprobada."] + ["La informes fue aprobada."] * 2 + ["La informe fue aprobada."] * 3
    with _index_of(tmp_path, lines) as ix:
        result = search(ix, "informe~2")
        assert [h.label for h in result.hits] == ["4", "5", "6", "2", "3", "1"]
        assert result.hits[0].score > result.hits[3].score > result.hits[5].score > 0
        words = search(ix, '"informe" OR "informes" OR "informal"')
        assert result.total == words.total == 6 and units(result) == units(words)


def test_a_broad_fuzzy_term_ranks_its_closest_forms_not_its_most_frequent(tmp_path):
    """More near forms than are ranked (``MAX_RANKED_EXPANSION``), each more frequent than the
    typed word: the typed word is still ranked (first), not listed unscored after them."""
    forms = [f"karto{letter}" for letter in "abcdefghijklmnopqrstu"]
    assert len(forms) > MAX_RANKED_EXPANSION
    lines = [f"Se revisó el {form} hoy." for form in forms for _twice in (1, 2)] + ["Se revisó el karto hoy."]
    with _index_of(tmp_path, lines) as ix:
        result = search(ix, "karto~1")
        assert result.total == len(lines)
        assert result.hits[0].label == str(len(lines)) and result.hits[0].score > result.hits[1].score
