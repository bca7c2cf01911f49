"""The JSON API: the pages' data with the CLI's ``--json`` field names (archive.serialize), errors as JSON.

Described in web/openapi.json, served at /api/openapi.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from archive import serialize
from archive.glossary import glossary
from archive.models import NotFound
from index import QuerySyntaxError

from . import i18n, research, typed_filters
from .params import API_PARAMS, MAX_QUERY_CHARS, NORMALISED, REJECTED_WORDING, ParsedSearch, flag, parse_search
from .views import CSV_BATCH, csv_response, get_archive

bp = Blueprint("api", __name__, url_prefix="/api")

OPENAPI = Path(__file__).with_name("openapi.json")
PRECEDENTS_MAX = 100
PRECEDENTS_DEFAULT = 10
API_PAGE_MAX = 1000  # x per_page (<= 100) stays within the core's 100,000-hit depth


def error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


@dataclass(frozen=True)
class QueryRules:
    """What the API refuses in ``q`` before searching, read from the OpenAPI document itself so
    the document and the code cannot disagree (schemathesis checks both ways): a query needs a
    word that certainly searches something, a wildcard needs 2 letters right before it, and a
    filter typed in it needs a value (web.typed_filters). The patterns are written so that every
    regex engine reads them alike (see web/openapi.json)."""

    blank: re.Pattern
    searchable: re.Pattern
    has_wildcard: re.Pattern
    bad_wildcard: re.Pattern
    bad_filters: tuple[re.Pattern, ...]

    def problem(self, text: str, required: bool) -> str | None:
        if self.blank.search(text):
            return "give a query (q)" if required else None
        # The wildcard first: "*" is refused for it by the search box and the CLI too.
        if self.has_wildcard.search(text) and self.bad_wildcard.search(text):
            return "a wildcard (* or ?) in q needs 2 letters right before it, e.g. migra*"
        if not self.searchable.search(text):
            return ("q has no word to search (Latin letters or digits; AND, OR, NOT, Y, O alone are operators)")
        if any(p.search(text) for p in self.bad_filters):
            return ("a filter in q needs a value after its colon, and a year filter a year or a range, "
                    "e.g. año:2008, año:2008..2014, pais:honduras")
        return None


@cache
def query_rules() -> QueryRules:
    spec = json.loads(served_openapi())
    q = spec["paths"]["/api/search"]["get"]["parameters"][0]["schema"]["properties"]["q"]
    blank, searchable = q["anyOf"]
    wildcard, *filters = searchable["not"]["anyOf"]
    has_wildcard, bad_wildcard = wildcard["allOf"]
    return QueryRules(re.compile(blank["pattern"]), re.compile(searchable["pattern"]),
                      re.compile(has_wildcard["pattern"]), re.compile(bad_wildcard["pattern"]),
                      tuple(re.compile(f["pattern"]) for f in filters))


def problems_text(parsed: ParsedSearch) -> str:
    """The rejected values, worded as rejected (the pages word the same problems as "ignored")."""
    return "; ".join(i18n.translate("en", REJECTED_WORDING.get(p.key, p.key), **p.values)
                     for p in parsed.problems if p.key not in NORMALISED)


def flag_refusal(name: str) -> Response | None:
    """The API's flags are 0 or 1 (or empty): ``translate=true`` is refused, not silently read as false."""
    if (request.args.get(name) or "").strip() not in ("", "0", "1"):
        return error(400, f"{name} must be 0 or 1")
    return None


def refusal(parsed: ParsedSearch) -> Response | None:
    """The 400 for a search the API will not run -- one wording for /api/search and /api/search.csv."""
    if any(p.key not in NORMALISED for p in parsed.problems):  # a machine gets a 400, not a corrected answer
        return error(400, problems_text(parsed))
    flag_refused = flag_refusal(API_PARAMS.translate or "translate")
    if flag_refused is not None:
        return flag_refused
    text_problem = query_rules().problem(request.args.get("q") or "", required=False)
    if text_problem:
        return error(400, text_problem)
    if parsed.query is None:
        return error(400, "give a query (q) or at least one filter")
    return None


@cache
def documented_query_schemas() -> dict[str, dict[str, dict]]:
    """The query parameters of each API route and their schemas, read from the served document (a
    parameter of style form that is an object -- the search -- contributes its properties), keyed by
    the Flask rule."""
    spec = json.loads(served_openapi())
    found: dict[str, dict[str, dict]] = {}
    for path, item in spec["paths"].items():
        schemas: dict[str, dict] = {}
        for p in item.get("get", {}).get("parameters", []):
            if p["in"] != "query":
                continue
            schemas.update(p["schema"].get("properties", {}) if p["schema"].get("type") == "object"
                           else {p["name"]: p["schema"]})
        found[re.sub(r"\{([^}]+)\}", r"<\1>", path)] = schemas
    return found


def is_a_choice(schema: dict) -> bool:
    """A number, a flag, a date or one of a list (``oneOf``/``enum``), as opposed to free text."""
    return "oneOf" in schema or "enum" in schema


