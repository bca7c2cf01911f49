"""The page of hits: the stored fields of the top docnums read and made into ``Hit`` values with
their highlighted snippets. Only the page is read; everything before this step works on docnums."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from index.generation import Generation
from index.results import Hit
from index.schema import STORED_FIELDS
from index.snippets import HighlightTerms, make_snippets

# The stored values a hit shows, picked from ``Generation.stored_values`` in one call.
_SHOWN = ("report_id", "source", "label", "parent", "date", "city", "country", "title", "exact", "page")
_shown = itemgetter(*(STORED_FIELDS.index(name) for name in _SHOWN))


def make_hits(gen: Generation, ranked: Sequence[tuple[int, float]], marks: HighlightTerms) -> tuple[Hit, ...]:
    """The hits of (docnum, score) pairs, in their order."""
    shown = [_shown(gen.stored_values(docnum)) for docnum, _score in ranked]
    languages = [gen.languages[docnum] or None for docnum, _score in ranked]
    snippets = make_snippets(((values[8] or "", language) for values, language in zip(shown, languages)), marks)
    return tuple(
        Hit(report_id=report_id, source=source or "", label=label, parent=parent,
            year=gen.years[docnum] or None, date=date, city=city, country=country,
            body_key=gen.bodies[docnum] or None, title=title, language=language, score=float(score),
            snippet=snippet, text=text or "", page=page)
        for (docnum, score), (report_id, source, label, parent, date, city, country, title, text, page),
        language, snippet in zip(ranked, shown, languages, snippets))


def make_hit(gen: Generation, docnum: int, score: float, marks: HighlightTerms) -> Hit:
    return make_hits(gen, [(docnum, score)], marks)[0]
