"""Failures: the file line they point at, what stays applied, what is refused early."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runner_support import migrations, query, runner, tables, version_rows

from altalune.errors import MigrationError, ParseError


def test_positioned_error_points_at_the_line(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00010_unknown_column.sql")

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, directory).up()

    path = directory / "00010_unknown_column.sql"
    assert str(caught.value) == f'{path}:5: 42703 column "nosuch_column" does not exist'
    assert version_rows(pg_url) == [(1, 0, True), (2, 1, True)]
    assert tables(pg_url) == {"users", "audit"}


def test_runtime_error_without_position_is_found_by_replay(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path, "00011_duplicate_tag.sql")

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, directory).up()

    assert str(caught.value) == (
        f"{directory / '00011_duplicate_tag.sql'}:5: 23505 duplicate key value "
        'violates unique constraint "tags_pkey"; detail: Key (name)=(a) already exists.'
    )
    assert version_rows(pg_url) == [(1, 0, True)]
    assert tables(pg_url) == set()


def test_no_transaction_failure_says_what_already_ran(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path, "00012_partial_no_transaction.sql")

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, directory).up()

    assert str(caught.value) == (
        f"{directory / '00012_partial_no_transaction.sql'}:5: 42P07 relation "
        '"nt_a" already exists; '
        "statements 1-2 of this file already ran and stay applied"
    )
    assert tables(pg_url) == {"nt_a", "nt_b"}
    assert version_rows(pg_url) == [(1, 0, True)]


def test_concurrently_in_a_transaction_is_refused_before_anything_runs(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(
        tmp_path, "00001_users.sql", "00013_concurrently_in_transaction.sql"
    )

    with pytest.raises(ParseError) as caught:
        runner(pg_url, directory).up()

    assert str(caught.value) == (
        f"{directory / '00013_concurrently_in_transaction.sql'}:3: CREATE INDEX "
        "CONCURRENTLY cannot run inside a transaction; add '-- +goose NO TRANSACTION' "
        "to this file"
    )
    assert tables(pg_url) == set()
    # Not even the version table: the run was refused while planning.
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


def test_parse_error_in_a_later_file_stops_the_run_before_it_starts(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00014_missing_semicolon.sql")

    with pytest.raises(ParseError) as caught:
        runner(pg_url, directory).up()

    assert str(caught.value).startswith(f"{directory / '00014_missing_semicolon.sql'}:")
    assert tables(pg_url) == set()
    # Not even the version table: the run was refused while planning.
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


def test_down_parses_only_its_own_direction(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path, "00001_users.sql")
    runner(pg_url, directory).up()
    (directory / "00001_users.sql").write_text(
        "-- +goose Up\nTHIS IS NOT FINISHED\n-- +goose Down\nDROP TABLE audit, users;\n"
    )

    result = runner(pg_url, directory).down()

    assert [a.version for a in result.applied] == [1]
    assert tables(pg_url) == set()


def test_failure_recording_the_version_is_reported_as_such(
    pg_url: str, tmp_path: Path
) -> None:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "00001_drop_history.sql").write_text(
        "-- +goose Up\nCREATE TABLE kept (id int);\nDROP TABLE goose_db_version;\n"
    )

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, directory).up()

    assert str(caught.value) == (
        f"{directory / '00001_drop_history.sql'}: cannot record version 1: 42P01 "
        'relation "goose_db_version" does not exist'
    )
    assert version_rows(pg_url) == [(1, 0, True)]
    assert tables(pg_url) == set()


def _big_migration(directory: Path, failing: str | None) -> tuple[Path, int]:
    """About 3 MB of inserts, so that it travels in several chunks; returns the
    path and the line of the failing statement placed near the end."""
    filler = "x" * 1000
    lines = ["-- +goose Up", "CREATE TABLE bulk (id int PRIMARY KEY, payload text);"]
    for number in range(3000):
        lines.append(f"INSERT INTO bulk VALUES ({number}, '{filler}');")
        if number == 2500 and failing:
            lines.extend(["INSERT INTO bulk", failing])
    failing_line = lines.index(failing) + 1 if failing else 0
    lines.extend(["-- +goose Down", "DROP TABLE bulk;"])
    path = directory / "00001_bulk.sql"
    directory.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path, failing_line


def test_big_migration_travels_in_chunks(pg_url: str, tmp_path: Path) -> None:
    path, _ = _big_migration(tmp_path / "migrations", None)

    result = runner(pg_url, path.parent).up()

    assert [a.version for a in result.applied] == [1]
    assert query(pg_url, "SELECT count(*), sum(length(payload)) FROM bulk") == [
        (3000, 3_000_000)
    ]
    assert version_rows(pg_url) == [(1, 0, True), (2, 1, True)]


@pytest.mark.parametrize(
    ("failing", "shift", "error"),
    [
        # The server's position points into the VALUES line itself.
        ("VALUES (7, 'dup', nosuch);", 0, '42703 column "nosuch" does not exist'),
        # No position: the replay names the statement, which starts a line above.
        (
            "VALUES (7, 'dup');",
            -1,
            '23505 duplicate key value violates unique constraint "bulk_pkey"; '
            "detail: Key (id)=(7) already exists.",
        ),
    ],
    ids=["positioned", "replayed"],
)
def test_big_migration_failure_maps_to_its_line(
    pg_url: str, tmp_path: Path, failing: str, shift: int, error: str
) -> None:
    path, line = _big_migration(tmp_path / "migrations", failing)

    with pytest.raises(MigrationError) as caught:
        runner(pg_url, path.parent).up()

    assert str(caught.value) == f"{path}:{line + shift}: {error}"
    assert tables(pg_url) == set()
    assert version_rows(pg_url) == [(1, 0, True)]
