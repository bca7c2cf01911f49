"""OCR of page images with the ``tesseract`` command: the text of scanned reports.

Used by the PDF extractor for pages without a text layer (``ocr_pdf_pages``) and by the image extractor
(``ingest.extract.image``). Tesseract runs as a subprocess (no Python binding needed); its TSV output gives
every word with its position and confidence, from which the text is laid out the way the rest of the
pipeline expects: one line per paragraph, hyphenation at line ends undone, list markers ("1.", "a)", "•")
and heading lines starting their own line, a blank line between paragraphs.

Choices, measured on the two seed reports typeset, rotated 0.7° and noised (tests/scans.py), 2-core machine:

* Language ``spa+eng``. Character error rate at 200 dpi: Spanish pages 0.22-0.59 % with ``spa+eng``,
  0.26-0.59 % with ``spa``, 2.3-3.1 % with ``eng`` (accents lost); an English page 0.19 % with ``spa+eng``,
  0.37 % ``spa``, 0.50 % ``eng``. Both models together are best in both languages of the CRM archive, at
  about 1.5x the time of one model; a first pass to pick one language would cost a page's OCR to save less.
* Page segmentation ``--psm 3`` (automatic): same error rate as ``--psm 4``, and ``--psm 6`` (one uniform
  block) is worse (0.44-1.09 %) on pages with headings.
* PDF pages rendered at their scan's own resolution (see ``render_resolution``); 300 dpi otherwise.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from archive.models import ExtractionError

from .cleanup import LayoutLine, clean_text, join_lines

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image

log = logging.getLogger(__name__)

TESSERACT_ENV = "CRM_ARCHIVE_TESSERACT"  # executable name or path; default "tesseract" on PATH
TIMEOUT_ENV = "CRM_ARCHIVE_OCR_TIMEOUT"  # seconds per page
DEFAULT_LANG = "spa+eng"
RENDER_DPI = 300  # for pages that are not one scanned image (e.g. text drawn as outlines)
MIN_RENDER_DPI = 72
MAX_RENDER_DPI = 400
SPECKLED_PAGE_DENSITY = 0.0002  # 0.02 % of pixels: ~750 specks on a 200-dpi letter page
PAGE_SEGMENTATION = 3
# A 200-dpi seed page took 5-12 s here (shared 2-core machine); a page running 3 minutes is stuck, not slow.
DEFAULT_PAGE_TIMEOUT_S = 180.0

Progress = Callable[[int, int], None]


class OcrUnavailable(ExtractionError):
    """Tesseract, or the language data OCR needs, is not installed. The message says what to install."""


INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng"


def tesseract_executable() -> str:
    """The tesseract command to run: ``$CRM_ARCHIVE_TESSERACT`` or ``tesseract`` from PATH."""
    return os.environ.get(TESSERACT_ENV) or "tesseract"


def page_timeout() -> float:
    """Seconds one page may take: ``$CRM_ARCHIVE_OCR_TIMEOUT`` or the default."""
    raw = os.environ.get(TIMEOUT_ENV)
    try:
        return float(raw) if raw else DEFAULT_PAGE_TIMEOUT_S
    except ValueError:
        log.warning("ignoring %s=%r: not a number of seconds", TIMEOUT_ENV, raw)
        return DEFAULT_PAGE_TIMEOUT_S


@functools.lru_cache(maxsize=8)
def _installed_languages(executable: str) -> frozenset[str]:
    try:
        listed = subprocess.run(
            [executable, "--list-langs"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as e:
        raise OcrUnavailable(f"tesseract at {executable} does not run ({e}); reinstall it ({INSTALL_HINT})") from e
    # The first line is a header ("List of available languages in ..."); the rest are codes.
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())


def require_tesseract(lang: str = DEFAULT_LANG) -> str:
    """The path of a tesseract that has every language in ``lang`` (e.g. ``spa+eng``), else OcrUnavailable."""
    name = tesseract_executable()
    executable = shutil.which(name)
    if executable is None:
        raise OcrUnavailable(f"tesseract is not installed (no {name!r} on PATH): {INSTALL_HINT}")
    missing = [code for code in lang.split("+") if code not in _installed_languages(executable)]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code.replace('_', '-').lower()}" for code in missing)
        raise OcrUnavailable(
            f"tesseract language data {'+'.join(missing)} is not installed: apt-get install {packages}"
        )
    return executable


# --- images -------------------------------------------------------------------------------------------


def to_grayscale(image: Image.Image) -> Image.Image:
    """The page as 8-bit grayscale fit for OCR, whatever the mode of the scan.

    Transparent areas become white paper (a plain convert would make them black), and 16-bit scans are
    scaled down rather than clipped (a plain convert clips everything above 255 to white).
    """
    from PIL import Image as PILImage

    if image.mode == "L":
        return image
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        paper = PILImage.new("RGBA", image.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(paper, image.convert("RGBA")).convert("L")
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("L")


def resolution_of(image: Image.Image) -> int | None:
    """The image's dpi when its file says (and says something plausible); else None and tesseract estimates."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 2400 else None


