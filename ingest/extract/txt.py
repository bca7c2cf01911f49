"""Placeholder: implemented by the extractor work."""

from pathlib import Path

from archive.models import ExtractedText, ExtractionError


def extract(path: Path) -> ExtractedText:
    raise ExtractionError("not implemented yet")
