"""The catalog's country_inferred column (migration "country read from the city, not stated"), on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.models import Meeting, Report
from tests.backends import Backend


def _report(report_id: str, inferred: bool) -> Report:
    meeting = Meeting(city="Washington, D.C.", country="Estados Unidos", country_inferred=inferred)
    return Report(id=report_id, source=f"{report_id}.txt", sha256="0" * 64, format="txt", language="es", meeting=meeting)


@pytest.mark.parametrize("inferred", [True, False])
def test_country_inferred_round_trips(tmp_path: Path, backend: Backend, inferred: bool) -> None:
    catalog = Catalog(backend.cluster.create_database() if backend.cluster is not None else tmp_path / "c.sqlite3")
    try:
        with catalog.transaction() as conn:
            catalog.save_report(conn, _report("r1", inferred), "k")
        assert catalog.report("r1").meeting.country_inferred is inferred
        assert catalog.reports(texts=False)[0].meeting.country_inferred is inferred
    finally:
        catalog.close()