def speck_density(image: Image.Image) -> float:
    """Share of the page's pixels that are isolated dark specks (dust, toner, a worn platen).

    A dark pixel whose 3x3 neighbourhood is otherwise light is a speck; letters are never one pixel. Typeset
    seed pages measure 0.000-0.001 %, the same pages with 0.4 % pepper noise 0.31-0.34 %, at 100-300 dpi.
    """
    from PIL import ImageChops, ImageFilter

    gray = to_grayscale(image)
    dark = gray.point(lambda v: 255 if v < 128 else 0)
    alone = dark.filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v <= 40 else 0)
    return ImageChops.multiply(dark, alone).histogram()[255] / max(1, gray.width * gray.height)


def despeckle(image: Image.Image, dpi: int | None) -> Image.Image:
    """A 3x3 median filter for speckled pages, else the page as is (grayscale).

    Specks next to a list marker turn "e." into "- e.." and lose sub-points. Median-filtered, the Managua
    seed at 200 dpi with specks read with 0.11 % character errors instead of 0.75 % (and every sub-point
    found); on a clean page the filter costs a little (0.05 % -> 0.11 %), hence only when there are specks.
    Below 150 dpi strokes are 1-2 px wide and the filter would erode letters, so it is not applied there.
    """
    from PIL import ImageFilter

    gray = to_grayscale(image)
    if (dpi is None or dpi >= 150) and speck_density(gray) > SPECKLED_PAGE_DENSITY:
        return gray.filter(ImageFilter.MedianFilter(3))
    return gray


def _prepare(image: Image.Image, dpi: int | None) -> bytes:
    # PGM: no compression to spend time on, and leptonica reads it from stdin.
    buffer = io.BytesIO()
    despeckle(image, dpi).save(buffer, format="PPM")
    return buffer.getvalue()


# --- layout of the recognised words -------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    width: int
    confidence: float

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    height: int

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return self.words[-1].right

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


Paragraph = tuple[Line, ...]


def parse_tsv(tsv: str) -> list[Paragraph]:
    """Tesseract's TSV output as paragraphs of lines of words, in reading order."""
    lines: dict[tuple[str, ...], list[Word]] = {}
    heights: dict[tuple[str, ...], int] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        level, page, block, par, line = cells[:5]
        key = (page, block, par, line)
        if level == "4":
            heights[key] = int(cells[9])
        elif level == "5" and cells[11].strip() and float(cells[10]) >= 0:
            lines.setdefault(key, []).append(
                Word(cells[11].strip(), int(cells[6]), int(cells[8]), float(cells[10]))
            )
    paragraphs: dict[tuple[str, ...], list[Line]] = {}
    for key, words in lines.items():
        paragraphs.setdefault(key[:3], []).append(Line(tuple(words), heights.get(key, 0)))
    return [tuple(paragraph) for paragraph in paragraphs.values()]


def _space_width(paragraph: Paragraph) -> float:
    gaps = [b.left - a.right for line in paragraph for a, b in pairwise(line.words) if b.left > a.right]
    if gaps:
        return median(gaps)
    return 0.3 * max((line.height for line in paragraph), default=30)


