"""The command line at its edges, as an archivist meets them: the ways of starting it, arguments that name
nothing, a data folder that is mistyped or cannot be made, a port already taken. Real files, the real
command group; the start-up and serve cases as real processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TELA, export, run_cli

ROOT = Path(__file__).resolve().parents[2]


def _process(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def test_python_dash_m_archive_cli_runs_the_command_group(tmp_path: Path) -> None:
    """It imported the group and exited 0 without doing anything: `python -m archive.cli ingest DIR`
    looked like an ingest of nothing."""
    done = _process("-m", "archive.cli", "--help")
    assert done.returncode == 0 and "Usage:" in done.stdout, done.stderr
    done = _process("-m", "archive.cli", "--data", str(tmp_path / "data"), "ingest", str(TELA))
    assert done.returncode == 0 and "added 1, unchanged 0, updated 0, failed 0" in done.stdout, done.stderr


def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path: Path) -> None:
    """`ingest "$CARPETA"` with the variable unset: Path("") is ".", and the whole working folder was
    ingested recursively (in the trial, 35 stray reports)."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "stray.txt").write_text(TELA.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "data"
    done = _process("-c", "from archive.cli import main; main()", "--data", str(data), "ingest", "", cwd=work)
    assert done.returncode == 2 and "an empty path names no file or folder" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    done = _process("-c", "from archive.cli import main; main()", "--data", str(data), "ingest", "--json",
                    str(TELA), " ", cwd=work)
    assert done.returncode == 2 and "empty path" in json.loads(done.stdout)["error"]
    assert not (data / "catalog.sqlite3").exists()  # refused before anything was opened


@pytest.mark.parametrize(("option", "value"), [("--max-size", "0"), ("--max-size", "-5"),
                                               ("--timeout", "0"), ("--timeout", "-1")])
def test_an_ingest_limit_that_allows_nothing_is_a_usage_error(tmp_path: Path, option: str, value: str) -> None:
    """`--max-size 0` failed every file as "too large (488 bytes; the limit is 0)" and `--timeout 0` every
    parse as timed out: a typo, refused before the batch rather than reported once per file."""
    code, out, err = run_cli(tmp_path / "data", "ingest", option, value, str(TELA))
    assert code == 2 and option in err, out + err
    code, out, _ = run_cli(tmp_path / "data", "ingest", "--json", option, value, str(TELA))
    assert code == 2 and option in json.loads(out)["error"]


@pytest.mark.parametrize("command", [["list"], ["show", "x"], ["stats"], ["search", "trata"], ["check"],
                                     ["reindex", "--if-needed"], ["export", "--json"], ["participation"]])
def test_a_read_command_on_a_folder_with_no_archive_says_so_and_creates_nothing(tmp_path: Path,
                                                                                command: list[str]) -> None:
    """A mistyped --data made an empty archive there and answered "0 reports" as if the archive were
    empty; now the command names the folder and leaves it as it was."""
    typo = tmp_path / "crm-dta"
    code, out, err = run_cli(typo, *command)
    assert code == 1 and f"no archive at {typo}" in out + err, out + err
    assert not typo.exists()


def test_a_read_command_with_no_archive_answers_json_with_json(tmp_path: Path) -> None:
    code, out, _ = run_cli(tmp_path / "nada", "list", "--json")
    assert code == 1 and "no archive at" in json.loads(out)["error"]


def test_a_data_folder_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """`--data /proc/nope ingest …` (a parent that refuses new folders) ended in mkdir's FileNotFoundError."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, out, err = run_cli(blocker / "data", "ingest", str(TELA))
    assert code == 1 and f"cannot create the data folder {blocker / 'data'}" in err, out + err


def test_ingest_still_creates_a_new_archive(tmp_path: Path) -> None:
    code, out, err = run_cli(tmp_path / "new" / "data", "ingest", str(TELA))
    assert code == 0, out + err
    assert [r["source"] for r in export(tmp_path / "new" / "data")["reports"]] == [TELA.name]


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    """It was waitress's traceback (OSError: [Errno 98] Address already in use), after the catch-up."""
    code, out, err = run_cli(tmp_path / "data", "ingest", str(TELA))
    assert code == 0, out + err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _process("-c", "from archive.cli import main; main()", "--data", str(tmp_path / "data"),
                        "serve", "--port", str(port))
    assert done.returncode == 1, done.stderr
    assert f"Error: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr and "catching up" not in done.stderr


def test_serve_on_an_address_that_is_not_one_says_so(tmp_path: Path) -> None:
    run_cli(tmp_path / "data", "ingest", str(TELA))
    done = _process("-c", "from archive.cli import main; main()", "--data", str(tmp_path / "data"),
                    "serve", "--host", "999.1.1.1")
    assert done.returncode == 1 and "cannot listen on 999.1.1.1:5000" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_files_of_types_not_read_in_a_folder_are_counted_and_reports_to_convert_named(tmp_path: Path) -> None:
    """A .doc, .rtf or .odt report in a folder was passed over without a word: a report missing from the
    archive that nobody was told of."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / TELA.name).write_text(TELA.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "acta-1998.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (folder / "acta-2001.rtf").write_text(r"{\rtf1\ansi 1. Acuerdo.}")
    (folder / "notas.md").write_text("# notas")
    (folder / "lista.xlsx").write_bytes(b"PK\x03\x04")
    code, out, err = run_cli(tmp_path / "data", "ingest", str(folder))
    assert code == 0, out + err  # not failures: nothing was tried
    assert "added 1, unchanged 0, updated 0, failed 0, skipped 4" in out
    assert f"skipped: {folder / 'acta-1998.doc'}: unsupported file type '.doc' (Word 97-2003: save it as " \
           f".docx or PDF to archive it)" in err
    assert f"skipped: {folder / 'acta-2001.rtf'}: unsupported file type '.rtf'" in err
    assert "skipped 2 files of types the archive does not read: .md 1, .xlsx 1" in err
    code, out, _ = run_cli(tmp_path / "data", "ingest", "--json", str(folder))
    summary = json.loads(out)
    assert summary["skipped"] == 4 and summary["unchanged"] == 1
    assert [f["file"] for f in summary["files"]["skipped"]] == [
        str(folder / n) for n in ("acta-1998.doc", "acta-2001.rtf", "lista.xlsx", "notas.md")]


def test_a_folder_ingested_by_glob_reads_each_sidecar_with_its_report(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "acta.txt"
    report.write_text(TELA.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "acta.txt.meta.json").write_text('{"city": "La Ceiba"}', encoding="utf-8")
    code, out, err = run_cli(tmp_path / "data", "ingest", *sorted(str(p) for p in folder.iterdir()))
    assert code == 0, out + err
    assert out.startswith("added 1, unchanged 0, updated 0, failed 0") and not err
    assert [r["city"] for r in export(tmp_path / "data")["reports"]] == ["La Ceiba"]
