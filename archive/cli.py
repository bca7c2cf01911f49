"""The ``crm-archive`` command group. Commands parse input, call one core function, format the answer.

Domain errors become a one-line message and exit status 1 (2 for input the core or the CLI refuses, and for
usage errors); no traceback reaches a user. With ``--json`` every error -- a usage error too -- is instead one
JSON object on stdout, ``{"error": "..."}``, with the same exit status, so a script reads one JSON document
there whatever happened; notices (a year range read the right way round) stay on stderr.

The index, the ingest path and the JSON shapes are imported by the commands that use them: imported here,
they made ``crm-archive --help`` and every usage error wait ~0.9 s for numpy, Whoosh, the extractors and the
commitment reader.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .glossary import KINDS, glossary
from .models import ArchiveError, NotFound
from .participation import ABSENT, HOST, OBSERVER, PARTICIPANT

if TYPE_CHECKING:
    from .archive import Archive

DEFAULT_DATA = "./crm-data"


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _open(ctx: click.Context, create: bool = False) -> Archive:
    """The archive of --data/--catalog. Only the commands that fill or serve an archive (``create``) make a
    new one: a read command given a mistyped --data would otherwise create an empty archive there and
    answer "0 reports" as if the archive were empty."""
    from .archive import Archive

    archive = Archive(ctx.obj["data"], catalog=ctx.obj.get("catalog"), create=create)
    ctx.call_on_close(archive.close)
    return archive


def _open_index(ctx: click.Context) -> Archive:
    """The archive for a command that reads the index, caught up with the catalog first (unless an ingest is
    writing it): after an interrupted ingest the catalog holds reports the index has not taken in yet."""
    archive = _open(ctx)
    sync = archive.catch_up_if_idle()
    if sync is not None and sync.changed:
        done = "rebuilt" if sync.rebuilt else f"{sync.updated} reports indexed, {sync.removed} removed"
        click.echo(f"note: the index was behind the catalog (an interrupted ingest?): {done}", err=True)
    return archive


def _refused(message: str) -> click.ClickException:
    """Input understood as a command but refused (a query error, nothing to search): one line, exit status 2,
    no usage block."""
    error = click.ClickException(message)
    error.exit_code = 2
    return error


def _core_error(e: ArchiveError) -> click.ClickException:
    from index import QuerySyntaxError  # loaded by whatever raised e: only the index raises it

    return _refused(str(e)) if isinstance(e, QuerySyntaxError) else click.ClickException(str(e))


def _with_file_hint(ctx: click.Context, e: NotFound) -> ArchiveError:
    """A report id that is a file name ("show 02_acta.txt"): say which id that file was archived under."""
    given = ctx.params.get("report_id")
    if not given or not str(e).startswith("no report with id"):
        return e
    found = _open(ctx).report_id_of_file(given)
    return NotFound(f"{e}; the report of the file {given!r} has the id {found!r}") if found else e


class JsonError(click.ClickException):
    """An error of a command run with --json, shown as ``{"error": message}`` on stdout."""

    def __init__(self, error: click.ClickException) -> None:
        super().__init__(error.format_message())
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        _emit_json({"error": self.message})


class ArchiveCommand(click.Command):
    """Every command of the group: core errors translated at the edge, and with --json every error as JSON."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # Parsing consumes args, and a usage error comes before the --json flag is read: look for it first.
        wants_json = self._has_json() and "--json" in (args[:args.index("--")] if "--" in args else args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as e:
            if wants_json:
                raise JsonError(e) from None
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except NotFound as e:
                raise _core_error(_with_file_hint(ctx, e)) from None
            except ArchiveError as e:
                raise _core_error(e) from None
            except OSError as e:  # a full disk, a folder this user may not write: one line, not a traceback
                where = f"{e.filename}: " if e.filename else ""
                raise click.ClickException(f"{where}{e.strerror or e}") from None
        except click.ClickException as e:
            if ctx.params.get("as_json"):
                raise JsonError(e) from None
            raise

    def _has_json(self) -> bool:
        return any(p.name == "as_json" for p in self.params)


class ArchiveGroup(click.Group):
    command_class = ArchiveCommand


class _LimitDefault:
    """The default of an ingest limit (archive.ingesting.Limits), read when ingest runs or shows its help:
    click calls it for the value and, as it is not a function, prints it for --help."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self) -> Any:
        from .ingesting import Limits

        return getattr(Limits(), self.name)

    def __str__(self) -> str:
        return str(self())


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), envvar="CRM_ARCHIVE_DATA",
              default=DEFAULT_DATA, show_default=True, help="Archive data directory (env CRM_ARCHIVE_DATA).")
@click.option("--catalog", metavar="URL", envvar="CRM_ARCHIVE_CATALOG", default=None,
              help="Catalog (system of record, with the originals): sqlite:///path or postgresql://…; "
                   "default DIR/catalog.sqlite3. With PostgreSQL, --data holds only this node's index "
                   "(env CRM_ARCHIVE_CATALOG).")
@click.option("-v", "--verbose", is_flag=True, help="Log what the core does to stderr.")
@click.version_option(package_name="crm-archive")
@click.pass_context
def cli(ctx: click.Context, data: Path, catalog: str | None, verbose: bool) -> None:
    """Archive and search the reports of the Conferencia Regional sobre Migración (CRM).

    With --json, an error is printed on stdout as {"error": "..."} (exit status 2 for a usage or query
    error, 1 otherwise), so stdout holds one JSON document whatever happens.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["data"] = data
    ctx.obj["catalog"] = catalog or None


def _no_empty_path(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[Path, ...]:
    """An empty argument (an unset shell variable: ``ingest "$CARPETA"``) would be Path(""), which is ".":
    the whole current folder, ingested recursively."""
    if any(not v.strip() for v in value):
        raise click.BadParameter("an empty path names no file or folder", param_hint="PATHS")
    return tuple(Path(v) for v in value)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), callback=_no_empty_path)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--max-size", type=click.IntRange(min=1), default=_LimitDefault("max_bytes"), show_default=True,
              help="Refuse files larger than this many bytes.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=_LimitDefault("timeout"),
              show_default=True, help="Seconds allowed to extract one file.")
