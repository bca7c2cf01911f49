"""The thin per-backend layer under the one catalog: SQLite (embedded, the default) or PostgreSQL.

``archive.catalog`` holds the catalog's SQL once, written so that both engines accept it: ``?``
placeholders, PostgreSQL type names (SQLite accepts them), ``ON CONFLICT`` upserts. What really differs
lives here and only here: connecting, the placeholder style of the driver, the two type names the engines
spell differently (``{serial}``, ``{blob}`` in the schema), transactions, locks, hot-standby detection and
change notifications (LISTEN/NOTIFY). A new catalog field is therefore written once, in catalog.py.

Why no ORM: the catalog is a dozen statements over a few tables, the hard parts (one transaction per
report, advisory locks, LISTEN/NOTIFY, read-only replicas) are engine features an ORM would only hide,
and the SQL common to SQLite and PostgreSQL covers the rest.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .models import ArchiveError

log = logging.getLogger(__name__)

CHANGES_CHANNEL = "crm_archive_changes"


class CatalogUnavailable(ArchiveError):
    """The catalog cannot be opened or reached (the message names it, without a password)."""


class CatalogReadOnly(ArchiveError):
    """A write was attempted on a read-only catalog (a hot-standby replica)."""


class CatalogBusy(ArchiveError):
    """Another writer holds the catalog's ingest lock."""


@dataclass(frozen=True)
class CatalogLocation:
    """Where a catalog lives: ``sqlite:///path`` or ``postgresql://…`` (a libpq URL)."""

    url: str
    kind: str  # "sqlite" | "postgresql"
    path: Path | None = None  # the SQLite file

    @property
    def display(self) -> str:
        return redact(self.url)


def parse_catalog_url(url: str | None, data_dir: Path) -> CatalogLocation:
    """``None`` (or empty) means the embedded default, ``<data_dir>/catalog.sqlite3``."""
    if not url:
        path = Path(data_dir) / "catalog.sqlite3"
        return CatalogLocation(f"sqlite:///{path}", "sqlite", path)
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        rest = url[len("sqlite:"):]
        path_text = unquote(rest[2:].split("?", 1)[0]) if rest.startswith("//") else ""
        if path_text in ("", "/"):
            raise CatalogUnavailable(f"not a catalog URL: {url!r} (use sqlite:///path/to/catalog.sqlite3)")
        # sqlite:///srv/crm/catalog.sqlite3 (and SQLAlchemy's four-slash spelling) name an absolute path
        return CatalogLocation(url, "sqlite", Path("/" + path_text.lstrip("/")))
    if scheme in ("postgresql", "postgres"):
        return CatalogLocation(url, "postgresql")
    raise CatalogUnavailable(f"unknown catalog URL {redact(url)!r}: use sqlite:///path or postgresql://…")


def redact(url: str) -> str:
    """The URL with its password replaced, fit for messages and logs."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<catalog URL>"
    if password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{password}@", ":***@", 1)))


class Row(Sequence):
    """A PostgreSQL row that reads like ``sqlite3.Row``: by position, by column name, ``dict(row)``."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