def layout_lines(paragraphs: Sequence[Paragraph]) -> list[LayoutLine]:
    """Recognised lines as ``cleanup.LayoutLine`` records, with where the paragraph breaks are.

    Tesseract's own paragraphs start new paragraphs. Inside one, a line was broken on purpose (a heading,
    "Managua, Nicaragua" above the date, the end of a list item) when the first word of the next line
    would have fitted after it: word wrap only moves a word down when it does not fit. Such a break is
    marked as a paragraph break, so it survives any later re-joining of lines (the PDF extractor passes OCR
    text through ``cleanup.lines_from_plain_text``).
    """
    records: list[LayoutLine] = []
    for paragraph in paragraphs:
        right_edge = max(line.right for line in paragraph)
        space = _space_width(paragraph)
        records.append(LayoutLine(paragraph[0].text, paragraph_before=True))
        for previous, line in pairwise(paragraph):
            would_have_fitted = previous.right + space + line.words[0].width <= right_edge
            records.append(LayoutLine(line.text, paragraph_before=would_have_fitted))
    return records


def layout_text(paragraphs: Sequence[Paragraph]) -> str:
    """The text of recognised paragraphs, through the cleanup every extractor shares: wrapped lines
    joined, hyphens at line ends undone, list markers starting a line, a blank line between paragraphs."""
    return clean_text(join_lines(layout_lines(paragraphs)))


def mean_confidence(paragraphs: Sequence[Paragraph]) -> float:
    """Mean word confidence, 0-100; 0.0 when nothing was recognised."""
    confidences = [word.confidence for paragraph in paragraphs for line in paragraph for word in line.words]
    return sum(confidences) / len(confidences) if confidences else 0.0


# --- running tesseract --------------------------------------------------------------------------------


