"""PDF extraction against PDFs drawn with reportlab from the seeds: running header on every page, page numbers
in the footer, markers apart from their text (hanging indent), hyphenated line ends, a page break inside a
point, two-column pages. Plus the pure layout functions, table-driven on synthetic lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.extract import pdf
from ingest.extract.pdf import Line, drop_furniture, merge_marker_lines, pages_needing_ocr, reading_order
from tests.fixtures_docs import PdfLayout, build_pdf, paragraphs_of, read_seed, seed_to_pdf, text_to_pdf

from .helpers import MANAGUA, SEEDS, TELA, assert_paragraphs_in_order, seed_paragraphs, split_labels

LAYOUTS = {"one-column": {}, "two-columns": {"two_columns": True},
           "two-columns-short-pages": {"two_columns": True, "page_size": (595, 560)}}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[tuple[str, str], tuple[PdfLayout, object]]:
    """Every seed in every layout, drawn once and extracted once (pdfminer is slow on 2 shared cores)."""
    folder = tmp_path_factory.mktemp("pdf")
    result = {}
    for seed in SEEDS:
        for name, options in LAYOUTS.items():
            layout = build_pdf(seed_paragraphs(seed), folder / f"{seed.stem}-{name}.pdf", **options)
            result[(seed.stem, name)] = (layout, pdf.extract(layout.path))
    return result


CASES = [(seed, name) for seed in SEEDS for name in LAYOUTS]
IDS = [f"{seed.stem}-{name}" for seed, name in CASES]


@pytest.mark.parametrize("seed, name", CASES, ids=IDS)
def test_every_point_in_order_with_its_marker(drawn, seed: Path, name: str):
    layout, extracted = drawn[(seed.stem, name)]
    assert layout.page_count >= 2
    assert_paragraphs_in_order(extracted, seed_paragraphs(seed))


@pytest.mark.parametrize("seed, name", CASES, ids=IDS)
def test_no_running_header_or_page_number_left(drawn, seed: Path, name: str):
    _, extracted = drawn[(seed.stem, name)]
    assert "CRM — Informe" not in extracted.text
    assert "Página" not in extracted.text
    assert not re.search(r"(?m)^\s*\d+\s*$", extracted.text)


@pytest.mark.parametrize("seed, name", CASES, ids=IDS)
def test_pages_are_where_the_paragraphs_were_drawn(drawn, seed: Path, name: str):
    layout, extracted = drawn[(seed.stem, name)]
    assert extracted.page_count == layout.page_count
    offsets = assert_paragraphs_in_order(extracted, list(layout.paragraphs))
    for para, offset, page in zip(layout.paragraphs, offsets, layout.first_page):
        assert extracted.page_at(offset) == page, para.full_text[:40]
    if seed == MANAGUA:
        offset = extracted.text.index("5. Agradecer")
        assert extracted.page_at(offset) == layout.page_of("5. Agradecer")


@pytest.mark.parametrize("seed, name", CASES, ids=IDS)
def test_page_break_inside_a_point_does_not_split_it(drawn, seed: Path, name: str):
    layout, extracted = drawn[(seed.stem, name)]
    split = [p for p, first, last in zip(layout.paragraphs, layout.first_page, layout.last_page)
             if first != last and p.marker]
    assert split, "the fixture should cut a point with a page break"
    for para in split:  # the whole point, on one line of text, across the page boundary
        assert " ".join(para.full_text.split()) in extracted.text


@pytest.mark.parametrize("seed, name", CASES, ids=IDS)
def test_no_hyphenation_artefacts(drawn, seed: Path, name: str):
    _, extracted = drawn[(seed.stem, name)]
    seed_words = set(re.findall(r"[\w-]+", read_seed(seed)))
    for word in re.findall(r"[\w-]+", extracted.text):
        assert word in seed_words, f"{word!r} is not a word of the seed"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_split_labels_match_the_txt(drawn, seed: Path):
    from ingest.extract import txt

    expected = txt.extract(seed)
    want = split_labels(expected.text, expected.page_starts)
    for name in LAYOUTS:
        _, extracted = drawn[(seed.stem, name)]
        assert split_labels(extracted.text, extracted.page_starts) == want, name


def test_public_builders_and_other_page_number_styles(tmp_path: Path):
    path = seed_to_pdf(TELA, tmp_path / "tela.pdf", running_header=None, page_break_inside_point=False)
    assert "Reconocer los esfuerzos" in pdf.extract(path).text
    text = read_seed(MANAGUA) + "\n" + read_seed(TELA)
    for style in ("- {n} -", "{n}", "Pág. {n}", "Page {n} of {total}"):
        layout = build_pdf(paragraphs_of(text), tmp_path / "long.pdf", page_number_format=style,
                           running_header="Conferencia Regional sobre Migración 2014", page_size=(595, 600))
        extracted = pdf.extract(layout.path)
        assert layout.page_count >= 4
        assert extracted.page_count == layout.page_count
        assert_paragraphs_in_order(extracted, list(layout.paragraphs))
        assert "Conferencia Regional sobre Migración 2014" not in extracted.text


def test_text_to_pdf_without_hanging_indent(tmp_path: Path):
    # One page: a running header cannot be told from a title, so this page has none.
    path = text_to_pdf("Informe\n1. Primer punto.\na) Inciso uno.\n2. Segundo punto.", tmp_path / "t.pdf",
                       hanging_indent=False, running_header=None)
    assert pdf.extract(path).text == "Informe\n1. Primer punto.\na) Inciso uno.\n2. Segundo punto."


# --- pure layout functions -----------------------------------------------------------------------------------


def _line(text: str, x0: float, y: float, x1: float) -> Line:
    return Line(text, x0, y, x1, y + 10)


def test_two_columns_read_left_then_right():
    lines = [_line("TITULO COMPLETO DE LA REUNION DE LA RED", 72, 760, 520)]
    lines += [_line(f"izquierda {i}", 72, 700 - 14 * i, 280) for i in range(5)]
    lines += [_line(f"derecha {i}", 310, 700 - 14 * i, 520) for i in range(5)]
    lines += [_line("PIE A TODO EL ANCHO DE LA PAGINA, DESPUES", 72, 600, 520)]
    flows = reading_order(lines)
    texts = [line.text for flow in flows for line in flow.lines]
    assert texts == (["TITULO COMPLETO DE LA REUNION DE LA RED"] + [f"izquierda {i}" for i in range(5)]
                     + [f"derecha {i}" for i in range(5)] + ["PIE A TODO EL ANCHO DE LA PAGINA, DESPUES"])
    assert [flow.columns for flow in flows] == [False, True, True, False]


def test_right_aligned_date_stays_in_top_down_order():
    lines = [_line("Managua, Nicaragua", 72, 760, 180), _line("24 de noviembre de 2014", 400, 740, 520),
             _line("La Red de Funcionarios de Enlace para el Combate", 72, 720, 520),
             _line("al Tráfico", 72, 706, 130)]
    texts = [line.text for flow in reading_order(lines) for line in flow.lines]
    assert texts == [line.text for line in lines]


def test_marker_drawn_apart_is_merged_with_its_text():
    lines = [_line("1.", 72, 700, 80), _line("Agradecer a las delegaciones", 94, 700, 300),
             _line("a.", 94, 680, 101), _line("Instar a los Países", 116, 680, 300), _line("3", 290, 40, 296)]
    assert [line.text for line in merge_marker_lines(lines)] == [
        "1. Agradecer a las delegaciones", "a. Instar a los Países", "3"]


def test_furniture_is_dropped_only_at_the_edges():
    body = [_line(f"texto {i}", 72, 700 - 14 * i, 520) for i in range(8)]
    lines = ([_line("CRM — Informe", 72, 800, 140)] + body[:4] + [_line("CRM — Informe", 72, 640, 140)]
             + body[4:] + [_line("- 2 -", 290, 40, 300)])
    kept = [line.text for line in drop_furniture(lines, {"crm — informe"})]
    assert kept == [f"texto {i}" for i in range(4)] + ["CRM — Informe"] + [f"texto {i}" for i in range(4, 8)]


def test_title_like_the_running_header_survives_on_page_one(tmp_path: Path):
    text = "CONFERENCIA REGIONAL SOBRE MIGRACIÓN\n" + read_seed(TELA)
    layout = build_pdf(paragraphs_of(text), tmp_path / "t.pdf", running_header="CONFERENCIA REGIONAL SOBRE MIGRACIÓN")
    extracted = pdf.extract(layout.path)
    assert extracted.text.count("CONFERENCIA REGIONAL SOBRE MIGRACIÓN") == 1
    assert extracted.text.startswith("CONFERENCIA REGIONAL SOBRE MIGRACIÓN\n")


@pytest.mark.parametrize("counts, graphics, wanted", [
    ([500, 480, 0], [False, False, True], [3]),  # a scanned page in a born-digital report
    ([500, 0, 480], [False, False, False], []),  # a blank separator page: nothing to OCR
    ([0, 0], [True, True], [1, 2]),  # a scan
    ([0, 0], [False, False], [1, 2]),  # nothing seen at all: let OCR try every page
    ([12, 600], [True, False], [1]),  # a page with only a stamp-sized text and an image
])
def test_pages_needing_ocr(counts, graphics, wanted):
    assert pages_needing_ocr(counts, graphics) == wanted
