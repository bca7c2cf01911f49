"""The second PDF parser: pdfium's text layer (pypdfium2), for files or pages pdfminer cannot read.

pdfminer stays first because its layout analysis (lines with font-size boxes, columns) is what the rest
of ``pdf.py`` is built on, and it reads the CRM reports right; pdfium is far more tolerant of broken files
(page trees without ``/Type``, damaged cross-reference tables, odd fonts) and about 10x faster (see
bench/RESULTS.md), so it takes over where pdfminer gives up. It returns the same ``Line`` records, one
per text rectangle pdfium reports (a run of text on one baseline), so headers, columns and paragraphs are
handled by the same layout code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from archive.models import ExtractionError

from .cleanup import normalize_characters, remove_control_chars
from .pdf_layout import Line, Page

log = logging.getLogger(__name__)

PARSER = "pdfium"


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
    textpage = page.get_textpage()
    width, height = page.get_size()
    result = Page(number, height=height, parser=PARSER)
    try:
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            text = textpage.get_text_bounded(left, bottom, right, top)
            text = normalize_characters(remove_control_chars(text)).replace("\r", " ").replace("\n", " ").strip()
            if text:
                result.lines.append(Line(text, left, bottom, right, top))
        result.has_graphics = any(obj.type in (2, 3) for obj in page.get_objects(max_depth=2))  # path, image
    finally:
        textpage.close()
        page.close()
    result.lines = merge_segments(result.lines)
    return result


def merge_segments(lines: list[Line]) -> list[Line]:
    """Join rectangles on one baseline that nearly touch (pdfium splits a line at font changes), keeping
    apart those a column gutter or a tab separates."""
    ordered = sorted(lines, key=lambda line: (-round(line.y0), line.x0))
    merged: list[Line] = []
    for line in ordered:
        last = merged[-1] if merged else None
        if (last is not None and abs(last.y0 - line.y0) < 0.3 * max(line.height, 1.0)
                and 0 <= line.x0 - last.x1 < 1.0 * max(line.height, 1.0)):
            merged[-1] = Line(f"{last.text} {line.text}", last.x0, min(last.y0, line.y0), line.x1,
                              max(last.y1, line.y1))
        else:
            merged.append(line)
    return merged
