"""The forgiving query parser: user text -> a small query tree plus filters.

Syntax (Spanish and English keywords; accents and case never matter):

* ``trata personas``           both words (AND; also ``AND``/``Y``/``&`` between words)
* ``"trata de personas"``      exact phrase (folded, unstemmed; "smart" quotes and « » work too);
  ``"migrantes"`` is that word exactly: not "migrante" (a phrase of one word)
* ``trata OR tráfico``         either (also ``O`` and ``|``); OR binds tighter than AND
* ``-tráfico`` / ``NOT tráfico`` exclusion; ``( )`` groups
* ``migra*``                   prefix (at least 2 letters), ``mig?ante`` wildcard (2 letters first)
* ``migrantez~`` ``~2``        fuzzy, 1 or 2 edits
* ``año:2008`` ``año:2008..2014`` ``year:2008-2014`` ``ano:2010..`` year filters; a bare
  ``2008-2014`` is TEXT (it is written in agreements: "Programa ... 2014-2020")
* ``cuerpo:``/``body:``  ``pais:``/``país:``/``country:``  ``idioma:``/``lang:``/``language:``
  ``ciudad:``/``city:`` -- values are names or keys ("red", "viceministerial", "México"/"mexico",
  ``pais:"costa rica"``); ``-pais:mexico`` excludes.

Anything else is text: an unknown ``foo:bar`` is the words "foo bar". Unbalanced quotes and
parentheses are closed at the end or ignored, lone operators are ignored, control and bidi
characters are removed. What cannot be made sense of raises :class:`QuerySyntaxError` with a
one-line message for the user. Filters apply to the whole query wherever they are written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from archive.models import ArchiveError
from index.analysis import fold, iter_word_tokens, word_tokens

MAX_QUERY_CHARS = 500  # what a person may type, longer than any real query: every edge refuses more (validated)
MAX_PARSED_CHARS = 4 * MAX_QUERY_CHARS  # the parser's own bound, for queries built from data (a glossary entity's forms)
MAX_CLAUSES = 64
YEAR_MIN, YEAR_MAX = 1900, 2100  # the years a person may ask for, on every edge (the CRM met first in 1996)
MIN_PREFIX = 2
MAX_FUZZY_DISTANCE = 2


class QuerySyntaxError(ArchiveError):
    """The query cannot be understood; the message is meant for the user (one line)."""


# --- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One plain word, folded; matched by its stem. ``span`` locates it in the cleaned query."""

    text: str
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Compound:
    """A hyphenated word ("pro-tempore", "2014-2020"): the parts as a phrase, or written together."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    prefix: str


@dataclass(frozen=True)
class Wildcard:
    pattern: str  # folded, with * and ?


@dataclass(frozen=True)
class Fuzzy:
    word: str
    distance: int
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class AllOf:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple["Node", ...]


Node = Word | Compound | Phrase | Prefix | Wildcard | Fuzzy | Not | AllOf | AnyOf


@dataclass(frozen=True)
class FieldFilter:
    """``field`` is one of "year", "body", "country", "language", "city"; ``value`` is folded text,
    or for "year" a ``(from, to)`` tuple with None for an open end."""

    field: str
    value: object
    exclude: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    node: Node | None  # None: no text to match (filters only, or an empty box)
    filters: tuple[FieldFilter, ...] = ()
    cleaned: str = ""  # the query after removing control characters; Word spans point into it
    words: tuple[Word, ...] = field(default=())  # plain words, for "did you mean"


# --- field names --------------------------------------------------------------------------------

FIELD_ALIASES = {
    "ano": "year", "year": "year", "anio": "year", "fecha": "year",
    "cuerpo": "body", "body": "body", "organo": "body", "reunion": "body",
    "pais": "country", "country": "country",
    "idioma": "language", "lang": "language", "language": "language", "lengua": "language",
    "ciudad": "city", "city": "city",
}

LANGUAGE_ALIASES = {
    "es": "es", "spa": "es", "esp": "es", "espanol": "es", "spanish": "es", "castellano": "es",
    "en": "en", "eng": "en", "ingles": "en", "english": "en",
    "fr": "fr", "frances": "fr", "french": "fr",
    "pt": "pt", "portugues": "pt", "portuguese": "pt",
}

_OR_WORDS = frozenset({"OR", "O", "|", "||"})
_AND_WORDS = frozenset({"AND", "Y", "&", "&&", "+"})
_NOT_WORDS = frozenset({"NOT"})
_OPERATOR_WORDS = _OR_WORDS | _AND_WORDS | _NOT_WORDS
# The quote characters that open or close a phrase (web.typed_filters reads them too).
QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'
_YEAR_RANGE = re.compile(r"^(\d{4})?\s*(?:\.\.|-|\u2013|/|:)\s*(\d{4})?$")
_FUZZY = re.compile(r"^(.*?)~(\d*)$")


def clean_query(text: str) -> str:
    """Remove control, format (bidi, zero-width) and unassigned characters; refuse huge input."""
    if len(text) > MAX_PARSED_CHARS * 10:
        raise too_long(MAX_PARSED_CHARS)
    # Invisible format characters (bidi marks, zero-width spaces) vanish -- they hide inside words;
    # control characters and odd spaces separate words.
    # (Printable ASCII has none of them: the common case skips the per-character look-ups.)
    cleaned = text if text.isascii() and text.isprintable() else "".join(_clean_char(ch) for ch in text)
    cleaned = cleaned.strip()
    if len(cleaned) > MAX_PARSED_CHARS:
        raise too_long(MAX_PARSED_CHARS)
    return cleaned


def too_long(limit: int = MAX_QUERY_CHARS) -> QuerySyntaxError:
    return QuerySyntaxError(f"La consulta es demasiado larga (máx. {limit} caracteres) "
                            f"/ Query too long (max {limit} characters).")


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category[0] in "CZ" and ch != " ":
        return " "
    return ch


# --- lexing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "OR", "AND", "NOT", "PHRASE", "TEXT", "FILTER"
    text: str = ""
    start: int = 0
    value: object = None


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()[]{}":
            toks.append(_Tok("(" if ch in "([{" else ")", ch, i))
            i += 1
        elif ch in QUOTES:
            end = _find_quote_end(text, i + 1)
            toks.append(_Tok("PHRASE", text[i + 1:end], i + 1))
            i = end + 1
        elif ch in "-!" and i + 1 < n and not text[i + 1].isspace() and (i == 0 or not text[i - 1].isalnum()):
            toks.append(_Tok("NOT", ch, i))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()[]{}" and text[j] not in QUOTES:
                j += 1
            chunk = text[i:j]
            # field:"quoted value"
            if chunk.endswith(":") and j < n and text[j] in QUOTES and fold(chunk[:-1]) in FIELD_ALIASES:
                end = _find_quote_end(text, j + 1)
                toks.append(_Tok("FILTER", chunk[:-1], i, text[j + 1:end]))
                i = end + 1
                continue
            toks.append(_classify_chunk(chunk, i))
            i = j
    return toks


def _find_quote_end(text: str, start: int) -> int:
    for k in range(start, len(text)):
        if text[k] in QUOTES:
            return k
    return len(text)  # unbalanced quote: the phrase runs to the end


def _classify_chunk(chunk: str, start: int) -> _Tok:
    if chunk in _OR_WORDS:
        return _Tok("OR", chunk, start)
    if chunk in _AND_WORDS:
        return _Tok("AND", chunk, start)
    if chunk in _NOT_WORDS:
        return _Tok("NOT", chunk, start)
    name, sep, value = chunk.partition(":")
    if sep and fold(name) in FIELD_ALIASES:
        if not value:  # "año:" says a filter is meant: say what is missing, as "año:abc" says what is wrong
            raise QuerySyntaxError(f"Falta el valor de «{name}:», p. ej. {name}:2014 "
                                   f"/ Missing value for «{name}:», e.g. {name}:2014.")
        return _Tok("FILTER", name, start, value)
    return _Tok("TEXT", chunk, start)


# --- parsing ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[_Tok]):
        self.toks = toks
        self.i = 0
        self.filters: list[FieldFilter] = []
        self.words: list[Word] = []

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            if self.peek().kind == ")":  # unbalanced: ignore
                self.i += 1
                continue
            node = self.parse_and(top=True)
            if node is not None:
                nodes.append(node)
        return _all_of(nodes)

    def parse_and(self, top: bool = False) -> Node | None:
        nodes = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if tok.kind == "AND" or (tok.kind == "OR" and not nodes):
                self.i += 1  # an AND is implicit; a leading OR has nothing to join
                continue
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
        return _all_of(nodes)

    def parse_or(self) -> Node | None:
        nodes = []
        node = self.parse_unary()
        if node is not None:
            nodes.append(node)
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            node = self.parse_unary()
            if node is not None:
                nodes.append(node)
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        if tok is None or tok.kind in (")", "OR"):
            return None
        if tok.kind == "NOT":
            self.i += 1
            nxt = self.peek()
            if nxt is not None and nxt.kind == "FILTER":
                self.i += 1
                self.filters.append(_make_filter(nxt, exclude=True))
                return None
            node = self.parse_unary()
            return Not(node) if node is not None else None
        self.i += 1
        if tok.kind == "(":
            node = self.parse_and()
            if self.peek() is not None and self.peek().kind == ")":
                self.i += 1
            return node  # an unclosed "(" is closed at the end
        if tok.kind == "AND":
            return None
        if tok.kind == "FILTER":
            self.filters.append(_make_filter(tok))
            return None
        if tok.kind == "PHRASE":
            words = tuple(w for w, _, _, _, joined in iter_word_tokens(tok.text) if not joined)
            if not words:
                return None
            # A quoted single word is the word exactly as written (folded, not stemmed): a phrase of one.
            return Phrase(words)
        return self.text_node(tok)

    def text_node(self, tok: _Tok) -> Node | None:
        chunk = tok.text
        fuzzy = _FUZZY.match(chunk)
        if fuzzy and fuzzy.group(1):
            word = fold(fuzzy.group(1))
            distance = int(fuzzy.group(2)) if fuzzy.group(2) else 1
            distance = max(1, min(distance, MAX_FUZZY_DISTANCE))
            if re.fullmatch(r"[a-z0-9]+", word):
                return Fuzzy(word, distance, (tok.start, tok.start + len(fuzzy.group(1))))
            chunk = fuzzy.group(1)
        elif fuzzy:
            return None  # a lone "~"
        if "*" in chunk or "?" in chunk:
            return _wildcard_node(chunk)
        return self.words_node(chunk, tok.start)

    def words_node(self, chunk: str, offset: int) -> Node | None:
        nodes: list[Node] = []
        group: list[tuple[str, int, int]] = []
        # Group the pieces of one hyphenated word (they share one compound match).
        for piece, _pos, start, end, joined in iter_word_tokens(chunk):
            if joined:
                continue
            if group and _is_hyphen_joined(chunk, group[-1][2], start):
                group.append((piece, start, end))
                continue
            if group:
                nodes.append(self._group_node(group, offset))
            group = [(piece, start, end)]
        if group:
            nodes.append(self._group_node(group, offset))
        return _all_of(nodes)

    def _group_node(self, group: list[tuple[str, int, int]], offset: int) -> Node:
        if len(group) == 1:
            piece, start, end = group[0]
            word = Word(piece, (offset + start, offset + end))
            self.words.append(word)
            return word
        return Compound(tuple(p for p, _, _ in group))


def _is_hyphen_joined(chunk: str, previous_end: int, start: int) -> bool:
    between = chunk[previous_end:start]
    return between != "" and all(c in "-\u2010\u2011\u2012\u2013" for c in between)


def _wildcard_node(chunk: str) -> Node | None:
    pattern = "".join(ch for ch in fold(chunk) if ch.isalnum() or ch in "*?")
    pattern = re.sub(r"\*+", "*", pattern)
    if not pattern.strip("*?"):
        raise QuerySyntaxError("Un comodín (* o ?) necesita al menos 2 letras delante, p. ej. migra* "
                               "/ A wildcard needs at least 2 letters before it, e.g. migra*.")
    literal = re.match(r"[a-z0-9]*", pattern).group(0)
    if len(literal) < MIN_PREFIX:
        raise QuerySyntaxError(f"Un comodín necesita al menos {MIN_PREFIX} letras delante: «{chunk}» "
                               f"/ A wildcard needs at least {MIN_PREFIX} letters before it.")
    if pattern == literal + "*":
        return Prefix(literal)
    if pattern == literal:
        return Word(literal)
    return Wildcard(pattern)


def _all_of(nodes: list[Node]) -> Node | None:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))


def _make_filter(tok: _Tok, exclude: bool = False) -> FieldFilter:
    name = FIELD_ALIASES[fold(tok.text)]
    raw = str(tok.value).strip()
    if name == "year":
        return FieldFilter("year", parse_year_range(raw), exclude)
    value = fold(raw).strip()
    if not value:
        raise QuerySyntaxError(f"Falta el valor de «{tok.text}:» / Missing value for «{tok.text}:».")
    if name == "language":
        value = LANGUAGE_ALIASES.get(value, value)
    return FieldFilter(name, value, exclude)


def parse_year_range(raw: str) -> tuple[int | None, int | None]:
    """"2008" -> (2008, 2008); "2008..2014", "2008-2014" -> (2008, 2014); "2010.." -> (2010, None)."""
    raw = raw.strip()
    if re.fullmatch(r"\d{4}", raw):
        return int(raw), int(raw)
    match = _YEAR_RANGE.match(raw)
    if match and (match.group(1) or match.group(2)):
        low = int(match.group(1)) if match.group(1) else None
        high = int(match.group(2)) if match.group(2) else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        return low, high
    raise QuerySyntaxError(f"Año no válido: «{raw}» (use 2008 o 2008..2014) "
                           f"/ Invalid year: «{raw}» (use 2008 or 2008..2014).")


def count_clauses(node: Node | None) -> int:
    if node is None:
        return 0
    if isinstance(node, (AllOf, AnyOf)):
        return sum(count_clauses(n) for n in node.nodes)
    if isinstance(node, Not):
        return count_clauses(node.node)
    return 1


def parse_query(text: str) -> ParsedQuery:
    """Parse the text of the search box. Raises QuerySyntaxError with a user-facing message."""
    cleaned = clean_query(text or "")
    return with_a_latin_word(_plain_words(cleaned) or _parse(cleaned))


def with_a_latin_word(parsed: ParsedQuery) -> ParsedQuery:
    """``parsed``, unless it searches words but none of them is written in Latin letters."""
    if parsed.node is not None and not _LATIN_WORD.search(parsed.cleaned):
        raise QuerySyntaxError("La consulta no tiene ninguna palabra en letras latinas (el archivo está en español "
                               "e inglés) / The query has no word in Latin letters (the archive is in Spanish and "
                               "English).")
    return parsed


# The letters and digits of the archive's two languages. A query with no word of them ("миграция",
# "墨西哥") is refused with a message, not transliterated into near-misses that find nothing; the API
# document's "searchable" pattern is written with the same class (tests/web/test_api_contract.py checks).
LATIN_WORD_CHARS = "0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"
_LATIN_WORD = re.compile(  # the start of a run of them that is not an operator word alone
    rf"(?<![{LATIN_WORD_CHARS}])(?!(?:{'|'.join(sorted(w for w in _OPERATOR_WORDS if w.isalpha()))})"
    rf"(?![{LATIN_WORD_CHARS}]))[{LATIN_WORD_CHARS}]")


_PLAIN_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")  # words of letters and digits, one space apart


def _plain_words(cleaned: str) -> ParsedQuery | None:
    """The parse of the commonest query -- a few plain words, no operator, filter or syntax --
    without the lexer and parser (~4x faster); None for anything else. ``_parse`` gives the same
    result (tests/index/test_query.py checks it)."""
    if not _PLAIN_WORDS.fullmatch(cleaned):
        return None
    words: list[Word] = []
    offset = 0
    for chunk in cleaned.split(" "):
        tokens = word_tokens(chunk)
        if chunk in _OPERATOR_WORDS or len(tokens) != 1 or tokens[0][4]:
            return None  # an operator, or a chunk of several tokens (parsed as a group)
        token, _position, start, end, _joined = tokens[0]
        words.append(Word(token, (offset + start, offset + end)))
        offset += len(chunk) + 1
    if len(words) > MAX_CLAUSES:
        return None
    return ParsedQuery(words[0] if len(words) == 1 else AllOf(tuple(words)), (), cleaned, tuple(words))


def _parse(cleaned: str) -> ParsedQuery:
    parser = _Parser(_lex(cleaned))
    node = parser.parse()
    if count_clauses(node) > MAX_CLAUSES:
        raise QuerySyntaxError(f"Demasiados términos en la consulta (máx. {MAX_CLAUSES}) "
                               f"/ Too many terms in the query (max {MAX_CLAUSES}).")
    if node is None and not parser.filters and cleaned:
        raise QuerySyntaxError("La consulta no contiene palabras que buscar "
                               "/ The query has no words to search for.")
    return ParsedQuery(node, tuple(parser.filters), cleaned, tuple(parser.words))
