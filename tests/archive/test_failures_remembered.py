"""Failures remembered (issue 14): bytes that failed before are not parsed again on a re-ingest, unless
``--retry-failed`` is given or the extractor version changed; notes of a file reach the user with its name."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from archive.catalog import Catalog
from tests.conftest import TELA, open_archive, run_cli
from tests.fixtures_docs import seed_to_pdf
from tests.ingest.extract.pdf_cases import without_page_types

DAMAGED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage\n%%EOF\n"


def _log(data: Path, name: str) -> list[dict]:
    """The ingest log lines of one file, through the catalog of whichever backend holds it."""
    with open_archive(data) as archive:
        rows = archive.catalog._connect().execute(
            "SELECT outcome, message, extractor_version FROM ingest_log WHERE source = ? ORDER BY id", (name,))
        return [dict(row) for row in rows.fetchall()]


@pytest.fixture
def folder_with_a_bad_file(seeds_dir: Path) -> Path:
    (seeds_dir / "roto.pdf").write_bytes(DAMAGED)
    return seeds_dir


def test_an_unchanged_file_that_failed_is_not_parsed_again(data_dir: Path, folder_with_a_bad_file: Path):
    code, out, err = run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    assert code == 1 and "added 2, unchanged 0, updated 0, failed 1" in out
    reason = next(line for line in err.splitlines() if line.startswith("failed: ")).split(": ", 2)[2]

    code, out, err = run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    assert code == 1  # the folder still holds a file that is not archived
    assert "added 0, unchanged 3 (1 failed before), updated 0, failed 0" in out
    bad = folder_with_a_bad_file / "roto.pdf"
    assert f"unchanged (failed before: {reason}): {bad}" in err.splitlines()
    assert not [line for line in err.splitlines() if line.startswith("failed: ")]
    outcomes = [(row["outcome"], row["message"]) for row in _log(data_dir, "roto.pdf")]
    assert outcomes == [("failed", reason), ("unchanged", f"failed before: {reason}")]

    code, out, _ = run_cli(data_dir, "ingest", "--json", str(folder_with_a_bad_file))
    summary = json.loads(out)
    assert summary["failed_before"] == 1 and summary["files"]["failed_before"] == [{"file": str(bad), "reason": reason}]


def test_retry_failed_parses_it_again(data_dir: Path, folder_with_a_bad_file: Path):
    run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    code, out, err = run_cli(data_dir, "ingest", "--retry-failed", str(folder_with_a_bad_file))
    assert code == 1 and "added 0, unchanged 2, updated 0, failed 1" in out
    assert [row["outcome"] for row in _log(data_dir, "roto.pdf")] == ["failed", "failed"]


def test_a_new_extractor_version_parses_it_again(data_dir: Path, folder_with_a_bad_file: Path, monkeypatch):
    monkeypatch.setattr("archive.ingesting.EXTRACTOR_VERSION", "0-old")
    run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    assert _log(data_dir, "roto.pdf")[0]["extractor_version"].startswith("0-old/")
    monkeypatch.undo()
    code, out, _ = run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    assert "failed 1" in out and [row["outcome"] for row in _log(data_dir, "roto.pdf")] == ["failed", "failed"]


def test_a_repaired_file_is_archived(data_dir: Path, folder_with_a_bad_file: Path, tmp_path: Path):
    run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    seed_to_pdf(TELA, folder_with_a_bad_file / "roto.pdf")  # the archivist replaced it with a good copy
    code, out, _ = run_cli(data_dir, "ingest", str(folder_with_a_bad_file))
    assert code == 0 and "added 1, unchanged 2, updated 0, failed 0" in out


def test_notes_name_their_file(data_dir: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = without_page_types(seed_to_pdf(TELA, tmp_path / "tela.pdf"), folder / "sin-tipo.pdf")
    code, out, err = run_cli(data_dir, "ingest", str(folder))
    assert code == 0, err
    assert f"note: {path}: read with pdfium: pdfminer cannot (damaged PDF: no pages found)" in err.splitlines()
    assert "read with pdfium" in _log(data_dir, "sin-tipo.pdf")[0]["message"]


def test_an_old_catalog_gets_the_extractor_version_column(tmp_path: Path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE ingest_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
                     " file TEXT NOT NULL, source TEXT, sha256 TEXT, outcome TEXT NOT NULL,"
                     " message TEXT NOT NULL DEFAULT '')")
        conn.execute("INSERT INTO ingest_log (at, file, source, sha256, outcome, message)"
                     " VALUES ('2026-01-01', 'a.pdf', 'a.pdf', 'abc', 'failed', 'damaged PDF: no pages')")
    catalog = Catalog(path)
    try:
        assert catalog.failed_before("abc") == ("damaged PDF: no pages", None)  # no version: parsed again
        assert catalog.failed_before("other") is None
    finally:
        catalog.close()


def test_a_warning_logged_in_a_worker_names_its_file(tmp_path: Path):
    """The real command as a process (workers are forked from it): a warning from inside the extraction
    (here OCR's, about a bad setting) reaches stderr prefixed with the file being parsed."""
    import os
    import subprocess
    import sys

    from tests.fixtures_docs import scanned_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    scan = scanned_pdf("CONFERENCIA REGIONAL SOBRE MIGRACION\n1. Agradecer a la OIM.", folder / "escaneado.pdf")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "CRM_ARCHIVE_OCR_TIMEOUT": "pronto"}
    done = subprocess.run([sys.executable, "-c", "from archive.cli import main; main()", "--data",
                           str(tmp_path / "data"), "ingest", str(folder)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert warnings and all(f": {scan}: " in line for line in warnings), done.stderr
