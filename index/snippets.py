"""Snippets and highlighting: which spans of a unit's original (accented) text a query matched,
and the HTML snippet shown for a hit.

The highlighter compares the SAME folded tokens and stems the index holds (``index.analysis``), so
whatever a search found is highlighted; ``HighlightTerms`` is filled while the query is compiled.

Speed: a page of 20 hits used to tokenise every word of every hit in Python (~50 µs a hit, most
of a search). Now a folded copy of the text, made in C, is searched (``bytes.find``) for the places
where a matched token could start, and only the compound words there are tokenised and checked with
the very same rules (~10 µs a hit, ``python -m bench.snippets``).
``bench/snippet_reference.py`` keeps the word-by-word algorithm; ``tests/index/test_snippets_equivalence.py`` checks
that both give the same HTML.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.analysis import (
    ENGLISH_STOP_WORDS,
    HYPHENS,
    SPANISH_STOP_WORDS,
    WORD_RE,
    compound_tokens,
    fold,
    stem_english,
    stem_spanish,
)

SNIPPET_CHARS = 280  # texts up to this length are shown whole


@dataclass
class HighlightTerms:
    """What a query matched, in the forms the highlighter compares document tokens with."""

    stems_es: set[str] = field(default_factory=set)
    stems_en: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.stems_es or self.stems_en or self.exact or self.phrases)


def match_spans(text: str, terms: HighlightTerms, language: str | None) -> list[tuple[int, int]]:
    """Character spans of ``text`` (original, accented) that the query matched, merged and sorted."""
    return _spans(text, _rules(terms, language == "en"))


def _rules(terms: HighlightTerms, english: bool) -> _Matcher:
    return _matcher(english, frozenset(terms.stems_en if english else terms.stems_es),
                    frozenset(terms.exact), frozenset(terms.phrases))


def _spans(text: str, matcher: _Matcher) -> list[tuple[int, int]]:
    if matcher.literals == () and not matcher.phrase_heads:
        return []
    folded = None if matcher.literals is None else _folded(text)
    spans: list[tuple[int, int]] = []
    merged = True  # so far: compounds never touch, so one span per compound is merged already
    verdicts = matcher.verdicts
    for base, stop in matcher.compounds(text, folded):
        compound = text[base:stop]
        marked, phrase_starts = verdicts.get(compound) or matcher.verdict(compound)
        if marked:
            merged = merged and len(marked) == 1
            for start, end in marked:
                spans.append((base + start, base + end))
        for index, word, offset in phrase_starts:
            # A phrase is its words in a row in the folded copy, with no letter between them: one
            # C call rules out most places its first word is.
            if folded is None or matcher.phrase_heads[word].match(folded, base + offset):
                found = matcher.phrase_spans(text, base, stop, index)
                if found:
                    spans += found
                    merged = False
    if merged:
        return spans
    spans.sort()
    result: list[tuple[int, int]] = []
    for start, end in spans:
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


# --- the pre-filter -------------------------------------------------------------------------------
#
# A token that matches starts with one of the query's literals: an exact term, or a stem without its
# last letter (a stem is a prefix of its folded word but for z -> c, "luz" -> "luc", and English
# -ies -> -y, "countries" -> "country"). When every letter of a text folds to exactly one ASCII
# letter or digit, a token's letters are those of the text's folded copy at its offsets
# (``_folded``, made in C), so the literals are looked for there, and a phrase as its words with no
# letter between them. Joined forms are the exception -- "pro-tempore" -> "protempore",
# "extra-regional" -> "extrarregional" -- so a compound with a hyphen inside is always checked. A
# text with another letter ("ß" -> "ss", "½", Cyrillic) is checked whole, compound by compound.

# Beyond Latin-1, where one-letter folds are looked for: the Latin extensions, superscripts and
# subscripts. A letter elsewhere just sends its text down the whole-text path.
_FOLD_RANGES = ((0x100, 0x250), (0x1E00, 0x1F00), (0x2070, 0x20A0))
_ODD = 1  # the folded copy's byte for a letter that does not fold to one ASCII letter or digit
_SPACE = ord(" ")
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
# The folded copy's compound: as ``WORD_RE``, read from the right (on the reversed copy).
_FOLDED_COMPOUND_BACK_RE = re.compile(rb"(?:[a-z0-9]|-(?=[a-z0-9]))*")
_FOLDED_TAIL_RE = re.compile(rb"[a-z0-9]*(?:-[a-z0-9]+)*")
_LITERAL_RE = re.compile(r"[a-z0-9]*")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_MAX_VERDICTS = 4096  # compounds remembered per query (those its literals find)
_MAX_LITERALS = 16  # more (a prefix query's 256 terms) are cut to shared prefixes


def _fold_byte(ch: str) -> int:
    """One character of the folded copy (see ``_folded``)."""
    if ch in HYPHENS:
        return ord("-")
    if not ch.isalnum():
        return _SPACE
    folded = fold(ch)
    return ord(folded) if len(folded) == 1 and folded.isalnum() else _ODD


@functools.cache
def _fold_tables() -> tuple[bytes, dict[str, int]]:
    """The folded copy's byte of each Latin-1 character (a ``bytes.translate`` table), and of the
    letters and hyphens beyond Latin-1 that fold to one ASCII character."""
    table = bytes(_fold_byte(chr(b)) for b in range(256))
    wide = {ch: byte for low, high in _FOLD_RANGES for ch in map(chr, range(low, high))
            if (byte := _fold_byte(ch)) != _SPACE}
    wide.update((ch, ord("-")) for ch in HYPHENS if ord(ch) > 0xFF)
    return table, wide


def _folded(text: str) -> bytes | None:
    """``text`` folded one byte per character: each letter or digit as the ASCII character it folds
    to, each hyphen of ``HYPHENS`` as "-", anything else as a space; None if a letter folds to
    something else."""
    table, wide = _fold_tables()
    raw = text.encode("latin-1", "replace")
    folded = raw.translate(table)
    if raw.count(b"?") != text.count("?"):  # characters beyond Latin-1, each encoded as "?"
        patched = bytearray(folded)
        i = raw.find(b"?")
        while i != -1:
            ch = text[i]
            if ch != "?":
                byte = wide.get(ch)
                if byte is not None:
                    patched[i] = byte
                elif ch.isalnum():
                    return None
            i = raw.find(b"?", i + 1)
        folded = bytes(patched)
    return None if _ODD in folded else folded


_Verdict = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, str, int], ...]]


@dataclass(frozen=True)
class _Matcher:
    """One query's highlighting rules for one language, and its pre-filter (``literals`` None: every
    compound of every text is checked; empty, and no phrase: none is)."""

    stems: frozenset[str]
    stops: frozenset[str]
    stem: Callable[[str], str]
    exact: frozenset[str]
    phrases_by_first: dict[str, list[tuple[str, ...]]]
    phrase_heads: dict[str, re.Pattern[bytes]]  # first word -> its phrases in a folded copy
    literals: tuple[bytes, ...] | None
    # compound -> its verdict: reports repeat their words, and a page of hits its query's words
    verdicts: dict[str, _Verdict] = field(default_factory=dict, compare=False)

    def verdict(self, compound: str) -> _Verdict:
        """The spans (relative) of ``compound``'s tokens the query matched, and its plain tokens
        that begin one of the query's phrases: (index in ``compound_tokens``, token, offset)."""
        verdict = self.verdicts.get(compound)
        if verdict is None:
            tokens = compound_tokens(compound)
            stems, stops, stem, exact = self.stems, self.stops, self.stem, self.exact
            marked = tuple((start, end) for token, start, end, _joined in tokens
                           if token in exact or (stems and token not in stops and stem(token) in stems))
            phrase_starts = tuple((i, token, start) for i, (token, start, _end, joined) in enumerate(tokens)
                                  if not joined and token in self.phrases_by_first)
            verdict = (marked, phrase_starts)
            if len(self.verdicts) >= _MAX_VERDICTS:
                self.verdicts.clear()
            self.verdicts[compound] = verdict
        return verdict

    def phrase_spans(self, text: str, base: int, stop: int, index: int) -> list[tuple[int, int]]:
        """The spans of the query's phrases that begin at the ``index``-th token of the compound
        ``text[base:stop]``: a phrase is a run of plain (not joined) tokens, maybe over the next
        compounds, read token by token only while a phrase may still match."""
        tokens = compound_tokens(text[base:stop])[index:]
        first = base + tokens[0][1]
        pending = self.phrases_by_first[tokens[0][0]]
        spans: list[tuple[int, int]] = []
        k = 0  # the index in the phrases of the token being read
        while True:
            for token, _start, end, joined in tokens:
                if joined:
                    continue
                still = []
                for phrase in pending:
                    if phrase[k] == token:
                        if len(phrase) == k + 1:
                            spans.append((first, base + end))
                        else:
                            still.append(phrase)
                if not still:
                    return spans
                pending, k = still, k + 1
            following = WORD_RE.search(text, stop)  # the compound a scan from 0 meets next
            if following is None:
                return spans
            base, stop = following.span()
            tokens = compound_tokens(following.group(0))

    def compounds(self, text: str, folded: bytes | None) -> list[tuple[int, int]]:
        """``(start, end)`` of the compounds of ``text`` (matches of ``WORD_RE``, exactly as a
        whole scan finds them) that may hold a matched token, in order: found in ``folded``
        (``_folded(text)``), or all of them if that is None."""
        if folded is None:
            return [compound.span() for compound in WORD_RE.finditer(text)]
        # bytes.find per literal beats one regex of alternatives ~2x: the regex tries every
        # alternative wherever a letter of the text starts one.
        found: list[int] = []
        for literal in self.literals:
            i = folded.find(literal)
            while i != -1:
                found.append(i)
                i = folded.find(literal, i + len(literal))
        for head in self.phrase_heads.values():
            # Where a phrase may be; searched on from the end of the compound of its first word,
            # as the next phrase may begin with the word after it.
            place = head.search(folded)
            while place is not None:
                found.append(place.start())
                place = head.search(folded, _FOLDED_TAIL_RE.match(folded, place.start()).end())
        i = folded.find(b"-")
        while i != -1:
            if 0 < i < len(folded) - 1 and folded[i - 1] in _ALNUM and folded[i + 1] in _ALNUM:
                found.append(i)  # a hyphen inside a compound (a joined form starts before it)
            i = folded.find(b"-", i + 1)
        if not found:
            return []
        found.sort()
        compounds: list[tuple[int, int]] = []
        end, reversed_folded = 0, None
        for i in found:
            if i < end:  # in the compound just found
                continue
            start = i
            if start and (folded[start - 1] in _ALNUM
                          or (folded[start - 1] == 45 and start > 1 and folded[start - 2] in _ALNUM)):
                # Found inside a compound ("Canadaattended", "Pro-Tempore"): back to its start.
                if reversed_folded is None:
                    reversed_folded = folded[::-1]
                back = len(folded) - start
                start -= _FOLDED_COMPOUND_BACK_RE.match(reversed_folded, back).end() - back
            end = _FOLDED_TAIL_RE.match(folded, i).end()
            compounds.append((start, end))
        return compounds


