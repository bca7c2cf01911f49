"""Word extraction: body order, tables, and numbered lists rendered from Word's numbering definitions."""

from __future__ import annotations

from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ingest.extract import docx
from ingest.extract.docx import Level, format_number, render_marker
from tests.fixtures_docs import seed_to_docx, text_to_docx

from .helpers import SEEDS, assert_paragraphs_in_order, seed_paragraphs, split_labels


@pytest.mark.parametrize("numbering", ["direct", "style"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_points_come_back_with_rendered_markers(tmp_path: Path, seed: Path, numbering: str):
    path = seed_to_docx(seed, tmp_path / "seed.docx", numbering=numbering)
    document_xml = python_docx.Document(str(path))
    assert not any(p.text.startswith(("1.", "a.")) for p in document_xml.paragraphs), "markers must be numbering"
    extracted = docx.extract(path)
    assert_paragraphs_in_order(extracted, seed_paragraphs(seed))
    assert "CRM — Informe" not in extracted.text  # the running header lives in header1.xml
    assert extracted.page_starts == (0,)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_split_labels_match_the_txt(tmp_path: Path, seed: Path):
    from ingest.extract import txt

    expected = txt.extract(seed)
    want = split_labels(expected.text, expected.page_starts)
    extracted = docx.extract(seed_to_docx(seed, tmp_path / "seed.docx"))
    assert split_labels(extracted.text, extracted.page_starts) == want


def test_numbering_restarts_and_start_overrides(tmp_path: Path):
    path = text_to_docx("Intro\n3. tres\na. sub\nb. sub2\n4. cuatro\na. otra\n\n1. uno otra vez\n• bala",
                        tmp_path / "t.docx")
    assert docx.extract(path).text == "Intro\n3. tres\na. sub\nb. sub2\n4. cuatro\na. otra\n\n1. uno otra vez\n• bala"


def test_list_number_style_tables_and_body_order(tmp_path: Path):
    document = python_docx.Document()
    document.add_paragraph("Acuerdos")
    document.add_paragraph("Primero", style="List Number")
    document.add_paragraph("Segundo", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Belice"
    table.cell(0, 1).text = "Panamá"
    document.add_paragraph("Tercero", style="List Number")
    run = document.add_paragraph("Cuarto con ").add_run("tab\tdentro")
    del run
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert docx.extract(path).text == "Acuerdos\n1. Primero\n2. Segundo\nBelice\nPanamá\n3. Tercero\nCuarto con tab\tdentro"


def _numbered_document(tmp_path: Path, levels_xml: str, paragraphs: list[tuple[str, int]]) -> Path:
    document = python_docx.Document()
    root = document.part.numbering_part.element
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">{levels_xml}</w:abstractNum>')
    nums = root.findall(abstract.tag.replace("abstractNum", "num"))
    (nums[0].addprevious if nums else root.append)(abstract)
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    for text, level in paragraphs:
        num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 77
    path = tmp_path / "n.docx"
    document.save(str(path))
    return path


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def test_roman_upper_letter_and_multilevel_markers(tmp_path: Path):
    levels = _lvl(0, "upperRoman", "%1.") + _lvl(1, "decimal", "%1.%2)", start=5) + _lvl(2, "bullet", "\uf0b7")
    path = _numbered_document(tmp_path, levels, [("Uno", 0), ("sub", 1), ("sub", 1), ("viñeta", 2), ("Dos", 0),
                                                 ("sub", 1)])
    assert docx.extract(path).text == "I. Uno\nI.5) sub\nI.6) sub\n• viñeta\nII. Dos\nII.5) sub"


@pytest.mark.parametrize("n, fmt, text", [
    (1, "decimal", "1"), (4, "lowerLetter", "d"), (27, "lowerLetter", "aa"), (3, "upperLetter", "C"),
    (9, "lowerRoman", "ix"), (14, "upperRoman", "XIV"), (7, "decimalZero", "07"), (2, "ordinalText", "2"),
])
def test_format_number(n, fmt, text):
    assert format_number(n, fmt) == text


def test_render_marker_uses_start_of_levels_not_seen_yet():
    levels = {0: Level(start=2, fmt="decimal", text="%1."), 1: Level(fmt="lowerLetter", text="%1.%2)")}
    assert render_marker(levels, {1: 1}, 1) == "2.a)"
