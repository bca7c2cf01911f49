"""Snippets and highlighting: which spans of a unit's original (accented) text a query matched,
and the HTML snippet shown for a hit.

The highlighter compares the SAME folded tokens and stems the index holds (``index.analysis``), so
whatever a search found is highlighted; ``HighlightTerms`` is filled while the query is compiled.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from index.analysis import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, iter_word_tokens, stem_english, stem_spanish

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
    english = language == "en"
    stems, stops, stem = ((terms.stems_en, ENGLISH_STOP_WORDS, stem_english) if english
                          else (terms.stems_es, SPANISH_STOP_WORDS, stem_spanish))
    spans: list[tuple[int, int]] = []
    sequence: list[tuple[str, int, int]] = []  # the plain words, for phrase occurrences
    for token, _pos, start, end, joined in iter_word_tokens(text):
        if token in terms.exact or (stems and token not in stops and stem(token) in stems):
            spans.append((start, end))
        if not joined:
            sequence.append((token, start, end))
    if terms.phrases:
        # Where each word starts: a phrase is only tried where its first word is (an entity query
        # marks every form of the entity, ~5-10 phrases, each tried on every hit of the page).
        starts: dict[str, list[int]] = {}
        for i, (token, _start, _end) in enumerate(sequence):
            starts.setdefault(token, []).append(i)
        words = [token for token, _start, _end in sequence]
        for phrase in terms.phrases:
            n = len(phrase)
            for i in starts.get(phrase[0], ()):
                if tuple(words[i:i + n]) == phrase:
                    spans.append((sequence[i][1], sequence[i + n - 1][2]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, terms: HighlightTerms, language: str | None,
                 max_chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet: ``text`` escaped, matches in <mark>; the whole text if short, else a window
    around the densest run of matches, cut at word boundaries, with ellipses."""
    spans = match_spans(text, terms, language) if terms else []
    start, end = 0, len(text)
    if len(text) > max_chars:
        start = _best_window(spans, max_chars)
        end = min(len(text), start + max_chars)
        if start > 0:  # move to the next word boundary
            space = text.find(" ", start, start + 40)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", end - 40, end)
            end = space if space > start else end
        spans = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    out = ["\u2026 " if start > 0 else ""]
    cursor = start
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append(" \u2026")
    return "".join(out).strip()


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Start offset of a window of ``width`` chars holding the most matches (a little context before)."""
    if not spans:
        return 0
    best_start, best_count = spans[0][0], 0
    for i, (s, _e) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width - 40)
        if count > best_count:
            best_start, best_count = s, count
    return max(0, best_start - 40)
