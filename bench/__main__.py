"""``python -m bench --scale 1k|10k|100k|1m [--out bench/RESULTS.md]``: run the benchmark at one scale
and write its section of the results file (the other scales' sections are kept)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from bench import measure

log = logging.getLogger("bench")

SCALE_NAMES = ("1k", "10k", "100k", "1m")
REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALE_NAMES, default="10k", help="Agreement units in the synthetic corpus.")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md",
                        help="Markdown file to write (default: bench/RESULTS.md).")
    parser.add_argument("--work", type=Path, default=None,
                        help="Working directory for the corpus, data and indexes (default: a folder in the "
                             "system temp dir per scale; the corpus there is reused).")
    parser.add_argument("--seed", type=int, default=7, help="Seed of the synthetic corpus.")
    parser.add_argument("--quick", action="store_true", help="One run of everything (smoke test), not timings to quote.")
    parser.add_argument("--units", type=int, default=None, help="Override the number of units (for tests).")
    parser.add_argument("--render", action="store_true",
                        help="Do not measure: re-render the section from the work dir's results-<scale>.json.")
    parser.add_argument("--queries-only", action="store_true",
                        help="Re-time only the queries (all engines) and the web page on the archive and reference "
                             "indexes a full run left in the work dir; keep its ingest and build rows.")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="Import the product from the work tree instead of a copy taken at the start.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    work = args.work or Path(tempfile.gettempdir()) / "crm-archive-bench" / args.scale
    snapshot = None
    if not args.render and not args.no_snapshot:
        # Before anything imports the product: a long run must measure one version of the code, even
        # while the work tree is being edited (later phases start new processes that import it again).
        snapshot = measure.snapshot_sources(REPO, work / "code")
        sys.path.insert(0, str(snapshot))

    from bench import report, run

    if args.render:
        report.update_results(args.out, run.load_result(work / f"results-{args.scale}.json"))
        return 0
    if snapshot is not None:
        run.use_code(snapshot)
    started = time.perf_counter()
    repeats = run.SMOKE if args.quick else run.REPEATS[args.scale]
    if args.queries_only:
        result = run.rerun_queries(args.scale, work, repeats)
    else:
        result = run.run_scale(args.scale, work, repeats, args.seed, args.units)
    report.update_results(args.out, result)
    log.info("scale %s done in %.0f s; results in %s (raw: %s)", args.scale, time.perf_counter() - started,
             args.out, work / f"results-{args.scale}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
