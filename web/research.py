"""Research pages: commitments and deadlines, who took part in which meeting, a page per country, citations.

Pages (Spanish parameter names, like the rest of the UI): ``/compromisos`` (+ ``.csv``, ``.ics``),
``/participacion`` (+ ``.csv``), ``/pais/<key>``, ``/r/<id>/cita.<ext>`` and ``/r/<id>/<label>/cita.<ext>``.
JSON (the CLI's field names): ``/api/commitments``, ``/api/participation``, ``/api/countries/<key>``,
``/api/reports/<id>/citation``, ``/api/reports/<id>/agreements/<label>/citation``.
Each view parses its input, calls the ``Archive`` facade, and formats; the reading is in the core.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from archive import ical, serialize
from archive.citations import FORMATS, CitationItem, by_extension
from archive.citations.csl import to_csl
from archive.commitments import (OVERDUE, PENDING, CommitmentFilter, ListedCommitment, actor_counts, commitments_of,
                                 select_commitments)
from archive.folding import fold
from archive.glossary import glossary
from archive.models import Meeting, NotFound, Report
from archive.participation import ABSENT, HOST, OBSERVER, PARTICIPANT, ParticipationMatrix
from index.query import YEAR_MAX, YEAR_MIN

from . import i18n, presenters
from .params import MAX_FILTER_CHARS, NORMALISED, REJECTED_WORDING, Problem
from .views import content_disposition, get_archive, t

bp = Blueprint("research", __name__)
_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits: str.isdigit() also takes "٢٠٠٨"


@dataclass(frozen=True)
class FilterNames:
    actor: str
    year: str
    before: str
    after: str
    status: str
    body: str


PAGE_NAMES = FilterNames("actor", "anio", "antes", "despues", "estado", "organo")
API_NAMES = FilterNames("actor", "year", "due_before", "due_after", "status", "body")
# Status words of the page and of the API, both accepted everywhere.
COMMITMENTS_PER_PAGE = 100  # on the page (config COMMITMENTS_PER_PAGE); the CSV, calendar and API carry all
STATUS_WORDS = {"vencidos": OVERDUE, "pendientes": PENDING, OVERDUE: OVERDUE, PENDING: PENDING}
PAGE_STATUS = {OVERDUE: "vencidos", PENDING: "pendientes"}
CSV_COMMITMENT_COLUMNS = ("due", "window_first", "window_last", "relative", "status", "phrase", "actors",
                          "actor_names", "report_id", "label", "meeting_date", "year", "body_key", "city", "country",
                          "url", "sentence")


def today() -> date:
    """Today, or the app's ``TODAY`` (tests and demos pin the date that "overdue" is judged on)."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
    return date.today()


def actor_name(key: str, lang: str) -> str:
    return glossary().get(key).name(lang) if key in glossary() else key


def _country_or_404(key: str) -> str:
    if key not in glossary() or glossary().get(key).kind != "country":
        abort(404)
    return key


# -- reading the filters --------------------------------------------------------------------------------


def parse_commitment_filter(args: Mapping[str, str], names: FilterNames) -> tuple[CommitmentFilter, list[Problem]]:
    """A ``CommitmentFilter`` from request arguments; each value ignored is reported as a ``Problem``."""
    problems: list[Problem] = []

    def bad(name: str, raw: str) -> None:
        problems.append(Problem("error_bad_number", {"value": raw[:40], "field": name}))

    def text(name: str) -> str:
        raw = (args.get(name) or "").strip()
        if len(raw) > MAX_FILTER_CHARS:
            bad(name, raw)
            return ""
        return raw

    actor = text(names.actor) or None
    if actor and actor not in glossary():
        bad(names.actor, actor)
        actor = None
    year = None
    raw_year = text(names.year)
    if raw_year:
        if _YEAR.fullmatch(raw_year) and YEAR_MIN <= int(raw_year) <= YEAR_MAX:
            year = int(raw_year)
        else:
            bad(names.year, raw_year)

    def day(name: str) -> date | None:
        raw = text(name)
        if not raw:
            return None
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):  # ISO, as <input type="date"> sends it (\d takes "٢")
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        bad(name, raw)
        return None

    before, after = day(names.before), day(names.after)
    raw_status = text(names.status)
    status = STATUS_WORDS.get(raw_status) if raw_status else None
    if raw_status and status is None:
        bad(names.status, raw_status)
    body = text(names.body) or None
    return CommitmentFilter(actor=actor, year=year, due_before=before, due_after=after, status=status,
                            body=body), _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for p in problems:
        marker = (p.key, tuple(sorted(p.values.items())))
        if marker not in seen:
            seen.add(marker)
            result.append(p)
    return result


