"""Word (.docx) extractor: stdlib zipfile + ElementTree, numbered lists rendered from Word's definitions.

In a .docx the "1." and "a)" of a numbered list are not in the text: a paragraph carries ``w:numPr``
(``w:numId`` + ``w:ilvl``), directly or through its paragraph style, and numbering.xml says how that level
is drawn (``w:numFmt``, ``w:lvlText`` such as "%1." or "%1.%2)", ``w:start``). We replay Word's counters
and write the marker in front of the paragraph text, so the splitter sees the same points as in a PDF.

Headers, footers, footnotes and comments are not read: running headers would pollute every point, and
deleted revisions (``w:del``) and field codes (``w:instrText``) are not text either.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from archive.models import ExtractedText, ExtractionError

from .cleanup import clean_text

log = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
# Largest XML part we agree to parse: real reports are well under 5 MB; this stops zip bombs.
MAX_PART_BYTES = 200 * 1024 * 1024

# Private-use glyphs of Symbol/Wingdings bullets and the other usual bullet characters all read as "•".
_BULLET = "•"


@dataclass
class Level:
    """One level of a numbering definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart_after: int | None = None  # w:lvlRestart: restart only when this (1-based) level advances
    legal: bool = False  # w:isLgl: render the numbers of higher levels as decimals
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass
class Numbering:
    """numbering.xml: abstract definitions, the instances (numId) that point at them, and their overrides."""

    abstract_levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    num_levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId -> full w:lvl overrides
    start_overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId -> style id (numStyleLink)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        if ilvl in self.num_levels.get(num_id, {}):
            return self.num_levels[num_id][ilvl]
        abstract = self.num_abstract.get(num_id)
        return self.abstract_levels.get(abstract, {}).get(ilvl) if abstract is not None else None


@dataclass(frozen=True)
class StyleNumbering:
    num_id: str | None
    ilvl: int | None


def extract(path: Path) -> ExtractedText:
    """The text of a .docx in body order, tables included, list markers rendered."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"not a Word document: {_not_zip_reason(path)}") from e
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from e
    with archive:
        main = _main_part(archive)
        try:
            document = _parse(archive, main)
            styles = _parse_optional(archive, _sibling(main, "styles.xml"))
            numbering_xml = _parse_optional(archive, _sibling(main, "numbering.xml"))
        except ElementTree.ParseError as e:
            raise ExtractionError(f"damaged Word document: bad XML ({e})") from e
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            # ValueError: zlib/"Bad magic number"; BadZipFile: CRC mismatch in a truncated archive.
            raise ExtractionError(f"damaged Word document: {e}") from e
    numbering = read_numbering(numbering_xml)
    style_numbering = read_style_numbering(styles)
    _resolve_style_links(numbering, style_numbering)
    lines = list(render_body(document, numbering, style_numbering))
    text = clean_text(_collapse_blank_runs("\n".join(lines)))
    if not text.strip():
        raise ExtractionError("no text found")
    return ExtractedText(text=text)


# --- the package ---------------------------------------------------------------------------------------------


def _not_zip_reason(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        head = b""
    if not head:
        return "empty file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an OLE file (legacy .doc, or a password-protected .docx)"
    if head.startswith(b"{\\rtf"):
        return "an RTF file"
    return "not a zip archive"


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document part: named by the package relationships, usually word/document.xml."""
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        try:
            rels = ElementTree.fromstring(archive.read("_rels/.rels"))
            for rel in rels.iter(f"{_REL_NS}Relationship"):
                if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                    target = rel.get("Target", "").lstrip("/")
                    if target in names:
                        return target
        except (ElementTree.ParseError, zipfile.BadZipFile, ValueError):
            pass
    if "word/document.xml" in names:
        return "word/document.xml"
    raise ExtractionError("not a Word document: the zip has no word/document.xml")


def _sibling(part: str, name: str) -> str:
    return str(PurePosixPath(part).parent / name)


