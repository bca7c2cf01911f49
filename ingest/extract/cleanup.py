"""Text cleanup shared by the extractors: one place for the rules every format needs.

Pure functions of strings (and of small line records), so they are tested table-driven without files:

- ``clean_text``: newlines to ``\\n``, control characters out, Unicode to NFC, ligatures/odd spaces normalised;
- ``join_lines``: rebuild paragraphs from layout lines (PDF, OCR), repairing end-of-line hyphenation and
  keeping list markers ("1.", "a)", "•") at the start of a line so the splitter still sees them;
- ``is_page_number`` / ``furniture_key`` / ``find_running_lines``: recognise running headers, footers and page
  numbers that repeat on every page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.bullets import SYMBOL_BULLETS, UNMAPPED_BULLETS

# C0 controls except \t and \n, DEL, and the C1 block (what latin-1 makes of stray cp1252 bytes).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Zero-width characters and the BOM carry no text; a BOM in the middle of a file is a concatenation artefact.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# No-break and typographic spaces: the splitter's and the metadata reader's regexes expect a plain space.
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# PDF fonts often map ligature glyphs to the presentation-form code points ("ﬁ"); the index wants "fi".
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})

SOFT_HYPHEN = "\u00ad"

# A line that begins a list item: "1.", "12)", "a.", "b)", "(c)", "iv.", "IV.", "2.1", or a bullet.
# Numbers are limited to 3 digits so a wrapped line starting with a year ("2014. ...") is not a marker.
LIST_MARKER = re.compile(
    r"""^\s*(?:
        \(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|(?=[ivxIVX])[xX]{0,3}(?:ix|IX|iv|IV|[vV]?[iI]{0,3}))[.)]  # 1. 2.1. a) (b) iv.
        |\d{1,3}\.\d{1,3}                                               # 2.1 without the final dot
        |[·○□‣⁃▶*BULLETS]                                               # bullets (ingest.bullets), and these
        |[-–—]                                                          # dash bullets
    )(?=\s|$)""".replace("BULLETS", SYMBOL_BULLETS + UNMAPPED_BULLETS),
    re.VERBOSE,
)
# A line that is only a marker: PDFs often draw "1." apart from its text (hanging indent).
MARKER_ONLY = re.compile(LIST_MARKER.pattern + r"\s*$", re.VERBOSE)

_PAGE_NUMBER = re.compile(
    r"""^\s*[-–—]?\s*
        (?:(?:p[aá]g(?:ina)?|page|p)\.?\s*)?          # "Página", "Pág.", "Page", "p."
        \d{1,4}
        (?:\s*(?:de|of|/)\s*\d{1,4})?                 # "de 5", "of 5", "/5"
        \s*[-–—]?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = re.compile(r"[.:;!?)\]»”\"]\s*$")


def normalize_newlines(text: str) -> str:
    """CRLF, lone CR and the Unicode line/paragraph separators become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2029", "\n\n").replace("\u2028", "\n").replace("\x85", "\n")


def remove_control_chars(text: str) -> str:
    """Drop NULs and other control characters, keeping ``\\n`` and ``\\t``."""
    return _CONTROL_CHARS.sub("", text)


def normalize_characters(text: str) -> str:
    """NFC (PDFs and Mac files give decomposed accents), ligatures split, odd spaces made plain, invisibles out."""
    text = unicodedata.normalize("NFC", text).translate(_LIGATURES)
    return _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))


def clean_text(text: str) -> str:
    """The cleanup every extractor applies to its final text. Form feeds are handled by the caller first."""
    text = normalize_newlines(text).replace("\x0c", "\n")
    text = normalize_characters(remove_control_chars(text))
    return text.rstrip()


def collapse_spaces(line: str) -> str:
    """Runs of spaces/tabs inside a layout line become one space (PDF text has spacing artefacts)."""
    return _SPACES.sub(" ", line).strip()


def starts_with_list_marker(line: str) -> bool:
    return LIST_MARKER.match(line) is not None


def is_page_number(line: str) -> bool:
    """A line that is only a page number: "3", "- 3 -", "Página 3 de 5", "Pág. 3", "Page 3 of 5", "3/5"."""
    return _PAGE_NUMBER.match(line) is not None


def furniture_key(line: str) -> str:
    """How a header/footer line is compared across pages: case-folded, digits and spacing normalised,
    so "Informe 2014 - página 3" on page 3 matches the same line on page 4."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line.casefold())).strip()


def find_running_lines(page_edges: Sequence[Iterable[str]], *, min_share: float = 0.5) -> set[str]:
    """Furniture keys of lines that recur at the top/bottom of most pages.

    ``page_edges[i]`` holds the lines near the top and bottom edge of page i. A key counts once per page;
    it is running when it is on at least two pages and at least ``min_share`` of them (odd/even headers that
    alternate sit on about half the pages each, hence 0.5 rather than "every page").
    """
    if len(page_edges) < 2:
        return set()
    counts: Counter[str] = Counter()
    for edges in page_edges:
        counts.update({furniture_key(line) for line in edges if line.strip()})
    needed = max(2, int(min_share * len(page_edges) + 0.999))
    return {key for key, n in counts.items() if n >= needed and key}


