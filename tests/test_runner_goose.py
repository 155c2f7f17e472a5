"""Databases goose left behind, out-of-order files, and -no-versioning runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_runner_support import (
    CORPUS,
    TABLES_AT,
    goose_table,
    migrations,
    query,
    runner,
    tables,
    version_rows,
)

from altalune.errors import DatabaseError, NoVersionError, SourceError
from altalune.plan import MissingMigrationsError
from altalune.runner import format_status, format_version


@pytest.mark.parametrize("old", [False, True], ids=["current-ddl", "serial-ddl"])
def test_goose_database_halfway_is_continued(
    pg_url: str, tmp_path: Path, old: bool
) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(2)
    goose_table(
        pg_url,
        [
            (0, True, "2024-01-02 03:04:05"),
            (1, True, "2024-01-02 03:04:06"),
            (2, True, "2024-02-29 23:59:59"),
        ],
        old=old,
    )
    run = runner(pg_url, directory)

    lines = format_status(run.status())
    result = run.up()

    assert lines == [
        "    Applied At                  Migration",
        "    =======================================",
        "    Tue Jan  2 03:04:06 2024 -- 00001_users.sql",
        "    Thu Feb 29 23:59:59 2024 -- 00002_touch_trigger.sql",
        "    Pending                  -- 00003_email_index.sql",
        "    Pending                  -- 00004_settings.sql",
        "    Pending                  -- 00005_seed_users.sql",
        "    Pending                  -- 00006_placeholder.sql",
    ]
    assert [a.version for a in result.applied] == [3, 4, 5, 6]
    assert version_rows(pg_url) == [(i + 1, i, True) for i in range(7)]
    assert tables(pg_url) == TABLES_AT[6]

    run.down()
    assert format_version(run.version()) == "goose: version 5"


def test_rows_unapplied_by_old_goose_are_honoured(pg_url: str, tmp_path: Path) -> None:
    """goose v1/v2 recorded a down as is_applied=false; the version stays known."""
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(2)
    goose_table(
        pg_url,
        [
            (0, True, "2024-01-01 00:00:00"),
            (1, True, "2024-01-01 00:00:01"),
            (2, True, "2024-01-01 00:00:02"),
            (3, True, "2024-01-01 00:00:03"),
            (3, False, "2024-01-01 00:00:04"),
        ],
        old=True,
    )
    run = runner(pg_url, directory)

    status = run.status()
    assert [(r.version, r.applied) for r in status.rows[:4]] == [
        (1, True),
        (2, True),
        (3, False),
        (4, False),
    ]
    assert run.version().version == 2

    run.down()
    assert version_rows(pg_url) == [
        (1, 0, True),
        (2, 1, True),
        (4, 3, True),
        (5, 3, False),
    ]
    with pytest.raises(MissingMigrationsError) as caught:
        run.up()
    assert str(caught.value) == (
        "error: found 1 missing migrations before current version 3:\n"
        f"\tversion 2: {directory / '00002_touch_trigger.sql'}"
    )

    # Version 3 has rows, so goose never applies it again; 2 comes back as missing.
    result = runner(pg_url, directory, allow_missing=True).up()
    assert [a.version for a in result.applied] == [2, 4, 5, 6]
    assert result.message == "successfully migrated database to version: 6"
    assert version_rows(pg_url)[-4:] == [
        (6, 2, True),
        (7, 4, True),
        (8, 5, True),
        (9, 6, True),
    ]


def test_missing_files_are_refused_then_allowed(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(
        tmp_path,
        "00001_users.sql",
        "00002_touch_trigger.sql",
        "00005_seed_users.sql",
        "00006_placeholder.sql",
    )
    runner(pg_url, directory).up()
    migrations(tmp_path, "00003_email_index.sql", "00004_settings.sql")

    with pytest.raises(MissingMigrationsError) as caught:
        runner(pg_url, directory).up()
    assert str(caught.value) == (
        "error: found 2 missing migrations before current version 6:\n"
        f"\tversion 3: {directory / '00003_email_index.sql'}\n"
        f"\tversion 4: {directory / '00004_settings.sql'}"
    )

    run = runner(pg_url, directory, allow_missing=True)
    first = run.up_by_one()
    rest = run.up()

    assert [a.version for a in first.applied] == [3]
    assert [a.version for a in rest.applied] == [4]
    assert rest.message == "successfully migrated database to version: 4"
    assert [(v, a) for _, v, a in version_rows(pg_url)] == [
        (0, True),
        (1, True),
        (2, True),
        (5, True),
        (6, True),
        (3, True),
        (4, True),
    ]
    # Current is the newest row, so down and down-to walk application order.
    assert run.version().version == 4
    assert [a.version for a in run.down_to(4).applied] == []
    assert [a.version for a in run.down_to(2).applied] == [4, 3, 6, 5]


def test_missing_files_above_the_target_are_not_missing(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path, "00001_users.sql", "00004_settings.sql")
    runner(pg_url, directory).up()
    migrations(tmp_path, "00002_touch_trigger.sql")

    result = runner(pg_url, directory).up_to(1)

    assert result.message == "no migrations to run. current version: 4"


def test_down_to_stops_at_a_version_without_file(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(5)
    (directory / "00004_settings.sql").unlink()

    with pytest.raises(NoVersionError) as caught:
        runner(pg_url, directory).down_to(1)

    assert str(caught.value) == "no current version found"
    assert [v for _, v, _ in version_rows(pg_url)] == [0, 1, 2, 3, 4]


def test_reset_skips_versions_without_files(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(4)
    shutil.move(directory / "00004_settings.sql", tmp_path / "kept.sql")

    result = runner(pg_url, directory).reset()

    assert [a.version for a in result.applied] == [3, 2, 1]
    assert version_rows(pg_url) == [(1, 0, True), (5, 4, True)]


def test_reset_needs_the_version_table(pg_url: str, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        runner(pg_url, migrations(tmp_path)).reset()

    assert str(caught.value) == (
        "failed to get status of migrations: version table goose_db_version "
        "does not exist; run up first"
    )


def test_no_versioning_up_and_down(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path), no_versioning=True)

    up = run.up()
    down = run.down()
    down_to = run.down_to(3)
    redo = run.redo()

    assert [a.version for a in up.applied] == [1, 2, 3, 4, 5, 6]
    assert up.message == "up to current file version: 6"
    assert [a.version for a in down.applied] == [6]
    assert down.message == "down to current file version: 5"
    assert [a.version for a in down_to.applied] == [6, 5, 4]
    assert down_to.message == "down to current file version: 3"
    assert [(a.version, a.direction.value) for a in redo.applied] == [
        (6, "down"),
        (6, "up"),
    ]
    assert tables(pg_url) == TABLES_AT[3]
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


def test_no_versioning_never_touches_the_version_table(
    pg_url: str, tmp_path: Path
) -> None:
    run = runner(pg_url, migrations(tmp_path), no_versioning=True)

    run.up()
    status = run.status()
    version = run.version()
    reset = run.reset()
    by_one = run.up_by_one()

    assert format_status(status)[2:4] == [
        "    no versioning            -- 00001_users.sql",
        "    no versioning            -- 00002_touch_trigger.sql",
    ]
    assert format_version(version) == "goose: file version 6"
    assert [a.version for a in reset.applied] == [6, 5, 4, 3, 2, 1]
    assert reset.message == "down to current file version: 0"
    assert [a.version for a in by_one.applied] == [1]
    assert by_one.message == "up to current file version: 1"
    assert tables(pg_url) == TABLES_AT[1]
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


def test_go_migrations_are_listed_and_refused(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path, "00001_users.sql")
    shutil.copy(CORPUS / "failing" / "00015_go_migration.go", directory)
    run = runner(pg_url, directory)

    status = run.status()
    with pytest.raises(SourceError) as caught:
        run.up()

    assert (
        format_status(status)[-1]
        == "    Pending                  -- 00015_go_migration.go"
    )
    assert str(caught.value) == (
        f"{directory / '00015_go_migration.go'}: failed to run Go migration: Go "
        "functions must be registered and built into a custom binary (see "
        "https://github.com/pressly/goose/tree/master/examples/go-migrations)"
    )
    assert version_rows(pg_url) == [(1, 0, True)]
