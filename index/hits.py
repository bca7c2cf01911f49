"""The page of hits: the stored fields of the top docnums read and made into ``Hit`` values with
their highlighted snippets. Only the page is read; everything before this step works on docnums."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from operator import itemgetter

from index.generation import Generation
from index.results import Hit
from index.schema import STORED_FIELDS
from index.snippets import HighlightTerms, make_snippets

# The stored values a hit shows, picked from ``Generation.stored_values`` in one call.
_SHOWN = ("report_id", "source", "label", "parent", "date", "city", "country", "title", "exact", "page")
_shown = itemgetter(*(STORED_FIELDS.index(name) for name in _SHOWN))
_TEXT = _SHOWN.index("exact")
_HIT_FIELDS = tuple(field.name for field in fields(Hit))
_new = object.__new__


def make_hits(gen: Generation, ranked: Sequence[tuple[int, float]], marks: HighlightTerms) -> tuple[Hit, ...]:
    """The hits of (docnum, score) pairs, in their order."""
    shown = [_shown(gen.stored_values(docnum)) for docnum, _score in ranked]
    languages = [gen.languages[docnum] or None for docnum, _score in ranked]
    snippets = make_snippets(((values[_TEXT] or "", language) for values, language in zip(shown, languages)), marks)
    return tuple(
        new_hit((report_id, source or "", label, parent, gen.years[docnum] or None, date, city, country,
                 gen.bodies[docnum] or None, title, language, float(score), snippet, text or "", page))
        for (docnum, score), (report_id, source, label, parent, date, city, country, title, text, page),
        language, snippet in zip(ranked, shown, languages, snippets))


def new_hit(values: tuple) -> Hit:
    """``Hit(*values)``, faster: a frozen dataclass's ``__init__`` sets each of its 15 fields through
    ``object.__setattr__`` (~2.4 us a hit); the instance's dict is filled at once instead (~1 us)."""
    hit = _new(Hit)
    hit.__dict__.update(zip(_HIT_FIELDS, values))
    return hit


def make_hit(gen: Generation, docnum: int, score: float, marks: HighlightTerms) -> Hit:
    return make_hits(gen, [(docnum, score)], marks)[0]
