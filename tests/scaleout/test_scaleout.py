"""Scale-out end to end: a PostgreSQL primary and a ``pg_basebackup -R`` hot standby on loopback, a web node
(``crm-archive --catalog URL --data DIR serve``, a real subprocess) on each, ingests into the primary; moving
an SQLite archive into PostgreSQL; two ingests from two nodes at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.stress_kill import comparable_export, variant_text
from tests.backends import CATALOGS
from tests.conftest import CORPUS, MANAGUA, ROOT, TELA, run_cli
from tests.pg_cluster import PgCluster, free_port

pytestmark = pytest.mark.timeout(300)

CLI = [sys.executable, "-c", "from archive.cli import cli; cli()"]


def cli(catalog: str, data: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--catalog", catalog, "--data", str(data), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


class Node:
    """``crm-archive serve`` on a free loopback port, following a catalog; stopped by ``close``."""

    def __init__(self, catalog: str, data: Path, log: Path, poll: float = 1.0) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        port = self.base.rsplit(":", 1)[1]
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*CLI, "--catalog", catalog, "--data", str(data), "serve", "--port", port, "--threads", "4",
                 "--poll", str(poll)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(self.base + "/api/reports")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise AssertionError(f"the node did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)

    def total(self, query: str) -> int:
        return get_json(f"{self.base}/api/search?q={query}")["total"]

    def reports(self) -> set[str]:
        return {r["id"] for r in get_json(self.base + "/api/reports?per_page=100")["reports"]}

    def wait_for(self, query: str, seconds: float) -> float:
        """Seconds until a search for ``query`` finds something on this node."""
        started = time.monotonic()
        while self.total(query) == 0:
            if time.monotonic() - started > seconds:
                raise AssertionError(f"{query!r} not found on {self.base} after {seconds:g} s:\n"
                                     f"{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        return time.monotonic() - started

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def primary() -> Iterator[PgCluster]:
    cluster = PgCluster.primary()
    try:
        yield cluster
    finally:
        cluster.destroy()


def _report_file(folder: Path, k: int) -> Path:
    path = folder / f"nuevo-{k}.txt"
    path.write_text(variant_text(MANAGUA.read_text(encoding="utf-8"), k), encoding="utf-8")
    return path


def test_a_node_on_a_replica_serves_what_is_ingested_into_the_primary_and_survives_the_primary(
        primary: PgCluster, tmp_path: Path) -> None:
    url = primary.create_database("replicated")
    ingester = tmp_path / "ingester"
    done = cli(url, ingester, "ingest", str(CORPUS))
    assert done.returncode == 0, done.stderr
    standby = primary.standby()
    try:
        replica_url = standby.url("replicated")
        # The standby is read-only: an ingest into it says so and changes nothing.
        refused = cli(replica_url, tmp_path / "wrong", "ingest", str(TELA))
        assert refused.returncode == 1
        assert "read-only replica" in refused.stderr and "primary" in refused.stderr
        assert "Traceback" not in refused.stderr
        # A node on the replica builds its own index (reindex --if-needed); check works against both.
        built = cli(replica_url, tmp_path / "checker", "reindex", "--if-needed")
        assert built.returncode == 0 and "rebuilt" in built.stdout, built.stderr
        for catalog, data in ((url, ingester), (replica_url, tmp_path / "checker")):
            checked = cli(catalog, data, "check")
            assert checked.returncode == 0 and checked.stdout.strip().endswith("ok"), checked.stdout

        on_primary = Node(url, tmp_path / "node-primary", tmp_path / "primary.log")
        on_replica = Node(replica_url, tmp_path / "node-replica", tmp_path / "replica.log")
        try:
            # A fresh node built its index before it answered: the corpus is there at once.
            assert on_replica.total("RROCM") == on_primary.total("RROCM") == 2
            folder = tmp_path / "new"
            folder.mkdir()
            _report_file(folder, 77)
            added = cli(url, ingester, "ingest", str(folder))
            assert added.returncode == 0 and "added 1" in added.stdout, added.stderr
            assert on_primary.wait_for("VAR077", 30) < 30  # LISTEN/NOTIFY on the primary
            assert on_replica.wait_for("VAR077", 30) < 30  # replication, then the replica node's poll
            assert on_replica.reports() == on_primary.reports()

            # The primary goes away: the replica's node goes on serving reads, pages and originals.
            primary.stop("immediate")
            try:
                assert on_replica.total("VAR077") == 1 and on_replica.total("RROCM") == 3  # the variant cites it too
                report_id = next(r for r in on_replica.reports() if r.startswith("nuevo-77"))
                with urllib.request.urlopen(f"{on_replica.base}/r/{report_id}", timeout=10) as page:
                    assert page.status == 200 and "VAR077" in page.read().decode()
                with urllib.request.urlopen(f"{on_replica.base}/r/{report_id}/original", timeout=10) as original:
                    assert b"VAR077" in original.read()
            finally:
                primary.start()
                primary.wait_until_ready()
        finally:
            on_primary.close()
            on_replica.close()
    finally:
        standby.destroy()


def test_postgresql_ingest_gives_exactly_the_sqlite_export_and_migrate_catalog_copies_everything(
        primary: PgCluster, tmp_path: Path) -> None:
    from tests.fixtures_docs import seed_to_pdf

    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder, ignore=shutil.ignore_patterns("*.json"))
    seed_to_pdf(TELA, folder / "tela.pdf")
    sqlite_data = tmp_path / "sqlite"
    code, out, err = run_cli(sqlite_data, "ingest", str(folder))
    assert code == 0, err
    pg_data = tmp_path / "pg"
    CATALOGS[pg_data] = primary.create_database()
    code, out, err = run_cli(pg_data, "ingest", str(folder))
    assert code == 0, err
    want = comparable_export(sqlite_data)
    assert comparable_export(pg_data) == want and len(want) >= 3

    target = primary.create_database()
    code, out, err = run_cli(sqlite_data, "migrate-catalog", "--json", "--to", target)
    assert code == 0, err
    result = json.loads(out)
    assert result["rows"]["reports"] == len(want) and result["verified_reports"] == len(want)
    assert result["originals"] == result["verified_hashes"] == len(want)
    moved = tmp_path / "moved-node"
    CATALOGS[moved] = target
    # Everything but the node's index moved: the same export (ingest times too), the originals, a search.
    assert run_cli(moved, "export", "--json")[1] == run_cli(sqlite_data, "export", "--json")[1]
    code, out, _ = run_cli(moved, "reindex", "--if-needed")  # a node builds its index from the new catalog
    assert code == 0 and "rebuilt" in out
    searched = [json.loads(run_cli(d, "search", "--json", "RROCM")[1]) for d in (moved, sqlite_data)]
    assert searched[0] == searched[1] and searched[0]["total"] >= 2
    code, out, _ = run_cli(moved, "check", "--json")
    assert code == 0 and json.loads(out)["ok"], out
    # A second migration into the same catalog is refused; nothing is doubled.
    code, _, err = run_cli(sqlite_data, "migrate-catalog", "--to", target)
    assert code == 1 and "already holds" in err
    assert len(comparable_export(moved)) == len(want)


def test_two_ingests_from_two_nodes_at_once_are_serialised_by_the_advisory_lock(
        primary: PgCluster, tmp_path: Path) -> None:
    url = primary.create_database()
    folders = []
    for name, offset in (("a", 0), ("b", 100)):
        folder = tmp_path / name
        folder.mkdir()
        for k in range(6):
            _report_file(folder, offset + k)
        folders.append(folder)
    results: dict[str, subprocess.CompletedProcess] = {}

    def ingest(name: str, folder: Path) -> None:
        results[name] = cli(url, tmp_path / f"node-{name}", "ingest", str(folder))

    threads = [threading.Thread(target=ingest, args=(f.name, f)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(r.returncode for r in results.values())
    refused = [r for r in results.values() if r.returncode != 0]
    if refused:  # they overlapped: exactly one ran, the other was told why and wrote nothing
        assert outcomes == [0, 1]
        assert "another ingest is writing to the catalog" in refused[0].stderr
    node = tmp_path / "reader"
    CATALOGS[node] = url
    done = [name for name, r in results.items() if r.returncode == 0]
    for name in {"a", "b"} - set(done):  # the refused one, rerun after the first ended
        rerun = cli(url, tmp_path / f"node-{name}", "ingest", str(tmp_path / name))
        assert rerun.returncode == 0, rerun.stderr
    reports = comparable_export(node)
    assert len(reports) == 12
    # Never interleaved: the ingest log holds one ingest's lines, then the other's.
    from tests.conftest import open_archive

    with open_archive(node) as archive:
        order = [Path(e.file).parent.name for e in reversed(archive.catalog.log_entries(limit=100))]
    assert order in (["a"] * 6 + ["b"] * 6, ["b"] * 6 + ["a"] * 6), order
