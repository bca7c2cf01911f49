"""Originals, stored content-addressed by SHA-256: written once, atomically, never modified.

Layout: ``<data>/originals/ab/abcdef…`` (two-level fan-out keeps directories small). A write goes to a
temporary file in the same directory, is fsynced, then renamed over the final name, and the directory is
fsynced: a crash leaves either no file or the whole file, never a partial one under the final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

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
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=final.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                # The file changed between hashing and copying: refuse rather than store a lie.
                raise OSError(f"{source.name} changed while it was being archived")
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return final

    def hashes(self) -> set[str]:
        return {p.name for p in self.root.glob("??/*") if not p.name.startswith(TEMP_PREFIX)}

    def leftover_temp_files(self) -> list[Path]:
        """Temporary files left by an interrupted write; safe to delete."""
        return sorted(self.root.glob(f"??/{TEMP_PREFIX}*"))

    def verify(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and sha256_of(path) == sha256
