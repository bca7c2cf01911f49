"""One benchmark run at one scale: generate the synthetic corpus, ingest it with our CLI, export the
units, build the reference engines, time every query class on every engine, time the web page.

Phases that allocate (ingest, reindex, builds, each engine's queries, the web app) run in their own
process, so each peak RSS belongs to one phase and one engine only. The engines' query processes
are open together and take turns, one query class at a time (``time_engines``).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import engines, measure, synthetic
from bench.engines import BenchQuery, whoosh_text
from bench.measure import Stats

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
# Where the product's code is imported from by the commands we run: the work tree, or a snapshot of it
# taken at the start (python -m bench does that; see use_code).
CODE_DIR = REPO


def use_code(directory: Path) -> None:
    """Run the CLI commands from ``directory`` (a snapshot of the packages): ``python -c`` puts its
    working directory first on sys.path."""
    global CODE_DIR
    CODE_DIR = directory
SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ENGINES = ("whoosh", "fts5", "tantivy")


@dataclass(frozen=True)
class Repeats:
    ingest: int  # end-to-end ingests, each into a fresh data directory
    reingest: int
    reindex: int  # full index rebuilds (and reference engine builds)
    rounds: int  # passes over every query of every class
    web_rounds: int


REPEATS = {
    "1k": Repeats(ingest=3, reingest=3, reindex=3, rounds=10, web_rounds=5),
    "10k": Repeats(ingest=2, reingest=3, reindex=3, rounds=7, web_rounds=3),
    "100k": Repeats(ingest=1, reingest=1, reindex=1, rounds=10, web_rounds=3),
    "1m": Repeats(ingest=1, reingest=1, reindex=1, rounds=3, web_rounds=1),
}
SMOKE = Repeats(ingest=1, reingest=1, reindex=1, rounds=1, web_rounds=1)

PARSE_SAMPLE = 200  # files parsed in-process to time extraction + splitting alone

# -- query classes ---------------------------------------------------------------------------------

CLASSES = ("rare term", "mid-frequency term", "very common term", "2-3 word AND", "phrase", "prefix",
           "fuzzy", "year filter", "facets + per-year")
COMMON_WORDS = ("países", "migrantes", "miembros")
AND_QUERIES = (("trata", "personas"), ("protección", "consular", "países"), ("derechos", "humanos", "migrantes"))
PHRASES = (("trata", "de", "personas"), ("países", "miembros"), ("secretaría", "técnica"),
           ("tráfico", "ilícito", "de", "migrantes"))
PREFIXES = ("migra", "consul", "coordin")
FUZZY = (("migrantez", 1), ("secretria", 1), ("protecion", 1))
YEAR_FILTERED = (("trata", 2005, 2010), ("migrantes", 2015, 2020), ("cooperación", 1996, 2000))
FACETED = (("protección", "consular"), ("derechos", "humanos"), ("países",))
# Exact forms every engine must count alike (quoted, so our stemming is out of the way).
AGREEMENT_WORDS = ("oim", "unodc", "rrocm", "acnur", "países", "migrantes", "trata", "cooperación", "palermo")

_TOKEN = re.compile(r"[^\W_]+")


def document_frequencies(units_path: Path) -> collections.Counter[str]:
    """Folded word -> number of units containing it (to pick rare and mid-frequency terms)."""
    df: collections.Counter[str] = collections.Counter()
    for unit in engines.read_units(units_path):
        df.update({engines.fold(w) for w in _TOKEN.findall(unit.text)})
    return df


def choose_queries(units_path: Path) -> list[BenchQuery]:
    """The query set, picked from the indexed units where frequency matters (rare, mid)."""
    df = document_frequencies(units_path)
    units = sum(1 for _ in engines.read_units(units_path))
    rare = sorted((w for w in synthetic.RARE_WORDS if df[engines.fold(w)] > 0),
                  key=lambda w: (df[engines.fold(w)], w))[:5]
    if not rare:  # tiny corpora: the least frequent vocabulary words that occur
        vocabulary = [w for w in synthetic.EXTRA_WORDS_ES if df[engines.fold(w)] > 0]
        rare = sorted(vocabulary, key=lambda w: (df[engines.fold(w)], w))[:5]
    candidates = [w for w in dict.fromkeys(synthetic.SEED_WORDS + synthetic.EXTRA_WORDS_ES)
                  if len(w) > 4 and df[engines.fold(w)] > 0]
    target = 0.02 * units
    mid = sorted(candidates, key=lambda w: (abs(df[engines.fold(w)] - target), w))[:3]
    queries = [BenchQuery("rare term", "words", (w,)) for w in rare]
    queries += [BenchQuery("mid-frequency term", "words", (w,)) for w in mid]
    queries += [BenchQuery("very common term", "words", (w,)) for w in COMMON_WORDS]
    queries += [BenchQuery("2-3 word AND", "words", words) for words in AND_QUERIES]
    queries += [BenchQuery("phrase", "phrase", words) for words in PHRASES]
    queries += [BenchQuery("prefix", "prefix", (p,)) for p in PREFIXES]
    queries += [BenchQuery("fuzzy", "fuzzy", (w,), distance=d) for w, d in FUZZY]
    queries += [BenchQuery("year filter", "words", (w,), year_from=a, year_to=b) for w, a, b in YEAR_FILTERED]
    queries += [BenchQuery("facets + per-year", "words", words, facets=True) for words in FACETED]
    return queries


def agreement_queries() -> list[BenchQuery]:
    return ([BenchQuery("check", "phrase", (w,)) for w in AGREEMENT_WORDS]
            + [BenchQuery("check", "phrase", words) for words in PHRASES])


# -- results ---------------------------------------------------------------------------------------


@dataclass
class Phase:
    """A timed phase: repeated wall-clock samples, the peak RSS of the worst run, and what it did."""

    stats: Stats
    peak_rss: int = 0
    cpu: Stats | None = None  # CPU seconds (user + system), when measured
    files: int = 0
    units: int = 0
    size: int = 0  # bytes on disk it produced (index size)
    total_seconds: float = 0.0  # sum of the samples, where a rate over all of them is wanted


@dataclass
class ScaleResult:
    scale: str
    target_units: int
    date: str
    commit: str
    machine: measure.Machine
    corpus: synthetic.CorpusInfo
    units: int = 0  # units our splitter produced = units every engine indexed
    reports: int = 0
    ingest: Phase | None = None
    reingest: Phase | None = None
    reindex: Phase | None = None
    parse_sample: Phase | None = None
    builds: dict[str, Phase] = field(default_factory=dict)
    queries: dict[str, dict[str, Stats | None]] = field(default_factory=dict)  # class -> engine -> stats
    queries_cpu: dict[str, dict[str, Stats | None]] = field(default_factory=dict)  # same, CPU time
    load: list[str] = field(default_factory=list)  # load averages at the start and the end
    query_rss: dict[str, int] = field(default_factory=dict)
    query_private: dict[str, int] = field(default_factory=dict)  # peak anonymous (private) memory per engine
    examples: dict[str, list[tuple[str, dict[str, int | None]]]] = field(default_factory=dict)  # class -> (query, engine -> total)
    whoosh_cached: Stats | None = None
    whoosh_open_first: Stats | None = None
    web: dict[str, Stats] = field(default_factory=dict)
    web_rss: int = 0
    web_private: int = 0
    agreement: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    code: str = ""  # fingerprint of the product's sources that ran
    built: str = ""  # date of the full run that ingested and built what the queries ran on

    @property
    def mismatches(self) -> list[tuple[str, dict[str, int]]]:
        return [(q, totals) for q, totals in self.agreement if len(set(totals.values())) > 1]


def _stats(samples: list[float]) -> Stats | None:
    return Stats.of(samples) if samples else None


# -- the phases ------------------------------------------------------------------------------------


def _cli(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from archive.cli import cli; cli()", "--data", str(data_dir), *args]


_SUMMARY = re.compile(r"added (\d+), unchanged (\d+), updated (\d+), failed (\d+)")


def _ingest(data_dir: Path, corpus_dir: Path) -> tuple[measure.CommandRun, tuple[int, int, int, int]]:
    run = measure.run_command(_cli(data_dir, "ingest", str(corpus_dir)), cwd=CODE_DIR)
    found = _SUMMARY.search(run.stdout)
    if run.returncode != 0 or not found:
        raise RuntimeError(f"ingest failed ({run.returncode}): {run.stderr[-2000:]}")
    return run, tuple(int(g) for g in found.groups())  # type: ignore[return-value]


def _phase(runs: list[measure.CommandRun], **what: int) -> Phase:
    return Phase(Stats.of([r.seconds for r in runs]), max(r.peak_rss for r in runs),
                 Stats.of([r.cpu_seconds for r in runs]), **what)


def run_ingest(result: ScaleResult, corpus_dir: Path, work: Path, repeats: Repeats) -> Path:
    """End-to-end ingests into fresh data directories, then re-ingests and reindexes of the last one."""
    runs = []
    data_dir = work / "data"
    for i in range(repeats.ingest):
        shutil.rmtree(data_dir, ignore_errors=True)
        log.info("ingest %d/%d of %d files", i + 1, repeats.ingest, result.corpus.files)
        run, (added, _unchanged, _updated, failed) = _ingest(data_dir, corpus_dir)
        if failed or added != result.corpus.files:
            raise RuntimeError(f"ingest added {added} of {result.corpus.files} files, {failed} failed")
        runs.append(run)
    result.ingest = _phase(runs, files=result.corpus.files)
    reruns = []
    for i in range(repeats.reingest):
        log.info("re-ingest (unchanged) %d/%d", i + 1, repeats.reingest)
        run, (added, unchanged, updated, failed) = _ingest(data_dir, corpus_dir)
        if unchanged != result.corpus.files:
            result.notes.append(f"re-ingest of the unchanged corpus re-read {added + updated} files")
        reruns.append(run)
    result.reingest = _phase(reruns, files=result.corpus.files)
    rebuilds = []
    for i in range(repeats.reindex):
        log.info("reindex %d/%d", i + 1, repeats.reindex)
        run = measure.run_command(_cli(data_dir, "reindex"), cwd=CODE_DIR)
        if run.returncode != 0:
            raise RuntimeError(f"reindex failed: {run.stderr[-2000:]}")
        rebuilds.append(run)
    result.reindex = _phase(rebuilds, size=_current_index_size(data_dir))
    return data_dir


def _current_index_size(data_dir: Path) -> int:
    """Size of the generation in use (the previous one is kept on disk until the next rebuild)."""
    index_dir = data_dir / "index"
    try:
        generation = json.loads((index_dir / "CURRENT.json").read_text())["generation"]
        return measure.dir_size(index_dir / generation)
    except (OSError, ValueError, KeyError):
        return measure.dir_size(index_dir)


def run_parse_sample(result: ScaleResult, corpus_dir: Path) -> None:
    """Extraction + metadata + splitting alone, one process, no catalog or index."""
    from ingest.pipeline import parse_file

    files = sorted(corpus_dir.glob(f"{synthetic.FILE_PREFIX}*.txt"))[:PARSE_SAMPLE]
    samples, units = [], 0
    for path in files:
        seconds, parsed = measure.time_call(lambda: parse_file(path))
        samples.append(seconds)
        units += len(parsed.agreements)
    result.parse_sample = Phase(Stats.of(samples), files=len(files), units=units, total_seconds=sum(samples))


def build_child(engine: str, units_path: Path, location: Path) -> tuple[float, int]:
    """(Runs in a fresh process.) Build one reference engine; (seconds, units indexed)."""
    build = engines.build_fts5 if engine == "fts5" else engines.build_tantivy
    seconds, count = measure.time_call(lambda: build(units_path, location))
    return seconds, count


def open_engine(engine: str, location: Path):
    if engine == "whoosh":
        return engines.WhooshEngine(location)
    if engine == "fts5":
        return engines.Fts5Engine(location)
    return engines.TantivyEngine(location)


class QuerySession:
    """(Lives in a worker process, ``measure.Worker``.) One engine, opened once, timed one query
    class at a time: every engine's process gets the same class in turn, round after round."""

    def __init__(self, engine: str, location: Path):
        # Imports are not part of opening: load the modules first.
        import archive.archive  # noqa: F401
        import index  # noqa: F401
        import tantivy  # noqa: F401
        self.engine, self.location = engine, location
        self.eng = None

    def open(self, queries: list[BenchQuery], checks: list[BenchQuery]) -> dict:
        """Open the engine and answer every query once: the open + first query time, the totals
        per query and per check (and every engine's pages in the OS cache)."""
        seconds, self.eng = measure.time_call(lambda: open_engine(self.engine, self.location))
        first_seconds, _ = measure.time_call(lambda: self.eng.search(queries[0]))
        totals = {}
        for q in queries + checks:
            answer = self.eng.search(q)
            totals[q.label] = None if answer is None else answer.total
        return {"open_first": seconds + first_seconds, "totals": totals}

    def time(self, queries: list[BenchQuery]) -> list[tuple[str, float, float]]:
        """(class, wall seconds, CPU seconds) of each query that the engine answers; ours with its
        caches dropped first."""
        samples = []
        for q in queries:
            if self.engine == "whoosh":
                self.eng.drop_caches()
            seconds, cpu, answer = measure.time_call_cpu(lambda: self.eng.search(q))
            if answer is not None:
                samples.append((q.klass, seconds, cpu))
        return samples

    def cached(self, queries: list[BenchQuery]) -> list[float]:
        """The latency of each query repeated (ours: a result-cache hit)."""
        out = []
        for q in queries:
            self.eng.search(q)
            out.append(measure.time_call(lambda: self.eng.search(q))[0])
        return out

    def close(self) -> None:
        if self.eng is not None:
            self.eng.close()