@click.option("--workers", type=click.IntRange(1, 64), default=_LimitDefault("workers"), show_default=True,
              help="Files extracted in parallel.")
@click.option("--retry-failed", is_flag=True,
              help="Parse again unchanged files that failed before (they are skipped otherwise).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, max_size: int, timeout: float,
           workers: int, retry_failed: bool) -> None:
    """Archive report files and folders (recursively): PDF, plain text, Word (.docx), page images.

    Unchanged files are skipped by content hash, also those that failed before (until --retry-failed
    or a new extractor version); a file that fails is named with its reason and the others go on.
    Exit status 1 if any file failed or failed before.
    """
    from . import serialize
    from .ingesting import Limits

    archive = _open(ctx, create=True)
    limits = Limits(max_bytes=max_size, timeout=timeout, workers=workers)
    show_bar = sys.stderr.isatty() and not as_json
    bar_ctx = click.progressbar(length=1, label="Ingesting", file=sys.stderr, show_pos=True,
                                item_show_func=lambda name: name) if show_bar else None

    def progress(done: int, total: int, name: str) -> None:
        if bar_ctx is not None:
            bar_ctx.length = total
            bar_ctx.label = "Ingesting"
            bar_ctx.update(1, name)

    def page_progress(name: str, done: int, total: int) -> None:
        if bar_ctx is not None:
            bar_ctx.label = f"OCR {name}: page {done}/{total}"
            bar_ctx.render_progress()

    from .archive import IngestInterrupted

    interrupted = False
    try:
        if bar_ctx is not None:
            with bar_ctx:
                summary = archive.ingest(paths, limits, progress, page_progress, retry_failed)
        else:
            summary = archive.ingest(paths, limits, progress, page_progress, retry_failed)
    except IngestInterrupted as e:  # the files committed before it are archived whole: say so, not "Aborted!"
        summary, interrupted = e.summary, True

    if as_json:
        _emit_json({**serialize.summary_to_dict(summary), **({"interrupted": True} if interrupted else {})})
    else:
        for file, note in summary.notes:
            click.echo(f"note: {file}: {note}", err=True)
        for file, reason in summary.failed_before:
            click.echo(f"unchanged (failed before: {reason}): {file}", err=True)
        for file, reason in summary.failed:
            click.echo(f"failed: {file}: {reason}", err=True)
        _echo_skipped(summary.skipped)
        before = f" ({len(summary.failed_before)} failed before)" if summary.failed_before else ""
        skipped = f", skipped {len(summary.skipped)}" if summary.skipped else ""
        click.echo(f"added {len(summary.added)}, unchanged {len(summary.unchanged)}{before}, "
                   f"updated {len(summary.updated)}, failed {len(summary.failed)}{skipped}")
        if summary.failed_before:
            click.echo("(--retry-failed parses the files that failed before again)", err=True)
        if interrupted:
            click.echo("interrupted: the files counted above are archived whole and kept; the same ingest run "
                       "again goes on from there", err=True)
    ctx.exit(130 if interrupted else 0 if summary.ok else 1)  # 130: killed by SIGINT, as a shell reports it


