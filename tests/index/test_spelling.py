"""Did you mean (index.spelling)."""

from __future__ import annotations

import pytest

from index.search import SearchQuery

@pytest.mark.parametrize("text, suggestion", [
    ("migrantez", "migrantes"),
    ("rrcom", "rrocm"),
    ("trata migrantez", "trata migrantes"),
    ("secretaria", None),
])
def test_did_you_mean(seed_index, text, suggestion):
    assert seed_index.search(SearchQuery(text)).suggestion == suggestion

