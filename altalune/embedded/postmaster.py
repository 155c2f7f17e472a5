"""What postmaster.pid says about a running server, and how to reach it.

The server listens on no TCP port, only on a unix socket, whose directory
postmaster.pid names; the URL puts that directory in its host part.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from altalune.errors import DatabaseError

SUPERUSER = "postgres"
PORT = 5432
SERVER_TIMEOUT = 60


@dataclass(frozen=True)
class Postmaster:
    """The server postmaster.pid describes, checked to be alive."""

    pid: int
    started: str
    port: int
    socket_dir: str
    listen: str
    state: str  # starting, stopping or ready

    @property
    def identity(self) -> str:
        """Names this run of the server: a pid alone may be reused."""
        return f"{self.pid} {self.started}"


def sibling(data_dir: Path, suffix: str) -> Path:
    """A file kept next to the data directory: ``pgdata.lock`` and so on."""
    return data_dir.with_name(data_dir.name + suffix)


def version(data_dir: Path) -> str | None:
    """The PostgreSQL major version of the cluster, None if there is none."""
    try:
        return (data_dir / "PG_VERSION").read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(f"cannot read {str(data_dir)!r}: {exc.strerror}") from None


def read(data_dir: Path) -> Postmaster | None:
    """The live server of *data_dir*, or None when postmaster.pid is stale."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(f"cannot read {str(data_dir)!r}: {exc.strerror}") from None

    # The server fills the file in as it starts: pid, data directory, start
    # time, port, socket directory, listen address, shared memory, state.
    fields = [*(line.strip() for line in lines), *[""] * 8]
    if not fields[0].isdigit() or not _serves(int(fields[0]), data_dir):
        return None
    return Postmaster(
        pid=int(fields[0]),
        started=fields[2],
        port=int(fields[3]) if fields[3].isdigit() else PORT,
        socket_dir=fields[4],
        listen=fields[5],
        state=fields[7] or "starting",
    )


def _serves(pid: int, data_dir: Path) -> bool:
    """Whether *pid* is a postmaster of *data_dir*.

    postmaster.pid outlives a killed server, and after a reboot its pid may
    belong to any process. A postmaster's working directory is its data
    directory, which Linux shows in /proc; elsewhere a live pid has to do.
    """
    if Path("/proc/self/cwd").exists():
        try:
            return Path(os.readlink(f"/proc/{pid}/cwd")) == data_dir.resolve()
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def settled(data_dir: Path) -> Postmaster | None:
    """The server once it is ready, or None once it has stopped."""
    deadline = time.monotonic() + SERVER_TIMEOUT
    while True:
        found = read(data_dir)
        if found is None or found.state == "ready":
            return found
        if time.monotonic() > deadline:
            raise DatabaseError(
                f"the embedded server (pid {found.pid}) has been {found.state} "
                f"for {SERVER_TIMEOUT}s; see {str(sibling(data_dir, '.log'))!r}"
            )
        time.sleep(0.2)


def url(data_dir: Path, server: Postmaster) -> str:
    """The superuser's URL, password included: mask it before showing it."""
    try:
        password = sibling(data_dir, ".password").read_text().strip()
    except FileNotFoundError:
        password = ""
    user = SUPERUSER + (":" + quote(password, safe="") if password else "")

    # A socket directory goes in the host part, percent-encoded as libpq
    # allows, so the URL keeps the usual shape: the database last, no query.
    # libpq takes PGPORT or 5432 when the port is left out, and the socket
    # file's name depends on it: always give it.
    if server.socket_dir:
        host = quote(server.socket_dir, safe="")
    elif server.listen in ("", "*"):
        host = "localhost"
    else:
        host = f"[{server.listen}]" if ":" in server.listen else server.listen
    return f"postgresql://{user}@{host}:{server.port}/{SUPERUSER}"