def _echo_skipped(skipped: list[tuple[str, str]]) -> None:
    """Files of types the archive does not read, found in the folders: a line each for the document formats
    that are likely reports to convert (.doc, .rtf, .odt), one count by type for the rest (.md, .xlsx)."""
    from .ingesting import CONVERT_FIRST

    rest: dict[str, int] = {}
    for file, reason in skipped:
        suffix = Path(file).suffix.lower()
        if suffix in CONVERT_FIRST:
            click.echo(f"skipped: {file}: {reason}", err=True)
        else:
            rest[suffix or "(no suffix)"] = rest.get(suffix or "(no suffix)", 0) + 1
    if rest:
        counts = ", ".join(f"{suffix} {n}" for suffix, n in sorted(rest.items()))
        click.echo(f"skipped {sum(rest.values())} files of types the archive does not read: {counts}", err=True)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def list_reports(ctx: click.Context, as_json: bool) -> None:
    """List the archived reports: year, date, body, place, language, number of agreements."""
    from . import serialize

    archive = _open(ctx)
    reports = archive.reports(texts=False)
    if as_json:
        links = archive.version_links()
        _emit_json([serialize.report_to_dict(r, agreements=False, links=links) for r in reports])
        return
    rows = [("ID", "YEAR", "DATE", "BODY", "PLACE", "LANG", "UNITS")]
    for r in reports:
        m = r.meeting
        place = ", ".join(p for p in (m.city, m.country) if p)
        rows.append((r.id, str(m.year or "—"), m.date.isoformat() if m.date else "—", m.body_key or "—",
                     place or "—", r.language or "—", str(len(r.agreements))))
    _print_table(rows)
    click.echo(f"{len(reports)} reports")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