def time_engines(locations: dict[str, Path], queries: list[BenchQuery], checks: list[BenchQuery],
                 rounds: int) -> dict[str, dict]:
    """Every engine in a worker of its own, all open at once; each round times one query class on
    each engine in turn (the order rotating from class to class), so the engines share the machine's
    slow and fast spells instead of each getting its own minutes of them. Per engine: samples and
    CPU per class, totals, open + first query, peak RSS and private memory (and ours: cached)."""
    workers: dict[str, measure.Worker] = {}
    out: dict[str, dict] = {}
    try:
        for engine in ENGINES:  # one at a time, so the opening is timed on a quiet machine
            workers[engine] = measure.Worker(QuerySession, engine, locations[engine])
            opened = workers[engine].call("open", queries, checks)
            out[engine] = {"samples": collections.defaultdict(list), "cpu": collections.defaultdict(list),
                           "open_first": opened["open_first"],
                           "totals": {q.label: opened["totals"][q.label] for q in queries},
                           "checks": {q.label: opened["totals"][q.label] for q in checks}}
        by_class = [[q for q in queries if q.klass == klass] for klass in CLASSES]
        turn = 0
        for _ in range(rounds):
            for group in filter(None, by_class):
                for engine in ENGINES[turn % len(ENGINES):] + ENGINES[:turn % len(ENGINES)]:
                    for klass, seconds, cpu in workers[engine].call("time", group):
                        out[engine]["samples"][klass].append(seconds)
                        out[engine]["cpu"][klass].append(cpu)
                turn += 1
        out["whoosh"]["cached"] = workers["whoosh"].call("cached", queries)
        for engine, worker in workers.items():
            worker.call("close")
    finally:
        for worker in workers.values():
            worker.close()
    for engine, worker in workers.items():
        out[engine].update(rss=worker.peak, private=worker.private,
                           samples=dict(out[engine]["samples"]), cpu=dict(out[engine]["cpu"]))
    return out


