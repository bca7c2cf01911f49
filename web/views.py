"""The HTML pages: search, meetings, a report, an agreement's permalink, a term across the years.

Each view parses its input, calls one method of the ``Archive`` facade, and renders a template; domain
errors become a message on the page (bad query) or the 404 page (unknown id).
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, g, render_template, request, send_file, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from archive.applied_filters import AppliedFilters, applied_filters
from archive.archive import Archive
from archive.meeting_groups import group_hits_by_meeting
from archive.models import NotFound, Report
from index import QuerySyntaxError, SearchQuery, SearchResult

from . import charts, i18n, presenters
from .params import MAX_QUERY_CHARS, PAGE_PARAMS, ParsedSearch, Problem, flag, last_page, parse_search

bp = Blueprint("ui", __name__)

PRECEDENTS_SHOWN = 10
CSV_COLUMNS = ("report_id", "source", "label", "parent", "year", "date", "city", "country", "body_key",
               "language", "score", "text")
CSV_BATCH = 200  # the core caps per_page at 200
# Parameters a page link carries over; anything else in the URL (tracking junk, typos) is dropped.
SEARCH_KEYS = ("q", "desde", "hasta", "organo", "pais", "idioma", "orden", "pagina", "traducir")


# -- the archive on g ----------------------------------------------------------------------------------


def get_archive() -> Archive:
    """The archive for this request.

    By default one ``Archive`` is shared by the app's threads, opened on first use (never at import):
    its index keeps its searcher and per-generation caches between requests and follows a re-ingest by
    another process on its own, and the catalog gives each thread its own SQLite connection. Opening per
    request (``ARCHIVE_PER_REQUEST``) costs ~15 ms per request on the seed corpus and grows with the index.
    """
    if "archive" not in g:
        if current_app.config["ARCHIVE_PER_REQUEST"]:
            g.archive = Archive(Path(current_app.config["DATA_DIR"]), catalog=current_app.config.get("CATALOG"))
            g.archive_owned = True
        else:
            g.archive = _shared_archive(current_app._get_current_object())  # type: ignore[attr-defined]
    return g.archive


_shared_lock = threading.Lock()


def _shared_archive(app: Flask) -> Archive:
    with _shared_lock:
        archive = app.extensions.get("crm_archive")
        if archive is None:
            archive = app.extensions["crm_archive"] = Archive(Path(app.config["DATA_DIR"]),
                                                              catalog=app.config.get("CATALOG"))
        return archive


def close_archive(_error: BaseException | None = None) -> None:
    """teardown_appcontext: close a per-request archive; the shared one lives as long as the app."""
    archive = g.pop("archive", None)
    if archive is not None and g.pop("archive_owned", False):
        archive.close()


def close_shared_archive(app: Flask) -> None:
    """Close the app's shared archive (tests, or a server shutting down)."""
    with _shared_lock:
        archive = app.extensions.pop("crm_archive", None)
    if archive is not None:
        archive.close()


# -- template helpers ----------------------------------------------------------------------------------


def t(key: str, n: int | None = None, **values: object) -> str:
    return i18n.translate(g.get("lang", i18n.DEFAULT_LANGUAGE), key, n, **values)


def link(endpoint: str, **values: Any) -> str:
    """``url_for`` that keeps an explicit English choice in the URL, so a copied link opens in English."""
    lang = g.get("lang", i18n.DEFAULT_LANGUAGE)
    if lang != i18n.DEFAULT_LANGUAGE:
        values.setdefault("lang", lang)
    return url_for(endpoint, **{k: v for k, v in values.items() if v not in (None, "")})


def search_link(**changes: Any) -> str:
    """The current search with some parameters changed (None removes one); the page resets unless given."""
    values: dict[str, Any] = {k: request.args.get(k) for k in SEARCH_KEYS}
    values["pagina"] = None
    values.update(changes)
    if str(values.get("pagina")) == "1":  # page 1 is the default: one URL per state
        values["pagina"] = None
    return link("ui.search", **values)


