"""Extractor for scanned page images (PNG, JPEG, TIFF): every page's text comes from OCR.

A multi-page TIFF (the usual output of office scanners and fax archives) is one report with one page per
frame. Pages are recognised in parallel by ``ingest.extract.ocr``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from archive.models import ExtractedText, ExtractionError

from .ocr import MAX_RENDER_DPI, Progress, ocr_images, resolution_of

log = logging.getLogger(__name__)

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
PAGE_SEPARATOR = "\n\n"  # a page break also ends a paragraph


def _pages(image: Image.Image) -> Iterator[tuple[int, Image.Image]]:
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        page = frame.copy()  # the iterator reuses one object; OCR needs each frame to stay itself
        dpi = resolution_of(page)
        if dpi is not None and dpi > MAX_RENDER_DPI:
            # Finer than tesseract needs: reducing saves OCR time and loses no accuracy.
            scale = MAX_RENDER_DPI / dpi
            page = page.resize((round(page.width * scale), round(page.height * scale)), Image.Resampling.LANCZOS)
            page.info["dpi"] = (MAX_RENDER_DPI, MAX_RENDER_DPI)
        yield number, page


def extract(path: Path, *, progress: Progress | None = None) -> ExtractedText:
    """The OCR text of a page image or multi-page TIFF, with page offsets and the mean OCR confidence.

    Raises OcrUnavailable when tesseract is missing, ExtractionError when the file is not a readable image
    or no text is recognised on any page.
    """
    try:
        with Image.open(path) as image:
            total = getattr(image, "n_frames", 1)
            results = ocr_images(_pages(image), total, progress=progress, source=path.name)
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise ExtractionError(f"{path.name} is not a readable image: {e}") from e
    except OSError as e:  # truncated or corrupt image data, unreadable file
        raise ExtractionError(f"cannot read image {path.name}: {e}") from e

    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    for number in sorted(results):
        text = results[number][0]
        page_starts.append(offset)
        parts.append(text)
        offset += len(text) + len(PAGE_SEPARATOR)
    confidences = [confidence for text, confidence in results.values() if text]
    if not confidences:
        raise ExtractionError(f"no text recognised in {path.name} ({total} page(s))")
    return ExtractedText(
        text=PAGE_SEPARATOR.join(parts),
        page_starts=tuple(page_starts),
        ocr_pages=tuple(sorted(results)),
        ocr_confidence=round(sum(confidences) / len(confidences), 1),
    )
