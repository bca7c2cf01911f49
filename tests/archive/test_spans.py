"""The one overlap rule of the readers that match several patterns."""

from dataclasses import dataclass

from archive.spans import without_overlaps


@dataclass(frozen=True)
class Match:
    start: int
    end: int


def test_earlier_wins_then_longer_at_the_same_start_and_text_order_kept():
    found = [Match(10, 12), Match(0, 5), Match(0, 9), Match(8, 11), Match(12, 15)]
    assert without_overlaps(found) == [Match(0, 9), Match(10, 12), Match(12, 15)]


def test_nothing_in_nothing_out():
    assert without_overlaps([]) == []
