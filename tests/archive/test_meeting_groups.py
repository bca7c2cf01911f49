"""Hits grouped by meeting (archive.meeting_groups)."""

from __future__ import annotations

from archive.meeting_groups import group_hits_by_meeting
from index import Hit


def hit(report_id: str, label: str) -> Hit:
    return Hit(report_id=report_id, source="s.txt", label=label, parent=None, year=2000, date=None, city=None,
               country=None, body_key=None, title=None, language="es", score=1.0, snippet="", text="", page=None)


def test_hits_are_grouped_by_meeting_in_order_of_their_best_hit() -> None:
    groups = group_hits_by_meeting([hit("b", "1"), hit("a", "2"), hit("b", "3.a"), hit("c", "1")])
    assert [(g.report_id, [h.label for h in g.hits]) for g in groups] == [
        ("b", ["1", "3.a"]), ("a", ["2"]), ("c", ["1"])]


def test_with_a_document_key_the_versions_of_a_meeting_are_one_group() -> None:
    document = {"b-es": "b", "b-en": "b", "a": "a"}
    groups = group_hits_by_meeting([hit("b-es", "1"), hit("a", "1"), hit("b-en", "1")], document.__getitem__)
    assert [(g.report_id, [h.report_id for h in g.hits]) for g in groups] == [("b-es", ["b-es", "b-en"]), ("a", ["a"])]
    assert [h.report_id for h in groups[0].others] == ["b-en"]
