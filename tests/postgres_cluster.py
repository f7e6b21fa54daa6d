"""A throw-away PostgreSQL server for the tests: one cluster a session, removed after.

The benchmark (bench/offices.py) starts its own with the same code, durable; the program
itself (kiosk/) never imports this module.

Debian's ``postgresql`` package gives initdb and pg_ctl under /usr/lib/postgresql/VERSION/bin.
The server refuses to run as root, so a test run by root (``.ci/run`` on a fresh machine) makes
an unprivileged account for it; anyone else runs it as themselves. The cluster lives in a
folder of its own under the system's temporary folder (pytest's folders are private to root,
where that account could not reach them), listens on a free port of 127.0.0.1 and on a socket
in that folder, and is stopped and deleted when the session ends.

The tests connect as the cluster's superuser ``postgres`` over the socket (trust), and make the
database and roles they need from there; over TCP every role needs a password (scram).
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SERVER_ACCOUNT = "tawasul-pgtest"
"""The unprivileged account the server runs as when the tests run as root."""

SUPERUSER = "postgres"


def server_binaries() -> Path | None:
    """The newest installed server's bin folder (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    found.sort(key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


def _server_account() -> pwd.struct_passwd | None:
    """The account to run the server as: None for this one; made when the tests run as root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        subprocess.run(
            [
                *("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"),
                *("--shell", "/usr/sbin/nologin", SERVER_ACCOUNT),
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVER_ACCOUNT)


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PostgresCluster:
    """A running server in *root*: its socket folder, port, and how to reach it."""

    root: Path
    port: int
    binaries: Path
    account: pwd.struct_passwd | None
    options: str = ""
    """The server's command-line options (``pg_ctl -o``), the same at every start."""

    @property
    def socket_dir(self) -> Path:
        """The folder of the server's Unix socket."""
        return self.root / "socket"

    def url(self, database: str = "postgres", user: str = SUPERUSER, **params: str) -> str:
        """A ``postgresql://`` URL over the socket, without a password."""
        query = "&".join(
            f"{key}={quote(value, safe='')}"
            for key, value in {
                "host": str(self.socket_dir),
                "port": str(self.port),
                **params,
            }.items()
        )
        return f"postgresql://{quote(user, safe='')}@/{quote(database, safe='')}?{query}"

    def tcp_url(self, database: str, user: str) -> str:
        """A URL over TCP on 127.0.0.1, where a password is asked (from the environment)."""
        return f"postgresql://{quote(user, safe='')}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run *sql* as the superuser with psql; what it printed (unaligned, tuples only)."""
        done = subprocess.run(
            [str(self.binaries / "psql"), "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env={
                **os.environ,
                "PGHOST": str(self.socket_dir),
                "PGPORT": str(self.port),
                "PGUSER": SUPERUSER,
                "PGDATABASE": database,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def _run_as_server(self, *command: str) -> None:
        account = self.account
        done = subprocess.run(
            command,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
            cwd=self.root,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()}\n{tail}")

    @classmethod
    def start(cls, durable: bool = False) -> "PostgresCluster":
        """Make and start a fresh cluster (initdb, pg_ctl start); it waits until it serves.
        A *durable* one keeps PostgreSQL's defaults (fsync, full page writes, synchronous
        commit), as an office's server runs: the benchmark's (bench/offices.py)."""
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError(
                "PostgreSQL's server is not installed; install the Debian package postgresql "
                "(./dev test does)."
            )
        account = _server_account()
        root = Path(tempfile.mkdtemp(prefix="tawasul-pg-"))
        cluster = cls(root, _free_port(), binaries, account)
        try:
            cluster.socket_dir.mkdir()
            if account is not None:
                for path in (root, cluster.socket_dir):
                    os.chown(path, account.pw_uid, account.pw_gid)
            data = str(root / "data")
            cluster._run_as_server(
                str(binaries / "initdb"),
                *("-D", data, "-U", SUPERUSER, "-E", "UTF8", "--locale", "C.UTF-8"),
                *("--auth-local", "trust", "--auth-host", "scram-sha-256", "--no-sync"),
            )
            options = (
                f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.socket_dir} "
                "-c max_connections=200"
            )
            if not durable:
                # Durability is the benchmark's business: a test server need not fsync.
                options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            cluster.options = options
            cluster.resume()
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return cluster

    def pause(self) -> None:
        """Stop the server as an administrator does (``pg_ctl stop -m fast``: every session is
        ended), keeping its data to start again on the same port (resume)."""
        self._run_as_server(
            str(self.binaries / "pg_ctl"),
            *("stop", "-w", "-m", "fast", "-D", str(self.root / "data")),
        )

    def is_running(self) -> bool:
        """Whether the server runs now (``pg_ctl status``)."""
        try:
            self._run_as_server(
                str(self.binaries / "pg_ctl"), "status", "-D", str(self.root / "data")
            )
        except RuntimeError:
            return False
        return True

    def resume(self) -> None:
        """Start the server (again) on its port and socket; it waits until it serves."""
        self._run_as_server(
            str(self.binaries / "pg_ctl"),
            *("start", "-w", "-t", "60", "-D", str(self.root / "data")),
            *("-l", str(self.root / "server.log"), "-o", self.options),
        )

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        with contextlib.suppress(RuntimeError):
            self._run_as_server(
                str(self.binaries / "pg_ctl"),
                "stop",
                "-w",
                "-m",
                "immediate",
                "-D",
                str(self.root / "data"),
            )
        shutil.rmtree(self.root, ignore_errors=True)


_running: PostgresCluster | None = None


def running_cluster() -> PostgresCluster:
    """The session's cluster, started on first use (tests/conftest.py stops it at the end)."""
    global _running
    if _running is None:
        _running = PostgresCluster.start()
    return _running


def stop_running_cluster() -> None:
    """Stop the session's cluster, if one was started."""
    global _running
    if _running is not None:
        _running.stop()
        _running = None
