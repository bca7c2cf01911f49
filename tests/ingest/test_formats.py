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


# --- layouts of real printed and Word reports --------------------------------------------------------------------

_PRINTED_PAGES = [
    ["CONFERENCIA REGIONAL SOBRE MIGRACIÓN",
     "REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE",
     "AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS", "",
     "Tegucigalpa, Honduras, 3 y 4 de septiembre de 2014", "",
     "La Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Mi-",
     "grantes y la Trata de Personas se reunió en Tegucigalpa, Honduras, los días",
     "3 y 4 de septiembre de 2014, con la participación de los siguientes países:", "",
     ("Belice", "Guatemala"), ("Canadá", "Honduras"), ("Costa Rica", "México"), ("El Salvador", "Nicaragua"), "",
     "Asistieron como observadores la Organización Internacional para las Migra-",
     "ciones (OIM) y el Alto Comisionado de las Naciones Unidas para los Refugia-",
     "dos (ACNUR). La Red acordó:", "",
     "1. Solicitar a la Secretaría Técnica la actualización del directorio de la",
     "    Red y del mapeo de albergues para víctimas de trata de personas.",
     "2. Con relación a la capacitación de funcionarios:",
     "    a. Realizar un taller regional sobre identificación de víctimas de tra-",
     "        ta en el primer semestre de 2015."],
    ["    b. Solicitar el apoyo de la OIM para la elaboración de los materiales de",
     "        capacitación y la sistematización de buenas prácticas de coo-",
     "        peración interinstitucional.",
     "3. Agradecer al Gobierno de Honduras por la organización de la reunión."],
]


def test_printed_pdf_with_running_lines_hyphens_and_a_two_column_table(tmp_path: Path) -> None:
    """A report printed to PDF: a running header in two parts and a page number on every page, words hyphenated
    at line ends, the participating countries in a two-column table under "… de los siguientes países:". The
    title was the meeting sentence's first line ("La Red … se reunió en Tegucigalpa") and there were no participants."""
    path = tmp_path / "red-trata.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for n, page in enumerate(_PRINTED_PAGES, 1):
        c.setFont("DejaVuSans", 8)
        c.drawString(72, height - 40, "CRM – Red de Funcionarios de Enlace sobre Trata de Personas")
        c.drawRightString(width - 72, height - 40, "Tegucigalpa, septiembre de 2014")
        c.drawCentredString(width / 2, 30, str(n))
        c.setFont("DejaVuSans", 11)
        y = height - 90
        for line in page:
            if isinstance(line, tuple):
                c.drawString(100, y, line[0])
                c.drawString(320, y, line[1])
            else:
                c.drawString(72, y, line)
            y -= 15
        c.showPage()
    c.save()
    parsed = parse_file(path)
    m = parsed.meeting
    assert m.title == "REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS"
    assert (m.body_key, m.city, m.country, str(m.date), str(m.date_end)) == ("red_trafico_trata", "Tegucigalpa", "Honduras", "2014-09-03", "2014-09-04")
    assert sorted(c.key for c in m.participants) == sorted(["belice", "guatemala", "canada", "honduras", "costa_rica", "mexico", "el_salvador", "nicaragua"])
    assert m.observers == ("OIM", "ACNUR")
    units = {a.label: a for a in parsed.agreements}
    assert list(units) == ["preamble", "1", "2", "2.a", "2.b", "3"]
    assert "víctimas de trata en el primer semestre" in units["2.a"].text and "cooperación interinstitucional" in units["2.b"].text
    assert units["2.b"].page == 2 and "septiembre de 2014" not in units["2.a"].text


