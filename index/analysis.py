"""Text analysis, defined once: folding, tokenizing, stop words, light stemming.

Everything that compares words -- the index analyzers, the query parser, the highlighter and the
"did you mean" speller -- goes through :func:`fold` and :func:`iter_word_tokens`, so a word that is
found is also highlighted, and a suggestion is always a word the index can find.

Decisions (each one is tested in tests/index/test_analysis.py):

* **Folding** is ``unidecode`` + lower case. ``ñ`` folds to ``n`` like every other diacritic, so
  "niñez"/"ninez" and "año"/"ano" find each other whichever way the user (or an OCR'd report) wrote
  them. The cost is a few real collisions: "año"/"ano", "peña"/"pena", "caña"/"cana". In formal
  migration reports the second word of each pair practically never occurs, and users without a
  Spanish keyboard type "ano" for "año" far more often, so we accept them.
* **Tokens** are runs of letters and digits. Acronyms (RROCM, OIM, ST, UNODC) and numbers/years are
  kept as they are (lower-cased); nothing is dropped for being short. A hyphenated word
  ("Pro-Tempore", "Trabajo-Archivo", "2014-2020") gives its parts at consecutive positions, so the
  phrase "pro tempore" matches it, plus -- for words, not numbers -- the joined form at the first
  part's position ("protempore", and "extrarregional" beside "extraregional" because Spanish doubles
  the r after a prefix), so the written-together spelling matches too.
* **Stop words** (Spanish and English lists) are folded and keep "no", "sin", "contra" (and
  "not", "without", "against"), which change the meaning of an agreement.
* **Spanish stemming** is deliberately light: only number and gender. A word loses a final
  ``-os/-as/-es`` or ``-o/-a/-e`` when at least 3 letters remain, then a final ``z`` becomes ``c``
  (vez/veces -> "vec", luz/luces -> "luc"). So acuerdo/acuerdos, país/países, niño/niña/niños,
  red/redes, nacional/nacionales, organización/organizaciones, actividad/actividades collapse, while
  migración/migrante, trata/tratado, general/género stay apart (the stem keeps what derivation
  changed). Pairs whose -o and -a forms are different nouns (caso/casa, punto/punta, marco/marca,
  trato/trata, ...) are listed in ``_DISTINCT_GENDER_PAIRS`` and only lose their plural.
* **English stemming** strips plurals only (agreements -> agreement, countries -> country,
  processes -> process), leaving -ss/-us/-is words alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from archive.folding import fold  # noqa: F401  (re-exported: THE folding function)
from ingest.glued import glued_parts  # words glued by a lost space (ingest/glued.py)
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

# A compound word: letters and digits, optionally joined by hyphens (ASCII hyphen, Unicode hyphens,
# en dash). Its tokens depend on its letters only (``compound_tokens``).
HYPHENS = "-\u2010\u2011\u2012\u2013"
WORD_RE = re.compile(rf"[^\W_]+(?:[{HYPHENS}][^\W_]+)*")
_PART_RE = re.compile(r"[^\W_]+")
_ASCII_PIECE_RE = re.compile(r"[a-z0-9]+")
_VOWELS = frozenset("aeiou")


@functools.lru_cache(maxsize=200_000)
def _fold_word(word: str) -> tuple[str, ...]:
    """The ASCII letter/digit pieces of one word after folding (usually exactly one)."""
    if word.isascii():
        return (word.lower(),)
    return tuple(_ASCII_PIECE_RE.findall(fold(word)))


def iter_word_tokens(text: str) -> Iterator[tuple[str, int, int, int, bool]]:
    """Yield ``(folded_token, position, start_char, end_char, is_joined_form)`` for ``text``.

    Offsets point into the ORIGINAL text, which is what lets the highlighter mark "Secretaría" for
    the query "secretaria". Joined forms of hyphenated words share the position of the first part.
    """
    return iter(word_tokens(text))


@functools.lru_cache(maxsize=8)
def word_tokens(text: str) -> tuple[tuple[str, int, int, int, bool], ...]:
    """``iter_word_tokens`` as a tuple. Cached because indexing analyzes the same unit text once
    per field (text, exact, pairs)."""
    return tuple(_scan_word_tokens(text))


def _scan_word_tokens(text: str) -> Iterator[tuple[str, int, int, int, bool]]:
    pos = 0
    for match in WORD_RE.finditer(text):
        base, first_pos = match.start(), pos
        for token, start, end, joined in compound_tokens(match.group(0)):
            if joined:  # joined forms sit at the position of the compound's first part
                yield token, first_pos, base + start, base + end, True
            else:
                yield token, pos, base + start, base + end, False
                pos += 1


@functools.lru_cache(maxsize=50_000)  # a report collection's vocabulary, about; a miss is just slower
def compound_tokens(compound: str) -> tuple[tuple[str, int, int, bool], ...]:
    """``(folded_token, start_char, end_char, is_joined_form)`` of one compound word -- a match of
    ``WORD_RE``, offsets relative to it -- in the order :func:`iter_word_tokens` yields them.

    A compound's tokens depend on its letters only, so they are cached per distinct word: indexing
    and the highlighter see the same few thousand words again and again.
    """
    if compound.isalnum():  # the common case: one plain word
        glued = glued_parts(compound) if len(compound) >= 5 else ()
        if glued:  # "Canadaattended": its words, each at its own offsets, and the glued form too
            tokens = [(piece, offset, offset + len(part), False)
                      for offset, part in glued for piece in _fold_word(part)]
            tokens.append(("".join(_fold_word(compound)), 0, len(compound), True))
            return tuple(tokens)
        return tuple((piece, 0, len(compound), False) for piece in _fold_word(compound))
    tokens = [(piece, part.start(), part.end(), False)
              for part in _PART_RE.finditer(compound) for piece in _fold_word(part.group(0))]
    pieces = [token for token, *_ in tokens]
    if len(pieces) > 1 and not all(p.isdigit() for p in pieces):
        tokens += [(joined, 0, len(compound), True) for joined in joined_forms(pieces)]
    return tuple(tokens)


def joined_forms(pieces: list[str]) -> list[str]:
    """The written-together spellings of a hyphenated word: "extra"+"regional" -> both
    "extraregional" and "extrarregional" (Spanish doubles r after a prefix ending in a vowel)."""
    plain = "".join(pieces)
    doubled = pieces[0]
    for piece in pieces[1:]:
        if doubled[-1:] in _VOWELS and piece.startswith("r") and not piece.startswith("rr"):
            doubled += "r"
        doubled += piece
    return [plain] if doubled == plain else [plain, doubled]


# --- capitalised short tokens ---------------------------------------------------------------------

# A standalone token of 2-5 capital letters as written ("ST", "PPT", "OIM"), not after a dot ("E.ST") nor
# glued to a word. Indexed unfolded in their own field so that an ambiguous acronym can be matched only
# where it is written capitalised: "ST" is the Technical Secretariat, "st" (or "St. Kitts") is not.
_CAPITALISED_RE = re.compile(r"(?<![\w.])[A-Z]{2,5}(?![\w])")


def capitalised_tokens(text: str) -> set[str]:
    """The distinct standalone capitalised short tokens of ``text``, as written."""
    return set(_CAPITALISED_RE.findall(text)) if any(c.isupper() for c in text) else set()


# --- list markers -------------------------------------------------------------------------------

# The marker that opens a unit: "3.", "3)", "3.-", "3 -", "1.2.", "a)", "b.", "(iii)", "iv.", "•", "-".
# The unit's label is its own field, so indexing the marker only made "3" match every point 3 of
# every report (and made precedents of a point 3 find other points 3). A marker must be followed by
# whitespace, so "1.000 migrantes" or "2008-2014" at the start of a unit are text, not markers.
_LIST_MARKER_RE = re.compile(
    r"""\A\s*(?:
        [\u2022\u25aa\u25cf\u25e6\u25a0\u25ba\u27a2\uf0b7\uf0a7\uf0d8*\u00b7\-\u2013\u2014]   # bullets and dashes
      | \(\s*(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})\s*\)                     # (2) (a) (iii)
      | (?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivxlcIVXLC]{2,6})                  # 3  1.2  a  iv
        \s?(?:\.\s?[-\u2013\u2014]?|\)\.?|[-\u2013\u2014](?=\s))             # .  .-  )  -
    )(?=\s)\s*""",
    re.VERBOSE,
)


def strip_list_marker(text: str) -> str:
    """``text`` without the list marker that opens it ("3. La Red ..." -> "La Red ...").

    Used for the INDEXED forms of a unit only; the stored display text keeps its marker.
    """
    match = _LIST_MARKER_RE.match(text)
    return text[match.end():] if match else text


# --- stop words ---------------------------------------------------------------------------------

# Folded. "no", "sin", "contra" are NOT here on purpose: "no aprobar", "sin documentos",
# "contra la trata" mean something else without them. Forms of "estar" such as "estado(s)" are not
# here either ("Estados Miembros", "Estados Unidos").
SPANISH_STOP_WORDS = frozenset(fold(w) for w in """
a al algo algunas algunos ante antes como con cual cuales cuando de del desde donde durante e el
ella ellas ellos en entre era eran es esa esas ese eso esos esta estas este esto estos fue fueron
ha han hasta hay la las le les lo los mas me mi mis mucho muy nos o os otra otras otro otros para
pero poco por porque que quien quienes se sea ser si sido sobre su sus tambien tan tanto te tiene
tienen toda todas todo todos tu tus u un una unas uno unos y ya él éste ésta sí más así cuál qué
""".split())

# Whoosh's list without "us" (the United States), "may" (the month), "can", "will", "not"; plus a
# few very common function words. "no", "not", "without", "against" are kept as meaningful.
ENGLISH_STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have if in into is it its of on or our so such
than that the their then there these they this those to was we were which who with
""".split())


