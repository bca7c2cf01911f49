"""The index writer (index.store): our single-pass writer must produce exactly the postings that
Whoosh's own analyzers and writer produce for the same schema, in one process or several."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.query import Term

from archive.models import Agreement
from index import store
from index.analysis import strip_list_marker
from index.schema import TEXT_FIELDS, build_schema
from index.search import AgreementIndex, SearchQuery
from tests.index.conftest import seed_reports, synthetic_reports


def _postings(ix) -> dict:
    """field -> term -> [(docnum, weight, positions or None)], plus the field lengths per doc."""
    out: dict = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field in TEXT_FIELDS + ("report_id",):
            terms = {}
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                rows = []
                while matcher.is_active():
                    positions = tuple(matcher.value_as("positions")) if field == "pairs" else None
                    rows.append((matcher.id(), matcher.weight(), positions))
                    matcher.next()
                terms[term] = rows
            out[field] = terms
            out[field + " lengths"] = [reader.doc_field_length(d, field, 0) for d in range(reader.doc_count_all())]
        out["stored"] = [reader.stored_fields(d)["exact"] for d in range(reader.doc_count_all())]
    return out


def _reference_index(path, reports):
    """The same units written by Whoosh's own add_document and analyzers."""
    ix = whoosh_index.create_in(str(path), build_schema())
    with ix.writer() as writer:
        for report in reports:
            text_field = "text_en" if report.language == "en" else "text"
            for agreement in report.agreements:
                indexed = strip_list_marker(agreement.text)
                writer.add_document(report_id=report.id, exact=indexed, _stored_exact=agreement.text,
                                    pairs=indexed, **{text_field: indexed})
    return ix


def _ours(path, reports, procs=1):
    ix = whoosh_index.create_in(str(path), build_schema())
    store.write_reports(ix, reports, procs=procs)
    return whoosh_index.open_dir(str(path))


def test_writer_matches_whoosh_analyzers_on_the_seeds(tmp_path):
    reports = seed_reports() + synthetic_reports()
    (tmp_path / "ref").mkdir(), (tmp_path / "ours").mkdir()
    assert _postings(_ours(tmp_path / "ours", reports)) == _postings(_reference_index(tmp_path / "ref", reports))


_WORDS = st.sampled_from("la de trata personas Pro-Tempore extra-regional 2014-2020 niñez países the of "
                         "countries RROCM 3. a) • año veces OIM-UNODC de-la".split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6),
       english=st.booleans())
def test_writer_matches_whoosh_analyzers_on_any_text(tmp_path_factory, texts, english):
    base = seed_reports()[0]
    report = replace(base, language="en" if english else "es",
                     agreements=tuple(Agreement(str(i), t) for i, t in enumerate(texts, 1)))
    tmp = tmp_path_factory.mktemp("w")
    (tmp / "ref").mkdir(), (tmp / "ours").mkdir()
    assert _postings(_ours(tmp / "ours", [report])) == _postings(_reference_index(tmp / "ref", [report]))


QUERIES = ["trata", "RROCM", '"trata de personas"', '"red regional de organizaciones civiles"', "migra*",
           "secretria~1", "países -trata", "año:2008..2011", "pais:Canada", "cuerpo:red"]


def _answers(ix) -> list:
    return [(r.total, r.by_year, r.facets, [(h.report_id, h.label, round(h.score, 6)) for h in r.hits])
            for r in (ix.search(SearchQuery(q, per_page=50)) for q in QUERIES)]


def test_parallel_segments_give_the_same_answers(tmp_path, monkeypatch):
    reports = seed_reports() + synthetic_reports()
    with AgreementIndex(tmp_path / "one") as one:
        one.rebuild(reports, procs=1)
        expected = _answers(one)
    # Force the forked path and many small segments.
    monkeypatch.setattr(store, "PARALLEL_MIN_UNITS", 1)
    monkeypatch.setattr(store, "SEGMENT_UNITS", 7)
    with AgreementIndex(tmp_path / "many") as many:
        many.rebuild(reports, procs=2)
        assert len(list(many._current().searcher.reader().leaf_readers())) > 2
        # Ranking statistics (idf, average lengths) are index-wide, so scores match too.
        assert _answers(many) == expected


