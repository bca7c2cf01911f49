"""One contract for every file format: ``extract(path) -> ExtractedText``, found through one registry.

Adding a format = adding one module with an ``extract`` function and one line in ``EXTRACTORS``.
Extractors raise ``ExtractionError`` with a one-line reason; they never return empty text silently.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archive.models import ExtractedText, UnsupportedFormat

from . import docx, image, pdf, txt

Extractor = Callable[[Path], ExtractedText]

# Bump when an extractor reads files differently (a file that failed before is then tried again).
# 2: pdfium fallback, unmapped glyphs, rotation, letter spacing, running-header rules (issue 14).
EXTRACTOR_VERSION = "2"

# format name -> extractor; the format name is what the catalog records.
EXTRACTORS: dict[str, Extractor] = {
    "pdf": pdf.extract,
    "txt": txt.extract,
    "docx": docx.extract,
    "image": image.extract,  # page images (scans), read by OCR
}

# file suffix -> format name
SUFFIXES: dict[str, str] = {
    ".pdf": "pdf",
    ".txt": "txt",
    ".text": "txt",
    ".docx": "docx",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def format_of(path: Path) -> str | None:
    """The format name of a file by its suffix, or None when no extractor handles it."""
    return SUFFIXES.get(path.suffix.lower())


def extract(path: Path) -> tuple[str, ExtractedText]:
    """Extract a file's text with the extractor for its format."""
    fmt = format_of(path)
    if fmt is None:
        raise UnsupportedFormat(f"unsupported file type {path.suffix or '(no suffix)'!r}")
    return fmt, EXTRACTORS[fmt](path)
