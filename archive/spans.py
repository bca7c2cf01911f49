"""Matches found in a text by several patterns, reduced to one reading of the text.

Every reader that finds names by more than one pattern (the glossary, bodies, countries, deadlines) gets
overlapping matches (an acronym inside a full name, a country inside
a longer name); the rule is the same everywhere, so it is written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


def without_overlaps(spans: Iterable[S]) -> list[S]:
    """``spans`` in text order with overlaps removed: the earlier match wins, and at the same start the longer."""
    kept: list[S] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
