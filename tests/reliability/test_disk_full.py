"""A disk that fills up during an ingest: one line naming the catalog, nothing half-written, and the same
ingest run again (space freed) ends as an uninterrupted one. The full disk is a file-size limit on the
real ingest process (RLIMIT_FSIZE, SIGXFSZ ignored: writes past it fail as on a full disk)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import stress_kill
from tests.conftest import export, run_cli

ROOT = Path(__file__).resolve().parents[2]

FILLED_UP = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from archive.cli import main
sys.argv = ["crm-archive", *sys.argv[2:]]
main()
"""


def _comparable(data: Path) -> list[tuple]:
    return sorted((r["id"], r["sha256"], tuple((a["label"], a["text"]) for a in r["agreements"]))
                  for r in export(data)["reports"])


def test_a_full_disk_stops_the_ingest_in_one_line_and_a_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    stress_kill.build_folder(folder, variants=4, with_pdf_docx=False)
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-c", FILLED_UP, "200000", "--data", str(data), "ingest", str(folder)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr  # it was sqlite3.OperationalError's, from the catalog's COMMIT
    assert f"Error: cannot write the catalog sqlite:///{data / 'catalog.sqlite3'}: " in done.stderr
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    code, out, _ = run_cli(data, "check")
    assert (code, out.strip()) == (0, "ok")
    reference = tmp_path / "reference"
    code, out, err = run_cli(reference, "ingest", str(folder))
    assert code == 0, out + err
    assert _comparable(data) == _comparable(reference)


def test_an_os_error_from_the_core_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """`check --repair` on a full disk ended in Whoosh's OSError: [Errno 28] traceback."""
    folder = tmp_path / "folder"
    stress_kill.build_folder(folder, variants=1, with_pdf_docx=False)
    data = tmp_path / "data"
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    # Room for the catalog's own writes, not for the new index segment: the error comes from Whoosh's writer.
    room = (data / "catalog.sqlite3").stat().st_size + 65536
    done = subprocess.run([sys.executable, "-c", FILLED_UP, str(room), "--data", str(data), "reindex"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("Error: "), done.stderr
    assert done.stderr.strip() == "Error: File too large"  # EFBIG, as ENOSPC on a full disk
    code, out, _ = run_cli(data, "check")  # the live index was never touched: a rebuild is written beside it
    assert (code, out.strip()) == (0, "ok")
