"""JSON shapes shared by the CLI's ``--json`` and the web API: one definition, the same field names.

These are contracts other tools depend on: fields may be added, never renamed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from index import Hit, Precedent, SearchResult, YearCount
from index.expansion import Expansion

from ingest.titles import display_title_of

from .applied_filters import applied_filters, filters_to_dict
from .commitments import ListedCommitment, commitments_of
from .glossary import KINDS, Glossary, glossary
from .models import Agreement, Commitment, IngestSummary, Report
from .participation import ParticipationMatrix
from .versions import VersionLinks


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def agreement_to_dict(agreement: Agreement) -> dict[str, Any]:
    return {
        "label": agreement.label,
        "parent": agreement.parent,
        "text": agreement.text,
        "page": agreement.page,
        "start": agreement.start,
        "end": agreement.end,
        "ocr": agreement.ocr,
    }


def report_to_dict(report: Report, agreements: bool = True, links: VersionLinks | None = None) -> dict[str, Any]:
    m = report.meeting
    data: dict[str, Any] = {
        "id": report.id,
        "source": report.source,
        "sha256": report.sha256,
        "format": report.format,
        "size": report.size,
        "title": m.title,
        "body": m.body,
        "body_key": m.body_key,
        "meeting": m.number,
        "city": m.city,
        "country": m.country,
        "date": _iso(m.date),
        "date_end": _iso(m.date_end),
        "year": m.year,
        "language": report.language,
        "participants": [c.as_written for c in m.participants],
        "participant_keys": [c.key for c in m.participants],
        "observers": list(m.observers),
        "ocr_confidence": report.ocr_confidence,
        "ingested_at": report.ingested_at,
        "agreement_count": len(report.agreements),
        "display_title": m.display_title(report.language),
        "country_inferred": m.country_inferred,
    }
    if links is not None:  # archive.versions: the same document in other languages / other formats
        data["versions"] = list(links.versions_of(report.id))
        data["same_as"] = list(links.same_as_of(report.id))
    if agreements:
        data["agreements"] = [agreement_to_dict(a) for a in report.agreements]
        data["commitments"] = [commitment_to_dict(c) for c in commitments_of(report)]
    return data


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    return {
        "report_id": hit.report_id,
        "source": hit.source,
        "label": hit.label,
        "parent": hit.parent,
        "year": hit.year,
        "date": hit.date,
        "city": hit.city,
        "country": hit.country,
        "body_key": hit.body_key,
        "title": hit.title,
        "display_title": display_title_of(hit.title, hit.body_key, hit.city, hit.country, hit.date, hit.language),
        "language": hit.language,
        "score": round(hit.score, 4),
        "snippet": hit.snippet,
        "text": hit.text,
        "page": hit.page,
    }


def search_result_to_dict(result: SearchResult) -> dict[str, Any]:
    q = result.query
    return {
        "query": q.text,
        "filters": filters_to_dict(applied_filters(result)),  # typed in q (año:2030) or given beside it
        "sort": q.sort,
        "page": q.page,
        "per_page": q.per_page,
        "total": result.total,
        "by_year": {str(year): n for year, n in sorted(result.by_year.items())},
        "facets": result.facets,
        "suggestion": result.suggestion,
        "translate": q.translate,
        "translated_total": result.translated_total,
        "expansions": [expansion_to_dict(e) for e in result.expansions],
        "hits": [hit_to_dict(h) for h in result.hits],
    }


def expansion_to_dict(expansion: Expansion) -> dict[str, Any]:
    """What a query also matched (index.expansion): ``also`` lists the forms, ``literal`` the query that
    searches only what was typed (for a concept: the same query without ``translate``)."""
    return {
        "kind": expansion.kind,
        "key": expansion.key,
        "typed": expansion.typed,
        "also": [{"form": a.form, "language": a.language, "analyzer": a.analyzer} for a in expansion.alternatives],
        "literal": expansion.literal,
    }


def glossary_to_dict(source: Glossary, mentions: dict[str, list[YearCount]] | None = None) -> dict[str, Any]:
    """Every glossary entity with its forms and, given ``mentions``, its matching agreements per year."""
    entities = []
    for e in source.entities:
        item: dict[str, Any] = {
            "key": e.key, "kind": e.kind, "es": e.name_es, "en": e.name_en,
            "acronyms": {"es": list(e.acronyms_es), "en": list(e.acronyms_en)},
            "variants": list(e.variants), "forms": list(e.forms),
        }
        if e.kind == "country":
            item["member"] = e.member
        if mentions is not None:
            counts = mentions.get(e.key, [])
            item["mentions"] = {
                "agreements": sum(c.agreements for c in counts),
                "reports": sum(c.reports for c in counts),
                "by_year": {str(c.year): c.agreements for c in counts if c.agreements},
            }
        entities.append(item)
    return {"kinds": list(KINDS), "total": len(entities), "entities": entities}


def precedent_to_dict(precedent: Precedent) -> dict[str, Any]:
    return {**hit_to_dict(precedent.hit), "score": round(precedent.score, 4)}


def timeline_to_dict(term: str, counts: list[YearCount], translate: bool = False,
                     suggestion: str | None = None) -> dict[str, Any]:
    return {
        "term": term,
        "translate": translate,
        "total": sum(c.agreements for c in counts),
        "years": [{"year": c.year, "agreements": c.agreements, "reports": c.reports} for c in counts],
        "suggestion": suggestion,
    }


def summary_to_dict(summary: IngestSummary) -> dict[str, Any]:
    return {
        "added": len(summary.added),
        "updated": len(summary.updated),
        "unchanged": len(summary.unchanged),
        "failed": len(summary.failed),
        "failed_before": len(summary.failed_before),
        "skipped": len(summary.skipped),
        "files": {
            "added": summary.added,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "failed": [{"file": f, "reason": r} for f, r in summary.failed],
            "failed_before": [{"file": f, "reason": r} for f, r in summary.failed_before],
            "notes": [{"file": f, "note": n} for f, n in summary.notes],
            "skipped": [{"file": f, "reason": r} for f, r in summary.skipped],
        },
    }


# -- research: commitments, participation (issue 15) ---------------------------------------------------


def commitment_to_dict(c: Commitment) -> dict[str, Any]:
    return {
        "label": c.label,
        "due": _iso(c.due),
        "due_window": [c.due_window[0].isoformat(), c.due_window[1].isoformat()] if c.due_window else None,
        "relative": c.relative,
        "phrase": c.phrase,
        "actors": list(c.actors),
        "sentence": c.sentence,
    }


def listed_commitment_to_dict(item: ListedCommitment, status: str) -> dict[str, Any]:
    m = item.report.meeting
    return {
        "report_id": item.report.id,
        **commitment_to_dict(item.commitment),
        "status": status,
        "meeting": {"date": _iso(m.date), "year": m.year, "body_key": m.body_key, "city": m.city,
                    "country": m.country, "title": m.title, "display_title": m.display_title(item.report.language)},
    }


def country_names(key: str) -> dict[str, str]:
    entity = glossary().get(key)
    return {"key": key, "name_es": entity.name_es, "name_en": entity.name_en}


def participation_to_dict(matrix: ParticipationMatrix) -> dict[str, Any]:
    return {
        "countries": [{**country_names(k), "member": glossary().get(k).member,
                       "totals": {**matrix.totals[k].counts, "attended": matrix.totals[k].attended}}
                      for k in matrix.countries],
        "meetings": [
            {"report_id": row.report.id, "date": _iso(row.report.meeting.date), "year": row.report.year,
             "body_key": row.report.meeting.body_key, "city": row.report.meeting.city,
             "country": row.report.meeting.country, "listed": row.listed,
             "attended": row.attended, "observers": row.observers,
             "cells": {k: row.status(k) for k in matrix.countries}}
            for row in matrix.meetings
        ],
    }
