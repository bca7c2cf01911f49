"""``python -m bench.scaleout --units 10000``: the PostgreSQL catalog against the embedded SQLite one.

On the same synthetic corpus (bench.synthetic), for each backend: a bulk ingest (reports/s, units/s, the
whole pipeline), the catalog alone (reports written per second, one transaction each; a report page's read
and the meetings listing in ms), and requests per second of real ``crm-archive serve`` nodes under the
load test's URL mix: SQLite with one node, PostgreSQL with one node and with two nodes behind a small
round-robin TCP proxy on loopback. The PostgreSQL server is a throw-away one (tests.pg_cluster) with its
durability settings left on, as SQLite runs with ``synchronous=FULL``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.load import HOST, Tally, client_loop, discover, free_port, request_mix, wait_until_serving
from bench.synthetic import write_corpus
from bench.stress_kill import ROOT

CLI = [sys.executable, "-c", "from archive.cli import cli; cli()"]


class RoundRobin:
    """A tiny TCP round-robin balancer: each client connection goes to the next node, bytes piped both ways."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.port = free_port()
        self._next = 0
        self._server = socket.create_server((HOST, self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            upstream = socket.create_connection((HOST, port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:  # one side ended: end both (the other direction's thread then stops too)
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self._server.close()


@contextmanager
def nodes(catalog: str | None, data_dirs: list[Path]):
    """``crm-archive serve`` nodes, one per data directory; yields their ports."""
    procs, ports = [], []
    try:
        for data in data_dirs:
            port = free_port()
            args = [*CLI, "--data", str(data), *(["--catalog", catalog] if catalog else []), "serve",
                    "--port", str(port), "--threads", "8"]
            procs.append(subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            ports.append(port)
        for port, proc in zip(ports, procs):
            wait_until_serving(port, proc, timeout=600)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(30)


def requests_per_second(port: int, urls: list[str], clients: int, seconds: float) -> tuple[float, float, int]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(port, urls, deadline, tally, k)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(tally.latencies) / (time.monotonic() - started), tally.percentile(50), len(tally.errors)


def catalog_figures(archive, fresh_catalog, sample: int = 300) -> dict[str, float]:
    """A report page's catalog read and the listing (ms), and reports written per second (one
    transaction each) into a fresh catalog of the same engine."""
    from archive.catalog import Catalog

    reports = archive.catalog.reports()
    rng = random.Random(3)
    ids = [r.id for r in reports]
    started = time.perf_counter()
    for rid in rng.sample(ids, min(sample, len(ids))):
        archive.catalog.report(rid)
    page_ms = (time.perf_counter() - started) / min(sample, len(ids)) * 1000
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        archive.catalog.reports(texts=False)
        timings.append(time.perf_counter() - started)
    listing_ms = statistics.median(timings) * 1000
    # Writes: the same reports again into a fresh catalog of the same engine, one transaction each.
    fresh = Catalog(fresh_catalog())
    started = time.perf_counter()
    for report in reports:
        with fresh.transaction() as conn:
            fresh.save_report(conn, report, "bench")
    writes = len(reports) / (time.perf_counter() - started)
    fresh.close()
    return {"report_ms": page_ms, "listing_ms": listing_ms, "writes_per_s": writes}


def run(units: int, clients: int, seconds: float, work: Path, repeat: int = 1) -> list[dict]:
    """One row per backend. The ingest runs once per backend; the catalog figures and the request rates
    are measured ``repeat`` times, the backends alternating (the machine is shared: drift then hits both
    alike), and the median is reported."""
    from archive.archive import Archive
    from archive.ingesting import Limits
    from tests.pg_cluster import PgCluster

    corpus = work / "corpus"
    info = write_corpus(corpus, units)
    # Warm this process once (one parse: language profiles, word lists) so that neither backend's timed
    # ingest pays the cold start in every forked worker (measured: the first of four equal ingests of
    # 72 files took 172 s, the others 17-23 s).
    from ingest.pipeline import parse_file

    parse_file(next(corpus.glob("*.txt")))
    cluster = PgCluster.primary(durable=True)
    rows: dict[str, dict] = {}
    samples: dict[str, dict[str, list[float]]] = {}
    setups: list[tuple[str, str | None, Path]] = []
    fresh_n = [0]

    def fresh_catalog(catalog: str | None) -> str | Path:
        fresh_n[0] += 1
        return cluster.create_database() if catalog else work / f"fresh-{fresh_n[0]}.sqlite3"

    try:
        for backend in ("sqlite", "postgresql"):
            catalog = cluster.create_database() if backend == "postgresql" else None
            data = work / f"{backend}-node1"
            with Archive(data, catalog=catalog) as archive:
                started = time.perf_counter()
                summary = archive.ingest([corpus], Limits(workers=2))
                ingest_s = time.perf_counter() - started
                assert not summary.failed, summary.failed[:3]
            rows[backend] = {"backend": backend, "files": info.files, "units": info.units, "ingest_s": ingest_s}
            samples[backend] = {}
            setups.append((backend, catalog, data))
        for round_number in range(repeat):
            for backend, catalog, data in (setups if round_number % 2 == 0 else setups[::-1]):
                got = samples[backend]
                with Archive(data, catalog=catalog) as archive:
                    for key, value in catalog_figures(archive, lambda: fresh_catalog(catalog)).items():
                        got.setdefault(key, []).append(value)
                for count in ([1] if backend == "sqlite" else [1, 2]):
                    dirs = [data] + [work / f"{backend}-node{k}" for k in range(2, count + 1)]
                    with nodes(catalog, dirs) as ports:
                        ids, labels = discover(ports[0])
                        urls = request_mix(ids[:60], labels)
                        balancer = RoundRobin(ports) if count > 1 else None
                        try:
                            rps, p50, errors = requests_per_second(balancer.port if balancer else ports[0],
                                                                   urls, clients, seconds)
                        finally:
                            if balancer:
                                balancer.close()
                    got.setdefault(f"rps_{count}", []).append(rps)
                    got.setdefault(f"p50_{count}", []).append(p50)
                    got.setdefault(f"errors_{count}", []).append(errors)
    finally:
        cluster.destroy()
    for backend, got in samples.items():
        for key, values in got.items():
            rows[backend][key] = sum(values) if key.startswith("errors") else statistics.median(values)
    return list(rows.values())


def table(rows: list[dict]) -> str:
    lines = ["| catalog | files | units | ingest s | reports/s | units/s | catalog writes/s | report read ms | "
             "listing ms | req/s 1 node (p50 ms) | req/s 2 nodes (p50 ms) | errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        two = f"{r['rps_2']:.0f} ({r['p50_2'] * 1000:.0f})" if "rps_2" in r else "—"
        lines.append(
            f"| {r['backend']} | {r['files']:,} | {r['units']:,} | {r['ingest_s']:.1f} | {r['files'] / r['ingest_s']:.0f} "
            f"| {r['units'] / r['ingest_s']:.0f} | {r['writes_per_s']:.0f} | {r['report_ms']:.2f} | "
            f"{r['listing_ms']:.0f} | {r['rps_1']:.0f} ({r['p50_1'] * 1000:.0f}) | {two} | "
            f"{r.get('errors_1', 0) + r.get('errors_2', 0)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000, help="Synthetic agreement units (default 10,000).")
    parser.add_argument("--clients", type=int, default=8, help="HTTP client threads (default 8).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Seconds of load per layout (default 10).")
    parser.add_argument("--repeat", type=int, default=3, help="Alternating rounds of the read measurements (median).")
    parser.add_argument("--work", type=Path, default=None, help="Working directory (default: a temp dir, removed).")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="crm-scaleout-"))
    try:
        print(table(run(args.units, args.clients, args.seconds, work, args.repeat)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