def _recognise(
    executable: str, image: Image.Image, dpi: int | None, lang: str, timeout: float, what: str
) -> tuple[str, float]:
    """Runs in a worker thread: Pillow's filters release the GIL, tesseract is a process of its own."""
    pgm = _prepare(image, dpi)
    command = [executable, "-", "stdout", "-l", lang, "--psm", str(PAGE_SEGMENTATION)]
    if dpi:
        command += ["--dpi", str(dpi)]
    command.append("tsv")
    # One thread per tesseract: pages run in parallel across cores instead, which scales better than
    # tesseract's OpenMP inside one page (and two OpenMP pools on two cores thrash).
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    started = time.monotonic()
    try:
        done = subprocess.run(command, input=pgm, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise ExtractionError(f"OCR of {what} timed out after {timeout:g} s") from e
    except OSError as e:
        raise OcrUnavailable(f"tesseract could not be started for {what} ({e}): {INSTALL_HINT}") from e
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExtractionError(f"OCR of {what} failed: {reason[-1] if reason else f'exit {done.returncode}'}")
    paragraphs = parse_tsv(done.stdout.decode("utf-8", "replace"))
    text, confidence = layout_text(paragraphs), mean_confidence(paragraphs)
    log.debug("OCR of %s: %d chars, confidence %.1f, %.1f s", what, len(text), confidence,
              time.monotonic() - started)
    return text, confidence


def ocr_image(image: Image.Image, lang: str = DEFAULT_LANG, *, timeout: float | None = None) -> tuple[str, float]:
    """OCR one page image: its text and mean word confidence (0-100)."""
    executable = require_tesseract(lang)
    return _recognise(executable, image, resolution_of(image), lang,
                      timeout or page_timeout(), "the image")


# Where pages report progress when the caller passes no callback: the ingest worker process sets this
# so a long OCR shows per-page progress on the command line (see archive.ingesting).
page_progress: Progress | None = None


def ocr_images(
    numbered_images: Iterable[tuple[int, Image.Image]],
    total: int,
    *,
    lang: str = DEFAULT_LANG,
    dpi: int | None = None,
    progress: Progress | None = None,
    timeout: float | None = None,
    source: str = "",
) -> dict[int, tuple[str, float]]:
    """OCR page images in parallel, one tesseract per core: page number -> (text, mean confidence).

    ``numbered_images`` is consumed lazily in this thread (so a PDF renderer, which is not thread-safe, can
    produce it) and only a few pages are held at once. ``progress(done, total)`` is called after each page.
    ``dpi`` overrides the resolution written in the images. Errors name the page: "page 3 of x.pdf".
    """
    executable = require_tesseract(lang)
    progress = progress or page_progress
    timeout = timeout or page_timeout()
    workers = os.cpu_count() or 1
    results: dict[int, tuple[str, float]] = {}
    started = time.monotonic()
    pending: dict[Future[tuple[str, float]], int] = {}
    images: Iterator[tuple[int, Image.Image]] = iter(numbered_images)
    exhausted = False
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        try:
            while True:
                # Keep every core busy plus one page ready, without rendering the whole document up front.
                while not exhausted and len(pending) <= workers:
                    try:
                        number, image = next(images)
                    except StopIteration:
                        exhausted = True
                        break
                    what = f"page {number}" + (f" of {source}" if source else "")
                    # A copy: the worker must not share pixels with a PDF bitmap or a TIFF frame being read.
                    page = to_grayscale(image).copy()
                    future = pool.submit(_recognise, executable, page, dpi or resolution_of(image), lang, timeout, what)
                    pending[future] = number
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    results[pending.pop(future)] = future.result()
                    if progress is not None:
                        progress(len(results), total)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    elapsed = time.monotonic() - started
    log.info("OCR of %d page(s)%s in %.1f s (%.2f pages/s)", len(results), f" of {source}" if source else "",
             elapsed, len(results) / elapsed if elapsed else 0.0)
    return results


def scan_resolution(page: pdfium.PdfPage) -> float | None:
    """The dpi at which the largest image on a PDF page is drawn (the scan's own resolution), if any."""
    import pypdfium2.raw as pdfium_c

    best_area, best_dpi = 0.0, None
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = image.get_bounds()
        area = abs(right - left) * abs(top - bottom)
        if area > best_area:
            metadata = image.get_metadata()
            best_area, best_dpi = area, max(metadata.horizontal_dpi, metadata.vertical_dpi)
    return best_dpi if best_dpi and best_dpi > 0 else None


def render_resolution(scan_dpi: float | None) -> int:
    """The dpi to render a page at for OCR: the scan's own resolution, else ``RENDER_DPI``.

    Re-sampling a scan enlarges its specks into letter-like blobs. Tela seed scanned at 100 dpi: 1.48 %
    character errors rendered at 100 dpi, 3.75 % at 200, 4.66 % at 300; at 150 dpi: 0.35 % / 1.92 % (200) /
    6.97 % (300); Managua at 200 dpi: 0.53 % at 200, 1.28 % at 300. Very fine scans are reduced to
    ``MAX_RENDER_DPI``, which only saves time.
    """
    if scan_dpi is None:
        return RENDER_DPI
    return max(MIN_RENDER_DPI, min(round(scan_dpi), MAX_RENDER_DPI))


def ocr_pdf_pages(
    path: Path,
    pages: Sequence[int],
    *,
    progress: Progress | None = None,
    lang: str = DEFAULT_LANG,
    dpi: int | None = None,
    timeout: float | None = None,
) -> dict[int, tuple[str, float]]:
    """OCR the given 1-based pages of a PDF: page -> (text, mean word confidence 0-100).

    Pages are rendered with pdfium (page rotation applied) at ``dpi``, by default at the resolution of the
    page's scanned image (``render_resolution``), and recognised in parallel.
    A page with no recognisable text maps to ("", 0.0). Raises OcrUnavailable when tesseract or its
    language data is missing, ExtractionError when the PDF cannot be rendered or a page fails or times out.
    """
    import pypdfium2 as pdfium

    require_tesseract(lang)  # before rendering anything
    if not pages:
        return {}
    try:
        document = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError) as e:
        raise ExtractionError(f"cannot open {path.name} for OCR: {e}") from e
    try:
        count = len(document)
        outside = [n for n in pages if not 1 <= n <= count]
        if outside:
            raise ExtractionError(f"{path.name} has {count} page(s); cannot OCR page(s) {outside}")

        def rendered() -> Iterator[tuple[int, Image.Image]]:
            for number in pages:
                page = document[number - 1]
                try:
                    page_dpi = dpi or render_resolution(scan_resolution(page))
                    image = page.render(scale=page_dpi / 72, grayscale=True).to_pil()
                    image.info["dpi"] = (page_dpi, page_dpi)
                except pdfium.PdfiumError as e:
                    raise ExtractionError(f"cannot render page {number} of {path.name}: {e}") from e
                finally:
                    page.close()
                yield number, image

        return ocr_images(rendered(), len(pages), lang=lang, progress=progress, timeout=timeout,
                          source=path.name)
    finally:
        document.close()
