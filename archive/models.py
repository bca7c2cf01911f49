"""Domain types of the archive: one place, frozen dataclasses, passed around instead of dicts.

Data flow: a file -> ``ExtractedText`` (ingest.extract) -> ``Meeting`` (ingest.metadata) and
``Agreement`` units (ingest.split) -> a ``Report`` stored in the catalog (archive.catalog) -> indexed (index).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
import datetime as dt

PREAMBLE = "preamble"
# The body key of a meeting or workshop of no body the glossary knows (its name is kept as written).
OTHER_BODY = "other"


class ArchiveError(Exception):
    """Base of the domain errors; the CLI and the web translate them at the edge."""


class ExtractionError(ArchiveError):
    """A file could not be turned into text. The message says why, in one line."""


class UnsupportedFormat(ExtractionError):
    """No extractor is registered for this kind of file."""


class NotFound(ArchiveError):
    """A report or agreement id that the catalog does not know."""


@dataclass(frozen=True)
class ExtractedText:
    """The text of one file, with where each page starts.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins; formats without pages
    (plain text, Word) have a single page starting at 0. ``ocr_confidence`` is the mean OCR word
    confidence (0-100) when any text came from OCR, else None; ``ocr_pages`` lists those pages (1-based).
    ``page_parsers[i]`` names what read page ``i + 1`` ("pdfminer", "pdfium", "ocr"; empty for formats
    without pages); ``notes`` are one-line remarks for the ingest log ("page 3 read with pdfium: ...").
    """

    text: str
    page_starts: tuple[int, ...] = (0,)
    ocr_pages: tuple[int, ...] = ()
    ocr_confidence: float | None = None
    page_parsers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def page_at(self, offset: int) -> int:
        """1-based page number of a character offset."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    @property
    def page_count(self) -> int:
        return len(self.page_starts)


@dataclass(frozen=True)
class Agreement:
    """One searchable unit of a report: the preamble, a point, a sub-point or a bullet item.

    Labels: ``preamble``, ``1``, ``2.a``, ``2.a.i``; bullets under point 3 are ``3-1``, ``3-2``
    (a hyphen so they can never be read as a number or a letter). A report that numbers nothing is
    split into paragraphs ``p1``, ``p2``, ... with bullets under paragraph (or heading) 3 as ``p3-1``:
    a "p" never occurs in a document's own numbering, is URL-safe and cites as "párrafo 3" /
    "paragraph 3". ``parent`` is the label of the
    unit this one belongs to (None for the preamble and top-level points). ``start``/``end`` are
    offsets into the report's extracted text; ``text`` is the stripped text of that span, marker included.
    """

    label: str
    text: str
    parent: str | None = None
    page: int | None = None
    start: int = 0
    end: int = 0
    ocr: bool = False

    @property
    def depth(self) -> int:
        if self.label == PREAMBLE:
            return 0
        return 1 + self.label.count(".") + self.label.count("-")


@dataclass(frozen=True)
class Country:
    """A country as the text writes it and its canonical key (e.g. ``mexico``)."""

    as_written: str
    key: str


@dataclass(frozen=True)
class Meeting:
    """What a report says about its meeting. Every field is None/empty when the text does not say it."""

    title: str | None = None
    body: str | None = None  # as written, e.g. "Red de Funcionarios de Enlace para el Combate ..."
    body_key: str | None = None  # canonical key from ingest.bodies, e.g. "red_trafico_trata"
    number: int | None = None  # "XIX Reunión Viceministerial" -> 19
    city: str | None = None
    country: str | None = None  # canonical Spanish name, e.g. "Nicaragua"
    date: dt.date | None = None
    date_end: dt.date | None = None
    participants: tuple[Country, ...] = ()
    observers: tuple[str, ...] = ()
    # True when the text names only the city and the country comes from the venue table
    # (archive/data/venues.json), never silently: the export says so.
    country_inferred: bool = False

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def display_title(self, language: str | None = "es") -> str:
        """The title, or one composed from what is known, in ``language`` (see ``ingest.titles``)."""
        from ingest.titles import display_title  # the composition needs the glossary's body names

        return display_title(self, language)


@dataclass(frozen=True)
class Report:
    """A report as the catalog holds it."""

    id: str
    source: str  # the file name as ingested
    sha256: str
    format: str  # "pdf", "txt", "docx", "image"
    language: str | None
    meeting: Meeting
    agreements: tuple[Agreement, ...] = ()
    text: str = ""
    page_starts: tuple[int, ...] = (0,)
    ocr_confidence: float | None = None
    ingested_at: str | None = None
    size: int = 0

    @property
    def year(self) -> int | None:
        return self.meeting.year

    def agreement(self, label: str) -> Agreement | None:
        return next((a for a in self.agreements if a.label == label), None)


@dataclass
class IngestSummary:
    """Outcome of one ingest run: counts per outcome and one message per failure."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    # unchanged files whose last parse failed, not parsed again (file, reason); also in ``unchanged``
    failed_before: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, note) of the files archived
    # files inside the folders walked of a type no extractor reads (file, reason); not failures
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every file is archived: nothing failed now, and nothing is known to fail."""
        return not self.failed and not self.failed_before


@dataclass(frozen=True)
class Commitment:
    """A deadline one unit of a report sets: by when, what it says, and who must act.

    ``due`` is the last day to act (ISO in exports); ``due_window`` the (first, last) day of a period
    such as "la última semana de abril de 2015", else None. A deadline without a date ("antes de la
    próxima reunión") has ``due`` None and its words in ``relative``. ``phrase`` is the deadline as
    written, ``sentence`` the sentence holding it; ``actors`` are glossary keys of who must act, in order.
    ``start``/``end`` are the phrase's offsets in the unit's text.
    """

    label: str
    due: dt.date | None
    due_window: tuple[dt.date, dt.date] | None
    relative: str | None
    phrase: str
    sentence: str
    actors: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
