"""The OpenAPI patterns for filters typed in ``q`` (año:2008, pais:honduras): a filter needs a value.

The query parser (index.query) refuses ``año:`` with nothing after it, ``pais:""``, and a year filter whose
value is not a year or a range (``año:abc``). Those queries have words, so the document's other rules let
them through, and schemathesis then sees a schema-valid request answered 400 (``q=ANŐ:`` with seed 9:
"ANŐ" folds to the filter name "ano"). These patterns describe the refusal; the API applies them before
searching (web.api.QueryRules), so the document and the answer agree both ways.

They are built when the document is served, from the parser's own table of filter names
(index.query.FIELD_ALIASES) and the archive's folding (fold), so neither is copied into the document. A
pattern matches a filter the parser may refuse: it refuses a little more than the parser (``"año:"`` inside
a phrase, ``pais:😀``), never less -- except for names spelled outside the Latin letters the document's
word rule knows (Greek, mathematical letters), which the parser's own 400 still answers.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from index import fold
from index.query import QUOTES, FIELD_ALIASES

# The document's word characters (web/openapi.json, q): ASCII letters and digits, Latin-1 and Latin Extended-A.
LATIN = "".join(chr(c) for c in (*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B), 0xAA, 0xB5, 0xBA,
                                 *range(0xC0, 0xD7), *range(0xD8, 0xF7), *range(0xF8, 0x180)))
# Whitespace that certainly ends a value (Python's, the document's "blank" characters), brackets and quotes.
ENDS = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000()\\[\\]{}"
YEAR_SEPARATOR = r"(?:\.\.|[-\u2013/:])"
# A year value the parser reads (index.query.parse_year_range), in ASCII digits: 2008, 2008..2014, 2010.., ..2014.
YEAR_VALUE = rf"(?:[0-9]{{4}}(?:{YEAR_SEPARATOR}(?:[0-9]{{4}})?)?|{YEAR_SEPARATOR}[0-9]{{4}})"
QUOTED_YEAR_VALUE = rf"(?:[0-9]{{4}}(?:[ \t]*{YEAR_SEPARATOR}[ \t]*(?:[0-9]{{4}})?)?|{YEAR_SEPARATOR}[ \t]*[0-9]{{4}})"
# Characters that certainly fold to something and keep a value going: Latin letters and digits, ASCII punctuation.
VALUE_CHARS = LATIN + "!#$%&'*+,-./:;<=>?@\\^_`|~"


def _class(chars: str) -> str:
    """The body of a character class holding ``chars``, consecutive code points written as ranges."""
    def one(ch: str) -> str:
        return "\\" + ch if ch in "\\]^-[" else ch
    points, parts = sorted(set(map(ord, chars))), []
    start = previous = None
    for point in [*points, None]:
        if point is not None and previous is not None and point == previous + 1:
            previous = point
            continue
        if start is not None:
            parts.append(one(chr(start)) if start == previous else
                         f"{one(chr(start))}{'-' if previous > start + 1 else ''}{one(chr(previous))}")
        start = previous = point
    return "".join(parts)


@cache
def _invisible() -> str:
    """Format characters (bidi marks, zero-width spaces): the parser removes them, wherever they are."""
    return _class("".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"))


def _name(alias: str) -> str:
    """A filter name in any case and accents, e.g. "ano" -> año, AÑO, ANŐ, and invisible characters between."""
    letters = (f"[{_class(''.join(ch for ch in LATIN if fold(ch) == letter))}]" for letter in alias)
    return f"[{_invisible()}]*".join(letters)


def _names(field: str | None, other_than: str | None = None) -> str:
    aliases = sorted((a for a, f in FIELD_ALIASES.items() if (f == field if field else f != other_than)),
                     key=lambda a: (-len(a), a))
    return "(?:" + "|".join(_name(a) for a in aliases) + ")"


def _start() -> str:
    # What may come before a name: the start, or anything but a word or an invisible character.
    return f"(?:^|[^{_class(LATIN)}{_invisible()}])"


@cache
def year_without_a_year() -> str:
    """``año:``, ``año:abc``, ``año:""``: a year filter whose value is not a year or a range."""
    quotes, invisible = _class(QUOTES), _invisible()
    return (f"{_start()}[{invisible}]*{_names('year')}[{invisible}]*:(?![{invisible}]*"
            f"(?:{YEAR_VALUE}(?:[{ENDS}{quotes}]|$)|[{quotes}][ \t]*{QUOTED_YEAR_VALUE}[ \t]*(?:[{quotes}]|$)))")


@cache
def filter_without_a_value() -> str:
    """``pais:``, ``cuerpo:" "``: another filter with no value after its colon."""
    quotes, invisible = _class(QUOTES), _invisible()
    return (f"{_start()}[{invisible}]*{_names(None, other_than='year')}[{invisible}]*:(?![{invisible}]*"
            f"(?:[{_class(VALUE_CHARS)}]|[{quotes}][^{quotes}]*[{_class(LATIN)}]))")
