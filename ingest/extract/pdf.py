"""PDF extractor: text in reading order, paragraphs rebuilt, page furniture dropped; two parsers, one contract.

Steps, each a small function:
1. pdfminer.six lays each page out into glyphs and lines (``_read_with_pdfminer``): line text is rebuilt
   from glyph positions (``glyphs.line_text``: letter-spaced runs joined, lost spaces put back), a page
   whose text runs sideways (``/Rotate``, a landscape table drawn turned) is laid out again turned upright,
   a rotated stamp in a margin is left out, and glyphs without Unicode (``(cid:N)``) never become text;
2. where pdfminer cannot open the file or a page, pdfium reads it (``pdfium_text``), and says so in a note;
3. a list marker drawn apart from its text ("1." then a tab) is put back on its line (``merge_marker_lines``);
4. running headers/footers and page numbers are dropped (``running_furniture``, ``drop_furniture``);
5. columns are read one after the other (``reading_order``), lines become paragraphs (``cleanup.join_lines``);
6. pages without a text layer, or whose glyphs have no Unicode map, go to OCR (``pages_needing_ocr``).
"""

from __future__ import annotations

import functools
import logging
import math
import statistics
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from archive.models import ExtractedText, ExtractionError

from . import pdfium_text
from .cleanup import (
    LayoutLine,
    furniture_key,
    is_page_number,
    join_lines_with_offsets,
    lines_from_plain_text,
    normalize_characters,
    remove_control_chars,
)
from .glyphs import UNMAPPED_SHARE, Glyph, is_unmapped, line_text, strip_cid
from .pdf_layout import (  # noqa: F401 - re-exported: the layout functions' tests import them from here
    EDGE_LINES,
    Flow,
    Line,
    Page,
    _text_extent,
    drop_furniture,
    layout_lines_of_page,
    merge_marker_lines,
    reading_order,
    running_furniture,
)
from .reasons import human_reason, pdfminer_notes

log = logging.getLogger(__name__)

# A page with fewer visible characters than this (after headers/footers are gone) has no usable text layer.
MIN_PAGE_CHARS = 20
# pdfminer's default layout parameters, with text inside Form XObjects (LTFigure) analysed too:
# some generators (and every "print to PDF" of a scanned+OCRed file) put the text there.
_LAPARAMS = dict(all_texts=True)
# A page is turned upright when most of its glyphs run sideways and there are enough of them to tell.
ROTATED_MIN_GLYPHS = 20


def extract(path: Path, lead: str = "pdfminer") -> ExtractedText:
    """Extract a PDF's text with page offsets; pdfium where pdfminer fails, OCR where there is no text layer.

    ``lead="pdfium"`` reads every page with pdfium (for bench/pdf_extraction.py, which measures whether
    pdfium should lead: the README says why it does not).
    """
    _check_file(path)
    notes: list[str] = []
    if lead == "pdfium":
        pages = pdfium_text.read_pages(path)
    else:
        with pdfminer_notes(notes):
            pages = _read_pages(path, notes)
    pages = [_with_lines(p, merge_marker_lines(p.lines)) for p in pages]
    heights = running_furniture([p for p in pages if p.lines])
    running = set(heights)
    for page in pages:
        page.lines = drop_furniture(page.lines, running, heights, page.height)

    ocr_text = _ocr_if_needed(path, pages, notes)
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
        if any(p.unmapped for p in pages):
            raise ExtractionError("no readable text: the fonts have no Unicode map and OCR found nothing")
        raise ExtractionError("no text found")
    offsets.append(len(text))
    page_starts = tuple(offsets[i] for i in first_line_of_page)
    used = tuple(sorted(n for n, (t, _) in ocr_text.items() if t.strip()))
    confidence = statistics.fmean(ocr_text[n][1] for n in used) if used else None
    parsers = tuple("ocr" if p.number in used else p.parser for p in pages)
    return ExtractedText(text=text, page_starts=page_starts, ocr_pages=used, ocr_confidence=confidence,
                         page_parsers=parsers, notes=tuple(dict.fromkeys(notes)))