def _year_param(args: Mapping[str, str], name: str, problems: list[Problem]) -> int | None:
    raw = (args.get(name) or "").strip()[:MAX_FILTER_CHARS]
    if not raw:
        return None
    if _YEAR.fullmatch(raw) and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    problems.append(Problem("error_bad_number", {"value": raw[:40], "field": name}))
    return None


def _refused(problems: list[Problem]) -> list[Problem]:
    """The problems a download or the API refuses the request for (a backwards year range is only read
    the right way round, as /api/search does: the answer's "filters" shows the range used)."""
    return [p for p in problems if p.key not in NORMALISED]


def _bad_request(problems: list[Problem]) -> Response:
    # Worded as rejected, as the API's other 400s are (the pages word the same problems as "ignored").
    response = jsonify(error="; ".join(i18n.translate("en", REJECTED_WORDING.get(p.key, p.key), **p.values)
                                       for p in problems))
    response.status_code = 400
    return response


# -- commitments ----------------------------------------------------------------------------------------


def _chosen_commitments(names: FilterNames) -> tuple[list[ListedCommitment], list[ListedCommitment],
                                                     CommitmentFilter, list[Problem]]:
    wanted, problems = parse_commitment_filter(request.args, names)
    everything = get_archive().commitments()
    return everything, select_commitments(everything, wanted, today()), wanted, problems


def agreement_url(item: ListedCommitment, external: bool = False) -> str:
    return url_for("ui.agreement", report_id=item.report.id, label=item.commitment.label, _external=external)


def _filter_args(wanted: CommitmentFilter) -> dict[str, Any]:
    """The page's query arguments of a filter (for the CSV, iCalendar and API links beside the list)."""
    return {k: v for k, v in {
        "actor": wanted.actor, "anio": wanted.year, "organo": wanted.body,
        "antes": wanted.due_before.isoformat() if wanted.due_before else None,
        "despues": wanted.due_after.isoformat() if wanted.due_after else None,
        "estado": PAGE_STATUS.get(wanted.status or ""),
    }.items() if v}


