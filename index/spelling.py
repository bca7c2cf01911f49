"""Spelling: "did you mean" -- each word the index does not know replaced by its most frequent
neighbour within one (or, for longer words, two) edits in the folded vocabulary."""

from __future__ import annotations

from itertools import islice

from index.analysis import SPANISH_STOP_WORDS, stem_english, stem_spanish
from index.generation import Generation
from index.postings import postings
from index.query import ParsedQuery

MAX_CANDIDATES = 1000  # vocabulary words looked at per distance


def suggestion(gen: Generation, parsed: ParsedQuery, known: frozenset[str] = frozenset()) -> str | None:
    """The full query text with its unknown words corrected, or None if nothing to correct.
    ``known``: words to leave as they are although the index lacks them (a glossary form that
    matched through its entity: "USA" finds the units that say "Estados Unidos", not "una")."""
    replacements: list[tuple[tuple[int, int], str]] = []
    for word in parsed.words:
        w = word.text
        if w in SPANISH_STOP_WORDS or w.isdigit() or len(w) < 3 or w in known or not _is_unknown(gen, w):
            continue
        correction = _correct(gen, w)
        if correction:
            replacements.append((word.span, correction))
    if not replacements:
        return None
    text = parsed.cleaned
    for (start, end), correction in sorted(replacements, reverse=True):
        text = text[:start] + correction + text[end:]
    return text


def _is_unknown(gen: Generation, word: str) -> bool:
    # The stems' postings were read to match the word: a word they hold is known, no lookup needed.
    if len(postings(gen, "text", stem_spanish(word)).ids) or len(postings(gen, "text_en", stem_english(word)).ids):
        return False
    return not (word in gen.vocabulary or gen.term_entries("text", stem_spanish(word))
                or gen.term_entries("text_en", stem_english(word)))


def _correct(gen: Generation, word: str) -> str | None:
    """The most frequent word within one edit (two for a word of five letters or more) that shares
    its first letter; of ``MAX_CANDIDATES`` at most, in vocabulary order."""
    for distance in (1, 2) if len(word) > 4 else (1,):
        candidates = [c for c in islice(gen.vocabulary.within(word, distance, prefix=1), MAX_CANDIDATES)
                      if c != word and not c.isdigit()]
        if candidates:
            return max(candidates, key=lambda c: gen.doc_frequency("exact", c))
    return None
