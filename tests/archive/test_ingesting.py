"""Walking folders and parsing in worker processes: limits and failures stay per file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archive.ingesting import Candidate, Limits, hash_file, parse_in_workers, walk
from archive.models import ExtractionError
from tests.conftest import MANAGUA, TELA


def test_walk_recurses_in_order_and_skips_hidden_sidecars_and_unknown_types(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/z.txt", "a.pdf", "a.txt.meta.json", "notes.md", ".x.txt", ".hidden/y.txt", "c.docx"):
        (tmp_path / name).write_text("x")
    skipped: list[Path] = []
    found = [(p.relative_to(tmp_path).as_posix(), reason) for p, reason in walk([tmp_path], skipped)]
    assert found == [("a.pdf", None), ("c.docx", None), ("b/z.txt", None)]
    assert skipped == [tmp_path / "notes.md"]  # counted by the ingest; hidden files and sidecars are not


@pytest.mark.parametrize(("name", "reason"), [
    ("acta.doc", "unsupported file type '.doc' (Word 97-2003: save it as .docx or PDF to archive it)"),
    ("acta.RTF", "unsupported file type '.RTF' (RTF: save it as .docx or PDF to archive it)"),
    ("acta.odt", "unsupported file type '.odt' (OpenDocument text: save it as .docx or PDF to archive it)"),
    ("notas.md", "unsupported file type '.md'"),
    ("LEEME", "unsupported file type '(no suffix)'"),
])
def test_a_file_of_a_type_not_read_is_named_with_what_to_do(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / name).write_text("x")
    assert list(walk([tmp_path / name])) == [(tmp_path / name, reason)]


def test_walk_survives_symlink_loops_and_names_broken_links(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "r.txt").write_text("x")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    found = {p.name: reason for p, reason in walk([tmp_path])}
    assert found["r.txt"] is None
    assert "broken symbolic link" in found["dangling.txt"]
    assert "loop" not in found


def test_walk_names_what_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "x.xyz").write_text("x")
    found = dict(walk([tmp_path / "missing", tmp_path / "x.xyz"]))
    assert found[tmp_path / "missing"] == "no such file or folder"
    assert "unsupported file type '.xyz'" in found[tmp_path / "x.xyz"]


def test_hash_file_refuses_empty_and_oversized_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty file"):
        hash_file(empty, 100)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(ExtractionError, match="too large"):
        hash_file(big, 100)


def _candidate(path: Path) -> Candidate:
    sha, size = hash_file(path, 10**9)
    return Candidate(path, path.name, sha, size, "k")


def test_workers_parse_files_in_parallel_and_report_each(tmp_path: Path) -> None:
    for seed in (MANAGUA, TELA):
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf at all")
    candidates = [_candidate(p) for p in sorted(tmp_path.iterdir())]
    results = {c.path.name: (parsed, error) for c, parsed, error in parse_in_workers(candidates, Limits(workers=2))}
    assert results[MANAGUA.name][0] is not None and results[MANAGUA.name][0].meeting.city == "Managua"
    assert results[TELA.name][1] is None
    assert results["bad.pdf"][0] is None and results["bad.pdf"][1]


def test_a_file_over_the_time_limit_fails_alone(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(MANAGUA.read_text(encoding="utf-8") * 2000, encoding="utf-8")  # ~8 MB: seconds to parse
    shutil.copy(TELA, tmp_path / "tela.txt")
    candidates = [_candidate(big), _candidate(tmp_path / "tela.txt")]
    results = {c.path.name: error for c, _, error in parse_in_workers(candidates, Limits(timeout=1.0, workers=2))}
    assert results == {"big.txt": "extraction timed out after 1 s", "tela.txt": None}


def test_a_sidecar_named_by_itself_stands_for_its_report(tmp_path: Path) -> None:
    """`ingest informes/*` names the sidecars too, and each failed as "unsupported file type '.json'"."""
    report, sidecar = tmp_path / "acta.pdf", tmp_path / "acta.pdf.meta.json"
    report.write_text("x")
    sidecar.write_text('{"city": "Tela"}')
    assert list(walk([sidecar])) == [(report, None)]
    assert list(walk([report, sidecar])) == [(report, None)]  # the glob: the report once
    assert list(walk([sidecar, report])) == [(report, None)]
    lonely = tmp_path / "perdido.pdf.meta.json"
    lonely.write_text("{}")
    assert list(walk([lonely])) == [
        (lonely, "an archivist's sidecar without its report: there is no perdido.pdf beside it")]
