"""Phrases (index.phrases): the check on word-pair positions equals a scan of the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Agreement
from index.analysis import iter_word_tokens, strip_list_marker
from index.phrases import verify_phrase
from index.search import AgreementIndex

from tests.index.conftest import _report, search, units

_PHRASE_WORDS = st.sampled_from("la de trata personas red regional organizaciones civiles migracion "
                                "y el tecnica secretaria pro tempore los paises miembros".split())


def test_long_phrase_checks_positions(seed_index):
    found = units(search(seed_index, '"red regional de organizaciones civiles"'))
    assert found == {("managua2014", "5"), ("tela2008", "3"), ("sinfecha", "1")}
    assert search(seed_index, '"red regional de organizaciones migraciones"').total == 0


def _plain_words(text: str) -> list[str]:
    return [t for t, _p, _s, _e, joined in iter_word_tokens(strip_list_marker(text)) if not joined]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(_PHRASE_WORDS, min_size=2, max_size=5))
def test_phrase_check_on_pair_positions_equals_a_scan_of_the_text(seed_index, words):
    gen = seed_index._current()
    found = set(verify_phrase(gen, words, None).tolist())
    n = len(words)
    expected = set()
    for docnum in gen.live.tolist():
        plain = _plain_words(gen.searcher.stored_fields(docnum)["exact"])
        if any(plain[i:i + n] == words for i in range(len(plain) - n + 1)):
            expected.add(docnum)
    assert found == expected


def test_phrase_check_finds_the_seed_phrases(seed_index):
    gen = seed_index._current()
    for phrase in (["red", "regional", "de", "organizaciones"], ["trata", "de", "personas"]):
        assert len(verify_phrase(gen, phrase, None)), phrase


def test_quoted_single_word_is_the_exact_unstemmed_word(tmp_path):
    report = _report("r2010", "", "es", None, None, None, "red", "Red", agreements=(
        Agreement("1", "Los migrantes llegaron a la frontera."),
        Agreement("2", "El migrante llegó a la frontera."),
        Agreement("3", "La migración regular."),
    ))
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update([report])
        assert {h.label for h in search(ix, '"migrantes"').hits} == {"1"}
        assert {h.label for h in search(ix, '"Migrante"').hits} == {"2"}
        assert {h.label for h in search(ix, "migrantes").hits} == {"1", "2"}
        hit = search(ix, '"migrantes"').hits[0]
        assert "<mark>migrantes</mark>" in hit.snippet

