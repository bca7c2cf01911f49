"""Crash safety: ingests killed at random moments end, after a rerun, exactly as an uninterrupted ingest;
``check`` finds every damage we can make and ``check --repair`` fixes what can be fixed.

The kill loop is ``bench/stress_kill.py`` (``python -m bench.stress_kill --rounds 200`` runs it longer).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.archive import Archive
from archive.store import OriginalStore, sha256_of
from bench import stress_kill
from index import AgreementIndex, SearchQuery
from tests.backends import Backend, catalog_of
from tests.conftest import MANAGUA, TELA, export, open_archive, run_cli

KILL_ROUNDS = 24


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ingest_killed_at_random_moments_ends_with_exactly_the_corpus(tmp_path: Path, backend: Backend) -> None:
    # At most half the rounds per campaign, so both folder versions are killed however slow the machine is.
    result = stress_kill.run_stress(tmp_path, rounds=KILL_ROUNDS, seed=611, sigint_every=6, variants=6,
                                    backend=backend, campaign_rounds=KILL_ROUNDS // 2)

    assert result.problems == []
    interrupted = [r for r in result.rounds if r.outcome in ("killed", "interrupted")]
    assert len(interrupted) == KILL_ROUNDS
    assert sum(r.signal == "SIGKILL" for r in interrupted) == 20
    assert any(r.signal == "SIGINT" for r in interrupted)
    assert result.campaigns >= 2  # both folder versions (fresh ingest and replacements) were killed


def test_a_second_ingest_is_refused_while_one_runs_and_allowed_after_a_kill(tmp_path: Path, backend: Backend) -> None:
    folder = tmp_path / "folder"
    stress_kill.build_folder(folder, variants=4, with_pdf_docx=False)
    data = backend.new_archive(tmp_path / "data")
    # Hold the write lock as an ingest does, then kill the holder: the lock dies with it.
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom archive.archive import Archive\n"
         "with Archive(sys.argv[1], sys.argv[2] or None)._write_lock():\n    print('locked', flush=True); time.sleep(60)",
         str(data), catalog_of(data) or ""], stdout=subprocess.PIPE, text=True)
    with holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            busy = stress_kill.run_cli(data, "ingest", str(folder))
            assert busy.returncode == 1
            assert "another ingest is writing" in busy.stderr
        finally:
            holder.kill()
    done = stress_kill.run_cli(data, "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    assert f"added {len([p for p in folder.rglob('*') if p.is_file()])}," in done.stdout


def test_orphaned_workers_die_with_a_killed_ingest_and_do_not_keep_the_lock(tmp_path: Path, backend: Backend) -> None:
    """A worker busy on a slow file (OCR) when its ingest is SIGKILLed dies too, releasing the lock."""
    import psutil

    from tests.fixtures_docs import scanned_pdf

    folder = tmp_path / "folder"
    folder.mkdir()
    # Six scanned pages: OCR keeps the worker busy for many seconds (~2.5 s a page here).
    import pikepdf

    page = scanned_pdf("CONFERENCIA REGIONAL SOBRE MIGRACION\n1. Agradecer a la OIM.", tmp_path / "page.pdf")
    with pikepdf.open(page) as one, pikepdf.new() as scan:
        for _ in range(6):
            scan.pages.append(one.pages[0])
        scan.save(folder / "scan.pdf")
    data = backend.new_archive(tmp_path / "data")
    with subprocess.Popen(stress_kill.cli_args(data, "ingest", str(folder)), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as ingest:
        parent = psutil.Process(ingest.pid)
        workers: list[psutil.Process] = []
        for _ in range(600):
            workers = parent.children()
            if workers or ingest.poll() is not None:
                break
            time.sleep(0.05)
        assert workers, "the ingest ended before a worker was seen"
        ingest.kill()
    gone, alive = psutil.wait_procs(workers, timeout=3)  # not the ~15 s their OCR would take
    assert alive == []
    rerun = stress_kill.run_cli(data, "ingest", str(MANAGUA))  # the lock is free at once
    assert rerun.returncode == 0, rerun.stderr
    assert "added 1" in rerun.stdout


# -- check and check --repair ------------------------------------------------------------------------------


@pytest.fixture
def archived(tmp_path: Path, backend: Backend) -> Path:
    """A data directory holding the two seeds (one as PDF), its export taken as the truth."""
    from tests.fixtures_docs import seed_to_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MANAGUA, folder / MANAGUA.name)
    seed_to_pdf(TELA, folder / "tela.pdf")
    data = backend.new_archive(tmp_path / "data")
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    code, out, _ = run_cli(data, "check")
    assert (code, out.strip()) == (0, "ok")
    return data


def _check(data: Path, *extra: str) -> tuple[int, dict]:
    code, out, _ = run_cli(data, "check", "--json", *extra)
    return code, json.loads(out)


def _report_ids(data: Path) -> list[str]:
    return [r["id"] for r in export(data)["reports"]]


def _total(data: Path, query: str) -> int:
    code, out, err = run_cli(data, "search", "--json", query)
    assert code == 0, err
    return json.loads(out)["total"]


def test_check_finds_and_repairs_a_deleted_index(archived: Path) -> None:
    before = _total(archived, "RROCM")
    shutil.rmtree(archived / "index")
    code, verdict = _check(archived)
    assert code == 1
    # Opening the archive starts an empty index; each report is then named as missing from it.
    assert sorted(verdict["problems"]) == sorted(f"{rid}: in the catalog but not in the index"
                                                 for rid in _report_ids(archived))
    code, verdict = _check(archived, "--repair")
    assert code == 0 and verdict["ok"] and verdict["repaired"]
    assert _total(archived, "RROCM") == before > 0


def test_check_finds_and_repairs_a_report_missing_from_the_index(archived: Path) -> None:
    victim = _report_ids(archived)[0]
    before = _total(archived, "personas")
    with AgreementIndex(archived / "index") as index:
        index.remove([victim])
    code, verdict = _check(archived)
    assert code == 1
    assert f"{victim}: in the catalog but not in the index" in verdict["problems"]
    assert _total(archived, "personas") < before
    code, verdict = _check(archived, "--repair")
    assert code == 0 and verdict["ok"]
    assert _total(archived, "personas") == before
    with open_archive(archived) as archive:
        hits = archive.search(SearchQuery("personas", per_page=200)).hits
    assert victim in {h.report_id for h in hits}


def _rot(archive: Archive, sha: str) -> None:
    """Bit rot at the end of a stored original, wherever the backend keeps it."""
    if isinstance(archive.store, OriginalStore):
        stored = archive.store.path_of(sha)
        stored.chmod(0o644)
        stored.write_bytes(stored.read_bytes()[:-100] + b"x" * 100)
        return
    content = archive.store.content(sha)
    assert content is not None
    with archive.catalog.transaction() as conn:
        conn.execute("UPDATE originals SET content = ? WHERE sha256 = ?", (content[:-100] + b"x" * 100, sha))
    archive.store.cache.path_of(sha).unlink(missing_ok=True)


def test_check_finds_a_corrupt_original_and_the_next_ingest_restores_it(archived: Path, tmp_path: Path) -> None:
    exported = export(archived)
    report = next(r for r in exported["reports"] if r["format"] == "pdf")
    with open_archive(archived) as archive:
        _rot(archive, report["sha256"])

    code, verdict = _check(archived)
    assert code == 1
    assert any(report["id"] in p and "damaged" in p and "tela.pdf" in p for p in verdict["problems"])
    code, verdict = _check(archived, "--repair")
    assert code == 1  # the bytes cannot be recreated from nothing: the report stays flagged...
    assert any("stores it again" in line for line in verdict["repaired"])
    assert (archived / "quarantine").is_dir()
    with open_archive(archived) as archive:
        assert report["sha256"] not in archive.store
    code, out, err = run_cli(archived, "ingest", str(tmp_path / "in"))  # ...until its file is ingested again
    assert code == 0, err
    assert "updated 1" in out
    code, verdict = _check(archived)
    assert code == 0 and verdict["ok"]
    with open_archive(archived) as archive:
        restored = archive.store.local_path(report["sha256"])
        assert restored is not None and sha256_of(restored) == report["sha256"]


def test_check_repairs_agreements_that_no_longer_match_the_text(archived: Path) -> None:
    before = export(archived)
    report_id = before["reports"][0]["id"]
    with open_archive(archived) as archive, archive.catalog.transaction() as conn:
        conn.execute("UPDATE agreements SET text = 'garbled' WHERE report_id = ? AND label = '1'", (report_id,))
    code, verdict = _check(archived)
    assert code == 1
    assert any(report_id in p and "do not match the text" in p for p in verdict["problems"])
    code, verdict = _check(archived, "--repair")
    assert code == 0 and verdict["ok"]
    assert f"{report_id}: re-extracted from the stored original" in verdict["repaired"]
    after = export(archived)
    for report in (*before["reports"], *after["reports"]):
        report.pop("ingested_at")
    assert after == before


def test_check_removes_a_leftover_temporary_file_and_so_does_the_next_ingest(archived: Path, tmp_path: Path) -> None:
    with open_archive(archived) as archive:  # the store's own folder, or a node's cache of the originals
        some_sha = next(iter(archive.catalog.versions().values()))
        local = archive.store.local_path(some_sha)
    assert local is not None
    temp = local.parent / ".incoming-interrupted"
    temp.write_bytes(b"half a PDF")
    code, verdict = _check(archived)
    assert code == 1
    assert "leftover temporary file .incoming-interrupted" in verdict["problems"]
    code, verdict = _check(archived, "--repair")
    assert code == 0 and verdict["ok"] and not temp.exists()

    temp.write_bytes(b"half a PDF")
    code, out, err = run_cli(archived, "ingest", str(tmp_path / "in"))
    assert code == 0, err
    assert not temp.exists()
    assert _check(archived)[0] == 0


def test_check_notes_an_unreferenced_original_without_deleting_it(archived: Path, tmp_path: Path) -> None:
    """An original stored just before a kill, its catalog commit lost: kept, noted, adopted on rerun."""
    lonely = tmp_path / "lonely.txt"
    lonely.write_text(MANAGUA.read_text(encoding="utf-8").replace("Managua", "León"), encoding="utf-8")
    with open_archive(archived) as archive:
        sha = sha256_of(lonely)
        archive.store.put(lonely, sha)
    code, verdict = _check(archived)
    assert code == 0 and verdict["ok"]
    assert any(sha[:12] in note and "not referenced" in note for note in verdict["notes"])
    code, out, err = run_cli(archived, "ingest", str(lonely))
    assert code == 0, err
    code, verdict = _check(archived)
    assert verdict["notes"] == []


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4, 0.8])
def test_ctrl_c_while_the_language_detector_loads_is_not_swallowed(delay: float) -> None:
    """langdetect turns a KeyboardInterrupt during its profile loading into a format error: the ingest
    went on with a half-loaded detector and archived Spanish reports as Catalan ("ca") or Polish ("pl")."""
    code = (
        "import os, signal, sys, threading, time\n"
        "import langdetect.detector_factory as factory\n"
        "from archive import ingesting\n"
        "from ingest.language import detect_language\n"
        "threading.Timer(float(sys.argv[1]), os.kill, (os.getpid(), signal.SIGINT)).start()\n"
        "try:\n"
        "    ingesting._warm_up_uninterruptibly()\n"
        "    time.sleep(30)  # the signal came after the warm-up: it must still arrive\n"
        "    print('lost', len(factory._factory.langlist))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', len(factory._factory.langlist),\n"
        "          detect_language('La Conferencia Regional sobre Migración acuerda lo siguiente.'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(delay)], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["interrupted", "55", "es"], done.stdout + done.stderr