def web_child(data_dir: Path, queries: list[BenchQuery], rounds: int) -> dict[str, list[float]]:
    """(Runs in a fresh process.) GET /buscar through the real Flask app, per query class."""
    from web import create_app

    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    client = app.test_client()

    def get(q: BenchQuery) -> None:
        params = {"q": whoosh_text(q)}
        if q.year_from is not None:
            params.update(desde=str(q.year_from), hasta=str(q.year_to))
        response = client.get("/buscar", query_string=params)
        if response.status_code != 200:
            raise RuntimeError(f"/buscar?q={params['q']} answered {response.status_code}")
        response.get_data()

    get(queries[0])  # warm-up: imports, templates, opening the shared archive
    samples: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(rounds):
        for q in queries:
            # The app shares one Archive between requests (app.extensions); drop its result cache
            # so a repeated round measures a search, not a cache hit. Per-request archives have none.
            shared = app.extensions.get("crm_archive")
            if shared is not None:
                engines.drop_search_caches(shared)
            samples[q.klass].append(measure.time_call(lambda: get(q))[0])
    return dict(samples)


def run_engines(result: ScaleResult, data_dir: Path, work: Path, repeats: Repeats, build: bool = True) -> None:
    units_path = work / "units.jsonl"
    if build:
        result.units = engines.export_units(data_dir, units_path)
    queries = choose_queries(units_path)
    checks = agreement_queries()
    locations = {"whoosh": data_dir, "fts5": work / "fts5.sqlite3", "tantivy": work / "tantivy"}
    result.builds["whoosh"] = result.reindex  # type: ignore[assignment]
    for engine in ("fts5", "tantivy") if build else ():
        samples, peak = [], 0
        for i in range(repeats.reindex):
            log.info("build %s %d/%d", engine, i + 1, repeats.reindex)
            (seconds, count), rss = measure.in_fresh_process(build_child, engine, units_path, locations[engine])
            if count != result.units:
                raise RuntimeError(f"{engine} indexed {count} units, expected {result.units}")
            samples.append(seconds)
            peak = max(peak, rss)
        result.builds[engine] = Phase(Stats.of(samples), peak, units=result.units,
                                      size=measure.dir_size(locations[engine]) if engine == "tantivy"
                                      else locations[engine].stat().st_size)
    log.info("queries on %s, taking turns (%d queries x %d rounds)", ", ".join(ENGINES), len(queries),
             repeats.rounds)
    per_engine = time_engines(locations, queries, checks, repeats.rounds)
    for engine in ENGINES:
        result.query_rss[engine] = per_engine[engine]["rss"]
        result.query_private[engine] = per_engine[engine]["private"]
    for klass in CLASSES:
        result.queries[klass] = {e: _stats(per_engine[e]["samples"].get(klass, [])) for e in ENGINES}
        result.queries_cpu[klass] = {e: _stats(per_engine[e]["cpu"].get(klass, [])) for e in ENGINES}
        result.examples[klass] = [(q.label, {e: per_engine[e]["totals"][q.label] for e in ENGINES})
                                  for q in queries if q.klass == klass]
    result.whoosh_cached = _stats(per_engine["whoosh"].get("cached", []))
    result.whoosh_open_first = _stats([per_engine["whoosh"]["open_first"]])
    for q in checks:
        result.agreement.append((q.label, {e: per_engine[e]["checks"][q.label] for e in ENGINES}))
    log.info("web page latency (%d rounds)", repeats.web_rounds)
    web, result.web_rss, result.web_private = measure.in_fresh_process_memory(web_child, data_dir, queries,
                                                                              repeats.web_rounds)
    result.web = {klass: Stats.of(web[klass]) for klass in CLASSES if klass in web}


