"""The API against its own OpenAPI document, fuzzed by schemathesis (`--checks all`) over HTTP.

Every check schemathesis knows runs: no server error, status codes, content types, headers and bodies
as documented, schema-valid requests accepted, schema-violating requests rejected, 405 with Allow for
other methods. The run is bounded (examples per operation) and seeded, so it is the same run each
time; a failure prints schemathesis's report with a curl line to reproduce it.

Two seeds, so that a rule the document leaves out is not hidden by one seed's luck: the first runs every
phase, the second only the fuzzing, with half the examples (the coverage phase is derived from the
document, not from the seed). Seeds 1 to 30 each passed a full run at 50 examples when this was
written (2026-12); before, seeds 3 (``limit=8%C2%A0``), 9 (``q=ANŐ:``), 27 (``page={}`` sent as ``page=``,
see schemathesis_hooks.py) and, once those were fixed, 8 (``lang=%1C``) failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(600)

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

MAX_EXAMPLES = 50
SEEDS = (7, 27)
OTHER_SEED_EXAMPLES = 25  # the second run within ~1.5x of one run's time (measured: 21 s -> 30 s)
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")


SPEC_PATH = "/api/openapi.json"


def documented_operations() -> int:
    """How many operations web/openapi.json describes, but the one that serves the document itself
    (schemathesis leaves that one out of its run and of its total): the run must select every one."""
    spec = json.loads((ROOT / "web" / "openapi.json").read_text(encoding="utf-8"))
    return sum(1 for path, item in spec["paths"].items() for method in item
               if method in HTTP_METHODS and path != SPEC_PATH)


def schemathesis_run(server: str, cwd: Path, seed: int, phases: str, examples: int) -> str:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    assert schemathesis.is_file(), "schemathesis is missing: pip install -e '.[test]'"
    command = [str(schemathesis), "run", f"{server}{SPEC_PATH}", "--checks", "all", "--phases", phases,
               "--max-examples", str(examples), "--seed", str(seed), "--workers", "1", "--no-color"]
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=540,
                         env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)})
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    return report


def test_schemathesis_run_with_all_checks_passes(server: str, tmp_path: Path) -> None:
    first, *others = SEEDS
    reports = [schemathesis_run(server, tmp_path, first, "examples,coverage,fuzzing,stateful", MAX_EXAMPLES)]
    reports += [schemathesis_run(server, tmp_path, seed, "fuzzing", OTHER_SEED_EXAMPLES) for seed in others]
    # Every operation of the document was selected and tested, not an empty or partial selection.
    operations = documented_operations()
    assert operations > 0
    for report in reports:
        assert f"{operations} selected / {operations} total" in report, report
        assert f"Tested: {operations}" in report and "generated" in report, report
