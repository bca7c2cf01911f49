"""Index documents: one per agreement unit -- what is stored for display, which per-document
columns feed filters and facets, and the text the writer indexes (``index.store`` writes them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.reading import IndexReader

from archive.models import Report
from index.analysis import SPANISH_STOP_WORDS, iter_word_tokens, strip_list_marker
from index.schema import INT_COLUMNS, STRING_COLUMNS, facet_key
from ingest.places import country_key


@dataclass(frozen=True)
class UnitDoc:
    """One unit as the writer needs it: what to store, which columns, and the text to index."""

    stored: dict
    columns: dict
    text: str  # the text to index: the unit text without its list marker
    english: bool
    version: str | None  # set on the first unit of a report only


def _body_terms(report: Report) -> list[str]:
    meeting = report.meeting
    terms: set[str] = set()
    if meeting.body_key:
        terms.add(meeting.body_key)
        terms.update(p for p in meeting.body_key.split("_") if p)
    if meeting.body:
        terms.update(tok for tok, *_ in iter_word_tokens(meeting.body) if tok not in SPANISH_STOP_WORDS)
    return sorted(terms)


def country_facet_key(name: str) -> str:
    """The one key of a country, whatever language it was written in ("Canadá", "United States",
    "EE.UU."): ``ingest.places`` holds THE country table; unknown places fall back to facet_key."""
    return country_key(name) or country_key(name.replace("_", " ")) or facet_key(name)


def unit_documents(report: Report) -> Iterator[UnitDoc]:
    """The index documents of a report: one per agreement unit."""
    meeting = report.meeting
    language = (report.language or "").lower() or None
    common_stored = {
        "report_id": report.id,
        "source": report.source,
        "title": meeting.title,
        "body": meeting.body,
        "city": meeting.city,
        "country": meeting.country,
        "date": meeting.date.isoformat() if meeting.date else None,
    }
    common_stored = {k: v for k, v in common_stored.items() if v is not None and v != ""}
    columns = {
        "report_id": report.id,
        "year": meeting.date.year if meeting.date else 0,
        "date_ordinal": meeting.date.toordinal() if meeting.date else 0,
        "body_key": meeting.body_key or "",
        "body_terms": " ".join(_body_terms(report)),
        "country_key": country_facet_key(meeting.country) if meeting.country else "",
        "city_key": facet_key(meeting.city) if meeting.city else "",
        "language": language or "",
    }
    version = f"{report.id}:{report.sha256}"
    for agreement in report.agreements:
        stored = dict(common_stored)
        stored.update({"unit_id": unit_id(report.id, agreement.label), "label": agreement.label,
                       "parent": agreement.parent, "page": agreement.page, "ocr": agreement.ocr,
                       "exact": agreement.text})
        stored = {k: v for k, v in stored.items() if v is not None and v != ""}
        yield UnitDoc(stored, columns, strip_list_marker(agreement.text), language == "en", version)
        version = None


def unit_id(report_id: str, label: str) -> str:
    return f"{report_id}#{label}"


def stored_units(reader: IndexReader) -> Iterator[UnitDoc]:
    """The live units of one segment, read back as the writer was given them (``unit_documents``):
    each field of a unit is stored or a column, and the version term marks a report's first unit.
    Lets a merge rewrite segments in our own format without the catalog."""
    versions = {docnum: term.decode("utf-8") for term in reader.lexicon("version")
                for docnum in reader.postings("version", term).all_ids()}
    columns = {name: reader.column_reader(name) for name in STRING_COLUMNS + INT_COLUMNS}
    shared: dict[tuple, dict] = {}  # one columns dict per report, as unit_documents gives them
    for docnum in range(reader.doc_count_all()):
        if reader.is_deleted(docnum):
            continue
        values = {name: _column_value(column[docnum]) for name, column in columns.items()}
        values = shared.setdefault(tuple(values.items()), values)
        stored = reader.stored_fields(docnum)
        yield UnitDoc(stored, values, strip_list_marker(stored.get("exact", "")), values["language"] == "en",
                      versions.get(docnum))


def _column_value(value: bytes | str | int) -> str | int:
    return value.decode("utf-8") if isinstance(value, bytes) else value
