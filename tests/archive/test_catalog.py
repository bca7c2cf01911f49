from datetime import date
from pathlib import Path

import pytest

from archive.catalog import Catalog, slugify
from archive.models import Agreement, Country, Meeting, NotFound, Report


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


def test_save_and_read_back_round_trips(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    report = make_report()
    with catalog.transaction() as conn:
        catalog.save_report(conn, report, "k")
    back = catalog.report("r1")
    assert back.meeting == report.meeting
    assert back.agreements == report.agreements
    assert catalog.lookup_source("r1.txt") == ("r1", "a" * 64, "k")
    assert catalog.counts()["agreements"] == 4
    assert [r.id for r in catalog.reports()] == ["r1"]


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    with pytest.raises(RuntimeError):
        with catalog.transaction() as conn:
            catalog.save_report(conn, make_report(), "k")
            raise RuntimeError("interrupted")
    assert catalog.counts() == {"reports": 0, "agreements": 0, "log_entries": 0}


def test_saving_again_replaces_the_agreements(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    for sha in ("a" * 64, "b" * 64):
        with catalog.transaction() as conn:
            catalog.save_report(conn, make_report(sha=sha), "k")
    assert catalog.counts()["reports"] == 1 and catalog.counts()["agreements"] == 4
    assert catalog.versions() == {"r1": "b" * 64}


def test_unknown_report_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        Catalog(tmp_path / "c.sqlite3").report("nope")


def test_new_ids_are_readable_and_unique(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    assert slugify("Informe Tela (2008) — versión final.pdf") == "informe-tela-2008-version-final-pdf"
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report("managua", "managua.txt"), "k")
    assert catalog.new_report_id("managua.pdf", "pdf") == "managua-pdf"
    assert catalog.new_report_id("otro.pdf", "pdf") == "otro"


def test_listing_without_texts_keeps_metadata_and_tree(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    with catalog.transaction() as conn:
        catalog.save_report(conn, make_report(), "k")
    [light] = catalog.reports(texts=False)
    full = catalog.report("r1")
    assert light.text == "" and all(a.text == "" for a in light.agreements)
    assert light.meeting == full.meeting
    assert [(a.label, a.parent, a.page) for a in light.agreements] == \
        [(a.label, a.parent, a.page) for a in full.agreements]