def rerun_queries(scale: str, work: Path, repeats: Repeats | None = None) -> ScaleResult:
    """Only the query phases (every engine, and the web page) again, on the archive, units and
    reference indexes an earlier full run left in ``work``; its ingest and build rows are kept.
    For iterating on search speed at 100k without re-ingesting 2,000 reports each time."""
    previous = load_result(work / f"results-{scale}.json")
    repeats = repeats or REPEATS.get(scale, SMOKE)
    fingerprint = measure.source_fingerprint(CODE_DIR)
    result = previous
    result.built = previous.built or previous.date
    result.date = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    result.commit, result.machine, result.load = measure.git_commit(REPO), measure.machine(), [measure.load_average()]
    result.queries, result.queries_cpu, result.examples, result.web, result.agreement = {}, {}, {}, {}, []
    result.built = previous.built or previous.date
    result.notes = [f"Queries, web page and memory re-measured in this run (`--queries-only`); the ingest and "
                    f"build rows are those of the full run of {result.built} on the same corpus and archive."]
    run_engines(result, work / "data", work, repeats, build=False)
    result.load.append(measure.load_average())
    result.code = fingerprint + (" (snapshot taken at the start)" if CODE_DIR != REPO else "")
    (work / f"results-{scale}.json").write_text(json.dumps(asdict(result), indent=1, default=str), encoding="utf-8")
    return result


