"""The SQLite catalog: the system of record for reports, their agreements and the ingest log.

The search index is derived from it and can always be rebuilt from it. One report is written in one
transaction (``save_report``), so an interrupted ingest leaves every report either fully in or fully out.
WAL mode lets readers (searches, the web app) see the last committed state while an ingest writes.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from .models import Agreement, Country, Meeting, NotFound, Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
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
    ocr_confidence REAL,
    ingest_key TEXT NOT NULL DEFAULT '',
    ingested_at TEXT NOT NULL,
    country_inferred INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS agreements (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    parent TEXT,
    text TEXT NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    ocr INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, label)
);
CREATE INDEX IF NOT EXISTS agreements_by_seq ON agreements(report_id, seq);
CREATE TABLE IF NOT EXISTS ingest_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    file TEXT NOT NULL,
    source TEXT,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

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
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One connection per thread: sqlite3 connections must not be shared across threads.
        self._local = threading.local()
        with self._connect() as conn:
            conn.executescript(SCHEMA)
            columns = {row["name"] for row in conn.execute("PRAGMA table_info(reports)")}
            if "country_inferred" not in columns:  # a catalog written before the column existed
                conn.execute("ALTER TABLE reports ADD COLUMN country_inferred INTEGER NOT NULL DEFAULT 0")
            _add_extractor_version_column(conn)

    # -- connections -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Open, write, commit — or roll back on any error."""
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

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

    def save_report(self, conn: sqlite3.Connection, report: Report, ingest_key: str) -> None:
        """Insert or replace a report and all its agreements (inside the caller's transaction)."""
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
            """INSERT INTO agreements (report_id, seq, label, parent, text, page, start, end, ocr)
               VALUES (?,?,?,?,?,?,?,?,?)""",
            [
                (report.id, seq, a.label, a.parent, a.text, a.page, a.start, a.end, int(a.ocr))
                for seq, a in enumerate(report.agreements)
            ],
        )

    def log(self, conn: sqlite3.Connection, file: str, source: str | None, sha256: str | None,
            outcome: str, message: str = "", extractor_version: str | None = None) -> None:
        assert outcome in OUTCOMES, outcome
        conn.execute(
            "INSERT INTO ingest_log (at, file, source, sha256, outcome, message, extractor_version)"
            " VALUES (?,?,?,?,?,?,?)",
            (now_iso(), file, source, sha256, outcome, message, extractor_version),
        )

    def set_ingest_key(self, conn: sqlite3.Connection, report_id: str, ingest_key: str) -> None:
        """Change what the next ingest compares against (an empty key makes it read the file again)."""
        conn.execute("UPDATE reports SET ingest_key = ? WHERE id = ?", (ingest_key, report_id))

    def delete_report(self, conn: sqlite3.Connection, report_id: str) -> None:
        conn.execute("DELETE FROM agreements WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))

    def set_state(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def get_state(self, key: str) -> str | None:
        row = self._connect().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    # -- reads -------------------------------------------------------------------------------------

    def lookup_source(self, source: str) -> tuple[str, str, str] | None:
        """(report id, sha256, ingest key) of the report ingested from this file name, if any."""
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
        return [r["id"] for r in self._connect().execute(
            "SELECT id FROM reports ORDER BY date IS NULL, date, source")]

    def report(self, report_id: str) -> Report:
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
        report_cols = "*" if texts else ", ".join(
            "'' AS text" if r["name"] == "text" else r["name"]
            for r in conn.execute("PRAGMA table_info(reports)"))
        agreement_cols = "*" if texts else "report_id, seq, label, parent, '' AS text, page, start, end, ocr"
        rows = conn.execute(
            f"SELECT {report_cols} FROM reports ORDER BY date IS NULL, date, source").fetchall()
        if ids is not None:
            wanted = set(ids)
            rows = [r for r in rows if r["id"] in wanted]
        by_report: dict[str, list[sqlite3.Row]] = {}
        for a in conn.execute(f"SELECT {agreement_cols} FROM agreements ORDER BY report_id, seq"):
            by_report.setdefault(a["report_id"], []).append(a)
        return [_report_from_rows(r, by_report.get(r["id"], [])) for r in rows]

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
        rows = self._connect().execute(
            f"SELECT {column} AS k, count(*) AS n FROM reports GROUP BY {column} ORDER BY {column}"
        )
        return {str(r["k"]) if r["k"] is not None else "—": r["n"] for r in rows}


def _add_extractor_version_column(conn: sqlite3.Connection) -> None:
    """Migration for catalogs made before failures were remembered: the log's extractor version column
    (and an index, since every re-ingest asks the log about every file's hash). Plain SQL."""
    try:
        conn.execute("SELECT extractor_version FROM ingest_log LIMIT 0")
    except sqlite3.OperationalError:
        conn.execute("ALTER TABLE ingest_log ADD COLUMN extractor_version TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS ingest_log_by_sha256 ON ingest_log(sha256)")


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _report_from_rows(row: sqlite3.Row, agreement_rows: list[sqlite3.Row]) -> Report:
    meeting = Meeting(
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
