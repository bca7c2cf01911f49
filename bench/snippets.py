"""``python -m bench.snippets``: what the highlighted snippet of one hit costs -- the plain algorithm
(every word of the unit tokenised), ours (``index.snippets``: candidate words found in C), and SQLite
FTS5's ``snippet()`` on the same units in the same run.

Units: a bench work dir's ``units.jsonl`` (``--units``, e.g. /work/bench/10k/units.jsonl), the reports
of a folder (``--reports corpus/``: real text), else the synthetic corpus (``bench/synthetic.py``); the
reports are split by the real splitter. Queries: the benchmark's word,
AND, phrase and prefix queries and three glossary entities, expanded and compiled by the real parser,
expansion and compiler (a prefix expands over the
units' own words, as the ``exact`` field's lexicon would expand it). Hits: the first units each query
highlights, in pages of 20; a sample is one page, per hit. FTS5: the same page's query with
``snippet()`` minus the same query without it, per row.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import engines, measure, run, synthetic
from bench.engines import BenchQuery
from bench.snippet_reference import reference_snippet
from index.analysis import iter_word_tokens
from index.compiler import compile_query
from index.expansion import expand_query
from index.query import parse_query
from index.snippets import HighlightTerms, make_snippet, match_spans
from index.vocabulary import Vocabulary
from ingest.language import detect_language
from ingest.split import split_agreements

PAGE = engines.TOP  # hits on a results page
ENTITIES = ("OIM", "RROCM", "UNODC")


@dataclass(frozen=True)
class Text:
    text: str
    language: str | None


def synthetic_units(target: int, seed: int) -> list[Text]:
    """The synthetic corpus's units, as the real splitter cuts its reports."""
    return [Text(a.text, report.language) for report in synthetic.generate_reports(target, seed)
            for a in split_agreements(report.text)]


def file_units(path: Path) -> list[Text]:
    return [Text(u.text, u.language) for u in engines.read_units(path)]


def report_units(folder: Path) -> list[Text]:
    """The units of the .txt reports in ``folder`` (the real splitter and language detection)."""
    units = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        language = detect_language(text)
        units += [Text(a.text, language) for a in split_agreements(text)]
    return units


def bench_queries() -> list[BenchQuery]:
    queries = [BenchQuery("very common term", "words", (w,)) for w in run.COMMON_WORDS]
    queries += [BenchQuery("2-3 word AND", "words", words) for words in run.AND_QUERIES]
    queries += [BenchQuery("phrase", "phrase", words) for words in run.PHRASES]
    queries += [BenchQuery("prefix", "prefix", (p,)) for p in run.PREFIXES]
    # Glossary entities: every form of the entity is marked (~5-10 phrases).
    queries += [BenchQuery("entity", "words", (name,)) for name in ENTITIES]
    return queries


def hit_pages(units: list[Text], marks: HighlightTerms, pages: int) -> list[list[int]]:
    """Pages of the units ``marks`` highlights (the first ``pages`` * 20 of them)."""
    hits = []
    for i, unit in enumerate(units):
        if match_spans(unit.text, marks, unit.language):
            hits.append(i)
            if len(hits) == pages * PAGE:
                break
    return [hits[i:i + PAGE] for i in range(0, len(hits), PAGE)]


def per_hit(snippet: Callable[[str, HighlightTerms, str | None], str], units: list[Text],
            marks: HighlightTerms, page: list[int]) -> float:
    start = time.perf_counter()
    for i in page:
        snippet(units[i].text, marks, units[i].language)
    return (time.perf_counter() - start) / len(page)


class Fts5Snippets:
    """FTS5 over the same units (the benchmark's tokenizer), rowid = index in ``units``."""

    def __init__(self, units: list[Text]):
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(f"CREATE VIRTUAL TABLE u USING fts5(text, tokenize='{engines.FTS5_TOKENIZE}')")
        with self.conn:
            self.conn.executemany("INSERT INTO u(rowid, text) VALUES (?, ?)",
                                  ((i, unit.text) for i, unit in enumerate(units)))

    def per_hit(self, match: str, page: list[int]) -> float | None:
        """Seconds per row that ``snippet()`` adds to the page's query; None if FTS5 finds none of it."""
        where = f"FROM u WHERE u MATCH ? AND rowid IN ({','.join(map(str, page))})"
        start = time.perf_counter()
        rows = self.conn.execute(f"SELECT rowid, snippet(u, 0, '<mark>', '</mark>', '…', 24) {where}",
                                 (match,)).fetchall()
        with_snippets = time.perf_counter() - start
        start = time.perf_counter()
        self.conn.execute(f"SELECT rowid {where}", (match,)).fetchall()
        without = time.perf_counter() - start
        return (with_snippets - without) / len(rows) if rows else None


def measure_snippets(units: list[Text], pages: int = 10, rounds: int = 3) -> dict[str, dict[str, list[float]]]:
    """Per class of query and engine: seconds per hit, one per page and round."""
    vocabulary = Vocabulary(t for u in units for t, *_ in iter_word_tokens(u.text))  # the units' folded words
    fts5 = Fts5Snippets(units)
    samples: dict[str, dict[str, list[float]]] = {}
    for query in bench_queries():
        expanded = expand_query(parse_query(engines.whoosh_text(query)))
        _compiled, marks = compile_query(vocabulary, expanded.parsed.node)
        by_engine = samples.setdefault(query.klass, {"plain (before)": [], "ours": [], "FTS5 snippet()": []})
        for page in hit_pages(units, marks, pages):
            per_hit(reference_snippet, units, marks, page)  # warm: the caches a serving process has
            per_hit(make_snippet, units, marks, page)
            for _ in range(rounds):  # interleaved, so a busy machine weighs on both alike
                by_engine["plain (before)"].append(per_hit(reference_snippet, units, marks, page))
                by_engine["ours"].append(per_hit(make_snippet, units, marks, page))
                fts = fts5.per_hit(engines.fts5_match(query), page)
                if fts is not None:
                    by_engine["FTS5 snippet()"].append(fts)
    return samples


def table(samples: dict[str, dict[str, list[float]]]) -> str:
    lines = ["| queries | engine | p50 µs/hit | p95 µs/hit | n (pages × rounds) |", "|---|---|---:|---:|---:|"]
    combined: dict[str, list[float]] = {}
    for kind, by_engine in samples.items():
        for engine, values in by_engine.items():
            combined.setdefault(engine, []).extend(values)
    for kind, by_engine in [("all", combined), *samples.items()]:
        for engine, values in by_engine.items():
            if values:
                stats = measure.Stats.of(values)
                lines.append(f"| {kind} | {engine} | {stats.p50 * 1e6:.1f} | {stats.p95 * 1e6:.1f} | {stats.n} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.snippets", description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=Path, help="A units.jsonl of a bench work dir (default: synthetic).")
    parser.add_argument("--reports", type=Path, help="A folder of .txt reports (e.g. corpus/).")
    parser.add_argument("--synthetic", type=int, default=10_000, help="Synthetic units to generate.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pages", type=int, default=10, help="Pages of 20 hits per query.")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.units:
        units, source = file_units(args.units), str(args.units)
    elif args.reports:
        units, source = report_units(args.reports), str(args.reports)
    else:
        units, source = synthetic_units(args.synthetic, args.seed), "the synthetic corpus"
    print(f"{len(units)} units from {source}; load {measure.load_average()}\n")
    print(table(measure_snippets(units, args.pages, args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