def _numbered_docx(path: Path, formats: list[tuple[str, str]], body: list[tuple[int | None, str]],
                   table: list[tuple[str, str]] = ()) -> None:
    """A .docx whose list markers are Word's automatic numbering (numbering.xml, w:numPr), not text; ``body``
    holds (level or None, text); the table, when given, is put after the first paragraph that ends with ":"."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def element(tag: str, **attrs: str):
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(f"w:{k}"), v)
        return e

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = element("w:abstractNum", abstractNumId="40")
    for ilvl, (fmt, text) in enumerate(formats):
        lvl = element("w:lvl", ilvl=str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            lvl.append(element(tag, val=value))
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract) if first_num is not None else numbering.append(abstract)
    num = element("w:num", numId="40")
    num.append(element("w:abstractNumId", val="40"))
    numbering.append(num)
    for level, text in body:
        paragraph = document.add_paragraph(text)
        if level is not None:
            num_pr = element("w:numPr")
            num_pr.append(element("w:ilvl", val=str(level)))
            num_pr.append(element("w:numId", val="40"))
            paragraph._p.get_or_add_pPr().append(num_pr)
        if table and text.endswith(":") and level is None:
            grid = document.add_table(rows=0, cols=2)
            for a, b in table:
                cells = grid.add_row().cells
                cells[0].text, cells[1].text = a, b
            table = ()
    document.save(str(path))


def test_word_automatic_numbering_and_a_participants_table(tmp_path: Path) -> None:
    """Most Word reports number their points with Word's lists: "1." and "(a)" are in numbering.xml, not in
    the text. The delegations sit in a table of country and delegate."""
    path = tmp_path / "red-consular.docx"
    _numbered_docx(path, [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")], [
        (None, "REGIONAL CONFERENCE ON MIGRATION"),
        (None, "MEETING OF THE LIAISON OFFICERS NETWORK ON CONSULAR PROTECTION"),
        (None, "Ottawa, Canada, 2015-11-18"),
        (None, "Participating delegations:"),
        (None, "The Network agreed as follows:"),
        (0, "To approve the agenda."),
        (0, "On the consular protection guide:"),
        (1, "To request the TS to circulate the draft;"),
        (1, "To ask Member Countries to:"),
        (2, "designate focal points;"),
        (2, "send comments by January 31, 2016."),
        (0, "To thank Canada for hosting the meeting."),
    ], table=[("Country", "Delegate"), ("Belize", "Ms. A. Smith"), ("Canada", "Mr. J. Tremblay"),
              ("Costa Rica", "Sr. L. Mora"), ("Mexico", "Sr. R. Pérez"), ("United States", "Ms. K. Brown")])
    parsed = parse_file(path)
    assert [(a.label, a.parent) for a in parsed.agreements] == [
        ("preamble", None), ("1", None), ("2", None), ("2.a", "2"), ("2.b", "2"), ("2.b.i", "2.b"), ("2.b.ii", "2.b"), ("3", None)]
    m = parsed.meeting
    assert [c.key for c in m.participants] == ["belice", "canada", "costa_rica", "mexico", "estados_unidos"]
    assert (m.body_key, m.city, m.country, str(m.date), parsed.language) == ("red_proteccion_consular", "Ottawa", "Canadá", "2015-11-18", "en")


def test_word_legal_style_multilevel_numbering(tmp_path: Path) -> None:
    """Word's legal-style list ("%1.", "%1.%2.", "%1.%2.%3."): the third level was text of the second (1.2 read
    "… the data: 1.2.1. by country; 1.2.2. by year.")."""
    path = tmp_path / "legal.docx"
    _numbered_docx(path, [("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3.")], [
        (None, "Minutes of the Meeting of the Liaison Officers Network to Combat Migrant Smuggling and Trafficking in Persons"),
        (None, "The Network met in Belize City on 5 March 2014 and agreed:"),
        (0, "Indicators on trafficking in persons:"),
        (1, "Member Countries will send their data to the TS."),
        (1, "The TS will consolidate the data:"),
        (2, "by country;"),
        (2, "by year."),
        (0, "To thank Belize for hosting the meeting."),
    ])
    assert [(a.label, a.parent) for a in parse_file(path).agreements] == [
        ("preamble", None), ("1", None), ("1.1", "1"), ("1.2", "1"), ("1.2.1", "1.2"), ("1.2.2", "1.2"), ("2", None)]
