"""Bulk ingest: walk the given paths, parse new or changed files in worker processes, archive each one.

Each file is parsed in a forked child with a time limit and an address-space limit, so a pathological PDF
can neither hang the batch nor exhaust memory; up to one child per core runs at a time. The parent alone
writes: the original goes to the store (atomic), then the report and its log line are committed in one
catalog transaction. A failure is recorded for that file and the batch goes on.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing
import os
import resource
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ingest.extract import EXTRACTOR_VERSION, format_of, ocr
from ingest.pipeline import PIPELINE_VERSION, ParsedReport, is_sidecar, parse_file, warm_up
from ingest.sidecar import SIDECAR_SUFFIX, sidecar_path

from .models import ArchiveError, ExtractionError
from .store import sha256_of

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_LIMIT = 3 * 1024**3

Progress = Callable[[int, int, str], None]  # (files done, files in all, current file)
PageProgress = Callable[[str, int, int], None]  # (file, pages done, pages in all) during OCR


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT  # seconds per file
    memory: int = DEFAULT_MEMORY_LIMIT  # bytes of address space per worker
    workers: int = max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Candidate:
    """A file found by the walk, with what we know before parsing it."""

    path: Path
    source: str
    sha256: str
    size: int
    ingest_key: str  # changes when the sidecar or the pipeline changes: then unchanged bytes are re-read


# -- finding files ---------------------------------------------------------------------------------


# Document formats people save reports in that the archive does not read: said with what to do, for a
# .doc in a folder is a report missing from the archive, not clutter.
CONVERT_FIRST = {".doc": "Word 97-2003", ".rtf": "RTF", ".odt": "OpenDocument text", ".wpd": "WordPerfect",
                 ".pages": "Apple Pages", ".docm": "Word with macros", ".dotx": "a Word template"}


def unsupported_reason(path: Path) -> str:
    """Why a file of a type no extractor reads is not archived, with the remedy where there is one."""
    suffix = path.suffix.lower()
    kind = CONVERT_FIRST.get(suffix)
    hint = f" ({kind}: save it as .docx or PDF to archive it)" if kind else ""
    return f"unsupported file type {path.suffix or '(no suffix)'!r}{hint}"


def walk(paths: Iterable[Path], skipped: list[Path] | None = None) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for every ingestible file, or (path, reason) for what cannot be walked.

    Folders are walked recursively in name order, hidden entries and sidecars skipped, symlinked folders
    not followed (a symlink loop cannot trap us); files of unknown type inside folders are not yielded
    but appended to ``skipped`` (the ingest counts them), while a file named explicitly on the command line
    is always reported. A sidecar named explicitly stands for the report it sits beside.
    """
    paths = list(paths)
    named = set(paths)
    for root in paths:
        if is_sidecar(root) and root.is_file():
            # Named by itself (`ingest informes/*` names every sidecar too): it stands for its report, read
            # with it; once, if the report is named as well.
            report = root.with_name(root.name[: -len(SIDECAR_SUFFIX)])
            if not report.is_file():
                yield root, f"an archivist's sidecar without its report: there is no {report.name} beside it"
            elif report not in named:
                named.add(report)
                yield from walk([report], skipped)
        elif root.is_symlink() and not root.exists():
            yield root, "broken symbolic link (or a symlink loop)"
        elif root.exists() and not root.is_file() and not root.is_dir():
            yield root, "not a regular file (a pipe, socket or device)"
        elif root.is_file():
            if format_of(root) is None:
                yield root, unsupported_reason(root)
            else:
                yield root, None
        elif root.is_dir():
            yield from _walk_dir(root, skipped)
        else:
            yield root, "no such file or folder"


def _walk_dir(root: Path, skipped: list[Path] | None) -> Iterator[tuple[Path, str | None]]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or is_sidecar(path):
                continue
            if format_of(path) is None:
                if skipped is not None:
                    skipped.append(path)
                continue
            if path.is_symlink() and not path.exists():
                yield path, "broken symbolic link (or a symlink loop)"
                continue
            yield path, None
    for error in errors:
        yield Path(error.filename or root), f"cannot read folder: {error.strerror or error}"


