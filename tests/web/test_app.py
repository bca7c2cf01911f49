"""The app factory: configuration, nothing opened at import, an empty archive, re-ingest seen live."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import MANAGUA, ROOT, TELA, run_cli
from web import create_app
from web.views import close_shared_archive


def test_data_dir_comes_from_config_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_ARCHIVE_DATA", str(tmp_path / "from-env"))
    assert create_app().config["DATA_DIR"] == str(tmp_path / "from-env")
    assert create_app({"DATA_DIR": str(tmp_path / "given")}).config["DATA_DIR"] == str(tmp_path / "given")
    monkeypatch.delenv("CRM_ARCHIVE_DATA")
    assert create_app({}).config["DATA_DIR"] == "crm-data"


def test_nothing_is_opened_by_the_factory(tmp_path: Path) -> None:
    data = tmp_path / "never-touched"
    app = create_app({"DATA_DIR": str(data)})
    assert "crm_archive" not in app.extensions
    assert not data.exists()  # the archive (which creates its directory) is only opened by a request


def test_flask_cli_finds_the_factory(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "web", "routes"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "CRM_ARCHIVE_DATA": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for rule in ("/buscar", "/r/<report_id>/<label>", "/api/search", "/api/openapi.json"):
        assert rule in result.stdout


@pytest.mark.parametrize("per_request", [False, True])
def test_an_empty_archive_shows_pages_not_errors(tmp_path: Path, per_request: bool) -> None:
    app = create_app({"DATA_DIR": str(tmp_path / "empty"), "TESTING": True, "ARCHIVE_PER_REQUEST": per_request})
    client = app.test_client()
    try:
        for url in ("/", "/buscar?q=trata", "/reuniones", "/anos?q=trata", "/api/reports", "/api/search?q=trata"):
            assert client.get(url).status_code == 200, url
        assert "0 acuerdos encontrados" in client.get("/buscar?q=trata").get_data(as_text=True)
        assert client.get("/r/x").status_code == 404
    finally:
        close_shared_archive(app)


def test_a_running_app_sees_a_new_ingest(tmp_path: Path) -> None:
    """The shared archive follows the index when another process (the CLI) ingests more reports."""
    data, first, second = tmp_path / "data", tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(TELA, first)
    shutil.copy(MANAGUA, second)
    assert run_cli(data, "ingest", str(first))[0] == 0
    app: Flask = create_app({"DATA_DIR": str(data), "TESTING": True})
    client = app.test_client()
    try:
        assert client.get("/api/search?q=rrocm").get_json()["total"] == 1
        assert run_cli(data, "ingest", str(second))[0] == 0
        assert client.get("/api/search?q=rrocm").get_json()["total"] == 2
        assert client.get("/api/reports").get_json()["total"] == 2
    finally:
        close_shared_archive(app)
