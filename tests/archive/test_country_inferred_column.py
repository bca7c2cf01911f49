"""The catalog's country_inferred column: written and read back, and added to a catalog written before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.catalog import Catalog
from archive.models import Meeting, Report


def _report(inferred: bool) -> Report:
    meeting = Meeting(city="Washington, D.C.", country="Estados Unidos", country_inferred=inferred)
    return Report(id="r1", source="r1.txt", sha256="0" * 64, format="txt", language="es", meeting=meeting)


def test_country_inferred_round_trips(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    with catalog.transaction() as conn:
        catalog.save_report(conn, _report(True), "k")
    assert catalog.report("r1").meeting.country_inferred is True
    catalog.close()


def test_an_older_catalog_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    catalog.close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE reports DROP COLUMN country_inferred")  # as written before the column existed
    conn.commit()
    conn.close()
    catalog = Catalog(path)
    with catalog.transaction() as conn:
        catalog.save_report(conn, _report(False), "k")
    assert catalog.report("r1").meeting.country_inferred is False
    catalog.close()
