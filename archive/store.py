"""Originals, stored content-addressed by SHA-256: written once, atomically, never modified.

Two stores behind one contract (``put``, ``in``, ``hashes``, ``verify``, ``local_path``, ``total_bytes``,
``set_aside``, ``leftover_temp_files``):

- ``OriginalStore``: files beside an SQLite catalog, ``<dir>/originals/ab/abcdef…`` (two-level fan-out
  keeps directories small). A write goes to a temporary file in the same directory, is fsynced, then
  renamed over the final name, and the directory is fsynced: a crash leaves either no file or the whole
  file, never a partial one under the final name.
- ``CatalogOriginalStore``: originals in the catalog's own database (table ``originals``; PostgreSQL), so
  that a replica holds them too and a backup of the database is a backup of the archive. Each row is
  committed in one transaction; a node keeps a verified local copy of what it serves in its cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import Catalog

CHUNK = 1 << 20
TEMP_PREFIX = ".incoming-"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class OriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put(self, source: Path, sha256: str) -> Path:
        """Store a copy of ``source`` under its hash (a no-op when already stored)."""
        final = self.path_of(sha256)
        if final.is_file():
            return final
        with source.open("rb") as src:
            # Bytes of another hash mean the file changed between hashing and copying: refuse, never store a lie.
            _write_atomically(final, iter(lambda: src.read(CHUNK), b""), sha256,
                              mismatch=f"{source.name} changed while it was being archived")
        _fsync_dir(final.parent)
        return final

    def hashes(self) -> set[str]:
        return {p.name for p in self.root.glob("??/*") if not p.name.startswith(TEMP_PREFIX)}

    def leftover_temp_files(self) -> list[Path]:
        """Temporary files left by an interrupted write; safe to delete."""
        return sorted(self.root.glob(f"??/{TEMP_PREFIX}*"))

    def verify(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and sha256_of(path) == sha256

    def local_path(self, sha256: str) -> Path | None:
        """A local file holding the original, or None when it is missing."""
        path = self.path_of(sha256)
        return path if path.is_file() else None

    def total_bytes(self) -> int:
        return sum(self.path_of(h).stat().st_size for h in self.hashes())

    def set_aside(self, sha256: str, quarantine: Path, stamp: str) -> Path | None:
        """Move a damaged original out of the store (so that the next ingest stores it again)."""
        path = self.path_of(sha256)
        if not path.is_file():
            return None
        quarantine.mkdir(parents=True, exist_ok=True)
        target = quarantine / f"{sha256}.{stamp}"
        path.rename(target)
        return target


def _write_atomically(final: Path, chunks: Iterable[bytes], sha256: str, mismatch: str | None = None) -> None:
    """Write ``chunks`` to ``final`` through a synced temporary file, refusing bytes of another hash."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=final.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise OSError(mismatch or f"the bytes of {sha256[:12]} do not match their hash")
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


class CatalogOriginalStore:
    """Originals as rows of the catalog's ``originals`` table; a verified local cache for serving."""

    def __init__(self, catalog: "Catalog", cache_dir: Path) -> None:
        self.catalog = catalog
        self.cache = OriginalStore(cache_dir)

    def _conn(self):
        return self.catalog._connect()

    def __contains__(self, sha256: str) -> bool:
        return self._conn().execute("SELECT 1 FROM originals WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def put(self, source: Path, sha256: str) -> None:
        """Store the bytes of ``source`` under their hash, in one transaction (a no-op when stored)."""
        if sha256 in self:
            return
        content = source.read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            # The file changed between hashing and copying: refuse rather than store a lie.
            raise OSError(f"{source.name} changed while it was being archived")
        self.put_bytes(sha256, content)

    def put_bytes(self, sha256: str, content: bytes) -> None:
        from .catalog import now_iso

        with self.catalog.transaction() as conn:
            conn.execute("INSERT INTO originals (sha256, size, content, stored_at) VALUES (?,?,?,?) "
                         "ON CONFLICT (sha256) DO NOTHING", (sha256, len(content), content, now_iso()))

    def content(self, sha256: str) -> bytes | None:
        row = self._conn().execute("SELECT content FROM originals WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row is not None else None

    def hashes(self) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT sha256 FROM originals")}

    def verify(self, sha256: str) -> bool:
        content = self.content(sha256)
        return content is not None and hashlib.sha256(content).hexdigest() == sha256

    def local_path(self, sha256: str) -> Path | None:
        cached = self.cache.path_of(sha256)
        if cached.is_file():
            return cached
        content = self.content(sha256)
        if content is None:
            return None
        try:
            _write_atomically(cached, [content], sha256)
        except OSError:
            return None  # damaged in the database: ``check`` names it
        return cached

    def total_bytes(self) -> int:
        return int(self._conn().execute("SELECT coalesce(sum(size), 0) FROM originals").fetchone()[0])

    def set_aside(self, sha256: str, quarantine: Path, stamp: str) -> Path | None:
        content = self.content(sha256)
        if content is None:
            return None
        quarantine.mkdir(parents=True, exist_ok=True)
        target = quarantine / f"{sha256}.{stamp}"
        target.write_bytes(content)
        with self.catalog.transaction() as conn:
            conn.execute("DELETE FROM originals WHERE sha256 = ?", (sha256,))
        self.cache.path_of(sha256).unlink(missing_ok=True)
        return target

    def leftover_temp_files(self) -> list[Path]:
        return self.cache.leftover_temp_files()
