"""The archive facade: a catalog (with the originals) + this node's index. CLI and web call only this.

Layout of the data directory with the embedded default catalog::

    originals/ab/abcdef…   content-addressed originals (archive.store)
    catalog.sqlite3        the system of record (archive.catalog)
    index/                 the Whoosh index, derived from the catalog (index)
    index/FOLLOWS.json     which catalog and change number the index has caught up to
    ingest.lock            held by the one process that writes this index at a time

With ``catalog="postgresql://…"`` the catalog and the originals live in PostgreSQL and the data directory
holds only this node's index and ``cache/`` (local copies of the originals it served).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from index import AgreementIndex, Precedent, SearchQuery, SearchResult, YearCount
from index.expansion import entity_query
from ingest.pages import render_page_png
from ingest.pipeline import ParsedReport, parse_file

from index import store as index_store

from .catalog import Catalog, now_iso
from .commitments import ListedCommitment, all_commitments
from .dialects import CatalogBusy, CatalogReadOnly, parse_catalog_url
from .ingesting import (Candidate, Limits, PageProgress, Progress, extractor_version_of, hash_file, ingest_key_of,
                        parse_in_workers, unsupported_reason, walk)
from .models import Agreement, ArchiveError, ExtractionError, IngestSummary, Meeting, NotFound, Report
from .glossary import glossary
from .participation import ParticipationMatrix, participation_matrix
from .store import CatalogOriginalStore, OriginalStore
from .versions import VersionLinks, aligned_labels, link_versions

log = logging.getLogger(__name__)

# Index commits during an ingest. Each incremental commit costs far more per unit than one rebuild
# (measured at 100k synthetic units: five 500-report updates took ~240 s of CPU, a 2-process rebuild
# 80 s), so an ingest into an archive that people already search commits at most every
# INDEX_FLUSH_SECONDS (searches see progress), and an ingest that brings more reports than the index
# holds rebuilds it once at the end instead.
INDEX_BATCH = 500
INDEX_FLUSH_SECONDS = 60.0
# How often a following node looks for changes when no notification can reach it (SQLite, a replica).
FOLLOW_POLL_SECONDS = 2.0
FOLLOWS_FILE = "FOLLOWS.json"
# How long a check waits for the data folder's lock: a serving node's follower holds it for a moment at
# every poll, an ingest for its whole run.
FOLLOWER_LOCK_WAIT = 3.0


class ArchiveBusy(ArchiveError):
    """Another ingest holds the archive's write lock."""


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest, with what it did before (each file is committed whole, or not at all): the
    CLI says what was kept instead of a bare "Aborted!". A KeyboardInterrupt still, for any other caller."""

    def __init__(self, summary: IngestSummary) -> None:
        super().__init__()
        self.summary = summary


@dataclass(frozen=True)
class IndexSync:
    rebuilt: bool = False
    updated: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.updated or self.removed)


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, nothing to fix

    @property
    def ok(self) -> bool:
        return not self.problems


class Archive:
    def __init__(self, data_dir: Path, catalog: str | None = None, create: bool = True) -> None:
        """``catalog``: a ``sqlite:///`` or ``postgresql://`` URL; None for ``<data_dir>/catalog.sqlite3``.
        ``create=False`` refuses an SQLite catalog that does not exist yet instead of creating an empty one."""
        self.data_dir = Path(data_dir)
        location = parse_catalog_url(catalog, self.data_dir)
        if not create and location.path is not None and not location.path.is_file():
            raise ArchiveError(f"no archive at {self.data_dir}: there is no catalog {location.path} "
                               f"(an ingest creates one)")
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a parent that does not exist under /proc, a read-only disk, no permission
            raise ArchiveError(f"cannot create the data folder {self.data_dir}: {e.strerror or e}") from e
        self.catalog = Catalog(location)
        if location.kind == "sqlite":
            assert location.path is not None  # originals travel with the SQLite file
            self.store: OriginalStore | CatalogOriginalStore = OriginalStore(location.path.parent / "originals")
        else:
            self.store = CatalogOriginalStore(self.catalog, self.data_dir / "cache" / "originals")
        self._index: AgreementIndex | None = None
        self._links: tuple[int, VersionLinks] | None = None  # (catalog state, links) -- see version_links
        self._links_lock = threading.Lock()
        self._listed: tuple[int, tuple[Report, ...]] | None = None  # (catalog state, reports) -- see _listing
        self._mentions: tuple[int, dict[str, list[YearCount]]] | None = None

    @property
    def index(self) -> AgreementIndex:
        if self._index is None:
            self._index = AgreementIndex(self.data_dir / "index")
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _index_lock(self, wait: float = 0.0) -> Iterator[int]:
        """Hold this data directory's lock (one writer of its index); yields its descriptor. ``wait``: seconds
        to keep trying first (a serving node's follower holds it for a moment at every poll)."""
        deadline = time.monotonic() + wait
        with (self.data_dir / "ingest.lock").open("w") as lock:
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ArchiveBusy(f"another ingest is writing to {self.data_dir}; try again when it ends")
                    time.sleep(0.05)
            yield lock.fileno()

    @contextmanager
    def _write_lock(self, wait: float = 0.0) -> Iterator[tuple[int, ...]]:
        """Hold the archive's single-writer locks (this index, and the catalog: an advisory lock on
        PostgreSQL, so two ingests from two machines are serialised too); yields their descriptors,
        which worker processes must not inherit."""
        with self._index_lock(wait) as index_fd:
            try:
                with self.catalog.writer_lock() as catalog_fd:
                    yield (index_fd, catalog_fd)
            except CatalogBusy as e:
                raise ArchiveBusy(str(e)) from e

    # -- ingest ------------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path], limits: Limits = Limits(),
               progress: Progress | None = None,
               page_progress: PageProgress | None = None, retry_failed: bool = False) -> IngestSummary:
        """Archive every supported file under ``paths``; one file's failure never stops the others.

        Bytes that failed before with the same extractor version are not parsed again (a damaged PDF
        or a blank scan would cost its full parse or OCR on every run) unless ``retry_failed``.
        Ctrl-C raises ``IngestInterrupted`` with what was done before it.
        """
        summary = IngestSummary()
        try:
            self._ingest_into(summary, paths, limits, progress, page_progress, retry_failed)
        except KeyboardInterrupt:
            raise IngestInterrupted(summary) from None
        return summary

    def _ingest_into(self, summary: IngestSummary, paths: Iterable[Path], limits: Limits,
                     progress: Progress | None, page_progress: PageProgress | None, retry_failed: bool) -> None:
        if self.catalog.read_only:
            raise CatalogReadOnly(f"the catalog {self.catalog.location.display} is a read-only replica "
                                  f"(hot standby): ingest into the primary")
        with self._write_lock() as lock_fds:
            # Bring the archive in line after an interrupted run: we are the only writer now, so a
            # temporary file in the store is a write that was cut off, and the index may lag the catalog.
            for temp in self.store.leftover_temp_files():
                log.info("removing %s, left by an interrupted ingest", temp)
                temp.unlink(missing_ok=True)
            self.catch_up()
            skipped: list[Path] = []
            found = list(walk((Path(p) for p in paths), skipped))
            summary.skipped.extend((str(p), unsupported_reason(p)) for p in skipped)
            total, done = len(found), 0
            to_parse: list[Candidate] = []
            unchanged: list[tuple[str, str, str, str]] = []
            # A report is known by its file name; two different files of one name in one batch would
            # replace each other, the winner depending on the walk order. The first one walked wins.
            first_of_name: dict[str, tuple[Path, str]] = {}

            def tick(name: str) -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(done, total, name)

            for path, problem in found:
                if problem is None:
                    try:
                        sha, size = hash_file(path, limits.max_bytes)
                        key = ingest_key_of(path)
                    except ExtractionError as e:
                        problem = str(e)
                    except OSError as e:
                        problem = f"cannot read file: {e.strerror or e}"
                if problem is None and path.name in first_of_name:
                    other, other_sha = first_of_name[path.name]
                    if other_sha == sha:
                        summary.unchanged.append(str(path))
                        unchanged.append((str(path), path.name, sha, f"same file as {other}"))
                        tick(path.name)
                        continue
                    problem = (f"another file of the same name, {other}, is in this batch; "
                               f"reports are identified by file name: rename one of them")
                if problem is not None:
                    self._fail(summary, path, problem)
                    tick(path.name)
                    continue
                first_of_name[path.name] = (path, sha)
                known = self.catalog.lookup_source(path.name)
                # (A stored original that went missing is restored by reading the file again.)
                if known and known[1] == sha and known[2] == key and sha in self.store:
                    summary.unchanged.append(str(path))
                    unchanged.append((str(path), path.name, sha, ""))
                    tick(path.name)
                    continue
                failure = None if retry_failed else self.catalog.failed_before(sha)
                if failure is not None and failure[1] == extractor_version_of(key):
                    summary.unchanged.append(str(path))
                    summary.failed_before.append((str(path), failure[0]))
                    unchanged.append((str(path), path.name, sha, f"failed before: {failure[0]}"))
                    tick(path.name)
                    continue
                to_parse.append(Candidate(path, path.name, sha, size, key))

            if unchanged:
                with self.catalog.transaction() as conn:
                    for file, source, sha, message in unchanged:
                        self.catalog.log(conn, file, source, sha, "unchanged", message)

            batch: list[Report] = []
            indexed: set[str] = set()
            searched_already = bool(self.index.indexed_versions())
            last_flush = time.monotonic()
            for candidate, parsed, error in parse_in_workers(to_parse, limits, close_fds=lock_fds,
                                                                 page_progress=page_progress):
                if error is not None or parsed is None:
                    self._fail(summary, candidate.path, error or "unknown error", candidate.sha256,
                               extractor_version_of(candidate.ingest_key))
                else:
                    try:
                        report, outcome = self._archive(candidate, parsed)
                    except (OSError, ArchiveError) as e:
                        self._fail(summary, candidate.path, f"could not archive: {e}", candidate.sha256)
                    else:
                        getattr(summary, outcome).append(str(candidate.path))
                        summary.notes.extend((str(candidate.path), n) for n in parsed.extracted.notes)
                        batch.append(report)
                tick(candidate.path.name)
                if (searched_already and len(batch) >= INDEX_BATCH
                        and time.monotonic() - last_flush >= INDEX_FLUSH_SECONDS):
                    self.index.update(batch)
                    indexed.update(r.id for r in batch)
                    batch, last_flush = [], time.monotonic()
            if len(batch) > max(len(self.index.indexed_versions()), INDEX_BATCH):
                self.sync_index(force=True)  # the catalog already holds the batch
            else:
                if batch:
                    self.index.update(batch)
                    indexed.update(r.id for r in batch)
                self._advance(indexed)

    def _fail(self, summary: IngestSummary, path: Path, reason: str, sha: str | None = None,
              extractor_version: str | None = None) -> None:
        summary.failed.append((str(path), reason))
        log.info("failed: %s: %s", path, reason)
        with self.catalog.transaction() as conn:
            self.catalog.log(conn, str(path), path.name, sha, "failed", reason, extractor_version)

    def _archive(self, candidate: Candidate, parsed: ParsedReport) -> tuple[Report, str]:
        """Store the original, then commit the report and its log line in one transaction."""
        self.store.put(candidate.path, candidate.sha256)
        known = self.catalog.lookup_source(candidate.source)
        outcome = "updated" if known else "added"
        report = Report(
            id=known[0] if known else self.catalog.new_report_id(candidate.source, parsed.format),
            source=candidate.source,
            sha256=candidate.sha256,
            format=parsed.format,
            language=parsed.language,
            meeting=parsed.meeting,
            agreements=parsed.agreements,
            text=parsed.extracted.text,
            page_starts=parsed.extracted.page_starts,
            ocr_confidence=parsed.extracted.ocr_confidence,
            ingested_at=now_iso(),
            size=candidate.size,
        )
        message = f"{len(report.agreements)} units"
        if known and known[1] != candidate.sha256:
            message += f"; replaces {known[1][:12]}"
        for note in parsed.extracted.notes:  # e.g. "page 2 read with pdfium (...)"
            message += f"; {note}"
        with self.catalog.transaction() as conn:
            self.catalog.save_report(conn, report, candidate.ingest_key)
            self.catalog.log(conn, str(candidate.path), candidate.source, candidate.sha256, outcome, message,
                             extractor_version_of(candidate.ingest_key))
        return report, outcome

    # -- index -------------------------------------------------------------------------------------

    def sync_index(self, force: bool = False) -> IndexSync:
        """Make the index mirror the catalog: rebuild when asked or when the schema changed, else compare
        every report's version with the index and patch the differences."""
        seq = self.catalog.last_change()  # read first: what commits later is applied on the next sync
        want = self.catalog.versions()
        have = {} if force else self.index.indexed_versions()
        # An empty index (a fresh node) is built from scratch: one rebuild is far cheaper than updates.
        if force or self.index.needs_rebuild() or (not have and want):
            self.index.rebuild(self.catalog.reports())
            self._write_follows(seq)
            return IndexSync(rebuilt=True)
        extra = [rid for rid in have if rid not in want]
        stale = [rid for rid, sha in want.items() if have.get(rid) != sha]
        if extra:
            self.index.remove(extra)
        if stale:
            self.index.update(self.catalog.reports(stale))
        self._write_follows(seq)
        return IndexSync(updated=len(stale), removed=len(extra))

    def catch_up(self) -> IndexSync:
        """Bring the index in line with the catalog by applying only the report changes committed since
        it last caught up (the change sequence); a missing, outdated or foreign index is rebuilt or
        compared in full instead."""
        follows = self._read_follows()
        if follows is None or self.index.needs_rebuild():
            return self.sync_index()
        return self._apply_changes(follows, already_indexed=set())

    def _advance(self, indexed: set[str]) -> None:
        """After an ingest indexed ``indexed`` itself: apply any other change and move the marker."""
        follows = self._read_follows()
        if follows is None:
            self.sync_index()
        else:
            self._apply_changes(follows, already_indexed=indexed)

    def _apply_changes(self, since: int, already_indexed: set[str]) -> IndexSync:
        last, changed = self.catalog.changed_since(since)
        if not changed:
            return IndexSync()
        todo = sorted(changed - already_indexed)
        present = self.catalog.reports(todo) if todo else []
        gone = sorted(set(todo) - {r.id for r in present})
        if gone:
            self.index.remove(gone)
        if present:
            self.index.update(present)
        self._write_follows(last)
        return IndexSync(updated=len(present), removed=len(gone))

    def _follows_path(self) -> Path:
        return self.data_dir / "index" / FOLLOWS_FILE

    def _read_follows(self) -> int | None:
        """The change number the index has caught up to, if it was recorded for this catalog and for the
        index generation that is current (a rebuild by other means invalidates it)."""
        try:
            data = json.loads(self._follows_path().read_text(encoding="utf-8"))
            pointer = index_store.read_pointer(self.data_dir / "index")
            if (pointer is None or data.get("catalog_id") != self.catalog.catalog_id
                    or data.get("generation") != pointer.generation):
                return None
            seq = int(data["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return seq if seq <= self.catalog.last_change() else None  # a catalog restored from an older backup

    def _write_follows(self, seq: int) -> None:
        pointer = index_store.read_pointer(self.data_dir / "index")
        if pointer is None:
            return
        path = self._follows_path()
        tmp = path.with_name(f".{FOLLOWS_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"catalog_id": self.catalog.catalog_id, "seq": seq,
                                   "generation": pointer.generation}), encoding="utf-8")
        os.replace(tmp, path)

    def catch_up_if_idle(self) -> IndexSync | None:
        """``catch_up`` unless another process is writing this index (None then: it is doing just that).

        For the one-shot reads (a CLI search): an ingest cut off by ``kill -9`` leaves reports committed to
        the catalog that the index has not taken in, and until the next ingest a search missed what
        ``list`` showed (in the trial, "0 agreements" for "migrantes" with 32 reports archived). Nothing
        changed since the last catch-up costs a read of the change number.
        """
        try:
            with self._index_lock():
                return self.catch_up()
        except ArchiveBusy:
            return None
        except OSError as e:  # a data folder this user may only read, a full disk: search what the index holds
            log.warning("could not bring the index in line with the catalog (%s): the answer may miss "
                        "reports archived since it was last updated", e.strerror or e)
            return None

    def reindex(self, if_needed: bool = False) -> IndexSync:
        with self._index_lock():
            return self.catch_up() if if_needed else self.sync_index(force=True)

    def follow(self, stop: threading.Event, poll_seconds: float = FOLLOW_POLL_SECONDS) -> None:
        """Keep this node's index in line with the catalog until ``stop`` is set (``serve`` runs this in a
        thread): wake on a change notification (PostgreSQL primary) or every ``poll_seconds``, apply the
        new changes. While an ingest writes through this data directory it updates the index itself."""
        while not stop.is_set():
            try:
                with self._index_lock():
                    sync = self.catch_up()
                if sync.changed:
                    log.info("index caught up: %s", sync)
            except ArchiveBusy:
                pass
            except Exception as e:  # a lost database connection, a full disk: log, retry on the next round
                log.warning("could not catch up with the catalog: %s", e)
            self.catalog.dialect.wait_for_change(poll_seconds, stop)

    def keep_derived_warm(self, stop: threading.Event, poll_seconds: float = FOLLOW_POLL_SECONDS) -> None:
        """Recompute what is derived from the whole catalog (version links, commitments, glossary mentions)
        as soon as the catalog changes, until ``stop`` is set (``serve`` runs this in a thread), so that no
        visitor waits for it: at 2,093 reports the version links alone take ~6 s after each ingest."""
        while not stop.is_set():
            try:
                self.version_links()
                self._listing()
                self.commitments()
                self.entity_mentions()
            except Exception as e:  # a lost connection, an index being swapped: the next round tries again
                log.warning("could not refresh the derived views: %s", e)
            stop.wait(poll_seconds)

    # -- reads -------------------------------------------------------------------------------------

    def reports(self, texts: bool = True, ids: list[str] | None = None) -> list[Report]:
        """All reports (or those of ``ids``) in date order; ``texts=False`` for listings (metadata and
        agreement tree only)."""
        if texts or ids is not None:
            return self.catalog.reports(ids=ids, texts=texts)
        return list(self._listing())

    def _listing(self) -> tuple[Report, ...]:
        """Every report without texts, kept until the catalog's change sequence moves: the meetings,
        participation and commitments pages and the reports API list them all (~1.4 s to read at 2,093
        reports and 100k agreements; ~34 MB kept)."""
        state = self.catalog.last_change()  # read first: a change committed meanwhile is read next time
        with self._links_lock:
            if self._listed is not None and self._listed[0] == state:
                return self._listed[1]
        listed = tuple(self.catalog.reports(texts=False))
        with self._links_lock:
            self._listed = (state, listed)
        return listed

    def report(self, report_id: str) -> Report:
        return self.catalog.report(report_id)

    def meetings(self, ids: list[str]) -> dict[str, Meeting]:
        """report id -> its meeting, for those of ``ids`` that exist (metadata only: cheap for a page)."""
        return self.catalog.meetings(ids)

    def report_id_of_file(self, name: str) -> str | None:
        """The id of the report archived from a file called ``name`` (a path, or the file name as the ingest
        read it: ids are file names without their extension), None if none or several were."""
        wanted = Path(name).name
        found = {r.id for r in self._listing()
                 if Path(r.source).name == wanted or (r.id == Path(wanted).stem and wanted != r.id)}
        return found.pop() if len(found) == 1 else None

    def agreement(self, report_id: str, label: str) -> Agreement:
        found = self.report(report_id).agreement(label)
        if found is None:
            raise NotFound(f"report {report_id!r} has no agreement {label!r}")
        return found

    def original(self, report_id: str) -> tuple[Path, str]:
        """The stored original of a report (by id, never by a path from outside) and its download name."""
        report = self.report(report_id)
        path = self.store.local_path(report.sha256)
        if path is None:
            raise NotFound(f"the original of {report_id!r} is missing from the store")
        return path, report.source

    def page_image(self, report_id: str, page: int) -> bytes:
        """PNG of one page of a report's stored original (PDF or page images), e.g. to check OCR."""
        report = self.report(report_id)
        path = self.store.local_path(report.sha256)
        if path is None:
            raise NotFound(f"the original of {report_id!r} is missing from the store")
        try:
            return render_page_png(path, report.format, page)
        except ExtractionError as e:
            raise NotFound(f"{report_id}: {e}") from e

    def search(self, query: SearchQuery) -> SearchResult:
        return self.index.search(query)

    def version_links(self) -> VersionLinks:
        """Language versions and format copies of every report (archive.versions), computed from the
        catalog's reports and kept until the catalog changes (a report added, replaced or removed).

        The catalog's change sequence tells (every save and removal adds a step): one indexed read,
        where hashing every report's version took ~4 ms at 2,093 reports -- on every search page."""
        state = self.catalog.last_change()
        with self._links_lock:
            if self._links is None or self._links[0] != state:
                self._links = (state, link_versions(self.catalog.reports()))
            return self._links[1]

    def entity_mentions(self) -> dict[str, list[YearCount]]:
        """Per glossary entity, its matching agreements and reports per year (under every form), kept
        until the index changes (counted from the index, so keyed on what it holds, not on a catalog it may
        still be catching up with): the glossary page shows them for ~100 entities at once."""
        state = hash(frozenset(self.index.indexed_versions().items()))
        with self._links_lock:
            if self._mentions is not None and self._mentions[0] == state:
                return self._mentions[1]
        found = {e.key: self.index.timeline(entity_query(e)) for e in glossary().entities}
        with self._links_lock:
            self._mentions = (state, found)
        return found

    def matching_agreements(self, report_id: str, label: str) -> list[tuple[Report, str]]:
        """The same agreement in the report's other-language versions, where their structures align."""
        report = self.report(report_id)
        found = []
        for other_id in self.version_links().versions_of(report_id):
            other = self.report(other_id)
            match = aligned_labels(report, other).get(label)
            if match is not None:
                found.append((other, match))
        return found

    def precedents(self, report_id: str, label: str, limit: int = 10) -> list[Precedent]:
        report = self.report(report_id)
        if report.agreement(label) is None:
            raise NotFound(f"report {report_id!r} has no agreement {label!r}")
        return self.index.precedents(report, label, limit)

    def timeline(self, term: str, translate: bool = False) -> list[YearCount]:
        return self.index.timeline(term, translate=translate)

    def suggestion(self, text: str, translate: bool = False) -> str | None:
        """The search's "did you mean" for ``text`` (index.search._suggestion), for a read that has none of
        its own: a timeline that found nothing. A one-hit page: the suggestion is all that is read."""
        return self.search(SearchQuery(text=text, per_page=1, translate=translate, facets=False)).suggestion

    def commitments(self) -> list[ListedCommitment]:
        """Every commitment (deadline) of every report, read from the units; cached per report version."""
        return all_commitments(self)

    def participation(self, body: str | None = None, year_from: int | None = None,
                      year_to: int | None = None) -> ParticipationMatrix:
        """Who took part in which meeting: countries × meetings, from the catalog's metadata."""
        return participation_matrix(self.reports(texts=False), body, year_from, year_to)

    def stats(self) -> dict:
        counts = self.catalog.counts()
        originals = self.store.hashes()
        return {
            **counts,
            "originals": len(originals),
            "originals_bytes": self.store.total_bytes(),
            "indexed_reports": len(self.index.indexed_versions()),
            "by_year": self.catalog.group_counts("year"),
            "by_body": self.catalog.group_counts("body_key"),
            "by_language": self.catalog.group_counts("language"),
            "by_format": self.catalog.group_counts("format"),
        }

    # -- consistency -------------------------------------------------------------------------------

    def check(self, repair: bool = False) -> CheckResult:
        """Verify originals <-> catalog <-> index; with ``repair``, fix what can be fixed.

        The repair writes the catalog, the store and the index, so it holds the write lock (``ArchiveBusy``
        while an ingest runs: it rebuilt the index under a running ingest). A plain check during an ingest
        reports the index behind the catalog and the store's temporary files as notes: they are the ingest
        at work, not damage.
        """
        if repair:
            with self._write_lock(wait=FOLLOWER_LOCK_WAIT):
                return self._check(repair=True, writing=False)
        try:
            with self._index_lock(wait=FOLLOWER_LOCK_WAIT):
                return self._check(repair=False, writing=False)
        except ArchiveBusy:
            return self._check(repair=False, writing=True)

    def _check(self, repair: bool, writing: bool) -> CheckResult:
        """``writing``: another process (an ingest) is writing this archive while we look."""
        result = CheckResult()
        reports = self.catalog.reports()
        for report in reports:
            original_ok = self.store.verify(report.sha256)
            if not original_ok:
                result.problems.append(
                    f"{report.id}: original {report.sha256[:12]} missing or damaged; "
                    f"ingest the file {report.source!r} again to restore it")
                if repair:
                    result.repaired.append(self._forget_damaged_original(report))
            bad = [a.label for a in report.agreements if report.text[a.start:a.end].strip() != a.text]
            if bad:
                result.problems.append(f"{report.id}: agreements {', '.join(bad[:5])} do not match the text")
                if repair and original_ok:
                    self._reextract(report)
                    result.repaired.append(f"{report.id}: re-extracted from the stored original")
        referenced = self.catalog.referenced_hashes()
        for sha in sorted(self.store.hashes() - referenced):
            # Kept, never deleted: an original is only written before its catalog commit, so this is
            # a file whose ingest was interrupted; the next ingest of that file adopts it.
            result.notes.append(f"original {sha[:12]} is not referenced by the catalog (interrupted ingest; kept)")
        for temp in self.store.leftover_temp_files():
            if writing:
                result.notes.append(f"temporary file {temp.name}: an ingest is writing it")
                continue
            result.problems.append(f"leftover temporary file {temp.name}")
            if repair:
                temp.unlink(missing_ok=True)
                result.repaired.append(f"removed {temp.name}")
        index_problems: list[str] = []
        if self.index.needs_rebuild():
            index_problems.append("index missing or built with an older schema or glossary")
        else:
            want, have = self.catalog.versions(), self.index.indexed_versions()
            for rid in sorted(set(want) | set(have)):
                if rid not in have:
                    index_problems.append(f"{rid}: in the catalog but not in the index")
                elif rid not in want:
                    index_problems.append(f"{rid}: in the index but not in the catalog")
                elif want[rid] != have[rid]:
                    index_problems.append(f"{rid}: index holds an older version")
        if writing and index_problems:
            result.notes.append(f"an ingest is running: the index differs from the catalog in "
                                f"{len(index_problems)} reports and takes them in as it goes")
        else:
            result.problems.extend(index_problems)
            if index_problems and not repair:
                result.notes.append("an interrupted ingest leaves the index behind the catalog: "
                                    "reindex --if-needed (or check --repair) brings it in line")
        if repair and any("index" in p for p in result.problems):
            sync = self.sync_index()
            result.repaired.append(
                "index rebuilt" if sync.rebuilt else f"index: {sync.updated} updated, {sync.removed} removed")
        return result

    def _forget_damaged_original(self, report: Report) -> str:
        """Move a damaged original aside and mark its report for re-reading, so that the next ingest
        of the same file stores the original again (an unchanged file is otherwise skipped)."""
        target = self.store.set_aside(report.sha256, self.data_dir / "quarantine", now_iso().replace(":", ""))
        moved = f"damaged copy moved to {target.relative_to(self.data_dir)}; " if target else ""
        with self.catalog.transaction() as conn:
            self.catalog.set_ingest_key(conn, report.id, "")
        return f"{report.id}: {moved}the next ingest of {report.source!r} stores it again"

    def _reextract(self, report: Report) -> None:
        original = self.store.local_path(report.sha256)
        assert original is not None  # called only for a verified original
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / report.source
            shutil.copyfile(original, copy)
            parsed = parse_file(copy)
        fresh = replace(report, agreements=parsed.agreements, text=parsed.extracted.text,
                        page_starts=parsed.extracted.page_starts, meeting=parsed.meeting,
                        language=parsed.language)
        known = self.catalog.lookup_source(report.source)
        with self.catalog.transaction() as conn:  # same ingest key: the next ingest has nothing to redo
            self.catalog.save_report(conn, fresh, known[2] if known else "")
        self.index.update([fresh])
