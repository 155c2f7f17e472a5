"""The database password, in every spelling, never reaches the output: not in
errors, not in -v tracebacks and log lines, not in what the driver says."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_faults_support import app, with_password

from altalune import embedded
from altalune.db import mask_url

PASSWORD = "Wr0ng-Passw0rd"


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """The URL of a server of our own that checks passwords (scram-sha-256),
    whichever server the rest of the suite uses."""
    # Outside pytest's tree: run as root, the server runs as another account,
    # which must cross every parent directory.
    with (
        tempfile.TemporaryDirectory(prefix="altalune-test-") as data,
        embedded.server(Path(data) / "pgdata") as url,
    ):
        yield url


@pytest.fixture
def walk(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "00001_a.sql").write_text("-- +goose Up\nSELECT 1;\n")
    return directory


def test_authentication_failure(
    password_server: str, tmp_path: Path, walk: Path
) -> None:
    url = with_password(password_server, PASSWORD)

    code, out, err = app(
        "migrate", "--database-url", url, "--dir", str(walk), "up", cwd=tmp_path
    )

    assert (code, out) == (1, "")
    assert err.startswith(f"error: cannot connect to {mask_url(url)}: ")
    assert err.endswith('password authentication failed for user "postgres"\n')
    assert err.count("\n") == 1
    assert PASSWORD not in err


def test_failed_connection_with_verbose_never_shows_the_password(
    password_server: str, tmp_path: Path, walk: Path
) -> None:
    url = with_password(password_server, PASSWORD)

    # --wait makes it retry, which logs each failure before the final error.
    code, out, err = app(
        "migrate", "-v", "--wait", "2", "--database-url", url, "--dir", str(walk),
        "up", cwd=tmp_path,
    )  # fmt: skip

    assert code == 1
    assert "Traceback (most recent call last):" in err
    assert "waiting for the database: " in err
    assert "password authentication failed" in err
    assert "postgres:xxxxx@" in err
    assert PASSWORD not in out + err


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("template", "fragments"),
    [
        pytest.param("postgresql://app:Pa55W0rd9@{host}/db", ["Pa55W0rd9"],
                     id="url"),
        pytest.param("postgresql://app:Pa55%40W0rd9%2Fxyz@{host}/db",
                     ["Pa55", "W0rd9"], id="url-escaped"),
        pytest.param("postgresql://app:Pa55@W0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-at-sign"),
        pytest.param("postgresql://app:Pa55/W0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-slash"),
        pytest.param("postgresql://app:Pa55?W0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-question-mark"),
        pytest.param("postgresql://app:Pa55#W0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-hash"),
        pytest.param("postgresql://app:Pa55 W0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-space"),
        pytest.param("postgresql://app:Pa55%zzW0rd9@{host}/db", ["Pa55", "W0rd9"],
                     id="url-bad-escape"),
        pytest.param("postgresql://app@{host}/db?password=Pa55W0rd9&sslmode=disable",
                     ["Pa55W0rd9"], id="url-parameter"),
        pytest.param("host=127.0.0.1 port={port} password='Pa55 W0rd9' dbname=db",
                     ["Pa55", "W0rd9"], id="key-value-quoted"),
        pytest.param("host=127.0.0.1 port={port} password=Pa55W0rd9 dbname=db",
                     ["Pa55W0rd9"], id="key-value"),
    ],
)  # fmt: skip
def test_no_spelling_of_the_password_is_shown(
    tmp_path: Path, walk: Path, template: str, fragments: list[str]
) -> None:
    port = _refused_port()
    url = template.format(host=f"127.0.0.1:{port}", port=port)

    code, out, err = app(
        "migrate", "-v", "--wait", "1", "--database-url", url, "--dir", str(walk),
        "up", cwd=tmp_path,
    )  # fmt: skip

    assert code == 1
    assert err.splitlines()[-1].startswith("error: ")
    for fragment in fragments:
        assert fragment not in out + err
