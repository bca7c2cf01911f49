"""PDF extractor (pdfminer.six): text in reading order, paragraphs rebuilt, page furniture dropped.

Steps, each a small function:
1. pdfminer lays each page out into text lines with positions (``_read_pages``);
2. a list marker drawn apart from its text ("1." then a tab) is put back on its line (``merge_marker_lines``);
3. running headers/footers (lines recurring at the page edges) and page numbers are dropped (``drop_furniture``);
4. two-column regions are read left column then right column (``reading_order``);
5. lines become paragraphs, end-of-line hyphenation undone, across page breaks too (``cleanup.join_lines``);
6. pages without a text layer go to the OCR hook (``pages_needing_ocr`` decides which).
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive.models import ExtractedText, ExtractionError

from .cleanup import (
    MARKER_ONLY,
    LayoutLine,
    collapse_spaces,
    ends_like_paragraph,
    find_running_lines,
    furniture_key,
    is_page_number,
    join_lines_with_offsets,
    lines_from_plain_text,
    normalize_characters,
    remove_control_chars,
    starts_with_list_marker,
)

log = logging.getLogger(__name__)

# A page with fewer visible characters than this (after headers/footers are gone) has no usable text layer.
MIN_PAGE_CHARS = 20
# How many lines at the top and at the bottom of a page can be running headers/footers.
EDGE_LINES = 3
# pdfminer's default layout parameters, with text inside Form XObjects (LTFigure) analysed too:
# some generators (and every "print to PDF" of a scanned+OCRed file) put the text there.
_LAPARAMS = dict(all_texts=True)


@dataclass(frozen=True)
class Line:
    """One text line on a page; PDF coordinates (y grows upwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int  # 1-based
    lines: list[Line] = field(default_factory=list)
    has_graphics: bool = False  # images or much vector drawing: a blank-looking page may be a scan


@dataclass(frozen=True)
class Flow:
    """Lines read in sequence within one column (or the full width), with the column's horizontal extent."""

    lines: tuple[Line, ...]
    left: float
    right: float
    columns: bool = False  # part of a two-column stretch (else full width)


def extract(path: Path) -> ExtractedText:
    """Extract a PDF's text with page offsets; OCR for pages that have no text layer."""
    _check_file(path)
    pages = _read_pages(path)
    if not pages:
        raise ExtractionError("damaged PDF: no pages")
    pages = [Page(p.number, merge_marker_lines(p.lines), p.has_graphics) for p in pages]
    running = find_running_lines([_edge_texts(p.lines) for p in pages if p.lines])
    heights = running_heights(pages, running)
    for page in pages:
        page.lines = drop_furniture(page.lines, running, heights)

    ocr_text = _ocr_if_needed(path, pages)
    layout_lines: list[LayoutLine] = []
    first_line_of_page: list[int] = []
    text_left, text_right = _text_extent(pages)
    for page in pages:
        first_line_of_page.append(len(layout_lines))
        if page.number in ocr_text:
            layout_lines.extend(_ocr_layout_lines(ocr_text[page.number][0], running))
        else:
            layout_lines.extend(layout_lines_of_page(page.lines, text_left, text_right))
    text, offsets = join_lines_with_offsets(layout_lines)
    if not text.strip():
        raise ExtractionError("no text found")
    offsets.append(len(text))
    page_starts = tuple(offsets[i] for i in first_line_of_page)
    used = tuple(sorted(n for n, (t, _) in ocr_text.items() if t.strip()))
    confidence = statistics.fmean(ocr_text[n][1] for n in used) if used else None
    return ExtractedText(text=text, page_starts=page_starts, ocr_pages=used, ocr_confidence=confidence)


# --- reading the file ---------------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    """Cheap checks that give clearer reasons than pdfminer's exceptions would."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(1024)
            f.seek(max(0, size - 4096))
            tail = f.read()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from e
    if size == 0:
        raise ExtractionError("damaged PDF: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise ExtractionError("damaged PDF: not a PDF file (no %PDF header)")
    if b"%%EOF" not in tail:
        # Without this check a cut-off download parses "fine" and silently loses its last pages.
        raise ExtractionError("damaged PDF: truncated (no %%EOF at the end)")


def _read_pages(path: Path) -> list[Page]:
    # Imported here so that importing the registry stays cheap for the web process.
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[Page] = []
    try:
        # pdfminer tries the empty user password by default; owner-password-only PDFs open fine.
        for number, layout in enumerate(extract_pages(path, laparams=LAParams(**_LAPARAMS)), start=1):
            page = Page(number)
            _collect(layout, page)
            pages.append(page)
    except PDFPasswordIncorrect as e:
        raise ExtractionError("encrypted PDF (password required)") from e
    except PDFEncryptionError as e:
        raise ExtractionError(f"encrypted PDF ({_short_reason(e) or 'unsupported encryption'})") from e
    except ExtractionError:
        raise
    except Exception as e:  # noqa: BLE001 - pdfminer raises PSEOF, KeyError, TypeError, ... on broken files
        log.debug("pdfminer failed on %s", path, exc_info=True)
        raise ExtractionError(f"damaged PDF: {_short_reason(e) or type(e).__name__}") from e
    return pages


def _short_reason(error: Exception) -> str:
    reason = " ".join(str(error).split())
    return reason[:120]


def _collect(container: Iterable, page: Page) -> None:
    from pdfminer.layout import LTCurve, LTFigure, LTImage, LTTextBox, LTTextLine

    curves = 0
    for obj in container:
        if isinstance(obj, LTTextBox):
            _collect(obj, page)
        elif isinstance(obj, LTTextLine):
            text = normalize_characters(remove_control_chars(obj.get_text())).strip()
            if text:
                page.lines.append(Line(text, obj.x0, obj.y0, obj.x1, obj.y1))
        elif isinstance(obj, LTFigure):
            _collect(obj, page)
        elif isinstance(obj, LTImage):
            page.has_graphics = True
        elif isinstance(obj, LTCurve):
            curves += 1
    if curves >= 50:  # text drawn as outlines: no characters, but something to OCR
        page.has_graphics = True


# --- per-page layout (pure functions of lines) ------------------------------------------------------------


def merge_marker_lines(lines: Sequence[Line]) -> list[Line]:
    """Put a list marker drawn apart from its text ("1." then a tab stop) back at the start of that text.

    pdfminer sees a marker and its text as two lines when the gap between them is wider than a few
    characters, which is how Word renders numbered lists with a hanging indent.
    """
    replaced: dict[int, Line] = {}
    absorbed: set[int] = set()
    for i, marker in enumerate(lines):
        if not MARKER_ONLY.match(marker.text):
            continue
        best: int | None = None
        for j, other in enumerate(lines):
            if j == i or j in absorbed or MARKER_ONLY.match(other.text):
                continue
            same_baseline = abs(other.y0 - marker.y0) < 0.5 * max(marker.height, 1.0)
            gap = other.x0 - marker.x1
            if same_baseline and -1.0 <= gap < 120.0 and (best is None or other.x0 < lines[best].x0):
                best = j
        if best is not None:
            body = lines[best]
            replaced[i] = Line(f"{marker.text} {body.text}", marker.x0, min(marker.y0, body.y0), body.x1,
                               max(marker.y1, body.y1))
            absorbed.add(best)
    return [replaced.get(i, line) for i, line in enumerate(lines) if i not in absorbed]


def _top_down(lines: Iterable[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (-round(line.y1, 0), line.x0))


def _edges(lines: Sequence[Line]) -> list[Line]:
    ordered = _top_down(lines)
    if len(ordered) <= 2 * EDGE_LINES:
        # Short pages: only the very first and last lines can be furniture.
        return ordered[:1] + ordered[-1:] if len(ordered) > 1 else ordered
    return ordered[:EDGE_LINES] + ordered[-EDGE_LINES:]


def _edge_texts(lines: Sequence[Line]) -> list[str]:
    return [line.text for line in _edges(lines)]


def drop_furniture(lines: Sequence[Line], running: set[str],
                   heights: dict[str, list[float]] | None = None) -> list[Line]:
    """Remove page numbers and running header/footer lines found at the top or bottom of a page.

    ``heights``: where each running line sits on the pages (y). When given, a line is furniture only at
    one of those heights: the report title on page 1 often reads like the running header of the other
    pages ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN") but sits lower, and the metadata reader needs it.
    """
    def is_running(line: Line) -> bool:
        key = furniture_key(line.text)
        if key not in running:
            return False
        return heights is None or any(abs(line.y0 - y) <= 3.0 for y in heights.get(key, ()))

    furniture = {id(line) for line in _edges(lines) if is_page_number(line.text) or is_running(line)}
    return [line for line in lines if id(line) not in furniture]


def running_heights(pages: Sequence[Page], running: set[str]) -> dict[str, list[float]]:
    """For each running key, the y positions where it recurs at a page edge on two pages or more."""
    seen: dict[str, list[float]] = {}
    for page in pages:
        for line in _edges(page.lines):
            key = furniture_key(line.text)
            if key in running:
                seen.setdefault(key, []).append(round(line.y0))
    return {key: [y for y in set(ys) if sum(abs(y - other) <= 3.0 for other in ys) >= 2]
            for key, ys in seen.items()}


def reading_order(lines: Sequence[Line], text_left: float | None = None,
                  text_right: float | None = None) -> list[Flow]:
    """Split a page's lines into flows read one after the other.

    A line is left (ends before the middle of the text area), right (starts after it) or full width.
    Where left and right lines sit side by side, that stretch is two columns: all its left lines, then
    all its right lines. Full-width lines (titles, single-column text) end such a stretch. A lone
    right-aligned line (a date) is not side by side with anything, so it stays in top-down order. A run
    of three or more lines in one half that mostly reach the same right edge is a column too, even with
    nothing beside it (the last page of a two-column text).
    ``text_left``/``text_right``: the body's extent over the document, since one page may be half empty.
    """
    if not lines:
        return []
    left_edge = min([line.x0 for line in lines] + ([text_left] if text_left is not None else []))
    right_edge = max([line.x1 for line in lines] + ([text_right] if text_right is not None else []))
    middle = (left_edge + right_edge) / 2
    tolerance = 0.02 * (right_edge - left_edge)
    ordered = _top_down(lines)
    sides = ["L" if line.x1 <= middle + tolerance else "R" if line.x0 >= middle - tolerance else "F"
             for line in ordered]

    def beside(i: int) -> bool:
        a = ordered[i]
        return any({sides[i], sides[j]} == {"L", "R"}
                   and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.3 * min(a.height, b.height)
                   for j, b in enumerate(ordered))

    result: list[Flow] = []
    full: list[Line] = []  # the full-width flow being filled

    def close_full() -> None:
        if full:
            result.append(Flow(tuple(full), left_edge, right_edge))
            full.clear()

    def add_column(column: list[Line]) -> None:
        if column:
            result.append(Flow(tuple(column), min(x.x0 for x in column), max(x.x1 for x in column), True))

    def flush(block: list[int]) -> None:
        twin = [i for i in block if beside(i)]
        if twin:
            top = ordered[twin[0]].y1
            head = [i for i in block if ordered[i].y0 > top]
            full.extend(ordered[i] for i in head)
            close_full()
            rest = [i for i in block if i not in head]
            for column in ("L", "R"):
                add_column([ordered[i] for i in rest if sides[i] == column])
        elif _lone_column([ordered[i] for i in block]):
            close_full()
            add_column([ordered[i] for i in block])
        else:
            full.extend(ordered[i] for i in block)

    block: list[int] = []
    for i, line in enumerate(ordered):
        if sides[i] == "F":
            flush(block)
            block = []
            full.append(line)
        else:
            block.append(i)
    flush(block)
    close_full()
    return result


def _lone_column(lines: Sequence[Line]) -> bool:
    """Lines that all sit in one half and mostly end at one right edge: column text, not short lines."""
    if len(lines) < 3:
        return False
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    reaching = sum(1 for line in lines if line.x1 >= right - 0.15 * (right - left))
    return reaching >= 0.6 * len(lines)


def layout_lines_of_page(lines: Sequence[Line], text_left: float | None = None,
                         text_right: float | None = None) -> list[LayoutLine]:
    """A page's lines in reading order, marked with paragraph starts (vertical gaps) and ends (short lines).

    ``text_left``/``text_right``: the body's extent over the whole document, so that a page holding only a
    few short lines is still measured against the real column width.
    """
    flows = reading_order(lines, text_left, text_right)
    if not flows:
        return []
    heights = [line.height for flow in flows for line in flow.lines if line.height > 0]
    typical = statistics.median(heights) if heights else 10.0
    result: list[LayoutLine] = []
    previous: Line | None = None
    for flow in flows:
        width = max(flow.right - flow.left, 1.0)
        for k, line in enumerate(flow.lines):
            # A gap counts only going down the page; jumping to the top of the next column continues the text.
            gap = previous.y0 - line.y1 if previous is not None else 0.0
            paragraph = previous is not None and 0.5 * typical < gap
            fill = (line.x1 - flow.left) / width
            span = (line.x1 - line.x0) / width
            neighbours = flow.lines[max(0, k - 1):k] + flow.lines[k + 1:k + 2]
            ends = ends_like_paragraph(line.text, fill, span) or _centred(line, neighbours, flow.left, width)
            result.append(LayoutLine(collapse_spaces(line.text), paragraph_before=paragraph, ends_paragraph=ends))
            previous = line
    return result


def _centred(line: Line, neighbours: Sequence[Line], left: float, width: float) -> bool:
    """A centred title line: indented, as far from the right edge as from the left, and not sharing its
    left edge with the lines around it (indented paragraph lines do share it)."""
    indent = (line.x0 - left) / width
    gap = (left + width - line.x1) / width
    return (indent > 0.1 and abs(indent - gap) < 0.03 and not starts_with_list_marker(line.text)
            and all(abs(other.x0 - line.x0) > 2.0 for other in neighbours))


def _text_extent(pages: Sequence[Page]) -> tuple[float | None, float | None]:
    """The left and right edges of the body text over the document (pages of five lines or more)."""
    full = [p.lines for p in pages if len(p.lines) >= 5]
    if not full:
        return None, None
    return min(line.x0 for lines in full for line in lines), max(line.x1 for lines in full for line in lines)


# --- OCR ----------------------------------------------------------------------------------------------------


def pages_needing_ocr(char_counts: Sequence[int], has_graphics: Sequence[bool],
                      min_chars: int = MIN_PAGE_CHARS) -> list[int]:
    """1-based numbers of the pages to OCR: too little text, and something drawn on them.

    A page with neither text nor images is a blank separator page: OCR would only cost time. When no
    page of the document has any text, every page is sent (a scan whose images pdfminer could not see).
    """
    if not any(char_counts):
        return list(range(1, len(char_counts) + 1))
    return [n for n, (chars, drawn) in enumerate(zip(char_counts, has_graphics), start=1)
            if chars < min_chars and drawn]


def _ocr_if_needed(path: Path, pages: Sequence[Page]) -> dict[int, tuple[str, float]]:
    counts = [sum(len(line.text.replace(" ", "")) for line in p.lines) for p in pages]
    wanted = pages_needing_ocr(counts, [p.has_graphics for p in pages])
    if not wanted:
        return {}
    has_text = any(c >= MIN_PAGE_CHARS for c in counts)
    try:
        from ingest.extract import ocr
    except ImportError as e:
        return _without_ocr(has_text, wanted, f"OCR module unavailable: {e}")
    try:
        results = ocr.ocr_pdf_pages(path, wanted)
    except ocr.OcrUnavailable as e:
        return _without_ocr(has_text, wanted, _short_reason(e) or "OCR unavailable")
    return {n: (normalize_characters(remove_control_chars(text)), conf) for n, (text, conf) in results.items()}


def _without_ocr(has_text: bool, wanted: list[int], reason: str) -> dict[int, tuple[str, float]]:
    if not has_text:
        raise ExtractionError(f"no text layer; needs OCR ({reason})")
    # Some pages read fine; losing an image-only page (a signature, a logo) must not lose the report.
    log.warning("pages %s have no text layer and were skipped: %s", wanted, reason)
    return {}


def _ocr_layout_lines(text: str, running: set[str]) -> Iterator[LayoutLine]:
    lines = lines_from_plain_text(text)
    edges = {id(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]
             if is_page_number(line.text) or furniture_key(line.text) in running}
    return (line for line in lines if id(line) not in edges)
