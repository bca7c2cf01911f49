"""The same units and meeting from the .txt, a PDF (reportlab: wrapped paragraphs, wide line spacing, one
text box per line, a page break inside the participants sentence) and a .docx of each unnumbered messy report.

Real files through the real extractors (``ingest.pipeline.parse_file``): the splitter and the metadata readers
must not depend on how an extractor breaks lines."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ingest.pipeline import parse_file

MESSY = Path(__file__).parent / "messy"
CASES = [
    "synthetic-declaration-unnumbered-es",
    "synthetic-grcm-conclusions-bullets",
    "synthetic-network-report-en",
    "synthetic-civil-society-statement-es",
    "synthetic-joint-communique-en",
]
# An embedded TrueType font with a Unicode map, as Word writes PDFs: its "•" extracts as "•" (a standard
# Type 1 font has no such glyph code and a text extractor would see an unmapped "(cid:127)").
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
FIELDS = ("body_key", "number", "city", "country", "date", "date_end", "participants")


def _paragraphs(name: str) -> list[str]:
    """The report's paragraphs as a writer would type them: the lines of a wrapped paragraph (60 characters
    or more) joined, every heading, title line, bullet and short line a paragraph of its own."""
    lines = (MESSY / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    joinable = False
    for line in lines:
        if not line.strip():
            joinable = False
            continue
        if joinable and line.lstrip()[:1] not in "•\uf0b7-":
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
        joinable = len(line) >= 60 and not line.rstrip().endswith((".", ":", ";"))
    return out


def _expected(name: str) -> dict:
    return json.loads((MESSY / f"{name}.expected.json").read_text(encoding="utf-8"))


def _meeting(parsed) -> dict:
    m = parsed.meeting
    return {
        "body_key": m.body_key, "number": m.number, "city": m.city, "country": m.country,
        "date": m.date.isoformat() if m.date else None, "date_end": m.date_end.isoformat() if m.date_end else None,
        "participants": [c.key for c in m.participants],
    }


def _pdf_flowing(path: Path, paragraphs: list[str], leading: float) -> None:
    style = getSampleStyleSheet()["BodyText"].clone("b", fontName="DejaVuSans", fontSize=10, leading=leading)
    story = []
    for p in paragraphs:
        story += [Paragraph(p.replace("&", "&amp;").replace("<", "&lt;").replace("\uf0b7", "•"), style), Spacer(1, leading)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def _pdf_one_box_per_line(path: Path, paragraphs: list[str], break_in_participants: bool) -> None:
    """Every line drawn as its own text object, with a page break inside the participants sentence."""
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for p in paragraphs:
        for line in textwrap.wrap(p.replace("\uf0b7", "•"), 85):
            if y < 60 or (break_in_participants and "participa" in line and y > 200):
                c.showPage()
                y = 800
                break_in_participants = False
            text = c.beginText(50, y)
            text.setFont("DejaVuSans", 9)
            text.textLine(line)
            c.drawText(text)
            y -= 22
        y -= 22
    c.save()


def _docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("form", ["pdf-leading-12", "pdf-leading-24", "pdf-one-box-per-line", "docx"])
def test_same_units_and_meeting_from_pdf_and_docx(tmp_path: Path, name: str, form: str) -> None:
    paragraphs = _paragraphs(name)
    path = tmp_path / (f"{name}.docx" if form == "docx" else f"{name}.pdf")
    if form == "docx":
        _docx(path, paragraphs)
    elif form == "pdf-one-box-per-line":
        _pdf_one_box_per_line(path, paragraphs, break_in_participants=True)
    else:
        _pdf_flowing(path, paragraphs, leading=float(form.rsplit("-", 1)[1]))
    parsed = parse_file(path)
    expected = _expected(name)
    assert [a.label for a in parsed.agreements] == expected["labels"]
    assert _meeting(parsed) == {k: expected["meeting"][k] for k in FIELDS}
