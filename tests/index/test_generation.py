"""The per-generation state (index.generation): caches bounded, results independent of them."""

from __future__ import annotations

import index.generation as generation_module

from tests.index.conftest import search

def test_posting_cache_is_bounded_by_postings_and_results_do_not_depend_on_it(seed_index, monkeypatch):
    texts = ["trata", "migrantes", "red regional", '"trata de personas"', "migra*"]
    uncached = [search(seed_index, t) for t in texts]
    monkeypatch.setattr(generation_module, "TERM_CACHE_POSTINGS", 5)
    seed_index._results.clear()
    gen = seed_index._current()
    gen.term_cache.clear()
    assert [search(seed_index, t) for t in texts] == uncached
    assert sum(len(p.ids) for p in gen.term_cache.values()) <= 5 or len(gen.term_cache) == 1


def test_warm_opens_the_generation_before_the_first_search(tmp_path):
    from index.search import AgreementIndex
    from tests.index.conftest import seed_reports

    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update(seed_reports())
        ix.close()
    with AgreementIndex(tmp_path / "ix") as ix:
        assert ix._generation is None
        ix.warm()
        gen = ix._generation
        assert gen is not None and gen._lengths  # searcher, columns and length statistics loaded
        search(ix, "trata")
        assert ix._generation is gen  # the first search used it
