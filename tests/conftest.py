"""Layered fixtures shared by all tests: the corpus, a fresh archive, an archive with corpus/ ingested."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from web import create_app
from web.views import close_shared_archive

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MANAGUA = CORPUS / "000_cf50010547db6d03.txt"
TELA = CORPUS / "003_5b39909ca16edb25.txt"


def run_cli(data: Path, *args: str) -> tuple[int, str, str]:
    """Run the real command group in-process; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, ["--data", str(data), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def export(data: Path) -> dict:
    code, out, _ = run_cli(data, "export", "--json")
    assert code == 0
    return json.loads(out)


@contextmanager
def open_app(data: Path) -> Iterator:
    """The real Flask app over a data directory, its shared archive closed afterwards."""
    app = create_app({"DATA_DIR": str(data), "TESTING": True})
    try:
        yield app
    finally:
        close_shared_archive(app)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A folder holding only the two seed reports."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for seed in (MANAGUA, TELA):
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="session")
def ingested_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with corpus/ ingested through the real CLI (read-only for tests)."""
    data = tmp_path_factory.mktemp("corpus-archive") / "data"
    code, out, err = run_cli(data, "ingest", str(CORPUS))
    assert code == 0, out + err
    return data
