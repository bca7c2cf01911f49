"""Spelling: "did you mean" -- each word the index does not know replaced by its most frequent
neighbour within one (or, for longer words, two) edits in the folded vocabulary."""

from __future__ import annotations

from itertools import islice

from index.analysis import SPANISH_STOP_WORDS, stem_english, stem_spanish
from index.compiler import term_text
from index.generation import Generation
from index.postings import postings
from index.query import ParsedQuery

MAX_CANDIDATES = 1000  # vocabulary words looked at per distance and segment


def suggestion(gen: Generation, parsed: ParsedQuery) -> str | None:
    """The full query text with its unknown words corrected, or None if nothing to correct."""
    reader = gen.reader
    replacements: list[tuple[tuple[int, int], str]] = []
    for word in parsed.words:
        w = word.text
        if w in SPANISH_STOP_WORDS or w.isdigit() or len(w) < 3 or not _is_unknown(gen, w):
            continue
        correction = _correct(reader, w)
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
    reader = gen.reader
    return (reader.doc_frequency("exact", word) == 0
            and reader.doc_frequency("text", stem_spanish(word)) == 0
            and reader.doc_frequency("text_en", stem_english(word)) == 0)


def _correct(reader, word: str) -> str | None:
    for distance in (1, 2) if len(word) > 4 else (1,):
        candidates: set[str] = set()
        for leaf, _base in reader.leaf_readers():
            candidates.update(term_text(t) for t in islice(
                leaf.terms_within("exact", word, distance, prefix=1), MAX_CANDIDATES))
        candidates.discard(word)
        candidates = {c for c in candidates if not c.isdigit()}
        if candidates:
            return max(sorted(candidates), key=lambda c: reader.doc_frequency("exact", c))
    return None
