"""The archive facade: one data directory = originals + catalog + index. CLI and web call only this.

Layout of the data directory::

    originals/ab/abcdef…   content-addressed originals (archive.store)
    catalog.sqlite3        the system of record (archive.catalog)
    index/                 the Whoosh index, derived from the catalog (index)
    ingest.lock            held by the one ingest that may write at a time
"""

from __future__ import annotations

import fcntl
import logging
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

from .catalog import Catalog, now_iso
from .ingesting import (Candidate, Limits, PageProgress, Progress, extractor_version_of, hash_file, ingest_key_of,
                        parse_in_workers, walk)
from .models import Agreement, ArchiveError, ExtractionError, IngestSummary, NotFound, Report
from .glossary import glossary
from .store import OriginalStore
from .versions import VersionLinks, aligned_labels, link_versions

log = logging.getLogger(__name__)

# Index commits during an ingest. Each incremental commit costs far more per unit than one rebuild
# (measured at 100k synthetic units: five 500-report updates took ~240 s of CPU, a 2-process rebuild
# 80 s), so an ingest into an archive that people already search commits at most every
# INDEX_FLUSH_SECONDS (searches see progress), and an ingest that brings more reports than the index
# holds rebuilds it once at the end instead.
INDEX_BATCH = 500
INDEX_FLUSH_SECONDS = 60.0