def _with_lines(page: Page, lines: list[Line]) -> Page:
    return Page(page.number, lines, page.has_graphics, page.height, page.parser, page.unmapped)


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
    if b"%%EOF" not in tail and not _ends_before_trailing_data(path):
        # Without this check a cut-off download parses "fine" and silently loses its last pages.
        raise ExtractionError("damaged PDF: truncated (no %%EOF at the end)")


def _ends_before_trailing_data(path: Path) -> bool:
    """A complete PDF followed by more than 4 KB of other bytes (a mail footer, padding): its last %%EOF
    comes after a startxref, as in any complete file. Viewers read such files, so do we."""
    import mmap

    try:
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = data.rfind(b"%%EOF")
            return end > 0 and data.rfind(b"startxref", 0, end) >= 0
    except (OSError, ValueError):
        return False


def _read_pages(path: Path, notes: list[str]) -> list[Page]:
    """Every page, read by pdfminer where it can and by pdfium where it cannot (the whole file, or a page)."""
    try:
        pages, failed = _read_with_pdfminer(path)
    except _Unreadable as e:
        return _whole_file_with_pdfium(path, e.reason, notes)
    pdfium_count = pdfium_text.page_count(path)
    if pdfium_count is not None and pdfium_count > len(pages):
        # pdfminer lost part of the page tree (it then scans for page objects, and may find few or none).
        reason = "no pages found" if not pages else f"found {len(pages)} of {pdfium_count} pages"
        return _whole_file_with_pdfium(path, f"damaged PDF: {reason}", notes)
    if not pages:
        raise ExtractionError("damaged PDF: no pages")
    if failed:
        try:
            replacements = {p.number: p for p in pdfium_text.read_pages(path, failed)}
        except ExtractionError:
            replacements = {}
        for number, reason in failed.items():
            if number in replacements:
                pages[number - 1] = replacements[number]
                notes.append(f"page {number} read with pdfium ({reason})")
            else:
                notes.append(f"page {number} skipped: {reason}")
    return pages


