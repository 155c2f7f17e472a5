"""A runner stopped by a signal in the middle of a migration, as a user or an
orchestrator stops it: nothing half-applied, the lock free, a rerun that ends."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from test_faults_support import (
    advisory_locks,
    app,
    backend_gone,
    finish,
    public_tables,
    running,
    start,
    version_ids,
    wait_for,
)

CORPUS = Path(__file__).parent / "corpus"
SLEEP = "00016_sleep.sql"


def _directory(tmp_path: Path) -> Path:
    """00001 creates users and audit; 00016 creates slept, then sleeps a minute."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    shutil.copy(CORPUS / "walk" / "00001_users.sql", directory)
    shutil.copy(CORPUS / "failing" / SLEEP, directory)
    return directory


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
    ids=["sigint", "sigterm"],
)
def test_interrupt_rolls_back_the_migration_and_releases_the_lock(
    pg_url: str, tmp_path: Path, signum: int, exit_code: int
) -> None:
    directory = _directory(tmp_path)
    process = start(
        "migrate", "--database-url", pg_url, "--dir", str(directory), "up",
        cwd=tmp_path,
    )  # fmt: skip
    backend = wait_for(
        lambda: running(pg_url, "pg_sleep(60)"), "the migration ran", process
    )

    process.send_signal(signum)
    code, out, err = finish(process)

    assert (code, out) == (exit_code, "")
    assert [line for line in err.splitlines() if not line.startswith("OK   ")] == [
        f"error: interrupted while applying {directory / SLEEP}; it was rolled back"
    ]
    wait_for(lambda: backend_gone(pg_url, backend), "the backend to end")
    assert advisory_locks(pg_url) == []
    assert sorted(version_ids(pg_url)) == [0, 1]
    assert public_tables(pg_url) == {"users", "audit"}


def test_sigkill_leaves_applied_what_is_recorded_and_the_rerun_completes(
    pg_url: str, tmp_path: Path
) -> None:
    directory = _directory(tmp_path)
    process = start(
        "migrate", "--database-url", pg_url, "--dir", str(directory), "up",
        cwd=tmp_path,
    )  # fmt: skip
    backend = wait_for(
        lambda: running(pg_url, "pg_sleep(60)"), "the migration ran", process
    )

    process.kill()
    finish(process)

    # The server notices the dead client and rolls back long before the
    # minute of sleep is over, after which the migration would have committed.
    wait_for(lambda: backend_gone(pg_url, backend), "the orphaned backend to end")
    assert advisory_locks(pg_url) == []
    assert sorted(version_ids(pg_url)) == [0, 1]
    assert public_tables(pg_url) == {"users", "audit"}

    sleep = directory / SLEEP
    sleep.write_text(sleep.read_text().replace("pg_sleep(60)", "pg_sleep(0)"))
    code, out, _ = app(
        "migrate", "--database-url", pg_url, "--dir", str(directory), "up",
        cwd=tmp_path,
    )  # fmt: skip

    assert (code, out) == (0, "goose: successfully migrated database to version: 16\n")
    assert sorted(version_ids(pg_url)) == [0, 1, 16]
    assert public_tables(pg_url) == {"users", "audit", "slept"}
