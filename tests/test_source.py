"""Migration file names, discovery and line reading (GOOSE.md 1.1, 1.2, 2.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from altalune import source
from altalune.errors import ParseError, SourceError
from altalune.source import MigrationFile, collect, parse_version, read_lines

INT64_MAX = 9223372036854775807


@pytest.mark.parametrize(
    ("name", "version"),
    [
        pytest.param("00001_a.sql", 1, id="leading-zeros"),
        pytest.param("1__a.sql", 1, id="double-underscore"),
        pytest.param("1_2_3.sql", 1, id="first-underscore-splits"),
        pytest.param("dir/007_x.go", 7, id="path-and-go"),
        pytest.param("+1_x.sql", 1, id="plus-sign"),
        pytest.param("20230826163141_x.sql", 20230826163141, id="timestamp"),
        pytest.param(f"{INT64_MAX}_max.sql", INT64_MAX, id="int64-max"),
        pytest.param("1_.sql", 1, id="empty-description"),
    ],
)
def test_parse_version_accepts(name: str, version: int) -> None:
    assert parse_version(name) == version


def _syntax(base: str, prefix: str) -> str:
    return (
        f"failed to parse version from migration file: {base}: "
        f"strconv.ParseInt: parsing {prefix}: invalid syntax"
    )


def _range(base: str, prefix: str) -> str:
    return (
        f"failed to parse version from migration file: {base}: "
        f"strconv.ParseInt: parsing {prefix}: value out of range"
    )


NO_EXTENSION = "migration file does not have .sql or .go file extension"
NO_SEPARATOR = "no filename separator '_' found"
NOT_POSITIVE = "migration version must be greater than zero"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("1a_b.sql", _syntax("1a_b.sql", '"1a"'), id="letter-in-number"),
        pytest.param("a.sql", NO_SEPARATOR, id="no-separator-word"),
        pytest.param("1.sql", NO_SEPARATOR, id="no-separator-number"),
        pytest.param("1_a.SQL", NO_EXTENSION, id="upper-case-extension"),
        pytest.param("1_a.sql.txt", NO_EXTENSION, id="other-extension"),
        pytest.param("1_a", NO_EXTENSION, id="no-extension"),
        pytest.param(" 1_a.sql", _syntax(" 1_a.sql", '" 1"'), id="leading-space"),
        pytest.param("\t1_a.sql", _syntax("\t1_a.sql", '"\\t1"'), id="tab-go-quoted"),
        pytest.param("0x1_a.sql", _syntax("0x1_a.sql", '"0x1"'), id="hex"),
        pytest.param("_a.sql", _syntax("_a.sql", '""'), id="empty-number"),
        pytest.param("+_a.sql", _syntax("+_a.sql", '"+"'), id="sign-only"),
        pytest.param("+-1_a.sql", _syntax("+-1_a.sql", '"+-1"'), id="two-signs"),
        pytest.param(
            "\u0661_a.sql", _syntax("\u0661_a.sql", '"\u0661"'), id="arabic-digit"
        ),
        pytest.param("0_x.sql", NOT_POSITIVE, id="zero"),
        pytest.param("-1_x.sql", NOT_POSITIVE, id="negative"),
        pytest.param(
            f"-{INT64_MAX + 1}_x.sql", NOT_POSITIVE, id="int64-min-is-not-positive"
        ),
        pytest.param(
            f"{INT64_MAX + 1}_x.sql",
            _range(f"{INT64_MAX + 1}_x.sql", f'"{INT64_MAX + 1}"'),
            id="above-int64-max",
        ),
        pytest.param(
            f"-{INT64_MAX + 2}_x.sql",
            _range(f"-{INT64_MAX + 2}_x.sql", f'"-{INT64_MAX + 2}"'),
            id="below-int64-min",
        ),
        pytest.param(
            "99999999999999999999x_a.sql",
            _range("99999999999999999999x_a.sql", '"99999999999999999999x"'),
            id="overflow-before-bad-character",
        ),
        pytest.param(
            "18446744073709551615x_a.sql",
            _syntax("18446744073709551615x_a.sql", '"18446744073709551615x"'),
            id="bad-character-before-overflow",
        ),
    ],
)
def test_parse_version_refuses(name: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_version(name)

    assert str(caught.value) == reason


def _touch(directory: Path, *names: str) -> None:
    for name in names:
        (directory / name).write_text("-- +goose Up\n")


def test_collect_sorts_by_number_not_text(tmp_path: Path) -> None:
    _touch(tmp_path, "10_b.sql", "9_a.sql", "100_c.sql", "00002_d.sql")

    found = collect(tmp_path)

    assert [m.version for m in found] == [2, 9, 10, 100]
    assert [m.path for m in found] == [
        tmp_path / "00002_d.sql",
        tmp_path / "9_a.sql",
        tmp_path / "10_b.sql",
        tmp_path / "100_c.sql",
    ]


def test_migration_file_name_and_kind(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql", "00002_b.go")

    first, second = collect(tmp_path)

    assert (first.name, first.kind) == ("00001_a.sql", "sql")
    assert (second.name, second.kind) == ("00002_b.go", "go")
    assert first < second


@pytest.mark.parametrize(
    "ignored",
    [
        pytest.param("00002_b.SQL", id="upper-case-sql"),
        pytest.param("00002_b.txt", id="other-extension"),
        pytest.param("README.md", id="readme"),
        pytest.param("helpers.go", id="go-without-version"),
        pytest.param("00002_b_test.go", id="go-test-file"),
        pytest.param("0_b.go", id="go-version-zero"),
        pytest.param("._00002_b.go", id="go-dot-file"),
    ],
)
def test_collect_ignores(tmp_path: Path, ignored: str) -> None:
    _touch(tmp_path, "00001_a.sql", ignored)

    assert [m.name for m in collect(tmp_path)] == ["00001_a.sql"]


def test_collect_does_not_descend_into_subdirectories(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql")
    (tmp_path / "sub").mkdir()
    _touch(tmp_path / "sub", "00002_b.sql")
    (tmp_path / "00003_dir.sql").mkdir()

    assert [m.name for m in collect(tmp_path)] == ["00001_a.sql"]


def test_collect_includes_numeric_go_files(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql", "00002_b.go")

    assert [(m.version, m.kind) for m in collect(tmp_path)] == [(1, "sql"), (2, "go")]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        pytest.param("._0001_x.sql", _syntax("._0001_x.sql", '"."'), id="dot-file"),
        pytest.param("x.sql", NO_SEPARATOR, id="no-separator"),
        pytest.param("0_x.sql", NOT_POSITIVE, id="zero"),
        pytest.param(".sql", NO_SEPARATOR, id="bare-extension"),
    ],
)
def test_collect_stops_on_a_sql_name_without_version(
    tmp_path: Path, bad: str, reason: str
) -> None:
    _touch(tmp_path, "00001_a.sql", bad)

    with pytest.raises(SourceError) as caught:
        collect(tmp_path)

    expected = f"{tmp_path / bad}: {reason}; expected a name like 00001_add_users.sql"
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("001_a.sql", "1_b.sql", id="sql-and-sql"),
        pytest.param("00002_a.go", "2_b.sql", id="go-and-sql"),
    ],
)
def test_collect_refuses_duplicate_versions(
    tmp_path: Path, first: str, second: str
) -> None:
    _touch(tmp_path, first, second)

    with pytest.raises(SourceError) as caught:
        collect(tmp_path)

    message = str(caught.value)
    assert message.startswith("duplicate migration version ")
    assert str(tmp_path / first) in message
    assert str(tmp_path / second) in message


def test_collect_shows_paths_as_directory_joined_with_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "migrations").mkdir()
    _touch(tmp_path / "migrations", "00001_a.sql", "bad.sql")
    monkeypatch.chdir(tmp_path)

    with pytest.raises(SourceError) as caught:
        collect(Path("./migrations"))

    assert str(caught.value).startswith("migrations/bad.sql: ")


def test_collect_needs_an_existing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    with pytest.raises(SourceError) as caught:
        collect(missing)

    assert str(caught.value) == f"{missing}: migrations directory does not exist"


def test_collect_refuses_a_file_as_directory(tmp_path: Path) -> None:
    _touch(tmp_path, "00001_a.sql")
    file = tmp_path / "00001_a.sql"

    with pytest.raises(SourceError) as caught:
        collect(file)

    assert str(caught.value) == (
        f"{file}: not a directory; expected the migrations directory"
    )


@pytest.mark.parametrize(
    "names",
    [
        pytest.param((), id="empty"),
        pytest.param(("notes.txt", "helpers.go"), id="only-ignored-files"),
    ],
)
def test_collect_needs_migration_files(tmp_path: Path, names: tuple[str, ...]) -> None:
    _touch(tmp_path, *names)

    with pytest.raises(SourceError) as caught:
        collect(tmp_path)

    assert str(caught.value) == f"no migration files found in {tmp_path}"
    assert collect(tmp_path, allow_empty=True) == []


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        pytest.param(b"", [], id="empty-file"),
        pytest.param(b"a", ["a"], id="no-final-newline"),
        pytest.param(b"a\n", ["a"], id="final-newline"),
        pytest.param(b"a\nb", ["a", "b"], id="two-lines-no-final-newline"),
        pytest.param(b"\n", [""], id="one-empty-line"),
        pytest.param(b"a\n\n", ["a", ""], id="trailing-empty-line"),
        pytest.param(b"\n\nx\n", ["", "", "x"], id="leading-empty-lines"),
        pytest.param(b"a\r\nb\r\n", ["a\r", "b\r"], id="crlf-keeps-cr"),
        pytest.param(b"a\rb\n", ["a\rb"], id="lone-cr-is-not-a-break"),
        pytest.param(b"a\r", ["a\r"], id="final-lone-cr"),
        pytest.param("h\u00e9llo\n".encode(), ["h\u00e9llo"], id="utf-8"),
        pytest.param(b"\xef\xbb\xbfx\n", ["\ufeffx"], id="bom-kept"),
        pytest.param(b"a\x0bb\x0cc\n", ["a\x0bb\x0cc"], id="vt-ff-not-breaks"),
        pytest.param("a\u2028b\n".encode(), ["a\u2028b"], id="unicode-separator"),
    ],
)
def test_read_lines(tmp_path: Path, data: bytes, lines: list[str]) -> None:
    path = tmp_path / "00001_a.sql"
    path.write_bytes(data)

    assert list(read_lines(path)) == lines


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 64])
def test_read_lines_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_size: int
) -> None:
    text = "first\r\n\u00e9\u00e9\u20ac\n\nlong line \U0001f600 here\nlast"
    path = tmp_path / "00001_a.sql"
    path.write_bytes(text.encode())
    monkeypatch.setattr(source, "_CHUNK_SIZE", chunk_size)

    assert list(read_lines(path)) == text.split("\n")


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        pytest.param(b"ok\nab\xffc\n", 2, "byte 0xff at column 3", id="second-line"),
        pytest.param(b"\xff\n", 1, "byte 0xff at column 1", id="first-byte"),
        pytest.param(
            "\u00e9\u00e9".encode() + b"\xfe",
            1,
            "byte 0xfe at column 3",
            id="column-counts-characters",
        ),
        pytest.param(b"a\n\n\xc3", 3, "byte 0xc3 at column 1", id="truncated-at-end"),
        pytest.param(b"a\xed\xa0\x80\n", 1, "byte 0xed at column 2", id="surrogate"),
        pytest.param(b"a\xc0\xaf\n", 1, "byte 0xc0 at column 2", id="overlong"),
        pytest.param(b"a\r\n\xe9t\xe9\n", 2, "byte 0xe9 at column 1", id="latin-1"),
    ],
)
def test_read_lines_refuses_invalid_utf8(
    tmp_path: Path, data: bytes, line: int, message: str
) -> None:
    path = tmp_path / "00001_a.sql"
    path.write_bytes(data)

    with pytest.raises(ParseError) as caught:
        list(read_lines(path))

    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value) == f"{path}:{line}: not valid UTF-8 ({message})"


@pytest.mark.parametrize("chunk_size", [1, 4, 4 * 1024 * 1024])
def test_read_lines_yields_good_lines_before_the_bad_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_size: int
) -> None:
    path = tmp_path / "00001_a.sql"
    path.write_bytes(b"one\ntwo\nthree\nf\xffur\nfive\n")
    monkeypatch.setattr(source, "_CHUNK_SIZE", chunk_size)
    seen = []

    with pytest.raises(ParseError) as caught:
        for line in read_lines(path):
            seen.append(line)

    assert seen == ["one", "two", "three"]
    assert caught.value.line == 4


@pytest.mark.parametrize(
    "ending", [pytest.param(b"", id="no-newline"), pytest.param(b"\n", id="newline")]
)
def test_read_lines_has_no_line_length_limit(tmp_path: Path, ending: bytes) -> None:
    long_line = b"x" * (10 * 1024 * 1024)
    path = tmp_path / "00001_a.sql"
    path.write_bytes(b"first\n" + long_line + ending)

    lines = list(read_lines(path))

    assert len(lines) == 2
    assert lines[0] == "first"
    assert lines[1] == long_line.decode()


def test_read_lines_reports_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "00001_gone.sql"

    with pytest.raises(SourceError) as caught:
        list(read_lines(path))

    assert str(caught.value) == (
        f"{path}: cannot read migration file: No such file or directory"
    )


def test_migration_files_order_by_version_first() -> None:
    low = MigrationFile(2, Path("z/00002_b.sql"))
    high = MigrationFile(10, Path("a/00010_a.sql"))

    assert sorted([high, low]) == [low, high]
