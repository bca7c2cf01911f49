"""Moving an archive to another catalog (``crm-archive migrate-catalog --to URL``), verified.

Copies every data table of the catalog (reports, agreements, the ingest log — generically, so a field
added later is copied too) and every stored original into an empty target catalog, then proves the copy:
the row counts of every table, every original re-read from the target and hashed, and every report as
``export --json`` shows it. Originals go first, each in its own transaction, and the catalog rows in one
transaction at the end: an interrupted migration leaves the target without reports, and a rerun goes on
where the originals stopped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from . import serialize
from .archive import Archive
from .catalog import DATA_TABLES, Catalog
from .dialects import parse_catalog_url
from .models import ArchiveError
from .store import CatalogOriginalStore

log = logging.getLogger(__name__)


class MigrationError(ArchiveError):
    """The target cannot take the archive, or the copy does not match the source."""


@dataclass
class MigrationResult:
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    originals: int = 0
    original_bytes: int = 0
    verified_hashes: int = 0
    verified_reports: int = 0


def copy_archive(source: Archive, target_url: str,
                 progress: Callable[[int, int], None] | None = None) -> MigrationResult:
    """Copy ``source`` (catalog and originals) into the empty catalog at ``target_url`` and verify it."""
    location = parse_catalog_url(target_url, source.data_dir)
    if location.kind != "postgresql":
        raise MigrationError("migrate-catalog copies into a PostgreSQL catalog: --to postgresql://…")
    if source.catalog.kind != "sqlite":
        raise MigrationError("migrate-catalog copies from an SQLite archive (this archive's catalog is "
                             f"{source.catalog.location.display})")
    target = Catalog(location)
    try:
        result = MigrationResult(target=location.display)
        with source._write_lock(), target.writer_lock():
            counts = target.counts()
            if counts["reports"] or counts["log_entries"]:
                raise MigrationError(f"the catalog {location.display} already holds {counts['reports']} reports "
                                     f"and {counts['log_entries']} log entries: migrate into an empty database")
            store = CatalogOriginalStore(target, source.data_dir / "cache" / "originals")
            hashes = sorted(source.store.hashes())
            for done, sha in enumerate(hashes, start=1):
                path = source.store.local_path(sha)
                content = path.read_bytes() if path is not None else b""
                if hashlib.sha256(content).hexdigest() != sha:
                    raise MigrationError(f"the original {sha[:12]} is missing or damaged in the source; "
                                         f"run `crm-archive check` there first")
                if sha not in store:
                    store.put_bytes(sha, content)
                result.originals += 1
                result.original_bytes += len(content)
                if progress:
                    progress(done, len(hashes))
            tables = {table: source.catalog.table_rows(table) for table in DATA_TABLES}
            with target.transaction() as conn:
                for table, (names, rows) in tables.items():
                    target.insert_rows(conn, table, names, rows)
            _verify(source, target, store, hashes, tables, result)
        return result
    finally:
        target.close()


def _verify(source: Archive, target: Catalog, store: CatalogOriginalStore, hashes: list[str],
            tables: dict, result: MigrationResult) -> None:
    for table, (names, rows) in tables.items():
        copied = target.table_rows(table)[1]
        if len(copied) != len(rows):
            raise MigrationError(f"{table}: {len(copied)} rows in the target, {len(rows)} in the source")
        result.rows[table] = len(copied)
    for sha in hashes:
        if not store.verify(sha):
            raise MigrationError(f"the original {sha[:12]} does not read back intact from the target")
        result.verified_hashes += 1
    want = [serialize.report_to_dict(r) for r in source.catalog.reports()]
    got = [serialize.report_to_dict(r) for r in target.reports()]
    if got != want:
        differing = next(w["id"] for w, g in zip(want + [{"id": "?"}], got + [{}]) if w != g)
        raise MigrationError(f"the report {differing!r} reads back differently from the target")
    result.verified_reports = len(got)

