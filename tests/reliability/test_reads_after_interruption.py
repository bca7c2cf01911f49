"""What the read commands and ``check`` say while an ingest runs and after it was killed, with the catalog
ahead of the index: a real ingest process, held on a slow last file (an OCR scan) after the reports before
it were committed, then SIGKILLed or left running."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.archive import Archive
from archive.models import ArchiveError
from bench import stress_kill
from tests.backends import Backend, catalog_of
from tests.conftest import MANAGUA, TELA, run_cli


def _committed(data: Path) -> int:
    """Reports in the catalog; 0 while the ingest has not created it (we must not create it under it)."""
    try:
        with Archive(data, catalog=catalog_of(data), create=False) as archive:
            return len(archive.catalog.versions())
    except ArchiveError:
        return 0


@pytest.fixture(params=[()])
def ingest_held_on_a_scan(request: pytest.FixtureRequest, tmp_path: Path,
                          backend: Backend) -> Iterator[tuple[Path, subprocess.Popen]]:
    """An ingest into a fresh archive that has committed the two seeds and is busy OCR-ing the last file
    (its index is built at the end of the batch, so it holds none of them yet)."""
    import pikepdf

    from tests.fixtures_docs import scanned_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MANAGUA, folder / MANAGUA.name)
    shutil.copy(TELA, folder / TELA.name)
    page = scanned_pdf("CONFERENCIA REGIONAL SOBRE MIGRACION\n1. Agradecer a la OIM.", tmp_path / "page.pdf")
    with pikepdf.open(page) as one, pikepdf.new() as scan:
        for _ in range(40):  # ~0.5-2.5 s of OCR a page: the ingest stays on it long enough
            scan.pages.append(one.pages[0])
        scan.save(folder / "zz-escaneado.pdf")
    data = backend.new_archive(tmp_path / "data")
    ingest = subprocess.Popen(stress_kill.cli_args(data, "ingest", *request.param, str(folder)),
                              cwd=stress_kill.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while _committed(data) < 2:
            if ingest.poll() is not None:
                pytest.fail("the ingest ended before it was caught on the scan")
            if time.monotonic() > deadline:
                pytest.fail("the seeds were not committed in time")
            time.sleep(0.1)
        yield data, ingest
    finally:
        ingest.kill()
        ingest.communicate()


def test_after_a_kill_a_search_finds_what_the_catalog_holds(ingest_held_on_a_scan) -> None:
    """The trial: `search migrantes` answered "0 agreements" while `list` showed the 32 reports an ingest
    killed with -9 had committed, until the next ingest."""
    data, ingest = ingest_held_on_a_scan
    ingest.kill()
    ingest.communicate()
    code, out, _ = run_cli(data, "check")
    assert code == 1 and "in the catalog but not in the index" in out
    assert "reindex --if-needed (or check --repair) brings it in line" in out  # what to do about it
    code, out, err = run_cli(data, "search", "--json", "RROCM")
    assert code == 0, err
    assert {h["report_id"] for h in json.loads(out)["hits"]} == {MANAGUA.stem, TELA.stem}
    assert "note: the index was behind the catalog" in err
    code, out, err = run_cli(data, "timeline", "--json", "rrocm")  # now nothing to catch up: no note
    assert code == 0 and "note:" not in err
    assert [y["year"] for y in json.loads(out)["years"] if y["agreements"]] == [2008, 2014]
    code, out, _ = run_cli(data, "check")
    assert (code, out.strip()) == (0, "ok")


def test_while_an_ingest_runs_check_reports_its_progress_as_a_note_and_repair_waits(ingest_held_on_a_scan) -> None:
    """`check` during an ingest called the reports not yet indexed problems (exit 1), and `check --repair`
    rebuilt the index under the running ingest, without its lock."""
    data, ingest = ingest_held_on_a_scan
    code, out, err = run_cli(data, "check", "--json")
    assert code == 0, out + err
    result = json.loads(out)
    assert result["problems"] == [] and any("an ingest is running" in n for n in result["notes"])
    code, out, err = run_cli(data, "check", "--repair")
    assert code == 1 and "another ingest is writing" in err, out + err
    code, out, _ = run_cli(data, "check", "--repair", "--json")
    assert code == 1 and "another ingest is writing" in json.loads(out)["error"]
    code, out, err = run_cli(data, "search", "--json", "RROCM")  # the ingest indexes them itself, later
    assert code == 0 and "note:" not in err
    assert ingest.poll() is None  # all of this while it ran


@pytest.mark.parametrize("ingest_held_on_a_scan", [(), ("--json",)], indirect=True, ids=["text", "json"])
def test_ctrl_c_says_what_was_archived_before_it(ingest_held_on_a_scan) -> None:
    """It printed "Aborted!" and nothing else (exit status 1), the two reports it had archived untold."""
    import signal

    data, ingest = ingest_held_on_a_scan
    ingest.send_signal(signal.SIGINT)
    out, err = ingest.communicate(timeout=60)
    assert ingest.returncode == 130, out + err
    assert "Aborted!" not in err and "Traceback" not in err
    if "--json" in ingest.args:
        summary = json.loads(out)
        assert summary["interrupted"] is True and summary["added"] == 2
        assert sorted(Path(f).name for f in summary["files"]["added"]) == sorted([MANAGUA.name, TELA.name])
    else:
        assert out.startswith("added 2, unchanged 0, updated 0, failed 0")
        assert "interrupted: the files counted above are archived whole and kept" in err
    code, out, _ = run_cli(data, "search", "--json", "RROCM")  # and they are searchable
    assert code == 0 and json.loads(out)["total"] == 2