def hash_file(path: Path, max_bytes: int) -> tuple[str, int]:
    """SHA-256 and size of a file, refusing files over the size limit before reading them."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # reading a FIFO would wait forever for a writer
        raise ExtractionError("not a regular file (a pipe, socket or device)")
    size = info.st_size
    if size > max_bytes:
        raise ExtractionError(f"file too large ({size:,} bytes; the limit is {max_bytes:,})")
    if size == 0:
        raise ExtractionError("empty file (0 bytes)")
    return sha256_of(path), size


def ingest_key_of(path: Path) -> str:
    """Fingerprint of what, beside the bytes, decides the parse: the pipeline and extractor versions and
    the sidecar. (A new extractor version re-reads archived files too: text read by an older one may
    hold what the new one repairs, e.g. ``(cid:N)`` tokens or letter-spaced words.)"""
    sidecar = sidecar_path(path)
    extra = sidecar.read_bytes() if sidecar.is_file() else b""
    return f"{PIPELINE_VERSION}.x{EXTRACTOR_VERSION}:{hashlib.sha256(extra).hexdigest()[:16]}"


def extractor_version_of(ingest_key: str) -> str:
    """What the ingest log records as the version a file was parsed with: the extractors' version and the
    ingest key (pipeline version and sidecar), so that a failure is retried when any of them changes.
    (``EXTRACTOR_VERSION`` is read at call time: the tests change it.)"""
    return f"{EXTRACTOR_VERSION}/{ingest_key}"


# -- parsing in worker processes -------------------------------------------------------------------


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this worker when the ingest process dies (no-op elsewhere).

    Without it a worker orphaned by ``kill -9`` of the ingest goes on parsing (OCR can take minutes) and,
    having inherited the descriptor of ``ingest.lock``, keeps the archive locked: the rerun that should
    repair the interruption is told "another ingest is writing".
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class _FileContext(logging.Filter):
    """Prefixes what a worker logs with the file it is parsing: a warning on stderr must say which file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.prefix = f"{path}: "

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith(self.prefix):
            record.msg, record.args = self.prefix + message, ()
        return True


def _name_the_file_in_warnings(path: Path) -> None:
    logging.captureWarnings(True)  # a library's warnings.warn goes through the same handlers (and prefix)
    context = _FileContext(path)
    for handler in [*logging.getLogger().handlers, logging.lastResort]:
        if handler is not None:
            handler.addFilter(context)


def _child(conn: Connection, path: Path, memory: int, parent_pid: int = 0, close_fds: tuple[int, ...] = ()) -> None:
    # Ctrl-C goes to the whole foreground process group: the parent alone handles it (and kills us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in close_fds:  # e.g. the ingest lock: only the ingest process may hold it
        try:
            os.close(fd)
        except OSError:
            pass
    if parent_pid:
        _die_with_parent(parent_pid)
    ocr.page_progress = lambda done, total: conn.send(("progress", (done, total)))
    _name_the_file_in_warnings(path)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        result: tuple[str, object] = ("ok", parse_file(path))
    except ArchiveError as e:
        result = ("error", str(e))
    except MemoryError:
        result = ("error", "out of memory while extracting (the file is too large or too complex)")
    except RecursionError:
        result = ("error", "document structure too deeply nested")
    except Exception as e:  # an extractor bug must fail this file only, with its reason
        log.exception("unexpected error parsing %s", path)
        result = ("error", f"unexpected {type(e).__name__}: {e}")
    try:
        conn.send(result)
    except Exception as e:  # e.g. a result that cannot be pickled
        conn.send(("error", f"cannot hand over the result: {type(e).__name__}: {e}"))
    finally:
        conn.close()


