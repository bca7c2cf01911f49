"""A throw-away PostgreSQL cluster for tests and benchmarks: Debian's PostgreSQL 15, initdb in a temp dir,
run as an unprivileged user, listening on 127.0.0.1 only, stopped and deleted at the end.

PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as the ``postgres`` user the
Debian package creates (or a system user created here). A missing server is an error, never a skip:
``make test`` installs the ``postgresql`` package.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

PG_BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"),
                     Path("/usr/lib/postgresql/17/bin"))
HOST = "127.0.0.1"
FALLBACK_USER = "crm-archive-pg"


class ClusterError(RuntimeError):
    pass


def pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").is_file():
            return candidate
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise ClusterError("PostgreSQL server binaries not found (initdb): install the Debian package "
                       "`postgresql` (make test does)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_USER],
                   check=True)
    return pwd.getpwnam(FALLBACK_USER)


class PgCluster:
    """One server (a primary, or a standby made with ``standby_of``) in its own directory."""

    def __init__(self, root: Path | None = None, port: int | None = None, durable: bool = False) -> None:
        self.bin = pg_bin()
        self.user = _server_user()
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.datadir = self.root / "data"
        self.port = port or free_port()
        self.durable = durable
        self.running = False
        self._chown(self.root)

    # -- running commands as the server's user --

    def _chown(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
            path.chmod(0o700)

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        done = subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True,
                              timeout=timeout, cwd=self.root, env={**os.environ, "LC_ALL": "C.UTF-8"},
                              **kwargs)  # type: ignore[arg-type]
        if check and done.returncode != 0:
            raise ClusterError(f"{args[0]} failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr[-1500:]}")
        return done

    # -- lifecycle --

    def init(self) -> PgCluster:
        self.run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-instructions")
        return self

    def _settings(self) -> str:
        settings = [f"listen_addresses='{HOST}'", f"port={self.port}", f"unix_socket_directories='{self.root}'",
                    "max_connections=200", "wal_level=replica", "max_wal_senders=5", "hot_standby=on",
                    "shared_buffers=64MB"]
        if not self.durable:  # a throw-away test server: a crash of the *server* is not what we test
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        return "\n".join(settings) + "\n"

    def start(self) -> PgCluster:
        with (self.datadir / "postgresql.auto.conf").open("a") as conf:
            conf.write(self._settings())
        self.run("pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            self.run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop", check=False)
            self.running = False

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    @classmethod
    def primary(cls, durable: bool = False) -> PgCluster:
        return cls(durable=durable).init().start()

    def standby(self) -> PgCluster:
        """A hot standby of this server: ``pg_basebackup -R`` (streaming replication), started."""
        replica = PgCluster(durable=self.durable)
        replica.run("pg_basebackup", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-D",
                    str(replica.datadir), "-R", "-X", "stream", "-c", "fast")
        conf = replica.datadir / "postgresql.auto.conf"
        text = conf.read_text()
        # The copied settings name the primary's port and socket directory: the standby gets its own.
        kept = [line for line in text.splitlines()
                if not line.startswith(("port=", "unix_socket_directories=", "listen_addresses="))]
        conf.write_text("\n".join(kept) + "\n")
        return replica.start()

    # -- databases --

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its URL."""
        import psycopg

        name = name or f"crm_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run("pg_isready", "-h", HOST, "-p", str(self.port), check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise ClusterError(f"server on port {self.port} not ready after {timeout:g} s")
