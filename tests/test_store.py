"""The version table: names, goose's DDL and rows, and the ways to read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import psycopg
import pytest

from altalune.errors import ConfigError, DatabaseError, NoVersionError
from altalune.store import History, Row, VersionTable


@pytest.fixture
def conn(pg_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(pg_url, autocommit=True) as connection:
        yield connection


@pytest.mark.parametrize(
    ("name", "parts", "shown"),
    [
        ("goose_db_version", ("goose_db_version",), "goose_db_version"),
        ("MyTable", ("mytable",), "mytable"),
        ("App.Versions", ("app", "versions"), "app.versions"),
        ('"My"."T"', ("My", "T"), '"My"."T"'),
        ('app."Goose Versions"', ("app", "Goose Versions"), 'app."Goose Versions"'),
        ('"a""b"', ('a"b',), '"a""b"'),
        ("Été", ("Été",), '"Été"'),
        ("v$2", ("v$2",), "v$2"),
        ('"select"', ("select",), "select"),
    ],
    ids=lambda value: str(value),
)
def test_names_fold_like_postgresql(
    name: str, parts: tuple[str, ...], shown: str
) -> None:
    table = VersionTable(name)

    assert table.parts == parts
    assert str(table) == shown


@pytest.mark.parametrize(
    "name",
    ["", "a.b.c", "a b", "1abc", '"open', '""', "a.", ".a", "t;drop", " t", "$t"],
)
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        VersionTable(name)

    assert str(caught.value) == (
        f"invalid version table name {name!r}: "
        "expected an identifier or schema.identifier"
    )


def test_create_uses_goose_ddl_and_writes_row_zero(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    table = VersionTable()

    assert table.read(conn) is None
    history = table.create(conn)

    assert [(r.id, r.version, r.applied) for r in history.rows] == [(1, 0, True)]
    columns = conn.execute(
        "SELECT column_name, data_type, is_nullable, column_default, is_identity,"
        " identity_generation FROM information_schema.columns"
        " WHERE table_name = 'goose_db_version' ORDER BY ordinal_position"
    ).fetchall()
    assert columns == [
        ("id", "integer", "NO", None, "YES", "BY DEFAULT"),
        ("version_id", "bigint", "NO", None, "NO", None),
        ("is_applied", "boolean", "NO", None, "NO", None),
        ("tstamp", "timestamp without time zone", "NO", "now()", "NO", None),
    ]
    primary = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = 'goose_db_version'::regclass AND i.indisprimary"
    ).fetchall()
    assert primary == [("id",)]


def test_read_returns_rows_newest_id_first(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    table = VersionTable()
    table.create(conn)
    conn.execute(table.insert_sql(1))
    conn.execute(table.insert_sql(2))
    conn.execute(table.delete_sql(1))
    conn.execute(table.insert_sql(1))

    history = table.read(conn)

    assert history is not None
    assert [(r.id, r.version, r.applied) for r in history.rows] == [
        (4, 1, True),
        (3, 2, True),
        (1, 0, True),
    ]
    assert all(isinstance(r.tstamp, datetime) for r in history.rows)


def test_row_sql_is_goose_shape(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    table = VersionTable("app.Versions")

    assert table.insert_sql(7).as_string(conn) == (
        'INSERT INTO "app"."versions" (version_id, is_applied) VALUES (7, true)'
    )
    assert table.delete_sql(7).as_string(conn) == (
        'DELETE FROM "app"."versions" WHERE version_id=7'
    )


@pytest.mark.parametrize(
    ("name", "goose_reference"),
    [
        ("MyTable", "MyTable"),
        ("app.goose_db_version", "app.goose_db_version"),
        ('"My"."T"', '"My"."T"'),
    ],
)
def test_tables_are_the_ones_goose_names(
    conn: psycopg.Connection[tuple[object, ...]], name: str, goose_reference: str
) -> None:
    conn.execute('CREATE SCHEMA app; CREATE SCHEMA "My"')
    VersionTable(name).create(conn)

    # goose pastes the name into its SQL as written; the same table answers.
    count = conn.execute(f"SELECT count(*) FROM {goose_reference}").fetchone()
    assert count == (1,)


def test_old_table_shape_with_unapplied_rows_is_read(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    conn.execute(
        "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL,"
        " is_applied boolean NOT NULL, tstamp timestamp NULL default now(),"
        " PRIMARY KEY(id))"
    )
    conn.execute(
        "INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES"
        " (0, true, now()), (1, true, now()), (2, true, NULL), (2, false, now())"
    )

    history = VersionTable().read(conn)

    assert history is not None
    assert [(r.version, r.applied) for r in history.rows] == [
        (2, False),
        (2, True),
        (1, True),
        (0, True),
    ]
    assert history.rows[1].tstamp is None
    assert history.current() == 1


def test_missing_schema_fails_creation_with_the_reason(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    table = VersionTable("nowhere.versions")

    assert table.read(conn) is None
    with pytest.raises(DatabaseError) as caught:
        table.create(conn)

    assert str(caught.value) == (
        'cannot create version table nowhere.versions: 3F000 schema "nowhere" '
        "does not exist"
    )


def _history(
    *rows: tuple[int, int, bool], stamps: dict[int, datetime] | None = None
) -> History:
    stamps = stamps or {}
    return History(
        Row(i, v, a, stamps.get(i, datetime(2024, 1, i))) for i, v, a in rows
    )


@pytest.mark.parametrize(
    ("rows", "current"),
    [
        ([(1, 0, True)], 0),
        ([(1, 0, True), (2, 1, True), (3, 2, True)], 2),
        # allow-missing history 1, 4, 2: the newest row wins, not the max.
        ([(1, 0, True), (2, 1, True), (3, 4, True), (4, 2, True)], 2),
        # goose v1/v2 wrote is_applied=false on down: it hides older rows.
        ([(1, 0, True), (2, 1, True), (3, 2, True), (4, 2, False)], 1),
        ([(1, 0, True), (2, 3, False), (3, 3, True)], 3),
    ],
)
def test_current_version_follows_goose(
    rows: list[tuple[int, int, bool]], current: int
) -> None:
    assert _history(*rows).current() == current


@pytest.mark.parametrize("rows", [[], [(1, 0, False)], [(1, 2, True), (2, 2, False)]])
def test_no_current_version(rows: list[tuple[int, int, bool]]) -> None:
    with pytest.raises(NoVersionError, match=r"^no next version found$"):
        _history(*rows).current()


def test_max_version_counts_every_row() -> None:
    history = _history((1, 0, True), (2, 5, False), (3, 3, True))

    assert history.max_version() == 5
    assert history.versions() == {0, 3, 5}
    assert _history().max_version() == 0


def test_reset_state_is_newest_row_by_id() -> None:
    history = _history(
        (1, 0, True), (2, 1, True), (3, 1, False), (4, 2, False), (5, 2, True)
    )

    assert history.applied_by_id() == {0: True, 1: False, 2: True}


def test_status_row_is_newest_by_tstamp_with_null_first() -> None:
    late, early = datetime(2024, 5, 1), datetime(2024, 1, 1)
    history = History(
        [
            Row(1, 0, True, early),
            Row(2, 1, False, late),
            Row(3, 1, True, early),
            Row(4, 2, True, early),
            Row(5, 2, False, None),
            Row(6, 3, True, late),
            Row(7, 3, False, late),
        ]
    )

    latest = history.latest_by_tstamp()

    assert latest[1] == Row(2, 1, False, late)
    assert latest[2] == Row(5, 2, False, None)
    assert latest[3] == Row(7, 3, False, late)


def test_after_up_and_down_track_the_current_version() -> None:
    history = _history((1, 0, True), (2, 1, True))

    assert history.after_up(3).current() == 3
    assert history.after_up(3).after_down(3).current() == 1
    assert history.after_down(1).current() == 0
