"""The one catalog implementation, run against both backends (``catalog`` fixture: SQLite and PostgreSQL)."""

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from archive.catalog import MIGRATIONS, SCHEMA, SCHEMA_VERSION, Catalog, slugify
from archive.dialects import CatalogUnavailable, parse_catalog_url, redact, to_format_style
from archive.models import Agreement, Country, Meeting, NotFound, Report
from tests.backends import Backend


def make_report(report_id: str = "r1", source: str = "r1.txt", sha: str = "a" * 64) -> Report:
    text = "Preámbulo.\n1. Uno.\n2. Dos.\na. Sub."
    return Report(
        id=report_id, source=source, sha256=sha, format="txt", language="es",
        meeting=Meeting(title="Informe", body_key="grcm", city="Tela", country="Honduras",
                        date=date(2008, 5, 6), date_end=date(2008, 5, 6),
                        participants=(Country("México", "mexico"),), observers=("OIM",)),
        agreements=(
            Agreement("preamble", "Preámbulo.", None, 1, 0, 10),
            Agreement("1", "1. Uno.", None, 1, 11, 18),
            Agreement("2", "2. Dos.", None, 1, 19, 26),
            Agreement("2.a", "a. Sub.", "2", 1, 27, 34),
        ),
        text=text,
    )


@pytest.fixture
def new_catalog(tmp_path: Path, backend: Backend) -> Iterator[Callable[[], Catalog]]:
    """Opens fresh catalogs of the backend under test (a file, or a new PostgreSQL database)."""
    opened: list[Catalog] = []

    def make() -> Catalog:
        if backend.cluster is not None:
            catalog = Catalog(backend.cluster.create_database())
        else:
            catalog = Catalog(tmp_path / f"c{len(opened)}.sqlite3")
        opened.append(catalog)
        return catalog

    yield make
    for catalog in opened:
        catalog.close()


@pytest.fixture
def catalog(new_catalog: Callable[[], Catalog]) -> Catalog:
    return new_catalog()


def test_save_and_read_back_round_trips(catalog: Catalog) -> None:
    report = make_report()
    with catalog.transaction() as conn:
        catalog.save_report(conn, report, "k")
    back = catalog.report("r1")
    assert back.meeting == report.meeting
    assert back.agreements == report.agreements
    assert catalog.lookup_source("r1.txt") == ("r1", "a" * 64, "k")
    assert catalog.counts()["agreements"] == 4
    assert [r.id for r in catalog.reports()] == ["r1"]


def test_a_failed_transaction_leaves_nothing(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError):
        with catalog.transaction() as conn:
            catalog.save_report(conn, make_report(), "k")
            raise RuntimeError("interrupted")
    assert catalog.counts() == {"reports": 0, "agreements": 0, "log_entries": 0}


def test_saving_again_replaces_the_agreements(catalog: Catalog) -> None:
    for sha in ("a" * 64, "b" * 64):
        with catalog.transaction() as conn:
            catalog.save_report(conn, make_report(sha=sha), "k")
    assert catalog.counts()["reports"] == 1 and catalog.counts()["agreements"] == 4
    assert catalog.versions() == {"r1": "b" * 64}


def test_unknown_report_is_not_found(catalog: Catalog) -> None:
    with pytest.raises(NotFound):
        catalog.report("nope")


def test_new_ids_are_readable_and_unique(catalog: Catalog) -> None:
    assert slugify("Informe Tela (2008) — versión final.pdf") == "informe-tela-2008-version-final-pdf"
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report("managua", "managua.txt"), "k")
    assert catalog.new_report_id("managua.pdf", "pdf") == "managua-pdf"
    assert catalog.new_report_id("otro.pdf", "pdf") == "otro"


def test_listing_without_texts_keeps_metadata_and_tree(catalog: Catalog) -> None:
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report(), "k")
    [light] = catalog.reports(texts=False)
    full = catalog.report("r1")
    assert light.text == "" and all(a.text == "" for a in light.agreements)
    assert light.meeting == full.meeting
    assert [(a.label, a.parent, a.page) for a in light.agreements] == \
        [(a.label, a.parent, a.page) for a in full.agreements]


def test_every_committed_report_change_takes_the_next_number(catalog: Catalog) -> None:
    assert catalog.last_change() == 0 and catalog.changed_since(0) == (0, set())
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report("a", "a.txt"), "k")
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report("b", "b.txt"), "k")
    with pytest.raises(RuntimeError):  # a rolled-back change takes no number that anyone sees
        with catalog.transaction() as conn:
            catalog.save_report(conn, make_report("c", "c.txt"), "k")
            raise RuntimeError("interrupted")
    first = catalog.last_change()
    assert catalog.changed_since(0) == (first, {"a", "b"})
    with catalog.transaction() as conn:
        catalog.delete_report(conn, "a")
    last, changed = catalog.changed_since(first)
    assert last > first and changed == {"a"}
    assert catalog.versions() == {"b": "a" * 64}


def test_the_order_of_reports_does_not_depend_on_the_engine_collation(catalog: Catalog) -> None:
    sources = ["Zeta.txt", "alfa.txt", "ñandú.txt", "informe variante 00.txt", "informe-b.txt", "Ábaco.txt"]
    with catalog.transaction() as conn:
        for n, source in enumerate(sources):
            catalog.save_report(conn, make_report(f"r{n}", source), "k")
    # code-point order of the file names (dates are equal), as SQLite compares text
    assert [r.source for r in catalog.reports()] == sorted(sources)
    assert catalog.report_ids() == [r.id for r in catalog.reports(texts=False)]


