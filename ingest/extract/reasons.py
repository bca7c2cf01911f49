"""What the PDF parsers' errors and warnings mean, in short sentences for the person running the ingest.

pdfminer raises whatever its parser met (``PSEOF``, ``KeyError``, ``PDFSyntaxError('Invalid dictionary
construct: [/'Water', 32, 0, …]')``) and logs warnings without saying which file they concern. The ingest
shows the reason of a failure and the notes of a file beside its name, so they are translated here: one
line, no Python repr, and an unsupported feature is not called damage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

DAMAGED = "damaged PDF: "

# (pattern on "ExceptionType: message", reason without the "damaged PDF: " prefix); first match wins.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), r) for p, r in (
    (r"NoValidXRef|xref|startxref|trailer", "broken object table"),
    (r"^PSEOF|unexpected EOF|end of file", "the file ends in the middle of an object"),
    (r"No /Root|catalog", "no document catalog"),
    (r"Invalid dictionary construct|dict|literal required|list required|Invalid|Syntax|PSTypeError",
     "malformed object"),
    (r"ObjectNotFound|KeyError|unknown object|Object .* not found", "refers to objects that are missing"),
    (r"zlib|decompress|Decode", "a compressed stream is corrupt"),
    (r"font|cmap", "a font cannot be read"),
))
_UNSUPPORTED_FILTER = re.compile(r"Unsupported filter: /?'?([A-Za-z0-9]+)")
_UNSUPPORTED_PREDICTOR = re.compile(r"Unsupported predictor")

# pdfminer warnings worth a note (pattern -> note); every other pdfminer message is noise for an archivist
# ("Could not get FontBBox from font descriptor", "Cannot set gray non-stroke color because ..."), kept at
# debug level in the worker's log.
_NOTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Data-loss while decompressing corrupted data", re.IGNORECASE),
     "part of the file is corrupt: some text may be missing"),
    (re.compile(r"Unsupported filter|not supported|unsupported", re.IGNORECASE),
     "uses a feature this reader does not support: some text may be missing"),
)


def human_reason(error: BaseException, prefix: str = DAMAGED) -> str:
    """One short sentence for an exception a parser raised on a file."""
    message = " ".join(str(error).split())
    described = f"{type(error).__name__}: {message}"
    if m := _UNSUPPORTED_FILTER.search(described):
        return f"uses a compression this reader does not support ({m.group(1)})"
    if _UNSUPPORTED_PREDICTOR.search(described):
        return "uses a compression variant this reader does not support (predictor)"
    for pattern, reason in _REASONS:
        if pattern.search(described):
            return prefix + reason
    if prefix != DAMAGED:  # a message of our own (e.g. OCR), already a sentence
        return message[:160]
    return prefix + "unreadable structure"


class _Collect(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            return
        message = record.getMessage()
        for pattern, note in _NOTES:
            if pattern.search(message):
                self.notes.append(note)
                return
        logging.getLogger(__name__).debug("pdfminer: %s", message[:200])


@contextmanager
def pdfminer_notes(notes: list[str]) -> Iterator[None]:
    """While extracting one file: pdfminer's warnings become notes of that file (or are dropped as noise)
    instead of anonymous lines on stderr."""
    logger = logging.getLogger("pdfminer")
    handler = _Collect(notes)
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = propagate, level