def run_scale(scale: str, work: Path, repeats: Repeats | None = None, seed: int = 7,
              units: int | None = None) -> ScaleResult:
    """The whole benchmark at one scale, in ``work`` (the corpus there is reused when complete)."""
    target = units or SCALES[scale]
    repeats = repeats or REPEATS.get(scale, SMOKE)
    work.mkdir(parents=True, exist_ok=True)
    fingerprint = measure.source_fingerprint(CODE_DIR)
    corpus_dir = work / "corpus"
    corpus = synthetic.write_corpus(corpus_dir, target, seed)
    result = ScaleResult(scale, target, dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                         measure.git_commit(REPO), measure.machine(), corpus, load=[measure.load_average()])
    data_dir = run_ingest(result, corpus_dir, work, repeats)
    run_parse_sample(result, corpus_dir)
    run_engines(result, data_dir, work, repeats)
    result.reports = corpus.files
    result.built = result.date
    result.load.append(measure.load_average())
    result.code = fingerprint + (" (snapshot taken at the start)" if CODE_DIR != REPO else "")
    if measure.source_fingerprint(CODE_DIR) != fingerprint:
        result.notes.append("**The product's code changed during this run** (archive/, ingest/, index/ or web/): "
                            "later phases ran newer code than earlier ones; re-run before quoting these numbers.")
    elif CODE_DIR != REPO and measure.source_fingerprint(REPO) != fingerprint:
        result.notes.append("The work tree changed during the run; every phase ran the snapshot taken at the start.")
    (work / f"results-{scale}.json").write_text(json.dumps(asdict(result), indent=1, default=str), encoding="utf-8")
    return result


