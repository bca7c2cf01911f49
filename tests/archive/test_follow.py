"""A node's index follows the catalog through the change sequence — on both backends: two data directories
(two nodes) share one catalog (a ``sqlite:///`` file outside both, or a PostgreSQL database)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from archive.archive import FOLLOWS_FILE, Archive
from bench.stress_kill import variant_text
from index import SearchQuery
from tests.backends import Backend
from tests.conftest import MANAGUA, TELA, open_archive


@pytest.fixture
def catalog_url(tmp_path: Path, backend: Backend) -> str:
    if backend.cluster is not None:
        return backend.cluster.create_database()
    return f"sqlite:///{tmp_path / 'shared' / 'catalog.sqlite3'}"


def _folder(tmp_path: Path, name: str, *files: tuple[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, text in files:
        (folder / file_name).write_text(text, encoding="utf-8")
    return folder


def _total(archive: Archive, query: str) -> int:
    return archive.search(SearchQuery(query)).total


def test_a_second_node_builds_then_applies_only_the_new_changes(tmp_path: Path, catalog_url: str) -> None:
    seeds = _folder(tmp_path, "seeds", (MANAGUA.name, MANAGUA.read_text(encoding="utf-8")),
                    (TELA.name, TELA.read_text(encoding="utf-8")))
    with Archive(tmp_path / "node-a", catalog_url) as a, Archive(tmp_path / "node-b", catalog_url) as b:
        assert not a.ingest([seeds]).failed
        assert b.catch_up().rebuilt  # a fresh node: built from scratch
        assert _total(b, "RROCM") == 2
        assert not b.catch_up().changed  # nothing new

        more = _folder(tmp_path, "more", ("v1.txt", variant_text(MANAGUA.read_text(encoding="utf-8"), 61)))
        assert len(a.ingest([more]).added) == 1
        sync = b.catch_up()
        assert (sync.rebuilt, sync.updated, sync.removed) == (False, 1, 0)  # only the change, not a rebuild
        assert _total(b, "VAR061") == 1

        gone = next(r.id for r in b.reports() if r.source == "v1.txt")
        with a.catalog.transaction() as conn:
            a.catalog.delete_report(conn, gone)
        sync = b.catch_up()
        assert (sync.updated, sync.removed) == (0, 1) and _total(b, "VAR061") == 0
        follows = json.loads((tmp_path / "node-b" / "index" / FOLLOWS_FILE).read_text())
        assert follows["seq"] == b.catalog.last_change() and follows["catalog_id"] == b.catalog.catalog_id
        assert b.check().ok


def test_an_index_built_from_another_catalog_is_compared_in_full(tmp_path: Path, catalog_url: str) -> None:
    seeds = _folder(tmp_path, "seeds", (TELA.name, TELA.read_text(encoding="utf-8")))
    with Archive(tmp_path / "node", catalog_url) as node:
        node.ingest([seeds])
    other = tmp_path / "other"
    with Archive(other) as elsewhere:  # an SQLite archive in its own directory: another catalog id
        elsewhere.ingest([_folder(tmp_path, "else", ("x.txt", variant_text(MANAGUA.read_text(encoding="utf-8"), 3)))])
    shutil.rmtree(tmp_path / "node" / "index")
    shutil.copytree(other / "index", tmp_path / "node" / "index")  # the wrong index in this node
    with Archive(tmp_path / "node", catalog_url) as node:
        sync = node.catch_up()
        assert sync.updated == 1 and sync.removed == 1  # the foreign marker was not trusted
        assert {h.report_id for h in node.search(SearchQuery("personas")).hits} == {r.id for r in node.reports()}


def test_a_following_node_sees_an_ingest_of_another_node_without_a_restart(tmp_path: Path, catalog_url: str) -> None:
    with Archive(tmp_path / "ingester", catalog_url) as a, Archive(tmp_path / "reader", catalog_url) as b:
        a.ingest([_folder(tmp_path, "first", (TELA.name, TELA.read_text(encoding="utf-8")))])
        b.catch_up()
        stop = threading.Event()
        follower = threading.Thread(target=b.follow, args=(stop, 0.2))
        follower.start()
        try:
            a.ingest([_folder(tmp_path, "second", ("v.txt", variant_text(TELA.read_text(encoding="utf-8"), 88)))])
            deadline = time.monotonic() + 20
            while _total(b, "VAR088") == 0:
                assert time.monotonic() < deadline, "the follower did not apply the change"
                time.sleep(0.1)
        finally:
            stop.set()
            follower.join(10)
        assert not follower.is_alive()


def test_a_serving_node_recomputes_the_derived_views_before_anyone_asks(ingested_data: Path, monkeypatch) -> None:
    """``keep_derived_warm`` (the thread ``serve`` starts) fills the version links, commitments and glossary
    mentions, so a visitor's request only reads them: afterwards none is computed again."""
    import archive.archive as facade

    with open_archive(ingested_data) as archive:
        stop = threading.Event()
        rounds = []

        def one_round(seconds: float) -> bool:
            rounds.append(seconds)
            stop.set()
            return True

        monkeypatch.setattr(stop, "wait", one_round)
        archive.keep_derived_warm(stop, poll_seconds=0.5)
        assert rounds == [0.5]

        def must_not_run(*args, **kwargs):
            raise AssertionError("computed again on a request")

        monkeypatch.setattr(facade, "link_versions", must_not_run)
        monkeypatch.setattr(facade, "entity_query", must_not_run)
        monkeypatch.setattr("archive.commitments.commitments_of", must_not_run)
        assert archive.version_links() is not None
        assert [c.commitment.label for c in archive.commitments() if c.report.id == "000_cf50010547db6d03"][:1] == ["2.a"]
        assert archive.entity_mentions()["rrocm"]
