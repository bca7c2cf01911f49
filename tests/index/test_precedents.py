"""Precedents: similar agreements from earlier meetings."""

from __future__ import annotations

import pytest

from archive.models import ArchiveError
from tests.index.conftest import seed_reports, synthetic_reports


def test_managua_5_has_tela_3_as_precedent(seed_index):
    managua = seed_reports()[0]
    precedents = seed_index.precedents(managua, "5")
    found = [(p.hit.report_id, p.hit.label) for p in precedents]
    assert ("tela2008", "3") in found
    assert found[0] == ("tela2008", "3")  # the RROCM presentation is the closest
    assert all(p.score > 0 for p in precedents)
    assert [p.score for p in precedents] == sorted((p.score for p in precedents), reverse=True)
    assert "<mark>RROCM</mark>" in precedents[0].hit.snippet


def test_precedents_are_earlier_other_reports_with_a_date(seed_index):
    managua = seed_reports()[0]
    for p in seed_index.precedents(managua, "2.d", limit=50):
        assert p.hit.report_id != "managua2014"
        assert p.hit.date is not None and p.hit.date < "2014-11-24"
    # The undated report mentions the RROCM too, but it can never be "earlier".
    assert "sinfecha" not in {p.hit.report_id for p in seed_index.precedents(managua, "5", limit=50)}


def test_earliest_report_has_no_precedents(seed_index):
    assert seed_index.precedents(seed_reports()[1], "3") == []


def test_undated_report_has_no_precedents(seed_index):
    undated = synthetic_reports()[2]
    assert seed_index.precedents(undated, "1") == []


def test_limit(seed_index):
    assert len(seed_index.precedents(seed_reports()[0], "1", limit=2)) <= 2


def test_unknown_label_is_a_domain_error(seed_index):
    with pytest.raises(ArchiveError):
        seed_index.precedents(seed_reports()[0], "99")


def test_weak_matches_are_not_precedents(tmp_path):
    """Tela 2008 point 3 (the RROCM's presentation) has a related earlier unit and unrelated ones
    that share only their number, one common word, or a thank-you formula."""
    from datetime import date
    from dataclasses import replace

    from archive.models import Agreement
    from index.search import AgreementIndex

    tela = seed_reports()[1]
    earlier = replace(tela, id="panama2005", source="panama2005.txt", sha256="7" * 64,
                      meeting=replace(tela.meeting, date=date(2005, 3, 1), city="Panamá", country="Panamá"),
                      agreements=(
                          Agreement("3", "3. Agradecer a Panamá por la organización de la reunión."),
                          Agreement("4", "4. Agradecer a las organizaciones internacionales su presencia."),
                          Agreement("5", "5. La Red Regional de Organizaciones Civiles para las Migraciones "
                                         "(RROCM) presentó sus propuestas de cooperación con la sociedad civil."),
                          Agreement("6", "6. Los países miembros de la CRM aprobaron el calendario."),
                      ))
    with AgreementIndex(tmp_path / "ix") as ix:
        ix.update([earlier] + seed_reports() + synthetic_reports())  # realistic word frequencies
        found = [(p.hit.report_id, p.hit.label) for p in ix.precedents(tela, "3", limit=10)]
    assert found[0] == ("panama2005", "5")
    assert ("panama2005", "3") not in found  # shares the number 3 and "organización"
    assert ("panama2005", "4") not in found


def test_a_preamble_is_never_a_precedent(seed_index):
    """Tela 2008's preamble names the same network, countries and bodies as any Managua 2014 point, but it
    agrees nothing: the Secretaría Técnica looking for precedents wants agreements."""
    managua = seed_reports()[0]
    for agreement in managua.agreements:
        precedents = seed_index.precedents(managua, agreement.label, limit=50)
        assert "preamble" not in {p.hit.label for p in precedents}, agreement.label
    assert seed_index.precedents(managua, "5")  # the real precedents are still there


def test_precedents_rank_as_whoosh_collector_ranks_the_similarity_query(seed_index):
    """The similarity query is scored by our BM25 over the posting arrays: the same units, scores and
    order as Whoosh's own collector over the earlier units (which it took ~4 s to walk at 100k units)."""
    from index.expansion import other_language_terms
    from index.precedents import key_terms, similarity_query

    gen = seed_index._current()
    checked = 0
    for report in seed_reports():
        if report.meeting.date is None:
            continue
        dates = gen.date_array[gen.live]
        earlier = set(gen.live[(dates > 0) & (dates < report.meeting.date.toordinal())].tolist())
        for agreement in report.agreements:
            if agreement.label == "preamble":
                continue
            ours = seed_index.precedents(report, agreement.label, limit=50)
            query = similarity_query(key_terms(gen.reader, agreement.text, gen.doc_count_all),
                                     other_language_terms(agreement.text, report.language))
            theirs = {(hit["report_id"], hit["label"]): hit.score
                      for hit in gen.searcher.search(query, limit=None, filter=earlier)}
            ranked = sorted(theirs.items(), key=lambda item: -item[1])
            for p in ours:
                assert p.score == pytest.approx(theirs[(p.hit.report_id, p.hit.label)], rel=1e-9)
            # ours is the collector's order with the weak matches and preambles left out
            order = [unit for unit, _score in ranked]
            positions = [order.index((p.hit.report_id, p.hit.label)) for p in ours]
            assert positions == sorted(positions)
            checked += len(ours)
    assert checked > 5
