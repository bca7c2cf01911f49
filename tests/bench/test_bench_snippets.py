"""bench.snippets on the bundled corpus, one round: the table has a row per query class with a number in
every engine's column (never timings: the machine is shared)."""

from __future__ import annotations

import re
from pathlib import Path

from bench.snippets import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_snippet_bench_prints_a_row_per_class(capsys):
    assert main(["--reports", str(CORPUS), "--pages", "1", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in out.splitlines()
            if line.startswith("| ") and not line.startswith("| queries")]
    engines = {cells[1] for cells in rows}
    assert engines == {"plain (before)", "ours", "FTS5 snippet()"}
    assert {cells[0] for cells in rows} >= {"all", "very common term", "phrase"}
    for cells in rows:
        assert all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[2:]), cells
