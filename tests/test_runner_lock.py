"""The runner under the migration lock, a command deadline and interrupts."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import psycopg
import pytest
from test_runner_support import migrations, query, runner, tables, version_rows

from altalune.errors import DatabaseError, Interrupted, LockError, MigrationError
from altalune.lock import LOCK_ID


@pytest.fixture
def holder(pg_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """Another deploy holding the migration lock of the test database."""
    with psycopg.connect(
        pg_url, autocommit=True, application_name="other-deploy"
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        yield conn


def _advisory_locks(pg_url: str) -> list[tuple[object, ...]]:
    # Advisory locks are per database; other databases' locks are not ours.
    return query(
        pg_url,
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND database ="
        " (SELECT oid FROM pg_database WHERE datname = current_database())",
    )


def test_busy_lock_makes_the_runner_wait_then_give_up(
    pg_url: str, tmp_path: Path, holder: psycopg.Connection[tuple[object, ...]]
) -> None:
    run = runner(pg_url, migrations(tmp_path), lock_timeout=0.3)

    with pytest.raises(LockError) as caught:
        run.up()

    assert str(caught.value).startswith(
        "timed out after 0.3s waiting for the migration lock held by pid "
        f"{holder.info.backend_pid} (application 'other-deploy', "
    )
    assert str(caught.value).endswith("; try again or raise --lock-timeout")
    # The lock comes before the version table: nothing was read or created.
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


def test_no_lock_runs_beside_the_holder(
    pg_url: str, tmp_path: Path, holder: psycopg.Connection[tuple[object, ...]]
) -> None:
    result = runner(pg_url, migrations(tmp_path), lock=False).up_to(1)

    assert [a.version for a in result.applied] == [1]
    assert _advisory_locks(pg_url) == [(holder.info.backend_pid,)]


def test_status_and_version_read_without_the_lock(
    pg_url: str, tmp_path: Path, holder: psycopg.Connection[tuple[object, ...]]
) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory, lock=False).up_to(2)
    run = runner(pg_url, directory, lock_timeout=0.2)

    assert run.version().version == 2
    assert [r.applied for r in run.status().rows][:3] == [True, True, False]


def test_creating_the_table_for_status_needs_the_lock(
    pg_url: str, tmp_path: Path, holder: psycopg.Connection[tuple[object, ...]]
) -> None:
    with pytest.raises(LockError):
        runner(pg_url, migrations(tmp_path), lock_timeout=0.2).status()


def test_lock_is_released_after_success_and_failure(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00011_duplicate_tag.sql")

    with pytest.raises(MigrationError):
        runner(pg_url, directory).up()
    assert _advisory_locks(pg_url) == []

    runner(pg_url, directory).down()
    assert _advisory_locks(pg_url) == []


def test_deadline_cancels_the_running_migration(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00016_sleep.sql")

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, directory, timeout=1).up()

    assert str(caught.value) == (
        f"timed out after 1s while applying {directory / '00016_sleep.sql'}; "
        "it was rolled back"
    )
    assert tables(pg_url) == {"users", "audit"}
    assert version_rows(pg_url) == [(1, 0, True), (2, 1, True)]


def test_zero_timeout_means_no_limit(pg_url: str, tmp_path: Path) -> None:
    result = runner(pg_url, migrations(tmp_path), timeout=0).up_to(1)

    assert [a.version for a in result.applied] == [1]


def test_deadline_covers_waiting_for_the_lock(
    pg_url: str, tmp_path: Path, holder: psycopg.Connection[tuple[object, ...]]
) -> None:
    with pytest.raises(DatabaseError) as caught:
        runner(pg_url, migrations(tmp_path), timeout=0.5, lock_timeout=60).up()

    assert str(caught.value) == "timed out after 0.5s waiting for the migration lock"


class _Terminated(KeyboardInterrupt):
    exit_code = 143


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _signal_once_sleeping(pg_url: str, signum: int) -> threading.Thread:
    """Send *signum* to this process once the migration's pg_sleep is running."""
    target = threading.main_thread().ident
    assert target is not None

    def watch() -> None:
        with psycopg.connect(pg_url, autocommit=True) as observer:
            sleeping = (
                "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                " 'altalune' AND state = 'active' AND query LIKE '%pg_sleep(60)%'"
            )
            while observer.execute(sleeping).fetchone() != (1,):
                observer.execute("SELECT pg_sleep(0.05)")
        signal.pthread_kill(target, signum)

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
    ids=["sigint", "sigterm"],
)
def test_interrupt_rolls_back_and_releases_the_lock(
    pg_url: str, tmp_path: Path, signum: int, exit_code: int
) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00016_sleep.sql")
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        watcher = _signal_once_sleeping(pg_url, signum)
        with pytest.raises(Interrupted) as caught:
            runner(pg_url, directory).up()
        watcher.join()
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert caught.value.exit_code == exit_code
    assert str(caught.value) == (
        f"interrupted while applying {directory / '00016_sleep.sql'}; "
        "it was rolled back"
    )
    assert tables(pg_url) == {"users", "audit"}
    assert version_rows(pg_url) == [(1, 0, True), (2, 1, True)]
    assert _advisory_locks(pg_url) == []