def test_update_deletes_by_report_and_keeps_versions_per_report(tmp_path):
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update(seed_reports())
        ix.update(seed_reports())  # re-indexing replaces, never duplicates
        assert ix.search(SearchQuery("RROCM")).total == 2
        assert ix.indexed_versions() == {"managua2014": "a" * 64, "tela2008": "b" * 64}
        reader = ix._current().searcher.reader()
        assert reader.doc_frequency("version", "tela2008:" + "b" * 64) == 1  # once per report


@pytest.mark.parametrize("name, key", [
    ("Canadá", "canada"), ("Canada", "canada"), ("United States", "estados_unidos"),
    ("EE.UU.", "estados_unidos"), ("Estados Unidos de América", "estados_unidos"),
    ("República Dominicana", "republica_dominicana"), ("Dominican Republic", "republica_dominicana"),
    ("costa_rica", "costa_rica"), ("Atlantis", "atlantis"),
])
def test_country_keys_come_from_the_one_country_table(name, key):
    assert store.country_facet_key(name) == key


def test_country_filter_takes_any_spelling(tmp_path):
    us = replace(synthetic_reports()[1], id="washington2012", sha256="9" * 64,
                 meeting=replace(synthetic_reports()[1].meeting, country="EE.UU.", date=date(2012, 1, 1)))
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update([us])
        for spelling in ("United States", "Estados Unidos", "estados_unidos", "EEUU"):
            assert ix.search(SearchQuery("migración", country=spelling)).total == 1, spelling


def test_long_posting_lists_span_blocks_exactly_as_whoosh_writes_them(tmp_path):
    # 300 units: "trata", "de" and the report_id term get posting lists of 2-3 blocks of 128, with
    # varying frequencies, positions and field lengths (the single-block case is covered above).
    base = seed_reports()[0]
    texts = [f"{i}. La trata de personas {'y la trata ' * (i % 4)}en {'Tela ' * (i % 7)}de Honduras "
             f"caso-{i % 5} {'RROCM ' * (i % 3)}"
             for i in range(1, 301)]
    report = replace(base, agreements=tuple(Agreement(str(i), t) for i, t in enumerate(texts, 1)))
    (tmp_path / "ref").mkdir(), (tmp_path / "ours").mkdir()
    ours = _postings(_ours(tmp_path / "ours", [report]))
    assert len(ours["exact"][b"trata"]) == 300 and len(ours["report_id"][report.id.encode()]) == 300
    assert ours == _postings(_reference_index(tmp_path / "ref", [report]))


def test_update_replaces_and_removes_only_the_named_reports(tmp_path):
    reports = seed_reports() + synthetic_reports()
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    store.write_reports(ix, reports)
    first, second = reports[0], reports[1]
    changed = replace(first, agreements=(Agreement("1", "1. Un acuerdo nuevo sobre xenofobia."),))
    store.write_reports(ix, [changed], remove_ids=[second.id])
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        reader = searcher.reader()
        counts = {r.id: len(list(searcher.docs_for_query(Term("report_id", r.id)))) for r in reports}
        assert counts[first.id] == 1 and counts[second.id] == 0
        assert all(counts[r.id] == len(r.agreements) for r in reports[2:])
        assert reader.doc_frequency("exact", "xenofobia") == 1


def test_parallel_build_leaves_the_garbage_collector_as_it_found_it(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "PARALLEL_MIN_UNITS", 1)
    monkeypatch.setattr(store, "SEGMENT_UNITS", 7)
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    assert store.write_reports(ix, seed_reports() + synthetic_reports(), procs=2) > 0
    assert gc.get_freeze_count() == 0
