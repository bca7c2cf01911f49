"""bench.expansion at 1k, one round: every row and ratio is produced and the section replaces itself in the
results file (never timings: the machine is shared)."""

from __future__ import annotations

import re

from bench.expansion import PAIRS, main


def test_expansion_bench_writes_its_section(tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\nother sections stay\n", encoding="utf-8")
    for _ in range(2):
        assert main(["--scale", "1k", "--rounds", "1", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nother sections stay\n")
    assert text.count("<!-- expansion:1k -->") == 1
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(PAIRS)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[1]) >= int(cells[4]) > 0  # the expanded query matches at least the plain one
        assert re.fullmatch(r"\**\d+\.\d\d×\**", cells[6])
