import hashlib
import os
from pathlib import Path

import pytest

from archive.store import OriginalStore, sha256_of


def test_put_stores_by_hash_read_only_and_is_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_bytes("Migración".encode())
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    store = OriginalStore(tmp_path / "originals")
    stored = store.put(src, sha)
    assert stored == tmp_path / "originals" / sha[:2] / sha
    assert stored.read_bytes() == src.read_bytes()
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0
    assert oct(stored.stat().st_mode & 0o777) == oct(0o444)
    assert store.put(src, sha) == stored
    assert store.hashes() == {sha} and sha in store and store.verify(sha)


def test_put_refuses_a_file_that_does_not_match_its_hash(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("uno")
    store = OriginalStore(tmp_path / "originals")
    wrong = sha256_of(src).replace(sha256_of(src)[0], "0" if sha256_of(src)[0] != "0" else "1", 1)
    with pytest.raises(OSError, match="changed while"):
        store.put(src, wrong)
    assert store.hashes() == set() and store.leftover_temp_files() == []


@pytest.mark.parametrize("bad", ["../etc/passwd", "abc", "G" * 64, "/" + "a" * 63])
def test_path_of_accepts_only_hex_digests(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        OriginalStore(tmp_path).path_of(bad)
