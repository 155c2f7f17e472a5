"""The migration lock: a PostgreSQL session advisory lock (policy 3).

The key is the one goose's library locker uses, so altalune and goose
Provider users exclude each other. The lock belongs to the connection that
runs the migrations and lasts the whole command; if the process dies, the
server drops it with the session.
"""

from __future__ import annotations

import logging
import time
import zlib
from datetime import datetime
from typing import TYPE_CHECKING

from altalune.db import describe_error
from altalune.errors import DatabaseError, LockError

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

LOCK_ID = zlib.crc32(b"goose")
DEFAULT_TIMEOUT = 300.0
_FIRST_PAUSE = 0.05
_LAST_PAUSE = 0.5

# A bigint advisory key shows in pg_locks as classid = high half, objid = low
# half, objsubid = 1. Keys are per database, hence the database filter.
_HOLDER = """
SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start,
       a.state, a.state_change
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = %(high)s AND l.objid::bigint = %(low)s AND l.objsubid = 1
LIMIT 1
"""


def acquire(
    conn: psycopg.Connection[tuple[object, ...]],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    key: int = LOCK_ID,
) -> None:
    """Take the lock on *conn*, a session lock that lasts until released.

    When another session holds it, say once who that is, then try again
    for up to *timeout* seconds. A timeout of 0 or less does not wait.
    """
    import psycopg

    try:
        if _try_lock(conn, key):
            return
        holder = _describe_holder(conn, key)
        if timeout <= 0:
            raise LockError(_timed_out(timeout, holder))
        logger.warning(
            "the migration lock is held by %s; waiting up to %s for it",
            holder,
            _seconds(timeout),
        )
        _wait_for_lock(conn, key, timeout, holder)
    except psycopg.Error as exc:
        raise DatabaseError(
            f"cannot take the migration lock: {describe_error(exc)}"
        ) from None


def release(
    conn: psycopg.Connection[tuple[object, ...]], *, key: int = LOCK_ID
) -> None:
    """Give the lock back; if the session is gone, the server already did."""
    import psycopg
    from psycopg.pq import TransactionStatus

    if conn.closed:
        return
    try:
        # An interrupted migration can leave its transaction open; the unlock
        # would fail inside it.
        if conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK")
        released = conn.execute("SELECT pg_advisory_unlock(%s)", (key,)).fetchone()
    except psycopg.Error as exc:
        logger.warning(
            "cannot release the migration lock (%s); it ends with the connection",
            describe_error(exc),
        )
        return
    if released is None or not released[0]:
        logger.warning("the migration lock was not held when releasing it")


def _try_lock(conn: psycopg.Connection[tuple[object, ...]], key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


def _wait_for_lock(
    conn: psycopg.Connection[tuple[object, ...]],
    key: int,
    timeout: float,
    holder: str,
) -> None:
    # A blocked pg_advisory_lock() keeps its snapshot for as long as it waits,
    # and CREATE INDEX CONCURRENTLY (like every CONCURRENTLY command) in the
    # holder's migration waits for all older snapshots of the database: the
    # two deadlock. So ask again after short pauses, each of which ends its
    # snapshot. The pauses run on the server, so that Ctrl-C and the command
    # deadline cancel them like any query.
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE
    while not _try_lock(conn, key):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockError(_timed_out(timeout, holder))
        conn.execute("SELECT pg_sleep(%s)", (min(pause, remaining),))
        pause = min(pause * 2, _LAST_PAUSE)


def _describe_holder(conn: psycopg.Connection[tuple[object, ...]], key: int) -> str:
    row = conn.execute(_HOLDER, {"high": key >> 32, "low": key & 0xFFFFFFFF}).fetchone()
    if row is None:
        return "another session (it may have just released it)"

    pid, application, client, backend_start, state, state_change = row
    address = client or "a local socket"
    return (
        f"pid {pid} (application {application!r}, client {address}, "
        f"connected since {_when(backend_start)}, {state} since {_when(state_change)})"
    )


def _when(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return "unknown"


def _timed_out(timeout: float, holder: str) -> str:
    return (
        f"timed out after {_seconds(timeout)} waiting for the migration lock held by "
        f"{holder}; try again or raise --lock-timeout"
    )


def _seconds(value: float) -> str:
    return f"{value:g}s"
