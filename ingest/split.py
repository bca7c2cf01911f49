"""Split a report's text into agreement units: preamble, numbered points, sub-points and bullet items.

Shape: a **tokenizer** finds *candidate* markers ("2.", "b)", "(iii)", "•", "- ") at places where a
marker can stand (line start, or right after a sentence end / colon / semicolon, which is where they
end up when a list is flattened into one line), and a **sequencer** (a small state machine) accepts
only the candidates that continue the expected sequence: the next number, ``a`` or the next letter
of the current point, ``i`` or the next roman numeral of the current sub-point. Everything that is not
an accepted marker is text of the unit above it, so the units partition the text: nothing is lost or
duplicated (the property test in tests/ingest/test_split.py checks exactly that).

Why sequence logic and not a marker regex alone: CRM reports are full of things that look like
markers and are not ("27 de febrero de 2015.", "art. 3.", "24.11.2014", "la ST envía a. ...",
"a. m."), and flattened PDF/web text has no line starts to lean on. Requiring that "3." follows
"2." removes nearly all of them; the remaining checks (what precedes and follows a marker) remove
the rest.

Labels: ``preamble``, ``1``, ``2.a``, ``2.a.i``; bullets ``3-1`` (under point 3), ``2.a-1``; a sub-point
numbered as actas number them, "2.1", keeps its number: ``2.1`` (parent ``2``), ``2.1.a`` under it.
Points numbered with words at a line start ("PRIMERO:", "Segundo.-", "THIRD:", "ACUERDO No. 1", "Acuerdo 2:") are
points ``1``, ``2``, ``3``.
A section heading on its own lines between two points ("III. PRÓXIMA REUNIÓN") opens the unit after it.
Irregular numbering is kept, never dropped: a repeated number gets a suffix, ``3`` then ``3_2``
(an underscore, so the label still reads as "the second 3" and never as a sub-point or bullet);
a skipped number keeps its own number (``1``, ``3``). When a report numbers nothing but has a
lettered list, the letters are the top level (``a``, ``b``, ``b.i``).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from archive.models import PREAMBLE, Agreement
from ingest.bodies import ORDINAL, ordinal_value
from ingest.bullets import SYMBOL_BULLETS, UNMAPPED_BULLETS
from ingest.paragraphs import split_paragraphs
from ingest.places import fold_for_matching

log = logging.getLogger(__name__)

__all__ = ["split_agreements"]

# --------------------------------------------------------------------------------------------------
# Tokenizer: where a marker may stand, and what it looks like.
# --------------------------------------------------------------------------------------------------

# Horizontal space, including the no-break and thin spaces that Word and PDF exports leave around
# list markers.
_HSPACE = r"[ \t\r\u00a0\u2000-\u200b\u202f\u3000]"
# A line starts after a newline, or after a form feed/vertical tab (pdfminer ends each page with \f).
_LINE_BREAK = r"[\n\f\v\x1c-\x1e\x85\u2028\u2029]"
# Scanned pages put specks and rule fragments in the margin before a marker: "| 2.", "' 3.".
_MARGIN_JUNK = r"[|¦'`´‘’·_~°^]"
# The punctuation a marker may directly follow in running (flattened) text, optionally followed by a
# closing quote or bracket: "... de esta Red. 2. Respecto", "lo siguiente: a. Instar", "...\".  3."
_SENTENCE_END = r"[.:;!?]"
_CLOSING = r"[\"”»'’)\]]"
# Lowercase inline lists separate items with commas and close with a conjunction:
# "acuerdan: a) aprobar ...; b) instruir ..., y c) agradecer". Only the list-only "c)" form is
# believed there (see _Sequencer._placed).
_LIST_SEPARATOR = r"[,;]"
_CONJUNCTION = r"(?:y|e|o|u|and|or)"

# One candidate marker at an anchor. The token is deliberately loose ("Red." matches too); the
# sequencer decides what a token can mean ("2", "b", "iii", OCR "l" for "1") and drops the rest.
_ANCHORED_MARKER = re.compile(
    rf"""
    (?:
        (?P<line>(?:\A|(?<={_LINE_BREAK})){_HSPACE}*(?:{_MARGIN_JUNK}+{_HSPACE}*)?)
      | (?P<inline>(?:(?<={_SENTENCE_END})|(?<={_SENTENCE_END}{_CLOSING})|(?<=,)){_HSPACE}*)
      | (?P<conjunction>(?<={_LIST_SEPARATOR}){_HSPACE}+{_CONJUNCTION}{_HSPACE}+)
      | (?P<heading>(?<=[A-ZÁÉÍÓÚÑÜ][A-ZÁÉÍÓÚÑÜ]){_HSPACE}+)
    )
    (?P<marker>
        (?P<open>\()(?P<ptoken>[0-9A-Za-z]{{1,5}})[)}}\]]    # (a)  (iii)  (2); OCR: a brace for ")"
      | (?P<decimal>\d{{1,2}}\.\d{{1,2}}(?:\.\d{{1,2}})?)\.?(?:\ ?[-–])?(?={_HSPACE})  # 2.1  2.1.  2.1.-  2.1.3.: sub-points of 2
      | (?P<token>[0-9A-Za-z|]{{1,5}})
        (?P<close>
            \ ?\.(?:\ ?[-–])?          # 1.  1 .  (OCR)  1.-  1. -
          | \ ?[)}}\]]\.?(?:\ ?[-–])?  # 1)  a)   OCR: brace or bracket for ")"
          | \ ?[-–—](?={_HSPACE})      # 1 -  1–
        )
      | (?P<line_bullet>[-–—*{UNMAPPED_BULLETS}]|o)(?={_HSPACE})  # "- ", "* ", Word's "o "; "Ø ", "§ ": line start only
    )
    """,
    re.VERBOSE,
)

# A heading in capitals that a flattened text runs straight into its first point: "… ACUERDOS ADOPTADOS 1. …"
# (two capitalised words, or one of at least five letters, so "la OIM 2." is not one).
_CAPITALS_HEADING = re.compile(
    r"(?:(?<![\w])[A-ZÁÉÍÓÚÑÜ]{2,}[ \t]+[A-ZÁÉÍÓÚÑÜ]{2,}|(?<![\w])[A-ZÁÉÍÓÚÑÜ]{5,})[ \t\u00a0]+\Z"
)

# Bullet characters that never occur in prose, accepted anywhere (also mid-line in flattened text).
_SYMBOL_BULLET = re.compile(f"[{SYMBOL_BULLETS}]")

# Resolutions and actas number their points with words at a line start: "PRIMERO: Aprobar …", "Segundo.- Instar
# …", "DÉCIMO PRIMERO.", "FIRST: To approve …". The word is read by the ordinals of ingest.bodies.
_ORDINAL_WORD_MARKER = re.compile(
    rf"(?:\A|(?<={_LINE_BREAK})){_HSPACE}*(?P<marker>(?P<word>[A-ZÁÉÍÓÚ][A-Za-zÁÉÍÓÚáéíóú]+(?:[ -][A-Za-zÁÉÍÓÚáéíóú]+)?)"
    rf"{_HSPACE}?(?:[.:]-?|[-–—]|\)))(?={_HSPACE}|{_LINE_BREAK})"
)
_ORDINAL_RX = re.compile(ORDINAL)
# Points numbered as named agreements at a line start: "ACUERDO No. 1", "Acuerdo 2:", "ACUERDO N° 3.-", "Resolución 1.",
# "AGREEMENT No. 4", "Punto 1.", the text on the same line or the next. Read like the ordinal words: only a list numbered so
# from its first point and in sequence, so a line opening with "Acuerdo 3 de la XVIII Reunión ..." stays text.
_NAMED_NUMBER_MARKER = re.compile(
    rf"(?:\A|(?<={_LINE_BREAK})){_HSPACE}*(?P<marker>(?:acuerdo|agreement|resoluci[oó]n|resolution|decisi[oó]n|decision|punto|point)"
    rf"{_HSPACE}+(?:(?:n[o°º]|n[uú]m(?:ero)?|nro|number)\.?{_HSPACE}*)?(?P<number>\d{{1,3}})"
    rf"{_HSPACE}?(?:[.:]-?|[-–—]|\))?)(?={_HSPACE}|{_LINE_BREAK}|\Z)",
    re.IGNORECASE,
)


def _ordinal_word_value(word: str) -> int | None:
    """1 for "PRIMERO"/"Primera"/"FIRST", 11 for "DÉCIMO PRIMERO"; None for any other word (and for roman
    numerals and digits, which the main tokenizer reads)."""
    m = _ORDINAL_RX.fullmatch(fold_for_matching(word))
    if m is None or not (m.group("es") or m.group("en")):
        return None
    return ordinal_value(m, word)


# A page number between dashes on a line of its own ("- 3 -"), not a bullet.
_PAGE_NUMBER_LINE = re.compile(r"[-–—][ \t]*\d+[ \t]*[-–—]?[ \t]*(?:\n|\Z)")
# A line that is itself a bullet item (so an "o " line after it is one too).
_BULLET_LINE = re.compile(f"(?:o|[-–—*{SYMBOL_BULLETS}{UNMAPPED_BULLETS}])\\s")

# What follows a marker: the first character of the item, past any whitespace.
_FOLLOWING = re.compile(r"\s*(?P<first>\S)")
# "a. m.", "p. m.", "a. C.": the "marker" is the first half of an abbreviation.
_ABBREVIATION_AHEAD = re.compile(r"\s*\w{1,2}\.(?!\w)")
# Characters that start an item as well as an uppercase letter does: quotes, Spanish ¿ ¡, brackets.
_OPENING_PUNCT = "\"“«'‘¿¡([„"

# Abbreviations whose final period is not a sentence end: a number after them is a reference
# ("art. 3.", "No. 4.", "p. 3.", "Res. 2."), not a point.
_ABBREVIATIONS = frozenset(
    """art arts artº no nos nº n núm num nro p pp pág págs pag pags párr parr inc incs cap caps
    lit fracc frac sec secc vol res fig tel ej sr sra srta dr dra lic ing excmo para sect ch
    chap""".split()
)
# Words that, ending the previous line, make a line-start number a wrapped reference
# ("... según el artículo\n5. ...", "... la Ley\n8. ..."), or a continued phrase ("puntos 2 y\n3.").
_REFERENCE_WORDS = frozenset(
    """artículo articulo artículos articulos punto puntos numeral numerales inciso incisos
    resolución resolucion resoluciones ley leyes decreto decretos párrafo parrafo párrafos parrafos
    capítulo capitulo sección seccion anexo anexos página pagina páginas paginas número numero
    núm num no tomo volumen fracción fraccion literal recomendación recomendacion
    article articles section sections paragraph paragraphs point points item items resolution
    resolutions law laws page pages chapter chapters annex annexes number recommendation
    y e o u al del hasta entre and or to through de""".split()
)


@dataclass(frozen=True)
class _Candidate:
    """A place that looks like a marker; the sequencer decides whether it is one."""

    start: int  # offset of the marker's first character (the digit, letter, "(" or bullet)
    end: int  # offset just after the marker
    token: str  # "2", "b", "iii", "l" (OCR for 1); "" for bullets
    bullet: str  # the bullet character, "" for numbered/lettered markers
    parenthesized: bool  # "(a)" or "a)": a list-only form, rarely prose
    at_line_start: bool
    after: str  # the punctuation an inline marker follows ("" at line start, "y" after "; y")
    glued: bool  # no space between that punctuation and the marker ("Red.2.")
    follow: str  # "upper" | "lower" | "digit" | "other": how the item's first word starts
    after_reference: bool  # preceded by "art.", "No.", "artículo\n", ...
    dotted_number: bool  # "1.5." / "2.1": a decimal or section number, not a marker
    decimal: tuple[int, ...] | None = None  # "2.1 Agradecer": (2, 1), a sub-point numbered under point 2; "2.1.3": (2, 1, 3)
    ordinal_word: bool = False  # "SEGUNDO:", "ACUERDO No. 2" (token "2"): a point numbered with words


def _classify_following(text: str, end: int) -> str:
    """How the text after a marker starts: an item starts with an uppercase-ish word."""
    m = _FOLLOWING.match(text, end)
    if m is None:
        return "other"  # nothing after the marker
    first = m.group("first")
    if first.isupper() or first in _OPENING_PUNCT:
        return "upper"
    if first.isalpha():
        if _ABBREVIATION_AHEAD.match(text, end):
            return "other"  # "a. m.", "p. ej."
        return "lower"
    if first.isdigit() and m.start("first") > end:
        return "digit"  # "3. 15 países ..." is an item; "1.5" and "24.11.2014" (glued) are not
    return "other"  # punctuation, another marker, a glued digit


def _after_reference(text: str, start: int, at_line_start: bool) -> bool:
    """Whether the marker at ``start`` continues a reference like "art. 3." or "artículo\\n5."."""
    before = text[max(0, start - 40) : start].rstrip(" \t\r\n\f\v\u00a0|¦'`´‘’·_~°^\"”»)]")
    ends_with_period = before.endswith(".")
    if ends_with_period:
        before = before[:-1]
    elif not (at_line_start and before[-1:].isalnum()):
        return False
    # The last word, read backwards (a regex anchored at the end would rescan the whole slice).
    i = len(before)
    while i and before[i - 1].isalnum():
        i -= 1
    word = before[i:].lower()
    return word in (_ABBREVIATIONS if ends_with_period else _REFERENCE_WORDS)


def _is_dotted_number(text: str, start: int, glued: bool, after: str, token: str) -> bool:
    """ "1.5." / "2.1 Objetivos": a digit glued to a short number's period is a decimal, not a point.

    A year before the period ("de 2015.3. Agradecer", a flattened list with a lost space) is still
    allowed: real decimals and section numbers have one or two digits before the period.
    """
    if not (glued and after == "." and token.isdigit()):
        return False
    head = text[max(0, start - 4) : start - 1]
    return re.search(r"(?<!\d)\d{1,2}$", head) is not None


def _candidates(text: str) -> list[_Candidate]:
    """All candidate markers in document order."""
    found: list[_Candidate] = []
    for m in _ANCHORED_MARKER.finditer(text):
        at_line_start = m.group("line") is not None
        start = m.start("marker")
        decimal = None
        if m.group("line_bullet") is not None:
            if not at_line_start:
                continue  # hyphens, asterisks and "o" mid-line are prose
            token, bullet, parenthesized = "", m.group("line_bullet"), False
        elif m.group("decimal") is not None:
            token, bullet, parenthesized = m.group("decimal"), "", False
            decimal = tuple(int(part) for part in token.split("."))
        else:
            token = m.group("ptoken") or m.group("token")
            if not _has_reading(token):
                continue  # "Red.", "UU.": a word ending a sentence
            bullet = ""
            close = m.group("close") or ""
            parenthesized = m.group("open") is not None or close.strip()[:1] in (")", "}", "]")
        after, glued = "", False
        if m.group("heading") is not None:
            if not _CAPITALS_HEADING.search(text, max(0, start - 80), start):
                continue  # "la OIM 2.": an acronym, not a heading
            after = "H"
        elif m.group("conjunction") is not None:
            after = "y"
        elif not at_line_start:
            head = text[max(0, start - 8) : start]
            stripped = re.sub(f"{_HSPACE}+$", "", head)
            glued = len(stripped) == len(head)
            stripped = stripped.rstrip("\"”»'’)]")
            after = stripped[-1:] if stripped else ""
        found.append(
            _Candidate(
                start=start,
                end=m.end("marker"),
                token=token,
                bullet=bullet,
                parenthesized=parenthesized,
                at_line_start=at_line_start,
                after=after,
                glued=glued,
                follow=_classify_following(text, m.end("marker")),
                after_reference=_after_reference(text, start, at_line_start),
                dotted_number=decimal is None and _is_dotted_number(text, start, glued, after, token),
                decimal=decimal,
            )
        )
    for m in _SYMBOL_BULLET.finditer(text):
        found.append(
            _Candidate(
                start=m.start(),
                end=m.end(),
                token="",
                bullet=m.group(),
                parenthesized=False,
                at_line_start=True,
                after="",
                glued=False,
                follow=_classify_following(text, m.end()),
                after_reference=False,
                dotted_number=False,
            )
        )
    worded = [(m, _ordinal_word_value(m.group("word"))) for m in _ORDINAL_WORD_MARKER.finditer(text)]
    worded += [(m, int(m.group("number"))) for m in _NAMED_NUMBER_MARKER.finditer(text)]
    for m, value in worded:
        if value is None:
            continue
        found.append(
            _Candidate(
                start=m.start("marker"),
                end=m.end("marker"),
                token=str(value),
                bullet="",
                parenthesized=False,
                at_line_start=True,
                after="",
                glued=False,
                follow=_classify_following(text, m.end("marker")),
                after_reference=False,
                dotted_number=False,
                ordinal_word=True,
            )
        )
    found.sort(key=lambda c: c.start)
    return found


# --------------------------------------------------------------------------------------------------
# Readings of a token: what number, letter or roman numeral it can stand for.
# --------------------------------------------------------------------------------------------------

# OCR reads "1" as "l", "I" or "|" and "0" as "O"; a token made of digits and these is a number
# read through OCR damage ("l." -> 1, "1O." -> 10). Such readings are accepted only when the
# genuine number does not follow (see _Sequencer._ocr_reading_confirmed).
_OCR_DIGITS = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0"})
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


# Tokens repeat a lot ("a", "1", "2"); the readings are cached per token (measured: ~30% of the
# time on marker-dense text).
@lru_cache(maxsize=4096)
def _has_reading(token: str) -> bool:
    return (
        _number_reading(token) is not None
        or _letter_reading(token) is not None
        or _roman_reading(token) is not None
    )


@lru_cache(maxsize=4096)
def _number_reading(token: str) -> tuple[int, bool] | None:
    """(value, exact) for a number token; exact=False when it took OCR repair to read."""
    if token.isdigit():
        return (int(token), True) if len(token) <= 3 else None
    repaired = token.translate(_OCR_DIGITS)
    if len(token) <= 2 and repaired.isdigit() and not set(token) <= {"O"}:
        if "O" in token and not any(ch.isdigit() for ch in token):
            return None  # "lO" is too much guessing
        return int(repaired), False
    return None


@lru_cache(maxsize=4096)
def _letter_reading(token: str) -> int | None:
    """0 for "a"/"A", 1 for "b", ... for single-letter tokens (ASCII only: sub-points are a-z)."""
    if len(token) == 1 and token.isascii() and token.isalpha():
        return ord(token.lower()) - ord("a")
    return None


@lru_cache(maxsize=4096)
def _roman_reading(token: str) -> int | None:
    """Value of a lowercase roman numeral i..xxxix (sub-sub-points); uppercase ones are headings."""
    if not token or not set(token) <= set(_ROMAN_VALUES):
        return None
    total = 0
    for ch, nxt in zip(token, token[1:] + " "):
        value = _ROMAN_VALUES[ch]
        total += -value if _ROMAN_VALUES.get(nxt, 0) > value else value
    return total if _to_roman(total) == token else None


def _to_roman(value: int) -> str:
    out = ""
    for symbol, amount in (("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1)):
        while value >= amount:
            out += symbol
            value -= amount
    return out


# --------------------------------------------------------------------------------------------------
# Sequencer: accept the candidates that continue the expected sequence.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    start: int
    label: str
    parent: str | None


class _Sequencer:
    """Walks the candidates in order, keeping the current point / sub-point / roman sub-sub-point."""

    def __init__(self, candidates: list[_Candidate], *, letters_top_level: bool, ocr: bool) -> None:
        self.candidates = candidates
        self.letters_top_level = letters_top_level
        self.ocr = ocr
        self.number = 0  # value of the current point, 0 before the first
        self.number_label: str | None = None
        self.letter: int | None = None  # 0 = "a" of the current point
        self.letter_label: str | None = None
        self.roman = 0
        self.roman_label: str | None = None
        self.decimal = 0  # "2.3" under point 2: 3; 0 before the first decimal sub-point of the point
        self.decimal_label: str | None = None
        self.subdecimal = 0  # "2.1.3" under sub-point 2.1: 3 (Word's legal-style multilevel lists)
        self.subdecimal_label: str | None = None
        self.words_number = False  # the current point was numbered with a word ("SEGUNDO:")
        self.used: set[str] = set()
        self.repeats: dict[str, int] = {}  # label -> last repeat suffix handed out (first repeat: 2)
        self.bullets: Counter[str] = Counter()
        # Lookahead index: ("n", 3) / ("l", 2) -> indices of well-placed candidates reading so,
        # to check a tolerated irregularity against what comes next.
        self.positions: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, c in enumerate(candidates):
            if c.bullet or not self._placed(c) or c.follow != "upper":
                continue
            if c.token.isdigit() and len(c.token) <= 3 and not c.ordinal_word:
                self.positions["n", int(c.token)].append(i)
            letter = _letter_reading(c.token)
            if letter is not None and c.token.islower():
                self.positions["l", letter].append(i)

    # -- placement checks --------------------------------------------------------------------------

    @staticmethod
    def _placed(c: _Candidate) -> bool:
        """Positioned like a marker: line start, or after a sentence end that is not an abbreviation."""
        if c.after_reference or c.dotted_number:
            return False
        if c.after in (",", "y"):
            return c.parenthesized  # "2014, 3. Los" is prose; ", b) instruir" is a list
        return c.at_line_start or bool(c.after)

    @staticmethod
    def _lowercase_item_ok(c: _Candidate) -> bool:
        """Lowercase items ("a) aprobar el informe;") are believed only where prose rarely puts a
        marker: at a line start, after a colon/semicolon, or in the list-only "a)" form."""
        return c.at_line_start or c.after in (":", ";", ",", "y") or c.parenthesized

    def _starts_item(self, c: _Candidate) -> bool:
        if not self._placed(c):
            return False
        if c.follow == "upper":
            return True
        if c.follow == "digit":
            return c.at_line_start  # an item opening with a figure, weak evidence: line start only
        return c.follow == "lower" and self._lowercase_item_ok(c)

    def _next_index(self, i: int, key: tuple[str, int]) -> int:
        indices = self.positions.get(key, ())
        k = bisect.bisect_right(indices, i)
        return indices[k] if k < len(indices) else len(self.candidates)

    # -- labels -------------------------------------------------------------------------------------

    def _unique(self, label: str) -> str:
        """A repeated marker ("3." twice) keeps its place; the repeat is labelled "3_2", "3_3"."""
        unique = label
        while unique in self.used:  # a loop only because "3_2" could itself have been taken
            self.repeats[label] = self.repeats.get(label, 1) + 1
            unique = f"{label}_{self.repeats[label]}"
        self.used.add(unique)
        return unique

    def _take_number(self, c: _Candidate, value: int) -> _Unit:
        self.number = value
        self.words_number = False
        self.number_label = self._unique(str(value))
        self.letter, self.letter_label, self.roman, self.roman_label = None, None, 0, None
        self.decimal, self.decimal_label, self.subdecimal, self.subdecimal_label = 0, None, 0, None
        return _Unit(c.start, self.number_label, None)

    def _take_decimal(self, c: _Candidate, sub: int) -> _Unit:
        self.decimal = sub
        parent = self.number_label
        self.decimal_label = self._unique(f"{parent}.{sub}")
        self.letter, self.letter_label, self.roman, self.roman_label = None, None, 0, None
        self.subdecimal, self.subdecimal_label = 0, None
        return _Unit(c.start, self.decimal_label, parent)

    def _take_subdecimal(self, c: _Candidate, subsub: int) -> _Unit:
        self.subdecimal = subsub
        parent = self.decimal_label
        self.subdecimal_label = self._unique(f"{parent}.{subsub}")
        self.letter, self.letter_label, self.roman, self.roman_label = None, None, 0, None
        return _Unit(c.start, self.subdecimal_label, parent)

    def _take_letter(self, c: _Candidate, letter: int) -> _Unit:
        self.letter = letter
        base = chr(ord("a") + letter)
        parent = self.subdecimal_label or self.decimal_label or self.number_label
        self.letter_label = self._unique(f"{parent}.{base}" if parent else base)
        self.roman, self.roman_label = 0, None
        return _Unit(c.start, self.letter_label, parent)

    def _take_roman(self, c: _Candidate, value: int) -> _Unit:
        self.roman = value
        parent = self.letter_label or self.subdecimal_label or self.decimal_label or self.number_label
        self.roman_label = self._unique(f"{parent}.{_to_roman(value)}")
        return _Unit(c.start, self.roman_label, parent)

    def _take_bullet(self, c: _Candidate) -> _Unit | None:
        parent = self.roman_label or self.letter_label or self.subdecimal_label or self.decimal_label or self.number_label
        if parent is None:
            return None  # bullets before the first point belong to the preamble
        self.bullets[parent] += 1
        return _Unit(c.start, self._unique(f"{parent}-{self.bullets[parent]}"), parent)

    # -- the decision ---------------------------------------------------------------------------------

    def accept(self, i: int, c: _Candidate, text: str) -> _Unit | None:
        """The unit that candidate ``i`` starts, or None when it is just text."""
        if c.bullet:
            return self._bullet(c, text)
        if not self._starts_item(c):
            return None
        if c.ordinal_word:
            # Only a list numbered with words from its first point ("PRIMERO:", "SEGUNDO:"), and only the next
            # word: "Segundo: …" opening a line inside point 1 of a report numbered "1.", "2." stays text.
            value = int(c.token)
            if c.follow == "upper" and value == self.number + 1 and (self.number == 0 or self.words_number):
                unit = self._take_number(c, value)
                self.words_number = True
                return unit
            return None
        if c.decimal is not None:
            # "2.1", "2.2" under point 2 (actas number sub-points so). Only the next one of the current
            # point, or the same one repeated: "1.5 millones" and "sección 2.1" never continue a sequence.
            if len(c.decimal) == 3:
                # "2.1.1", "2.1.2" under sub-point 2.1, in sequence only.
                point, sub, subsub = c.decimal
                if self.decimal_label is not None and (point, sub) == (self.number, self.decimal) and subsub == self.subdecimal + 1:
                    return self._take_subdecimal(c, subsub)
                return None
            point, sub = c.decimal
            if self.number_label is not None and point == self.number and sub in (self.decimal + 1, self.decimal) and sub:
                if sub == self.decimal + 1 or c.follow == "upper":
                    return self._take_decimal(c, sub)
            return None
        number = _number_reading(c.token)
        letter = _letter_reading(c.token)
        roman = _roman_reading(c.token)
        if letter is not None and c.token.isupper() and not c.at_line_start:
            letter = None  # "J. Pérez", "A. C.": uppercase sub-points only at line start
        has_letter_parent = self.number_label is not None or self.letters_top_level
        expected_letter = 0 if self.letter is None else self.letter + 1

        # 1. The next roman numeral of the current list ("ii." after "i.").
        if roman and self.roman and roman == self.roman + 1:
            return self._take_roman(c, roman)
        # 2. The next letter of the current point ("a." first, then "b."); also "i." after "h.".
        if letter is not None and has_letter_parent and letter == expected_letter:
            return self._take_letter(c, letter)
        # 3. The next point.
        if number and number[1] and number[0] == self.number + 1:
            if c.follow == "upper" or c.at_line_start or c.after in (":", ";", ",", "y"):
                return self._take_number(c, number[0])
        # 4. A roman list starts under the current sub-point (or point).
        if roman == 1 and (self.letter_label or self.number_label):
            return self._take_roman(c, 1)
        # 5. Tolerated irregularities, only with strong evidence (an uppercase item start).
        if c.follow != "upper":
            return None
        if number:
            return self._irregular_number(i, c, *number, text)
        if letter is not None and self.letter is not None and c.at_line_start:
            return self._irregular_letter(i, c, letter)
        return None

    def _irregular_number(self, i: int, c: _Candidate, value: int, exact: bool, text: str) -> _Unit | None:
        if not exact:
            if value == self.number + 1 and self._ocr_reading_confirmed(i, value):
                return self._take_number(c, value)
            return None
        if value == self.number and self.number:
            log.debug("repeated point number %d at offset %d", value, c.start)
            return self._take_number(c, value)
        if value == 1 and self.number >= 2 and c.at_line_start:
            # Reports numbered per section ("I. Informes: 1. 2. 3.  II. Acuerdos: 1. 2.") restart at 1.
            # Believed when a "2." follows before the old list would have continued, or when the "1." opens a
            # numbered section ("IV. PRÓXIMA REUNIÓN" above it): a last section often holds one point only.
            if (self._next_index(i, ("n", 2)) < self._next_index(i, ("n", self.number + 1))
                    or _under_numbered_heading(text, c.start)):
                log.debug("numbering restarts at offset %d", c.start)
                return self._take_number(c, 1)
            return None
        max_skip = 3 if c.at_line_start else 2
        if self.number + 1 < value <= self.number + max_skip:
            # A false "3." before the real "2." must not swallow point 2: the skip is believed only
            # when the expected number does not come before the one after the skip.
            if self._next_index(i, ("n", self.number + 1)) < self._next_index(i, ("n", value + 1)):
                return None
            log.debug("skipped point number(s) before %d at offset %d", value, c.start)
            return self._take_number(c, value)
        return None

    def _ocr_reading_confirmed(self, i: int, value: int) -> bool:
        """ "l." read as 1 only if no real "1." follows before "2." (a heading "I." then "1." is not
        point 1), and only if a "2." does follow, unless the text is known to come from OCR."""
        genuine = self._next_index(i, ("n", value))
        following = self._next_index(i, ("n", value + 1))
        if genuine < following:
            return False
        return following < len(self.candidates) or self.ocr

    def _irregular_letter(self, i: int, c: _Candidate, letter: int) -> _Unit | None:
        assert self.letter is not None
        if letter == self.letter:
            return self._take_letter(c, letter)
        if letter == self.letter + 2:
            expected = self._next_index(i, ("l", self.letter + 1))
            if expected < self._next_index(i, ("l", letter + 1)) and expected < self._next_index(
                i, ("n", self.number + 1)
            ):
                return None
            return self._take_letter(c, letter)
        return None

    def _bullet(self, c: _Candidate, text: str) -> _Unit | None:
        if c.bullet in UNMAPPED_BULLETS:
            ok = c.follow in ("upper", "lower")
        elif c.bullet in "-–—*":
            ok = c.follow in ("upper", "lower") or (
                c.follow == "digit" and not _PAGE_NUMBER_LINE.match(text, c.start)
            )
        elif c.bullet == "o":
            # "o" is also the Spanish word "or": believed only as a Word-export bullet, i.e. an
            # uppercase item after a line that ends a sentence/list intro, a blank line or a bullet.
            ok = c.follow == "upper" and _previous_line_ends_item(text, c.start)
        else:
            ok = _FOLLOWING.match(text, c.end) is not None  # anything but the end of the text
        return self._take_bullet(c) if ok else None


# A numbered section heading: "IV. PRÓXIMA REUNIÓN", "B. Otros asuntos" (the numbering of _SECTION_HEADING required).
_NUMBERED_HEADING = re.compile(rf"{_HSPACE}*(?:[IVXL]{{1,6}}|[A-Z])[.)]{_HSPACE}+\S")


def _under_numbered_heading(text: str, start: int) -> bool:
    """Whether the marker at ``start`` begins the line right under a numbered section heading (blank lines
    between allowed), itself after a blank line or a sentence's end."""
    heading_start = _section_heading_start(text, max(0, start - 2 * _MAX_HEADING_CHARS - 200), start)
    if heading_start == start:
        return False
    return _NUMBERED_HEADING.match(text, heading_start) is not None