def test_reports_by_id_read_only_those(catalog: Catalog) -> None:
    with catalog.transaction() as conn:
        for n in range(3):
            catalog.save_report(conn, make_report(f"r{n}", f"r{n}.txt"), "k")
    assert {r.id for r in catalog.reports(["r2", "r0", "missing"])} == {"r0", "r2"}
    assert catalog.reports([]) == []


def test_meetings_by_id_are_those_of_the_full_reports(catalog: Catalog) -> None:
    with catalog.transaction() as conn:
        for n in range(3):
            catalog.save_report(conn, replace(make_report(f"r{n}", f"r{n}.txt"),
                                              meeting=replace(make_report().meeting, date_end=date(2008, 5, 6 + n))), "k")
    meetings = catalog.meetings(["r2", "r0", "missing", "r\x00"])
    assert set(meetings) == {"r0", "r2"}
    assert meetings == {r.id: r.meeting for r in catalog.reports(["r0", "r2"])}
    assert meetings["r2"].date_end == date(2008, 5, 8) and meetings["r0"].participants == (Country("México", "mexico"),)
    assert catalog.meetings([]) == {}


def test_a_new_catalog_has_the_current_schema_version_and_an_id(new_catalog: Callable[[], Catalog]) -> None:
    one, two = new_catalog(), new_catalog()
    assert one.schema_version() == two.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
    assert len(one.catalog_id) == 32 and one.catalog_id != two.catalog_id


@pytest.mark.parametrize("with_country_inferred", [False, True])
def test_a_catalog_from_before_schema_versions_is_migrated_keeping_its_reports(tmp_path: Path,
                                                                              with_country_inferred: bool) -> None:
    """An SQLite catalog written by an earlier release (version 1, no version row, no change table; one
    release added ``country_inferred`` by itself before schema versions existed)."""
    path = tmp_path / "old.sqlite3"
    legacy = sqlite3.connect(path)
    legacy.executescript(SCHEMA.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT", blob="BLOB") + ";")
    if with_country_inferred:
        legacy.execute("ALTER TABLE reports ADD COLUMN country_inferred INTEGER NOT NULL DEFAULT 0")
    legacy.execute("INSERT INTO reports (id, source, sha256, format, ingested_at) "
                   "VALUES ('viejo', 'viejo.txt', ?, 'txt', '2020-01-01T00:00:00+00:00')", ("c" * 64,))
    legacy.commit()
    legacy.close()
    catalog = Catalog(path)
    assert catalog.schema_version() == SCHEMA_VERSION
    assert catalog.versions() == {"viejo": "c" * 64}
    assert catalog.changed_since(0)[1] == {"viejo"}  # an index built before the upgrade catches up once
    catalog.close()


def test_a_catalog_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    Catalog(tmp_path / "c.sqlite3").set_state("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(CatalogUnavailable, match="newer than this program"):
        Catalog(tmp_path / "c.sqlite3")


@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
    ("SELECT '?' , \"a?\" FROM t WHERE c LIKE '%x' AND d = ?", "SELECT '?' , \"a?\" FROM t WHERE c LIKE '%x' AND d = %s"),
    ("SELECT 'it''s ?' WHERE x % 2 = ?", "SELECT 'it''s ?' WHERE x %% 2 = %s"),
])
def test_placeholders_are_translated_outside_quotes_only(sql: str, expected: str) -> None:
    assert to_format_style(sql) == expected


def test_catalog_urls_and_their_display(tmp_path: Path) -> None:
    assert parse_catalog_url(None, tmp_path).path == tmp_path / "catalog.sqlite3"
    for url in ("sqlite:///srv/crm/catalog.sqlite3", "sqlite:////srv/crm/catalog.sqlite3"):
        assert parse_catalog_url(url, tmp_path).path == Path("/srv/crm/catalog.sqlite3")
    assert parse_catalog_url("postgresql://u:secret@db:5432/crm", tmp_path).kind == "postgresql"
    assert redact("postgresql://u:secret@db:5432/crm") == "postgresql://u:***@db:5432/crm"
    for bad in ("mysql://x/y", "sqlite:relative.db", "sqlite:///"):
        with pytest.raises(CatalogUnavailable):
            parse_catalog_url(bad, tmp_path)


def test_an_unreachable_server_is_a_one_line_error_without_the_password(tmp_path: Path) -> None:
    from tests.pg_cluster import free_port

    with pytest.raises(CatalogUnavailable) as caught:
        Catalog(f"postgresql://crm:secret@127.0.0.1:{free_port()}/crm")
    assert "secret" not in str(caught.value) and "cannot connect to the catalog" in str(caught.value)


def test_a_nul_character_is_stored_alike_on_both_engines_and_never_found(catalog: Catalog) -> None:
    """PostgreSQL text cannot hold NUL: both engines store U+FFFD in its place (offsets kept), and an id
    or file name with a NUL, as a hostile URL may bring, is simply not found."""
    report = make_report()
    dirty = replace(report, text=report.text.replace("Uno", "U\x00o"),
                    agreements=tuple(replace(a, text=a.text.replace("Uno", "U\x00o")) for a in report.agreements))
    with catalog.transaction() as conn:
        catalog.save_report(conn, dirty, "k")
    back = catalog.report("r1")
    assert "U\ufffdo" in back.text and len(back.text) == len(report.text)
    assert all(back.text[a.start:a.end] == a.text for a in back.agreements if a.label != "preamble")
    with pytest.raises(NotFound):
        catalog.report("r1\x00")
    assert catalog.lookup_source("r1.txt\x00") is None and catalog.reports(["r1\x00"]) == []