def switch_language_link() -> str:
    other = "en" if g.get("lang") != "en" else "es"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    endpoint = request.endpoint or "ui.search"
    view_args = request.view_args or {}
    if request.url_rule is None:  # an error page for a URL with no route: switch on the search page
        endpoint, view_args, args = "ui.search", {}, {}
    return url_for(endpoint, **view_args, **args, lang=other)


def template_helpers() -> dict[str, Any]:
    lang = g.get("lang", i18n.DEFAULT_LANGUAGE)
    return {
        "lang": lang,
        "t": t,
        "link": link,
        "search_link": search_link,
        "switch_language_link": switch_language_link,
        "fmt_date": lambda value: i18n.format_date(value, lang),
        "fmt_dates": lambda start, end=None: i18n.format_date_range(start, end, lang),
        "fmt_number": lambda n: i18n.format_number(n, lang),
        "body_name": lambda key: i18n.body_name(key, lang),
        "meeting_title": lambda title, body_key, number=None: presenters.meeting_heading(
            title, i18n.specific_body_name(body_key, lang), number, i18n.translate(lang, "unknown")),
        "language_name": lambda code: i18n.language_name(code, lang),
        "agreement_name": lambda label: i18n.agreement_name(label, lang),
        "hit_title": presenters.hit_display_title,
        "agreement_count": presenters.agreement_count,
        "place": lambda city, country: presenters.place(city, country, i18n.country_name(country, lang)),
        "country_label": lambda name: i18n.country_name(name, lang),
        "anchor": presenters.anchor,
        "filter_label": lambda field: i18n.translate(lang, presenters.FILTER_LABELS[field]),
        "year_range_text": presenters.year_range_text,
        "example_queries": i18n.EXAMPLE_QUERIES,
    }