def _previous_line_ends_item(text: str, start: int) -> bool:
    """Whether the line before ``start`` is blank, ends a sentence or list intro, or is a bullet."""
    line_start = text.rfind("\n", 0, start)
    if line_start <= 0:
        return True
    previous = text[text.rfind("\n", 0, line_start) + 1 : line_start].strip()
    return not previous or previous[-1] in ".:;!?" or _BULLET_LINE.match(previous) is not None


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def split_agreements(text: str, page_starts: Sequence[int] = (0,), ocr: bool = False) -> list[Agreement]:
    """Split a report's text into its preamble, points, sub-points and bullet items, in order.

    ``page_starts[i]`` is the offset where page ``i + 1`` starts; each unit gets the page of its
    marker. ``ocr`` is copied onto every unit and lets OCR-damaged markers ("l." for "1.") count
    even when nothing later confirms them. The units' spans cover the text without gaps or
    overlaps (up to whitespace between them), and ``text[u.start:u.end].strip() == u.text``.
    """
    candidates = _candidates(text)
    units = _sequence(candidates, text, letters_top_level=False, ocr=ocr)
    if not any(u.parent is None for u in units):
        # Nothing numbered: a report whose only list is lettered ("a)", "b)") uses letters as points.
        units = _sequence(candidates, text, letters_top_level=True, ocr=ocr)
        if not units or units[0].start > 0.5 * len(text):
            # Nothing numbered or lettered, or a lettered list only late in the text (a list inside
            # one paragraph of a declaration): one unit per paragraph, when that starts units earlier.
            paragraph_units = [_Unit(u.start, u.label, u.parent) for u in split_paragraphs(text)]
            if paragraph_units and (not units or paragraph_units[0].start < units[0].start):
                units = paragraph_units
    return _build(text, units, page_starts, ocr)