@functools.lru_cache(maxsize=64)
def _matcher(english: bool, stems: frozenset[str], exact: frozenset[str],
             phrases: frozenset[tuple[str, ...]]) -> _Matcher:
    # A token is letters and digits: a term or phrase with anything else matches nothing.
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if all(_TOKEN_RE.fullmatch(word) for word in phrase):
            by_first.setdefault(phrase[0], []).append(phrase)
    # In the folded copy, a phrase is its words with no letter between them (glued words: nothing).
    heads = {first: re.compile(b"|".join(b"[^a-z0-9]*".join(w.encode() for w in phrase) for phrase in group))
             for first, group in by_first.items()}
    literals = {s[:-1] if s.endswith(("c", "y")) else s for s in stems if _LITERAL_RE.fullmatch(s)}
    kept = _shortest(literals | {e for e in exact if _TOKEN_RE.fullmatch(e)})
    while len(kept) > _MAX_LITERALS and len(longest := max(kept, key=len)) > 1:
        kept = _shortest({lit[:len(longest) - 1] for lit in kept})
    rules = ((ENGLISH_STOP_WORDS, stem_english) if english else (SPANISH_STOP_WORDS, stem_spanish))
    # kept == [""]: a one-letter stem ("c" may come from "z"), every token is a candidate
    literals = None if kept == [""] else tuple(lit.encode() for lit in kept)
    return _Matcher(stems, *rules, exact, by_first, heads, literals)


