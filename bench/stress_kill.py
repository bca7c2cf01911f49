"""``python -m bench.stress_kill --rounds 200``: kill bulk ingests at random moments, then prove nothing was lost.

The ingest runs as a real subprocess (``python -c "from archive.cli import cli; cli()" --data D ingest F``) and
is SIGKILLed (sometimes SIGINTed, as Ctrl-C does) after a random delay; the next round starts the same
ingest again on the same data directory. When a folder is through, the same ingest runs once more to
completion and the archive is compared with one built by uninterrupted runs: ``export --json`` (less
``ingested_at``) must be identical, ``check`` must say ok and a search must find the expected units.

The folder is ingested in two versions (v2 changes some files under the same names and adds new ones),
so kills also land while reports are being *replaced*. After every kill the invariants that must hold at
any instant are checked: the catalog opens and passes SQLite's integrity check, and every report the
catalog holds has its original, whole, in the store.

``tests/reliability/test_kill_ingest.py`` runs the same code with ~24 rounds; this script runs more.
Everything stays in a temporary directory; nothing but local subprocesses is involved. With
``--backend postgresql`` the catalogs live in a throw-away PostgreSQL server on loopback (one database per
archive) and the same guarantees are checked.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.backends import Backend, catalog_of, data_args

log = logging.getLogger("bench.stress_kill")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = (CORPUS / "000_cf50010547db6d03.txt", CORPUS / "003_5b39909ca16edb25.txt")
VOLATILE_FIELDS = ("ingested_at",)
CLI_PREFIX = (sys.executable, "-c", "from archive.cli import cli; cli()")

# Places and years a variant moves its meeting to (CRM member countries' cities).
VARIANT_PLACES = [
    ("Tegucigalpa", "Honduras"), ("San José", "Costa Rica"), ("Ciudad de Panamá", "Panamá"),
    ("Santo Domingo", "República Dominicana"), ("San Salvador", "El Salvador"), ("Ottawa", "Canadá"),
    ("Ciudad de Guatemala", "Guatemala"), ("Belmopán", "Belice"), ("Washington", "Estados Unidos"),
    ("Ciudad de México", "México"),
]


# -- the folder ------------------------------------------------------------------------------------


def variant_text(seed_text: str, k: int) -> str:
    """A different but realistic report: the meeting moved to another place and year, one point added."""
    city, country = VARIANT_PLACES[k % len(VARIANT_PLACES)]
    text = seed_text
    for old_city, old_country in (("Managua", "Nicaragua"), ("Tela", "Honduras")):
        text = text.replace(f"{old_city}, {old_country}", f"{city}, {country}")
        text = text.replace(old_city, city)
    shift = 1 + k % 7
    text = re.sub(r"\b(19[9]\d|20[01]\d)\b", lambda m: str(int(m.group(1)) - shift), text)
    last = max((int(n) for n in re.findall(r"(?m)^\s*(\d{1,2})\.\s", text)), default=0)
    return (text.rstrip() + f"\n\n{last + 1}. Solicitar a la Secretaría Técnica el seguimiento de la "
            f"variante {k} de estos acuerdos, con el código de control VAR{k:03d}.\n")


def build_folder(folder: Path, variants: int = 26, with_pdf_docx: bool = True) -> list[Path]:
    """Version 1 of the folder: the corpus' .txt reports, the seeds as PDF and DOCX, ``variants`` variants.

    Files share stems on purpose (``seed.txt``, ``seed.pdf``, ``seed.docx``) so that report ids depend on
    the order reports are committed in: an interrupted ingest must still end with the same ids.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for txt in sorted(CORPUS.rglob("*.txt")):
        shutil.copy(txt, folder / txt.name)
    if with_pdf_docx:
        from tests.fixtures_docs import seed_to_docx, seed_to_pdf

        for seed in SEEDS:
            seed_to_pdf(seed, folder / f"{seed.stem}.pdf")
            seed_to_docx(seed, folder / f"{seed.stem}.docx")
    sub = folder / "variantes"
    sub.mkdir(exist_ok=True)
    for k in range(variants):
        seed = SEEDS[k % len(SEEDS)]
        name = f"informe variante {k:02d} ñandú.txt" if k % 5 == 0 else f"variante-{k:02d}.txt"
        (sub / name).write_text(variant_text(seed.read_text(encoding="utf-8"), k), encoding="utf-8")
    return sorted(p for p in folder.rglob("*") if p.is_file())


