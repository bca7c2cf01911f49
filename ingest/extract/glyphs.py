"""Text of one PDF line from its glyphs: where the spaces go, and which glyphs carry no text.

Pure functions of small glyph records, so the rules are tested table-driven without PDFs:

- ``line_text``: spaces from the gaps between glyphs, measured against the line's own gaps. pdfminer puts a
  space wherever a gap exceeds a fixed share of the glyph size, so letter-spaced headings come out as
  "C o m p a n i a" and tightly set words glued ("Stripthecable"); here a line whose letters are all
  spread by about the same amount is read as tracked text (only the larger gaps are spaces), and in
  ordinary text a gap a little above the letters' own spacing already is a space.
- ``line_text`` also parts a footnote reference, digits set smaller and raised ("Técnica¹"), from the word it
  follows: glued, "Técnica1" was one word and a search for "técnica" missed it.
- ``is_unmapped``: a glyph the font gives no Unicode for: pdfminer's ``(cid:N)`` or a private-use code point.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

_CID = re.compile(r"\(cid:\d+\)")

# A page whose glyphs are more than this share without Unicode is read like a scan (OCR), by either parser.
UNMAPPED_SHARE = 0.5

# A gap wider than the letters' usual spacing by this share of the glyph size is a word space. Measured on
# reportlab Helvetica: letters touch (gap 0.00), a space is 0.28 of the size; pdfminer's own threshold is
# about 0.115 (0.1 of the glyph box), which misses the tight spacing some generators use between words.
WORD_GAP = 0.08
# Letter-spaced ("tracked") text: the median gap between letters is at least this share of the size, and
# most gaps are within TRACKING_SPREAD of the median.
TRACKING_MIN = 0.1
TRACKING_SPREAD = 0.35
# In tracked text a word space adds about a space's width (0.25-0.3 of the size) to the tracking.
TRACKED_WORD_GAP = 0.15


@dataclass(frozen=True)
class Glyph:
    """One drawn glyph of a horizontal line: its text (one or more characters), extent and size."""

    text: str
    x0: float
    x1: float
    size: float
    y0: float | None = None  # the bottom of the glyph's box, when the parser gives it (superscripts are raised)


def is_unmapped(text: str) -> bool:
    """A glyph with no real text: ``(cid:N)`` (no Unicode map) or a private-use code point."""
    if _CID.fullmatch(text):
        return True
    return len(text) == 1 and _private_use(text)


def _private_use(char: str) -> bool:
    code = ord(char)
    return 0xE000 <= code <= 0xF8FF or code >= 0xF0000


def strip_cid(text: str) -> str:
    """Remove ``(cid:N)`` tokens (a last guard: they must never reach the catalog or the index)."""
    return _CID.sub("", text)


def word_gap_threshold(gaps: Sequence[float], size: float) -> float:
    """The gap above which two glyphs of a line belong to two words."""
    size = max(size, 1.0)
    usable = sorted(g for g in gaps if g < 1.5 * size)  # a tab stop is a space whatever the rule
    if len(usable) < 3:
        return 0.12 * size  # too few gaps to learn from: about pdfminer's own rule
    median = statistics.median(usable)
    near = sum(1 for g in usable if abs(g - median) <= TRACKING_SPREAD * median)
    if median >= TRACKING_MIN * size and near >= 0.6 * len(usable):
        return median + max(TRACKED_WORD_GAP * size, 0.5 * median)
    letters = statistics.median(usable[: max(1, (len(usable) + 1) // 2)])  # the smaller half: inside words
    return max(letters, 0.0) + WORD_GAP * size


def line_text(glyphs: Sequence[Glyph]) -> str:
    """The text of a line's glyphs with spaces where the gaps say a word ends (see the module docstring).

    Space glyphs drawn by the PDF are kept as spaces; ``(cid:N)`` glyphs are left out.
    """
    if not glyphs:
        return ""
    # An unmapped glyph keeps its place (its neighbours are not two words) but gives no text.
    drawn = [Glyph("", g.x0, g.x1, g.size, g.y0) if _CID.fullmatch(g.text) else g for g in glyphs]
    size = statistics.median(g.size for g in drawn)
    gaps = [b.x0 - a.x1 for a, b in zip(drawn, drawn[1:]) if not a.text.isspace() and not b.text.isspace()]
    threshold = word_gap_threshold(gaps, size)
    raised = _superscripts(drawn, size)
    out = [drawn[0].text]
    for i, (a, b) in enumerate(zip(drawn, drawn[1:]), 1):
        if not a.text.isspace() and not b.text.isspace() and (b.x0 - a.x1 > threshold or (i in raised and i - 1 not in raised)):
            out.append(" ")
        out.append(b.text)
    return "".join(out)


# A footnote reference: digits at most this share of the line's size, their bottom raised by this share of it.
SUPERSCRIPT_SIZE = 0.85  # Word draws superscripts at about 2/3 of the size, reportlab at 0.8
SUPERSCRIPT_RISE = 0.2


def _superscripts(glyphs: Sequence[Glyph], size: float) -> set[int]:
    """Indices of the digits set as superscripts (smaller and raised above the line's baseline)."""
    bottoms = [g.y0 for g in glyphs if g.y0 is not None and not g.text.isspace() and g.size > SUPERSCRIPT_SIZE * size]
    if not bottoms:
        return set()
    base = statistics.median(bottoms)
    return {
        i for i, g in enumerate(glyphs)
        if i and g.text.isdigit() and g.y0 is not None and g.size <= SUPERSCRIPT_SIZE * size
        and g.y0 >= base + SUPERSCRIPT_RISE * size
    }
