"""Checksums beside the version table, and the drift they reveal."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from test_runner_support import (
    execute,
    goose_table,
    migrations,
    query,
    runner,
    version_rows,
)

from altalune.results import Edited, Unchecked, Unfiled, format_status

ANSIC_WIDTH = 24


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksum_rows(
    pg_url: str, table: str = "goose_db_version_checksums"
) -> list[tuple[int, str, str]]:
    rows = query(
        pg_url, f"SELECT version_id, file_name, sha256 FROM {table} ORDER BY 1"
    )
    return [(row[0], row[1], row[2]) for row in rows]


def test_up_records_every_files_checksum(pg_url: str, tmp_path: Path) -> None:
    directory = migrations(tmp_path)

    runner(pg_url, directory).up()

    files = sorted(directory.iterdir())
    assert checksum_rows(pg_url) == [
        (i, path.name, sha256(path)) for i, path in enumerate(files, 1)
    ]
    # Each checksum names the version row written with it, NO TRANSACTION
    # file (version 3) included.
    linked = query(
        pg_url,
        "SELECT c.version_id, c.version_row_id = v.id"
        " FROM goose_db_version_checksums c JOIN goose_db_version v"
        " USING (version_id) ORDER BY 1",
    )
    assert linked == [(v, True) for v in range(1, 7)]
    assert version_rows(pg_url) == [(i + 1, i, True) for i in range(7)]


def test_the_version_table_keeps_gooses_columns(pg_url: str, tmp_path: Path) -> None:
    runner(pg_url, migrations(tmp_path)).up()

    columns = query(
        pg_url,
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'goose_db_version' ORDER BY ordinal_position",
    )

    assert [c[0] for c in columns] == ["id", "version_id", "is_applied", "tstamp"]


def test_down_forgets_and_redo_rewrites_the_checksum(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path)
    run = runner(pg_url, directory)
    run.up()

    run.down()
    after_down = [v for v, _, _ in checksum_rows(pg_url)]
    (directory / "00005_seed_users.sql").write_text(
        "-- +goose Up\nSELECT 5;\n-- +goose Down\nSELECT 0;\n"
    )
    run.redo()

    assert after_down == [1, 2, 3, 4, 5]
    assert checksum_rows(pg_url)[-1] == (
        5,
        "00005_seed_users.sql",
        sha256(directory / "00005_seed_users.sql"),
    )
    assert [r.checksum for r in run.status().rows] == ["match"] * 5 + [None]


def test_no_versioning_writes_no_checksums(pg_url: str, tmp_path: Path) -> None:
    runner(pg_url, migrations(tmp_path), no_versioning=True).up()

    assert query(pg_url, "SELECT to_regclass('goose_db_version_checksums')") == [
        (None,)
    ]


def test_checksum_table_sits_in_the_version_tables_schema(
    pg_url: str, tmp_path: Path
) -> None:
    execute(pg_url, 'CREATE SCHEMA app; CREATE SCHEMA "Other"')
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "00001_noop.sql").write_text("-- +goose Up\nSELECT 1;\n")

    runner(pg_url, directory, table="app.versions").up()
    runner(pg_url, directory, table='"Other"."V"').up()

    assert checksum_rows(pg_url, "app.versions_checksums")[0][0] == 1
    assert checksum_rows(pg_url, '"Other"."V_checksums"')[0][0] == 1


def test_edited_file_and_version_without_file_are_drift(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(4)
    edited = directory / "00002_touch_trigger.sql"
    recorded = sha256(edited)
    with edited.open("a") as stream:
        stream.write("-- reviewed\n")
    (directory / "00004_settings.sql").unlink()
    run = runner(pg_url, directory)

    report = run.drift()
    status = run.status()

    assert report.edited == (Edited(2, edited, recorded, sha256(edited)),)
    assert [(u.version, u.recorded_file) for u in report.applied_without_file] == [
        (4, "00004_settings.sql")
    ]
    assert report.without_checksum == ()
    assert report.drift
    assert [(r.version, r.checksum) for r in status.rows] == [
        (1, "match"),
        (2, "edited"),
        (3, "match"),
        (5, None),
        (6, None),
    ]
    lines = format_status(status)
    assert lines[3].endswith(
        " -- 00002_touch_trigger.sql  (edited after it was applied)"
    )
    assert lines[5][4 + ANSIC_WIDTH :] == " -- (no file for version 4)"
    assert lines[6] == "    Pending                  -- 00005_seed_users.sql"
    assert lines[2].endswith(" -- 00001_users.sql")


def test_goose_database_has_no_checksums_until_altalune_applies(
    pg_url: str, tmp_path: Path
) -> None:
    directory = migrations(tmp_path)
    runner(pg_url, directory, no_versioning=True).up_to(2)
    goose_table(
        pg_url,
        [
            (0, True, "2024-01-02 03:04:05"),
            (1, True, "2024-01-02 03:04:06"),
            (2, True, "2024-01-02 03:04:07"),
        ],
        old=False,
    )
    run = runner(pg_url, directory)

    before = run.status()
    report = run.drift()
    run.up()
    after = run.status()

    assert format_status(before)[2:4] == [
        "    Tue Jan  2 03:04:06 2024 -- 00001_users.sql",
        "    Tue Jan  2 03:04:07 2024 -- 00002_touch_trigger.sql",
    ]
    assert [r.checksum for r in before.rows] == ["missing", "missing"] + [None] * 4
    assert report.without_checksum == (
        Unchecked(1, directory / "00001_users.sql"),
        Unchecked(2, directory / "00002_touch_trigger.sql"),
    )
    assert not report.drift
    assert [v for v, _, _ in checksum_rows(pg_url)] == [3, 4, 5, 6]
    assert [r.checksum for r in after.rows] == ["missing"] * 2 + ["match"] * 4


def test_goose_applying_a_version_again_voids_its_checksum(
    pg_url: str, tmp_path: Path
) -> None:
    """goose rolls back and reapplies an edited file: no false "edited"."""
    directory = migrations(tmp_path)
    runner(pg_url, directory).up_to(2)
    # What goose's down then up of version 2 write, and nothing else.
    execute(pg_url, "DELETE FROM goose_db_version WHERE version_id=2")
    execute(
        pg_url,
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, true)",
    )
    with (directory / "00002_touch_trigger.sql").open("a") as stream:
        stream.write("-- edited before goose applied it again\n")

    report = runner(pg_url, directory).drift()

    assert report.edited == ()
    assert [u.version for u in report.without_checksum] == [2]


def test_drift_of_a_fresh_database_creates_nothing(pg_url: str, tmp_path: Path) -> None:
    report = runner(pg_url, migrations(tmp_path)).drift()

    assert (report.edited, report.applied_without_file) == ((), ())
    assert query(pg_url, "SELECT to_regclass('goose_db_version')") == [(None,)]


@pytest.mark.parametrize("old", [False, True], ids=["current-ddl", "serial-ddl"])
def test_version_without_file_is_listed_where_goose_hides_it(
    pg_url: str, tmp_path: Path, old: bool
) -> None:
    directory = migrations(tmp_path, "00001_users.sql")
    goose_table(
        pg_url,
        [(0, True, None), (1, True, None), (7, True, "2024-03-04 05:06:07")],
        old=old,
    )

    status = runner(pg_url, directory).status()

    assert status.applied_without_file == (
        Unfiled(7, datetime(2024, 3, 4, 5, 6, 7), None),
    )
    assert format_status(status)[-1] == (
        "    Mon Mar  4 05:06:07 2024 -- (no file for version 7)"
    )


def test_a_new_version_table_starts_without_old_checksums(
    pg_url: str, tmp_path: Path
) -> None:
    directory = tmp_path / "migrations"
    directory.mkdir()
    for version in (1, 2):
        (directory / f"0000{version}_noop.sql").write_text("-- +goose Up\nSELECT 1;\n")
    runner(pg_url, directory).up()
    execute(pg_url, "DROP TABLE goose_db_version")

    runner(pg_url, directory).up_to(1)

    assert [v for v, _, _ in checksum_rows(pg_url)] == [1]