@dataclass(frozen=True)
class LayoutLine:
    """One visual line of text, as an extractor saw it on a page.

    ``paragraph_before``: there is vertical space (or a blank line) before it, so it starts a paragraph.
    ``ends_paragraph``: the line stops well short of the column's right edge, so the break after it is real.
    A line that is neither is joined to the previous one with a space (or glued across a hyphen).
    """

    text: str
    paragraph_before: bool = False
    ends_paragraph: bool = False


def ends_like_paragraph(text: str, fill: float, span: float | None = None) -> bool:
    """Whether a line ends its paragraph, from how much of its column it covers.

    ``fill``: where the line stops, 0 (left edge) to 1 (right edge); ``span``: its own width over the
    column width (a centred title line stops right of the middle but spans little). A half-empty line
    always ends its paragraph (titles, dates, last lines); a line stopping somewhat short only when it ends
    with sentence punctuation, because ragged-right text stops short whenever the next word is long.
    """
    if fill < 0.55 or (span is not None and span < 0.55):
        return True
    return fill < 0.85 and _SENTENCE_END.search(text) is not None


# Words after which a sentence cannot stop: it goes on in the next line even across a gap.
_OPEN_ENDINGS = frozenset(
    "de del la las los el y e o u a al en con por para que sobre entre the of and or to in for on with by".split())


def continues_sentence(previous: str, line: str) -> bool:
    """Whether ``line`` plainly continues the sentence of ``previous``, so a gap between them is not a
    paragraph break (PDF writers with wide line spacing, or one text box per line).

    Yes when ``previous`` has no terminal punctuation and ``line`` starts in lowercase, or ``previous`` ends
    with a comma or a word a sentence cannot end on ("de", "y", "the") — how a list of names (the
    countries that took part) runs over several lines. Never before a list marker.
    """
    previous, line = previous.rstrip(), line.lstrip()
    if not previous or not line or starts_with_list_marker(line) or _SENTENCE_END.search(previous):
        return False
    if previous.endswith(","):
        return True
    last_word = previous.rsplit(None, 1)[-1].casefold()
    return line[0].islower() or last_word in _OPEN_ENDINGS


def _glue(previous: str, line: str) -> str:
    """How two lines of one paragraph meet: undo end-of-line hyphenation, else a space."""
    if previous.endswith(SOFT_HYPHEN):
        return previous[:-1] + line
    if len(previous) >= 2 and previous[-1] == "-" and previous[-2].isalnum():
        if line[:1].islower():
            # "migra-" + "ción": the hyphen was only there to break the word.
            return previous[:-1] + line
        # "Pro-" + "Tempore", "2014-" + "2020": a real compound that happened to break at its hyphen.
        return previous + line
    return previous + " " + line


def join_lines(lines: Sequence[LayoutLine]) -> str:
    """Rebuild paragraph text from layout lines.

    Lines of one paragraph are joined with a space (or across a hyphen); a line that starts with a list
    marker starts a new line even without space before it (sub-points are often single-spaced); a
    vertical gap gives a blank line. Soft hyphens are dropped.
    """
    return join_lines_with_offsets(lines)[0]


def join_lines_with_offsets(lines: Sequence[LayoutLine]) -> tuple[str, list[int]]:
    """``join_lines`` plus, for each input line, the offset in the result where its text begins
    (how the PDF extractor knows where each page starts). Empty lines get the offset of what follows."""
    out: list[str] = []
    size = 0
    offsets: list[int] = []
    pending = 0  # empty lines waiting for the offset of the next text
    previous: LayoutLine | None = None
    for line in lines:
        text = collapse_spaces(line.text)
        if text.endswith(SOFT_HYPHEN):
            text = text[:-1].replace(SOFT_HYPHEN, "") + SOFT_HYPHEN
        else:
            text = text.replace(SOFT_HYPHEN, "")
        if not text.strip(SOFT_HYPHEN):
            pending += 1
            continue
        if previous is None:
            piece = text
        elif line.paragraph_before:
            piece = "\n\n" + text
        elif previous.ends_paragraph or starts_with_list_marker(text):
            piece = "\n" + text
        else:
            glued = _glue(out[-1], text)
            size -= len(out[-1])
            out[-1] = glued
            size += len(glued)
            offsets.extend([size - len(text)] * (pending + 1))
            pending = 0
            previous = line
            continue
        out.append(piece)
        size += len(piece)
        offsets.extend([size - len(text)] * (pending + 1))
        pending = 0
        previous = line
    text = "".join(out)
    if text.endswith(SOFT_HYPHEN):
        text = text[:-1]
    offsets.extend([len(text)] * pending)
    return text, offsets


def lines_from_plain_text(text: str) -> list[LayoutLine]:
    """Layout lines of text that has no geometry (OCR output): blank lines separate paragraphs, and a
    line ending with sentence punctuation is taken as a paragraph end."""
    lines: list[LayoutLine] = []
    gap = False
    for raw in normalize_newlines(text).split("\n"):
        stripped = raw.strip()
        if not stripped:
            gap = bool(lines)
            continue
        lines.append(LayoutLine(stripped, paragraph_before=gap,
                                ends_paragraph=_SENTENCE_END.search(stripped) is not None and len(stripped) < 60))
        gap = False
    return lines