def make_version_two(folder: Path) -> None:
    """Change some files in place (same name, new content), add new ones: kills then hit replacements."""
    sub = folder / "variantes"
    changed = sorted(sub.glob("variante-*.txt"))[::3]
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8").replace("VAR", "REV"), encoding="utf-8")
    for k in range(100, 106):
        seed = SEEDS[k % len(SEEDS)]
        (sub / f"nueva-{k}.txt").write_text(variant_text(seed.read_text(encoding="utf-8"), k), encoding="utf-8")


# -- running the CLI -------------------------------------------------------------------------------


def cli_args(data: Path, *args: str) -> list[str]:
    return [*CLI_PREFIX, *data_args(data), *args]


def run_cli(data: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The CLI in a subprocess (ingests: they are what gets killed)."""
    return subprocess.run(cli_args(data, *args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def read_cli(data: Path, *args: str) -> tuple[int, str, str]:
    """A read-only command of the real CLI in this process (no interpreter start-up: checks stay cheap)."""
    from click.testing import CliRunner

    from archive.cli import cli

    result = CliRunner().invoke(cli, [*data_args(data), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def comparable_export(data: Path) -> list[dict]:
    """``export --json`` of the archive minus the fields that differ between two equal archives."""
    code, out, err = read_cli(data, "export", "--json")
    if code != 0:
        raise AssertionError(f"export failed: {err}")
    reports = json.loads(out)["reports"]
    for report in reports:
        for name in VOLATILE_FIELDS:
            report.pop(name, None)
    return sorted(reports, key=lambda r: r["source"])


def export_differences(got: list[dict], want: list[dict]) -> list[str]:
    """Human-readable differences between two comparable exports (empty when equal)."""
    problems: list[str] = []
    got_by, want_by = {r["source"]: r for r in got}, {r["source"]: r for r in want}
    for source in sorted(set(want_by) - set(got_by)):
        problems.append(f"missing report {source}")
    for source in sorted(set(got_by) - set(want_by)):
        problems.append(f"unexpected report {source}")
    for source in sorted(set(got_by) & set(want_by)):
        g, w = got_by[source], want_by[source]
        for key in sorted(set(g) | set(w)):
            if g.get(key) != w.get(key):
                problems.append(f"{source}: {key} differs: {str(g.get(key))[:80]!r} != {str(w.get(key))[:80]!r}")
    if len(got) != len(got_by):
        problems.append("a source appears twice")
    return problems


def invariants(data: Path) -> list[str]:
    """What must hold at ANY instant, even right after a kill -9 (the index may lag; it is repaired later)."""
    from archive.archive import Archive

    url = catalog_of(data)
    catalog = data / "catalog.sqlite3"
    if url is None and not catalog.exists():
        return []
    problems: list[str] = []
    if url is None:
        conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=30)
        try:
            if (status := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                problems.append(f"catalog integrity: {status}")
        finally:
            conn.close()
    with Archive(data, catalog=url) as archive:
        for report_id, sha in sorted(archive.catalog.versions().items()):
            if not archive.store.verify(sha):
                problems.append(f"{report_id}: catalog refers to original {sha[:12]} that is missing or partial")
        orphans = archive.catalog._connect().execute(
            "SELECT count(*) FROM agreements WHERE report_id NOT IN (SELECT id FROM reports)").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} agreements without their report")
    return problems


@dataclass
class Round:
    signal: str
    delay: float
    outcome: str  # "killed", "interrupted" (SIGINT), "finished", "busy"
    seconds: float


@dataclass
class StressResult:
    rounds: list[Round] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reference_seconds: float = 0.0
    campaigns: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rounds if r.outcome == outcome)


def interrupt_once(data: Path, folder: Path, sig: int, delay: float, grace: float = 30.0) -> Round:
    """Start the ingest, send ``sig`` after ``delay`` seconds (unless it ended before), wait for the end."""
    started = time.monotonic()
    proc = subprocess.Popen(cli_args(data, "ingest", str(folder)), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        proc.wait(timeout=delay)
        sent = False
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
        sent = True
    try:
        _, err = proc.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"ingest did not stop within {grace:g} s of {signal.Signals(sig).name}")
    seconds = time.monotonic() - started
    name = signal.Signals(sig).name
    if not sent:
        if proc.returncode != 0:
            raise AssertionError(f"uninterrupted ingest failed (exit {proc.returncode}): {err[-2000:]}")
        return Round(name, delay, "finished", seconds)
    if "another ingest is writing" in err:
        return Round(name, delay, "busy", seconds)
    return Round(name, delay, "killed" if sig == signal.SIGKILL else "interrupted", seconds)


def ingest_to_completion(data: Path, folder: Path) -> None:
    done = run_cli(data, "ingest", str(folder))
    if done.returncode != 0:
        raise AssertionError(f"final ingest failed (exit {done.returncode}): {done.stdout}{done.stderr[-2000:]}")


def verify(data: Path, want: list[dict], search_for: str) -> list[str]:
    """The archive equals the reference, ``check`` says ok, and a search finds the expected report."""
    problems = export_differences(comparable_export(data), want)
    code, out, err = read_cli(data, "check", "--json")
    verdict = json.loads(out) if out.strip().startswith("{") else {}
    if code != 0 or not verdict.get("ok"):
        problems.append(f"check is not ok: {out[-1500:]}{err[-500:]}")
    code, out, err = read_cli(data, "search", "--json", "--limit", "200", search_for)
    hits = json.loads(out)["hits"] if code == 0 else []
    if not hits:
        problems.append(f"search for {search_for!r} found nothing: {err[-500:]}")
    return problems


@dataclass(frozen=True)
class Version:
    """One version of the folder, what an uninterrupted ingest makes of it, and where a campaign starts."""

    name: str
    folder: Path
    want: list[dict]
    start_from: Path | None  # a data directory to copy at the start of a campaign (None: empty)
    seconds: float  # duration of the uninterrupted ingest
    search_for: str


def prepare_versions(work: Path, variants: int, backend: Backend) -> list[Version]:
    v1, v2 = work / "folder-v1", work / "folder-v2"
    build_folder(v1, variants=variants)
    shutil.copytree(v1, v2)
    make_version_two(v2)
    reference = backend.new_archive(work / "reference")
    started = time.monotonic()
    ingest_to_completion(reference, v1)
    v1_seconds = time.monotonic() - started
    want_v1 = comparable_export(reference)
    snapshot = backend.copy_archive(reference, work / "reference-v1")
    started = time.monotonic()
    ingest_to_completion(reference, v2)
    v2_seconds = time.monotonic() - started
    want_v2 = comparable_export(reference)
    return [Version("v1", v1, want_v1, None, v1_seconds, "VAR001"),
            Version("v2", v2, want_v2, snapshot, v2_seconds, "REV001")]


def run_stress(work: Path, rounds: int, seed: int = 20240611, sigint_every: int = 7,
               variants: int = 26, on_round: Callable[[Round], None] | None = None,
               backend: Backend = Backend("sqlite"), campaign_rounds: int | None = None) -> StressResult:
    """Interrupt ``rounds`` ingests; return every round and every problem found.

    Campaigns alternate between the two folder versions: a campaign starts from an empty archive (v1)
    or from an uninterrupted v1 archive (v2, so kills land while reports are replaced), and kills the
    ingest after a random delay until a run ends by itself -- or, with ``campaign_rounds``, after that
    many interruptions: the delays are drawn from the uninterrupted run's duration, and on a machine
    that slows down meanwhile no run may end before its signal, so one campaign would take every round;
    then the archive is verified against the reference. The last campaign is run to completion whatever
    the delays say.
    """
    rng = random.Random(seed)
    result = StressResult()
    versions = prepare_versions(work, variants, backend)
    result.reference_seconds = versions[0].seconds
    interrupted, campaign = 0, 0
    while interrupted < rounds:
        version = versions[campaign % len(versions)]
        campaign += 1
        data = work / f"campaign-{campaign}"
        if version.start_from is not None:
            backend.copy_archive(version.start_from, data)
        else:
            backend.new_archive(data)
        longest = max(1.0, version.seconds)  # kills spread over a whole run, startup included
        in_campaign = 0
        while interrupted < rounds and (campaign_rounds is None or in_campaign < campaign_rounds):
            # Every ``sigint_every``-th interruption is a Ctrl-C (SIGINT), the others kill -9.
            ctrl_c = sigint_every > 0 and interrupted % sigint_every == sigint_every - 1
            sig = signal.SIGINT if ctrl_c else signal.SIGKILL
            one = interrupt_once(data, version.folder, sig, rng.uniform(0.05, longest))
            result.rounds.append(one)
            if on_round:
                on_round(one)
            where = f"campaign {campaign} ({version.name}), {one.signal} at {one.delay:.2f} s"
            if one.outcome == "busy":
                result.problems.append(f"{where}: the rerun was refused, the archive still locked")
            result.problems += [f"{where}: {p}" for p in invariants(data)]
            if one.outcome == "finished":
                break
            interrupted += 1
            in_campaign += 1
        else:
            ingest_to_completion(data, version.folder)
        result.problems += [f"campaign {campaign} ({version.name}): {p}"
                            for p in verify(data, version.want, version.search_for)]
        shutil.rmtree(data, ignore_errors=True)
    result.campaigns = campaign
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stress_kill", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200,
                        help="Interrupted ingests in all (default 200); runs that end before the signal come on top.")
    parser.add_argument("--seed", type=int, default=20240611, help="Seed of the random kill delays.")
    parser.add_argument("--sigint-every", type=int, default=7, help="Every n-th interruption is a SIGINT (0: never).")
    parser.add_argument("--variants", type=int, default=26, help="Variant reports in the folder.")
    parser.add_argument("--work", type=Path, default=None, help="Working directory (default: a temp dir, removed).")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="Catalog backend; postgresql starts a throw-away server on loopback.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    work = args.work or Path(tempfile.mkdtemp(prefix="crm-stress-kill-"))
    cluster = None
    if args.backend == "postgresql":
        from tests.pg_cluster import PgCluster

        cluster = PgCluster.primary()
    backend = Backend(args.backend, cluster)
    try:
        n = 0

        def progress(one: Round) -> None:
            nonlocal n
            n += 1
            log.info("round %d/%d: %s after %.2f s -> %s (%.1f s)", n, args.rounds, one.signal, one.delay,
                     one.outcome, one.seconds)

        started = time.monotonic()
        result = run_stress(work, args.rounds, args.seed, args.sigint_every, variants=args.variants,
                            on_round=progress, backend=backend)
        outcomes = ", ".join(f"{o} {result.count(o)}" for o in ("killed", "interrupted", "finished", "busy"))
        print(f"{len(result.rounds)} rounds, {result.campaigns} verified campaigns in "
              f"{time.monotonic() - started:.0f} s "
              f"(uninterrupted ingest {result.reference_seconds:.1f} s): {outcomes}")
        for problem in result.problems:
            print(f"PROBLEM: {problem}")
        print("ok: no report lost or doubled, check ok, search works" if not result.problems
              else f"{len(result.problems)} problems")
        return 0 if not result.problems else 1
    finally:
        if cluster is not None:
            cluster.destroy()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