def problem_messages(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return [t(p.key, **p.values) for p in problems]


# -- search ----------------------------------------------------------------------------------------------


def run_search(parsed: ParsedSearch) -> tuple[SearchResult | None, list[str]]:
    """Run a parsed search; a bad query or a page past the end becomes a message, not an error."""
    messages = problem_messages(parsed.problems)
    if parsed.query is None:
        return None, messages
    archive = get_archive()
    try:
        result = archive.search(parsed.query)
    except QuerySyntaxError as e:
        return None, [*messages, t("error_syntax", detail=i18n.core_message(str(e), g.lang))]
    last = last_page(result.total, parsed.query.per_page)
    if result.total and parsed.query.page > last:
        messages.append(t("error_page_beyond", page=parsed.query.page, last=last))
        result = archive.search(replace(parsed.query, page=last))
    return result, messages


def year_chart(by_year: dict[int, int], href: Callable[[int], str], title: str, chart_id: str) -> Markup:
    return charts.year_bar_chart(by_year, href, lambda year, n: t("chart_bar", n, year=year), title, chart_id)


@bp.get("/")
@bp.get("/buscar")
def search() -> str:
    parsed = parse_search(request.args, PAGE_PARAMS, per_page=current_app.config["PER_PAGE"])
    result, messages = run_search(parsed)
    query = parsed.query
    # The filters typed in the box (año:2030) are chips too, beside those of the form's fields.
    applied = applied_filters(result) if result is not None else AppliedFilters(())
    if applied.conflicts:
        messages.append(t("filters_conflict", fields=", ".join(
            t(presenters.FILTER_LABELS[field]) for field in applied.conflicts)))
    chart = Markup("")
    if result is not None and result.by_year:
        chart = year_chart(result.by_year, lambda year: search_link(desde=year, hasta=year), t("chart_title"),
                           "years")
    groups = group_hits_by_meeting(result.hits, _document_of()) if result else []
    # A hit carries the meeting's first day only; a group's heading shows its dates as the report page
    # does ("21 y 22 de junio de 2011"): one read of the page's report rows (not their agreements).
    meetings = get_archive().meetings([gr.report_id for gr in groups]) if groups else {}
    return render_template(
        "search.html",
        q=request.args.get("q", "")[:MAX_QUERY_CHARS],
        query=query,
        result=result,
        groups=groups,
        date_ends={key: m.date_end for key, m in meetings.items()},
        pages=last_page(result.total, result.query.per_page) if result else 1,
        messages=messages,
        chart=chart,
        typed_filters=[f for f in applied.filters if f.source == "q"],
    )


def _document_of() -> Callable[[str], str]:
    """report id -> the id that stands for its document (its versions and copies share it)."""
    links = get_archive().version_links()
    return lambda report_id: links.group_of(report_id)[0]


@bp.get("/buscar.csv")
def search_csv() -> Response:
    parsed = parse_search(request.args, PAGE_PARAMS, per_page=CSV_BATCH, per_page_max=CSV_BATCH)
    return csv_response(parsed)


def csv_response(parsed: ParsedSearch) -> Response:
    """All matches of a search (up to CSV_MAX_ROWS) as CSV; a bad search is a 400 with a JSON error."""
    if parsed.fatal or parsed.query is None:
        message = problem_messages(parsed.problems) or ["no query"]
        abort(Response(_json_error("; ".join(message)), 400, mimetype="application/json"))
    try:
        rows = list(_all_hits(parsed.query, current_app.config["CSV_MAX_ROWS"]))
    except QuerySyntaxError as e:
        abort(Response(_json_error(str(e)), 400, mimetype="application/json"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition("crm-search.csv")
    return response


def _all_hits(query: SearchQuery, cap: int) -> Iterator[tuple[Any, ...]]:
    archive, page, sent = get_archive(), 1, 0
    while sent < cap:
        result = archive.search(replace(query, page=page, per_page=CSV_BATCH))
        for hit in result.hits:
            if sent >= cap:
                return
            yield (hit.report_id, hit.source, hit.label, hit.parent or "", hit.year or "", hit.date or "",
                   hit.city or "", hit.country or "", hit.body_key or "", hit.language or "",
                   round(hit.score, 4), hit.text)
            sent += 1
        if not result.hits or page * CSV_BATCH >= result.total:
            return
        page += 1


def _json_error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


# -- meetings and reports --------------------------------------------------------------------------------


@bp.get("/reuniones")
def meetings() -> str:
    reports = sorted(get_archive().reports(texts=False), key=lambda r: r.meeting.date or date.min, reverse=True)
    messages: list[str] = []
    year_arg = request.args.get("anio", "").strip()
    year: int | None = None
    if year_arg:
        if year_arg.isascii() and year_arg.isdigit() and len(year_arg) == 4:  # not "²" nor "٢٠٠٨"
            year = int(year_arg)
        else:
            messages.append(t("error_bad_number", value=year_arg[:40], field="anio"))
    body = request.args.get("organo", "").strip()[:100] or None
    years = Counter(r.year for r in reports if r.year)
    bodies = Counter(r.meeting.body_key for r in reports if r.meeting.body_key)
    shown = [r for r in reports if (year is None or r.year == year) and (body is None or r.meeting.body_key == body)]
    # A document's language versions and format copies are listed once, under its first report.
    links = get_archive().version_links()
    by_id = {r.id: r for r in reports}
    shown_ids = {r.id for r in shown}  # not ``r in shown``: a list scan comparing whole reports
    listed: set[str] = set()
    alternates: dict[str, list[Report]] = {}
    by_year: dict[int | None, list[Report]] = {}
    for report in shown:
        if report.id in listed:
            continue
        group = [by_id[i] for i in links.group_of(report.id) if i in by_id]
        # Spanish first: the conference's working language heads the entry, the others follow it.
        first = next((r for r in group if r.language == "es" and r.id in shown_ids), report)
        listed.update(r.id for r in group)
        alternates[first.id] = [r for r in group if r.id != first.id]
        by_year.setdefault(first.year, []).append(first)
    return render_template("meetings.html", by_year=by_year, total=len(shown), year=year, body=body,
                           alternates=alternates,
                           years=sorted(years.items(), reverse=True),
                           bodies=sorted(bodies.items(), key=lambda kv: i18n.body_name(kv[0], g.lang) or ""),
                           messages=messages)


def _report_or_404(report_id: str) -> Report:
    try:
        return get_archive().report(report_id)
    except NotFound:
        abort(404)


@bp.get("/r/<report_id>")
def report(report_id: str) -> str:
    found = _report_or_404(report_id)
    archive = get_archive()
    links = archive.version_links()
    return render_template("report.html", report=found, meeting=found.meeting,
                           tree=presenters.agreement_tree(found.agreements),
                           versions=[archive.report(i) for i in links.versions_of(report_id)],
                           copies=[archive.report(i) for i in links.same_as_of(report_id)])


@bp.get("/r/<report_id>/original")
def original(report_id: str) -> Response:
    try:
        path, name = get_archive().original(report_id)
    except NotFound:
        abort(404)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=3600)
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


@bp.get("/r/<report_id>/pagina/<int:page>")
def page_image(report_id: str, page: int) -> Response:
    """The image of one page of the original, by report id and page number (OCR'd reports link it)."""
    try:
        png = get_archive().page_image(report_id, page)
    except NotFound:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/r/<report_id>/texto")
def text(report_id: str) -> Response:
    found = _report_or_404(report_id)
    return Response(found.text, mimetype="text/plain")  # Flask adds "; charset=utf-8"


@bp.get("/r/<report_id>/<label>")
def agreement(report_id: str, label: str) -> str:
    found = _report_or_404(report_id)
    unit = found.agreement(label)
    if unit is None:
        abort(404)
    parent = found.agreement(unit.parent) if unit.parent else None
    children = [a for a in found.agreements if a.parent == unit.label]
    try:
        precedents = get_archive().precedents(report_id, label, PRECEDENTS_SHOWN)
    except QuerySyntaxError:  # an agreement whose words cannot form a query simply has no precedents
        precedents = []
    m = found.meeting
    # The citation (title with the meeting's number, full dates, permalink, access date) is composed by
    # web.research for the page, the downloads and the API alike.
    return render_template("agreement.html", report=found, meeting=m, unit=unit, parent=parent,
                           children=children, precedents=precedents,
                           same_agreements=get_archive().matching_agreements(report_id, label))


# -- a term across the years -----------------------------------------------------------------------------


@bp.get("/anos")
@bp.get("/timeline")
def timeline() -> str:
    term = (request.args.get("q") or "").strip()
    counts, messages = [], []
    if len(term) > MAX_QUERY_CHARS:
        messages.append(t("error_query_too_long", max=MAX_QUERY_CHARS))
        term = ""
    translate = flag(request.args, "traducir")
    suggestion = None
    if term:
        try:
            counts = get_archive().timeline(term, translate)
            suggestion = None if counts else get_archive().suggestion(term, translate)
        except QuerySyntaxError as e:
            messages.append(t("error_syntax", detail=i18n.core_message(str(e), g.lang)))
    chart = year_chart({c.year: c.agreements for c in counts},
                       lambda year: link("ui.search", q=term, desde=year, hasta=year, traducir=1 if translate else None),
                       t("timeline_chart", term=term), "timeline")
    return render_template("timeline.html", term=term, counts=counts, chart=chart, messages=messages,
                           searched=bool(term) and not messages, translate=translate, suggestion=suggestion)


# -- helpers ---------------------------------------------------------------------------------------------

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/;]')


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987).

    The name comes from the catalog, not the request, but is still stripped of anything that could break
    the header (quotes, control characters, path separators).
    """
    clean = _UNSAFE_FILENAME.sub("_", Path(name.replace("\\", "/")).name).lstrip(".") or "download"
    ascii_name = unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"
