"""Bad input, generated here: each file gets one clear line (file and reason), the batch goes on, and the
reports archived before are untouched.

Every case is ingested through the real CLI into a copy of an archive that already holds the two seeds,
together with one good report (so "the batch goes on" is checked each time); the seeds' export must be the
same before and after.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from bench.stress_kill import variant_text
from tests.conftest import MANAGUA, TELA, export, run_cli
from tests.fixtures_docs import scanned_pdf, seed_to_docx, seed_to_pdf

GOOD_NAME = "bueno.txt"
SPANISH = MANAGUA.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """An archive holding the two seeds, and its export."""
    root = tmp_path_factory.mktemp("base")
    folder = root / "seeds"
    folder.mkdir()
    for seed in (MANAGUA, TELA):
        shutil.copy(seed, folder / seed.name)
    data = root / "data"
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    return data, export(data)


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_to_pdf(TELA, tmp_path_factory.mktemp("pdf") / "tela.pdf")


# Not the report's own data: when it was ingested, and its links to other reports (a batch that holds the same
# text in another encoding or format rightly makes the seed gain a ``same_as``).
_VOLATILE = {"ingested_at", "versions", "same_as"}


def _without_volatile(exported: dict) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in _VOLATILE} for r in exported["reports"]]


def ingest_batch(base: tuple[Path, dict], tmp_path: Path, make: Callable[[Path], Path | None],
                 *options: str) -> tuple[int, str, str, dict, Path]:
    """Ingest a folder holding the bad file(s) and one good report into a copy of the base archive."""
    data = tmp_path / "data"
    shutil.copytree(base[0], data)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(variant_text(SPANISH, 1), encoding="utf-8")
    make(folder)
    code, out, err = run_cli(data, "ingest", *options, str(folder))
    after = export(data)
    seeds_before = _without_volatile(base[1])
    seeds_after = [r for r in _without_volatile(after) if r["source"] in {s["source"] for s in seeds_before}]
    assert seeds_after == seeds_before, "previously archived reports changed"
    assert GOOD_NAME in {r["source"] for r in after["reports"]}, "the batch did not go on: " + err
    return code, out, err, after, folder


def failure_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("failed: ")]


def assert_one_failure(code: int, err: str, path: Path, reason: str) -> str:
    """Exit status 1 and exactly one line: ``failed: <the file>: <reason>``."""
    assert code == 1
    lines = failure_lines(err)
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"failed: {path}: "), line
    assert re.search(reason, line[len(f"failed: {path}: "):]), line
    assert len(line) < 400 and "Traceback" not in err
    return line


# -- builders ------------------------------------------------------------------------------------------------


def truncated_pdf(good_pdf: Path) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = good_pdf.read_bytes()
        path = folder / "truncado.pdf"
        path.write_bytes(data[: len(data) // 2])
        return path
    return make


def broken_xref_pdf(good_pdf: Path) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = good_pdf.read_bytes()
        xref = data.rindex(b"startxref")
        path = folder / "xref-roto.pdf"
        # startxref points into nowhere and the xref table itself is mangled
        body = data[:xref].replace(b"xref\n", b"xfer\n")
        path.write_bytes(body + b"startxref\n999999\n%%EOF\n")
        return path
    return make


def encrypted_pdf(good_pdf: Path, user_password: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / ("cifrado-abierto.pdf" if not user_password else "cifrado-con-clave.pdf")
        with pikepdf.open(good_pdf) as pdf:
            pdf.save(path, encryption=pikepdf.Encryption(owner="dueño", user=user_password, R=6))
        return path
    return make


def text_file(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path
    return make


def docx_that_is_another_zip(folder: Path) -> Path:
    path = folder / "informe.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("OEBPS/content.opf", "<package/>")
    return path


def no_text_layer(folder: Path) -> Path:
    text = "CONFERENCIA REGIONAL SOBRE MIGRACION\n\n1. Agradecer a la OIM por su apoyo.\n2. Instar a los paises."
    return scanned_pdf(text, folder / "escaneado.pdf")


def deeply_nested_pdf(folder: Path) -> Path:
    """A PDF whose page content is 100,000 nested arrays: a recursion or time bomb for a naive parser."""
    path = folder / "anidado.pdf"
    depth = 100_000
    stream = b"BT /F1 12 Tf 72 712 Td " + b"[" * depth + b"(x)" + b"]" * depth + b" TJ ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def huge_pdf(folder: Path) -> Path:
    """A valid PDF of 800 pages of text: longer to read than the timeout the test gives."""
    from reportlab.pdfgen import canvas

    path = folder / "enorme.pdf"
    pdf = canvas.Canvas(str(path), invariant=True)
    line = "La Conferencia Regional sobre Migración acuerda instar a los Países Miembros " * 2
    for _ in range(800):
        for row in range(50):
            pdf.drawString(40, 800 - row * 15, line[:110])
        pdf.showPage()
    pdf.save()
    return path


# -- the battery ---------------------------------------------------------------------------------------------


def test_truncated_pdf(base, tmp_path, good_pdf) -> None:
    path_maker = truncated_pdf(good_pdf)
    code, _, err, *_ = ingest_batch(base, tmp_path, path_maker)
    assert_one_failure(code, err, tmp_path / "batch" / "truncado.pdf", r"^damaged PDF: ")


def test_pdf_with_a_broken_xref_is_read_or_named_damaged(base, tmp_path, good_pdf) -> None:
    code, _, err, after, folder = ingest_batch(base, tmp_path, broken_xref_pdf(good_pdf))
    path = folder / "xref-roto.pdf"
    if code == 0:  # pdfminer rebuilt the cross-reference table by scanning the objects
        report = next(r for r in after["reports"] if r["source"] == path.name)
        assert report["agreement_count"] >= 3
    else:
        assert_one_failure(code, err, path, r"^damaged PDF: ")


def test_encrypted_pdf_with_an_empty_user_password_is_read(base, tmp_path, good_pdf) -> None:
    code, out, err, after, _ = ingest_batch(base, tmp_path, encrypted_pdf(good_pdf, ""))
    assert code == 0, err
    report = next(r for r in after["reports"] if r["source"] == "cifrado-abierto.pdf")
    assert report["agreement_count"] >= 3 and report["city"] == "Tela"


def test_encrypted_pdf_that_needs_a_password_fails_alone(base, tmp_path, good_pdf) -> None:
    code, _, err, *_ = ingest_batch(base, tmp_path, encrypted_pdf(good_pdf, "secreto"))
    assert_one_failure(code, err, tmp_path / "batch" / "cifrado-con-clave.pdf", r"^encrypted PDF \(password required\)")


def test_pdf_without_a_text_layer_is_read_by_ocr(base, tmp_path) -> None:
    assert shutil.which("tesseract"), "tesseract is part of the system dependencies (Makefile: system-deps)"
    code, _, err, after, _ = ingest_batch(base, tmp_path, no_text_layer)
    assert code == 0, err
    report = next(r for r in after["reports"] if r["source"] == "escaneado.pdf")
    assert report["ocr_confidence"] is not None
    texts = " ".join(a["text"] for a in report["agreements"])
    assert "OIM" in texts and report["agreement_count"] >= 2


@pytest.mark.parametrize("name", ["vacio.txt", "vacio.pdf", "vacio.docx"])
def test_zero_byte_file(base, tmp_path, name) -> None:
    code, _, err, *_ = ingest_batch(base, tmp_path, text_file(name, b""))
    assert_one_failure(code, err, tmp_path / "batch" / name, r"empty file \(0 bytes\)")


def test_binary_file_named_txt(base, tmp_path) -> None:
    binary = bytes(range(256)) * 64 + os.urandom(4096)
    code, _, err, *_ = ingest_batch(base, tmp_path, text_file("programa.txt", binary))
    assert_one_failure(code, err, tmp_path / "batch" / "programa.txt", r"^not a text file \(binary content\)")


@pytest.mark.parametrize(("name", "content"), [
    ("utf16.txt", SPANISH.encode("utf-16")),
    ("utf16-sin-bom.txt", SPANISH.encode("utf-16-le")),
    ("cp1252.txt", SPANISH.replace("—", "-").encode("cp1252")),
    ("finales-mezclados.txt",
     "\r\n".join(SPANISH.splitlines()[:12]).encode() + b"\r" + "\n".join(SPANISH.splitlines()[12:]).encode()),
    ("con-nul.txt", SPANISH.replace("Managua", "Mana\x00gua", 1).replace("\n\n", "\n\x00\n").encode()),
])
def test_text_encodings_and_oddities_are_read_right(base, tmp_path, name, content) -> None:
    code, _, err, after, _ = ingest_batch(base, tmp_path, text_file(name, content))
    assert code == 0, err
    report = next(r for r in after["reports"] if r["source"] == name)
    agreements = {a["label"]: a["text"] for a in report["agreements"]}
    seed = next(r for r in base[1]["reports"] if r["source"] == MANAGUA.name)
    assert set(agreements) == {a["label"] for a in seed["agreements"]}
    assert "Tráfico Ilícito" in agreements["1"] and "\x00" not in agreements["1"]
    assert report["country"] == "Nicaragua" and report["date"] == "2014-11-24"


def test_file_over_the_size_limit(base, tmp_path) -> None:
    code, _, err, *_ = ingest_batch(base, tmp_path, text_file("grande.txt", SPANISH.encode() * 20),
                                    "--max-size", "50000")
    assert_one_failure(code, err, tmp_path / "batch" / "grande.txt",
                       r"^file too large \([\d,]+ bytes; the limit is 50,000\)")


def test_deeply_nested_pdf_is_refused_in_bounded_time(base, tmp_path) -> None:
    started = time.monotonic()
    code, _, err, after, folder = ingest_batch(base, tmp_path, deeply_nested_pdf, "--timeout", "20")
    assert time.monotonic() - started < 60
    if code == 0:  # read: then its (one-letter) text is there and nothing else
        assert any(r["source"] == "anidado.pdf" for r in after["reports"])
    else:
        assert_one_failure(code, err, folder / "anidado.pdf",
                           r"nested|damaged PDF|no text|timed out|out of memory")


def test_very_large_pdf_is_stopped_by_the_timeout(base, tmp_path) -> None:
    started = time.monotonic()
    code, _, err, *_ = ingest_batch(base, tmp_path, huge_pdf, "--timeout", "2")
    assert time.monotonic() - started < 60
    assert_one_failure(code, err, tmp_path / "batch" / "enorme.pdf", r"^extraction timed out after 2 s")


def test_docx_that_is_a_zip_of_something_else(base, tmp_path) -> None:
    code, _, err, *_ = ingest_batch(base, tmp_path, docx_that_is_another_zip)
    assert_one_failure(code, err, tmp_path / "batch" / "informe.docx", r"^not a Word document")


def test_symlink_loops_in_a_folder(base, tmp_path) -> None:
    def make(folder: Path) -> None:
        os.symlink(folder, folder / "bucle")  # a folder loop: not followed
        os.symlink(folder / "b.txt", folder / "a.txt")  # a file loop: a -> b -> a
        os.symlink(folder / "a.txt", folder / "b.txt")

    code, _, err, after, folder = ingest_batch(base, tmp_path, make)
    assert code == 1
    lines = failure_lines(err)
    assert sorted(lines) == [f"failed: {folder / n}: broken symbolic link (or a symlink loop)" for n in ("a.txt", "b.txt")]
    assert len(after["reports"]) == 3


def test_a_fifo_and_a_folder_named_like_a_report(base, tmp_path) -> None:
    """A FIFO would block a naive reader forever; a folder named x.txt is walked, not read."""
    def make(folder: Path) -> None:
        os.mkfifo(folder / "tuberia.txt")
        (folder / "carpeta.txt").mkdir()
        (folder / "carpeta.txt" / "dentro.txt").write_text(variant_text(SPANISH, 2), encoding="utf-8")

    code, _, err, after, folder = ingest_batch(base, tmp_path, make)
    assert_one_failure(code, err, folder / "tuberia.txt", r"^not a regular file")
    assert "dentro.txt" in {r["source"] for r in after["reports"]}


def test_names_with_accents_spaces_and_quotes(base, tmp_path) -> None:
    names = ["Informe final — Tegucigalpa 2009.txt", "acta \"XIV\" de la reunión.txt", "l'informe ñandú.txt"]

    def make(folder: Path) -> None:
        for k, name in enumerate(names):
            (folder / name).write_text(variant_text(SPANISH, 10 + k), encoding="utf-8")

    code, out, err, after, _ = ingest_batch(base, tmp_path, make)
    assert code == 0, err
    archived = {r["source"]: r for r in after["reports"]}
    for name in names:
        assert archived[name]["agreement_count"] >= 5
        assert re.fullmatch(r"[a-z0-9_-]+", archived[name]["id"])


def test_the_same_name_twice_in_one_batch_is_refused_for_the_second(base, tmp_path) -> None:
    def make(folder: Path) -> None:
        for sub, k in (("a", 20), ("b", 21)):
            (folder / sub).mkdir()
            (folder / sub / "informe.txt").write_text(variant_text(SPANISH, k), encoding="utf-8")

    code, _, err, after, folder = ingest_batch(base, tmp_path, make)
    line = assert_one_failure(code, err, folder / "b" / "informe.txt", r"same name")
    assert str(folder / "a" / "informe.txt") in line
    assert "VAR020" in json.dumps(next(r for r in after["reports"] if r["source"] == "informe.txt"))


def test_an_unreadable_file(base, tmp_path) -> None:
    """chmod 000. Root reads anything, so as root the ingest runs in a forked helper that dropped its
    privileges to 'nobody' (os.setuid) before running the real CLI; as another user, chmod 000 suffices."""
    work = Path(tempfile.mkdtemp(prefix="crm-unreadable-"))
    try:
        work.chmod(0o777)
        data = work / "data"
        shutil.copytree(base[0], data)
        folder = work / "batch"
        folder.mkdir()
        (folder / GOOD_NAME).write_text(variant_text(SPANISH, 3), encoding="utf-8")
        secret = folder / "secreto.txt"
        secret.write_text(variant_text(SPANISH, 4), encoding="utf-8")
        if os.geteuid() == 0:
            for path in (work, *work.rglob("*")):
                os.chown(path, 65534, 65534, follow_symlinks=False)
        secret.chmod(0o000)
        code, out, err = _cli_as_nobody(work, ["--data", str(data), "ingest", str(folder)])
        assert_one_failure(code, err, secret, r"^cannot read file: Permission denied")
        assert "added 1" in out
        assert {r["source"] for r in export(data)["reports"]} == {MANAGUA.name, TELA.name, GOOD_NAME}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cli_as_nobody(work: Path, args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in a forked child without root's privileges (uid/gid 65534 when we are root)."""
    from archive.cli import cli

    out_path, err_path = work / "stdout", work / "stderr"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 70
        try:
            with out_path.open("w") as out, err_path.open("w") as err:
                sys.stdout, sys.stderr = out, err  # (pytest's capture holds the real descriptors)
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(65534)
                    os.setuid(65534)
                try:
                    returned = cli.main(args, prog_name="crm-archive", standalone_mode=False)
                    status = returned if isinstance(returned, int) else 0
                except BaseException as e:  # click raises its exceptions when not standalone
                    if hasattr(e, "show"):
                        e.show()
                    exit_code = getattr(e, "exit_code", None)
                    status = exit_code if isinstance(exit_code, int) else 1
                out.flush()
                err.flush()
        finally:
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status), out_path.read_text(), err_path.read_text()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_folder_of_two_thousand_small_reports(base, tmp_path) -> None:
    """2,000 tiny reports in one folder. Measured: ~45-70 ms a file, dominated by forking one worker per file."""
    def make(folder: Path) -> None:
        many = folder / "muchos"
        many.mkdir()
        for n in range(2000):
            (many / f"r{n:04d}.txt").write_text(
                f"CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nReunión número {n}\n\n"
                f"1. Agradecer a la delegación {n} su informe sobre migración.\n"
                f"2. Instar a los Países Miembros a compartir información, código C{n:04d}.\n",
                encoding="utf-8")

    started = time.monotonic()
    code, out, err, after, _ = ingest_batch(base, tmp_path, make)
    seconds = time.monotonic() - started
    assert code == 0, err[-2000:]
    assert "added 2001" in out
    assert len(after["reports"]) == 2003
    code, out, _ = run_cli(tmp_path / "data", "search", "--json", "C1999")
    assert json.loads(out)["total"] == 1
    assert seconds < 600


def test_everything_at_once_in_one_batch(base, tmp_path, good_pdf) -> None:
    """All the bad files in one folder: one line each, every good file archived, exit status 1."""
    bad = [truncated_pdf(good_pdf), encrypted_pdf(good_pdf, "secreto"), text_file("vacio.txt", b""),
           text_file("programa.txt", bytes(range(256)) * 32), docx_that_is_another_zip]

    def make(folder: Path) -> None:
        for maker in bad:
            maker(folder)
        seed_to_docx(TELA, folder / "tela-word.docx")
        (folder / "utf16.txt").write_bytes(variant_text(SPANISH, 30).encode("utf-16"))

    code, out, err, after, _ = ingest_batch(base, tmp_path, make)
    assert code == 1
    assert len(failure_lines(err)) == len(bad)
    assert {"tela-word.docx", "utf16.txt", GOOD_NAME} <= {r["source"] for r in after["reports"]}
    assert out.strip().endswith(f"failed {len(bad)}")
