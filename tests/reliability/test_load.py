"""A short run of the load test (bench/load.py): 10 clients for 8 s against ``crm-archive serve`` on
127.0.0.1 while a bulk ingest writes to the same archive. No timing is asserted: only that requests were
made and none failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import run_load


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_short_load_while_ingesting_has_no_errors(tmp_path: Path) -> None:
    result = run_load(tmp_path, clients=10, seconds=8, ingest_reports=120, server_threads=4)
    assert result.errors == []
    assert result.requests >= 10
    assert result.p95 >= result.p50 > 0
