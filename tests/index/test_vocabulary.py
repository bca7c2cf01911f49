"""The vocabulary (index.vocabulary): the same words as Whoosh's segment-by-segment prefix and
edit-distance searches, from one sorted list."""

from __future__ import annotations

from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.generation import TERMS_LOOKED_UP
from index.query import MAX_FUZZY_DISTANCE
from index.search import AgreementIndex
from index.vocabulary import FIELD, Vocabulary, closeness, edits, term_text


def levenshtein(a: str, b: str) -> int:
    """Insertions, deletions and substitutions (no transpositions), as Whoosh's automaton counts."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


WORDS = st.lists(st.text(alphabet="abcdeñé1", min_size=1, max_size=7), max_size=60)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, word=st.text(alphabet="abcdeñé1", min_size=1, max_size=7), distance=st.integers(1, 2))
def test_within_is_every_word_that_many_edits_away_with_the_same_first_letter(words, word, distance):
    expected = [w for w in sorted(set(words)) if w[0] == word[0] and levenshtein(w, word) <= distance]
    assert list(Vocabulary(words).within(word, distance, prefix=1)) == expected


@settings(max_examples=200, deadline=None)
@given(words=WORDS, word=st.text(alphabet="abcdeñé1", min_size=1, max_size=7),
       distance=st.integers(1, MAX_FUZZY_DISTANCE))
def test_edits_and_closeness_of_the_words_within_reach(words, word, distance):
    """``edits`` is the edit distance of every word a fuzzy term reaches (the parser's distances);
    ``closeness``, the boost of its term, is 1 for the word itself, less the more edits, never 0."""
    for form in Vocabulary(words).within(word, distance, prefix=1):
        assert edits(word, form, distance) == levenshtein(word, form)
        assert closeness(word, form, distance) == 1 - levenshtein(word, form) / max(len(word), len(form))
        assert 0 < closeness(word, form, distance) <= 1
        assert (closeness(word, form, distance) == 1) == (form == word)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, prefix=st.text(alphabet="abcdeñé1", max_size=3))
def test_with_prefix_is_every_word_that_starts_with_it_in_order(words, prefix):
    vocabulary = Vocabulary(words)
    assert list(vocabulary.with_prefix(prefix)) == [w for w in sorted(set(words)) if w.startswith(prefix)]
    assert all(w in vocabulary for w in words)
    assert (prefix + "\x00" in vocabulary) is False


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory, all_reports):
    """An index of two segments with a deletion: the vocabulary spans segments as Whoosh's reader does."""
    ix = AgreementIndex(tmp_path_factory.mktemp("segmented"))
    half = len(all_reports) // 2
    ix.update(all_reports[:half])
    ix.update(all_reports[half:])
    ix.remove([all_reports[0].id])
    yield ix
    ix.close()


def test_the_vocabulary_is_the_words_whoosh_lists_and_finds(segmented_index):
    gen = segmented_index._current()
    reader = gen.reader
    assert len(list(reader.leaf_readers())) >= 2, "the test needs several segments"
    assert FIELD not in TERMS_LOOKED_UP  # the vocabulary is read from the term directory
    vocabulary = gen.vocabulary
    assert list(vocabulary.with_prefix("")) == [term_text(t) for t in reader.lexicon(FIELD)]
    words = list(vocabulary.with_prefix(""))
    probes = words[::max(1, len(words) // 150)] + ["migrantez", "secretria", "protecion", "rrocn", "paises"]
    for word in probes:
        for prefix in (word[:1], word[:3]):
            assert list(vocabulary.with_prefix(prefix)) == [term_text(t) for t in reader.expand_prefix(FIELD, prefix)]
        for distance in (1, 2):
            theirs = set()
            for leaf, _base in reader.leaf_readers():
                theirs.update(term_text(t) for t in leaf.terms_within(FIELD, word, distance, prefix=1))
            assert list(vocabulary.within(word, distance, prefix=1)) == sorted(theirs), (word, distance)


def test_doc_frequency_is_whooshs(segmented_index):
    gen = segmented_index._current()
    words = list(islice(gen.vocabulary.with_prefix(""), 0, None, 7))
    assert words
    for word in words:
        assert gen.doc_frequency(FIELD, word) == gen.reader.doc_frequency(FIELD, word)
    assert gen.doc_frequency(FIELD, "zzzqx") == 0
