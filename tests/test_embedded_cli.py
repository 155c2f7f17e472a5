"""The embedded server through the CLI, on a machine with no database set.

Every command runs as a real subprocess in a temporary working directory,
with no DATABASE_URL, GOOSE_* or PG* variable and a config.yaml without
database.url: the configured server is hidden, as on a fresh machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from altalune import embedded

ROOT = Path(__file__).resolve().parent.parent
APP = [sys.executable, "-m", "altalune"]
CONFIG = "migrations:\n  dir: migrations\n"
WAIT = 60.0


def hidden_environment() -> dict[str, str]:
    """This environment without any database setting."""
    hidden = ("DATABASE_URL", "ALTALUNE_TEST_DSN")
    return {
        name: value
        for name, value in os.environ.items()
        if name not in hidden and not name.startswith(("GOOSE_", "PG"))
    }


def app(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*APP, *args],
        cwd=cwd,
        env=hidden_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def db_status(cwd: Path) -> dict[str, object]:
    done = app(cwd, "db", "status", "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def line_of(output: str, name: str) -> str:
    [line] = [line for line in output.splitlines() if line.endswith(f" {name}")]
    return line


def alive(pid: int) -> bool:
    """Whether *pid* runs (a zombie does not), read from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll *condition* until it holds; a deadline only guards against a hang."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def project() -> Iterator[Path]:
    """A working directory with a config and one migration, and no database.

    Outside pytest's tree, which pytest makes private again when a session
    starts, locking out the server's own account when run as root.
    """
    with tempfile.TemporaryDirectory(prefix="altalune-cli-") as path:
        cwd = Path(path)
        (cwd / "config.yaml").write_text(CONFIG)
        (cwd / "migrations").mkdir()
        (cwd / "migrations" / "00001_notes.sql").write_text(
            "-- +goose Up\nCREATE TABLE notes (body text);\n"
            "-- +goose Down\nDROP TABLE notes;\n"
        )
        try:
            yield cwd
        finally:
            embedded.stop(cwd / embedded.DATA_DIR)


def test_db_start_url_status_and_stop(project: Path) -> None:
    before = db_status(project)
    started = app(project, "db", "start")
    masked = app(project, "db", "url")
    clear = app(project, "db", "url", "--show-password")
    with psycopg.connect(clear.stdout.strip()) as conn:
        user = conn.execute("SELECT current_user").fetchone()
    running = db_status(project)
    stopped = app(project, "db", "stop")
    again = app(project, "db", "stop")
    no_url = app(project, "db", "url")

    assert before["state"] == "uninitialized"
    assert started.returncode == 0, started.stderr
    assert "state:     running" in started.stdout
    assert "kept:      yes" in started.stdout
    password = (project / ".altalune" / "pgdata.password").read_text().strip()
    assert password not in started.stdout + masked.stdout + json.dumps(running)
    assert masked.stdout.startswith("postgresql://postgres:xxxxx@%2F")
    assert clear.stdout == masked.stdout.replace("xxxxx", password)
    assert user == ("postgres",)
    assert (running["state"], running["kept"], running["orphaned"]) == (
        "running",
        True,
        False,
    )
    assert stopped.stdout == f"stopped the embedded server (pid {running['pid']})\n"
    assert again.stdout == "the embedded server is not running\n"
    assert (no_url.returncode, no_url.stdout) == (1, "")
    assert no_url.stderr == (
        "error: the embedded server is not running (stopped); "
        "start it with: app db start\n"
    )


def test_migrate_without_a_database_uses_the_embedded_server(project: Path) -> None:
    up = app(project, "migrate", "up")
    after_up = db_status(project)
    status = app(project, "migrate", "status")
    after_status = db_status(project)

    assert up.returncode == 0, up.stderr
    assert "initializing the embedded PostgreSQL cluster" in up.stderr
    assert "OK   00001_notes.sql" in up.stderr
    # Each command stopped the server it started; the data stayed.
    assert (after_up["state"], after_status["state"]) == ("stopped", "stopped")
    assert status.returncode == 0, status.stderr
    assert "initializing" not in status.stderr
    assert "-- 00001_notes.sql" in status.stdout
    assert "Pending" not in status.stdout


def test_a_server_started_by_db_start_outlives_migrate(project: Path) -> None:
    app(project, "db", "start")
    pid = db_status(project)["pid"]

    up = app(project, "migrate", "up")
    after = db_status(project)

    assert up.returncode == 0, up.stderr
    assert (after["state"], after["pid"], after["kept"]) == ("running", pid, True)


def test_killed_cli_leaves_no_server_after_the_next_run(project: Path) -> None:
    (project / "migrations" / "00002_slow.sql").write_text(
        "-- +goose Up\nSELECT pg_sleep(600);\n-- +goose Down\nSELECT 1;\n"
    )
    data_dir = project / embedded.DATA_DIR
    cli = subprocess.Popen(
        [*APP, "migrate", "up"],
        cwd=project,
        env=hidden_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: sleeping(data_dir), "the slow migration to run")
    finally:
        cli.send_signal(signal.SIGKILL)
        cli.wait()
    orphan = db_status(project)

    status = app(project, "migrate", "status")
    after = db_status(project)

    assert (orphan["state"], orphan["orphaned"]) == ("running", True)
    assert status.returncode == 0, status.stderr
    assert "Pending" in line_of(status.stdout, "00002_slow.sql")
    assert after["state"] == "stopped"
    assert not alive(int(str(orphan["pid"])))


def sleeping(data_dir: Path) -> bool:
    """Whether a session on the server of *data_dir* runs pg_sleep."""
    url = embedded.status(data_dir).url
    if url is None:
        return False
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE state = 'active' AND query LIKE '%pg_sleep(600)%'"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    return row is not None and row[0] == 1


def test_make_build_and_migrate_then_status_on_a_machine_without_a_database(
    project: Path,
) -> None:
    """The README's first two commands, in a copy of this project."""
    shutil.rmtree(project / "migrations")
    (project / "config.yaml").unlink()
    for name in ("Makefile", "config.yaml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "database", project / "database")
    (project / ".venv").symlink_to(ROOT / ".venv")
    migrations = sorted(p.name for p in (project / "database/migrations").iterdir())

    # The virtualenv is shared with this run and already built: -o keeps make
    # from reinstalling the package from the copy.
    built = subprocess.run(
        ["make", "-o", ".venv/.installed", "build-and-migrate"],
        cwd=project,
        env=hidden_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    status = subprocess.run(
        ["./bin/app", "migrate", "status"],
        cwd=project,
        env=hidden_environment(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert built.returncode == 0, built.stderr
    assert status.returncode == 0, status.stderr
    assert migrations
    for name in migrations:
        assert f"-- {name}" in status.stdout
    assert "Pending" not in status.stdout
    assert db_status(project)["state"] == "stopped"
