"""Page layout of PDF text, as pure functions of positioned lines (no file access).

What the PDF extractors (pdfminer first, pdfium as fallback) produce is a list of ``Page`` with ``Line``
records; these functions put list markers back on their line, drop running headers/footers and page
numbers, put columns in reading order and mark paragraph starts and ends for ``cleanup.join_lines``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .cleanup import (
    MARKER_ONLY,
    LayoutLine,
    collapse_spaces,
    continues_sentence,
    ends_like_paragraph,
    furniture_key,
    is_page_number,
    starts_with_list_marker,
)

# How many lines at the top and at the bottom of a page can be running headers/footers.
EDGE_LINES = 3
# ... and how close to the top or bottom edge they are: within this share of the page height.
EDGE_BAND = 0.15
# The narrowest gap between columns (points); word gaps inside a line are far smaller, gutters wider.
GUTTER_MIN = 8.0


@dataclass(frozen=True)
class Line:
    """One text line on a page; PDF coordinates (y grows upwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int  # 1-based
    lines: list[Line] = field(default_factory=list)
    has_graphics: bool = False  # images or much vector drawing: a blank-looking page may be a scan
    height: float | None = None  # of the page as shown (after /Rotate); None when unknown
    parser: str = "pdfminer"  # what read the page: "pdfminer", "pdfium" ("ocr" is decided later)
    unmapped: bool = False  # its text was mostly glyphs without Unicode: to be read like a scan


@dataclass(frozen=True)
class Flow:
    """Lines read in sequence within one column (or the full width), with the column's horizontal extent."""

    lines: tuple[Line, ...]
    left: float
    right: float
    columns: bool = False  # part of a two-column stretch (else full width)
    table: bool = False  # rows of a table: each line is one row




def merge_marker_lines(lines: Sequence[Line]) -> list[Line]:
    """Put a list marker drawn apart from its text ("1." then a tab stop) back at the start of that text.

    pdfminer sees a marker and its text as two lines when the gap between them is wider than a few
    characters, which is how Word renders numbered lists with a hanging indent.
    """
    replaced: dict[int, Line] = {}
    absorbed: set[int] = set()
    for i, marker in enumerate(lines):
        if not MARKER_ONLY.match(marker.text):
            continue
        best: int | None = None
        for j, other in enumerate(lines):
            if j == i or j in absorbed or MARKER_ONLY.match(other.text):
                continue
            same_baseline = abs(other.y0 - marker.y0) < 0.5 * max(marker.height, 1.0)
            gap = other.x0 - marker.x1
            if same_baseline and -1.0 <= gap < 120.0 and (best is None or other.x0 < lines[best].x0):
                best = j
        if best is not None:
            body = lines[best]
            replaced[i] = Line(f"{marker.text} {body.text}", marker.x0, min(marker.y0, body.y0), body.x1,
                               max(marker.y1, body.y1))
            absorbed.add(best)
    return [replaced.get(i, line) for i, line in enumerate(lines) if i not in absorbed]


def _top_down(lines: Iterable[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (-round(line.y1, 0), line.x0))


def _edges(lines: Sequence[Line]) -> list[Line]:
    ordered = _top_down(lines)
    if len(ordered) <= 2 * EDGE_LINES:
        # Short pages: only the very first and last lines can be furniture.
        return ordered[:1] + ordered[-1:] if len(ordered) > 1 else ordered
    return ordered[:EDGE_LINES] + ordered[-EDGE_LINES:]


def _edge_texts(lines: Sequence[Line]) -> list[str]:
    return [line.text for line in _edges(lines)]


def drop_furniture(lines: Sequence[Line], running: set[str],
                   heights: dict[str, list[float]] | None = None, page_height: float | None = None) -> list[Line]:
    """Remove page numbers and running header/footer lines found at the top or bottom of a page.

    ``page_height``: when known, a page number must also sit in the top or bottom EDGE_BAND (the last row
    of a table, "120 97", is not one).

    ``heights``: where each running line sits on the pages (y). When given, a line is furniture only at
    one of those heights: the report title on page 1 often reads like the running header of the other
    pages ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN") but sits lower, and the metadata reader needs it.
    """
    def is_running(line: Line) -> bool:
        key = furniture_key(line.text)
        if key not in running:
            return False
        return heights is None or any(abs(line.y0 - y) <= 3.0 for y in heights.get(key, ()))

    def in_band(line: Line) -> bool:
        return not page_height or (line.y0 >= (1 - EDGE_BAND) * page_height or line.y1 <= EDGE_BAND * page_height)

    furniture = {id(line) for line in _edges(lines)
                 if (is_page_number(line.text) and in_band(line)) or is_running(line)}
    return [line for line in lines if id(line) not in furniture]


def running_furniture(pages: Sequence[Page]) -> dict[str, list[float]]:
    """Running headers/footers: furniture key -> the heights (y) at which that line is furniture.

    A line is a running header or footer when it sits at a page edge (among the first or last lines, in
    the top or bottom EDGE_BAND of the page), is set apart from the body (smaller type, or a blank line's
    gap to the body), and recurs at the same height on at least three pages — or on half the pages of a
    longer file (odd/even headers alternate). A 2-page document can have no three pages: there the line
    must be both smaller and set apart, because an invoice number or a date that opens both pages is
    content, and the first lines of a short document are its title block.
    """
    count = len(pages)
    if count < 2:
        return {}
    needed = 2 if count == 2 else max(3, math.ceil(0.5 * count))
    seen: dict[str, list[tuple[int, int]]] = {}  # key -> (page number, y)
    for page in pages:
        # Each page's own body size: pages of one file may come from two parsers with other box heights.
        heights = [line.height for line in page.lines if line.height > 0]
        body = statistics.median(heights) if heights else 10.0
        for line in _edges(page.lines):
            if _in_edge_band(line, page) and _set_apart(line, page.lines, body, both=count == 2):
                seen.setdefault(furniture_key(line.text), []).append((page.number, round(line.y0)))
    result: dict[str, list[float]] = {}
    for key, hits in seen.items():
        ys = sorted({y for _, y in hits
                     if len({number for number, other in hits if abs(other - y) <= 3}) >= needed})
        if ys and key:
            result[key] = ys
    return result


def _in_edge_band(line: Line, page: Page) -> bool:
    if not page.height:
        return True
    return line.y0 >= (1 - EDGE_BAND) * page.height or line.y1 <= EDGE_BAND * page.height


def _set_apart(line: Line, lines: Sequence[Line], body: float, both: bool) -> bool:
    """Smaller than the body text, and/or a blank line's gap to the nearest line towards the body."""
    smaller = line.height < 0.9 * body
    top = line.y0 >= statistics.median([other.y0 for other in lines])  # else a footer: the body is above
    toward_body = ([line.y0 - other.y1 for other in lines if other.y1 <= line.y0] if top
                   else [other.y0 - line.y1 for other in lines if other.y0 >= line.y1])
    apart = not toward_body or min(toward_body) >= body
    return (smaller and apart) if both else (smaller or apart)


def reading_order(lines: Sequence[Line], text_left: float | None = None,
                  text_right: float | None = None) -> list[Flow]:
    """Split a page's lines into flows read one after the other.

    A line is left (ends before the middle of the text area), right (starts after it) or full width.
    Where left and right lines sit side by side, that stretch is two columns: all its left lines, then
    all its right lines. Full-width lines (titles, single-column text) end such a stretch. A lone
    right-aligned line (a date) is not side by side with anything, so it stays in top-down order. A run
    of three or more lines in one half that mostly reach the same right edge is a column too, even with
    nothing beside it (the last page of a two-column text).
    ``text_left``/``text_right``: the body's extent over the document, since one page may be half empty.
    """
    if not lines:
        return []
    left_edge = min([line.x0 for line in lines] + ([text_left] if text_left is not None else []))
    right_edge = max([line.x1 for line in lines] + ([text_right] if text_right is not None else []))
    columns = column_bands(lines, right_edge - left_edge)
    if columns and (len(columns) >= 3 or _is_table(lines, columns)):
        return _read_in_bands(lines, columns, left_edge, right_edge)
    middle = (left_edge + right_edge) / 2
    tolerance = 0.02 * (right_edge - left_edge)
    ordered = _top_down(lines)
    sides = ["L" if line.x1 <= middle + tolerance else "R" if line.x0 >= middle - tolerance else "F"
             for line in ordered]

    def beside(i: int) -> bool:
        a = ordered[i]
        return any({sides[i], sides[j]} == {"L", "R"}
                   and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.3 * min(a.height, b.height)
                   for j, b in enumerate(ordered))

    result: list[Flow] = []
    full: list[Line] = []  # the full-width flow being filled

    def close_full() -> None:
        if full:
            result.append(Flow(tuple(full), left_edge, right_edge))
            full.clear()

    def add_column(column: list[Line]) -> None:
        if column:
            result.append(Flow(tuple(column), min(x.x0 for x in column), max(x.x1 for x in column), True))

    def flush(block: list[int]) -> None:
        twin = [i for i in block if beside(i)]
        if twin:
            top = ordered[twin[0]].y1
            head = [i for i in block if ordered[i].y0 > top]
            full.extend(ordered[i] for i in head)
            close_full()
            rest = [i for i in block if i not in head]
            for column in ("L", "R"):
                add_column([ordered[i] for i in rest if sides[i] == column])
        elif _lone_column([ordered[i] for i in block]):
            close_full()
            add_column([ordered[i] for i in block])
        else:
            full.extend(ordered[i] for i in block)

    block: list[int] = []
    for i, line in enumerate(ordered):
        if sides[i] == "F":
            flush(block)
            block = []
            full.append(line)
        else:
            block.append(i)
    flush(block)
    close_full()
    return result


def column_bands(lines: Sequence[Line], width: float) -> list[tuple[float, float]]:
    """The page's columns as x intervals, found from the gutters between the lines narrower than half the
    text width (titles across columns are left out); empty unless there are two or more columns that
    each hold at least three lines."""
    narrow = sorted((line for line in lines if line.x1 - line.x0 < 0.45 * width), key=lambda line: line.x0)
    bands: list[list[float]] = []
    for line in narrow:
        if bands and line.x0 <= bands[-1][1] + GUTTER_MIN:
            bands[-1][1] = max(bands[-1][1], line.x1)
        else:
            bands.append([line.x0, line.x1])
    held = [sum(1 for line in narrow if a - 1 <= line.x0 and line.x1 <= b + 1) for a, b in bands]
    if len(bands) < 2 or min(held) < 3:
        return []
    return [(a, b) for a, b in bands]


def _band_of(line: Line, bands: Sequence[tuple[float, float]]) -> int | None:
    for k, (a, b) in enumerate(bands):
        if a - 1 <= line.x0 and line.x1 <= b + 1:
            return k
    return None  # crosses a gutter: full width


def _is_table(lines: Sequence[Line], bands: Sequence[tuple[float, float]]) -> bool:
    """Cells, not columns of text: most lines share their baseline with a line in another band, and they
    hold a few words (a line of a text column holds five or more; a cell a name or a number)."""
    inside = [(line, k) for line in lines if (k := _band_of(line, bands)) is not None]
    if len(inside) < 6:
        return False
    in_row = sum(1 for line, k in inside
                 if any(j != k and abs(other.y0 - line.y0) < 0.3 * line.height for other, j in inside))
    words = statistics.median(len(line.text.split()) for line, _ in inside)
    return in_row >= 0.8 * len(inside) and words <= 3


def _read_in_bands(lines: Sequence[Line], bands: Sequence[tuple[float, float]], left: float,
                   right: float) -> list[Flow]:
    """Three or more columns: each stretch between full-width lines is read column by column. A table
    (see ``_is_table``) is read row by row instead: the cells of one baseline become one line."""
    ordered = _top_down(lines)
    if _is_table(lines, bands):
        rows: list[list[Line]] = []
        for line in ordered:
            if rows and abs(rows[-1][0].y0 - line.y0) < 0.3 * max(line.height, 1.0):
                rows[-1].append(line)
            else:
                rows.append([line])
        merged = [Line(" ".join(c.text for c in sorted(row, key=lambda c: c.x0)), min(c.x0 for c in row),
                       min(c.y0 for c in row), max(c.x1 for c in row), max(c.y1 for c in row)) for row in rows]
        return [Flow(tuple(merged), left, right, table=True)]
    flows: list[Flow] = []
    stretch: list[list[Line]] = [[] for _ in bands]
    full: list[Line] = []

    def close_stretch() -> None:
        for k, column in enumerate(stretch):
            if column:
                flows.append(Flow(tuple(column), bands[k][0], bands[k][1], True))
            stretch[k] = []

    for line in ordered:
        k = _band_of(line, bands)
        if k is None:
            close_stretch()
            full.append(line)
        else:
            if full:
                flows.append(Flow(tuple(full), left, right))
                full = []
            stretch[k].append(line)
    close_stretch()
    if full:
        flows.append(Flow(tuple(full), left, right))
    return flows


def _lone_column(lines: Sequence[Line]) -> bool:
    """Lines that all sit in one half and mostly end at one right edge: column text, not short lines."""
    if len(lines) < 3:
        return False
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    reaching = sum(1 for line in lines if line.x1 >= right - 0.15 * (right - left))
    return reaching >= 0.6 * len(lines)


def layout_lines_of_page(lines: Sequence[Line], text_left: float | None = None,
                         text_right: float | None = None) -> list[LayoutLine]:
    """A page's lines in reading order, marked with paragraph starts (vertical gaps) and ends (short lines).

    ``text_left``/``text_right``: the body's extent over the whole document, so that a page holding only a
    few short lines is still measured against the real column width.
    """
    flows = reading_order(lines, text_left, text_right)
    if not flows:
        return []
    heights = [line.height for flow in flows for line in flow.lines if line.height > 0]
    typical = statistics.median(heights) if heights else 10.0
    pitch = _body_pitch(flows, typical)
    result: list[LayoutLine] = []
    previous: Line | None = None
    for flow in flows:
        width = max(flow.right - flow.left, 1.0)
        for k, line in enumerate(flow.lines):
            # A gap counts only going down the page; jumping to the top of the next column continues the text.
            gap = previous.y0 - line.y1 if previous is not None else 0.0
            paragraph = previous is not None and 0.5 * typical < gap
            if paragraph and previous is not None:
                # Widely spaced text (or one text box per line): only a gap beyond the text's own line
                # spacing starts a paragraph, and never one inside a sentence that plainly goes on.
                paragraph = ((pitch is None or previous.y0 - line.y0 > 1.3 * pitch)
                             and not continues_sentence(previous.text, line.text))
            fill = (line.x1 - flow.left) / width
            span = (line.x1 - line.x0) / width
            neighbours = flow.lines[max(0, k - 1):k] + flow.lines[k + 1:k + 2]
            ends = (flow.table or ends_like_paragraph(line.text, fill, span)
                    or _centred(line, neighbours, flow.left, width))
            following = flow.lines[k + 1] if k + 1 < len(flow.lines) else None
            if ends and following is not None and fill >= 0.4 and continues_sentence(line.text, following.text):
                ends = False  # "... de Belice, Canadá," then "Costa Rica, ...": one sentence, one paragraph
            result.append(LayoutLine(collapse_spaces(line.text), paragraph_before=paragraph, ends_paragraph=ends))
            previous = line
    return result


def _body_pitch(flows: Sequence[Flow], typical: float) -> float | None:
    """The text's own line spacing (baseline to baseline), measured after lines that fill their column
    (those go on in the next line); None when the page has too few such lines to tell."""
    pitches = []
    for flow in flows:
        width = max(flow.right - flow.left, 1.0)
        for a, b in zip(flow.lines, flow.lines[1:]):
            step = a.y0 - b.y0
            if (a.x1 - flow.left) / width >= 0.85 and 0 < step < 6 * typical:
                pitches.append(step)
    return statistics.median(pitches) if len(pitches) >= 3 else None


def _centred(line: Line, neighbours: Sequence[Line], left: float, width: float) -> bool:
    """A centred title line: indented, as far from the right edge as from the left, and not sharing its
    left edge with the lines around it (indented paragraph lines do share it)."""
    indent = (line.x0 - left) / width
    gap = (left + width - line.x1) / width
    return (indent > 0.1 and abs(indent - gap) < 0.03 and not starts_with_list_marker(line.text)
            and all(abs(other.x0 - line.x0) > 2.0 for other in neighbours))


def _text_extent(pages: Sequence[Page]) -> tuple[float | None, float | None]:
    """The left and right edges of the body text over the document (pages of five lines or more)."""
    full = [p.lines for p in pages if len(p.lines) >= 5]
    if not full:
        return None, None
    return min(line.x0 for lines in full for line in lines), max(line.x1 for lines in full for line in lines)


