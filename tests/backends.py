"""The two catalog backends as the tests (and bench.stress_kill) see them.

A test archive is a data directory; with the PostgreSQL backend its catalog lives in a database of the
session's throw-away cluster, remembered here (``CATALOGS``) so that every way a test reaches the archive
— the CLI in-process or as a subprocess, the Flask app, the ``Archive`` facade — passes the same
``--catalog`` URL. With the SQLite backend nothing is registered and the catalog is inside the directory.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.pg_cluster import PgCluster

BACKENDS = ("sqlite", "postgresql")

# data directory -> URL of its PostgreSQL catalog
CATALOGS: dict[Path, str] = {}


def catalog_of(data: Path) -> str | None:
    return CATALOGS.get(Path(data))


def data_args(data: Path) -> list[str]:
    """The CLI's group options for a test archive: ``--data DIR`` and, for PostgreSQL, ``--catalog URL``."""
    url = catalog_of(data)
    return ["--data", str(data), *(["--catalog", url] if url else [])]


@dataclass
class Backend:
    name: str
    cluster: PgCluster | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.name == "postgresql"

    def new_archive(self, data: Path) -> Path:
        """Give the data directory a fresh, empty catalog of this backend."""
        if self.cluster is not None:
            CATALOGS[Path(data)] = self.cluster.create_database()
        return data

    def copy_archive(self, source: Path, target: Path) -> Path:
        """A copy of an archive: its directory, and for PostgreSQL a copy of its database (which nobody
        may be connected to)."""
        shutil.copytree(source, target)
        url = catalog_of(source)
        if url is not None:
            assert self.cluster is not None
            CATALOGS[Path(target)] = self.cluster.create_database(template=url.rsplit("/", 1)[1])
        return target

    def share_catalog(self, source: Path, target: Path) -> Path:
        """A second data directory (another node) following the same catalog as ``source``."""
        url = catalog_of(source)
        if url is not None:
            CATALOGS[Path(target)] = url
        return target

    def copy_node(self, source: Path, target: Path) -> Path:
        """A copy of the data directory that follows the same catalog (for SQLite: a whole copy)."""
        shutil.copytree(source, target)
        return self.share_catalog(source, target)
