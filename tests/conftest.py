"""Layered fixtures shared by all tests: the corpus, a fresh archive, an archive with corpus/ ingested.

``backend`` is parametrized over the two catalog backends (SQLite, PostgreSQL on a throw-away cluster
started once per session): every test that takes ``data_dir`` or ``ingested_data`` runs against both.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.archive import Archive
from archive.cli import cli
from tests.backends import BACKENDS, Backend, catalog_of, data_args
from tests.pg_cluster import PgCluster
from web import create_app
from web.views import close_shared_archive

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MANAGUA = CORPUS / "000_cf50010547db6d03.txt"
TELA = CORPUS / "003_5b39909ca16edb25.txt"


def run_cli(data: Path, *args: str) -> tuple[int, str, str]:
    """Run the real command group in-process; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, [*data_args(data), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def ingested_into(data: Path, folder: Path) -> Path:
    """``data`` with ``folder`` ingested through the real CLI (every file must be archived)."""
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    return data


def export(data: Path) -> dict:
    code, out, _ = run_cli(data, "export", "--json")
    assert code == 0
    return json.loads(out)


@contextmanager
def open_app(data: Path) -> Iterator:
    """The real Flask app over a data directory, its shared archive closed afterwards."""
    app = create_app({"DATA_DIR": str(data), "CATALOG": catalog_of(data), "TESTING": True})
    try:
        yield app
    finally:
        close_shared_archive(app)


def open_archive(data: Path) -> Archive:
    """The facade over a test archive, whichever backend holds its catalog."""
    return Archive(data, catalog=catalog_of(data))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throw-away PostgreSQL server for the session (loopback, unprivileged user, deleted at the end)."""
    cluster = PgCluster.primary()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "postgresql":
        return Backend("postgresql", request.getfixturevalue("pg_cluster"))
    return Backend("sqlite")


@pytest.fixture
def data_dir(tmp_path: Path, backend: Backend) -> Path:
    """A fresh, empty archive of each backend."""
    return backend.new_archive(tmp_path / "data")


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A folder holding only the two seed reports."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for seed in (MANAGUA, TELA):
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="session")
def ingested_data(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Path:
    """A data directory with corpus/ ingested through the real CLI (read-only for tests), per backend."""
    data = backend.new_archive(tmp_path_factory.mktemp(f"corpus-archive-{backend.name}") / "data")
    return ingested_into(data, CORPUS)
