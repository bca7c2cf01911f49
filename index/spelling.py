"""Spelling: "did you mean" -- each word the index does not know replaced by its most frequent
neighbour within one (or, for longer words, two) edits in the folded vocabulary, shown as the
archive writes it ("protecion" -> "protección", not the folded "proteccion")."""

from __future__ import annotations

from collections import Counter
from itertools import islice

from index.analysis import SPANISH_STOP_WORDS, fold, iter_word_tokens, stem_english, stem_spanish
from index.generation import Generation
from index.postings import postings
from index.query import ParsedQuery
from index.schema import STORED_FIELDS
from index.vocabulary import FIELD

MAX_CANDIDATES = 1000  # vocabulary words looked at per distance
MAX_UNITS_READ = 5  # units whose text is read for a correction's written form
_TEXT = STORED_FIELDS.index(FIELD)  # the unit's original text is stored in the vocabulary's field


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
            start, end = word.span
            replacements.append((word.span, _cased_like(parsed.cleaned[start:end], _as_written(gen, correction))))
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


def _as_written(gen: Generation, word: str) -> str:
    """A folded word of the vocabulary as the archive writes it, lower-cased: its most frequent
    form in the first ``MAX_UNITS_READ`` units that hold it ("protección", not "proteccion"; a few
    units, so a correction costs a few short texts tokenised -- ~90 us at 10k units -- not a scan
    of the word's postings).
    The form folds to ``word``, so the suggestion finds what ``word`` finds; ``word`` itself when
    no unit writes it as one word (a hyphenated word's joined form: "protempore")."""
    forms: Counter[str] = Counter()
    for docnum in postings(gen, FIELD, word).ids[:MAX_UNITS_READ].tolist():
        text = gen.stored_values(docnum)[_TEXT] or ""
        for token, _position, start, end, joined in iter_word_tokens(text):
            if token == word and not joined and fold(text[start:end]) == word:
                forms[text[start:end].lower()] += 1
    return forms.most_common(1)[0][0] if forms else word


def _cased_like(typed: str, written: str) -> str:
    """``written`` in the case pattern of the word the user ``typed``: ALL CAPS, Capitalised or lower."""
    if typed.isupper():
        return written.upper()
    if typed[:1].isupper():
        return written[:1].upper() + written[1:]
    return written