@bp.get("/compromisos")
def commitments() -> str:
    everything, chosen, wanted, problems = _chosen_commitments(PAGE_NAMES)
    per_page = int(current_app.config.get("COMMITMENTS_PER_PAGE", COMMITMENTS_PER_PAGE))
    pages = max(1, -(-len(chosen) // per_page))
    raw_page = (request.args.get("pagina") or "1").strip()[:MAX_FILTER_CHARS]
    # ASCII digits: "²".isdigit() is true, and int() refuses it.
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and int(raw_page) >= 1 else None
    if page is None:
        problems.append(Problem("error_bad_number", {"value": raw_page[:40], "field": "pagina"}))
        page = 1
    elif page > pages:
        problems.append(Problem("error_page_beyond", {"page": page, "last": pages}))
        page = pages
    years = sorted({i.report.year for i in everything if i.report.year}, reverse=True)
    actors = [(key, actor_name(key, g.lang), n) for key, n in actor_counts(everything).items()]
    args = _filter_args(wanted)
    api_args = {API_NAMES.actor: wanted.actor, API_NAMES.year: wanted.year, API_NAMES.body: wanted.body,
                API_NAMES.status: wanted.status,
                API_NAMES.before: args.get("antes"), API_NAMES.after: args.get("despues")}
    shown = chosen[(page - 1) * per_page:page * per_page]
    return render_template(
        "commitments.html", items=shown, found=len(chosen), page=page, pages=pages, total=len(everything), wanted=wanted, years=years, actors=actors,
        messages=[t(p.key, **p.values) for p in problems], today=today(), filter_args=args,
        status_word=PAGE_STATUS.get(wanted.status or "", ""),
        csv_url=url_for("research.commitments_csv", **args), ics_url=url_for("research.commitments_ics", **args),
        api_url=url_for("research.api_commitments", **{k: v for k, v in api_args.items() if v}),
    )


@bp.get("/compromisos.csv")
def commitments_csv() -> Response:
    _, chosen, _, problems = _chosen_commitments(PAGE_NAMES)
    if problems:
        return _bad_request(problems)
    lang, now = g.lang, today()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COMMITMENT_COLUMNS)
    for item in chosen:
        c, m = item.commitment, item.report.meeting
        writer.writerow([
            c.due.isoformat() if c.due else "", c.due_window[0].isoformat() if c.due_window else "",
            c.due_window[1].isoformat() if c.due_window else "", c.relative or "", item.status(now), c.phrase,
            ";".join(c.actors), "; ".join(actor_name(a, lang) for a in c.actors), item.report.id, c.label,
            m.date.isoformat() if m.date else "", m.year or "", m.body_key or "", m.city or "", m.country or "",
            agreement_url(item, external=True), c.sentence,
        ])
    return _download(out.getvalue(), "text/csv; charset=utf-8", "crm-compromisos.csv")


def _todo(item: ListedCommitment, lang: str) -> ical.Todo:
    c, report = item.commitment, item.report
    actors = tuple(actor_name(a, lang) for a in c.actors)
    sentence = c.sentence if len(c.sentence) <= 160 else c.sentence[:159].rstrip() + "…"
    summary = f"{', '.join(actors)}: {sentence}" if actors else sentence
    m = report.meeting
    heading = presenters.meeting_heading(m.title or m.display_title(report.language),
                                         i18n.specific_body_name(m.body_key, lang), m.number, report.source)
    description = f"{c.sentence}\n\n{heading}, {i18n.agreement_name(c.label, lang)}"
    try:
        stamp = datetime.fromisoformat(report.ingested_at) if report.ingested_at else None
    except ValueError:
        stamp = None
    return ical.Todo(
        uid=f"{report.id}.{c.label}.{c.start}@crm-archive", summary=summary,
        stamp=stamp or datetime(1996, 1, 1, tzinfo=timezone.utc), due=c.due,
        start=c.due_window[0] if c.due_window else None, url=agreement_url(item, external=True),
        description=description, categories=actors,
    )


@bp.get("/compromisos.ics")
def commitments_ics() -> Response:
    _, chosen, _, problems = _chosen_commitments(PAGE_NAMES)
    if problems:
        return _bad_request(problems)
    text = ical.calendar((_todo(item, g.lang) for item in chosen), t("commitments_calendar_name"))
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    # inline, so a calendar can subscribe to the URL; a browser still offers to save or open it.
    response.headers["Content-Disposition"] = 'inline; filename="crm-compromisos.ics"'
    return response


@bp.get("/api/commitments")
def api_commitments() -> Response:
    _, chosen, wanted, problems = _chosen_commitments(API_NAMES)
    if problems:
        return _bad_request(problems)
    now = today()
    return jsonify({
        "today": now.isoformat(), "total": len(chosen),
        "commitments": [{**serialize.listed_commitment_to_dict(i, i.status(now)),
                         "url": agreement_url(i, external=True)} for i in chosen],
    })


# -- participation --------------------------------------------------------------------------------------


def _matrix(year_names: tuple[str, str], body_name: str) -> tuple[ParticipationMatrix, dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    year_from = _year_param(request.args, year_names[0], problems)
    year_to = _year_param(request.args, year_names[1], problems)
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
        problems.append(Problem("error_year_order"))
    body = (request.args.get(body_name) or "").strip() or None
    if body and len(body) > MAX_FILTER_CHARS:
        problems.append(Problem("error_bad_number", {"value": body[:40] + "…", "field": body_name}))
        body = None
    matrix = get_archive().participation(body, year_from, year_to)
    return matrix, {"body": body, "year_from": year_from, "year_to": year_to}, problems


def ordered_countries(matrix: ParticipationMatrix, lang: str) -> list[str]:
    """Member states by their name in ``lang``, then the other countries that took part."""
    names = {k: fold(glossary().get(k).name(lang)) for k in matrix.countries}
    return sorted(matrix.countries, key=lambda k: (not glossary().get(k).member, names[k]))


@bp.get("/participacion")
def participation() -> str:
    matrix, chosen, problems = _matrix(("desde", "hasta"), "organo")
    everything = get_archive().participation()
    bodies: dict[str, int] = {}
    for row in everything.meetings:
        if row.report.meeting.body_key:
            bodies[row.report.meeting.body_key] = bodies.get(row.report.meeting.body_key, 0) + 1
    args = {k: v for k, v in {"organo": chosen["body"], "desde": chosen["year_from"],
                              "hasta": chosen["year_to"]}.items() if v}
    api_args = {k: v for k, v in chosen.items() if v}
    return render_template(
        "participation.html", matrix=matrix, countries=ordered_countries(matrix, g.lang), chosen=chosen,
        bodies=sorted(bodies.items(), key=lambda kv: i18n.body_name(kv[0], g.lang) or ""),
        messages=[t(p.key, **p.values) for p in problems], country_name=lambda k: actor_name(k, g.lang),
        csv_url=url_for("research.participation_csv", **args),
        api_url=url_for("research.api_participation", **api_args),
        STATUS_SYMBOLS=STATUS_SYMBOLS,
    )


# One symbol per status, with its word beside it for screen readers and in the legend (never colour alone).
STATUS_SYMBOLS = {HOST: "◆", PARTICIPANT: "●", OBSERVER: "○", ABSENT: "–"}


@bp.get("/participacion.csv")
def participation_csv() -> Response:
    matrix, _, problems = _matrix(("desde", "hasta"), "organo")
    if _refused(problems):
        return _bad_request(_refused(problems))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["report_id", "date", "year", "body_key", "city", "country", "attended", "observers",
                     *matrix.countries])
    for row in matrix.meetings:
        m = row.report.meeting
        writer.writerow([row.report.id, m.date.isoformat() if m.date else "", m.year or "", m.body_key or "",
                         m.city or "", m.country or "", row.attended, row.observers,
                         *(row.status(k) for k in matrix.countries)])
    return _download(out.getvalue(), "text/csv; charset=utf-8", "crm-participacion.csv")


@bp.get("/api/participation")
def api_participation() -> Response:
    matrix, chosen, problems = _matrix(("year_from", "year_to"), "body")
    if _refused(problems):
        return _bad_request(_refused(problems))
    return jsonify({"filters": chosen, **serialize.participation_to_dict(matrix)})


def _country_record(key: str) -> tuple[list[tuple[Report, str]], dict[str, int], list[ListedCommitment]]:
    archive = get_archive()
    matrix = archive.participation()
    meetings = [(row.report, row.status(key)) for row in matrix.meetings]
    counts = {status: sum(1 for _, s in meetings if s == status) for status in (HOST, PARTICIPANT, OBSERVER, ABSENT)}
    commitments = select_commitments(archive.commitments(), CommitmentFilter(actor=key), today())
    return meetings, counts, commitments


@bp.get("/pais/<key>")
def country(key: str) -> str:
    _country_or_404(key)
    meetings, counts, commitments = _country_record(key)
    by_year: dict[int | None, list[tuple[Report, str]]] = {}
    for report, status in meetings:
        by_year.setdefault(report.year, []).append((report, status))
    return render_template("country.html", key=key, entity=glossary().get(key), by_year=by_year, counts=counts,
                           total=len(meetings), commitments=commitments, today=today(),
                           STATUS_SYMBOLS=STATUS_SYMBOLS,
                           api_url=url_for("research.api_country", key=key))


@bp.get("/api/countries/<key>")
def api_country(key: str) -> Response:
    if key not in glossary() or glossary().get(key).kind != "country":
        response = jsonify(error=f"no country with key {key!r}")
        response.status_code = 404
        return response
    meetings, counts, commitments = _country_record(key)
    now = today()
    return jsonify({
        **serialize.country_names(key), "member": glossary().get(key).member,
        "totals": {**counts, "attended": counts[HOST] + counts[PARTICIPANT], "meetings": len(meetings)},
        "meetings": [{"report_id": r.id, "date": r.meeting.date.isoformat() if r.meeting.date else None,
                      "year": r.year, "body_key": r.meeting.body_key, "city": r.meeting.city,
                      "country": r.meeting.country, "status": status} for r, status in meetings],
        "commitments": [serialize.listed_commitment_to_dict(i, i.status(now)) for i in commitments],
    })


# -- citations ------------------------------------------------------------------------------------------


def _shouting(text: str) -> bool:
    return text == text.upper() and any(c.isalpha() for c in text)


def citation_wording(meeting: Meeting, label: str | None, lang: str) -> tuple[str, str]:
    """(title, ready citation) of a report or one of its units, in ``lang``.

    The title is the document's own title ("Declaración de Antigua Guatemala") with the meeting's
    registered name and number after it ("VII Reunión Viceministerial"), or that name alone when the
    title is missing or set in capitals (which cannot be re-cased safely), or the composed display title.
    The citation adds the city (unless the title names it), the full dates ("29 al 30 de mayo de 2002")
    and the unit ("acuerdo 2.a", "párrafo 3").
    """
    body = i18n.specific_body_name(meeting.body_key, lang)
    meeting_name = (f"{presenters.roman(meeting.number)} {body}" if meeting.number and meeting.number > 0 else body
                    ) if body else None
    own_title = meeting.title.strip() if meeting.title and meeting.title.strip() and not _shouting(meeting.title) else None
    parts = [own_title or meeting_name or meeting.display_title(lang)]
    if own_title and meeting_name and fold(meeting_name) not in fold(own_title):
        parts.append(meeting_name)
    unit = i18n.agreement_name(label, lang) if label else None
    title = ", ".join(parts + ([unit] if unit else []))
    city = meeting.city if meeting.city and fold(meeting.city) not in fold(", ".join(parts)) else None
    text = ", ".join(p for p in (*parts, city, i18n.format_date_range(meeting.date, meeting.date_end, lang), unit) if p)
    return title, text


def citation_item(report: Report, label: str | None, lang: str) -> CitationItem:
    """What the citation formats need, worded in ``lang``; the permalink is absolute."""
    m = report.meeting
    title, text = citation_wording(m, label, lang)
    if label:
        url = url_for("ui.agreement", report_id=report.id, label=label, _external=True)
    else:
        url = url_for("ui.report", report_id=report.id, _external=True)
    accessed = today()
    return CitationItem(
        key=f"crm-{report.id}" + (f"-{label}" if label else ""), report_id=report.id, label=label, title=title,
        author=i18n.translate(lang, "citation_author"), genre=i18n.translate(lang, "citation_genre"),
        issued=m.date, issued_end=m.date_end if m.date and m.date_end and m.date_end > m.date else None,
        place=presenters.place(m.city, m.country), url=url, accessed=accessed,
        language=report.language, text=text,
        accessed_note=i18n.translate(lang, "citation_accessed", date=i18n.format_date(accessed, lang)),
        number=m.number,
    )


def citation_links(report_id: str, label: str | None = None) -> list[tuple[str, str]]:
    """(format name, URL) of every download of a report's or agreement's citation."""
    links = []
    for key, fmt in FORMATS.items():
        if label:
            href = url_for("research.agreement_citation", report_id=report_id, label=label, ext=fmt.extension)
        else:
            href = url_for("research.report_citation", report_id=report_id, ext=fmt.extension)
        links.append((t("citation_format_text") if key == "text" else fmt.name, href))
    return links


def _citation_response(report_id: str, label: str | None, ext: str) -> Response:
    fmt = by_extension(ext)
    if fmt is None:
        abort(404)
    try:
        report = get_archive().report(report_id)
    except NotFound:
        abort(404)
    if label is not None and report.agreement(label) is None:
        abort(404)
    body = fmt.render(citation_item(report, label, g.lang))
    name = f"crm-{report_id}" + (f"-{label}" if label else "") + f".{fmt.extension}"
    return _download(body, f"{fmt.media_type}; charset=utf-8", name)


@bp.get("/r/<report_id>/cita.<ext>")
def report_citation(report_id: str, ext: str) -> Response:
    return _citation_response(report_id, None, ext)


@bp.get("/r/<report_id>/<label>/cita.<ext>")
def agreement_citation(report_id: str, label: str, ext: str) -> Response:
    return _citation_response(report_id, label, ext)


def _citation_json(report_id: str, label: str | None) -> Response:
    try:
        report = get_archive().report(report_id)
    except NotFound as e:
        response = jsonify(error=str(e))
        response.status_code = 404
        return response
    if label is not None and report.agreement(label) is None:
        response = jsonify(error=f"report {report_id!r} has no agreement {label!r}")
        response.status_code = 404
        return response
    raw_lang = (request.args.get("lang") or "").strip()
    if raw_lang and raw_lang not in i18n.LANGUAGES:  # the document's enum: es, en (empty: es)
        response = jsonify(error=f"lang must be one of {', '.join(i18n.LANGUAGES)} (or empty for "
                                 f"{i18n.DEFAULT_LANGUAGE})")
        response.status_code = 400
        return response
    lang = raw_lang or i18n.DEFAULT_LANGUAGE
    item = citation_item(report, label, lang)
    return jsonify({
        "report_id": report_id, "label": label, "text": FORMATS["text"].render(item).strip(),
        "csl": to_csl(item), "accessed": item.accessed.isoformat(), "permalink": item.url,
        "formats": citation_urls(report_id, label),
    })


def citation_urls(report_id: str, label: str | None = None) -> dict[str, str]:
    """Absolute download URL of each citation format, keyed by format (for the JSON API)."""
    urls = {}
    for key, fmt in FORMATS.items():
        if label:
            urls[key] = url_for("research.agreement_citation", report_id=report_id, label=label, ext=fmt.extension,
                                _external=True)
        else:
            urls[key] = url_for("research.report_citation", report_id=report_id, ext=fmt.extension, _external=True)
    return urls


@bp.get("/api/reports/<report_id>/citation")
def api_report_citation(report_id: str) -> Response:
    return _citation_json(report_id, None)


@bp.get("/api/reports/<report_id>/agreements/<label>/citation")
def api_agreement_citation(report_id: str, label: str) -> Response:
    return _citation_json(report_id, label)


# -- shared ---------------------------------------------------------------------------------------------


def _download(body: str, content_type: str, name: str) -> Response:
    response = Response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


@bp.app_context_processor
def research_helpers() -> dict[str, Any]:
    lang = g.get("lang", i18n.DEFAULT_LANGUAGE)
    return {
        "citation_links": citation_links,
        "citation_text": lambda report, label=None: FORMATS["text"].render(citation_item(report, label, lang)).strip(),
        "actor_name": lambda key: actor_name(key, lang),
        "report_commitments": commitments_of,
        "is_country": lambda key: key in glossary() and glossary().get(key).kind == "country",
    }