def _shortest(literals: set[str]) -> list[str]:
    """``literals`` without those that another one begins (they find nothing more)."""
    kept: list[str] = []
    for literal in sorted(literals):
        if not kept or not literal.startswith(kept[-1]):
            kept.append(literal)
    return kept


# --- the snippet ----------------------------------------------------------------------------------


def make_snippet(text: str, terms: HighlightTerms, language: str | None,
                 max_chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet: ``text`` escaped, matches in <mark>; the whole text if short, else a window
    around the densest run of matches, cut at word boundaries, with ellipses."""
    return _snippet(text, match_spans(text, terms, language) if terms else [], max_chars)


def make_snippets(texts: Iterable[tuple[str, str | None]], terms: HighlightTerms) -> list[str]:
    """``make_snippet`` of each (text, language) of a page of hits; the query's rules are looked
    up once per language, not once per hit."""
    rules: dict[bool, _Matcher] = {}
    snippets = []
    for text, language in texts:
        spans: list[tuple[int, int]] = []
        if terms:
            english = language == "en"
            matcher = rules.get(english)
            if matcher is None:
                matcher = rules[english] = _rules(terms, english)
            spans = _spans(text, matcher)
        snippets.append(_snippet(text, spans, SNIPPET_CHARS))
    return snippets


def _snippet(text: str, spans: list[tuple[int, int]], max_chars: int) -> str:
    start, end = 0, len(text)
    if len(text) > max_chars:
        ends = [e for _s, e in spans]
        start = _best_window(spans, ends, max_chars)
        end = min(len(text), start + max_chars)
        if start > 0:  # move to the next word boundary
            space = text.find(" ", start, start + 40)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", end - 40, end)
            end = space if space > start else end
        # Merged spans are sorted and disjoint: those in the window are a run from the first that
        # ends after its start, and only the first and the last may stick out of it.
        shown = []
        for s, e in spans[bisect_right(ends, start):]:
            if s >= end:
                break
            shown.append((s, e))
        if shown:
            shown[0] = (max(shown[0][0], start), shown[0][1])
            shown[-1] = (shown[-1][0], min(shown[-1][1], end))
        spans = shown
    out: list[str] = []
    cursor = start
    for s, e in spans:
        out += (text[cursor:s], "<mark>", text[s:e], "</mark>")
        cursor = e
    out.append(text[cursor:end])
    # Most windows hold nothing that html.escape changes: five C scans, not an escape per piece.
    window = text if end - start == len(text) else text[start:end]
    if "&" in window or "<" in window or ">" in window or '"' in window or "'" in window:
        out[::2] = [html.escape(piece) for piece in out[::2]]  # the text's pieces, not the tags
    snippet = "".join(out)
    if start > 0:
        snippet = "\u2026 " + snippet
    if end < len(text):
        snippet += " \u2026"
    return snippet.strip()


def _best_window(spans: list[tuple[int, int]], ends: list[int], width: int) -> int:
    """Start offset of a window of ``width`` chars holding the most matches (a little context before)."""
    if not spans:
        return 0
    # Merged spans do not overlap, so their ``ends`` grow with their starts: the spans from the i-th
    # on that end inside a window opened at its start are a run, counted by bisection.
    best_start, best_count = spans[0][0], 0
    for i, (s, _e) in enumerate(spans):
        count = bisect_right(ends, s + width - 40) - i
        if count > best_count:
            best_start, best_count = s, count
    return max(0, best_start - 40)
