"""The second PDF parser: pdfium's text layer (pypdfium2), for files or pages pdfminer cannot read.

pdfminer stays first because its layout analysis (lines with font-size boxes, columns) is what the rest
of ``pdf.py`` is built on, and it reads the CRM reports right; pdfium is far more tolerant of broken files
(page trees without ``/Type``, damaged cross-reference tables, odd fonts) and about 10x faster (see
bench/RESULTS.md), so it takes over where pdfminer gives up. It returns the same ``Line`` records, one
per run of glyphs on one row (grouped here from pdfium's glyph boxes, spaces from the gaps by the same
``glyphs.line_text`` as for pdfminer), so headers, columns and paragraphs are handled by the same layout
code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from archive.models import ExtractionError

from .cleanup import normalize_characters
from .glyphs import UNMAPPED_SHARE, Glyph, is_unmapped, line_text
from .pdf_layout import Line, Page

log = logging.getLogger(__name__)

PARSER = "pdfium"
UNMAPPED = "(cid:0)"  # what pdfminer writes for a glyph without Unicode; glyphs.line_text leaves it out


def page_count(path: Path) -> int | None:
    """How many pages pdfium finds, or None when it cannot open the file either."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        return len(document)
    finally:
        document.close()


def read_pages(path: Path, numbers: Iterable[int] | None = None) -> list[Page]:
    """The given pages (1-based; all when None) as positioned lines. Raises ExtractionError when pdfium
    cannot open the file (the caller then keeps pdfminer's reason, which is the more specific one)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise ExtractionError(f"pdfium cannot open the file ({e})") from e
    try:
        wanted = list(numbers) if numbers is not None else list(range(1, len(document) + 1))
        pages = []
        for number in wanted:
            if 1 <= number <= len(document):
                pages.append(_read_page(document[number - 1], number))
        return pages
    finally:
        document.close()


def _read_page(page, number: int) -> Page:
    import pypdfium2 as pdfium

    textpage = page.get_textpage()
    width, height = page.get_size()
    result = Page(number, height=height, parser=PARSER)
    try:
        glyphs = []
        unmapped = 0
        for index in range(textpage.count_chars()):
            char = chr(pdfium.raw.FPDFText_GetUnicode(textpage.raw, index) or 32)
            if char == "\x02":  # pdfium's mark for a hyphen that ends a line: the hyphen as drawn
                char = "-"
            if char.isspace() or not char.isprintable():
                continue  # pdfium's own guessed spaces and line breaks: line_text decides from the gaps
            if pdfium.raw.FPDFText_HasUnicodeMapError(textpage.raw, index):
                # The font has no Unicode for this glyph: pdfium would give a wrong letter without a sign
                # ("3DUWLFLSDURQ" for "Participaron"); like pdfminer's (cid:N), it is no text.
                char, unmapped = UNMAPPED, unmapped + 1
            elif is_unmapped(char):  # private use (a Symbol-font bullet is one): kept, but counted
                unmapped += 1
            left, bottom, right, top = textpage.get_charbox(index, loose=True)  # font-size boxes
            glyphs.append((normalize_characters(char), left, bottom, right, top))
        result.lines = lines_of_glyphs(glyphs)
        if unmapped > UNMAPPED_SHARE * len(glyphs):
            result.unmapped, result.lines = True, []
        result.has_graphics = any(obj.type in (2, 3) for obj in page.get_objects(max_depth=2))  # path, image
    finally:
        textpage.close()
        page.close()
    return result


def lines_of_glyphs(glyphs: list[tuple[str, float, float, float, float]]) -> list[Line]:
    """Glyphs (text, x0, y0, x1, y1) in content order grouped into lines, the way pdfminer groups them: the
    next glyph continues the line when it sits on the same row (its middle within the line's height) and
    not far to the right (a gap under 1.5 glyph heights; wider is a column gutter or a tab stop)."""
    runs: list[list[tuple[str, float, float, float, float]]] = []
    for glyph in glyphs:
        _, x0, y0, x1, y1 = glyph
        last = runs[-1][-1] if runs else None
        size = max(y1 - y0, 1.0)
        if (last is not None and last[2] <= (y0 + y1) / 2 <= last[4]
                and -0.5 * size <= x0 - last[3] < 1.5 * size):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    lines = []
    for run in runs:
        text = line_text([Glyph(t, x0, x1, y1 - y0, y0) for t, x0, y0, x1, y1 in run]).strip()
        if text:
            lines.append(Line(text, min(g[1] for g in run), min(g[2] for g in run), max(g[3] for g in run),
                              max(g[4] for g in run)))
    return lines
