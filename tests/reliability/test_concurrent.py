"""Readers during an ingest see the last committed state, and the running web app follows new commits
without a restart; a changed file with the same name replaces the report but keeps the old original."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from bench.stress_kill import ROOT, build_folder, cli_args, variant_text
from index import SearchQuery
from tests.backends import Backend, catalog_of
from tests.conftest import MANAGUA, TELA, export, open_archive, run_cli
from web import create_app
from web.views import close_shared_archive


def test_searches_and_pages_work_while_an_ingest_runs_and_see_it_when_it_commits(tmp_path: Path,
                                                                                  backend: Backend) -> None:
    data = backend.new_archive(tmp_path / "data")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(MANAGUA, seeds / MANAGUA.name)
    code, out, err = run_cli(data, "ingest", str(seeds))
    assert code == 0, err
    folder = tmp_path / "folder"
    build_folder(folder, variants=24)
    expected_reports = len(list(folder.rglob("*.*")))  # corpus .txt (with the Managua seed), PDF, DOCX, variants

    app = create_app({"DATA_DIR": str(data), "CATALOG": catalog_of(data), "TESTING": True})
    client = app.test_client()
    try:
        before = client.get("/api/search?q=VAR001").get_json()["total"]
        assert before == 0
        statuses: list[int] = []
        report_counts: list[int] = []
        with subprocess.Popen(cli_args(data, "ingest", str(folder)), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) as ingest:
            while ingest.poll() is None:
                for url in ("/api/search?q=migrantes", "/buscar?q=trata+de+personas", "/reuniones", "/api/reports"):
                    response = client.get(url)
                    statuses.append(response.status_code)
                    if url == "/api/reports":
                        report_counts.append(response.get_json()["total"])
                with open_archive(data) as reader:  # a separate reader process-side: the CLI's way
                    reader.search(SearchQuery("personas"))
                time.sleep(0.05)
            out, err = ingest.communicate()
        assert ingest.returncode == 0, err
        assert statuses and set(statuses) == {200}
        assert len(report_counts) >= 3, "the ingest ended before the readers could watch it"
        assert report_counts == sorted(report_counts)  # reports appear one by one, never vanish
        assert report_counts[0] >= 1 and max(report_counts) <= expected_reports

        # The same app, not restarted, now sees every committed report and the new index.
        assert client.get("/api/reports").get_json()["total"] == expected_reports
        assert client.get("/api/search?q=VAR001").get_json()["total"] >= 1
        assert "VAR001" in client.get("/buscar?q=VAR001").get_data(as_text=True)
    finally:
        close_shared_archive(app)


def test_a_changed_file_with_the_same_name_replaces_the_report_and_keeps_the_old_original(tmp_path: Path,
                                                                                         backend: Backend) -> None:
    data = backend.new_archive(tmp_path / "data")
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "informe-tela.txt"
    report.write_text(TELA.read_text(encoding="utf-8") + "\n9. Código de la primera versión: PRIMERA.\n",
                      encoding="utf-8")
    app = create_app({"DATA_DIR": str(data), "CATALOG": catalog_of(data), "TESTING": True})
    client = app.test_client()
    try:
        code, out, err = run_cli(data, "ingest", str(folder))
        assert code == 0, err
        first = export(data)["reports"][0]
        assert client.get("/api/search?q=PRIMERA").get_json()["total"] == 1

        report.write_text(TELA.read_text(encoding="utf-8") + "\n9. Código de la segunda versión: SEGUNDA.\n",
                          encoding="utf-8")
        code, out, err = run_cli(data, "ingest", str(folder))
        assert code == 0, err
        assert "updated 1" in out
        second = export(data)["reports"]
        assert len(second) == 1 and second[0]["id"] == first["id"] and second[0]["sha256"] != first["sha256"]

        # The index (seen by the running app) shows the new text only.
        assert client.get("/api/search?q=SEGUNDA").get_json()["total"] == 1
        assert client.get("/api/search?q=PRIMERA").get_json()["total"] == 0
        # Both originals are in the store; the web serves the new one.
        with open_archive(data) as archive:
            assert {first["sha256"], second[0]["sha256"]} <= archive.store.hashes()
        served = client.get(f"/r/{first['id']}/original")
        assert b"SEGUNDA" in served.get_data()
        served.close()
        # The ingest log keeps both versions.
        with open_archive(data) as archive:
            log = [(e.outcome, e.sha256, e.message) for e in reversed(archive.catalog.log_entries())
                   if e.source == report.name]
        assert [(o, s) for o, s, _ in log] == [("added", first["sha256"]), ("updated", second[0]["sha256"])]
        assert f"replaces {first['sha256'][:12]}" in log[1][2]
        code, out, _ = run_cli(data, "check", "--json")
        assert code == 0 and json.loads(out)["ok"]
    finally:
        close_shared_archive(app)


def test_an_ingest_and_the_web_app_in_one_process_share_nothing_stale(tmp_path: Path, backend: Backend) -> None:
    """A new report ingested in-process (as a second Archive) is visible to the app's shared archive."""
    data = backend.new_archive(tmp_path / "data")
    folder = tmp_path / "in"
    folder.mkdir()
    app = create_app({"DATA_DIR": str(data), "CATALOG": catalog_of(data), "TESTING": True})
    client = app.test_client()
    try:
        assert client.get("/api/reports").get_json()["total"] == 0
        for k in range(3):
            (folder / f"r{k}.txt").write_text(variant_text(MANAGUA.read_text(encoding="utf-8"), 40 + k),
                                              encoding="utf-8")
            code, _, err = run_cli(data, "ingest", str(folder))
            assert code == 0, err
            assert client.get("/api/reports").get_json()["total"] == k + 1
            assert client.get(f"/api/search?q=VAR{40 + k:03d}").get_json()["total"] == 1
    finally:
        close_shared_archive(app)
