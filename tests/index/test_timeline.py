"""A term across the years (index.timeline)."""

from __future__ import annotations

def test_timeline_counts_agreements_and_reports_per_year(seed_index):
    timeline = seed_index.timeline("RROCM")
    assert [(y.year, y.agreements, y.reports) for y in timeline] == \
        [(2008, 1, 1), (2009, 0, 0), (2010, 1, 1), (2011, 0, 0), (2012, 0, 0), (2013, 0, 0), (2014, 1, 1)]
    assert seed_index.timeline("palabrainexistente") == []

