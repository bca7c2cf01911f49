"""The catalog: the system of record for reports, their agreements, the ingest log and the change sequence.

One implementation for both engines — the embedded SQLite file (the default) and PostgreSQL — whose SQL is
written once, here; ``archive.dialects`` holds the few things that differ (connections, placeholders, type
spellings, locks, notifications). A new field is one line in a migration and one in ``save_report``.

The search index is derived from the catalog and can always be rebuilt from it. One report is written in
one transaction (``save_report``), so an interrupted ingest leaves every report either fully in or fully
out. Every committed report change also takes the next number of the **change sequence** (table
``changes``): an index records the number it has caught up to and later applies only what came after.
Readers (searches, web nodes, replicas) see the last committed state while an ingest writes.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from .dialects import CatalogLocation, CatalogReadOnly, CatalogUnavailable, Dialect, dialect_for, parse_catalog_url
from .models import Agreement, Country, Meeting, NotFound, Report

# The catalog as it was before schema versions (version 1). ``{serial}`` and ``{blob}`` are the two type
# spellings that differ between the engines (see dialects); everything else is SQL both accept. ``"end"``
# is quoted because END is reserved in PostgreSQL.
SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    language TEXT,
    title TEXT,
    body TEXT,
    body_key TEXT,
    number INTEGER,
    city TEXT,
    country TEXT,
    date TEXT,
    date_end TEXT,
    year INTEGER,
    participants TEXT NOT NULL DEFAULT '[]',
    observers TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    page_starts TEXT NOT NULL DEFAULT '[0]',
    ocr_confidence DOUBLE PRECISION,
    ingest_key TEXT NOT NULL DEFAULT '',
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agreements (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    parent TEXT,
    text TEXT NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    ocr INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, label)
);
CREATE INDEX IF NOT EXISTS agreements_by_seq ON agreements(report_id, seq);
CREATE TABLE IF NOT EXISTS ingest_log (
    id {serial},
    at TEXT NOT NULL,
    file TEXT NOT NULL,
    source TEXT,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)
"""

# Schema migrations, applied in order when a catalog is opened (on a primary; a replica follows its
# primary's schema and only checks it). Entry i brings a catalog to version i + 1. Append; never edit one
# that has shipped. Each is SQL both engines accept, with the dialect's ``{serial}``/``{blob}``. An
# ``ALTER TABLE t ADD COLUMN c`` is skipped where the column exists (a catalog of a release that added it
# before schema versions existed).
MIGRATIONS: list[tuple[str, str]] = [
    ("reports, agreements, ingest log, state", SCHEMA),
    ("change sequence, originals in the catalog, catalog id", """
CREATE TABLE IF NOT EXISTS changes (
    seq {serial},
    report_id TEXT NOT NULL,
    sha256 TEXT,
    at TEXT NOT NULL
);
INSERT INTO changes (report_id, sha256, at) SELECT id, sha256, ingested_at FROM reports ORDER BY ingested_at, id;
CREATE TABLE IF NOT EXISTS originals (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content {blob} NOT NULL,
    stored_at TEXT NOT NULL
);
INSERT INTO state (key, value) VALUES ('catalog_id', '{catalog_id}') ON CONFLICT (key) DO NOTHING
"""),
    ("country read from the city, not stated (issue 11)", """
ALTER TABLE reports ADD COLUMN country_inferred INTEGER NOT NULL DEFAULT 0
"""),
    # Every re-ingest asks the log about every file's hash (failed_before): hence the index.
    ("failures remembered with the extractor version (issue 14)", """
ALTER TABLE ingest_log ADD COLUMN extractor_version TEXT;
CREATE INDEX IF NOT EXISTS ingest_log_by_sha256 ON ingest_log(sha256)
"""),
]
SCHEMA_VERSION = len(MIGRATIONS)

# Tables that hold the archive's data, parents first: what ``migrate-catalog`` copies and counts.
# (The change sequence is not copied: the new catalog starts its own, and nodes following it rebuild.)
DATA_TABLES = ("reports", "agreements", "ingest_log")

