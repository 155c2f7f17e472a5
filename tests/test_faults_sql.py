"""Failing SQL, and statements refused before anything runs: one line naming
file:line, and nothing half-applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_faults_support import (
    invoke,
    isolate,
    migrations,
    public_tables,
    snapshot,
    version_ids,
)

USERS = """-- +goose Up
CREATE TABLE users (id int PRIMARY KEY, email text);

-- +goose Down
DROP TABLE users;
"""


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def _up(pg_url: str, directory: Path) -> tuple[int, str, str]:
    return invoke("migrate", "--database-url", pg_url, "--dir", str(directory), "up")


def _errors(err: str) -> list[str]:
    """stderr without the progress lines of the migrations that did apply."""
    return [line for line in err.splitlines() if not line.startswith("OK   ")]


@pytest.mark.parametrize(
    ("body", "line", "error"),
    [
        pytest.param(
            "INSERT INTO users (id, email)\nSELECT id, email\nFROM users\n"
            "WHERE nosuch = 1;",
            6,
            '42703 column "nosuch" does not exist',
            id="position-on-a-later-line-of-the-statement",
        ),
        pytest.param(
            "SELECT 1;\nSELECT lower(email, 2) FROM users;",
            4,
            "42883 function lower(text, integer) does not exist; hint: No function "
            "matches the given name and argument types. You might need to add "
            "explicit type casts.",
            id="hint",
        ),
        pytest.param(
            "INSERT INTO users VALUES (1, 'a');\nINSERT INTO users VALUES (1, 'b');",
            4,
            '23505 duplicate key value violates unique constraint "users_pkey"; '
            "detail: Key (id)=(1) already exists.",
            id="detail-without-position",
        ),
        pytest.param(
            "-- +goose StatementBegin\nDO $$\nBEGIN\n  RAISE EXCEPTION 'refused'\n"
            "    USING DETAIL = 'the detail', HINT = 'the hint';\nEND\n$$;\n"
            "-- +goose StatementEnd",
            4,
            "P0001 refused; detail: the detail; hint: the hint",
            id="detail-and-hint",
        ),
    ],
)
def test_failing_statement_stops_the_run_naming_its_line(
    pg_url: str, tmp_path: Path, body: str, line: int, error: str
) -> None:
    failing = f"-- +goose Up\nCREATE TABLE half (id int);\n{body}\n"
    directory = migrations(
        tmp_path, {"00001_users.sql": USERS, "00002_failing.sql": failing}
    )

    code, out, err = _up(pg_url, directory)

    assert (code, out) == (1, "")
    assert _errors(err) == [f"error: {directory / '00002_failing.sql'}:{line}: {error}"]
    assert sorted(version_ids(pg_url)) == [0, 1]
    assert public_tables(pg_url) == {"users"}


def test_no_transaction_failure_says_which_statements_ran(
    pg_url: str, tmp_path: Path
) -> None:
    failing = (
        "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE a (id int);\n"
        "CREATE TABLE b (id int);\nCREATE TABLE a (id int);\nCREATE TABLE c (id int);\n"
    )
    directory = migrations(tmp_path, {"00001_partial.sql": failing})

    code, _, err = _up(pg_url, directory)

    assert code == 1
    assert _errors(err) == [
        f'error: {directory / "00001_partial.sql"}:5: 42P07 relation "a" already '
        "exists; statements 1-2 of this file already ran and stay applied"
    ]
    assert version_ids(pg_url) == [0]
    assert public_tables(pg_url) == {"a", "b"}


@pytest.mark.parametrize(
    ("statement", "command"),
    [
        ("CREATE INDEX CONCURRENTLY users_email ON users (email);",
         "CREATE INDEX CONCURRENTLY"),
        ("CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);",
         "CREATE INDEX CONCURRENTLY"),
        ("DROP INDEX CONCURRENTLY users_email;", "DROP INDEX CONCURRENTLY"),
        ("REINDEX TABLE CONCURRENTLY users;", "REINDEX CONCURRENTLY"),
        ("REINDEX (CONCURRENTLY) INDEX users_pkey;", "REINDEX CONCURRENTLY"),
        ("REINDEX DATABASE app;", "REINDEX DATABASE"),
        ("VACUUM users;", "VACUUM"),
        ("vacuum (analyze) users;", "VACUUM"),
        ("CREATE DATABASE other;", "CREATE DATABASE"),
        ("DROP DATABASE other;", "DROP DATABASE"),
        ("CREATE TABLESPACE fast LOCATION '/srv/fast';", "CREATE TABLESPACE"),
        ("ALTER SYSTEM SET work_mem = '64MB';", "ALTER SYSTEM"),
        ("ALTER DATABASE app SET TABLESPACE fast;", "ALTER DATABASE SET TABLESPACE"),
        ("ALTER TABLE m DETACH PARTITION m_1 CONCURRENTLY;",
         "ALTER TABLE ... DETACH CONCURRENTLY"),
        ("CLUSTER;", "CLUSTER"),
        ("DISCARD ALL;", "DISCARD ALL"),
    ],
)  # fmt: skip
def test_statement_refused_in_a_transaction_stops_before_touching_the_database(
    pg_url: str, tmp_path: Path, statement: str, command: str
) -> None:
    refused = (
        f"-- +goose Up\nCREATE TABLE t (id int);\n-- why it is here\n{statement}\n"
    )
    directory = migrations(
        tmp_path, {"00001_users.sql": USERS, "00002_refused.sql": refused}
    )
    before = snapshot(pg_url)

    code, out, err = _up(pg_url, directory)

    assert (code, out) == (1, "")
    assert err == (
        f"error: {directory / '00002_refused.sql'}:4: {command} cannot run inside a "
        "transaction; add '-- +goose NO TRANSACTION' to this file\n"
    )
    assert snapshot(pg_url) == before


def test_the_same_statements_run_once_marked_no_transaction(
    pg_url: str, tmp_path: Path
) -> None:
    concurrent = (
        "-- +goose NO TRANSACTION\n-- +goose Up\n"
        "CREATE INDEX CONCURRENTLY users_email ON users (email);\nVACUUM users;\n"
        "-- +goose Down\nDROP INDEX CONCURRENTLY users_email;\n"
    )
    directory = migrations(
        tmp_path, {"00001_users.sql": USERS, "00002_index.sql": concurrent}
    )

    code, out, _ = _up(pg_url, directory)

    assert (code, out) == (0, "goose: successfully migrated database to version: 2\n")
    assert sorted(version_ids(pg_url)) == [0, 1, 2]
