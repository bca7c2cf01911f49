"""Assertions shared by the extractor tests: every seed paragraph, in order, with its marker."""

from __future__ import annotations

import re
from pathlib import Path

from archive.models import ExtractedText
from tests.fixtures_docs import Paragraph, paragraphs_of, read_seed

ROOT = Path(__file__).resolve().parents[3]
MANAGUA = ROOT / "corpus" / "000_cf50010547db6d03.txt"
TELA = ROOT / "corpus" / "003_5b39909ca16edb25.txt"
SEEDS = (MANAGUA, TELA)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def seed_paragraphs(seed: Path) -> list[Paragraph]:
    return paragraphs_of(read_seed(seed))


def assert_paragraphs_in_order(extracted: ExtractedText, paragraphs: list[Paragraph]) -> list[int]:
    """Each paragraph's text (marker included) occurs in the extraction after the previous one; numbered
    ones start a line. Returns the offset of each paragraph in the extracted text."""
    text = extracted.text
    flat = squeeze(text)
    # map offsets in the squeezed text back to the real text
    positions = [m.start() for m in re.finditer(r"\S+", text)]
    offsets: list[int] = []
    cursor = 0
    for para in paragraphs:
        wanted = squeeze(para.full_text)
        found = flat.find(wanted, cursor)
        assert found >= 0, f"missing or out of order: {wanted[:80]!r}"
        cursor = found + len(wanted)
        word_index = flat.count(" ", 0, found)
        offset = positions[word_index]
        if para.marker:
            line_start = text.rfind("\n", 0, offset) + 1
            assert not text[line_start:offset].strip(), f"marker not at line start: {wanted[:40]!r}"
        offsets.append(offset)
    return offsets


def split_labels(text: str, page_starts: tuple[int, ...]) -> list[str]:
    """Labels the real splitter gives the text."""
    from ingest.split import split_agreements

    return [a.label for a in split_agreements(text, page_starts)]