# --- stemming -----------------------------------------------------------------------------------

# -o/-a pairs that are different words, not the two genders of one word. They keep their vowel and
# only lose the plural, so "caso" never finds "casa". Folded, singular.
_DISTINCT_GENDER_PAIRS = frozenset("""
caso casa cosa coso punto punta puerto puerta marco marca cargo carga fondo fonda modo moda plazo
plaza partido partida derecho derecha libro libra banco banca paso pasa peso pesa trato trata
cuento cuenta medio media foro fora tipo tipa lado lada mesa meso palo pala suelo suela rato rata
""".split())

_MIN_STEM = 3


@functools.lru_cache(maxsize=200_000)
def stem_spanish(word: str) -> str:
    """Light Spanish stem of a folded word: number and gender only (see the module docstring)."""
    if not word.isalpha() or len(word) <= _MIN_STEM:
        return _z_to_c(word)
    if word in _DISTINCT_GENDER_PAIRS:
        return word
    if word.endswith("s") and word[:-1] in _DISTINCT_GENDER_PAIRS:
        return word[:-1]
    stem = word
    if word[-2:] in ("os", "as", "es") and len(word) - 2 >= _MIN_STEM:
        stem = word[:-2]
    elif word[-1] in "oae" and len(word) - 1 >= _MIN_STEM:
        stem = word[:-1]
    elif word[-2:] in ("os", "as", "es"):
        # "años" -> "año" (3 letters): drop just the plural s so it meets its singular.
        stem = word[:-1]
    elif word[-1] == "s" and word[-2] not in _VOWELS and word[-2] != "s":
        # Plurals of acronyms and loan words: "ONGs" -> "ong".
        stem = word[:-1]
    return _z_to_c(stem)