def _parse(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ExtractionError(f"damaged Word document: {name} is implausibly large")
    return ElementTree.fromstring(archive.read(name))


def _parse_optional(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    return _parse(archive, name) if name in archive.namelist() else None


# --- numbering definitions -----------------------------------------------------------------------------------


def _val(element: ElementTree.Element | None, default: str | None = None) -> str | None:
    if element is None:
        return default
    return element.get(f"{W}val", default)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_level(lvl: ElementTree.Element) -> Level:
    restart = lvl.find(f"{W}lvlRestart")
    return Level(
        start=_int(_val(lvl.find(f"{W}start")), 1),
        fmt=_val(lvl.find(f"{W}numFmt"), "decimal") or "decimal",
        text=_val(lvl.find(f"{W}lvlText"), "") or "",
        restart_after=_int(_val(restart), 0) if restart is not None else None,
        legal=lvl.find(f"{W}isLgl") is not None and _val(lvl.find(f"{W}isLgl"), "1") not in ("0", "false"),
        style=_val(lvl.find(f"{W}pStyle")),
    )


def read_numbering(root: ElementTree.Element | None) -> Numbering:
    """Parse numbering.xml (None when the document has no lists)."""
    numbering = Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(f"{W}abstractNum"):
        abstract_id = abstract.get(f"{W}abstractNumId", "")
        numbering.abstract_levels[abstract_id] = {
            _int(lvl.get(f"{W}ilvl"), 0): _read_level(lvl) for lvl in abstract.findall(f"{W}lvl")
        }
        link = abstract.find(f"{W}numStyleLink")
        if link is not None:
            numbering.style_links[abstract_id] = _val(link, "") or ""
    for num in root.iter(f"{W}num"):
        num_id = num.get(f"{W}numId", "")
        numbering.num_abstract[num_id] = _val(num.find(f"{W}abstractNumId"), "") or ""
        for override in num.findall(f"{W}lvlOverride"):
            ilvl = _int(override.get(f"{W}ilvl"), 0)
            start = override.find(f"{W}startOverride")
            if start is not None:
                numbering.start_overrides.setdefault(num_id, {})[ilvl] = _int(_val(start), 1)
            lvl = override.find(f"{W}lvl")
            if lvl is not None:
                numbering.num_levels.setdefault(num_id, {})[ilvl] = _read_level(lvl)
    return numbering


def read_style_numbering(root: ElementTree.Element | None) -> dict[str, StyleNumbering]:
    """Paragraph styles that carry numbering ("List Number", custom heading styles), basedOn resolved."""
    if root is None:
        return {}
    own: dict[str, StyleNumbering] = {}
    based_on: dict[str, str] = {}
    for style in root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId", "")
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based_on[style_id] = _val(parent, "") or ""
        num_pr = style.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            ilvl = num_pr.find(f"{W}ilvl")
            own[style_id] = StyleNumbering(_val(num_pr.find(f"{W}numId")),
                                           _int(_val(ilvl), 0) if ilvl is not None else None)
    resolved: dict[str, StyleNumbering] = {}
    for style_id in set(own) | set(based_on):
        seen = set()
        current: str | None = style_id
        while current is not None and current not in seen:
            seen.add(current)
            if current in own:
                resolved[style_id] = own[current]
                break
            current = based_on.get(current)
    return resolved


def _resolve_style_links(numbering: Numbering, styles: dict[str, StyleNumbering]) -> None:
    """An abstractNum with ``w:numStyleLink`` only names a numbering style; use the levels that style's
    numbering points at (Word's "list styles")."""
    for abstract_id, style_id in numbering.style_links.items():
        target = styles.get(style_id)
        if target and target.num_id:
            levels = numbering.abstract_levels.get(numbering.num_abstract.get(target.num_id, ""), {})
            if levels and not numbering.abstract_levels.get(abstract_id):
                numbering.abstract_levels[abstract_id] = levels


# --- rendering markers ---------------------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeats, it is not base 26)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a ``w:numFmt``; formats we cannot draw fall back to decimal."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


_PLACEHOLDER = re.compile(r"%([1-9])")


def render_marker(levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
    """The marker Word draws for level ``ilvl`` given the current counters: "3.", "b)", "2.1.", "•"."""
    level = levels[ilvl]
    if level.fmt == "bullet":
        return _BULLET if level.text.strip() else ""
    if level.fmt == "none" and not _PLACEHOLDER.search(level.text):
        return level.text.strip()

    def substitute(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        source = levels.get(k, Level())
        value = counters.get(k, source.start)
        fmt = "decimal" if level.legal and k < ilvl else source.fmt
        return format_number(value, fmt)

    return _PLACEHOLDER.sub(substitute, level.text).strip()


class ListCounters:
    """Word's list counters while reading the body.

    Counters belong to the abstract definition, so two numIds pointing at the same definition continue
    one sequence; a numId with ``w:startOverride`` restarts its levels the first time it is used. A level
    restarts when a higher level advances (unless ``w:lvlRestart`` says otherwise).
    """

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.counters: dict[str, dict[int, int]] = {}
        self.overrides_applied: set[str] = set()

    def next_marker(self, num_id: str, ilvl: int) -> str:
        numbering = self.numbering
        abstract = numbering.num_abstract.get(num_id)
        if abstract is None or numbering.level(num_id, ilvl) is None:
            return ""
        levels = {i: lvl for i in range(9) if (lvl := numbering.level(num_id, i)) is not None}
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.overrides_applied:
            self.overrides_applied.add(num_id)
            for level_index, start in numbering.start_overrides.get(num_id, {}).items():
                counters[level_index] = start - 1
                for deeper in [k for k in counters if k > level_index]:
                    del counters[deeper]
        level = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart_after = levels.get(deeper, Level()).restart_after
            # lvlRestart=0 means never restart; otherwise restart when level (restart_after) advances.
            if restart_after is None or (restart_after and restart_after - 1 >= ilvl):
                del counters[deeper]
        return render_marker(levels, counters, ilvl)


# --- the body ------------------------------------------------------------------------------------------------


def render_body(document: ElementTree.Element, numbering: Numbering,
                style_numbering: dict[str, StyleNumbering]):
    """Yield one line per paragraph in body order (table cells' paragraphs included), markers rendered."""
    body = document.find(f"{W}body")
    if body is None:
        return
    counters = ListCounters(numbering)
    for paragraph in _paragraphs(body):
        text = paragraph_text(paragraph)
        num_id, ilvl = _paragraph_numbering(paragraph, style_numbering, numbering)
        marker = counters.next_marker(num_id, ilvl) if num_id and num_id != "0" else ""
        if marker and text.strip():
            yield f"{marker} {text.strip()}"
        else:
            yield text


def _paragraphs(container: ElementTree.Element):
    """Paragraphs in reading order, descending into tables, rows, cells and content controls."""
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            yield child
        elif tag in (f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt", f"{W}sdtContent", f"{W}customXml",
                     f"{W}ins", f"{W}moveTo"):
            yield from _paragraphs(child)


_RUN_CONTAINERS = {f"{W}{t}" for t in ("r", "hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent",
                                       "customXml", "moveTo", "dir", "bdo")}


def paragraph_text(paragraph: ElementTree.Element) -> str:
    """The visible text of a paragraph: runs' text, tabs and breaks; deletions and field codes skipped."""
    parts: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}sym":
                pass  # a Symbol-font glyph; its code point is private-use and means nothing to search
            elif tag in _RUN_CONTAINERS:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _paragraph_numbering(paragraph: ElementTree.Element, styles: dict[str, StyleNumbering],
                         numbering: Numbering) -> tuple[str | None, int]:
    """numId and level of a paragraph: its own ``w:numPr`` over its style's (an ilvl alone inherits the
    style's numId)."""
    ppr = paragraph.find(f"{W}pPr")
    style_id = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
    style = styles.get(style_id or "")
    num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
    num_id = style.num_id if style else None
    ilvl = style.ilvl if style else None
    if num_pr is not None:
        own_id = _val(num_pr.find(f"{W}numId"))
        own_level = num_pr.find(f"{W}ilvl")
        num_id = own_id if own_id is not None else num_id
        ilvl = _int(_val(own_level), 0) if own_level is not None else ilvl
    if num_id is None:
        return None, 0
    if ilvl is None:
        ilvl = _level_of_style(numbering, num_id, style_id)
    return num_id, ilvl


def _level_of_style(numbering: Numbering, num_id: str, style_id: str | None) -> int:
    """A style with numPr but no ilvl: the level whose ``w:pStyle`` names that style, else level 0."""
    for ilvl in range(9):
        level = numbering.level(num_id, ilvl)
        if level is not None and style_id and level.style == style_id:
            return ilvl
    return 0


def _collapse_blank_runs(text: str) -> str:
    """Several empty paragraphs in a row (spacing made with Enter) count as one blank line."""
    return re.sub(r"\n{3,}", "\n\n", text)