def _sequence(candidates: list[_Candidate], text: str, *, letters_top_level: bool, ocr: bool) -> list[_Unit]:
    sequencer = _Sequencer(candidates, letters_top_level=letters_top_level, ocr=ocr)
    units: list[_Unit] = []
    for i, c in enumerate(candidates):
        unit = sequencer.accept(i, c, text)
        if unit is not None:
            units.append(unit)
    return units


def _build(text: str, units: list[_Unit], page_starts: Sequence[int], ocr: bool) -> list[Agreement]:
    """Turn unit starts into Agreements whose spans run to the next unit's start."""
    starts = sorted(page_starts) or [0]

    def page_at(offset: int) -> int:
        return max(1, bisect.bisect_right(starts, offset))

    spans: list[tuple] = []  # (start, stop, label, parent[, the marker's offset])
    first = units[0].start if units else len(text)
    preamble = text[:first]
    if preamble.strip():
        lead = len(preamble) - len(preamble.lstrip())
        spans.append((lead, first, PREAMBLE, None))
    # A section heading between two points ("III. PRÓXIMA REUNIÓN") opens the point after it, not the end of
    # the one before: a unit starts at the heading lines just above its marker (its page is its marker's).
    starts_at = [units[0].start] if units else []
    for before, unit in zip(units, units[1:]):
        starts_at.append(_section_heading_start(text, before.start, unit.start))
    for i, unit in enumerate(units):
        stop = starts_at[i + 1] if i + 1 < len(units) else len(text)
        spans.append((starts_at[i], stop, unit.label, unit.parent, unit.start))

    agreements = []
    for start, stop, label, parent, *marker in spans:
        body = text[start:stop].rstrip()
        agreements.append(
            Agreement(
                label=label,
                text=body,
                parent=parent,
                page=page_at(marker[0] if marker else start),
                start=start,
                end=start + len(body),
                ocr=ocr,
            )
        )
    log.debug("split %d characters into %d units", len(text), len(agreements))
    return agreements


