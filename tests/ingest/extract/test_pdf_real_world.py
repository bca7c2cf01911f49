"""Real-world PDF faults (issue 14), each case generated with reportlab/pikepdf and its text asserted:
a second parser (pdfium) where pdfminer cannot read, fonts without a Unicode map, turned pages and text,
margin stamps, letter spacing and lost spaces, running headers on short and long documents, three
columns, tables, and widely spaced paragraphs (issue 11: the participants sentence survives)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.models import ExtractionError
from ingest.extract import pdf
from ingest.extract.cleanup import continues_sentence
from ingest.extract.glyphs import Glyph, line_text, strip_cid
from ingest.extract.reasons import human_reason, pdfminer_notes
from tests.fixtures_docs import seed_to_pdf

from .helpers import MANAGUA, TELA, squeeze
from .pdf_cases import glyph_by_glyph_pdf, set_rotate, unmapped_font_pdf, with_filter, without_page_types

PARTICIPANTS = ("Participaron los Viceministros y Jefes de Delegación de Belice, Canadá, Costa Rica, El Salvador, "
                "Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana, así "
                "como los observadores de la Organización Internacional para las Migraciones.")


@pytest.fixture(scope="module")
def tela_pdf(tmp_path_factory) -> Path:
    return seed_to_pdf(TELA, tmp_path_factory.mktemp("tela") / "tela.pdf")


@pytest.fixture(scope="module")
def tela_text(tela_pdf: Path) -> str:
    return pdf.extract(tela_pdf).text


# --- a second parser --------------------------------------------------------------------------------------


def test_page_tree_without_types_is_read_by_pdfium(tmp_path: Path, tela_pdf: Path, tela_text: str):
    broken = without_page_types(tela_pdf, tmp_path / "sin-tipo.pdf")
    result = pdf.extract(broken)
    assert result.page_parsers == ("pdfium", "pdfium")
    assert any(note.startswith("read with pdfium") for note in result.notes)
    assert "Plan de Trabajo-Archivo" in result.text
    # pdfium's lines go through the same layout: the header and the page numbers are gone here too
    assert "CRM — Informe" not in result.text and "Página" not in result.text
    assert result.text == tela_text  # glyph positions from pdfium, the same layout rules: the same text
    assert result.page_starts == pdf.extract(tela_pdf).page_starts


def test_a_page_pdfminer_cannot_decode_is_read_by_pdfium(tmp_path: Path, tela_pdf: Path, tela_text: str):
    path = with_filter(tela_pdf, tmp_path / "brotli.pdf", "BrotliDecode", [2])
    result = pdf.extract(path)
    assert result.page_parsers == ("pdfminer", "pdfium")
    assert result.notes == ("page 2 read with pdfium "
                            "(uses a compression this reader does not support (BrotliDecode))",)
    assert result.text == tela_text


@pytest.mark.parametrize("error, reason", [
    (Exception("Unsupported filter: /'BrotliDecode'"), "uses a compression this reader does not support (BrotliDecode)"),
    (Exception("Invalid dictionary construct: [/'Water', 32, 0, /'Pipe']"), "damaged PDF: malformed object"),
    (Exception("No /Root object! - Is this really a PDF?"), "damaged PDF: no document catalog"),
    (KeyError(17), "damaged PDF: refers to objects that are missing"),
    (Exception("Unexpected EOF"), "damaged PDF: the file ends in the middle of an object"),
    (TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'"), "damaged PDF: unreadable structure"),
])
def test_failure_reasons_are_short_sentences(error: Exception, reason: str):
    assert human_reason(error) == reason


def test_pdfminer_warnings_become_notes_of_the_file_or_are_dropped(caplog):
    import logging

    notes: list[str] = []
    with caplog.at_level(logging.WARNING), pdfminer_notes(notes):
        logging.getLogger("pdfminer.pdftypes").warning("Data-loss while decompressing corrupted data")
        logging.getLogger("pdfminer.pdffont").warning("Could not get FontBBox from font descriptor")
    assert notes == ["part of the file is corrupt: some text may be missing"]
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]  # nothing anonymous on stderr


# --- unmapped glyphs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["pdfminer", "pdfium"])
def test_font_without_unicode_map_is_read_by_ocr(tmp_path: Path, lead: str):
    lines = ["Participaron los Viceministros de Belice, Canadá,", "Costa Rica y El Salvador en la reunión."]
    result = pdf.extract(unmapped_font_pdf(lines, tmp_path / "cid.pdf"), lead=lead)
    assert "(cid:" not in result.text
    assert result.page_parsers == ("ocr",) and result.ocr_pages == (1,)
    assert result.notes == ("page 1 read by OCR: the fonts have no Unicode map",)
    assert "Viceministros de Belice" in result.text and "El Salvador" in result.text


def test_no_cid_token_reaches_what_the_catalog_stores(tmp_path: Path):
    from ingest.pipeline import parse_file

    lines = ["CONFERENCIA REGIONAL SOBRE MIGRACIÓN", "Reunión Viceministerial, Managua, Nicaragua",
             "1. Agradecer a la Organización Internacional para las Migraciones su apoyo técnico."]
    parsed = parse_file(unmapped_font_pdf(lines, tmp_path / "cid.pdf"))
    assert "(cid:" not in parsed.extracted.text
    assert not any("(cid:" in a.text for a in parsed.agreements)
    assert parsed.language == "es" and "Agradecer a la Organización" in parsed.extracted.text


def test_font_without_unicode_map_and_no_ocr_says_why(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CRM_ARCHIVE_TESSERACT", "no-such-tesseract")
    with pytest.raises(ExtractionError, match=r"^the fonts have no Unicode map, so the text needs OCR \("):
        pdf.extract(unmapped_font_pdf(["Reunión Viceministerial de la CRM en Managua"], tmp_path / "cid.pdf"))


def test_a_few_unmapped_glyphs_leave_no_cid_token():
    glyphs = [Glyph(c, 10.0 * i, 10.0 * i + 9.5, 12) for i, c in enumerate("Migraci")]
    glyphs += [Glyph("(cid:12)", 70, 79.5, 12), Glyph("n", 80, 89.5, 12)]
    assert line_text(glyphs) == "Migracin"
    assert strip_cid("a(cid:3)b (cid:44)") == "ab "


def _word(text: str, x: float, size: float = 12.0, y0: float = 100.0) -> list[Glyph]:
    return [Glyph(c, x + 7.0 * i, x + 7.0 * i + 6.5, size, y0) for i, c in enumerate(text)]


@pytest.mark.parametrize(("glyphs", "text"), [
    # A footnote reference, smaller and raised: its own token ("Técnica1" was one word).
    (_word("Técnica", 0) + _word("1", 49, 8.0, 105.0) + _word(". La", 55), "Técnica 1. La"),
    (_word("países", 0) + _word("12", 42, 7.0, 104.0) + _word(",", 56), "países 12,"),
    # Digits of the line's size, or smaller but on the baseline, are text.
    (_word("2014.", 0), "2014."),
    (_word("CO", 0) + _word("2", 14, 8.0, 98.0), "CO2"),
    # Without positions (a parser that gives none), nothing is parted.
    ([Glyph(c, 7.0 * i, 7.0 * i + 6.5, 12) for i, c in enumerate("nota1")], "nota1"),
])
def test_superscript_footnote_references_are_parted_from_their_word(glyphs: list[Glyph], text: str):
    assert line_text(glyphs) == text


def test_a_footnote_reference_in_a_pdf_is_parted_from_its_word(tmp_path: Path):
    """reportlab's <super>, as Word's superscript: the word before it is found by search."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    path = tmp_path / "nota.pdf"
    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(
        "El Grupo se reunió con el apoyo de la Secretaría Técnica<super>1</super>. Tras las deliberaciones<super>2</super>, "
        "el Grupo acordó aprobar el informe.", style)])
    text = pdf.extract(path).text
    assert "Técnica 1." in text and "deliberaciones 2," in text


