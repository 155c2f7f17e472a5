"""create and fix: versions, names, templates, renames (GOOSE.md 1.3, 1.4, 9.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from altalune.errors import SourceError, UsageError
from altalune.scaffold import (
    camel_case,
    create,
    fix,
    is_sequential,
    is_timestamp,
    snake_case,
)

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

SQL_BYTES = (
    b"-- +goose Up\n"
    b"SELECT 'up SQL query';\n"
    b"\n"
    b"-- +goose Down\n"
    b"SELECT 'down SQL query';\n"
)


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        pytest.param("add users", "add_users", id="space"),
        pytest.param("Add-Users!!", "add_users", id="punctuation"),
        pytest.param("abc ", "abc_", id="one-trailing-separator-kept"),
        pytest.param("abc  ", "abc", id="two-trailing-separators-dropped"),
        pytest.param("abc   ", "abc", id="three-trailing-separators-dropped"),
        pytest.param("__x__y", "x_y", id="leading-and-repeated"),
        pytest.param("CamelCase", "camelcase", id="no-camel-splitting"),
        pytest.param("h\u00e9llo w\u00f6rld", "h\u00e9llo_w\u00f6rld", id="unicode"),
        pytest.param("x.y", "x_y", id="dot"),
        pytest.param("a-", "a_", id="one-trailing-dash"),
        pytest.param("1st table", "1st_table", id="digits"),
        pytest.param("a \t b", "a_b", id="mixed-separator-run"),
        pytest.param("", "", id="empty"),
        pytest.param("!!", "", id="separators-only"),
        pytest.param("\u0130x", "ix", id="dotted-capital-i"),
    ],
)
def test_snake_case(name: str, snake: str) -> None:
    assert snake_case(name) == snake


@pytest.mark.parametrize(
    ("name", "camel"),
    [
        pytest.param("add users", "AddUsers", id="space"),
        pytest.param("1st_table", "1stTable", id="leading-digit"),
        pytest.param("ADD-users!", "AddUsers", id="upper-case-run"),
        pytest.param("stra\u00dfe", "Stra\u00dfe", id="sharp-s-inside"),
        pytest.param("\u00dfx", "\u00dfx", id="sharp-s-first"),
    ],
)
def test_camel_case(name: str, camel: str) -> None:
    assert camel_case(name) == camel


@pytest.mark.parametrize(
    ("version", "timestamp", "sequential"),
    [
        pytest.param(20230826163141, True, False, id="timestamp"),
        pytest.param(1, False, True, id="small-number"),
        pytest.param(12345, False, True, id="five-digits"),
        pytest.param(202308261631410, False, True, id="fifteen-digits"),
        pytest.param(2023082616314, False, True, id="thirteen-digits"),
        pytest.param(20230230120000, False, True, id="february-30"),
        pytest.param(20230229000000, False, True, id="february-29-common-year"),
        pytest.param(20240229000000, True, False, id="february-29-leap-year"),
        pytest.param(21000229000000, False, True, id="february-29-century"),
        pytest.param(20000229000000, True, False, id="february-29-year-2000"),
        pytest.param(20231301000000, False, True, id="month-13"),
        pytest.param(20230100000000, False, True, id="day-0"),
        pytest.param(20230101240000, False, True, id="hour-24"),
        pytest.param(20230101126000, False, True, id="minute-60"),
        pytest.param(20230101125960, False, True, id="second-60"),
        pytest.param(19691231235959, False, True, id="before-epoch"),
        pytest.param(19700101000000, False, False, id="epoch-is-neither"),
        pytest.param(19700101000001, True, False, id="just-after-epoch"),
        pytest.param(10000101000000, False, True, id="year-1000"),
        pytest.param(99991231235959, True, False, id="year-9999"),
    ],
)
def test_version_classes(version: int, timestamp: bool, sequential: bool) -> None:
    assert is_timestamp(version) is timestamp
    assert is_sequential(version) is sequential


def _touch(directory: Path, *names: str) -> None:
    for name in names:
        (directory / name).write_text("-- +goose Up\n")


def test_create_sql_uses_the_utc_timestamp_and_exact_template(tmp_path: Path) -> None:
    path = create(tmp_path, "Add users", now=NOW)

    assert path == tmp_path / "20240102030405_add_users.sql"
    assert path.read_bytes() == SQL_BYTES


def test_create_converts_now_to_utc(tmp_path: Path) -> None:
    plus_two = datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2)))

    path = create(tmp_path, "x", now=plus_two)

    assert path.name == "20240102030405_x.sql"


def test_create_without_now_uses_the_current_time(tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    path = create(tmp_path, "x")
    after = datetime.now(UTC)

    stamp = datetime.strptime(path.name[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert before <= stamp <= after


def test_create_go_uses_the_go_template(tmp_path: Path) -> None:
    path = create(tmp_path, "add users", kind="go", now=NOW)
    text = path.read_text()

    assert path.name == "20240102030405_add_users.go"
    assert text.startswith("package migrations\n")
    assert '\t"github.com/pressly/goose/v3"\n' in text
    assert "goose.AddMigrationContext(upAddUsers, downAddUsers)" in text
    assert "func upAddUsers(ctx context.Context, tx *sql.Tx) error {" in text
    assert "func downAddUsers(ctx context.Context, tx *sql.Tx) error {" in text
    assert text.count("return nil\n") == 2


@pytest.mark.parametrize(
    ("existing", "created"),
    [
        pytest.param((), "00001_next.sql", id="empty-directory"),
        pytest.param(
            ("00001_a.sql", "00003_b.sql", "20230826163141_c.sql"),
            "00004_next.sql",
            id="timestamps-ignored",
        ),
        pytest.param(("00002_a.go",), "00003_next.sql", id="go-files-count"),
        pytest.param(("123456_a.sql",), "123457_next.sql", id="wider-than-five"),
        pytest.param(("19700101000000_a.sql",), "00001_next.sql", id="epoch-ignored"),
        pytest.param(
            ("19691231235959_a.sql",), "19691231235960_next.sql", id="pre-epoch-counts"
        ),
        pytest.param(("helpers.go", "notes.txt"), "00001_next.sql", id="others"),
    ],
)
def test_create_sequential(
    tmp_path: Path, existing: tuple[str, ...], created: str
) -> None:
    _touch(tmp_path, *existing)

    path = create(tmp_path, "next", sequential=True, now=NOW)

    assert path == tmp_path / created
    assert path.read_bytes() == SQL_BYTES


def test_create_sequential_stops_on_a_bad_sql_name(tmp_path: Path) -> None:
    _touch(tmp_path, "oops.sql")

    with pytest.raises(SourceError) as caught:
        create(tmp_path, "next", sequential=True)

    assert str(caught.value).startswith(f"{tmp_path / 'oops.sql'}: no filename ")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["oops.sql"]


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    first = create(tmp_path, "x", now=NOW)
    first.write_text("keep me")

    with pytest.raises(SourceError) as caught:
        create(tmp_path, "x", now=NOW)

    assert str(caught.value) == f"{first}: file already exists; expected a new name"
    assert first.read_text() == "keep me"


@pytest.mark.parametrize("sequential", [False, True], ids=["timestamp", "sequential"])
def test_create_needs_the_directory(tmp_path: Path, sequential: bool) -> None:
    missing = tmp_path / "migrations"

    with pytest.raises(SourceError) as caught:
        create(missing, "x", sequential=sequential, now=NOW)

    assert str(caught.value) == f"{missing}: migrations directory does not exist"


@pytest.mark.parametrize("kind", ["SQL", "py", ""])
def test_create_refuses_unknown_kinds(tmp_path: Path, kind: str) -> None:
    with pytest.raises(UsageError) as caught:
        create(tmp_path, "x", kind=kind, now=NOW)

    assert str(caught.value) == (
        f"unknown migration kind {kind!r}; expected 'sql' or 'go'"
    )
    assert list(tmp_path.iterdir()) == []


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_fix_renames_timestamps_in_order_after_the_last_sequential(
    tmp_path: Path,
) -> None:
    _touch(
        tmp_path,
        "00001_alpha.sql",
        "00003_bravo.sql",
        "20230826163151_delta.go",
        "20230826163141_charlie.sql",
        "20230827000000_echo.sql",
    )

    renames = fix(tmp_path)

    assert [(old.name, new.name) for old, new in renames] == [
        ("20230826163141_charlie.sql", "00004_charlie.sql"),
        ("20230826163151_delta.go", "00005_delta.go"),
        ("20230827000000_echo.sql", "00006_echo.sql"),
    ]
    assert _names(tmp_path) == [
        "00001_alpha.sql",
        "00003_bravo.sql",
        "00004_charlie.sql",
        "00005_delta.go",
        "00006_echo.sql",
    ]


def test_fix_keeps_the_content(tmp_path: Path) -> None:
    (tmp_path / "20230826163141_a.sql").write_bytes(b"-- +goose Up\r\nSELECT 1;\r\n")

    fix(tmp_path)

    assert (tmp_path / "00001_a.sql").read_bytes() == b"-- +goose Up\r\nSELECT 1;\r\n"


@pytest.mark.parametrize(
    ("names", "after"),
    [
        pytest.param(
            ("00001_a.sql", "00002_b.sql"),
            ["00001_a.sql", "00002_b.sql"],
            id="all-sequential",
        ),
        pytest.param(
            ("00001_a.sql", "19700101000000_epoch.sql"),
            ["00001_a.sql", "19700101000000_epoch.sql"],
            id="epoch-is-not-a-timestamp",
        ),
    ],
)
def test_fix_with_nothing_to_do(
    tmp_path: Path, names: tuple[str, ...], after: list[str]
) -> None:
    _touch(tmp_path, *names)

    assert fix(tmp_path) == []
    assert _names(tmp_path) == after


def test_fix_starts_at_one_without_sequential_files(tmp_path: Path) -> None:
    _touch(tmp_path, "20230826163141_a.sql", "19700101000000_b.sql")

    fix(tmp_path)

    assert _names(tmp_path) == ["00001_a.sql", "19700101000000_b.sql"]


def test_fix_normalises_the_whole_number_prefix(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql", "020230826163141_b.sql", "+20230826163142_c.sql")

    fix(tmp_path)

    assert _names(tmp_path) == ["00001_a.sql", "00002_b.sql", "00003_c.sql"]


def test_fix_changes_the_file_name_only_not_the_directory(tmp_path: Path) -> None:
    directory = tmp_path / "20230826163141"
    directory.mkdir()
    _touch(directory, "20230826163141_a.sql")

    renames = fix(directory)

    assert renames == [
        (directory / "20230826163141_a.sql", directory / "00001_a.sql"),
    ]
    assert _names(directory) == ["00001_a.sql"]


def test_fix_renames_nothing_when_a_target_exists(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql", "20230826163141_b.sql", "20230826163142_c.sql")
    (tmp_path / "00003_c.sql").mkdir()

    with pytest.raises(SourceError) as caught:
        fix(tmp_path)

    assert str(caught.value) == (
        f"{tmp_path / '20230826163142_c.sql'}: cannot rename to 00003_c.sql: "
        "file already exists"
    )
    assert "20230826163141_b.sql" in _names(tmp_path)


def test_fix_needs_migration_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        fix(tmp_path)

    assert str(caught.value) == f"no migration files found in {tmp_path}"