# A section heading on a line of its own: an uppercase roman numeral or capital letter that numbers it, or none,
# then words in capitals ("III. PRÓXIMA REUNIÓN", "B. OTROS ASUNTOS:", "ACUERDOS"); or a roman numeral and a
# capitalised title without a final stop ("IV. Próxima reunión"). Uppercase roman numerals are never points.
_SECTION_HEADING = re.compile(
    rf"""{_HSPACE}*(?:
        (?:(?:[IVXL]{{1,6}}|[A-Z])[.)]{_HSPACE}+)?[^\w\n]*[A-ZÁÉÍÓÚÑÜ][A-ZÁÉÍÓÚÑÜ0-9 \t,;:()/'’"“”«»–-]*[A-ZÁÉÍÓÚÑÜ][.:]?
      | [IVXL]{{1,6}}[.)]{_HSPACE}+[A-ZÁÉÍÓÚÑÜ][^\n.]*[^\s.]
    ){_HSPACE}*""",
    re.VERBOSE,
)
_MAX_HEADING_CHARS = 100
# One short word in capitals and nothing else is an acronym ("ACNUR", "UNICEF" in a list of observers), not a heading.
_ACRONYM_LIKE = re.compile(rf"{_HSPACE}*[A-ZÁÉÍÓÚÑÜ]{{2,6}}[.:]?{_HSPACE}*")