@bp.before_app_request
def refuse_repeated_or_padded_parameters() -> Response | None:
    """A documented parameter given twice (``year=2008&year=2014``) or as ``year[]=`` is refused: read
    silently as its first value or ignored, the answer would not be what the client asked for. So is a
    number, flag, date or choice with spaces around it (``limit=8%C2%A0``): the document says what a
    value looks like, and a blank one is the default, but ``8 `` is neither."""
    rule = request.url_rule.rule if request.url_rule else None
    if request.method not in ("GET", "HEAD") or rule not in documented_query_schemas():
        return None
    for name, schema in sorted(documented_query_schemas()[rule].items()):
        given = [k for k in request.args if k == name or k.startswith(name + "[")]
        count = sum(len(request.args.getlist(k)) for k in given)
        if count > 1 or any(k != name for k in given):
            return error(400, f"give {name} once, as one plain value")
        value = request.args.get(name, "")
        if is_a_choice(schema) and value.strip() and value != value.strip():
            return error(400, f"give {name} without spaces around it")
    return None


@bp.errorhandler(NotFound)
def not_found(e: NotFound) -> Response:
    return error(404, str(e))


@bp.errorhandler(QuerySyntaxError)
def bad_query(e: QuerySyntaxError) -> Response:
    return error(400, f"query syntax: {i18n.core_message(str(e), 'en')}")  # the API speaks English


@bp.get("/search")
def search() -> Response:
    parsed = parse_search(request.args, API_PARAMS, per_page_max=current_app.config["JSON_PER_PAGE_MAX"],
                          page_max=API_PAGE_MAX)
    refused = refusal(parsed)
    if refused is not None:
        return refused
    return jsonify(serialize.search_result_to_dict(get_archive().search(parsed.query)))


@bp.get("/search.csv")
def search_csv() -> Response:
    parsed = parse_search(request.args, API_PARAMS, per_page=CSV_BATCH, per_page_max=CSV_BATCH)
    refused = refusal(parsed)
    if refused is not None:
        return refused
    # The export's first page, searched here so that a query error is answered by bad_query, worded
    # as /api/search words it; the export then reads this page from the archive's result cache.
    get_archive().search(replace(parsed.query, page=1, per_page=CSV_BATCH))
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
    raw = (request.args.get("limit") or "").strip() or str(PRECEDENTS_DEFAULT)  # empty: the default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= PRECEDENTS_MAX:
        return error(400, f"limit must be a whole number from 1 to {PRECEDENTS_MAX}")
    found = get_archive().precedents(report_id, label, int(raw))
    # The same shape as `crm-archive precedents --json`.
    return jsonify({"report_id": report_id, "label": label,
                    "precedents": [serialize.precedent_to_dict(p) for p in found]})


@bp.get("/timeline")
def timeline() -> Response:
    term = request.args.get("q") or ""
    if len(term) > MAX_QUERY_CHARS:
        return error(400, f"the term is too long (at most {MAX_QUERY_CHARS} characters)")
    text_problem = query_rules().problem(term, required=True)
    if text_problem:
        return error(400, text_problem)
    flag_refused = flag_refusal("translate")
    if flag_refused is not None:
        return flag_refused
    term = term.strip()
    translate = flag(request.args, "translate")
    archive = get_archive()
    counts = archive.timeline(term, translate)
    suggestion = None if counts else archive.suggestion(term, translate)
    return jsonify(serialize.timeline_to_dict(term, counts, translate, suggestion))


@cache
def served_openapi() -> str:
    """web/openapi.json with what only the data knows filled in: the glossary keys ``actor`` of
    /api/commitments accepts (archive/data holds them once; the document must not keep a second copy)
    and the patterns for filters typed in q."""
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    actor = next(p for p in spec["paths"]["/api/commitments"]["get"]["parameters"] if p["name"] == "actor")
    actor["schema"]["oneOf"][0] = {"type": "string", "enum": [e.key for e in glossary().entities]}
    # ... and the filter names the query parser knows (index.query), in the rules for q.
    search_q = spec["paths"]["/api/search"]["get"]["parameters"][0]["schema"]["properties"]["q"]["anyOf"][1]
    timeline_q = spec["paths"]["/api/timeline"]["get"]["parameters"][0]["schema"]
    for q in (search_q, timeline_q):
        q["not"]["anyOf"] += [{"pattern": typed_filters.year_without_a_year()},
                              {"pattern": typed_filters.filter_without_a_value()}]
    return json.dumps(spec, ensure_ascii=False, indent=2)


@bp.get("/openapi.json")
def openapi() -> Response:
    return current_app.response_class(served_openapi(), mimetype="application/json")


@bp.get("/")
def index() -> Response:
    return jsonify({"openapi": "/api/openapi.json", "endpoints": [
        "/api/search", "/api/search.csv", "/api/reports", "/api/reports/{id}",
        "/api/reports/{id}/agreements/{label}", "/api/reports/{id}/agreements/{label}/precedents",
        "/api/timeline", "/api/commitments", "/api/participation", "/api/countries/{key}",
        "/api/reports/{id}/citation", "/api/reports/{id}/agreements/{label}/citation", "/api/glossary"]})