# --- rotation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotate_is_honoured(tmp_path: Path, tela_pdf: Path, tela_text: str, degrees: int):
    result = pdf.extract(set_rotate(tela_pdf, tmp_path / f"r{degrees}.pdf", degrees))
    assert result.text == tela_text


def test_text_drawn_turned_on_a_landscape_page_reads_as_lines(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "landscape.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842), invariant=True)
    page.translate(100, 72)
    page.rotate(90)  # a landscape table printed on a portrait page
    page.setFont("Helvetica", 11)
    rows = ["Reunión Viceministerial de la Conferencia Regional sobre Migración",
            "Tegucigalpa, Honduras, 24 de noviembre de 2014",
            "Acuerdos sobre niñez migrante no acompañada"]
    for n, row in enumerate(rows):
        page.drawString(0, -n * 16, row)
    page.showPage()
    page.save()
    text = pdf.extract(path).text
    assert squeeze(text) == " ".join(rows)  # in order, words whole (before: one character per line)


def test_a_turned_margin_stamp_is_left_out_whole(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "stamp.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842), invariant=True)
    page.setFont("Helvetica", 11)
    body = ["La Conferencia Regional sobre Migración acordó instar a los Países Miembros a compartir",
            "información sobre las rutas de tráfico ilícito de migrantes en la región."]
    for n, row in enumerate(body):
        page.drawString(72, 700 - n * 14, row)
    page.saveState()
    page.translate(30, 300)
    page.rotate(90)
    page.setFont("Helvetica", 9)
    page.drawString(0, 0, "DOCUMENTO RECIBIDO 12/03/2015 SECRETARIA TECNICA")
    page.restoreState()
    page.showPage()
    page.save()
    text = pdf.extract(path).text
    assert text == " ".join(body)
    assert not re.search(r"(?m)^\S$", text)


# --- spacing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["pdfminer", "pdfium"])
def test_letter_spacing_and_lost_spaces(tmp_path: Path, lead: str):
    path = glyph_by_glyph_pdf([("Compania Sud Americana de Vapores", 3.5, 9.0),  # tracked heading
                               ("Strip the cable before use", 0.0, 1.2),  # spaces narrower than pdfminer's rule
                               ("CONFERENCIA REGIONAL SOBRE MIGRACION", 2.0, 7.0)], tmp_path / "g.pdf")
    assert pdf.extract(path, lead=lead).text.split("\n\n") == [
        "Compania Sud Americana de Vapores", "Strip the cable before use", "CONFERENCIA REGIONAL SOBRE MIGRACION"]


def test_character_spacing_operator_is_letter_spacing(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "tc.pdf"
    page = canvas.Canvas(str(path), invariant=True)
    text = page.beginText(72, 700)
    text.setFont("Helvetica-Bold", 14)
    text.setCharSpace(4)
    text.textLine("ACUERDOS ADOPTADOS")
    page.drawText(text)
    page.showPage()
    page.save()
    assert pdf.extract(path).text == "ACUERDOS ADOPTADOS"


@pytest.mark.parametrize("gaps, expected", [
    ([0.0] * 6, "abcdefg"),  # touching letters: one word
    ([3.6] * 6, "abcdefg"),  # uniformly tracked: one word
    ([0.0, 0.0, 1.0, 0.0, 0.0, 0.0], "abc defg"),  # a narrow space among touching letters
    ([3.6, 3.6, 10.0, 3.6, 3.6, 3.6], "abc defg"),  # a word gap among tracked letters
])
def test_line_text_gaps(gaps: list[float], expected: str):
    glyphs, x = [], 0.0
    for char, gap in zip("abcdefg", gaps + [0.0]):
        glyphs.append(Glyph(char, x, x + 6.0, 12.0))
        x += 6.0 + gap
    assert line_text(glyphs) == expected


# --- running headers and footers --------------------------------------------------------------------------


def _pages_pdf(path: Path, pages: list[list[tuple[float, float, str, float]]]) -> Path:
    """Pages of (x, y, text, font size)."""
    from reportlab.pdfgen import canvas

    out = canvas.Canvas(str(path), pagesize=(595, 842), invariant=True)
    for items in pages:
        for x, y, text, size in items:
            out.setFont("Helvetica", size)
            out.drawString(x, y, text)
        out.showPage()
    out.save()
    return path


def _body(page: int, lines: int = 8, top: float = 760) -> list[tuple[float, float, str, float]]:
    return [(72, top - 14 * i, f"Texto del cuerpo de la página {page}, renglón número {i} del informe final.", 11)
            for i in range(lines)]


def test_short_document_keeps_what_opens_both_pages(tmp_path: Path):
    pages = [[(72, 790, "Factura N.º 2014-0871 del 24 de noviembre de 2014", 11)] + _body(p, top=776)
             for p in (1, 2)]
    text = pdf.extract(_pages_pdf(tmp_path / "factura.pdf", pages)).text
    assert text.startswith("Factura N.º 2014-0871 del 24 de noviembre de 2014")


def test_running_header_of_a_long_document_is_dropped_but_not_its_first_body_lines(tmp_path: Path):
    pages = [[(72, 800, "Conferencia Regional sobre Migración — Informe anual", 8)]
             + [(72, 760, "Lista de participantes por delegación y por país", 11)] + _body(p, top=746)
             for p in range(1, 6)]
    text = pdf.extract(_pages_pdf(tmp_path / "largo.pdf", pages)).text
    assert "Informe anual" not in text
    assert text.count("Lista de participantes por delegación y por país") == 5


# --- columns and tables --------------------------------------------------------------------------------------


def test_three_columns_in_reading_order(tmp_path: Path):
    columns = [[f"Columna {c} renglón {r} con texto." for r in range(6)] for c in "ABC"]
    items = [(180, 790, "TÍTULO DE LA PÁGINA A TRES COLUMNAS DEL BOLETÍN", 12)]
    for k, column in enumerate(columns):
        items += [(50 + 170 * k, 750 - 14 * r, row, 9) for r, row in enumerate(column)]
    lines = pdf.extract(_pages_pdf(tmp_path / "tres.pdf", [items])).text.split("\n")
    flat = " ".join(lines)
    expected = [row for column in columns for row in column]
    assert [flat.index(row) for row in expected] == sorted(flat.index(row) for row in expected)
    assert lines[0] == "TÍTULO DE LA PÁGINA A TRES COLUMNAS DEL BOLETÍN"


def test_a_table_is_read_row_by_row(tmp_path: Path):
    rows = [("País", "Retornos", "Solicitudes"), ("Guatemala", "1.204", "385"), ("Honduras", "987", "402"),
            ("El Salvador", "655", "211"), ("Nicaragua", "120", "97")]
    items = [(72, 780, "Cuadro 1. Retornos y solicitudes por país, 2014", 11)]
    for r, row in enumerate(rows):
        items += [(x, 750 - 16 * r, cell, 10) for x, cell in zip((72, 260, 420), row)]
    text = pdf.extract(_pages_pdf(tmp_path / "tabla.pdf", [items])).text
    for row in rows:
        assert " ".join(row) in text


# --- paragraphs of widely spaced lines (issue 11) --------------------------------------------------------


def _sentence_pdf(path: Path, leading: float, page_break_after: int | None = None) -> Path:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    words, lines, current = PARTICIPANTS.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, "Helvetica", 11) > 430 and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    out = canvas.Canvas(str(path), pagesize=(595, 842), invariant=True)
    out.setFont("Helvetica-Bold", 11)
    out.drawString(200, 780, "DECLARACIÓN CONJUNTA")
    y = 780 - 2.5 * leading
    for n, line in enumerate(lines):
        if page_break_after is not None and n == page_break_after:
            out.showPage()
            y = 780
        text = out.beginText(72, y)  # one text object (one "box") per line, as some writers make them
        text.setFont("Helvetica", 11)
        text.textLine(line)
        out.drawText(text)
        y -= leading
    out.setFont("Helvetica", 11)
    out.drawString(72, y - leading, "1. Reconocer los avances en la protección de la niñez migrante.")
    out.showPage()
    out.save()
    return path


COUNTRIES = ["belice", "canada", "costa_rica", "el_salvador", "estados_unidos", "guatemala", "honduras", "mexico",
             "nicaragua", "panama", "republica_dominicana"]


def _participants(text: str) -> list[str]:
    from ingest.metadata import read_meeting

    return [country.key for country in read_meeting(text).participants]


@pytest.mark.parametrize("leading", [13.0, 20.0, 27.0, 34.0])
def test_widely_spaced_sentence_is_one_paragraph(tmp_path: Path, leading: float):
    text = pdf.extract(_sentence_pdf(tmp_path / "p.pdf", leading)).text
    assert PARTICIPANTS in text.split("\n\n") or PARTICIPANTS in text.split("\n")
    assert text.startswith("DECLARACIÓN CONJUNTA\n")
    assert "\n1. Reconocer los avances" in text
    assert _participants(text) == COUNTRIES  # split at "El | Salvador" the reader found three of eleven


@pytest.mark.parametrize("leading", [13.0, 27.0])
def test_page_break_inside_the_participants_sentence(tmp_path: Path, leading: float):
    result = pdf.extract(_sentence_pdf(tmp_path / "p.pdf", leading, page_break_after=2))
    assert result.page_count == 2
    assert PARTICIPANTS in result.text.split("\n")
    assert _participants(result.text) == COUNTRIES
    from .helpers import split_labels

    assert split_labels(result.text, result.page_starts) == ["preamble", "1"]


@pytest.mark.parametrize("previous, line, joined", [
    ("Participaron los Viceministros de Belice, Canadá,", "Costa Rica, El Salvador", True),
    ("la reunión se celebró en la ciudad", "de Tela, Honduras", True),
    ("Los Viceministros acordaron instar a los", "Países Miembros", True),
    ("Los Viceministros acordaron:", "instar a los Países", False),
    ("CONCLUSIONES", "Reunión del Grupo Regional de Consulta", False),
    ("Participaron las delegaciones de", "1. Belice", False),
    ("Managua, Nicaragua", "24 de noviembre de 2014", False),  # a place line, then a date line
    ("Participaron los Viceministros de El", "Salvador, Guatemala", True),
])
def test_continues_sentence(previous: str, line: str, joined: bool):
    assert continues_sentence(previous, line) is joined


def test_seeds_keep_their_structure_from_pdf():
    from ingest.extract import txt

    from .helpers import split_labels

    for seed in (MANAGUA, TELA):
        expected = txt.extract(seed)
        assert split_labels(expected.text, expected.page_starts)  # the seed round trip is in test_pdf.py


def test_trailing_bytes_after_a_complete_pdf_are_ignored(tmp_path: Path, tela_pdf: Path, tela_text: str):
    padded = tmp_path / "con-pie.pdf"
    padded.write_bytes(tela_pdf.read_bytes() + b"\n-- \nEnviado desde el correo institucional\n" + b"\0" * 8192)
    assert pdf.extract(padded).text == tela_text


def test_without_ocr_a_page_that_needs_it_is_left_out_with_a_note(tmp_path: Path, tela_pdf: Path, tela_text: str,
                                                                   monkeypatch):
    import pikepdf

    from tests.fixtures_docs import scanned_pdf

    unmapped = unmapped_font_pdf(["Anexo: lista de participantes de la reunión"], tmp_path / "cid.pdf")
    scan = scanned_pdf("ANEXO II\nFotografías de la reunión", tmp_path / "scan.pdf")
    combined = tmp_path / "informe-con-anexos.pdf"
    with pikepdf.open(tela_pdf) as document, pikepdf.open(unmapped) as a, pikepdf.open(scan) as b:
        document.pages.extend(a.pages)
        document.pages.extend(b.pages)
        document.save(combined)
    monkeypatch.setenv("CRM_ARCHIVE_TESSERACT", "no-such-tesseract")
    result = pdf.extract(combined)
    assert squeeze(result.text) == squeeze(tela_text)
    assert [note.split(":")[0] for note in result.notes] == [
        "page 3 left out", "page 4 has no text layer and was skipped"]
    assert "OCR is unavailable (tesseract is not installed" in result.notes[0]
