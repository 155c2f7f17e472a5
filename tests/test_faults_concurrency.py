"""Runners started together on one database: the migration lock at work."""

from __future__ import annotations

import shutil
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from test_faults_support import (
    advisory_locks,
    app,
    finish,
    rows,
    running,
    start,
    version_ids,
    wait_for,
)

from altalune.lock import LOCK_ID

CORPUS = Path(__file__).parent / "corpus"
RUNNERS = 8


def _walk(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(CORPUS / "walk", directory)
    return directory


def _waiting(pg_url: str, count: int) -> bool:
    """Whether *count* runners have found the lock taken and pause to retry."""
    found = rows(
        pg_url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = 'altalune' AND query LIKE 'SELECT pg_sleep(%%'",
    )
    return found == [(count,)]


def test_eight_runners_on_an_empty_database_apply_each_version_once(
    pg_url: str, tmp_path: Path
) -> None:
    directory = _walk(tmp_path)

    # Holding the lock until all eight wait on it makes them race for real,
    # the creation of the version table included. The corpus has a CREATE
    # INDEX CONCURRENTLY, which waits for the snapshots of the other sessions.
    with psycopg.connect(
        pg_url, autocommit=True, application_name="other-deploy"
    ) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        runners = [
            start("migrate", "--database-url", pg_url, "--dir", str(directory),
                  "up", cwd=tmp_path)
            for _ in range(RUNNERS)
        ]  # fmt: skip
        wait_for(lambda: _waiting(pg_url, RUNNERS), "all waited", *runners)
        holder_pid = holder.info.backend_pid
    results = [finish(runner) for runner in runners]

    assert [code for code, _, _ in results] == [0] * RUNNERS, results
    assert sorted(version_ids(pg_url)) == [0, 1, 2, 3, 4, 5, 6]
    assert Counter(out for _, out, _ in results) == {
        "goose: successfully migrated database to version: 6\n": 1,
        "goose: no migrations to run. current version: 6\n": RUNNERS - 1,
    }
    said = (
        f"the migration lock is held by pid {holder_pid} (application 'other-deploy', "
    )
    for _, _, err in results:
        waits = [line for line in err.splitlines() if line.startswith("the migration")]
        assert len(waits) == 1 and waits[0].startswith(said), err
        assert waits[0].endswith("; waiting up to 300s for it")
    assert advisory_locks(pg_url) == []


@pytest.fixture
def sleeping(pg_url: str, tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A runner holding the lock in a long migration: its directory and its
    backend's pid. It is interrupted when the test ends."""
    directory = _walk(tmp_path)
    shutil.copy(CORPUS / "failing" / "00016_sleep.sql", directory)
    process = start(
        "migrate", "--database-url", pg_url, "--dir", str(directory), "up",
        cwd=tmp_path,
    )  # fmt: skip
    try:
        pid = wait_for(
            lambda: running(pg_url, "pg_sleep(60)"), "the migration ran", process
        )
        yield directory, pid
    finally:
        process.send_signal(signal.SIGINT)
        finish(process)


@pytest.mark.parametrize("given", ["flag", "setting"])
def test_a_waiting_runner_names_the_holder_once_then_gives_up(
    pg_url: str, tmp_path: Path, sleeping: tuple[Path, int], given: str
) -> None:
    directory, pid = sleeping
    limit = ["--lock-timeout", "1s"]
    if given == "setting":
        config = tmp_path / "deploy.yaml"
        config.write_text("migrations:\n  lock_timeout: 1\n")
        limit = ["-c", str(config)]

    code, out, err = app(
        "migrate", "--database-url", pg_url, "--dir", str(directory), *limit, "up",
        cwd=tmp_path,
    )  # fmt: skip

    # The holder is another altalune, which names itself to the server.
    holder = f"pid {pid} (application 'altalune', client "
    waiting, error = err.splitlines()
    assert (code, out) == (1, "")
    assert waiting.startswith(f"the migration lock is held by {holder}")
    assert "connected since " in waiting
    assert waiting.endswith("; waiting up to 1s for it")
    assert error.startswith(
        f"error: timed out after 1s waiting for the migration lock held by {holder}"
    )
    assert error.endswith("; try again or raise --lock-timeout")
    assert version_ids(pg_url) == [0, 1, 2, 3, 4, 5, 6]
