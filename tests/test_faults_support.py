"""Helpers shared by the fault tests: the altalune program run as a user runs
it, what a database holds, and bounded waits on the server. Holds no tests.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from altalune.cli import app as app_group
from altalune.cli import run
from altalune.lock import LOCK_ID

# The console script of the environment running the tests: ./bin/app.
PROGRAM = str(Path(sys.executable).parent / "altalune")
WAIT = 60.0

T = TypeVar("T")


def environment() -> dict[str, str]:
    """This environment without the settings a developer's shell may hold."""
    ignored = ("DATABASE_URL", "GOOSE_DBSTRING", "GOOSE_MIGRATION_DIR", "GOOSE_TABLE")
    return {k: v for k, v in os.environ.items() if k not in ignored}


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """Start ``altalune ARGS`` in *cwd*, its output captured."""
    return subprocess.Popen(
        [PROGRAM, *args],
        cwd=cwd,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Wait (bounded) for *process*; its exit code, stdout and stderr."""
    try:
        out, err = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"altalune did not end within {WAIT:g}s: {err}")
    return process.returncode, out, err


def app(*args: str, cwd: Path) -> tuple[int, str, str]:
    return finish(start(*args, cwd=cwd))


def wait_for(
    condition: Callable[[], T | None],
    what: str,
    *running: subprocess.Popen[str],
) -> T:
    """Poll *condition* until it returns something, failing after WAIT seconds
    or as soon as one of the *running* processes has ended."""
    deadline = time.monotonic() + WAIT
    while (found := condition()) is None or found is False:
        for process in running:
            if process.poll() is not None:
                code, _, err = finish(process)
                pytest.fail(f"altalune ended ({code}) before {what}: {err}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT:g}s waiting for {what}")
        time.sleep(0.05)
    return found


def rows(url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def snapshot(url: str) -> dict[str, Any]:
    """What a database holds outside the system schemas: schemas, relations and
    the version table's rows, enough to tell that a command changed nothing."""
    relations = rows(
        url,
        "SELECT n.nspname, c.relname, c.relkind FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        " ORDER BY 1, 2",
    )
    versions: list[tuple[Any, ...]] = []
    if ("public", "goose_db_version", "r") in relations:
        versions = rows(
            url, "SELECT id, version_id, is_applied FROM goose_db_version ORDER BY id"
        )
    schemas = rows(url, "SELECT nspname FROM pg_namespace ORDER BY 1")
    return {"schemas": schemas, "relations": relations, "versions": versions}


def version_ids(url: str) -> list[int]:
    return [r[0] for r in rows(url, "SELECT version_id FROM goose_db_version")]


def public_tables(url: str) -> set[str]:
    found = rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in found} - {"goose_db_version", "goose_db_version_checksums"}


def advisory_locks(url: str) -> list[tuple[Any, ...]]:
    """Holders and waiters of the migration lock in the database of *url*."""
    return rows(
        url,
        "SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory'"
        " AND database = (SELECT oid FROM pg_database"
        "                 WHERE datname = current_database())"
        " AND classid::bigint = %s AND objid::bigint = %s",
        (LOCK_ID >> 32, LOCK_ID & 0xFFFFFFFF),
    )


def running(url: str, fragment: str) -> int | None:
    """The pid of an altalune backend of this database running a query that
    contains *fragment*, or None."""
    found = rows(
        url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = 'altalune' AND state = 'active'"
        " AND pid <> pg_backend_pid() AND strpos(query, %s) > 0",
        (fragment,),
    )
    return found[0][0] if found else None


def backend_gone(url: str, pid: int) -> bool:
    return not rows(url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))


def with_password(url: str, password: str) -> str:
    """*url* with its password replaced."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or "postgres"
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password)}@{host}"))


def migrations(tmp_path: Path, files: dict[str, str]) -> Path:
    """A migrations directory holding *files*, by name."""
    directory = tmp_path / "migrations"
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def invoke(*args: str) -> tuple[int, str, str]:
    """Run ``altalune ARGS`` in this process; its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(app_group, list(args))
    return code, out.getvalue(), err.getvalue()


def isolate(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Run in *directory*, with no config.yaml and no settings from the shell."""
    monkeypatch.chdir(directory)
    kept = environment()
    for name in list(os.environ):
        if name not in kept:
            monkeypatch.delenv(name)


class Forwarder:
    """A TCP port that forwards to the PostgreSQL of a URL once opened.

    Until :meth:`open` is called nothing listens on the port, so that a
    client meets a refused connection, as when a database is still starting.
    """

    def __init__(self, url: str) -> None:
        params = conninfo_to_dict(url)
        host = str(params.get("host") or "localhost")
        port = int(str(params.get("port") or 5432))
        if host.startswith("/"):
            self.target: tuple[int, Any] = (
                socket.AF_UNIX,
                f"{host}/.s.PGSQL.{port}",
            )
        else:
            self.target = (socket.AF_INET, (host, port))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port: int = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None

    def open(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(8)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.socket(self.target[0])
            upstream.connect(self.target[1])
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
