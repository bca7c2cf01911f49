"""Fixture builders: turn a seed report (or any text) into the PDF and Word files the archive ingests.

Used by the extractor tests and by anyone who needs a realistic PDF/DOCX of a seed:

- ``seed_to_pdf`` / ``text_to_pdf`` (reportlab): a running header on every page, "Página n de N" in the
  footer, numbered points drawn with a hanging indent (marker apart from its text, as Word prints them),
  end-of-line hyphenation of long words, optionally a forced page break inside a point and a two-column body.
  ``build_pdf`` does the same and also returns where each paragraph was drawn (``PdfLayout``).
- ``seed_to_docx`` / ``text_to_docx`` (python-docx): numbered points and sub-points as REAL Word numbering
  (``w:numPr`` + numbering definitions), so "1." and "a." are not in the document text.
- ``scanned_pdf``: an image-only PDF (no text layer), as a scanner makes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A seed line that is a numbered point ("1. ..."), a lettered sub-point ("a. ..." / "b) ...") or a bullet.
_POINT = re.compile(r"^\s*(\d{1,3}[.)])\s+(.*)$")
_SUBPOINT = re.compile(r"^\s*([a-z][.)])\s+(.*)$")
_BULLET = re.compile(r"^\s*[•·]\s+(.*)$")

HEADER_DEFAULT = "CRM — Informe"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a seed: its text without marker, the marker as written, its list level."""

    text: str
    marker: str | None = None  # "1.", "a.", "•"
    level: int = 0  # 0 = point, 1 = sub-point / bullet (meaningful only with a marker)
    space_before: bool = False  # a blank line precedes it in the source text

    @property
    def full_text(self) -> str:
        return f"{self.marker} {self.text}" if self.marker else self.text


def paragraphs_of(text: str) -> list[Paragraph]:
    """Read a seed's paragraphs: one per non-blank line, with its list marker split off."""
    result: list[Paragraph] = []
    blank = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            blank = bool(result)
            continue
        if m := _POINT.match(line):
            para = Paragraph(m.group(2), m.group(1), 0, blank)
        elif m := _SUBPOINT.match(line):
            para = Paragraph(m.group(2), m.group(1), 1, blank)
        elif m := _BULLET.match(line):
            para = Paragraph(m.group(1), "•", 1, blank)
        else:
            para = Paragraph(line, None, 0, blank)
        result.append(para)
        blank = False
    return result


def read_seed(txt_path: Path) -> str:
    return txt_path.read_text(encoding="utf-8-sig")


# --- PDF ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfLayout:
    """What ``build_pdf`` drew: the file, its page count, and the page of each paragraph's first and last line."""

    path: Path
    page_count: int
    paragraphs: tuple[Paragraph, ...]
    first_page: tuple[int, ...]
    last_page: tuple[int, ...]

    def page_of(self, text_start: str) -> int:
        """The page where the paragraph whose full text starts with ``text_start`` begins."""
        for para, page in zip(self.paragraphs, self.first_page):
            if para.full_text.startswith(text_start):
                return page
        raise KeyError(text_start)


@dataclass
class _Frame:
    x0: float
    x1: float
    top: float
    bottom: float


def seed_to_pdf(txt_path: Path, out: Path, *, running_header: str | None = HEADER_DEFAULT,
                page_break_inside_point: bool = True, two_columns: bool = False) -> Path:
    """A PDF of a seed report (see ``build_pdf``)."""
    return build_pdf(paragraphs_of(read_seed(txt_path)), out, running_header=running_header,
                     page_break_inside_point=page_break_inside_point, two_columns=two_columns).path


def text_to_pdf(text: str, out: Path, **kw) -> Path:
    """A PDF of any text, one paragraph per line (keywords as ``build_pdf``)."""
    return build_pdf(paragraphs_of(text), out, **kw).path