@cli.command()
@click.argument("report_id")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def show(ctx: click.Context, report_id: str, as_json: bool) -> None:
    """Show a report's metadata and its agreement tree.

    REPORT_ID is the id `list` shows: the file name without its extension (acta_2010.pdf -> acta_2010).
    """
    from . import serialize

    archive = _open(ctx)
    report = archive.report(report_id)
    links = archive.version_links()
    if as_json:
        _emit_json(serialize.report_to_dict(report, links=links))
        return
    m = report.meeting
    click.echo(m.title or report.source)
    for name, value in [
        ("id", report.id), ("source", report.source), ("format", report.format),
        ("body", f"{m.body_key} ({m.body})" if m.body_key else None), ("meeting", m.number),
        ("place", ", ".join(p for p in (m.city, m.country) if p) or None),
        ("date", f"{m.date} – {m.date_end}" if m.date and m.date_end and m.date_end != m.date else m.date),
        ("language", report.language),
        ("participants", ", ".join(c.as_written for c in m.participants) or None),
        ("observers", ", ".join(m.observers) or None),
        ("versions", ", ".join(links.versions_of(report.id)) or None),
        ("same as", ", ".join(links.same_as_of(report.id)) or None),
    ]:
        click.echo(f"  {name:<13} {value if value is not None else '—'}")
    click.echo("")
    for a in report.agreements:
        indent = "  " * a.depth
        click.echo(f"{indent}[{a.label}] (p. {a.page}) {_shorten(a.text, 110)}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of reports, agreements, originals and index, by year, body and language."""
    data = _open_index(ctx).stats()
    if as_json:
        _emit_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            click.echo(f"{key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, required=True, help="Print as JSON (the only format).")
@click.pass_context
def export(ctx: click.Context, as_json: bool) -> None:
    """Export every report with its agreements as JSON (a stable contract for other tools)."""
    from . import serialize

    archive = _open(ctx)
    links = archive.version_links()
    _emit_json({"reports": [serialize.report_to_dict(r, links=links) for r in archive.reports()]})


YEAR_RANGES = "2008-2014 (or 2008..2014), 2010- (from 2010 on), -2010 (up to 2010)"


def _years(value: str, ranges: bool) -> tuple[int | None, int | None, bool]:
    """``value`` in the query's year syntax (index.query.parse_year_range, as in año:2008..2014), within the
    years the web accepts: (first, last -- None for an open end --, whether it was written backwards)."""
    from index.query import YEAR_MAX, YEAR_MIN, QuerySyntaxError, parse_year_range

    wanted = f"a year from {YEAR_MIN} to {YEAR_MAX} or a range of them: {YEAR_RANGES}" if ranges else \
        f"one year from {YEAR_MIN} to {YEAR_MAX}"
    refused = click.BadParameter(f"{value!r} is not {wanted}")
    try:
        first, last = parse_year_range(value)
    except QuerySyntaxError:
        raise refused from None
    if any(year is not None and not YEAR_MIN <= year <= YEAR_MAX for year in (first, last)):
        raise refused
    if not ranges and (first is None or first != last):
        raise refused
    # parse_year_range swaps a reversed range: it was reversed if the text starts with the later year.
    backwards = first is not None and last is not None and first < last and value.strip().startswith(str(last))
    return first, last, backwards


def _year_range(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int | None, int | None]:
    """search --year: a year or a range, open or not; one written backwards is read the right way round and
    said so on stderr, as the web says it. Empty: no year filter, as on the web."""
    if value is None or not value.strip():
        return None, None
    first, last, backwards = _years(value, ranges=True)
    if backwards:
        click.echo(f"note: --year {value.strip()}: the year range was reversed; searching {first}-{last}",
                   err=True)
    return first, last


def _one_year(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """commitments --year: one meeting year, within the same bounds."""
    if value is None or not value.strip():
        return None
    return _years(value, ranges=False)[0]


@cli.command()
@click.argument("query")
@click.option("--year", callback=_year_range,
              help="A year (2014), a range (2008-2014), from a year on (2010-) or up to one (-2010).")
@click.option("--body", help="Body key, e.g. red_trafico_trata, viceministerial, grcm.")
@click.option("--country", help="Host country of the meeting.")
@click.option("--lang", help="Report language: es, en.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True)
@click.option("--translate", is_flag=True,
              help="Also match the thesaurus equivalents in the other language (trata de personas -> trafficking in persons).")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_context
def search(ctx: click.Context, query: str, year: tuple[int | None, int | None], body: str | None,
           country: str | None, lang: str | None, sort: str, limit: int, page: int, translate: bool,
           as_json: bool) -> None:
    """Search agreements across all meetings and years.

    Words are ANDed; "quoted phrases", OR, -exclusion, prefix*, fuzzy~ and filters such as
    año:2014, cuerpo:red, pais:honduras, idioma:es work; accents and case never matter. A name or
    acronym of the glossary finds every form of it (RROCM also finds RNCOM); quote it ("RROCM") to
    search that form only. A query that starts with "-" goes after "--", as any argument that
    looks like an option: crm-archive search -- '-pais:honduras migrantes'. An empty query lists the
    agreements the filters (--year, --body, --country, --lang) select; it needs at least one.
    """
    from index import SearchQuery

    from . import serialize
    from .meeting_groups import group_hits_by_meeting

    year_from, year_to = year
    asked = SearchQuery(text=query, year_from=year_from, year_to=year_to, body=body, country=country, language=lang,
                        sort=sort, page=page, per_page=limit, translate=translate, facets=as_json)
    if not asked.asks_something:  # as the API refuses it: every agreement is no answer
        raise _refused("give a query or at least one filter (--year, --body, --country, --lang)")
    result = _open_index(ctx).search(asked)
    if as_json:
        _emit_json(serialize.search_result_to_dict(result))
        return
    click.echo(f"{result.total} agreements" + (f" — did you mean: {result.suggestion}" if result.suggestion else ""))
    if result.translated_total:
        click.echo(f"with --translate (the other language's equivalents): {result.translated_total} agreements")
    for expansion in result.expansions:
        forms = ", ".join(a.form for a in expansion.alternatives)
        hint = (f"only {expansion.typed!r}: {expansion.literal}" if expansion.kind == "entity"
                else "without --translate for the typed words only")
        click.echo(f"also: {forms}  ({hint})")
    if result.by_year:
        click.echo("by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(result.by_year.items())))
    for group in group_hits_by_meeting(result.hits):  # a meeting once, its hits together, as the web lists them
        first = group.first
        click.echo("")
        click.secho(f"{first.year or '—'} · {first.city or '—'} · {first.body_key or '—'} · {first.report_id}", bold=True)
        for hit in group.hits:
            language = f"({hit.language}) " if translate and hit.language else ""
            click.echo(f"  [{hit.label}] {language}{_shorten(hit.text, 160)}")


@cli.command()
@click.argument("report_id")
@click.argument("label")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def precedents(ctx: click.Context, report_id: str, label: str, limit: int, as_json: bool) -> None:
    """Agreements from earlier meetings most similar to one agreement.

    REPORT_ID is the id `list` shows; LABEL an agreement's label as `show` prints it (2, 2.a, p3, preamble).
    """
    from . import serialize

    found = _open_index(ctx).precedents(report_id, label, limit)
    if as_json:
        _emit_json({"report_id": report_id, "label": label,
                    "precedents": [serialize.precedent_to_dict(p) for p in found]})
        return
    if not found:
        click.echo("no precedents in earlier meetings")
    for p in found:
        click.echo(f"{p.score:6.2f}  {p.hit.year or '—'} {p.hit.city or '—'} "
                   f"[{p.hit.report_id} {p.hit.label}] {_shorten(p.hit.text, 140)}")


@cli.command()
@click.argument("term")
@click.option("--translate", is_flag=True, help="Also count the thesaurus equivalents in the other language.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def timeline(ctx: click.Context, term: str, translate: bool, as_json: bool) -> None:
    """A term across the years: matching agreements and reports per year (and, if it finds nothing, the
    search's "did you mean")."""
    from . import serialize

    if not term.strip():
        raise _refused("give a term")  # as the API does; an empty term would count every agreement
    archive = _open_index(ctx)
    counts = archive.timeline(term, translate)
    suggestion = None if counts else archive.suggestion(term, translate)
    if as_json:
        _emit_json(serialize.timeline_to_dict(term, counts, translate, suggestion))
        return
    if not counts:
        click.echo("no matches" + (f" — did you mean: {suggestion}" if suggestion else ""))
    for c in counts:
        click.echo(f"{c.year}  {c.agreements:5d} agreements in {c.reports} reports  {'█' * min(c.agreements, 60)}")


@cli.command("glossary")
@click.option("--kind", type=click.Choice(KINDS), help="Only entities of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (the shape of GET /api/glossary).")
@click.pass_context
def glossary_command(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """The CRM glossary: every entity with its Spanish and English names, acronyms and mentions."""
    from . import serialize

    data = serialize.glossary_to_dict(glossary(), _open_index(ctx).entity_mentions())
    if kind:
        data["entities"] = [e for e in data["entities"] if e["kind"] == kind]
        data["total"] = len(data["entities"])
    if as_json:
        _emit_json(data)
        return
    rows = [("KEY", "KIND", "ES", "EN", "ACRONYMS", "AGREEMENTS", "YEARS")]
    for e in data["entities"]:
        acronyms = ", ".join(dict.fromkeys(e["acronyms"]["es"] + e["acronyms"]["en"]))
        years = sorted(e["mentions"]["by_year"])
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (years[0] if years else "—")
        rows.append((e["key"], e["kind"], _shorten(e["es"], 40), _shorten(e["en"], 40), acronyms or "—",
                     str(e["mentions"]["agreements"]), span))
    _print_table(rows)
    click.echo(f"{data['total']} entities")


@cli.command()
@click.option("--actor", help="Who must act: a glossary key (paises_miembros, secretaria_tecnica, oim, mexico...).")
@click.option("--year", callback=_one_year, help="The meeting's year.")
@click.option("--status", metavar="overdue|pending", help="Overdue or pending as of today.")
@click.option("--due-after", type=click.DateTime(["%Y-%m-%d"]), help="Due on or after this day (YYYY-MM-DD).")
@click.option("--due-before", type=click.DateTime(["%Y-%m-%d"]), help="Due on or before this day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def commitments(ctx: click.Context, actor: str | None, year: int | None, status: str | None,
                due_after: datetime | None, due_before: datetime | None, as_json: bool) -> None:
    """Commitments the reports set: deadlines, who must act, by due date (undated ones last)."""
    from . import serialize
    from .commitments import OVERDUE, PENDING, CommitmentFilter, select_commitments

    if actor and actor not in glossary():
        raise click.BadParameter(f"{actor!r} is not a glossary key", param_hint="--actor")
    if status and status not in (OVERDUE, PENDING):
        raise click.BadParameter(f"{status!r} is not {OVERDUE} or {PENDING}", param_hint="--status")
    today = date.today()
    wanted = CommitmentFilter(actor=actor, year=year, status=status,
                              due_after=due_after.date() if due_after else None,
                              due_before=due_before.date() if due_before else None)
    found = select_commitments(_open(ctx).commitments(), wanted, today)
    if as_json:
        _emit_json({"today": today.isoformat(), "total": len(found),
                    "commitments": [serialize.listed_commitment_to_dict(i, i.status(today)) for i in found]})
        return
    rows = [("DUE", "STATUS", "ACTORS", "REPORT", "LABEL", "PHRASE")]
    for item in found:
        c = item.commitment
        rows.append((c.due.isoformat() if c.due else "—", item.status(today),
                     ", ".join(c.actors) or "—", item.report.id, c.label, _shorten(c.relative or c.phrase, 60)))
    _print_table(rows)
    click.echo(f"{len(found)} commitments")


@cli.command()
@click.option("--body", help="Only the meetings of this body: its key (grcm, red_trafico_trata), name or acronym.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def participation(ctx: click.Context, body: str | None, as_json: bool) -> None:
    """Who took part in which meeting: H host, P participant, O observer, . absent or unknown."""
    from . import serialize

    from .participation import body_key_of, body_keys

    body = body if body and body.strip() else None  # empty: no filter, as an empty --year
    if body is not None and body_key_of(body) is None:  # as --actor: an unknown key is a typo, not "no one"
        raise click.BadParameter(f"{body!r} is not a body: give a key ({', '.join(body_keys())}) or a body's "
                                 f"name or acronym (GRCM)", param_hint="--body")
    matrix = _open(ctx).participation(body)
    if as_json:
        _emit_json(serialize.participation_to_dict(matrix))
        return
    letters = {HOST: "H", PARTICIPANT: "P", OBSERVER: "O", ABSENT: "."}
    rows = [("DATE", "PLACE", *(k[:4] for k in matrix.countries), "N")]
    for row in matrix.meetings:
        m = row.report.meeting
        rows.append((m.date.isoformat() if m.date else "—", _shorten(m.city or m.country or row.report.id, 16),
                     *(letters[row.status(k)] for k in matrix.countries), str(row.attended)))
    rows.append(("total", "", *(str(matrix.totals[k].attended) for k in matrix.countries), ""))
    _print_table(rows)
    click.echo("countries: " + ", ".join(f"{k[:4]}={glossary().get(k).name_es}" for k in matrix.countries))


@cli.command()
@click.option("--if-needed", is_flag=True, help="Only bring the index in line with the catalog.")
@click.pass_context
def reindex(ctx: click.Context, if_needed: bool) -> None:
    """Rebuild the search index from the catalog (or only repair differences with --if-needed)."""
    sync = _open(ctx).reindex(if_needed=if_needed)
    if sync.rebuilt:
        click.echo("index rebuilt")
    elif sync.changed:
        click.echo(f"index repaired: {sync.updated} reports re-indexed, {sync.removed} removed")
    else:
        click.echo("index up to date")


@cli.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed (reindex, re-extract, temp files).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Verify originals, catalog and index against each other; exit status 1 if something is wrong.

    While an ingest runs, the index behind the catalog is its work in progress (a note, not a problem),
    and --repair is refused until it ends.
    """
    archive = _open(ctx)
    result = archive.check(repair=repair)
    remaining = archive.check() if repair else result
    if as_json:
        _emit_json({"ok": remaining.ok, "problems": result.problems, "repaired": result.repaired,
                    "remaining": remaining.problems, "notes": result.notes})
    else:
        for line in result.problems:
            click.echo(f"problem: {line}")
        for line in result.repaired:
            click.echo(f"repaired: {line}")
        for line in result.notes:
            click.echo(f"note: {line}")
        click.echo("ok" if remaining.ok else f"{len(remaining.problems)} problems remain")
    ctx.exit(0 if remaining.ok else 1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--poll", type=click.FloatRange(0.2, 3600), default=2.0, show_default=True,
              help="Seconds between looks at the catalog for changes when no notification arrives.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, poll: float) -> None:
    """Serve the web UI (read-only) with waitress.

    The node's index follows the catalog: it is built (or caught up) before the first request is
    answered, then every committed change is applied as it arrives (LISTEN/NOTIFY on a PostgreSQL
    primary, a poll every --poll seconds otherwise, e.g. on a replica).
    """
    import threading

    import waitress

    from web import create_app

    from .archive import ArchiveBusy

    follower = _open(ctx, create=True)
    app = create_app({"DATA_DIR": str(ctx.obj["data"]), "CATALOG": ctx.obj.get("catalog")})
    # Bound before the catch-up, so that a port in use or a bad --host is said at once, in one line (it was
    # waitress's traceback, after the catch-up); connections that come meanwhile wait in the backlog.
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="crm-archive")
    except (OSError, ValueError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None
    click.echo(f"crm-archive: catching up with {follower.catalog.location.display} …", err=True)
    try:
        follower.reindex(if_needed=True)
    except ArchiveBusy:  # an ingest through this data directory is updating the index itself
        pass
    stop = threading.Event()
    threading.Thread(target=follower.follow, args=(stop, poll), name="index-follower", daemon=True).start()
    from web.views import get_archive

    with app.app_context():  # the first visitor must not wait for the searcher and its columns
        shared = get_archive()
        shared.index.warm()
    threading.Thread(target=shared.keep_derived_warm, args=(stop, poll), name="derived-views", daemon=True).start()
    click.echo(f"crm-archive: serving {ctx.obj['data']} on http://{host}:{port}/", err=True)
    try:
        server.run()
    finally:
        stop.set()
        server.close()


@cli.command("migrate-catalog")
@click.option("--to", "target", required=True, metavar="URL", help="The empty PostgreSQL catalog to copy into.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def migrate_catalog(ctx: click.Context, target: str, as_json: bool) -> None:
    """Copy this SQLite archive (catalog and originals) into PostgreSQL and verify every hash and count.

    Afterwards run the nodes with --catalog URL; each builds its index from the new catalog.
    """
    from .catalog_copy import copy_archive

    result = copy_archive(_open(ctx), target)
    if as_json:
        _emit_json({"target": result.target, "rows": result.rows, "originals": result.originals,
                    "original_bytes": result.original_bytes, "verified_hashes": result.verified_hashes,
                    "verified_reports": result.verified_reports})
        return
    click.echo(f"copied to {result.target}: " + ", ".join(f"{n} {t}" for t, n in result.rows.items())
               + f", {result.originals} originals ({result.original_bytes:,} bytes)")
    click.echo(f"verified: {result.verified_hashes} hashes, every row count, {result.verified_reports} reports")


def main() -> None:  # pragma: no cover - console entry point
    cli(obj={})


if __name__ == "__main__":  # python -m archive.cli: without this it imported the group and exited 0 silently
    main()