class ArchiveBusy(ArchiveError):
    """Another ingest holds the archive's write lock."""


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
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = OriginalStore(self.data_dir / "originals")
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self._index: AgreementIndex | None = None
        self._links: tuple[int, VersionLinks] | None = None  # (catalog state, links) -- see version_links
        self._links_lock = threading.Lock()
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
    def _write_lock(self) -> Iterator[int]:
        """Hold the archive's single-writer lock; yields its descriptor (workers must not inherit it)."""
        with (self.data_dir / "ingest.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ArchiveBusy(f"another ingest is writing to {self.data_dir}; try again when it ends")
            yield lock.fileno()

    # -- ingest ------------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path], limits: Limits = Limits(),
               progress: Progress | None = None,
               page_progress: PageProgress | None = None, retry_failed: bool = False) -> IngestSummary:
        """Archive every supported file under ``paths``; one file's failure never stops the others.

        Bytes that failed before with the same extractor version are not parsed again (a damaged PDF
        or a blank scan would cost its full parse or OCR on every run) unless ``retry_failed``.
        """
        summary = IngestSummary()
        with self._write_lock() as lock_fd:
            # Bring the archive in line after an interrupted run: we are the only writer now, so a
            # temporary file in the store is a write that was cut off, and the index may lag the catalog.
            for temp in self.store.leftover_temp_files():
                log.info("removing %s, left by an interrupted ingest", temp)
                temp.unlink(missing_ok=True)
            self.sync_index()
            found = list(walk(Path(p) for p in paths))
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
            searched_already = bool(self.index.indexed_versions())
            last_flush = time.monotonic()
            for candidate, parsed, error in parse_in_workers(to_parse, limits, close_fds=(lock_fd,),
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
                    batch, last_flush = [], time.monotonic()
            if len(batch) > max(len(self.index.indexed_versions()), INDEX_BATCH):
                self.sync_index(force=True)  # the catalog already holds the batch
            elif batch:
                self.index.update(batch)
        return summary

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
        """Make the index mirror the catalog: rebuild when asked or when the schema changed, else patch."""
        if force or self.index.needs_rebuild():
            self.index.rebuild(self.catalog.reports())
            return IndexSync(rebuilt=True)
        want = self.catalog.versions()
        have = self.index.indexed_versions()
        extra = [rid for rid in have if rid not in want]
        stale = [rid for rid, sha in want.items() if have.get(rid) != sha]
        if extra:
            self.index.remove(extra)
        if stale:
            self.index.update(self.catalog.reports(stale))
        return IndexSync(updated=len(stale), removed=len(extra))

    def reindex(self, if_needed: bool = False) -> IndexSync:
        with self._write_lock():
            return self.sync_index(force=not if_needed)

    # -- reads -------------------------------------------------------------------------------------

    def reports(self, texts: bool = True) -> list[Report]:
        """All reports in date order; ``texts=False`` for listings (metadata and agreement tree only)."""
        return self.catalog.reports(texts=texts)

    def report(self, report_id: str) -> Report:
        return self.catalog.report(report_id)

    def agreement(self, report_id: str, label: str) -> Agreement:
        found = self.report(report_id).agreement(label)
        if found is None:
            raise NotFound(f"report {report_id!r} has no agreement {label!r}")
        return found

    def original(self, report_id: str) -> tuple[Path, str]:
        """The stored original of a report (by id, never by a path from outside) and its download name."""
        report = self.report(report_id)
        path = self.store.path_of(report.sha256)
        if not path.is_file():
            raise NotFound(f"the original of {report_id!r} is missing from the store")
        return path, report.source

    def page_image(self, report_id: str, page: int) -> bytes:
        """PNG of one page of a report's stored original (PDF or page images), e.g. to check OCR."""
        report = self.report(report_id)
        path = self.store.path_of(report.sha256)
        if not path.is_file():
            raise NotFound(f"the original of {report_id!r} is missing from the store")
        try:
            return render_page_png(path, report.format, page)
        except ExtractionError as e:
            raise NotFound(f"{report_id}: {e}") from e

    def search(self, query: SearchQuery) -> SearchResult:
        return self.index.search(query)

    def version_links(self) -> VersionLinks:
        """Language versions and format copies of every report (archive.versions), computed from the
        catalog's reports and kept until the catalog changes (a report added, replaced or removed)."""
        state = hash(frozenset(self.catalog.versions().items()))
        with self._links_lock:
            if self._links is None or self._links[0] != state:
                self._links = (state, link_versions(self.catalog.reports()))
            return self._links[1]

    def entity_mentions(self) -> dict[str, list[YearCount]]:
        """Per glossary entity, its matching agreements and reports per year (under every form), kept
        until the catalog changes: the glossary page shows them for ~100 entities at once."""
        state = hash(frozenset(self.catalog.versions().items()))
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

    def stats(self) -> dict:
        counts = self.catalog.counts()
        originals = self.store.hashes()
        return {
            **counts,
            "originals": len(originals),
            "originals_bytes": sum(self.store.path_of(h).stat().st_size for h in originals),
            "indexed_reports": len(self.index.indexed_versions()),
            "by_year": self.catalog.group_counts("year"),
            "by_body": self.catalog.group_counts("body_key"),
            "by_language": self.catalog.group_counts("language"),
            "by_format": self.catalog.group_counts("format"),
        }

    # -- consistency -------------------------------------------------------------------------------

    def check(self, repair: bool = False) -> CheckResult:
        """Verify originals <-> catalog <-> index; with ``repair``, fix what can be fixed."""
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
            result.problems.append(f"leftover temporary file {temp.name}")
            if repair:
                temp.unlink(missing_ok=True)
                result.repaired.append(f"removed {temp.name}")
        if self.index.needs_rebuild():
            result.problems.append("index missing or built with an older schema or glossary")
        else:
            want, have = self.catalog.versions(), self.index.indexed_versions()
            for rid in sorted(set(want) | set(have)):
                if rid not in have:
                    result.problems.append(f"{rid}: in the catalog but not in the index")
                elif rid not in want:
                    result.problems.append(f"{rid}: in the index but not in the catalog")
                elif want[rid] != have[rid]:
                    result.problems.append(f"{rid}: index holds an older version")
        if repair and any("index" in p for p in result.problems):
            sync = self.sync_index()
            result.repaired.append(
                "index rebuilt" if sync.rebuilt else f"index: {sync.updated} updated, {sync.removed} removed")
        return result

    def _forget_damaged_original(self, report: Report) -> str:
        """Move a damaged original aside and mark its report for re-reading, so that the next ingest
        of the same file stores the original again (an unchanged file is otherwise skipped)."""
        path = self.store.path_of(report.sha256)
        moved = ""
        if path.is_file():
            quarantine = self.data_dir / "quarantine"
            quarantine.mkdir(exist_ok=True)
            target = quarantine / f"{report.sha256}.{now_iso().replace(':', '')}"
            path.rename(target)
            moved = f"damaged copy moved to {target.relative_to(self.data_dir)}; "
        with self.catalog.transaction() as conn:
            self.catalog.set_ingest_key(conn, report.id, "")
        return f"{report.id}: {moved}the next ingest of {report.source!r} stores it again"

    def _reextract(self, report: Report) -> None:
        original = self.store.path_of(report.sha256)
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
