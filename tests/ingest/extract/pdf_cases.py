"""Builders for the real-world PDF cases of issue 14, each made with real tools (reportlab, pikepdf):
text drawn glyph by glyph (letter spacing, lost spaces), a font without a Unicode map, turned pages and
text, margin stamps, broken page trees, unsupported compression, three columns and tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def glyph_by_glyph_pdf(rows: Sequence[tuple[str, float, float]], out: Path, size: float = 12) -> Path:
    """One line per row ``(text, tracking, word_gap)``, every glyph drawn on its own at its own position:
    ``tracking`` points between letters, and a space drawn as ``word_gap`` points of nothing (no space
    glyph), as some generators set letter-spaced headings and justified lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out), invariant=True)
    pdf.setFont("Helvetica", size)
    y = 760.0
    for text, tracking, word_gap in rows:
        x = 72.0
        for char in text:
            if char == " ":
                x += word_gap
                continue
            pdf.drawString(x, y, char)
            x += stringWidth(char, "Helvetica", size) + tracking
        y -= size * 2
    pdf.showPage()
    pdf.save()
    return out


def unmapped_font_pdf(lines: Sequence[str], out: Path, size: float = 14) -> Path:
    """A page whose font has no Unicode map: DejaVu Sans embedded as a CID font (Identity-H, glyph ids
    as codes) with no /ToUnicode and its cmap table renamed, so a text extractor sees only glyph ids
    ((cid:N)) while the page still renders right (a renderer needs only the glyph ids)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    info = TTFontFile(str(DEJAVU))
    data = bytearray(DEJAVU.read_bytes())
    at = data.find(b"cmap", 12, 12 + 16 * 64)  # in the table directory
    data[at:at + 4] = b"xmap"
    pdf = pikepdf.new()
    font_file = pdf.make_stream(bytes(data))
    font_file.Length1 = len(data)
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/DejaVuSans"), Flags=32, ItalicAngle=0,
        FontBBox=Array(list(info.bbox)), Ascent=info.ascent, Descent=info.descent, CapHeight=info.capHeight,
        StemV=80, FontFile2=font_file))
    used = sorted({char for line in lines for char in line})
    widths = Array()
    for char in used:
        widths.append(info.charToGlyph[ord(char)])
        widths.append(Array([round(info.charWidths[ord(char)])]))
    cid_font = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/DejaVuSans"),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                 Supplement=0),
        FontDescriptor=descriptor, CIDToGIDMap=Name.Identity, DW=600, W=widths)
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/DejaVuSans"),
                                        Encoding=Name("/Identity-H"), DescendantFonts=Array([cid_font])))
    ops = []
    for n, line in enumerate(lines):
        codes = "".join(f"{info.charToGlyph[ord(char)]:04X}" for char in line)
        ops.append(f"BT /F1 {size} Tf 72 {760 - n * size * 1.6:.1f} Td <{codes}> Tj ET")
    contents = pdf.make_stream("\n".join(ops).encode())
    page = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 595, 842]),
                      Resources=Dictionary(Font=Dictionary(F1=font)), Contents=contents)
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(out)
    return out


def set_rotate(source: Path, out: Path, degrees: int) -> Path:
    """The same PDF with /Rotate on every page (the page is shown turned; its content is unchanged)."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            page.Rotate = degrees
        pdf.save(out)
    return out


def without_page_types(source: Path, out: Path) -> Path:
    """A page tree whose page objects lack /Type /Page: pdfminer finds no pages, pdfium and poppler read them."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            del page.obj["/Type"]
        pdf.save(out)
    return out


def with_filter(source: Path, out: Path, filter_name: str, pages: Sequence[int]) -> Path:
    """The content streams of the given pages (1-based) marked as compressed with ``filter_name`` (e.g.
    BrotliDecode) that no reader here decodes."""
    with pikepdf.open(source) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            raw = page.obj.Contents.read_bytes()
            page.obj.Contents = pdf.make_stream(raw)
            page.obj.Contents.Filter = Name("/" + filter_name)
        pdf.save(out)
    return out