def _receive(candidate: Candidate, proc: multiprocessing.Process, receiver: Connection,
             page_progress: PageProgress | None) -> tuple[Candidate, ParsedReport | None, str | None] | None:
    """Read one message from a worker: None for a progress report, else the file's outcome."""
    try:
        status, payload = receiver.recv()
    except (EOFError, OSError):
        proc.join(5)
        status, payload = "error", f"extractor crashed (exit code {proc.exitcode})"
    if status == "progress":
        if page_progress is not None:
            page_progress(candidate.path.name, *payload)  # type: ignore[misc]
        return None
    receiver.close()
    proc.join(5)
    if status == "ok":
        return candidate, payload, None  # type: ignore[return-value]
    return candidate, None, str(payload)


def _warm_up_uninterruptibly() -> None:
    """``warm_up`` with Ctrl-C held back until it returns, then delivered as usual.

    Why: langdetect loads its language profiles under a bare ``except:`` that turns a KeyboardInterrupt
    into a "profile format error"; the interrupt is swallowed and the half-loaded detector, inherited by
    every worker, then calls Spanish reports Catalan or Polish. Found by tests/reliability (SIGINT at
    a random moment of an ingest).
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        warm_up()
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        warm_up()
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        signal.raise_signal(signal.SIGINT)


LOOKAHEAD = 64  # parsed-but-not-yet-yielded results held back behind a slow file, at most


def parse_in_workers(
    candidates: list[Candidate], limits: Limits, close_fds: tuple[int, ...] = (),
    lookahead: int = LOOKAHEAD, page_progress: PageProgress | None = None,
) -> Iterator[tuple[Candidate, ParsedReport | None, str | None]]:
    """Parse candidates in forked children, yielding (candidate, parsed, error) in the candidates' order.

    Why in order, not as they complete: the caller commits each result as it comes and new report ids
    are handed out first come, first served (``seed.txt`` -> ``seed``, ``seed.pdf`` -> ``seed-pdf``).
    In candidate order the ids do not depend on which worker was faster, and an interrupted ingest has
    committed a prefix of the list, so its rerun assigns exactly the ids an uninterrupted run would.
    At most ``lookahead`` results wait behind a slow file; then the workers pause until it is done.
    ``close_fds`` are closed in each child (descriptors the parent holds that a child must not keep).
    """
    if candidates:
        _warm_up_uninterruptibly()
    ctx = multiprocessing.get_context("fork")
    parent_pid = os.getpid()
    started = 0
    next_out = 0
    finished: dict[int, tuple[Candidate, ParsedReport | None, str | None]] = {}
    running: dict[Connection, tuple[int, Candidate, multiprocessing.Process, float]] = {}
    try:
        while next_out < len(candidates):
            while (started < len(candidates) and len(running) < limits.workers
                   and started - next_out < max(lookahead, limits.workers)):
                candidate = candidates[started]
                receiver, sender = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, daemon=True,
                                   args=(sender, candidate.path, limits.memory, parent_pid, close_fds))
                proc.start()
                sender.close()
                running[receiver] = (started, candidate, proc, time.monotonic() + limits.timeout)
                started += 1
            ready = set(wait(list(running), timeout=0.2)) if running else set()
            now = time.monotonic()
            for receiver, (position, candidate, proc, deadline) in list(running.items()):
                if receiver in ready:
                    outcome = _receive(candidate, proc, receiver, page_progress)
                    if outcome is not None:  # else a progress report: the worker goes on
                        del running[receiver]
                        finished[position] = outcome
                elif now > deadline:
                    del running[receiver]
                    proc.kill()
                    proc.join(5)
                    receiver.close()
                    finished[position] = (candidate, None, f"extraction timed out after {limits.timeout:g} s")
            while next_out in finished:
                yield finished.pop(next_out)
                next_out += 1
    finally:
        for receiver, (_, _, proc, _) in running.items():
            proc.kill()
            proc.join(5)
            receiver.close()
