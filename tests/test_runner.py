"""Every runner command walked over the corpus, checking goose's rows and the schema."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_runner_support import (
    TABLES_AT,
    execute,
    indexes,
    migrations,
    query,
    runner,
    tables,
    version_rows,
)

from altalune.errors import NoVersionError
from altalune.parser import Direction
from altalune.runner import (
    Applied,
    format_ansic,
    format_status,
    format_summary,
    format_version,
)

UP, DOWN = Direction.UP, Direction.DOWN


def _names(applied: Sequence[Applied]) -> list[tuple[str, Direction, bool]]:
    return [(a.name, a.direction, a.empty) for a in applied]


def test_up_applies_every_file_in_order(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="altalune"):
        result = runner(pg_url, migrations(tmp_path)).up()

    assert _names(result.applied) == [
        ("00001_users.sql", UP, False),
        ("00002_touch_trigger.sql", UP, False),
        ("00003_email_index.sql", UP, False),
        ("00004_settings.sql", UP, False),
        ("00005_seed_users.sql", UP, False),
        ("00006_placeholder.sql", UP, True),
    ]
    assert result.message == "successfully migrated database to version: 6"
    assert result.current_version == 6
    assert format_summary(result) == [
        "goose: successfully migrated database to version: 6"
    ]
    assert version_rows(pg_url) == [(i + 1, i, True) for i in range(7)]

    assert tables(pg_url) == TABLES_AT[6]
    assert indexes(pg_url) == {"users_email_lower"}
    assert query(pg_url, "SELECT value FROM settings") == [("eu-west",)]
    assert query(pg_url, "SELECT note FROM audit") == [("created; with a semicolon",)]
    touched = query(
        pg_url, "UPDATE users SET email = email RETURNING updated_at IS NOT NULL"
    )
    assert touched == [(True,), (True,)]

    lines = [r.getMessage() for r in caplog.records if r.name == "altalune.apply"]
    assert [line.split(" (")[0] for line in lines] == [
        "OK   00001_users.sql",
        "OK   00002_touch_trigger.sql",
        "OK   00003_email_index.sql",
        "OK   00004_settings.sql",
        "OK   00005_seed_users.sql",
        "EMPTY 00006_placeholder.sql",
    ]
    assert all(line.endswith(")") for line in lines)


def test_up_with_nothing_to_do(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up()

    result = run.up()

    assert result.applied == ()
    assert result.message == "no migrations to run. current version: 6"
    assert version_rows(pg_url) == [(i + 1, i, True) for i in range(7)]


def test_up_by_one_then_no_next_version(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run = runner(pg_url, migrations(tmp_path))

    for version in range(1, 7):
        result = run.up_by_one()
        assert [a.version for a in result.applied] == [version]
        assert result.message == ""
        assert result.current_version == version
        assert tables(pg_url) == TABLES_AT[version]

    with (
        caplog.at_level(logging.INFO, logger="altalune"),
        pytest.raises(NoVersionError) as caught,
    ):
        run.up_by_one()

    assert str(caught.value) == "no next version found"
    assert caplog.records[-1].getMessage() == "no migrations to run. current version: 6"
    assert version_rows(pg_url) == [(i + 1, i, True) for i in range(7)]


def test_up_to_stops_at_the_target(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))

    first = run.up_to(3)
    again = run.up_to(2)

    assert [a.version for a in first.applied] == [1, 2, 3]
    assert first.message == "successfully migrated database to version: 3"
    assert again.applied == ()
    assert again.message == "no migrations to run. current version: 3"
    assert version_rows(pg_url) == [
        (1, 0, True),
        (2, 1, True),
        (3, 2, True),
        (4, 3, True),
    ]
    assert indexes(pg_url) == {"users_email_lower"}
    assert tables(pg_url) == TABLES_AT[3]


def test_down_one_at_a_time_to_zero(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up()

    for version in range(6, 0, -1):
        result = run.down()
        assert _names(result.applied)[0][1:] == (DOWN, version in (5, 6))
        assert [a.version for a in result.applied] == [version]
        assert result.message == ""
        assert result.current_version == version - 1
        assert version_rows(pg_url) == [(i + 1, i, True) for i in range(version)]
        assert tables(pg_url) == TABLES_AT[version - 1]

    with pytest.raises(NoVersionError) as caught:
        run.down()
    assert str(caught.value) == "migration 0: no current version found"


def test_down_to_walks_back_to_the_target(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up()

    result = run.down_to(2)

    assert [a.version for a in result.applied] == [6, 5, 4, 3]
    assert result.message == "no migrations to run. current version: 2"
    assert result.current_version == 2
    assert version_rows(pg_url) == [(1, 0, True), (2, 1, True), (3, 2, True)]
    assert indexes(pg_url) == set()
    assert tables(pg_url) == TABLES_AT[2]


def test_down_to_zero_rolls_back_everything(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up()

    result = run.down_to(0)
    again = run.down_to(0)

    assert [a.version for a in result.applied] == [6, 5, 4, 3, 2, 1]
    assert result.message == "no migrations to run. current version: 0"
    assert again.applied == ()
    assert version_rows(pg_url) == [(1, 0, True)]
    assert tables(pg_url) == set()


def test_redo_runs_down_then_up_of_the_current_file(
    pg_url: str, tmp_path: Path
) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up_to(4)

    result = run.redo()

    assert [(a.version, a.direction) for a in result.applied] == [(4, DOWN), (4, UP)]
    assert result.current_version == 4
    assert version_rows(pg_url) == [
        (1, 0, True),
        (2, 1, True),
        (3, 2, True),
        (4, 3, True),
        (6, 4, True),
    ]
    assert query(pg_url, "SELECT value FROM settings") == [("eu-west",)]


def test_redo_at_zero_fails(pg_url: str, tmp_path: Path) -> None:
    with pytest.raises(NoVersionError) as caught:
        runner(pg_url, migrations(tmp_path)).redo()

    assert str(caught.value) == "no current version found"
    assert version_rows(pg_url) == [(1, 0, True)]


def test_reset_downs_every_applied_file_by_version(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up()

    result = run.reset()

    assert [(a.version, a.direction) for a in result.applied] == [
        (v, DOWN) for v in range(6, 0, -1)
    ]
    assert result.message == ""
    assert result.current_version == 0
    assert version_rows(pg_url) == [(1, 0, True)]
    assert tables(pg_url) == set()


def test_status_on_a_fresh_database_creates_the_table(
    pg_url: str, tmp_path: Path
) -> None:
    result = runner(pg_url, migrations(tmp_path)).status()

    assert format_status(result) == [
        "    Applied At                  Migration",
        "    =======================================",
        "    Pending                  -- 00001_users.sql",
        "    Pending                  -- 00002_touch_trigger.sql",
        "    Pending                  -- 00003_email_index.sql",
        "    Pending                  -- 00004_settings.sql",
        "    Pending                  -- 00005_seed_users.sql",
        "    Pending                  -- 00006_placeholder.sql",
    ]
    assert result.current_version == 0
    assert version_rows(pg_url) == [(1, 0, True)]


def test_status_shows_when_each_file_was_applied(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url, migrations(tmp_path))
    run.up_to(2)

    result = run.status()

    stamps = dict(query(pg_url, "SELECT version_id, tstamp FROM goose_db_version"))
    assert [(r.version, r.applied, r.applied_at) for r in result.rows] == [
        (1, True, stamps[1]),
        (2, True, stamps[2]),
        (3, False, None),
        (4, False, None),
        (5, False, None),
        (6, False, None),
    ]
    assert format_status(result)[2:4] == [
        f"    {format_ansic(stamps[1])} -- 00001_users.sql",
        f"    {format_ansic(stamps[2])} -- 00002_touch_trigger.sql",
    ]
    assert result.current_version == 2


def test_version_creates_the_table_and_reads_the_current_version(
    pg_url: str, tmp_path: Path
) -> None:
    run = runner(pg_url, migrations(tmp_path))

    fresh = run.version()
    run.up_to(5)
    later = run.version()

    assert format_version(fresh) == "goose: version 0"
    assert format_version(later) == "goose: version 5"


def test_envsub_takes_values_from_the_given_environment(
    pg_url: str, tmp_path: Path
) -> None:
    env = {"SETTINGS_TABLE": "config", "REGION": "us-east"}
    run = runner(pg_url, migrations(tmp_path), env=env)

    run.up_to(4)
    assert query(pg_url, "SELECT key, value FROM config") == [("region", "us-east")]

    run.down()
    assert "config" not in tables(pg_url)


@pytest.mark.parametrize(
    "name", ["app.versions", '"App"."Goose Versions"', "MyVersions"]
)
def test_custom_version_tables(pg_url: str, tmp_path: Path, name: str) -> None:
    execute(pg_url, 'CREATE SCHEMA app; CREATE SCHEMA "App"')
    run = runner(pg_url, migrations(tmp_path), table=name)

    run.up_to(2)
    run.down()

    assert version_rows(pg_url, name) == [(1, 0, True), (2, 1, True)]
    assert query(pg_url, "SELECT to_regclass('goose_db_version') IS NULL") == [(True,)]
    assert run.version().version == 1
