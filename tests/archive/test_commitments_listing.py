"""Commitments across the archive: read from the stored units, filtered, cached, and in the export."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from archive import commitments as listing
from archive.commitments import OVERDUE, PENDING, CommitmentFilter, select_commitments
from archive.models import Agreement, Meeting, Report
from tests.conftest import export, open_archive

MANAGUA_ID = "000_cf50010547db6d03"


def test_export_carries_commitments_per_report(ingested_data: Path) -> None:
    reports = {r["id"]: r for r in export(ingested_data)["reports"]}
    managua = reports[MANAGUA_ID]["commitments"]
    assert [(c["label"], c["due"], c["due_window"], c["relative"], c["actors"]) for c in managua] == [
        ("2.a", "2015-02-27", None, None, ["paises_miembros"]),
        ("4", "2015-02-27", None, None, ["paises_miembros"]),
        ("4.b", "2015-03-31", None, None, ["secretaria_tecnica"]),
        ("4.b", "2015-04-30", ["2015-04-24", "2015-04-30"], None, ["paises_miembros"]),
    ]
    assert managua[0]["phrase"] == "a más tardar el 27 de febrero de 2015"
    assert reports["003_5b39909ca16edb25"]["commitments"] == []


def test_filters(ingested_data: Path) -> None:
    with open_archive(ingested_data) as archive:
        items = archive.commitments()
    today = date(2015, 3, 15)

    def labels(**wanted: object) -> list[tuple[str, str]]:
        return [(i.commitment.label, i.commitment.due.isoformat())
                for i in select_commitments(items, CommitmentFilter(**wanted), today)]

    assert labels() == [("2.a", "2015-02-27"), ("4", "2015-02-27"), ("4.b", "2015-03-31"), ("4.b", "2015-04-30")]
    assert labels(actor="secretaria_tecnica") == [("4.b", "2015-03-31")]
    assert labels(status=OVERDUE) == [("2.a", "2015-02-27"), ("4", "2015-02-27")]
    assert labels(status=PENDING) == [("4.b", "2015-03-31"), ("4.b", "2015-04-30")]
    assert labels(due_after=date(2015, 3, 31), due_before=date(2015, 4, 29)) == [("4.b", "2015-03-31")]
    assert labels(year=2008) == [] and labels(year=2014) == labels()


def test_each_report_is_read_once_per_version(ingested_data: Path, monkeypatch) -> None:
    with open_archive(ingested_data) as archive:
        archive.commitments()
        calls: list[str] = []
        original = archive.report
        monkeypatch.setattr(archive, "report", lambda rid: calls.append(rid) or original(rid))
        again = archive.commitments()
        assert calls == [] and len(again) == 4
        listing._cache.clear()
        archive.commitments()
        assert sorted(calls) == sorted(r.id for r in archive.reports(texts=False))


class InMemoryReports:
    """A report source holding reports in memory, counting how it is read (the facade's two read methods)."""

    def __init__(self, reports: list) -> None:
        self._reports = reports
        self.bulk_reads = 0
        self.single_reads = 0

    def reports(self, texts: bool = True) -> list:
        if texts:
            self.bulk_reads += 1
            return list(self._reports)
        return [replace(r, agreements=tuple(replace(a, text="") for a in r.agreements)) for r in self._reports]

    def report(self, report_id: str):
        self.single_reads += 1
        return next(r for r in self._reports if r.id == report_id)


def test_a_cold_start_reads_the_catalog_once() -> None:
    reports = [Report(f"r{i:02d}", f"r{i:02d}.txt", f"{i:064d}", "txt", "es", Meeting(date=date(2014, 11, 24)),
                      (Agreement("1", f"1. La ST enviará el informe {i} a más tardar el 27 de febrero de 2015.",
                                 start=0, end=70),), ingested_at=f"2026-12-01T00:00:{i:02d}+00:00")
               for i in range(listing.BULK_READ_FROM + 5)]
    source = InMemoryReports(reports)
    listing._cache.clear()
    found = listing.all_commitments(source)
    assert (source.bulk_reads, source.single_reads) == (1, 0)
    assert len(found) == len(reports) and {i.commitment.actors for i in found} == {("secretaria_tecnica",)}
    assert [i.report.id for i in found] == [r.id for r in reports]
    listing.all_commitments(source)
    assert (source.bulk_reads, source.single_reads) == (1, 0)  # all cached now
