"""Plain-text extraction: encodings, line endings, control characters, pages from form feeds."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.models import ExtractionError
from ingest.extract import txt

from .helpers import SEEDS, assert_paragraphs_in_order, seed_paragraphs

SPANISH = "Conferencia Regional sobre Migración – Panamá, niñez “migrante” ‘sí’ Año\n1. Agradecer a México.\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),  # Windows "Unicode" without BOM: NULs in every other byte
    ("cp1252", b""),
])
def test_encodings_decode_spanish_right(tmp_path: Path, encoding: str, bom: bytes):
    path = tmp_path / "informe.txt"
    path.write_bytes(bom + SPANISH.encode(encoding))
    assert txt.extract(path).text == SPANISH.rstrip()


def test_latin1_without_cp1252_punctuation(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_bytes("Reunión en Panamá, niñez\x81".encode("latin-1"))  # 0x81 is undefined in cp1252
    assert txt.extract(path).text == "Reunión en Panamá, niñez"


def test_mac_roman_is_recognised(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_bytes("Migración en Panamá y niñez".encode("mac_roman"))
    assert txt.extract(path).text == "Migración en Panamá y niñez"


def test_cp1252_dash_between_words_stays_cp1252(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_bytes("Diálogo Norte–Sur en Panamá".encode("cp1252"))
    assert txt.extract(path).text == "Diálogo Norte–Sur en Panamá"


def test_utf8_mojibake_is_repaired(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_bytes("Migración en Panamá, niñez".encode("utf-8").decode("cp1252").encode("utf-8"))
    assert txt.extract(path).text == "Migración en Panamá, niñez"


def test_line_endings_and_nul_bytes(tmp_path: Path):
    path = tmp_path / "informe.txt"
    body = "La Red de Funcionarios de Enlace presenta su informe. ".encode() * 2
    path.write_bytes(b"uno\r\ndos\rtres\nMigraci\xc3\xb3n\x00\x00 \x1b[0mok\x07\tfin\r\n" + body)
    assert txt.extract(path).text == "uno\ndos\ntres\nMigración [0mok\tfin\n" + body.decode().rstrip()


def test_form_feeds_make_pages(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_text("Página uno\n1. Agradecer\x0cPágina dos\n2. Solicitar\x0c", encoding="utf-8")
    result = txt.extract(path)
    assert result.page_count == 2
    assert result.page_at(result.text.index("2. Solicitar")) == 2
    assert result.page_at(result.text.index("1. Agradecer")) == 1


def test_page_furniture_at_form_feeds_is_dropped(tmp_path: Path):
    """pdftotext keeps each page's footer and running header: "Página 1 de 2" was text of the last point of
    every page (2.b read "… el protocolo revisado. Página 1 de 2")."""
    path = tmp_path / "informe.txt"
    path.write_text("CRM - Red de Protección\nINFORME\n1. Agradecer.\n2. Solicitar:\nb. Que la ST circule.\n\nPágina 1 de 3\f"
                    "CRM - Red de Protección\nc. Que la OIM apoye.\n3. Tomar nota.\n- 2 -\f"
                    "CRM - Red de Protección\n4. Agradecer a Panamá.\n3\n", encoding="utf-8")
    result = txt.extract(path)
    assert "Página" not in result.text and "- 2 -" not in result.text and not result.text.endswith("3")
    assert result.text.count("CRM - Red de Protección") == 1  # the first page's top line is the document's own
    assert result.page_count == 3 and result.page_at(result.text.index("4. Agradecer")) == 3


def test_a_single_page_keeps_a_last_line_that_is_a_number(tmp_path: Path):
    path = tmp_path / "informe.txt"
    path.write_text("Los países miembros son\n11\n", encoding="utf-8")
    assert txt.extract(path).text.endswith("11")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seeds_keep_every_point(seed: Path):
    result = txt.extract(seed)
    assert result.page_starts == (0,)
    assert_paragraphs_in_order(result, seed_paragraphs(seed))


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t", "\ufeff".encode("utf-8-sig")])
def test_empty_text_is_an_error(tmp_path: Path, data: bytes):
    path = tmp_path / "vacio.txt"
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match="no text found"):
        txt.extract(path)


spanish_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl",
                                                                                   "Zp", "Cf", "Zs", "Mn")),
                       min_size=1).filter(lambda s: s.strip())


@settings(max_examples=50)
@given(text=spanish_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_round_trips(tmp_path_factory, text: str, encoding: str):
    path = tmp_path_factory.mktemp("rt") / "x.txt"
    path.write_bytes(text.encode(encoding))
    import unicodedata

    from ingest.extract.cleanup import normalize_characters
    expected = normalize_characters(unicodedata.normalize("NFC", text)).rstrip()
    if expected.strip():
        assert txt.extract(path).text == expected
