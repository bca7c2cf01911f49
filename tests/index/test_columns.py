"""Per-document columns (year, body, country, language) stay aligned across segments.

Regression: Whoosh's multi-segment column reader skips segments holding no value for a field, so
a batch of reports without a body shifted the facets and filters of every later document.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from archive.models import Agreement, Meeting, Report
from index.search import AgreementIndex, SearchQuery


def _report(report_id: str, year: int, body_key: str | None, country: str | None) -> Report:
    text = f"Preámbulo de {report_id}.\n1. Acuerdo sobre retorno asistido en {report_id}."
    return Report(
        id=report_id, source=f"{report_id}.txt", sha256=report_id.ljust(64, "0"), format="txt",
        language="es",
        meeting=Meeting(title=report_id, body_key=body_key, country=country, date=date(year, 5, 6),
                        date_end=date(year, 5, 6)),
        agreements=(Agreement("preamble", f"Preámbulo de {report_id}.", None, 1, 0, 20),
                    Agreement("1", f"1. Acuerdo sobre retorno asistido en {report_id}.", None, 1, 21, 70)),
        text=text,
    )


def test_facets_and_filters_stay_aligned_when_a_segment_lacks_a_column(tmp_path: Path) -> None:
    index = AgreementIndex(tmp_path / "index")
    try:
        index.update([_report("uno", 2008, "red_trafico_trata", "Honduras")])
        index.update([_report("dos", 2010, None, None), _report("tres", 2011, None, None)])
        index.update([_report("cuatro", 2014, "grcm", "Nicaragua")])
        result = index.search(SearchQuery("retorno"))
        assert result.total == 4
        assert result.by_year == {2008: 1, 2010: 1, 2011: 1, 2014: 1}
        assert {k: v for k, v in result.facets["body"].items() if k} == {"red_trafico_trata": 1, "grcm": 1}
        assert {k: v for k, v in result.facets["country"].items() if k} == {"Honduras": 1, "Nicaragua": 1}
        only_grcm = index.search(SearchQuery("retorno", body="grcm"))
        assert [h.report_id for h in only_grcm.hits] == ["cuatro"]
        in_2014 = index.search(SearchQuery("retorno", year_from=2014, year_to=2014))
        assert [h.report_id for h in in_2014.hits] == ["cuatro"]
    finally:
        index.close()


def test_columns_read_in_bulk_equal_whooshs_reader_value_by_value(tmp_path: Path) -> None:
    # Generation.column_values reads the two column kinds as arrays; every value, its type and the
    # defaults Whoosh leaves out after a segment's last written number must be those its reader yields.
    from index.generation import column_values

    undated = _report("sin-fecha", 2012, None, None)
    undated = replace(undated, meeting=replace(undated.meeting, date=None, date_end=None))
    index = AgreementIndex(tmp_path / "index")
    try:
        index.update([_report("uno", 2008, "red_trafico_trata", "Honduras"), undated])
        index.update([_report("dos", 2010, None, None), _report("tres", 2011, "grcm", "El Salvador")])
        reader = index._current().reader
        checked = set()
        for leaf, _base in reader.leaf_readers():
            for name, field in reader.schema.items():
                if field.column_type is None or not leaf.has_column(name):
                    continue
                iterated = list(leaf.column_reader(name))
                bulk = column_values(leaf.column_reader(name), leaf.doc_count_all())
                assert bulk == iterated and list(map(type, bulk)) == list(map(type, iterated)), name
                checked.add(type(leaf.column_reader(name).raw_column()).__qualname__)
        assert checked == {"NumericColumn.Reader", "RefBytesColumn.Reader"}  # both kinds met
        assert 0 in index._current().years  # the undated report's default year is there
    finally:
        index.close()
