"""``python -m bench.expansion --scale 10k|100k``: what entity expansion and ``--translate`` cost (issue 13).

Each expanded query is timed against plain queries, on the same archive in the same run:

* **plain**: the same text searched with the expansion step switched off (``index.search.expand_query``
  replaced by the identity for those runs: the query as it was searched before the glossary and the
  thesaurus). It matches fewer units -- that is the point of expanding -- so part of the difference is the
  work of the extra matches;
* **literal**: what a user types to turn expansion off -- the entity's form quoted (``"RROCM"``), the
  concept's query without ``translate``;
* **by hand**: what a user had to type before to get the same matches -- every form quoted and ORed
  (``"RROCM" OR "RNCOM" OR "Red Regional de ..."``), every translation ORed as a group
  (``(trata de personas) OR (trafficking in persons) OR ...``). The ratio to it is the cost of expanding
  itself.

Every sample drops the result cache and the posting caches first (``bench.engines.drop_search_caches``),
so each search does all its work. The section of bench/RESULTS.md between the ``expansion`` markers of
the scale is replaced; nothing else in the file is touched. Also measured once: the one-off cost of the
version links (``Archive.version_links``) and of the glossary's mention counts (``Archive.entity_mentions``),
both cached until the catalog changes.

The corpus is bench.synthetic's (SYNTHETIC reports, never real ones); the archive is built by the real CLI.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import measure, synthetic
from bench.engines import drop_search_caches

log = logging.getLogger("bench.expansion")

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("RESULTS.md")
LIMIT = 1.5  # the bar: no expanded query more than 1.5x slower than its plain form

# (label, expanded query, translate, literal query, translate)
PAIRS = [
    ("entity: RROCM", "RROCM", False, '"RROCM"', False),
    ("entity: OIM", "OIM", False, '"OIM"', False),
    ("entity: ST (ambiguous)", "ST", False, '"ST"', False),
    ("entity: Secretaría Técnica", "Secretaría Técnica", False, '"Secretaría Técnica"', False),
    ("entity: GRCM año:2010..2020", "GRCM año:2010..2020", False, '"GRCM" año:2010..2020', False),
    ("translate: trata de personas", "trata de personas", True, "trata de personas", False),
    ("translate: derechos humanos", "derechos humanos", True, "derechos humanos", False),
    ("translate: protección consular", "protección consular", True, "protección consular", False),
    ("translate: retorno", "retorno", True, "retorno", False),
    ("translate: migrantes", "migrantes", True, "migrantes", False),
]


@dataclass(frozen=True)
class Row:
    label: str
    expanded: str
    plain: str
    expanded_total: int
    plain_total: int
    expanded_p50: float
    plain_p50: float
    expanded_p95: float
    plain_p95: float
    hand_total: int
    hand_p50: float
    off_total: int
    off_p50: float

    @property
    def ratio(self) -> float:
        return self.expanded_p50 / self.off_p50 if self.off_p50 else float("inf")

    @property
    def literal_ratio(self) -> float:
        return self.expanded_p50 / self.plain_p50 if self.plain_p50 else float("inf")

    @property
    def hand_ratio(self) -> float:
        return self.expanded_p50 / self.hand_p50 if self.hand_p50 else float("inf")


def by_hand(archive, text: str, translate: bool) -> str:
    """The query a user would have typed for the expanded matches: every form (or translation) ORed."""
    from index import SearchQuery

    expansions = archive.search(SearchQuery(text, translate=translate)).expansions
    query = text
    for e in expansions:
        if e.kind == "entity":
            forms = [e.typed, *(a.form for a in e.alternatives)]
            group = " OR ".join('"' + f + '"' for f in forms)
        else:
            group = " OR ".join("(" + f + ")" for f in [e.typed, *(a.form for a in e.alternatives)])
        query = query.replace(e.typed, "(" + group + ")", 1)
    return query


def build(work: Path, units: int) -> Path:
    corpus, data = work / "corpus", work / "data"
    synthetic.write_corpus(corpus, units)
    if not (data / "catalog.sqlite3").is_file():
        subprocess.run([sys.executable, "-c", "from archive.cli import cli; cli()", "--data", str(data),
                        "ingest", str(corpus)], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    # An archive kept from an older run: bring its index to this code's schema and glossary.
    subprocess.run([sys.executable, "-c", "from archive.cli import cli; cli()", "--data", str(data),
                    "reindex", "--if-needed"], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return data


def time_query(archive, text: str, translate: bool, rounds: int, expand: bool = True) -> tuple[list[float], int]:
    import index.search
    from index import SearchQuery
    from index.expansion import ExpandedQuery, expand_query

    samples, total = [], 0
    query = SearchQuery(text, translate=translate)
    index.search.expand_query = expand_query if expand else (lambda parsed, **_kw: ExpandedQuery(parsed, ()))
    try:
        for _ in range(rounds):
            drop_search_caches(archive)
            started = time.perf_counter()
            total = archive.search(query).total
            samples.append(time.perf_counter() - started)
    finally:
        index.search.expand_query = expand_query
    return samples, total


def measure_pairs(data: Path, rounds: int) -> tuple[list[Row], dict[str, float]]:
    from archive.archive import Archive

    rows = []
    with Archive(data) as archive:
        for label, expanded, ex_translate, plain, pl_translate in PAIRS:
            time_query(archive, expanded, ex_translate, 2)  # warm the generation's columns and the OS cache
            time_query(archive, plain, pl_translate, 2)
            hand = by_hand(archive, expanded, ex_translate)
            time_query(archive, hand, False, 2)
            # Interleaved, so a burst of load from other jobs hits all sides alike.
            time_query(archive, expanded, ex_translate, 2, expand=False)
            ex_samples, pl_samples, hand_samples, off_samples = [], [], [], []
            for _ in range(rounds):
                s, off_total = time_query(archive, expanded, ex_translate, 1, expand=False)
                off_samples += s
                s, ex_total = time_query(archive, expanded, ex_translate, 1)
                ex_samples += s
                s, pl_total = time_query(archive, plain, pl_translate, 1)
                pl_samples += s
                s, hand_total = time_query(archive, hand, False, 1)
                hand_samples += s
            rows.append(Row(label, expanded + (" (translate)" if ex_translate else ""), plain, ex_total, pl_total,
                            statistics.median(ex_samples), statistics.median(pl_samples),
                            measure.percentile(sorted(ex_samples), 95), measure.percentile(sorted(pl_samples), 95),
                            hand_total, statistics.median(hand_samples), off_total, statistics.median(off_samples)))
        once = {}
        started = time.perf_counter()
        links = archive.version_links()
        once["version links (all reports)"] = time.perf_counter() - started
        once["linked reports"] = float(len(links.versions) + len(links.same_as))
        started = time.perf_counter()
        archive.entity_mentions()
        once["glossary mention counts (all entities)"] = time.perf_counter() - started
        once["reports"] = float(len(archive.reports(texts=False)))
    return rows, once


def render(scale: str, rows: list[Row], once: dict[str, float], rounds: int) -> str:
    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    lines = [f"<!-- expansion:{scale} -->", f"### Entity expansion and --translate, {scale} synthetic units (issue 13)", "",
             f"`python -m bench.expansion --scale {scale}`; commit {measure.git_commit(REPO)}; {_machine()}; "
             f"load {measure.load_average()}; p50/p95 of {rounds} interleaved runs each, caches dropped before every run.",
             "", "| query | matches | p50 ms | p95 ms | plain: matches | p50 ms | **× plain** | literal | matches | p50 ms | × literal | by hand: matches | p50 ms | × by hand |",
             "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"]

    def flag(ratio: float) -> str:
        return f"{ratio:.2f}×" if ratio <= LIMIT else f"**{ratio:.2f}×**"

    for r in rows:
        lines.append(f"| `{r.expanded}` | {r.expanded_total} | {ms(r.expanded_p50)} | {ms(r.expanded_p95)} | "
                     f"{r.off_total} | {ms(r.off_p50)} | {flag(r.ratio)} | `{r.plain}` | {r.plain_total} | {ms(r.plain_p50)} | "
                     f"{r.literal_ratio:.2f}× | {r.hand_total} | {ms(r.hand_p50)} | {r.hand_ratio:.2f}× |")
    worst = max(rows, key=lambda r: r.ratio)
    worst_hand = max(rows, key=lambda r: r.hand_ratio)
    lines += ["", f"Worst ratio to plain (the bar: 1.5×): {worst.ratio:.2f}× ({worst.label}); to the same matches typed by "
              f"hand: {worst_hand.hand_ratio:.2f}× ({worst_hand.label}). The literal form is a cheaper query (one exact "
              f"term or pair) that matches less. One-off, cached until the catalog changes: "
              f"version links {once['version links (all reports)']:.2f} s for {int(once['reports'])} reports; "
              f"glossary mention counts {once['glossary mention counts (all entities)']:.2f} s.",
              f"<!-- /expansion:{scale} -->"]
    return "\n".join(lines)


def _machine() -> str:
    m = measure.machine()
    return f"{m.cores} cores ({m.cpu_model}), Python {m.python}"


def update_results(path: Path, scale: str, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    block = re.compile(rf"<!-- expansion:{scale} -->.*?<!-- /expansion:{scale} -->", re.S)
    if block.search(text):
        text = block.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.expansion", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="10k")
    parser.add_argument("--work", type=Path, default=None, help="Corpus and archive (reused when present).")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    work = args.work or Path(tempfile.gettempdir()) / "crm-archive-bench-expansion" / args.scale
    data = build(work, SCALES[args.scale])
    rows, once = measure_pairs(data, args.rounds)
    section = render(args.scale, rows, once, args.rounds)
    print(section)
    update_results(args.out, args.scale, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