def _section_heading_start(text: str, previous: int, marker: int) -> int:
    """Where the section heading lines right above the marker at ``marker`` start (``marker`` if there are
    none): whole lines between the previous unit's text and the marker, that unit keeping some text."""
    start = marker
    while True:
        gap_end = start
        line_end = len(text[previous:gap_end].rstrip()) + previous
        if line_end == gap_end or not _LINE_BREAK_RX.search(text, line_end, gap_end):
            return start  # the marker (or the heading below) does not start a line of its own
        line_start = max(previous, max((text.rfind(ch, previous, line_end) for ch in "\n\f\v"), default=-1) + 1)
        line = text[line_start:line_end]
        above = text[previous:line_start]
        if (line_start <= previous or len(line.strip()) > _MAX_HEADING_CHARS or not _SECTION_HEADING.fullmatch(line)
                or _ACRONYM_LIKE.fullmatch(line) or not _ENDS_A_PASSAGE.search(above)):
            return start
        start = line_start


_LINE_BREAK_RX = re.compile(_LINE_BREAK)
# What a heading follows: a sentence's end or a blank line, so the capitals that end a wrapped line ("con la\n
# OIM Y EL ACNUR") stay the sentence's.
_ENDS_A_PASSAGE = re.compile(rf"\S(?:[.:;!?)\]»”\"]{_HSPACE}*{_LINE_BREAK}|{_HSPACE}*{_LINE_BREAK}{_HSPACE}*{_LINE_BREAK})\s*\Z")