def load_result(path: Path) -> ScaleResult:
    """A ScaleResult back from its ``results-<scale>.json`` (to re-render the report without re-running)."""
    raw = json.loads(path.read_text(encoding="utf-8"))

    def stats(d: dict | None) -> Stats | None:
        return Stats(**d) if d else None

    def phase(d: dict | None) -> Phase | None:
        if not d:
            return None
        return Phase(**{**d, "stats": stats(d["stats"]), "cpu": stats(d.get("cpu"))})

    def table(d: dict) -> dict[str, dict[str, Stats | None]]:
        return {k: {e: stats(s) for e, s in v.items()} for k, v in d.items()}

    return ScaleResult(
        **{k: raw[k] for k in ("scale", "target_units", "date", "commit", "units", "reports", "query_rss",
                               "web_rss", "notes", "load")},
        code=raw.get("code", ""), built=raw.get("built", ""),
        query_private=raw.get("query_private", {}), web_private=raw.get("web_private", 0),
        machine=measure.Machine(**raw["machine"]),
        corpus=synthetic.CorpusInfo(**raw["corpus"]),
        ingest=phase(raw["ingest"]), reingest=phase(raw["reingest"]), reindex=phase(raw["reindex"]),
        parse_sample=phase(raw["parse_sample"]),
        builds={k: phase(v) for k, v in raw["builds"].items()},
        queries=table(raw["queries"]), queries_cpu=table(raw["queries_cpu"]),
        examples={k: [(label, totals) for label, totals in v] for k, v in raw["examples"].items()},
        whoosh_cached=stats(raw["whoosh_cached"]), whoosh_open_first=stats(raw["whoosh_open_first"]),
        web={k: stats(v) for k, v in raw["web"].items()},
        agreement=[(label, totals) for label, totals in raw["agreement"]],
    )
