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



@pytest.mark.parametrize("text", ["USA", "Méjico"])
def test_a_glossary_form_that_found_its_entity_is_not_corrected(seed_index, text):
    """"USA" is no word of the index, but the glossary found the units of its entity with it: it is
    not "una" misspelled."""
    result = seed_index.search(SearchQuery(text))
    assert result.total > 0 and result.expansions
    assert result.suggestion is None


@pytest.mark.parametrize("query", [
    SearchQuery("migrantez", year_from=1900, year_to=1901),  # the correction finds nothing in those years
    SearchQuery("migrantez año:1900"),
    SearchQuery("protecion consular"),  # each word corrected alone, nothing holds both
])
def test_a_correction_is_offered_only_if_it_finds_something(seed_index, query):
    result = seed_index.search(query)
    assert result.total == 0
    assert result.suggestion is None


def test_the_correction_keeps_the_filters_it_is_checked_with(seed_index):
    query = SearchQuery("migrantez", year_from=2000, year_to=2030)
    result = seed_index.search(query)
    assert result.suggestion == "migrantes"
    assert seed_index.search(SearchQuery(result.suggestion, year_from=2000, year_to=2030)).total > 0
