"""The on-disk index: generations, documents, writing.

Layout of an index directory::

    index_dir/CURRENT.json   {"generation": "g000003", "schema_version": 1}
    index_dir/g000003/       a Whoosh index

``rebuild`` writes a whole new generation beside the current one and then replaces CURRENT.json
with ``os.replace`` -- atomic on POSIX -- so a reader (the web app, another process) sees either the
old index or the new one, never a half-built one. The previous generation is kept until the next
rebuild, because a long-lived searcher in another process may still have its files open.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from archive.models import Agreement, ArchiveError, Report
from index.analysis import SPANISH_STOP_WORDS, iter_word_tokens
from index.schema import SCHEMA_VERSION, build_schema, facet_key

log = logging.getLogger(__name__)

POINTER_FILE = "CURRENT.json"


class IndexStoreError(ArchiveError):
    """The index directory cannot be read or written (message says why, in one line)."""


@dataclass(frozen=True)
class Pointer:
    generation: str
    schema_version: int


def read_pointer(index_dir: Path) -> Pointer | None:
    try:
        data = json.loads((index_dir / POINTER_FILE).read_text(encoding="utf-8"))
        return Pointer(str(data["generation"]), int(data["schema_version"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as e:
        log.warning("unreadable index pointer in %s: %s", index_dir, e)
        return None


def _write_pointer(index_dir: Path, pointer: Pointer) -> None:
    tmp = index_dir / f".{POINTER_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"generation": pointer.generation,
                               "schema_version": pointer.schema_version}), encoding="utf-8")
    os.replace(tmp, index_dir / POINTER_FILE)


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[1:]) for p in index_dir.glob("g[0-9]*") if p.name[1:].isdigit()]
    return f"g{max(numbers, default=0) + 1:06d}"


def open_current(index_dir: Path) -> tuple[Index, Pointer]:
    """Open the current generation, creating an empty index if there is none."""
    index_dir.mkdir(parents=True, exist_ok=True)
    pointer = read_pointer(index_dir)
    if pointer is not None and (index_dir / pointer.generation).is_dir():
        try:
            return whoosh_index.open_dir(str(index_dir / pointer.generation)), pointer
        except (whoosh_index.EmptyIndexError, OSError) as e:
            log.warning("index generation %s unusable (%s); starting a new one", pointer.generation, e)
    name = _next_generation_name(index_dir)
    (index_dir / name).mkdir()
    ix = whoosh_index.create_in(str(index_dir / name), build_schema())
    pointer = Pointer(name, SCHEMA_VERSION)
    _write_pointer(index_dir, pointer)
    return ix, pointer


# --- documents ----------------------------------------------------------------------------------


def _body_terms(report: Report) -> list[str]:
    meeting = report.meeting
    terms: set[str] = set()
    if meeting.body_key:
        terms.add(meeting.body_key)
        terms.update(p for p in meeting.body_key.split("_") if p)
    if meeting.body:
        terms.update(tok for tok, *_ in iter_word_tokens(meeting.body) if tok not in SPANISH_STOP_WORDS)
    return sorted(terms)


def unit_documents(report: Report) -> Iterator[dict]:
    """The index documents of a report: one per agreement unit."""
    meeting = report.meeting
    language = (report.language or "").lower() or None
    text_field = "text_en" if language == "en" else "text"
    common = {
        "report_id": report.id,
        "version": f"{report.id}:{report.sha256}",
        "source": report.source,
        "title": meeting.title,
        "body": meeting.body,
        "city": meeting.city,
        "country": meeting.country,
        "date": meeting.date.isoformat() if meeting.date else None,
        "body_terms": " ".join(_body_terms(report)),
        "participants": ",".join(sorted({c.key for c in meeting.participants if c.key})),
    }
    if meeting.date:
        common["year"] = meeting.date.year
        common["date_ordinal"] = meeting.date.toordinal()
    if meeting.body_key:
        common["body_key"] = meeting.body_key
    if meeting.country:
        common["country_key"] = facet_key(meeting.country)
    if meeting.city:
        common["city_key"] = facet_key(meeting.city)
    if language:
        common["language"] = language
    for agreement in report.agreements:
        yield _unit_document(report, agreement, common, text_field)


def _unit_document(report: Report, agreement: Agreement, common: dict, text_field: str) -> dict:
    doc = dict(common)
    doc.update({
        "unit_id": unit_id(report.id, agreement.label),
        "label": agreement.label,
        "parent": agreement.parent,
        "page": agreement.page,
        "ocr": agreement.ocr,
        text_field: agreement.text,
        "exact": agreement.text,
        "pairs": agreement.text,
    })
    return {k: v for k, v in doc.items() if v is not None and v != ""}


def unit_id(report_id: str, label: str) -> str:
    return f"{report_id}#{label}"


# --- writing ------------------------------------------------------------------------------------


def write_reports(ix: Index, reports: Iterable[Report], remove_ids: Iterable[str] = ()) -> int:
    """Replace the units of ``reports`` (and delete ``remove_ids``) in one commit. Returns units added."""
    writer = ix.writer(limitmb=128)
    added = 0
    try:
        for report_id in remove_ids:
            writer.delete_by_term("report_id", report_id)
        for report in reports:
            writer.delete_by_term("report_id", report.id)
            for doc in unit_documents(report):
                writer.add_document(**doc)
                added += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return added


def build_generation(index_dir: Path, reports: Iterable[Report], procs: int = 1,
                     limitmb: int = 256) -> int:
    """Write all ``reports`` into a fresh generation and make it current. Returns units indexed."""
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = read_pointer(index_dir)
    name = _next_generation_name(index_dir)
    gen_dir = index_dir / name
    gen_dir.mkdir()
    added = 0
    try:
        ix = whoosh_index.create_in(str(gen_dir), build_schema())
        kwargs = {"limitmb": limitmb}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        writer = ix.writer(**kwargs)
        try:
            for report in reports:
                for doc in unit_documents(report):
                    writer.add_document(**doc)
                    added += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        ix.close()
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    _write_pointer(index_dir, Pointer(name, SCHEMA_VERSION))
    _remove_old_generations(index_dir, keep={name, previous.generation if previous else name})
    log.info("index rebuilt: %d units in %s", added, gen_dir)
    return added


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.glob("g[0-9]*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