class _Unreadable(Exception):
    """pdfminer cannot open the file; ``reason`` is the one-line reason to report if pdfium cannot either."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _whole_file_with_pdfium(path: Path, reason: str, notes: list[str]) -> list[Page]:
    try:
        pages = pdfium_text.read_pages(path)
    except ExtractionError:
        raise ExtractionError(reason) from None
    if not pages:
        raise ExtractionError(reason)
    notes.append(f"read with pdfium: pdfminer cannot ({reason})")
    return pages


def _read_with_pdfminer(path: Path) -> tuple[list[Page], dict[int, str]]:
    """Pages read by pdfminer, and the pages it failed on (number -> reason). Raises _Unreadable when the
    file itself cannot be opened, ExtractionError for what no parser would read (a password)."""
    # Imported here so that importing the registry stays cheap for the web process.
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pages: list[Page] = []
    failed: dict[int, str] = {}
    with path.open("rb") as file:
        try:
            # pdfminer tries the empty user password by default; owner-password-only PDFs open fine.
            document = PDFDocument(PDFParser(file))
            resources = PDFResourceManager(caching=True)
            device = _device_class()(resources, laparams=LAParams(**_LAPARAMS))
            interpreter = PDFPageInterpreter(resources, device)
            for number, pdf_page in enumerate(PDFPage.create_pages(document), start=1):
                try:
                    pages.append(_read_page(pdf_page, number, interpreter, device))
                except (RecursionError, MemoryError):
                    raise  # a bomb, not a damaged page: the worker reports it (pdfium would crash on it)
                except Exception as e:  # noqa: BLE001 - pdfminer raises anything on a broken page
                    log.debug("pdfminer failed on page %d of %s", number, path, exc_info=True)
                    failed[number] = human_reason(e)
                    pages.append(Page(number, parser="none"))
                    # A page that failed half-way leaves the device's stack of open figures behind.
                    device = _device_class()(resources, laparams=LAParams(**_LAPARAMS))
                    interpreter = PDFPageInterpreter(resources, device)
        except PDFPasswordIncorrect as e:
            raise ExtractionError("encrypted PDF (password required)") from e
        except PDFEncryptionError as e:
            raise _Unreadable(f"encrypted PDF ({human_reason(e, prefix='') or 'unsupported encryption'})") from e
        except (ExtractionError, RecursionError, MemoryError):
            raise
        except Exception as e:  # noqa: BLE001 - pdfminer raises PSEOF, KeyError, TypeError, ... on broken files
            log.debug("pdfminer failed on %s", path, exc_info=True)
            if not pages:
                raise _Unreadable(human_reason(e)) from e
            failed[len(pages) + 1] = human_reason(e)  # the page tree broke off: pdfium may read the rest
    return pages, failed


def _read_page(pdf_page, number: int, interpreter, device) -> Page:
    """One page laid out by pdfminer; laid out again turned upright when its text runs sideways."""
    interpreter.process_page(pdf_page)
    if device.sideways_turn:
        pdf_page.rotate = (pdf_page.rotate + device.sideways_turn) % 360
        interpreter.process_page(pdf_page)
    page, turn = _collect_page(device.get_result(), number)
    if turn is not None:  # turned text inside a form XObject, which the device does not look into
        pdf_page.rotate = (pdf_page.rotate + turn) % 360
        interpreter.process_page(pdf_page)
        page, _ = _collect_page(device.get_result(), number)
    return page


def _glyph_turn(char) -> int:
    """How far a glyph is turned from upright: 0, 90, 180 or 270 degrees (from its text matrix)."""
    a, b = char.matrix[0], char.matrix[1]
    return round(math.degrees(math.atan2(b, a)) / 90) * 90 % 360


@functools.cache
def _device_class():
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar

    class UprightAggregator(PDFPageAggregator):
        """pdfminer's page aggregator that looks at the glyphs before the layout analysis: a page whose
        glyphs mostly run sideways is not analysed (its grouping, every glyph a line of its own, costs
        seconds a page: measured 1.8 s against 30 ms upright) but turned and read again by the caller."""

        sideways_turn = 0

        def end_page(self, page) -> None:
            turns: dict[int, int] = {}
            for item in self.cur_item:
                if isinstance(item, LTChar) and not item.get_text().isspace():
                    turn = _glyph_turn(item)
                    turns[turn] = turns.get(turn, 0) + 1
            sideways = sum(n for t, n in turns.items() if t)
            self.sideways_turn = 0
            if sideways >= ROTATED_MIN_GLYPHS and sideways > turns.get(0, 0):
                self.sideways_turn = max((t for t in turns if t), key=turns.__getitem__)
                self.pageno += 1
                self.receive_layout(self.cur_item)  # unanalysed: the caller reads the page again
                return
            super().end_page(page)

    return UprightAggregator


def _collect_page(layout, number: int) -> tuple[Page, int | None]:
    """A Page from pdfminer's layout, and the turn (degrees) that would make its text upright when most
    of it runs sideways (else None: text inside figures is only seen here)."""
    page = Page(number, height=layout.height)
    tally = _GlyphTally()
    _collect(layout, page, tally)
    if tally.sideways >= ROTATED_MIN_GLYPHS and tally.sideways > tally.upright:
        return page, tally.dominant_turn()
    if tally.unmapped and tally.unmapped > UNMAPPED_SHARE * (tally.unmapped + tally.mapped):
        page.unmapped = True
        page.lines = []
    return page, None


class _GlyphTally:
    def __init__(self) -> None:
        self.upright = 0
        self.sideways = 0
        self.turns: dict[int, int] = {}
        self.mapped = 0
        self.unmapped = 0

    def dominant_turn(self) -> int:
        return max(self.turns, key=self.turns.__getitem__)


def _collect(container: Iterable, page: Page, tally: _GlyphTally) -> None:
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTTextBox, LTTextLine

    curves = 0
    for obj in container:
        if isinstance(obj, LTTextBox):
            _collect(obj, page, tally)
        elif isinstance(obj, LTTextLine):
            glyphs: list[Glyph] = []
            for char in obj:
                if not isinstance(char, LTChar):
                    continue  # LTAnno: pdfminer's guessed spaces; line_text decides from the gaps
                text = char.get_text()
                if is_unmapped(text):
                    tally.unmapped += 1
                elif not text.isspace():
                    tally.mapped += 1
                turn = _glyph_turn(char)
                if turn:
                    # Runs sideways or upside down: a margin stamp (left out) or a turned page (laid out again).
                    tally.sideways += 1
                    tally.turns[turn] = tally.turns.get(turn, 0) + 1
                    continue
                tally.upright += 1
                glyphs.append(Glyph(text, char.x0, char.x1, char.y1 - char.y0, char.y0))
            text = normalize_characters(remove_control_chars(line_text(glyphs))).strip()
            if text:
                page.lines.append(Line(text, obj.x0, obj.y0, obj.x1, obj.y1))
        elif isinstance(obj, LTFigure):
            _collect(obj, page, tally)
        elif isinstance(obj, LTImage):
            page.has_graphics = True
        elif isinstance(obj, LTCurve):
            curves += 1
    if curves >= 50:  # text drawn as outlines: no characters, but something to OCR
        page.has_graphics = True


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


def _ocr_if_needed(path: Path, pages: Sequence[Page], notes: list[str]) -> dict[int, tuple[str, float]]:
    counts = [sum(len(line.text.replace(" ", "")) for line in p.lines) for p in pages]
    # A page of glyphs without Unicode has text that cannot be read: it is as good as a scan.
    wanted = pages_needing_ocr(counts, [p.has_graphics or p.unmapped for p in pages])
    if not wanted:
        return {}
    unmapped = [p.number for p in pages if p.unmapped and p.number in wanted]
    has_text = any(c >= MIN_PAGE_CHARS for c in counts)
    try:
        from ingest.extract import ocr
    except ImportError as e:
        return _without_ocr(has_text, wanted, unmapped, f"OCR module unavailable: {e}", notes)
    try:
        results = ocr.ocr_pdf_pages(path, wanted)
    except ocr.OcrUnavailable as e:
        return _without_ocr(has_text, wanted, unmapped, human_reason(e, prefix="") or "OCR unavailable", notes)
    if unmapped:
        notes.append(f"{_pages(unmapped)} read by OCR: the fonts have no Unicode map")
    return {n: (strip_cid(normalize_characters(remove_control_chars(text))), conf)
            for n, (text, conf) in results.items()}


def _pages(numbers: Sequence[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else "pages " + ", ".join(map(str, numbers))


def _without_ocr(has_text: bool, wanted: list[int], unmapped: list[int], reason: str,
                 notes: list[str]) -> dict[int, tuple[str, float]]:
    if not has_text:
        if unmapped:
            raise ExtractionError(f"the fonts have no Unicode map, so the text needs OCR ({reason})")
        raise ExtractionError(f"no text layer; needs OCR ({reason})")
    # Some pages read fine; losing an image-only page (a signature, a logo) must not lose the report.
    if unmapped:
        notes.append(f"{_pages(unmapped)} left out: the fonts have no Unicode map and OCR is unavailable ({reason})")
    others = [n for n in wanted if n not in unmapped]
    if others:
        verb = "has no text layer and was" if len(others) == 1 else "have no text layer and were"
        notes.append(f"{_pages(others)} {verb} skipped: {reason}")
    return {}


def _ocr_layout_lines(text: str, running: set[str]) -> Iterator[LayoutLine]:
    lines = lines_from_plain_text(text)
    edges = {id(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]
             if is_page_number(line.text) or furniture_key(line.text) in running}
    return (line for line in lines if id(line) not in edges)
