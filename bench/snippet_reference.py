"""Snippets and highlighting as they were before the pre-filter of ``index.snippets``: every word of
the text tokenised and compared. The "before" of ``python -m bench.snippets`` and the oracle of
``tests/index/test_snippets_equivalence.py`` (the fast highlighter must give the same HTML)."""

from __future__ import annotations

import html

from index.analysis import (
    _PART_RE,
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    WORD_RE,
    _fold_word,
    glued_parts,
    joined_forms,
    stem_english,
    stem_spanish,
)
from index.snippets import SNIPPET_CHARS, HighlightTerms


def reference_tokens(text: str):
    """``index.analysis.iter_word_tokens`` as it was: the whole text scanned word by word."""
    pos = 0
    for match in WORD_RE.finditer(text):
        compound = match.group(0)
        base = match.start()
        if compound.isalnum():
            glued = glued_parts(compound) if len(compound) >= 5 else ()
            if glued:
                first_pos = pos
                for offset, part in glued:
                    for piece in _fold_word(part):
                        yield piece, pos, base + offset, base + offset + len(part), False
                        pos += 1
                yield "".join(_fold_word(compound)), first_pos, base, match.end(), True
                continue
            for piece in _fold_word(compound):
                yield piece, pos, base, match.end(), False
                pos += 1
            continue
        pieces: list[str] = []
        first_pos = pos
        for part in _PART_RE.finditer(compound):
            for piece in _fold_word(part.group(0)):
                pieces.append(piece)
                yield piece, pos, base + part.start(), base + part.end(), False
                pos += 1
        if len(pieces) > 1 and not all(p.isdigit() for p in pieces):
            for joined in joined_forms(pieces):
                yield joined, first_pos, match.start(), match.end(), True


def reference_spans(text: str, terms: HighlightTerms, language: str | None) -> list[tuple[int, int]]:
    english = language == "en"
    stems, stops, stem = ((terms.stems_en, ENGLISH_STOP_WORDS, stem_english) if english
                          else (terms.stems_es, SPANISH_STOP_WORDS, stem_spanish))
    spans: list[tuple[int, int]] = []
    sequence: list[tuple[str, int, int]] = []
    for token, _pos, start, end, joined in reference_tokens(text):
        if token in terms.exact or (stems and token not in stops and stem(token) in stems):
            spans.append((start, end))
        if not joined:
            sequence.append((token, start, end))
    if terms.phrases:
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


def reference_snippet(text: str, terms: HighlightTerms, language: str | None,
                      max_chars: int = SNIPPET_CHARS) -> str:
    spans = reference_spans(text, terms, language) if terms else []
    start, end = 0, len(text)
    if len(text) > max_chars:
        start = _reference_window(spans, max_chars)
        end = min(len(text), start + max_chars)
        if start > 0:
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


def _reference_window(spans: list[tuple[int, int]], width: int) -> int:
    if not spans:
        return 0
    best_start, best_count = spans[0][0], 0
    for i, (s, _e) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width - 40)
        if count > best_count:
            best_start, best_count = s, count
    return max(0, best_start - 40)
