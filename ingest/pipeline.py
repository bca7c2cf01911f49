"""From one file to its parsed report: extract -> language -> meeting metadata -> agreements.

``parse_file`` touches only the file it is given (and its sidecar); it knows nothing of the catalog, so it
can run in a worker process with a time and memory limit (see archive.ingesting).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from archive.models import Agreement, ExtractedText, ExtractionError, Meeting

from . import extract as extractors
from .glued import repair_glued
from .language import detect_language
from .metadata import read_meeting
from .sidecar import SIDECAR_SUFFIX, apply_sidecar, read_sidecar, sidecar_language
from .split import split_agreements

log = logging.getLogger(__name__)

# Bump when extraction, metadata or splitting change in a way that should re-read unchanged files.
PIPELINE_VERSION = "5"  # 2: paragraph units, metadata from the reading text, country_inferred; 3: month-first and
# abbreviated dates, the glossary's body forms, decimal ("2.1") and word ("PRIMERO:") numbering; 4: the observers'
# clause after ", y con", a country stated anywhere in the head, workshops and seminars as the "other" body; 5: "ACUERDO
# No. 1" / "Punto 1." points, "2.1.3" and "2.1.-" sub-points, section restarts under a numbered heading, Ø/§ bullets,
# lettered items of unnumbered reports, attendance lines and tables, dates in words, page furniture of .txt pages,
# footnote references parted in PDFs, an unknown body's title over a heading's body, titles continued after a bare heading


@dataclass(frozen=True)
class ParsedReport:
    format: str
    extracted: ExtractedText
    language: str | None
    meeting: Meeting
    agreements: tuple[Agreement, ...]


def warm_up() -> None:
    """Load what every parse needs once, before worker processes are forked, so they inherit it.

    langdetect reads its language profiles on first use: ~1.5 s that each forked worker would
    otherwise pay again (measured: first parse of a seed 1.56 s, the next 0.04 s).
    """
    detect_language("La Conferencia Regional sobre Migración acuerda lo siguiente.")
    # The word list that splits glued words: ~1.2 s and ~170,000 words, read once and shared by the forks.
    repair_glued("Canadaattended")


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def parse_file(path: Path) -> ParsedReport:
    """Parse one report file, applying the archivist's sidecar beside it when there is one."""
    try:
        sidecar = read_sidecar(path)
    except (OSError, ValueError) as e:
        raise ExtractionError(f"sidecar: {e}") from e
    fmt, extracted = extractors.extract(path)
    if not extracted.text.strip():
        raise ExtractionError("no text found")
    meeting = read_meeting(extracted.text)
    language = detect_language(extracted.text)
    if sidecar:
        try:
            meeting = apply_sidecar(meeting, sidecar)
            language = sidecar_language(sidecar) or language
        except ValueError as e:
            raise ExtractionError(f"sidecar: {e}") from e
    agreements = split_agreements(extracted.text, extracted.page_starts, ocr=bool(extracted.ocr_pages))
    if extracted.ocr_pages:
        ocr_pages = set(extracted.ocr_pages)
        agreements = [
            Agreement(a.label, a.text, a.parent, a.page, a.start, a.end, ocr=a.page in ocr_pages)
            for a in agreements
        ]
    return ParsedReport(fmt, extracted, language, meeting, tuple(agreements))