_PLACEHOLDER = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(\?)|(%)""")


def to_format_style(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (and a literal ``%`` to ``%%``); quoted text left alone."""
    def swap(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        return "%s" if m.group(2) else "%%"
    return _PLACEHOLDER.sub(swap, sql)


def _row_factory(cursor):
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(names, values)


class _PgConnection:
    """A psycopg connection that takes the catalog's ``?`` SQL; cursors yield ``Row``s."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self._sql: dict[str, str] = {}

    def _translate(self, sql: str) -> str:
        done = self._sql.get(sql)
        if done is None:
            done = self._sql[sql] = to_format_style(sql)
        return done

    def execute(self, sql: str, params: Sequence[Any] = ()):
        return self.raw.execute(self._translate(sql), tuple(params))

    def executemany(self, sql: str, rows) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(self._translate(sql), list(rows))

    def close(self) -> None:
        self.raw.close()


class Dialect:
    """What differs between the engines. One instance per opened catalog."""

    kind: str
    tokens: dict[str, str]

    def __init__(self, location: CatalogLocation) -> None:
        self.location = location

    def connect(self) -> Any:
        """A new connection with ``execute(sql, params)`` and ``executemany``, in autocommit mode."""
        raise NotImplementedError

    def transaction(self, conn: Any) -> Any:
        raise NotImplementedError

    def is_usable(self, conn: Any) -> bool:
        """False for a connection lost to a server restart: the next use opens a new one."""
        return True


    def is_read_only(self, conn: Any) -> bool:
        return False

    def table_exists(self, conn: Any, name: str) -> bool:
        raise NotImplementedError

    def serialize_changes(self, conn: Any) -> None:
        """Inside a writing transaction, before a change number is taken: commit order = number order."""

    def notify_change(self, conn: Any) -> None:
        """Tell followers a report changed (delivered when the transaction commits)."""

    def writer_lock(self) -> Any:
        """Context manager held by the one ingest that may write to this catalog; yields the descriptor
        that holds it (worker processes close it: only the ingest may keep the lock)."""
        raise NotImplementedError

    def wait_for_change(self, timeout: float, stop: threading.Event | None = None) -> None:
        """Return after a change notification, or after ``timeout`` seconds (the poll fallback)."""
        if stop is not None:
            stop.wait(timeout)
        else:
            time.sleep(timeout)

    def reset_identity(self, conn: Any, table: str, column: str) -> None:
        """After copying explicit ids into an identity column, continue numbering after the largest."""

    def translate_error(self, e: Exception) -> Exception:
        return e

    @property
    def database_errors(self) -> tuple[type[Exception], ...]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SqliteDialect(Dialect):
    kind = "sqlite"
    tokens = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"}

    def connect(self) -> sqlite3.Connection:
        assert self.location.path is not None
        try:
            self.location.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.location.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except (sqlite3.Error, OSError) as e:
            raise CatalogUnavailable(f"cannot open the catalog {self.location.path}: {e}") from e
        return conn

    @contextmanager
    def transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")  # the write lock now, not at the first write: no upgrade deadlock
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error:
            # A COMMIT refused for a full disk leaves the transaction open: every later BEGIN of this
            # connection would fail with "cannot start a transaction within a transaction".
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def table_exists(self, conn: sqlite3.Connection, name: str) -> bool:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        return row is not None

    @contextmanager
    def writer_lock(self) -> Iterator[int]:
        assert self.location.path is not None
        lock_path = self.location.path.with_name(self.location.path.name + ".lock")
        with lock_path.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CatalogBusy(f"another ingest is writing to the catalog {self.location.path}; "
                                  f"try again when it ends")
            yield lock.fileno()

    def translate_error(self, e: Exception) -> Exception:
        # "database or disk is full", "disk I/O error", "attempt to write a readonly database": one line
        # naming the catalog, not sqlite3's traceback from the middle of an ingest.
        if isinstance(e, sqlite3.OperationalError):
            return CatalogUnavailable(f"cannot write the catalog {self.location.display}: {e}")
        return e

    @property
    def database_errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(f"crm-archive:{name}".encode()).digest()[:8], "big", signed=True)


INGEST_LOCK = _lock_key("ingest")
CHANGES_LOCK = _lock_key("changes")


class PostgresDialect(Dialect):
    kind = "postgresql"
    tokens = {"serial": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "blob": "BYTEA"}

    def __init__(self, location: CatalogLocation) -> None:
        super().__init__(location)
        self._listener: Any = None  # None: not tried yet; False: cannot LISTEN (a replica); else a connection
        self._listener_lock = threading.Lock()

    def _raw_connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.location.url, autocommit=True, row_factory=_row_factory,
                                   connect_timeout=10, application_name="crm-archive")
        except psycopg.Error as e:
            reason = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
            raise CatalogUnavailable(f"cannot connect to the catalog {self.location.display}: {reason}") from e

    def connect(self) -> _PgConnection:
        return _PgConnection(self._raw_connect())

    @contextmanager
    def transaction(self, conn: _PgConnection) -> Iterator[_PgConnection]:
        # Pipeline mode: a transaction's statements (one report: ~10) go out back to back instead of one
        # round trip each; a statement whose result is read still waits for it.
        with conn.raw.pipeline(), conn.raw.transaction():
            yield conn

    def is_usable(self, conn: _PgConnection) -> bool:
        return not (conn.raw.closed or conn.raw.broken)

    def is_read_only(self, conn: _PgConnection) -> bool:
        return bool(conn.execute("SELECT pg_is_in_recovery()").fetchone()[0])

    def table_exists(self, conn: _PgConnection, name: str) -> bool:
        return bool(conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0])

    def serialize_changes(self, conn: _PgConnection) -> None:
        # Identity values are handed out at INSERT, not at COMMIT: without this lock two writers could
        # commit change 11 before change 10, and a follower that has read 11 would never look back for 10.
        conn.execute("SELECT pg_advisory_xact_lock(?)", (CHANGES_LOCK,))

    def notify_change(self, conn: _PgConnection) -> None:
        conn.execute("SELECT pg_notify(?, '')", (CHANGES_CHANNEL,))

    @contextmanager
    def writer_lock(self) -> Iterator[int]:
        # A session lock on a connection of its own: held for the whole ingest and released by the
        # server when this process dies (kill -9 included), so a rerun is never locked out.
        conn = self._raw_connect()
        try:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (INGEST_LOCK,)).fetchone()[0]:
                raise CatalogBusy(f"another ingest is writing to the catalog {self.location.display}; "
                                  f"try again when it ends")
            try:
                yield conn.fileno()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (INGEST_LOCK,))
        finally:
            conn.close()

    def _listening_connection(self) -> Any:
        import psycopg

        with self._listener_lock:
            if self._listener is None:
                try:
                    conn = self._raw_connect()
                    if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                        conn.close()  # a hot standby cannot LISTEN: poll
                        self._listener = False
                    else:
                        conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                        self._listener = conn
                except (psycopg.Error, CatalogUnavailable) as e:
                    log.info("no LISTEN on %s (%s); polling", self.location.display, e)
                    return False  # try again next time (the server may be back)
            return self._listener

    def wait_for_change(self, timeout: float, stop: threading.Event | None = None) -> None:
        """LISTEN on a primary; on a hot standby (which cannot LISTEN) this is a poll of ``timeout``."""
        import psycopg

        listener = self._listening_connection()
        if not listener:
            super().wait_for_change(timeout, stop)
            return
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0 and not (stop is not None and stop.is_set()):
                for _ in listener.notifies(timeout=min(left, 0.5), stop_after=1):
                    return
        except (psycopg.Error, OSError) as e:
            log.info("lost the LISTEN connection to %s (%s); reconnecting", self.location.display, e)
            with self._listener_lock:
                self._listener = None
            try:
                listener.close()
            except psycopg.Error:
                pass
            super().wait_for_change(max(0.0, deadline - time.monotonic()), stop)

    def reset_identity(self, conn: _PgConnection, table: str, column: str) -> None:
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                     f"GREATEST((SELECT max({column}) FROM {table}), 1))")

    def translate_error(self, e: Exception) -> Exception:
        import psycopg

        if isinstance(e, psycopg.errors.ReadOnlySqlTransaction):
            return CatalogReadOnly(f"the catalog {self.location.display} is a read-only replica (hot standby): "
                                   f"write to the primary instead")
        if isinstance(e, psycopg.OperationalError):
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            return CatalogUnavailable(f"catalog {self.location.display}: {reason}")
        return e

    @property
    def database_errors(self) -> tuple[type[Exception], ...]:
        import psycopg

        return (psycopg.Error,)

    def close(self) -> None:
        with self._listener_lock:
            listener, self._listener = self._listener, None
        if listener:
            listener.close()


def dialect_for(location: CatalogLocation) -> Dialect:
    return PostgresDialect(location) if location.kind == "postgresql" else SqliteDialect(location)
