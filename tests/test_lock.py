"""The migration lock: goose's advisory key, waiting, and saying who holds it."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterator

import psycopg
import pytest

from altalune.errors import LockError
from altalune.lock import LOCK_ID, acquire, release

Connection = psycopg.Connection[tuple[object, ...]]


@pytest.fixture
def conn(pg_url: str) -> Iterator[Connection]:
    with psycopg.connect(pg_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def holder(pg_url: str) -> Iterator[Connection]:
    """Another session of the same database, holding the lock."""
    with psycopg.connect(pg_url, autocommit=True, application_name="deployer") as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        yield other


def _lock_rows(conn: Connection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT pid, classid, objid, objsubid, granted FROM pg_locks"
        " WHERE locktype = 'advisory' AND database ="
        " (SELECT oid FROM pg_database WHERE datname = current_database())"
        " ORDER BY granted DESC"
    ).fetchall()


def test_key_is_gooses() -> None:
    assert LOCK_ID == zlib.crc32(b"goose") == 4097083626


def test_lock_shows_in_pg_locks_as_goose_does(conn: Connection, pg_url: str) -> None:
    acquire(conn)

    with psycopg.connect(pg_url) as observer:
        assert _lock_rows(observer) == [(conn.info.backend_pid, 0, 4097083626, 1, True)]
        release(conn)
        assert _lock_rows(observer) == []


def test_busy_lock_times_out_naming_the_holder(
    conn: Connection, holder: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    pid = holder.info.backend_pid

    with (
        caplog.at_level(logging.WARNING, logger="altalune.lock"),
        pytest.raises(LockError) as caught,
    ):
        acquire(conn, timeout=0.5)

    message = str(caught.value)
    # The client is 127.0.0.1 over TCP, "a local socket" over a unix socket.
    assert message.startswith(
        f"timed out after 0.5s waiting for the migration lock held by pid {pid} "
        "(application 'deployer', client "
    )
    assert ", connected since " in message
    assert message.endswith("; try again or raise --lock-timeout")
    assert [r.getMessage() for r in caplog.records] == [caplog.records[0].getMessage()]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(f"the migration lock is held by pid {pid} (application 'deployer'")
    )
    assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)


def test_zero_timeout_does_not_wait(conn: Connection, holder: Connection) -> None:
    with pytest.raises(LockError, match=f"held by pid {holder.info.backend_pid} "):
        acquire(conn, timeout=0)

    assert _lock_rows(conn)[0][0] == holder.info.backend_pid
    assert len(_lock_rows(conn)) == 1


def test_waiter_gets_the_lock_once_released(
    conn: Connection, holder: Connection, pg_url: str
) -> None:
    outcome: list[BaseException | None] = []

    def wait() -> None:
        try:
            acquire(conn, timeout=60)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    # Autocommit: in a transaction, pg_stat_activity would not change.
    with psycopg.connect(pg_url, autocommit=True) as observer:
        # The waiter pauses between two attempts; then the holder lets go.
        pausing = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE pid = %s AND query LIKE 'SELECT pg_sleep(%%'"
        )
        deadline = time.monotonic() + 60
        while observer.execute(pausing, (conn.info.backend_pid,)).fetchone() != (1,):
            assert time.monotonic() < deadline, "the waiter never paused"
            observer.execute("SELECT pg_sleep(0.05)")
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_ID,))
        waiter.join()

        assert outcome == [None]
        assert _lock_rows(observer) == [(conn.info.backend_pid, 0, 4097083626, 1, True)]
    assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)


def test_lock_timeout_setting_from_the_url_survives(
    pg_url: str, holder: Connection
) -> None:
    with psycopg.connect(pg_url, autocommit=True, options="-c lock_timeout=7s") as conn:
        with pytest.raises(LockError):
            acquire(conn, timeout=0.2)

        assert conn.execute("SHOW lock_timeout").fetchone() == ("7s",)


def test_release_without_the_lock_only_warns(
    conn: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="altalune.lock"):
        release(conn)

    assert [r.getMessage() for r in caplog.records] == [
        "the migration lock was not held when releasing it"
    ]


def test_release_rolls_back_an_open_transaction(conn: Connection) -> None:
    acquire(conn)
    conn.execute("BEGIN")
    with pytest.raises(psycopg.errors.DivisionByZero):
        conn.execute("SELECT 1/0")

    release(conn)

    assert _lock_rows(conn) == []
