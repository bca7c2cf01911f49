"""The JSON API: the pages' data with the CLI's ``--json`` field names (archive.serialize), errors as JSON.

Described in web/openapi.json, served at /api/openapi.json.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from archive import serialize
from archive.models import NotFound
from index import QuerySyntaxError

from . import i18n, research
from .params import API_PARAMS, MAX_QUERY_CHARS, ParsedSearch, flag, parse_search
from .views import CSV_BATCH, csv_response, get_archive

bp = Blueprint("api", __name__, url_prefix="/api")

OPENAPI = Path(__file__).with_name("openapi.json")
PRECEDENTS_MAX = 100


def error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def problems_text(parsed: ParsedSearch) -> str:
    return "; ".join(i18n.translate("en", p.key, **p.values) for p in parsed.problems)


@bp.errorhandler(NotFound)
def not_found(e: NotFound) -> Response:
    return error(404, str(e))


@bp.errorhandler(QuerySyntaxError)
def bad_query(e: QuerySyntaxError) -> Response:
    return error(400, f"query syntax: {e}")


@bp.get("/search")
def search() -> Response:
    parsed = parse_search(request.args, API_PARAMS, per_page_max=current_app.config["JSON_PER_PAGE_MAX"])
    if parsed.problems:  # a machine gets a 400 rather than a silently corrected answer
        return error(400, problems_text(parsed))
    if parsed.query is None:
        return error(400, "give a query (q) or at least one filter")
    return jsonify(serialize.search_result_to_dict(get_archive().search(parsed.query)))


@bp.get("/search.csv")
def search_csv() -> Response:
    parsed = parse_search(request.args, API_PARAMS, per_page=CSV_BATCH, per_page_max=CSV_BATCH)
    if parsed.problems:
        return error(400, problems_text(parsed))
    return csv_response(parsed)


@bp.get("/reports")
def reports() -> Response:
    archive = get_archive()
    found, links = archive.reports(texts=False), archive.version_links()
    return jsonify({"total": len(found),
                    "reports": [serialize.report_to_dict(r, agreements=False, links=links) for r in found]})


@bp.get("/reports/<report_id>")
def report(report_id: str) -> Response:
    # The same shape as `crm-archive show --json`; the report's citation is at /api/reports/{id}/citation.
    archive = get_archive()
    return jsonify(serialize.report_to_dict(archive.report(report_id), links=archive.version_links()))


@bp.get("/reports/<report_id>/agreements/<label>")
def agreement(report_id: str, label: str) -> Response:
    found = get_archive().report(report_id)
    unit = found.agreement(label)
    if unit is None:
        return error(404, f"report {report_id!r} has no agreement {label!r}")
    m = found.meeting
    return jsonify({
        "report_id": report_id,
        **serialize.agreement_to_dict(unit),
        "citation": research.citation_wording(m, label, "es")[1],
        "report": serialize.report_to_dict(found, agreements=False),
        "citations": research.citation_urls(report_id, label),
    })


@bp.get("/reports/<report_id>/agreements/<label>/precedents")
def precedents(report_id: str, label: str) -> Response:
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= PRECEDENTS_MAX:
        return error(400, f"limit must be a whole number from 1 to {PRECEDENTS_MAX}")
    found = get_archive().precedents(report_id, label, int(raw))
    # The same shape as `crm-archive precedents --json`.
    return jsonify({"report_id": report_id, "label": label,
                    "precedents": [serialize.precedent_to_dict(p) for p in found]})


@bp.get("/timeline")
def timeline() -> Response:
    term = (request.args.get("q") or "").strip()
    if not term:
        return error(400, "give a term (q)")
    if len(term) > MAX_QUERY_CHARS:
        return error(400, f"the term is too long (at most {MAX_QUERY_CHARS} characters)")
    translate = flag(request.args, "translate")
    return jsonify(serialize.timeline_to_dict(term, get_archive().timeline(term, translate), translate))


@bp.get("/openapi.json")
def openapi() -> Response:
    return current_app.response_class(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


@bp.get("/")
def index() -> Response:
    return jsonify({"openapi": "/api/openapi.json", "endpoints": [
        "/api/search", "/api/search.csv", "/api/reports", "/api/reports/{id}",
        "/api/reports/{id}/agreements/{label}", "/api/reports/{id}/agreements/{label}/precedents",
        "/api/timeline", "/api/commitments", "/api/participation", "/api/countries/{key}",
        "/api/reports/{id}/citation", "/api/reports/{id}/agreements/{label}/citation", "/api/glossary"]})

