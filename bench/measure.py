"""Measuring: wall-clock samples and their percentiles, peak RSS of commands and child processes,
sizes on disk, and a description of the machine."""

from __future__ import annotations

import math
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Stats:
    """Summary of repeated timings, in seconds."""

    n: int
    p50: float
    p95: float
    low: float
    high: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        ordered = sorted(samples)
        return cls(len(ordered), percentile(ordered, 50), percentile(ordered, 95), ordered[0], ordered[-1])


def percentile(ordered: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile of already sorted values (p in 0..100)."""
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_call(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def time_call_cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, value). CPU time is what a busy machine distorts
    least; every engine here answers a query on the calling thread."""
    cpu, start = time.process_time(), time.perf_counter()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


@dataclass(frozen=True)
class CommandRun:
    seconds: float
    cpu_seconds: float  # user + system of the command and its children: less sensitive to a busy machine
    peak_rss: int  # bytes, the process and its children summed, sampled every POLL_SECONDS
    returncode: int
    stdout: str
    stderr: str


def run_command(args: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> CommandRun:
    """Run a command to completion, timing it and sampling the peak RSS of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    watched = psutil.Process(proc.pid)
    # Drain output in threads would be tidier; the commands we run print little, and communicate()
    # after the loop reads what is left. A pipe buffer (64 KB) is far more than they write.
    while proc.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(POLL_SECONDS)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return CommandRun(seconds, cpu, peak, proc.returncode, stdout, stderr)


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def _private_bytes(process: psutil.Process) -> int:
    """Memory only this process holds: its anonymous resident pages (heap, stacks; ``RssAnon`` in
    /proc/PID/status). RSS also counts the pages of the index files it has mapped, which the OS
    shares between processes and drops under pressure; USS is no better here, as it counts a file
    page mapped by one process only as "private". Elsewhere than Linux: USS."""
    try:
        with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return process.memory_full_info().uss
    except psutil.Error:
        return 0


def _child_main(conn, fn, args) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:  # noqa: BLE001 -- reported to the parent, which re-raises
        import traceback
        conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> tuple[Any, int]:
    """Run ``fn(*args)`` in a freshly spawned Python (no memory inherited from us) and return its
    result and that process's peak RSS in bytes. ``fn`` must be a module-level function."""
    value, rss, _private = in_fresh_process_memory(fn, *args)
    return value, rss


def in_fresh_process_memory(fn: Callable[..., Any], *args: Any) -> tuple[Any, int, int]:
    """``in_fresh_process``, also returning the peak private (anonymous) memory of the process in bytes."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, fn, args))
    child.start()
    send.close()
    # Sampled from here: the child's own ru_maxrss is useless, Linux keeps the high-water mark of
    # the process it was forked from across exec.
    peak = private = 0
    watched = psutil.Process(child.pid)
    try:
        while not receive.poll(POLL_SECONDS):
            peak = max(peak, _tree_rss(watched))
            private = max(private, _private_bytes(watched))
        status, value = receive.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"benchmark child died (exit code {child.exitcode})") from None
    child.join()
    if status != "ok":
        raise RuntimeError(f"benchmark child failed: {value}")
    return value, peak, private


class Worker:
    """A freshly spawned Python holding one object (``make(*args)``) whose methods are called one at a
    time from here and keep their state between calls: the engines' query rounds take turns, so a
    slow spell of a shared machine falls on every engine alike. The process's peak RSS and private
    memory are sampled while a call runs (``peak``, ``private``)."""

    def __init__(self, make: Callable[..., Any], *args: Any):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe(duplex=True)
        self._child = ctx.Process(target=_worker_main, args=(child_end, make, args))
        self._child.start()
        child_end.close()
        self._watched = psutil.Process(self._child.pid)
        self.peak = self.private = 0
        self._answer()  # made, or its error

    def call(self, method: str, *args: Any) -> Any:
        self._conn.send((method, args))
        return self._answer()

    def close(self) -> None:
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._child.join()
        self._conn.close()

    def _answer(self) -> Any:
        try:
            while not self._conn.poll(POLL_SECONDS):
                self._sample()
            self._sample()
            status, value = self._conn.recv()
        except EOFError:
            self._child.join()
            raise RuntimeError(f"benchmark worker died (exit code {self._child.exitcode})") from None
        if status != "ok":
            raise RuntimeError(f"benchmark worker failed: {value}")
        return value

    def _sample(self) -> None:
        self.peak = max(self.peak, _tree_rss(self._watched))
        self.private = max(self.private, _private_bytes(self._watched))


def _worker_main(conn, make, args) -> None:
    try:
        target = make(*args)
        conn.send(("ok", None))
        while (request := conn.recv()) is not None:
            method, call_args = request
            conn.send(("ok", getattr(target, method)(*call_args)))
    except EOFError:
        pass
    except BaseException as e:  # noqa: BLE001 -- reported to the parent, which re-raises
        import traceback
        conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cores: int
    ram_bytes: int
    python: str
    platform: str


def machine() -> Machine:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return Machine(model, os.cpu_count() or 1, psutil.virtual_memory().total, sys.version.split()[0],
                   platform.platform())


def git_commit(repo: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                           capture_output=True, text=True, timeout=10).stdout.strip()
    return commit + ("+uncommitted changes" if dirty else "")


PRODUCT_PACKAGES = ("archive", "ingest", "index", "web")


def source_fingerprint(repo: Path) -> str:
    """Hash of the product's Python sources: compared at the start and end of a run, it tells when the
    code changed under a long benchmark (later phases run in new processes and import the new code)."""
    import hashlib

    digest = hashlib.sha256()
    for package in PRODUCT_PACKAGES:
        for path in sorted((repo / package).rglob("*.py")):
            digest.update(str(path.relative_to(repo)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_sources(repo: Path, dest: Path) -> Path:
    """Copy the product's packages to ``dest`` and return it, to run a long benchmark on one version of
    the code while others keep editing the work tree (every phase imports from the copy)."""
    import shutil

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for package in PRODUCT_PACKAGES:
        shutil.copytree(repo / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest
