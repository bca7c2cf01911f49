"""The vocabulary: the folded words of a whole generation (the ``exact`` field's terms), sorted in
memory, for the query steps that look for words rather than look words up -- prefixes and
wildcards (``migra*``), fuzzy terms (``migrantez~1``) and "did you mean" (``index.spelling``).

Whoosh answers these segment by segment, seeking in each segment's term file: "within k edits"
steps a Levenshtein automaton over the terms, and each of its ~40 seeks is a binary search of
Python struct reads (``closest_key_pos``), the automaton rebuilt for every segment. Here the
automaton is Whoosh's own (``whoosh.automata.lev``, the same words), built once per query term,
and a seek is a ``bisect`` in C: a fuzzy term's expansion at 100k units went from 2-3 ms to ~0.5 ms
(``bench/RESULTS.md``, issue 12, round 5). The terms are those of the term tables, as Whoosh's
(a word of deleted documents only is still listed until a merge drops it).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

FIELD = "exact"  # folded, unstemmed words (index.schema)


class Vocabulary:
    """A sorted, distinct list of words with prefix and edit-distance searches over it."""

    __slots__ = ("_words",)

    def __init__(self, words: Iterable[str]):
        self._words = sorted(set(words))

    def __contains__(self, word: str) -> bool:
        i = bisect_left(self._words, word)
        return i < len(self._words) and self._words[i] == word

    def with_prefix(self, prefix: str) -> Iterator[str]:
        """The words that start with ``prefix``, in order (all of them for "")."""
        words = self._words
        for i in range(bisect_left(words, prefix), len(words)):
            word = words[i]
            if not word.startswith(prefix):
                return
            yield word

    def within(self, word: str, distance: int, prefix: int = 1) -> Iterator[str]:
        """The words at most ``distance`` insertions, deletions or substitutions away from ``word``
        that share its first ``prefix`` letters, in order (Whoosh's ``terms_within``, whole
        generation at once)."""
        automaton = levenshtein_automaton(word, distance, min(prefix, len(word))).to_dfa()
        return find_all_matches(automaton, self._first_from)

    def _first_from(self, key: str) -> str | None:
        """The first word >= ``key`` (the automaton's seek)."""
        i = bisect_left(self._words, key)
        return self._words[i] if i < len(self._words) else None


def closeness(word: str, form: str, distance: int) -> float:
    """How close ``form`` -- a word ``within(word, distance)`` found -- is to the typed ``word``, as
    the boost of its term: 1 - edits / (the longer word's length), so 1 for the word itself and less
    for each edit, an edit weighing more in a short word than in a long one (Lucene's FuzzyQuery
    scales by 1 - edits / the shorter length; over the longer one the boost never reaches 0: two
    words with the same first letter are at most the longer one's length less one edits apart)."""
    return 1.0 - edits(word, form, distance) / max(len(word), len(form))


def edits(word: str, form: str, distance: int) -> int:
    """The edit distance of ``word`` and ``form``, a word at most ``distance`` edits away: 0, 1, or
    else ``distance`` -- exact up to 2, the parser's maximum (``query.MAX_FUZZY_DISTANCE``), without
    the quadratic table of a general Levenshtein distance (~50 us a word in Python; this ~2 us)."""
    if word == form:
        return 0
    if len(word) == len(form):
        return 1 if sum(a != b for a, b in zip(word, form)) == 1 else distance
    short, long = (word, form) if len(word) < len(form) else (form, word)
    if len(long) - len(short) == 1:  # one insertion: the rest after the first difference agrees
        i = next((i for i, (a, b) in enumerate(zip(short, long)) if a != b), len(short))
        if short[i:] == long[i + 1:]:
            return 1
    return distance


def term_text(term) -> str:
    """A term as Whoosh's lexicons give it (bytes or text) as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term
