"""Plain-text extractor: decode whatever encoding the file is in, then clean it.

Reports saved as .txt between 1996 and 2017 come as UTF-8 (with or without BOM), UTF-16 from Windows
"Unicode" saves, cp1252 from Windows editors, latin-1, and now and then Mac Roman. No chardet: the order
below is enough because UTF-8 almost never decodes by accident, and cp1252 is checked for plausibility.
Form feeds (pdftotext output keeps one per page) become page boundaries, and the page furniture at their edges
("Página 3 de 10", "- 3 -", a footer repeated on most pages) is dropped, as the PDF extractor drops it.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from archive.models import ExtractedText, ExtractionError

from .cleanup import clean_text, find_running_lines, furniture_key, is_page_number
from .pdf_layout import EDGE_LINES

log = logging.getLogger(__name__)

# Refuse to read absurdly large "text" files whole; CRM reports are a few hundred KB at most.
MAX_BYTES = 64 * 1024 * 1024

# Magic numbers of formats people rename to .txt by mistake.
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"GIF8", b"\xff\xd8\xff",
                 b"II*\x00", b"MM\x00*", b"\x7fELF", b"MZ", b"{\\rtf")
# Share of control characters (other than \t \n \r \f) above which a decoded file is not text.
MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# cp1252's 0x80-0x9f typographic characters; between two letters they betray Mac Roman (ó=0x97 -> "—").
_CP1252_PUNCT_IN_WORD = re.compile(r"(?<=[^\W\d_])[‚ƒ„…†‡ˆ‰‹Œ“”•–—˜™›]|[‚ƒ„†‡ˆ‰‹Œ“”•–—˜™›](?=[^\W\d_])")
_SPANISH = re.compile("[áéíóúñÁÉÍÓÚÑüÜ¿¡]")
# UTF-8 read as cp1252 somewhere upstream ("MigraciÃ³n"): "Ã" or "Â" followed by a continuation character.
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def extract(path: Path) -> ExtractedText:
    """Read a text file in any of the encodings above into an ``ExtractedText`` (one page per form feed)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ExtractionError(f"text file too large ({path.stat().st_size // 2**20} MB)")
        data = path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from e
    text = decode_text(data)
    pages = [clean_text(page) for page in text.split("\x0c")]
    return _assemble(without_page_furniture(pages))


def without_page_furniture(pages: list[str]) -> list[str]:
    """The pages without the page numbers and running lines among their first and last lines.

    Only with two pages or more (a single page gives no evidence of repetition, and its last line "3" may be
    text); the first page keeps its top lines, which hold the title that a running header may repeat."""
    if len([page for page in pages if page.strip()]) < 2:
        return pages
    split = [page.split("\n") for page in pages]

    def edges(lines: list[str]) -> tuple[list[int], list[int]]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return filled[:EDGE_LINES], filled[-EDGE_LINES:]

    running = find_running_lines([[lines[i] for i in top + bottom] for lines in split for top, bottom in [edges(lines)]])
    out = []
    for n, lines in enumerate(split):
        top, bottom = edges(lines)
        furniture = {i for i in (bottom if n == 0 else top + bottom)
                     if is_page_number(lines[i]) or furniture_key(lines[i]) in running}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in furniture).strip("\n"))
    return out


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text file; ``ExtractionError`` when they are not text.

    Order: BOM (UTF-32/UTF-16/UTF-8), BOM-less UTF-16 (NULs in every other byte), strict UTF-8, cp1252
    with a plausibility check (else Mac Roman), latin-1 last (it never fails).
    """
    if not data.strip():
        raise ExtractionError("no text found")
    if data.startswith(_BINARY_MAGIC):
        raise ExtractionError("not a text file (binary content)")
    text = _decode_by_bom(data) or _decode_bomless_utf16(data) or _decode_8bit(data)
    # A stray NUL or two is damage in a text file (removed later); many control characters mean binary.
    if len(_CONTROL.findall(text)) > max(3, MAX_CONTROL_SHARE * len(text)):
        raise ExtractionError("not a text file (binary content)")
    return text


def _decode_by_bom(data: bytes) -> str | None:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            # A BOM is a promise; broken sequences after it are damage, not a different encoding.
            return data.decode(encoding, errors="replace")
    return None


def _decode_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: Latin-script text has a NUL in almost every high byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    if odd.count(0) > 0.4 * half and even.count(0) < 0.05 * half:
        return data.decode("utf-16-le", errors="replace")
    if even.count(0) > 0.4 * half and odd.count(0) < 0.05 * half:
        return data.decode("utf-16-be", errors="replace")
    return None


def _decode_8bit(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _repair_mojibake(text)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves 0x81 0x8d 0x8f 0x90 0x9d undefined; latin-1 maps them to C1 controls, removed later.
        log.debug("not cp1252, reading as latin-1")
        return data.decode("latin-1")
    if _CP1252_PUNCT_IN_WORD.search(text):
        mac = data.decode("mac_roman")
        # "Norte–Sur" is fine cp1252; only switch when Mac Roman turns the oddities into Spanish letters.
        mac_letters, cp_letters = len(_SPANISH.findall(mac)), len(_SPANISH.findall(text))
        if mac_letters >= 2 and mac_letters > 2 * cp_letters:
            log.debug("cp1252 puts punctuation inside words; reading as Mac Roman")
            return mac
    return text


def _repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-read-as-cp1252 when the text is full of it and the repair is clean."""
    if len(_MOJIBAKE.findall(text)) < 3:
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    log.debug("repaired UTF-8 mojibake")
    return repaired


def _assemble(pages: list[str]) -> ExtractedText:
    """Join cleaned pages with a blank line and record where each starts; empty overall is an error."""
    if not any(page.strip() for page in pages):
        raise ExtractionError("no text found")
    if len(pages) > 1 and not pages[-1].strip():
        pages = pages[:-1]  # a trailing form feed ends the last page, it does not open a new one
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for i, page in enumerate(pages):
        if i:
            parts.append("\n\n")
            offset += 2
        starts.append(offset)
        parts.append(page)
        offset += len(page)
    return ExtractedText(text="".join(parts), page_starts=tuple(starts))