def _z_to_c(stem: str) -> str:
    # "vez"/"veces", "luz"/"luces", "capaz"/"capaces": one spelling for the stem.
    return stem[:-1] + "c" if stem.endswith("z") else stem


@functools.lru_cache(maxsize=200_000)
def stem_english(word: str) -> str:
    """Light English stem of a folded word: plurals only."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


# --- Whoosh components (module level, so Whoosh can pickle the schema) --------------------------


class FoldingTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`iter_word_tokens`; tokens are already folded.

    ``joined_forms`` False leaves out the written-together forms of hyphenated words (the phrase
    fields need the plain word sequence).
    """

    def __init__(self, joined_forms: bool = True):
        self.joined_forms = joined_forms

    def __eq__(self, other):
        return type(other) is type(self) and other.joined_forms == self.joined_forms

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, start, end, joined in iter_word_tokens(value):
            if joined and not self.joined_forms:
                continue
            token.text = text
            token.boost = 1.0
            token.stopped = False
            token.joined = joined
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class StopWordFilter(Filter):
    """Drops stop words. Positions are not renumbered (the stemmed fields hold no phrases)."""

    def __init__(self, language: str):
        self.language = language

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __call__(self, tokens):
        stops = ENGLISH_STOP_WORDS if self.language == "en" else SPANISH_STOP_WORDS
        for t in tokens:
            if t.text in stops and t.removestops:
                continue
            yield t


class LightStemFilter(Filter):
    """Replaces each token by its light stem (:func:`stem_spanish` or :func:`stem_english`)."""

    is_morph = True

    def __init__(self, language: str):
        self.language = language

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __call__(self, tokens):
        stem = stem_english if self.language == "en" else stem_spanish
        for t in tokens:
            t.text = stem(t.text)
            yield t


class WordPairFilter(Filter):
    """Turns the word sequence into word pairs ("trata de", "de personas"): a two-word phrase
    becomes one term lookup instead of decoding positions (measured 5-15x faster in Whoosh)."""

    def __call__(self, tokens):
        previous = None
        for t in tokens:
            current = t.text
            if previous is not None:
                t.text = pair_term(previous, current)
                yield t
            previous = current


def pair_term(first: str, second: str) -> str:
    """The term of the word-pair field for two adjacent folded words."""
    return f"{first} {second}"


SPANISH_ANALYZER: Analyzer = FoldingTokenizer() | StopWordFilter("es") | LightStemFilter("es")
ENGLISH_ANALYZER: Analyzer = FoldingTokenizer() | StopWordFilter("en") | LightStemFilter("en")
# Folded, unstemmed, no stop words removed: exact phrases, prefixes, fuzzy terms, spelling.
EXACT_ANALYZER: Analyzer = FoldingTokenizer()
PAIR_ANALYZER: Analyzer = FoldingTokenizer(joined_forms=False) | WordPairFilter()


def analyzer_for(language: str | None) -> Analyzer:
    """The stemming analyzer for a report language (Spanish unless it is English)."""
    return ENGLISH_ANALYZER if language == "en" else SPANISH_ANALYZER


def analyze(text: str, language: str = "es") -> list[str]:
    """The index terms of ``text`` for the stemmed field of ``language`` (for tests and tools)."""
    return [t.text for t in analyzer_for(language)(text)]


def stem(word: str, language: str | None = "es") -> str:
    """Stem of one folded word for ``language``."""
    return stem_english(word) if language == "en" else stem_spanish(word)


def is_stop_word(word: str, language: str | None = "es") -> bool:
    return word in (ENGLISH_STOP_WORDS if language == "en" else SPANISH_STOP_WORDS)