def build_pdf(paragraphs: list[Paragraph], out: Path, *, running_header: str | None = HEADER_DEFAULT,
              page_break_inside_point: bool = True, two_columns: bool = False,
              page_number_format: str | None = "Página {n} de {total}", font_size: float = 11,
              hyphenate: bool = True, hanging_indent: bool = True, page_size: tuple[float, float] | None = None,
              ) -> PdfLayout:
    """Lay paragraphs out on A4 pages with reportlab and record where each landed.

    Paragraphs before the first numbered point are the title block: short ones centred in bold. With
    ``two_columns`` the points flow in two columns below the title block. With ``page_break_inside_point``
    the second multi-line numbered point is cut after its first line by a page break.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    width, height = page_size or A4
    margin_x, top, bottom = 72.0, height - 90.0, 80.0
    leading = font_size * 1.25
    indent = font_size * 2
    gutter = 24.0
    body, bold = "Helvetica", "Helvetica-Bold"

    draws: list[tuple[int, float, float, str, str]] = []  # page, x, y, text, font
    first_page: list[int] = []
    last_page: list[int] = []
    page = 1
    frames: list[_Frame] = []
    y = top

    def single_frame() -> _Frame:
        return _Frame(margin_x, width - margin_x, top, bottom)

    def column_frames(start_y: float) -> list[_Frame]:
        col = (width - 2 * margin_x - gutter) / 2
        return [_Frame(margin_x, margin_x + col, start_y, bottom),
                _Frame(margin_x + col + gutter, width - margin_x, start_y, bottom)]

    frames = [single_frame()]
    frame_index = 0
    columns_started = False

    def next_frame(force_page: bool = False) -> None:
        nonlocal page, frame_index, frames, y
        if not force_page and frame_index + 1 < len(frames):
            frame_index += 1
        else:
            page += 1
            frames = column_frames(top) if columns_started else [single_frame()]
            frame_index = 0
        y = frames[frame_index].top

    first_point = next((i for i, p in enumerate(paragraphs) if p.marker and p.level == 0), len(paragraphs))
    break_target = _break_target(paragraphs) if page_break_inside_point else None

    for index, para in enumerate(paragraphs):
        if two_columns and index == first_point and not columns_started:
            columns_started = True
            frames = column_frames(y - (leading if para.space_before else 0))
            frame_index = 0
            y = frames[0].top
        frame = frames[frame_index]
        title = index < first_point and len(para.text) < 120
        font = bold if title else body
        if para.space_before and y != frame.top:
            y -= leading
        marker_x = frame.x0 + (indent * para.level if para.marker else 0)
        text_x = marker_x + indent if para.marker and hanging_indent else marker_x
        words = para.text.split() if hanging_indent or not para.marker else para.full_text.split()
        lines = _wrap(words, frame.x1 - text_x, font, font_size, stringWidth, hyphenate)
        for n, line in enumerate(lines):
            if y - leading < frame.bottom or (index == break_target and n == 1):
                next_frame(force_page=index == break_target and n == 1)
            frame = frames[frame_index]  # the column may have changed: indent from its own left edge
            marker_x = frame.x0 + (indent * para.level if para.marker else 0)
            text_x = marker_x + indent if para.marker and hanging_indent else marker_x
            if n == 0:
                first_page.append(page)
            y -= leading
            x = text_x
            if title:
                x = (frame.x0 + frame.x1 - stringWidth(line, font, font_size)) / 2
            draws.append((page, x, y, line, font))
            if n == 0 and para.marker and hanging_indent:
                draws.append((page, marker_x, y, para.marker, font))
        last_page.append(page)

    total = page
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(out), pagesize=(width, height), invariant=True)
    pdf.setTitle("CRM report fixture")
    for n in range(1, total + 1):
        if running_header:
            pdf.setFont(body, 9)
            pdf.drawString(margin_x, height - 50, running_header)
        if page_number_format:
            pdf.setFont(body, 9)
            pdf.drawCentredString(width / 2, 40, page_number_format.format(n=n, total=total))
        for p, x, y_, text, font in draws:
            if p == n:
                pdf.setFont(font, font_size)
                pdf.drawString(x, y_, text)
        pdf.showPage()
    pdf.save()
    return PdfLayout(out, total, tuple(paragraphs), tuple(first_page), tuple(last_page))


def _break_target(paragraphs: list[Paragraph]) -> int | None:
    """The paragraph to cut with a page break: the second numbered point long enough to wrap."""
    long_points = [i for i, p in enumerate(paragraphs) if p.marker and p.level == 0 and len(p.text) > 150]
    if not long_points:
        return None
    return long_points[1] if len(long_points) > 1 else long_points[0]


def _wrap(words: list[str], width: float, font: str, size: float, string_width, hyphenate: bool) -> list[str]:
    """Greedy line filling; a long word that does not fit is hyphenated after a vowel, as typesetters do."""
    lines: list[str] = []
    current = ""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = f"{current} {word}" if current else word
        if string_width(candidate, font, size) <= width:
            current = candidate
            continue
        head, tail = _split_word(word, current, width, font, size, string_width) if hyphenate else (None, None)
        if head is not None:
            lines.append(f"{current} {head}" if current else head)
            current = ""
            queue.insert(0, tail)
            continue
        if current:
            lines.append(current)
            current = ""
            queue.insert(0, word)
        else:  # a single word wider than the line: draw it anyway
            lines.append(word)
    if current:
        lines.append(current)
    return lines


def _split_word(word, current, width, font, size, string_width) -> tuple[str | None, str | None]:
    def fits(head: str) -> bool:
        return string_width(f"{current} {head}" if current else head, font, size) <= width

    # An existing hyphen before a capital or a digit ("Trabajo-Archivo", "2014-2020") is a break point.
    for i in range(len(word) - 2, 0, -1):
        if word[i] == "-" and (word[i + 1].isupper() or word[i + 1].isdigit()) and fits(word[: i + 1]):
            return word[: i + 1], word[i + 1:]
    letters = re.match(r"^[^\W\d_]+", word)
    if not letters or len(letters.group()) < 7:
        return None, None
    stem = letters.group()
    vowels = "aeiouáéíóú"
    for k in range(len(stem) - 3, 3, -1):
        # Spanish-like syllables: break between a vowel and a consonant that a vowel follows ("migra-ción").
        if (stem[k - 1].lower() in vowels and stem[k].islower() and stem[k] not in vowels
                and stem[k + 1] in vowels and fits(word[:k] + "-")):
            return word[:k] + "-", word[k:]
    return None, None


def scanned_pdf(text: str, out: Path, *, dpi: int = 200) -> Path:
    """An image-only PDF of ``text`` (one A4 page, no text layer): what a scanner produces."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    px_w, px_h = int(A4[0] / 72 * dpi), int(A4[1] / 72 * dpi)
    image = Image.new("L", (px_w, px_h), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", int(dpi / 72 * 12))
    y = int(dpi)
    for line in text.split("\n"):
        draw.text((int(dpi), y), line, fill=0, font=font)
        y += int(dpi / 72 * 18)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(out), pagesize=A4, invariant=True)
    pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    return out


