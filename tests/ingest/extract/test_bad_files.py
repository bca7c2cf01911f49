"""Broken, odd and hostile files: each gives the right text or a one-line ExtractionError."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pikepdf
import pytest

from archive.models import ExtractionError
from ingest.extract import docx, pdf, txt
from tests.fixtures_docs import scanned_pdf, seed_to_pdf

from .helpers import TELA


def _one_line_error(extract, path: Path, match: str) -> str:
    with pytest.raises(ExtractionError, match=match) as info:
        extract(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 200
    return message


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> Path:
    return seed_to_pdf(TELA, tmp_path_factory.mktemp("bad") / "tela.pdf")


def test_truncated_pdf(tmp_path: Path, good_pdf: Path):
    data = good_pdf.read_bytes()
    for cut in (len(data) // 2, len(data) - 40, 200):
        path = tmp_path / "cut.pdf"
        path.write_bytes(data[:cut])
        _one_line_error(pdf.extract, path, "^damaged PDF: ")


def test_broken_xref_gives_text_or_a_damaged_error(tmp_path: Path, good_pdf: Path):
    data = good_pdf.read_bytes()
    xref = data.rindex(b"startxref")
    path = tmp_path / "xref.pdf"
    path.write_bytes(data[:xref] + b"startxref\n999999\n%%EOF\n")  # points into nowhere
    try:
        result = pdf.extract(path)
    except ExtractionError as e:
        assert str(e).startswith("damaged PDF: ")
    else:  # pdfminer rebuilt the xref by scanning the objects: then the text must be complete
        assert "Plan de Trabajo-Archivo" in result.text
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(data[:xref].replace(b" obj", b" jbo") + data[xref:])
    _one_line_error(pdf.extract, garbage, "^damaged PDF: ")


def test_not_a_pdf_and_empty_pdf(tmp_path: Path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"<html>not found</html>")
    _one_line_error(pdf.extract, path, r"^damaged PDF: not a PDF file")
    path.write_bytes(b"")
    _one_line_error(pdf.extract, path, r"^damaged PDF: empty file")


def test_encrypted_pdf_with_empty_user_password_reads(tmp_path: Path, good_pdf: Path):
    path = tmp_path / "owner-only.pdf"
    with pikepdf.open(good_pdf) as document:
        document.save(path, encryption=pikepdf.Encryption(owner="secreto", user="", R=6))
    assert "Plan de Trabajo-Archivo" in pdf.extract(path).text


@pytest.mark.parametrize("revision", [4, 6])
def test_encrypted_pdf_needing_a_password(tmp_path: Path, good_pdf: Path, revision: int):
    path = tmp_path / "locked.pdf"
    with pikepdf.open(good_pdf) as document:
        document.save(path, encryption=pikepdf.Encryption(owner="secreto", user="clave", R=revision))
    _one_line_error(pdf.extract, path, r"^encrypted PDF \(password required\)$")


def test_pdf_without_text_layer_goes_to_ocr(tmp_path: Path):
    path = scanned_pdf("CONFERENCIA REGIONAL SOBRE MIGRACIÓN\n1. Agradecer a las delegaciones", tmp_path / "s.pdf")
    if importlib.util.find_spec("ingest.extract.ocr") is None:  # written in parallel; may not exist yet
        _one_line_error(pdf.extract, path, r"^no text layer; needs OCR \(")
        return
    try:
        result = pdf.extract(path)
    except ExtractionError as e:
        assert str(e).startswith("no text layer; needs OCR")
        return
    assert result.ocr_pages == (1,) and result.ocr_confidence is not None
    assert "Agradecer" in result.text


def test_zero_byte_files(tmp_path: Path):
    for extract, suffix, match in ((txt.extract, ".txt", "no text found"), (pdf.extract, ".pdf", "empty file"),
                                   (docx.extract, ".docx", "not a Word document: empty file")):
        path = tmp_path / f"empty{suffix}"
        path.write_bytes(b"")
        _one_line_error(extract, path, match)


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 20,  # random-ish binary
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",  # a PDF renamed .txt
    b"\x89PNG\r\n\x1a\n" + bytes(100),
])
def test_binary_txt(tmp_path: Path, data: bytes):
    path = tmp_path / "binary.txt"
    path.write_bytes(data)
    _one_line_error(txt.extract, path, r"^not a text file \(binary content\)$")


def test_utf16_and_cp1252_and_mixed_endings_txt(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_bytes("Reunión\r\nde Panamá\n".encode("utf-16"))
    assert txt.extract(path).text == "Reunión\nde Panamá"
    path.write_bytes("“Niñez” – Migración\r\n".encode("cp1252"))
    assert txt.extract(path).text == "“Niñez” – Migración"
    path.write_bytes(b"uno\r\ndos\x00\rtres\n")
    assert txt.extract(path).text == "uno\ndos\ntres"


def test_docx_that_is_a_zip_of_something_else(tmp_path: Path):
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    _one_line_error(docx.extract, path, r"^not a Word document: the zip has no word/document.xml$")


def test_docx_that_is_not_a_zip(tmp_path: Path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    _one_line_error(docx.extract, path, r"^not a Word document: an OLE file")
    path.write_bytes(b"just text")
    _one_line_error(docx.extract, path, r"^not a Word document: not a zip archive$")


def test_docx_with_broken_xml_or_no_text(tmp_path: Path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body>")
    _one_line_error(docx.extract, path, r"^damaged Word document: bad XML")
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document xmlns:w='{ns}'><w:body><w:p/></w:body></w:document>")
    _one_line_error(docx.extract, path, r"^no text found$")
