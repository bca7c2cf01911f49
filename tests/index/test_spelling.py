"""Did you mean (index.spelling)."""

from __future__ import annotations

from datetime import date

import pytest

from index import spelling
from index.generation import Generation
from index.search import AgreementIndex, SearchQuery
from tests.index.conftest import _report, units

@pytest.mark.parametrize("text, suggestion", [
    ("migrantez", "migrantes"),
    ("rrcom", "rrocm"),
    ("trata migrantez", "trata migrantes"),
    ("secretaria", None),
    ("protecion", "protección"),  # as the reports write it, not folded ("proteccion")
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


@pytest.fixture(scope="module")
def consular_index(tmp_path_factory):
    """"protección consular" written three ways: without its accent first (an OCR'd unit), then
    twice with it, once in capitals."""
    text = ("1. Proteccion consular a los nacionales en el exterior.\n"
            "2. Fortalecer la protección consular de las personas migrantes.\n"
            "3. LA PROTECCIÓN CONSULAR EN LA REGIÓN.\n"
            "4. Reforzar la protección consular en frontera.\n")
    ix = AgreementIndex(tmp_path_factory.mktemp("consular"))
    ix.update([_report("consular", text, "es", date(2013, 4, 1), None, None, "grcm", "GRCM", sha="c")])
    yield ix
    ix.close()


@pytest.mark.parametrize("text, suggestion", [
    ("protecion consular", "protección consular"),  # the most frequent written form, lower-cased
    ("Protecion consular", "Protección consular"),  # in the case pattern the user typed
    ("PROTECION CONSULAR", "PROTECCIÓN CONSULAR"),
    ("protecion Cónsular", "protección Cónsular"),  # a word the index knows stays exactly as typed
])
def test_a_correction_is_shown_as_the_archive_writes_it(consular_index, text, suggestion):
    result = consular_index.search(SearchQuery(text))
    assert result.total == 0
    assert result.suggestion == suggestion
    # The suggestion is a link the UI runs: it finds what the folded correction finds.
    found = consular_index.search(SearchQuery(suggestion, per_page=50))
    folded = consular_index.search(SearchQuery("proteccion consular", per_page=50))
    assert found.total == folded.total == 4 and units(found) == units(folded)


def test_the_written_form_is_read_from_a_few_units_only(consular_index, monkeypatch):
    read = []
    stored_values = Generation.stored_values
    monkeypatch.setattr(Generation, "stored_values", lambda gen, docnum: read.append(docnum) or stored_values(gen, docnum))
    monkeypatch.setattr(spelling, "MAX_UNITS_READ", 1)
    # Read all, the units would say "protección"; the first alone writes it without its accent.
    assert consular_index.search(SearchQuery("protecione")).suggestion == "proteccion"
    assert len(read) == 1