# --- DOCX ---------------------------------------------------------------------------------------------------

_ABSTRACT_ID = 90
_LEVELS = (("decimal", "%1."), ("lowerLetter", "%2."), ("lowerRoman", "%3."))


def seed_to_docx(txt_path: Path, out: Path, *, numbering: str = "direct",
                 running_header: str | None = HEADER_DEFAULT) -> Path:
    """A Word document of a seed with REAL numbering: the "1." and "a." markers are not in the text.

    ``numbering="direct"``: each numbered paragraph carries ``w:numPr`` (numId + ilvl) pointing at a custom
    numbering definition (decimal "%1." / lowerLetter "%2."); ``"style"``: the paragraphs only name a
    paragraph style, and the styles carry the ``w:numPr`` (as "List Number" does in Word).
    """
    return text_to_docx(read_seed(txt_path), out, numbering=numbering, running_header=running_header)


def text_to_docx(text: str, out: Path, *, numbering: str = "direct",
                 running_header: str | None = HEADER_DEFAULT) -> Path:
    """A Word document of any text, one paragraph per line, list markers turned into Word numbering.

    Numbers that do not follow on (a list starting at 3, a gap) get a new numbering instance with a
    ``w:startOverride``, so what Word shows is exactly what the text said.
    """
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering_root = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text_}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text_) in enumerate(_LEVELS)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_ABSTRACT_ID}">'
                         f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>')
    existing_nums = numbering_root.findall(abstract.tag.replace("abstractNum", "num"))
    if existing_nums:
        existing_nums[0].addprevious(abstract)  # schema order: every abstractNum before the nums
    else:
        numbering_root.append(abstract)

    next_num_id = [_ABSTRACT_ID]

    def new_num(start_override: tuple[int, int] | None = None) -> int:
        num_id = next_num_id[0]
        next_num_id[0] += 1
        override = ""
        if start_override:
            level, value = start_override
            override = f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{value}"/></w:lvlOverride>'
        numbering_root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                                        f'<w:abstractNumId w:val="{_ABSTRACT_ID}"/>{override}</w:num>'))
        return num_id

    num_id = new_num()
    if numbering == "style":
        for level, name in enumerate(("CRM Punto", "CRM Inciso")):
            style = document.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
            num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = num_id

    if running_header:
        document.sections[0].header.paragraphs[0].text = running_header

    counters = [0, 0]
    for para in paragraphs_of(text):
        if para.space_before:
            document.add_paragraph("")
        if para.marker is None:
            document.add_paragraph(para.text)
            continue
        if para.marker == "•":
            document.add_paragraph(para.text, style="List Bullet")
            continue
        level = para.level
        value = int(para.marker[:-1]) if level == 0 else ord(para.marker[0]) - ord("a") + 1
        expected = counters[level] + 1
        if value != expected:
            num_id = new_num((level, value))
        counters[level] = value
        if level == 0:
            counters[1] = 0
        if numbering == "style":
            document.add_paragraph(para.text, style="CRM Punto" if level == 0 else "CRM Inciso")
            if value != expected:  # the restart lives in a new instance: point this paragraph at it
                _set_num(document.paragraphs[-1], num_id, level)
        else:
            _set_num(document.add_paragraph(para.text), num_id, level)
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def _set_num(paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
