"""The page of hits: the stored fields of the top docnums read and made into ``Hit`` values with
their highlighted snippets. Only the page is read; everything before this step works on docnums."""

from __future__ import annotations

from index.generation import Generation
from index.results import Hit
from index.snippets import HighlightTerms, make_snippet


def make_hit(gen: Generation, docnum: int, score: float, marks: HighlightTerms) -> Hit:
    doc = gen.stored(docnum)
    text = doc.get("exact", "")
    language = gen.languages[docnum] or None
    return Hit(
        report_id=doc["report_id"], source=doc.get("source", ""), label=doc["label"],
        parent=doc.get("parent"), year=gen.years[docnum] or None, date=doc.get("date"),
        city=doc.get("city"), country=doc.get("country"), body_key=gen.bodies[docnum] or None,
        title=doc.get("title"), language=language, score=float(score),
        snippet=make_snippet(text, marks, language), text=text, page=doc.get("page"),
    )
