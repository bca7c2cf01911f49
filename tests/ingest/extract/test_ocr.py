"""OCR of scanned reports: the seed reports typeset, rotated, speckled and read back with the real tesseract.

The slow part (tesseract on 3 seed pages, ~5-10 s a page on the shared 2-core machine) runs once per module.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from archive.models import ExtractedText, ExtractionError
from ingest.extract import image as image_extractor
from ingest.extract.ocr import (
    RENDER_DPI,
    SPECKLED_PAGE_DENSITY,
    TESSERACT_ENV,
    Line,
    OcrUnavailable,
    Word,
    layout_text,
    ocr_image,
    ocr_pdf_pages,
    parse_tsv,
    render_resolution,
    speck_density,
)
from tests.scans import character_error_rate, levenshtein, render_pages, scan, write_scanned_pdf, write_tiff

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[3]
MANAGUA = ROOT / "corpus" / "000_cf50010547db6d03.txt"
TELA = ROOT / "corpus" / "003_5b39909ca16edb25.txt"

# Measured at 200 dpi with specks (see ingest/extract/ocr.py): 0.00-0.05 %. The bound leaves room for a
# different tesseract build, and still fails if the language, resolution or despeckling goes wrong
# (each of those mistakes measured 0.5-3 %).
MAX_CER = 0.01

# The OCR tests run, never skip: `make test` installs tesseract, and without it they fail loudly here.
assert shutil.which("tesseract"), "tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng"


def split_labels(text: str, *, ocr: bool) -> list[str]:
    """Labels the real splitter gives the text."""
    from ingest.split import split_agreements

    return [a.label for a in split_agreements(text, ocr=ocr)]


# --- layout of recognised words: pure, no tesseract -------------------------------------------------------


def line(text: str, left: int = 100, *, char_px: int = 10, confidence: float = 90.0) -> Line:
    """A recognised line at ``left``, each character ``char_px`` wide and words one character apart."""
    words, x = [], left
    for token in text.split():
        words.append(Word(token, x, len(token) * char_px, confidence))
        x += (len(token) + 1) * char_px
    return Line(tuple(words), height=30)


@pytest.mark.parametrize(
    "lines, expected",
    [
        # wrapped body text: the next line's first word did not fit, so the lines join with a space
        (["la Red de Funcionarios de Enlace para", "el Combate al Tráfico"],
         "la Red de Funcionarios de Enlace para el Combate al Tráfico"),
        # heading lines: the next line's first word would have fitted after the short line -> a real break
        (["CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)", "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)"],
         "CONFERENCIA REGIONAL SOBRE MIGRACION (CRM)\n\nGRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN (GRCM)"),
        (["Managua, Nicaragua", "24 de noviembre de 2014"], "Managua, Nicaragua\n\n24 de noviembre de 2014"),
        # hyphenation at the end of a line is undone ...
        (["los acuerdos sobre la protección de migra-", "ción internacional y el retorno seguro"],
         "los acuerdos sobre la protección de migración internacional y el retorno seguro"),
        # ... but a compound broken at its own hyphen keeps it
        (["mantenimiento de un Plan de Trabajo-", "Archivo que contenga los objetivos"],
         "mantenimiento de un Plan de Trabajo-Archivo que contenga los objetivos"),
        # a sub-point starts its own line even when single-spaced and the break is not visible by width
        (["se acordó lo siguiente sobre los indicadores:", "a. Instar a los Países Miembros"],
         "se acordó lo siguiente sobre los indicadores:\na. Instar a los Países Miembros"),
    ],
)
def test_layout_of_one_paragraph(lines: list[str], expected: str):
    assert layout_text([tuple(line(text) for text in lines)]) == expected


def test_tesseract_paragraphs_are_separated_by_a_blank_line():
    paragraphs = [(line("1. Agradecer a las delegaciones."),), (line("2. Respecto a los avances."),)]
    assert layout_text(paragraphs) == "1. Agradecer a las delegaciones.\n\n2. Respecto a los avances."


def test_parse_tsv_groups_words_by_paragraph_and_skips_empty_rows():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t",
        "4\t1\t1\t1\t1\t0\t191\t203\t799\t34\t-1\t",
        "5\t1\t1\t1\t1\t1\t191\t211\t221\t26\t96.5\tCONFERENCIA",
        "5\t1\t1\t1\t1\t2\t425\t209\t158\t25\t90.5\tREGIONAL",
        "5\t1\t1\t1\t1\t3\t600\t209\t10\t25\t95\t ",  # tesseract reports blank "words"
        "4\t1\t2\t1\t1\t0\t194\t334\t1195\t38\t-1\t",
        "5\t1\t2\t1\t1\t1\t194\t347\t138\t25\t93\tINFORME",
    ]
    paragraphs = parse_tsv("\n".join([header, *rows]))
    assert [[ln.text for ln in p] for p in paragraphs] == [["CONFERENCIA REGIONAL"], ["INFORME"]]
    assert paragraphs[0][0].height == 34 and paragraphs[0][0].right == 425 + 158


@given(st.lists(st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóú", min_size=1, max_size=12),
                min_size=1, max_size=40),
       st.integers(min_value=3, max_value=12))
def test_layout_never_loses_or_reorders_words(words: list[str], per_line: int):
    """Whatever the line structure, the words come out in order (no marker or hyphen among them)."""
    lines = [" ".join(words[i:i + per_line]) for i in range(0, len(words), per_line)]
    text = layout_text([tuple(line(t) for t in lines)])
    assert text.split() == words


@given(st.text(alphabet="ab c", max_size=14), st.text(alphabet="ab c", max_size=14))
def test_levenshtein_matches_the_textbook_table(a: str, b: str):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    assert levenshtein(a, b) == previous[-1]


@pytest.mark.parametrize(
    "scan_dpi, render_dpi",
    [(None, RENDER_DPI), (200.0, 200), (299.7, 300), (100.0, 100), (30.0, 72), (600.0, 400), (1200.0, 400)],
)
def test_pages_are_rendered_at_the_scans_own_resolution(scan_dpi: float | None, render_dpi: int):
    assert render_resolution(scan_dpi) == render_dpi


@pytest.mark.parametrize("dpi", [100, 200])
def test_speck_density_tells_speckled_pages_from_clean_ones(dpi: int):
    text = "1. Agradecer a las delegaciones de Belice, Canadá y Costa Rica.\n" * 12
    assert speck_density(scan(text, dpi=dpi, specks=False)[0].image) < SPECKLED_PAGE_DENSITY / 10
    assert speck_density(scan(text, dpi=dpi, specks=True)[0].image) > SPECKLED_PAGE_DENSITY * 5


# --- the seed reports, scanned and read back ------------------------------------------------------------


class SeedScan:
    def __init__(self, txt: Path, folder: Path):
        self.expected = txt.read_text(encoding="utf-8")
        self.pages = scan(self.expected, dpi=200, angle=0.7, seed=8)
        self.pdf = write_scanned_pdf(self.pages, folder / f"{txt.stem}.pdf")
        self.progress: list[tuple[int, int]] = []
        started = time.monotonic()
        self.result = ocr_pdf_pages(self.pdf, range(1, len(self.pages) + 1),
                                    progress=lambda done, total: self.progress.append((done, total)))
        self.seconds = time.monotonic() - started
        self.text = "\n\n".join(self.result[n][0] for n in sorted(self.result))


@pytest.fixture(scope="module", params=[MANAGUA, TELA], ids=["managua-2014", "tela-2008"])
def seed_scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SeedScan:
    return SeedScan(request.param, tmp_path_factory.mktemp("scans"))


def test_scanned_pdf_has_no_text_layer(seed_scan: SeedScan):
    from pdfminer.high_level import extract_text

    assert extract_text(seed_scan.pdf).strip() == ""


def test_ocr_reads_the_seed_with_few_character_errors(seed_scan: SeedScan):
    cer = character_error_rate(seed_scan.text, seed_scan.expected)
    pages = len(seed_scan.pages)
    print(f"\n{seed_scan.pdf.name}: CER {cer:.2%}, {pages} page(s) in {seed_scan.seconds:.1f} s "
          f"({pages / seed_scan.seconds:.2f} pages/s), confidence "
          f"{[round(seed_scan.result[n][1], 1) for n in sorted(seed_scan.result)]}")
    assert cer < MAX_CER
    assert all(80 < confidence <= 100 for _, confidence in seed_scan.result.values())


def test_ocr_reports_progress_once_per_page(seed_scan: SeedScan):
    pages = len(seed_scan.pages)
    assert sorted(seed_scan.result) == list(range(1, pages + 1))
    assert seed_scan.progress == [(done, pages) for done in range(1, pages + 1)]


def test_ocr_text_splits_into_the_same_agreements_as_the_txt(seed_scan: SeedScan):
    expected = split_labels(seed_scan.expected, ocr=False)
    assert split_labels(seed_scan.text, ocr=True) == expected
    assert len(expected) >= 5  # the seeds have 4 and 5 numbered points (Managua also lettered sub-points)


def test_ocr_keeps_heading_lines_apart(seed_scan: SeedScan):
    """Place and date lines stay lines of their own: the metadata reader looks for them there."""
    place = next(text for text in ("Managua, Nicaragua", "Tela, Honduras") if text in seed_scan.expected)
    assert place in seed_scan.text.splitlines()


# --- the image extractor -----------------------------------------------------------------------------------


def test_image_extract_reads_a_png_page(tmp_path: Path):
    page = scan(TELA.read_text(encoding="utf-8"), dpi=200, seed=3)[0]
    path = tmp_path / "tela.png"
    page.image.save(path, dpi=(200, 200))
    extracted = image_extractor.extract(path)
    assert isinstance(extracted, ExtractedText)
    assert extracted.ocr_pages == (1,) and extracted.page_starts == (0,)
    assert extracted.ocr_confidence is not None and extracted.ocr_confidence > 80
    assert character_error_rate(extracted.text, page.text) < MAX_CER
    assert "Tela, Honduras" in extracted.text.splitlines()


def test_image_extract_reads_every_page_of_a_tiff(tmp_path: Path):
    pages = [*render_pages("Managua, Nicaragua"), *render_pages("24 de noviembre de 2014")]
    extracted = image_extractor.extract(write_tiff(pages, tmp_path / "two-pages.tiff"))
    assert extracted.ocr_pages == (1, 2)
    assert extracted.text[: extracted.page_starts[1]].strip() == "Managua, Nicaragua"
    assert extracted.text[extracted.page_starts[1]:] == "24 de noviembre de 2014"
    assert extracted.page_at(extracted.text.index("noviembre")) == 2


def test_image_with_transparency_is_read_on_white(tmp_path: Path):
    page = render_pages("Tela, Honduras")[0].image
    rgba = Image.new("RGBA", page.size, (0, 0, 0, 0))  # transparent black: a plain convert gives a black page
    rgba.putalpha(page.point(lambda v: 255 - v))
    path = tmp_path / "transparent.png"
    rgba.save(path, dpi=(200, 200))
    assert image_extractor.extract(path).text == "Tela, Honduras"


def test_blank_image_is_an_error_not_empty_text(tmp_path: Path):
    path = tmp_path / "blank.png"
    Image.new("L", (850, 1100), 255).save(path, dpi=(100, 100))
    with pytest.raises(ExtractionError, match=r"^no text recognised in blank\.png \(1 page\(s\)\)$"):
        image_extractor.extract(path)


def test_file_that_is_not_an_image(tmp_path: Path):
    path = tmp_path / "acta.png"
    path.write_text("CONFERENCIA REGIONAL SOBRE MIGRACIÓN", encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"^acta\.png is not a readable image"):
        image_extractor.extract(path)


# --- failures: missing tesseract, missing languages, stuck pages ------------------------------------------------


def small_page() -> Image.Image:
    return render_pages("1. Agradecer a las delegaciones")[0].image


def test_missing_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no tesseract on it
    with pytest.raises(OcrUnavailable, match=r"^tesseract is not installed .*apt-get install tesseract-ocr "
                                             r"tesseract-ocr-spa tesseract-ocr-eng$"):
        ocr_image(small_page())


def test_tesseract_named_by_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(TESSERACT_ENV, str(tmp_path / "no-such-tesseract"))
    pdf = write_scanned_pdf(render_pages("Tela, Honduras"), tmp_path / "scan.pdf")
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr"):
        ocr_pdf_pages(pdf, [1])
    png = tmp_path / "scan.png"
    small_page().save(png)
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr"):
        image_extractor.extract(png)


def test_unusable_tesseract_is_unavailable_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    broken = tmp_path / "tesseract"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv(TESSERACT_ENV, str(broken))
    with pytest.raises(OcrUnavailable, match="does not run"):
        ocr_image(small_page())


def test_missing_language_data_names_the_package():
    with pytest.raises(OcrUnavailable, match=r"^tesseract language data xyz is not installed: "
                                             r"apt-get install tesseract-ocr-xyz$"):
        ocr_image(small_page(), lang="spa+xyz")


def test_a_page_that_takes_too_long_is_an_error_naming_the_page(tmp_path: Path):
    pdf = write_scanned_pdf(render_pages("Tela, Honduras") * 2, tmp_path / "slow.pdf")
    # Loading the language models alone takes longer than a millisecond.
    with pytest.raises(ExtractionError, match=r"^OCR of page 2 of slow\.pdf timed out after 0\.001 s$"):
        ocr_pdf_pages(pdf, [2], timeout=0.001)


def test_pages_outside_the_document_are_refused(tmp_path: Path):
    pdf = write_scanned_pdf(render_pages("Tela, Honduras"), tmp_path / "one.pdf")
    with pytest.raises(ExtractionError, match=r"^one\.pdf has 1 page\(s\); cannot OCR page\(s\) \[3\]$"):
        ocr_pdf_pages(pdf, [1, 3])
    assert ocr_pdf_pages(pdf, []) == {}
