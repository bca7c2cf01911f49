"""The archive's one folding rule: ``unidecode`` transliteration + lower case.

"Secretaría" -> "secretaria", "MIGRACIÓN" -> "migracion", "niñez" -> "ninez" (ñ folds to n like every
other diacritic, so "niñez"/"ninez" and "año"/"ano" find each other; the cost, a few collisions such as
año/ano and peña/pena, is documented in index/analysis.py).

Two forms of the same rule, defined here once and nowhere else:

* ``fold`` — for comparing words: the index analyzers, the query parser, the highlighter, the speller.
* ``fold_in_place`` — the same rule applied character by character so the result keeps the length of the
  original: a regex match on the folded text can be sliced out of the original, which is how the metadata
  readers return names "as written". A character whose transliteration is longer than one character
  ("°" -> "deg") is kept as it is, lower-cased; dashes fold to "-".
tests/test_folding.py checks that the two agree on report text without such characters (an em dash
is "--" for ``fold`` and "-" in place).
"""

from __future__ import annotations

from unidecode import unidecode

# Characters whose unidecode form is longer than one character but which must fold to one character
# so that folded text keeps the offsets of the original.
_ONE_CHAR_FOLDS = {"\u2014": "-", "\u2015": "-", "\u2012": "-", "\u2212": "-"}


def fold(text: str) -> str:
    """Transliterate to ASCII and lower-case: THE folding function for comparing words."""
    if text.isascii():
        return text.lower()
    return unidecode(text).lower()


def fold_in_place(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with exactly the same length (see the module doc)."""
    if text.isascii():
        return text.lower()
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        folded = _ONE_CHAR_FOLDS.get(ch) or unidecode(ch)
        if len(folded) == 1:
            out.append(folded.lower())
        else:
            low = ch.lower()
            out.append(low if len(low) == 1 else ch)
    return "".join(out)
