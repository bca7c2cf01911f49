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