OUTCOMES = ("added", "updated", "unchanged", "failed")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def slugify(name: str) -> str:
    """A URL-safe id from a file name: ASCII letters, digits, '-' and '_' only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_name).strip("-").lower()
    return slug[:80] or "report"


@dataclass(frozen=True)
class LogEntry:
    at: str
    file: str
    source: str | None
    sha256: str | None
    outcome: str
    message: str


class Catalog:
    """The catalog at ``location`` (a ``sqlite:///`` or ``postgresql://`` URL, or a SQLite file path)."""

    def __init__(self, location: CatalogLocation | Path | str) -> None:
        if isinstance(location, Path):
            location = CatalogLocation(f"sqlite:///{location}", "sqlite", location)
        elif isinstance(location, str):
            location = parse_catalog_url(location, Path("."))
        self.location = location
        self.path = location.path  # the SQLite file (None for PostgreSQL)
        self.dialect: Dialect = dialect_for(location)
        # One connection per thread: sqlite3 connections must not be shared across threads, and a
        # psycopg connection serves one statement at a time.
        self._local = threading.local()
        self._connections: list[Any] = []
        self._connections_lock = threading.Lock()
        conn = self._connect()
        self.read_only = self.dialect.is_read_only(conn)
        self._migrate(conn)
        self.catalog_id = self.get_state("catalog_id") or ""

    @property
    def kind(self) -> str:
        return self.location.kind

    # -- connections -------------------------------------------------------------------------------

    def _connect(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not self.dialect.is_usable(conn):
            with self._connections_lock:
                if conn in self._connections:
                    self._connections.remove(conn)
            conn = None
        if conn is None:
            conn = self.dialect.connect()
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Open, write, commit — or roll back on any error."""
        if self.read_only:
            raise CatalogReadOnly(f"the catalog {self.location.display} is a read-only replica "
                                  f"(hot standby): write to the primary instead")
        conn = self._connect()
        try:
            with self.dialect.transaction(conn):
                yield conn
        except self.dialect.database_errors as e:
            raise self.dialect.translate_error(e) from e

    def writer_lock(self) -> Any:
        """Context manager held by the one ingest that writes (an advisory lock on PostgreSQL)."""
        return self.dialect.writer_lock()

    def close(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except Exception:  # closing what may already be broken (a stopped server) must not raise
                pass
        self._local = threading.local()
        self.dialect.close()

    # -- schema ------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        conn = self._connect()
        if not self.dialect.table_exists(conn, "state"):
            return 0  # a brand-new catalog
        row = conn.execute("SELECT value FROM state WHERE key = 'schema_version'").fetchone()
        # A catalog from before schema versions has the version-1 tables but no version row.
        return int(row[0]) if row is not None else 1

    def _migrate(self, conn: Any) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise CatalogUnavailable(f"the catalog {self.location.display} has schema version {version}, "
                                     f"newer than this program's {SCHEMA_VERSION}: upgrade crm-archive")
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise CatalogUnavailable(f"the replica {self.location.display} has schema version {version}; "
                                     f"this program needs {SCHEMA_VERSION}: open the primary once to migrate it")
        try:
            with self.dialect.transaction(conn):
                self.dialect.serialize_changes(conn)  # two processes opening a new catalog: one migrates
                version = self.schema_version()
                for number, (_, sql) in enumerate(MIGRATIONS[version:], start=version + 1):
                    text = sql.format(**self.dialect.tokens, catalog_id=uuid.uuid4().hex)
                    for statement in _statements(text):
                        added = _ADD_COLUMN.match(statement)
                        if added and added["column"] in self._column_names(added["table"]):
                            continue
                        conn.execute(statement)
                    conn.execute("INSERT INTO state (key, value) VALUES ('schema_version', ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(number),))
        except self.dialect.database_errors as e:
            raise self.dialect.translate_error(e) from e

    # -- writes ------------------------------------------------------------------------------------

    def new_report_id(self, source: str, fmt: str) -> str:
        """A stable, readable id for a new source: its slugified stem, disambiguated if taken."""
        stem = slugify(Path(source).stem)
        candidates = [stem, f"{stem}-{fmt}"] + [f"{stem}-{fmt}-{n}" for n in range(2, 10_000)]
        conn = self._connect()
        for candidate in candidates:
            if conn.execute("SELECT 1 FROM reports WHERE id = ?", (candidate,)).fetchone() is None:
                return candidate
        raise RuntimeError(f"no free id for {source}")

    def save_report(self, conn: Any, report: Report, ingest_key: str) -> None:
        """Insert or replace a report and all its agreements (inside the caller's transaction)."""
        report = _without_nul(report)
        m = report.meeting
        conn.execute("DELETE FROM agreements WHERE report_id = ?", (report.id,))
        conn.execute("DELETE FROM reports WHERE id = ? OR source = ?", (report.id, report.source))
        conn.execute(
            """INSERT INTO reports (id, source, sha256, format, size, language, title, body, body_key,
                   number, city, country, date, date_end, year, participants, observers, text,
                   page_starts, ocr_confidence, ingest_key, ingested_at, country_inferred)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                report.id, report.source, report.sha256, report.format, report.size, report.language,
                m.title, m.body, m.body_key, m.number, m.city, m.country,
                m.date.isoformat() if m.date else None,
                m.date_end.isoformat() if m.date_end else None,
                m.year,
                json.dumps([[c.as_written, c.key] for c in m.participants], ensure_ascii=False),
                json.dumps(list(m.observers), ensure_ascii=False),
                report.text, json.dumps(list(report.page_starts)), report.ocr_confidence,
                ingest_key, report.ingested_at or now_iso(), int(m.country_inferred),
            ),
        )
        conn.executemany(
            """INSERT INTO agreements (report_id, seq, label, parent, text, page, start, "end", ocr)
               VALUES (?,?,?,?,?,?,?,?,?)""",
            [
                (report.id, seq, a.label, a.parent, a.text, a.page, a.start, a.end, int(a.ocr))
                for seq, a in enumerate(report.agreements)
            ],
        )
        self._record_change(conn, report.id, report.sha256)

    def _record_change(self, conn: Any, report_id: str, sha256: str | None) -> None:
        """The next step of the change sequence (``sha256`` None: the report was deleted)."""
        self.dialect.serialize_changes(conn)
        conn.execute("INSERT INTO changes (report_id, sha256, at) VALUES (?,?,?)", (report_id, sha256, now_iso()))
        self.dialect.notify_change(conn)

    def log(self, conn: Any, file: str, source: str | None, sha256: str | None,
            outcome: str, message: str = "", extractor_version: str | None = None) -> None:
        assert outcome in OUTCOMES, outcome
        conn.execute(
            "INSERT INTO ingest_log (at, file, source, sha256, outcome, message, extractor_version)"
            " VALUES (?,?,?,?,?,?,?)",
            (now_iso(), file, source, sha256, outcome, message, extractor_version),
        )

    def set_ingest_key(self, conn: Any, report_id: str, ingest_key: str) -> None:
        """Change what the next ingest compares against (an empty key makes it read the file again)."""
        conn.execute("UPDATE reports SET ingest_key = ? WHERE id = ?", (ingest_key, report_id))

    def delete_report(self, conn: Any, report_id: str) -> None:
        conn.execute("DELETE FROM agreements WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
        self._record_change(conn, report_id, None)

    def set_state(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO state (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def get_state(self, key: str) -> str | None:
        row = self._connect().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    # -- the change sequence -----------------------------------------------------------------------

    def last_change(self) -> int:
        """The number of the last committed report change (0 for none)."""
        return self._connect().execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def changed_since(self, seq: int) -> tuple[int, set[str]]:
        """(last change number, ids of the reports changed after ``seq``) — read in one statement."""
        rows = self._connect().execute(
            "SELECT seq, report_id FROM changes WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
        return (rows[-1][0] if rows else seq), {r[1] for r in rows}

    # -- reads -------------------------------------------------------------------------------------

    def lookup_source(self, source: str) -> tuple[str, str, str] | None:
        """(report id, sha256, ingest key) of the report ingested from this file name, if any."""
        if "\x00" in source:
            return None
        row = self._connect().execute(
            "SELECT id, sha256, ingest_key FROM reports WHERE source = ?", (source,)
        ).fetchone()
        return (row["id"], row["sha256"], row["ingest_key"]) if row else None

    def failed_before(self, sha256: str) -> tuple[str, str | None] | None:
        """(reason, extractor version) when the last parse of these bytes failed, else None.

        "unchanged" lines are skipped: they record that nothing was parsed, not how a parse went.
        """
        row = self._connect().execute(
            "SELECT outcome, message, extractor_version FROM ingest_log"
            " WHERE sha256 = ? AND outcome IN ('added', 'updated', 'failed') ORDER BY id DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return (row["message"], row["extractor_version"]) if row and row["outcome"] == "failed" else None

    def versions(self) -> dict[str, str]:
        """report id -> sha256 of every report; what the index must mirror."""
        return {r["id"]: r["sha256"] for r in self._connect().execute("SELECT id, sha256 FROM reports")}

    def report_ids(self) -> list[str]:
        rows = self._connect().execute("SELECT id, date, source FROM reports").fetchall()
        return [r["id"] for r in sorted(rows, key=_date_order)]

    def report(self, report_id: str) -> Report:
        if "\x00" in report_id:  # no stored id holds one (PostgreSQL text cannot), and it must not reach SQL
            raise NotFound(f"no report with id {report_id!r}")
        conn = self._connect()
        row = conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None:
            raise NotFound(f"no report with id {report_id!r}")
        rows = conn.execute(
            "SELECT * FROM agreements WHERE report_id = ? ORDER BY seq", (report_id,)
        ).fetchall()
        return _report_from_rows(row, rows)

    def reports(self, ids: list[str] | None = None, texts: bool = True) -> list[Report]:
        """Reports with their agreements, in date order (undated last).

        ``texts=False`` leaves out the report's extracted text and the agreements' texts (empty strings):
        listings need only metadata and the agreement tree, and the texts are most of the catalog.
        """
        conn = self._connect()
        report_cols = "*" if texts else self._columns_without_text("reports")
        agreement_cols = "*" if texts else self._columns_without_text("agreements")
        rows: list[Any] = []
        by_report: dict[str, list[Any]] = {}
        if ids is not None:
            ids = [i for i in ids if "\x00" not in i]
        for where, params in _id_filters(ids):
            rows += conn.execute(f"SELECT {report_cols} FROM reports{where.format(column='id')}", params).fetchall()
            for a in conn.execute(f"SELECT {agreement_cols} FROM agreements{where.format(column='report_id')} "
                                  f"ORDER BY report_id, seq", params):
                by_report.setdefault(a["report_id"], []).append(a)
        rows.sort(key=_date_order)  # in Python: SQLite and PostgreSQL collate text differently
        return [_report_from_rows(r, by_report.get(r["id"], [])) for r in rows]

    def meetings(self, ids: list[str]) -> dict[str, Meeting]:
        """report id -> its meeting, for the reports of ``ids`` that exist: report rows only (no texts, no
        agreements), for a page that shows a few meetings' dates."""
        cols = self._columns_without_text("reports")
        found: dict[str, Meeting] = {}
        for where, params in _id_filters([i for i in ids if "\x00" not in i]):
            for row in self._connect().execute(f"SELECT {cols} FROM reports{where.format(column='id')}", params):
                found[row["id"]] = _meeting_from_row(row)
        return found

    def _column_names(self, table: str) -> list[str]:
        cursor = self._connect().execute(f"SELECT * FROM {table} WHERE 1 = 0")
        cursor.fetchall()  # (in a PostgreSQL pipeline the description comes with the result)
        return [d[0] for d in cursor.description]

    def _columns_without_text(self, table: str) -> str:
        return ", ".join("'' AS text" if n == "text" else f'"{n}"' for n in self._column_names(table))

    def referenced_hashes(self) -> set[str]:
        conn = self._connect()
        hashes = {r[0] for r in conn.execute("SELECT sha256 FROM reports")}
        hashes |= {r[0] for r in conn.execute("SELECT sha256 FROM ingest_log WHERE sha256 IS NOT NULL")}
        return hashes

    def log_entries(self, limit: int = 100) -> list[LogEntry]:
        rows = self._connect().execute(
            "SELECT at, file, source, sha256, outcome, message FROM ingest_log ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [LogEntry(**dict(r)) for r in rows]

    def counts(self) -> dict[str, int]:
        conn = self._connect()
        return {
            "reports": conn.execute("SELECT count(*) FROM reports").fetchone()[0],
            "agreements": conn.execute("SELECT count(*) FROM agreements").fetchone()[0],
            "log_entries": conn.execute("SELECT count(*) FROM ingest_log").fetchone()[0],
        }

    def group_counts(self, column: str) -> dict[str, int]:
        if column not in {"year", "body_key", "language", "country", "format"}:
            raise ValueError(column)
        rows = self._connect().execute(f"SELECT {column} AS k, count(*) AS n FROM reports GROUP BY {column}")
        ordered = sorted(rows, key=lambda r: (r["k"] is not None, r["k"] if r["k"] is not None else 0))
        return {str(r["k"]) if r["k"] is not None else "—": r["n"] for r in ordered}

    # -- whole tables (moving a catalog) -----------------------------------------------------------

    def table_rows(self, table: str) -> tuple[list[str], list[Any]]:
        """(column names, rows) of a data table, in its natural order."""
        assert table in DATA_TABLES, table
        order = {"reports": "id", "agreements": "report_id, seq", "ingest_log": "id"}[table]
        cursor = self._connect().execute(f"SELECT * FROM {table} ORDER BY {order}")
        names = [d[0] for d in cursor.description]
        return names, [tuple(r) for r in cursor.fetchall()]

    def insert_rows(self, conn: Any, table: str, names: list[str], rows: list[Any]) -> None:
        assert table in DATA_TABLES, table
        columns = ", ".join(f'"{n}"' for n in names)
        conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})", rows)
        if table == "ingest_log":
            self.dialect.reset_identity(conn, "ingest_log", "id")
        if table == "reports":
            for row in rows:
                record = dict(zip(names, row))
                self._record_change(conn, record["id"], record["sha256"])


ID_CHUNK = 500  # ids per IN (…) list: far below SQLite's 32,766 parameters


def _id_filters(ids: list[str] | None) -> Iterator[tuple[str, tuple[str, ...]]]:
    """WHERE clauses (with a ``{column}`` slot) selecting ``ids`` in chunks; all rows for None."""
    if ids is None:
        yield "", ()
        return
    unique = sorted(set(ids))
    for start in range(0, len(unique), ID_CHUNK):
        chunk = tuple(unique[start:start + ID_CHUNK])
        yield f" WHERE {{column}} IN ({', '.join('?' * len(chunk))})", chunk


_ADD_COLUMN = re.compile(r"ALTER TABLE (?P<table>\w+) ADD COLUMN (?P<column>\w+)", re.I)


def _statements(script: str) -> list[str]:
    """A schema script split into statements (none of ours has a ';' inside a literal)."""
    return [part.strip() for part in script.split(";\n") if part.strip()]


def _without_nul(report: Report) -> Report:
    """The report with any NUL character in its texts replaced by U+FFFD: PostgreSQL text cannot hold
    NUL, and both engines must store the same thing; one character for one keeps every offset."""
    if "\x00" not in report.text and not any("\x00" in a.text for a in report.agreements):
        return report
    clean = lambda text: text.replace("\x00", "\ufffd")  # noqa: E731
    return replace(report, text=clean(report.text),
                   agreements=tuple(replace(a, text=clean(a.text)) for a in report.agreements))


def _date_order(row: Any) -> tuple:
    """Date order, undated last, then by file name: code-point order on every engine."""
    return (row["date"] is None, row["date"] or "", row["source"])


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _meeting_from_row(row: Any) -> Meeting:
    return Meeting(
        title=row["title"],
        body=row["body"],
        body_key=row["body_key"],
        number=row["number"],
        city=row["city"],
        country=row["country"],
        date=_parse_date(row["date"]),
        date_end=_parse_date(row["date_end"]),
        participants=tuple(Country(w, k) for w, k in json.loads(row["participants"])),
        observers=tuple(json.loads(row["observers"])),
        country_inferred=bool(row["country_inferred"]),
    )


def _report_from_rows(row: Any, agreement_rows: list[Any]) -> Report:
    meeting = _meeting_from_row(row)
    agreements = tuple(
        Agreement(
            label=a["label"], text=a["text"], parent=a["parent"], page=a["page"],
            start=a["start"], end=a["end"], ocr=bool(a["ocr"]),
        )
        for a in agreement_rows
    )
    return Report(
        id=row["id"], source=row["source"], sha256=row["sha256"], format=row["format"],
        language=row["language"], meeting=meeting, agreements=agreements, text=row["text"],
        page_starts=tuple(json.loads(row["page_starts"])), ocr_confidence=row["ocr_confidence"],
        ingested_at=row["ingested_at"], size=row["size"],
    )
