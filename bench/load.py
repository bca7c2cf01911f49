"""``python -m bench.load``: a bounded load test of ``crm-archive serve`` on 127.0.0.1 while a bulk ingest runs.

50 client threads (http.client, keep-alive) send a mix of searches and page views for 60 s against the real
server (waitress) on a free loopback port, while ``crm-archive ingest`` adds a folder of reports to the
same data directory. Every answer must be a 200 (or the API's 400 for an unparsable query); anything else,
a 5xx or a connection error, counts as an error.
Prints the request count, p50/p95/max latency and the error count; exit status 1 if any error.

Loopback only, bounded in time (``--seconds``) and in requests per client; the server and the ingest are
stopped at the end whatever happens. ``tests/reliability/test_load.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.stress_kill import CORPUS, ROOT, SEEDS, cli_args, variant_text

log = logging.getLogger("bench.load")

HOST = "127.0.0.1"  # loopback only, never anything else
QUERIES = ["trata de personas", "migrantes", '"trata de personas"', "migra*", "niñez", "OIM", "tráfico ilícito",
           "retorno", "Guatemala", "agradecer", "VAR001", "cooperación -trata", "victimas~", "año:2014 trata",
           "xyzzy", "(", '"unbalanced', "*"]
MAX_REQUESTS_PER_CLIENT = 100_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # the 10 slowest (seconds, url)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None, url: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)
            self.slowest = sorted([*self.slowest, (seconds, url)], reverse=True)[:10]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: list[str]
    p50: float
    p95: float
    max: float
    seconds: float
    ingest_running_throughout: bool
    slowest: tuple[tuple[float, str], ...] = ()

    def summary(self) -> str:
        return (f"{self.requests} requests in {self.seconds:.1f} s ({self.requests / max(self.seconds, 1e-9):.0f}/s), "
                f"p50 {self.p50 * 1000:.0f} ms, p95 {self.p95 * 1000:.0f} ms, max {self.max * 1000:.0f} ms, "
                f"errors {len(self.errors)}; ingest running throughout: {self.ingest_running_throughout}")


def request_mix(report_ids: list[str], labels: dict[str, list[str]]) -> list[str]:
    """The URLs clients draw from: searches (pages, API, CSV), meetings, reports, agreements, timeline."""
    urls = []
    for q in QUERIES:
        urls += [f"/buscar?q={quote(q)}", f"/api/search?q={quote(q)}", f"/buscar?q={quote(q)}&pagina=2&lang=en"]
    urls += ["/", "/reuniones", "/anos?q=trata", "/api/reports", "/buscar.csv?q=migrantes", "/static/style.css"]
    for rid in report_ids:
        urls.append(f"/r/{rid}")
        urls += [f"/r/{rid}/{label}" for label in labels.get(rid, [])[:3]]
    return urls


def expected_statuses(url: str) -> tuple[int, ...]:
    """200 everywhere; the JSON API answers a query it cannot parse ("(", '"unbalanced') with a 400."""
    return (200, 400) if url.startswith("/api/search") else (200,)


def get(conn: http.client.HTTPConnection, url: str) -> int:
    conn.request("GET", url, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    response.read()
    return response.status


def client_loop(port: int, urls: list[str], deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            url = rng.choice(urls)
            started = time.monotonic()
            try:
                status = get(conn, url)
                error = None if status in expected_statuses(url) else f"{status} {url}"
            except (OSError, http.client.HTTPException) as e:
                error = f"{type(e).__name__}: {e} {url}"
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            tally.add(time.monotonic() - started, error, url)
    finally:
        conn.close()


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            if get(conn, "/api/reports") == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:g} s")


def discover(port: int) -> tuple[list[str], dict[str, list[str]]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/api/reports")
        reports = json.loads(conn.getresponse().read())["reports"]
        ids = [r["id"] for r in reports]
        labels = {}
        for rid in ids:
            conn.request("GET", f"/api/reports/{rid}")
            labels[rid] = [a["label"] for a in json.loads(conn.getresponse().read())["agreements"]]
        return ids, labels
    finally:
        conn.close()


def write_ingest_folder(folder: Path, reports: int) -> None:
    """Reports for the bulk ingest that runs during the load: variants of the seeds."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    for k in range(reports):
        (folder / f"carga-{k:05d}.txt").write_text(variant_text(texts[k % 2], k), encoding="utf-8")


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_load(work: Path, clients: int = 50, seconds: float = 60, ingest_reports: int = 1500,
             server_threads: int = 8) -> LoadResult:
    """Serve an archive of corpus/, start a bulk ingest into it, then load the server; all stopped at the end."""
    data = work / "data"
    done = subprocess.run(cli_args(data, "ingest", str(CORPUS)), cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"ingest of corpus/ failed: {done.stderr}")
    folder = work / "incoming"
    write_ingest_folder(folder, ingest_reports)
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up with waitress' "Task queue depth"
    # warnings and then blocks the server's main loop (every client times out).
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(cli_args(data, "serve", "--host", HOST, "--port", str(port), "--threads",
                                       str(server_threads)), cwd=ROOT, stdout=server_log, stderr=server_log)
    ingest: subprocess.Popen | None = None
    try:
        wait_until_serving(port, server)
        ids, labels = discover(port)
        urls = request_mix(ids, labels)
        ingest = subprocess.Popen(cli_args(data, "ingest", str(folder)), cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        tally = Tally()
        started = time.monotonic()
        deadline = started + seconds
        threads = [threading.Thread(target=client_loop, args=(port, urls, deadline, tally, n), daemon=True)
                   for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
        elapsed = time.monotonic() - started
        running = ingest.poll() is None
        if server.poll() is not None:
            tally.errors.append(f"the server died (exit {server.returncode})")
        return LoadResult(len(tally.latencies), tally.errors, tally.percentile(50), tally.percentile(95),
                          max(tally.latencies, default=0.0), elapsed, running, tuple(tally.slowest))
    finally:
        if ingest is not None:
            stop(ingest)
        stop(server)
        server_log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="Concurrent client threads (default 50).")
    parser.add_argument("--seconds", type=float, default=60, help="Duration of the load (default 60, at most 600).")
    parser.add_argument("--ingest-reports", type=int, default=1500, help="Reports the concurrent ingest adds.")
    parser.add_argument("--threads", type=int, default=8, help="Server threads (crm-archive serve --threads).")
    parser.add_argument("--work", type=Path, default=None, help="Working directory (default: a temp dir, removed).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    seconds = min(args.seconds, 600.0)
    work = args.work or Path(tempfile.mkdtemp(prefix="crm-load-"))
    try:
        result = run_load(work, args.clients, seconds, args.ingest_reports, args.threads)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.clients} clients: {result.summary()}")
    for seconds, url in result.slowest:
        print(f"slow: {seconds * 1000:7.0f} ms {url}")
    for error in result.errors[:20]:
        print(f"ERROR: {error}")
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
