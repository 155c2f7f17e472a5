"""Bad input of every kind: one line naming the place, a documented exit code,
no traceback unless -v, and a database left as it was."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.conninfo import make_conninfo
from test_faults_support import (
    Forwarder,
    app,
    finish,
    invoke,
    isolate,
    migrations,
    rows,
    snapshot,
    start,
)

WALK = Path(__file__).parent / "corpus" / "walk"
EXPECTED = (
    "expected Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON or "
    "ENVSUB OFF"
)
UNFINISHED = (
    'unexpected unfinished SQL query starting on line 2: "SELECT 1": missing '
    "semicolon? (parser state 1, direction up; end the statement with ';' or wrap "
    "it in StatementBegin/StatementEnd)"
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def walk(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(WALK, directory)
    return directory


@pytest.fixture
def unchanged(pg_url: str) -> Iterator[None]:
    """Fail the test if the database differs after it from before it."""
    before = snapshot(pg_url)
    yield
    assert snapshot(pg_url) == before


def _migrate(pg_url: str, directory: Path, *args: str) -> tuple[int, str, str]:
    return invoke("migrate", "--database-url", pg_url, "--dir", str(directory), *args)


@pytest.mark.parametrize(
    ("config", "error"),
    [
        pytest.param(
            "database:\n  url: [unclosed\n",
            "config.yaml:3:1: invalid YAML: expected ',' or ']', but got "
            "'<stream end>'",
            id="malformed-yaml",
        ),
        pytest.param(
            "migrations:\n\tdir: db\n",
            "config.yaml:2:1: invalid YAML: found character '\\t' that cannot "
            "start any token",
            id="tab-indented-yaml",
        ),
        pytest.param(
            "- database\n",
            "config.yaml: expected a mapping of sections at the top level",
            id="not-a-mapping",
        ),
        pytest.param(
            "database:\n  url: 5\n",
            "config.yaml: database.url: expected a string, got 5",
            id="url-not-a-string",
        ),
        pytest.param(
            "migrations:\n  lock_timeout: soon\n",
            "config.yaml: migrations.lock_timeout: expected a number, got 'soon'",
            id="lock-timeout-not-a-number",
        ),
        pytest.param(
            "database:\n  connect_timeout: true\n",
            "config.yaml: database.connect_timeout: expected a number, got True",
            id="connect-timeout-a-boolean",
        ),
        pytest.param(
            "migrations: [a, b]\n",
            "config.yaml: migrations: expected a mapping of keys",
            id="section-not-a-mapping",
        ),
        pytest.param(
            "migrations:\n  tabel: t\n",
            "config.yaml: unknown key migrations.tabel; expected one of "
            "migrations.dir, migrations.table, migrations.lock_timeout",
            id="unknown-key",
        ),
        pytest.param(
            "database:\n  url: ''\n",
            "config.yaml: database.url is empty; give a value or remove the key",
            id="empty-url",
        ),
    ],
)
@pytest.mark.usefixtures("unchanged")
def test_bad_config_file(
    pg_url: str, tmp_path: Path, walk: Path, config: str, error: str
) -> None:
    (tmp_path / "config.yaml").write_text(config)

    # The default config.yaml counts even when flags give every setting.
    code, out, err = _migrate(pg_url, walk, "up")

    assert (code, out, err) == (1, "", f"error: {tmp_path / error}\n")


@pytest.mark.usefixtures("unchanged")
def test_missing_config_file(pg_url: str, walk: Path) -> None:
    code, out, err = _migrate(pg_url, walk, "-c", "missing.yaml", "up")

    assert (code, out, err) == (1, "", "error: config file 'missing.yaml' not found\n")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(
            ["--database-url", ""],
            "--database-url is empty; give a value or leave the flag out",
            id="database-url",
        ),
        pytest.param(
            ["--table", " "],
            "--table is empty; give a value or leave the flag out",
            id="table",
        ),
    ],
)
def test_empty_flag(walk: Path, args: list[str], error: str) -> None:
    # Not the embedded server: an empty value is a mistake, not "unset".
    code, out, err = invoke("migrate", "--dir", str(walk), *args, "up")

    assert (code, out, err) == (1, "", f"error: {error}\n")
    assert not Path(".altalune").exists()


@pytest.mark.parametrize(
    "name",
    ["a b", "a.b.c", "1x", '"open', "t;DROP TABLE users", "schema."],
)
@pytest.mark.parametrize("given", ["flag", "environment", "config"])
@pytest.mark.usefixtures("unchanged")
def test_invalid_table_name(
    pg_url: str,
    tmp_path: Path,
    walk: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    given: str,
) -> None:
    args = []
    if given == "flag":
        args = ["--table", name]
    elif given == "environment":
        monkeypatch.setenv("GOOSE_TABLE", name)
    else:
        quoted = name.replace("'", "''")
        (tmp_path / "config.yaml").write_text(f"migrations:\n  table: '{quoted}'\n")

    code, out, err = _migrate(pg_url, walk, *args, "up")

    assert (code, out) == (1, "")
    assert err == (
        f"error: invalid version table name {name!r}: expected an identifier or "
        "schema.identifier\n"
    )


@pytest.mark.usefixtures("unchanged")
def test_missing_migrations_directory(pg_url: str, tmp_path: Path) -> None:
    code, out, err = _migrate(pg_url, tmp_path / "nowhere", "up")

    assert (code, out) == (1, "")
    assert (
        err == f"error: {tmp_path / 'nowhere'}: migrations directory does not exist\n"
    )


@pytest.mark.usefixtures("unchanged")
def test_duplicate_versions(pg_url: str, tmp_path: Path) -> None:
    twice = "-- +goose Up\nSELECT 1;\n"
    directory = migrations(tmp_path, {"001_a.sql": twice, "1_b.sql": twice})

    code, out, err = _migrate(pg_url, directory, "up")

    assert (code, out) == (1, "")
    assert err == (
        f"error: duplicate migration version 1: {directory / '001_a.sql'} and "
        f"{directory / '1_b.sql'}; expected each version in one file only\n"
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("abc.sql", "no filename separator '_' found"),
        ("1a_b.sql", "failed to parse version from migration file: 1a_b.sql: "
                     'strconv.ParseInt: parsing "1a": invalid syntax'),
        ("0_zero.sql", "migration version must be greater than zero"),
        ("99999999999999999999_big.sql",
         "failed to parse version from migration file: 99999999999999999999_big.sql: "
         'strconv.ParseInt: parsing "99999999999999999999": value out of range'),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("unchanged")
def test_badly_named_file(pg_url: str, walk: Path, name: str, reason: str) -> None:
    (walk / name).write_text("-- +goose Up\nSELECT 1;\n")

    code, out, err = _migrate(pg_url, walk, "up")

    assert (code, out) == (1, "")
    assert err == (
        f"error: {walk / name}: {reason}; expected a name like 00001_add_users.sql\n"
    )


@pytest.mark.usefixtures("unchanged")
def test_non_utf8_file(pg_url: str, walk: Path) -> None:
    (walk / "00007_latin1.sql").write_bytes(
        b"-- +goose Up\nSELECT 1;\nSELECT 'caf\xe9';\n"
    )

    code, out, err = _migrate(pg_url, walk, "up")

    assert (code, out) == (1, "")
    assert err == (
        f"error: {walk / '00007_latin1.sql'}:3: not valid UTF-8 "
        "(byte 0xe9 at column 12)\n"
    )


PARSE_ERRORS = [
    ("unknown-annotation", "-- +goose Up\n-- +goose Upp\n", 2,
     'failed to parse annotation line "-- +goose Upp": "Upp" not supported: '
     f"invalid annotation ({EXPECTED}; goose reads any '--' comment containing "
     "'+goose' as an annotation)"),
    ("indented-annotation", "-- +goose Up\nSELECT 1;\n  -- +goose Down\n", 3,
     'failed to parse annotation line "  -- +goose Down": contains leading '
     "whitespace: invalid annotation (start at column 1)"),
    ("two-annotations", "-- +goose Up +goose Down\n", 1,
     'failed to parse annotation line "-- +goose Up +goose Down": "  Up +goose Down" '
     "contains multiple '+goose' annotations: invalid annotation"),
    ("empty-annotation", "-- +goose\n", 1,
     f'failed to parse annotation line "-- +goose": empty annotation ({EXPECTED})'),
    ("duplicate-up", "-- +goose Up\nSELECT 1;\n-- +goose Up\n", 3,
     "duplicate '-- +goose Up' annotation (parser state 1: in the Up section)"),
    ("down-before-up", "-- +goose Down\nSELECT 1;\n", 1,
     "must start with '-- +goose Up' annotation, not '-- +goose Down' "
     "(parser state 0: before '-- +goose Up')"),
    ("end-without-begin", "-- +goose Up\n-- +goose StatementEnd\n", 2,
     "'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin' "
     "(parser state 1: in the Up section)"),
    ("nested-begin",
     "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementBegin\n", 3,
     "'-- +goose StatementBegin' must be defined after '-- +goose Up' or "
     "'-- +goose Down' annotation; blocks do not nest (parser state 2: inside an "
     "Up StatementBegin block)"),
    ("missing-end", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", 3,
     "missing '-- +goose StatementEnd' annotation for the StatementBegin on line 2"),
    ("sql-before-up", "SELECT 1;\n", 1,
     "unexpected state 0 on line \"SELECT 1;\": must start with '-- +goose Up' "
     "annotation"),
    ("no-up", "-- only a comment\n", 1,
     "must start with '-- +goose Up' annotation (none found)"),
    ("missing-semicolon", "-- +goose Up\nSELECT 1\n", 2, UNFINISHED),
    ("missing-semicolon-before-down", "-- +goose Up\nSELECT 1\n-- +goose Down\n", 3,
     UNFINISHED),
    ("semicolon-inside-a-string", "-- +goose Up\nSELECT 'a;\nb';\n", 2,
     "the statement ends inside a string literal opened on line 2: goose would "
     "split the statement at the ';' ending this line and run what follows as "
     "another statement; move the ';' or wrap the statement in "
     "StatementBegin/StatementEnd"),
    ("block-ends-inside-a-dollar-quote",
     "-- +goose Up\n-- +goose StatementBegin\nSELECT $$ a;\n-- +goose StatementEnd\n",
     4,
     "the statement ends inside a dollar-quoted string opened on line 3: goose "
     "would send it cut at '-- +goose StatementEnd'; close the dollar-quoted "
     "string first"),
    ("empty-block-drops-a-line",
     "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\nSELECT 1;\n", 4,
     "the empty StatementBegin/StatementEnd block ending on line 3 makes goose drop "
     'this line ("SELECT 1;") and run an empty statement instead; remove the empty '
     "block or move the SQL into it"),
    ("byte-order-mark", "\ufeff-- +goose Up\nSELECT 1;\n", 1,
     'unexpected state 0 on line "\\ufeff-- +goose Up": the file starts with a UTF-8 '
     "byte order mark, which goose does not skip; save the file without it"),
    ("envsub-unset",
     "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${ALTALUNE_UNSET?must be set}';\n", 3,
     "variable substitution failed: $ALTALUNE_UNSET: must be set: "
     "\"SELECT '${ALTALUNE_UNSET?must be set}';\""),
    ("lone-cr-line-ends", "-- +goose Up\rSELECT 1;\r-- +goose Down\r", 1,
     'failed to parse annotation line "-- +goose Up\\rSELECT 1;\\r-- +goose Down": '
     '"  Up\\rSELECT 1;\\r +goose Down" contains multiple \'+goose\' annotations: '
     "invalid annotation; the file seems to end its lines with a lone CR"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in PARSE_ERRORS],
)
@pytest.mark.usefixtures("unchanged")
def test_parse_error(
    pg_url: str, walk: Path, text: str, line: int, message: str
) -> None:
    # The broken file comes last: the six good ones before it stay unapplied.
    path = walk / "00007_broken.sql"
    path.write_text(text, newline="")

    code, out, err = _migrate(pg_url, walk, "up")

    assert (code, out, err) == (1, "", f"error: {path}:{line}: {message}\n")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["up-to", "abc"], "altalune migrate up-to: Invalid value for 'VERSION': "
                           "'abc' is not a valid integer range."),
        (["up-to", "-1"], "altalune migrate up-to: No such option '-1'."),
        (["frobnicate"], "altalune migrate: No such command 'frobnicate'."),
        (["up", "--frob"], "altalune migrate up: No such option '--frob'."),
        (["--lock-timeout", "soon", "up"], "altalune migrate: Invalid value for "
         "'--lock-timeout': 'soon' is not a duration; expected e.g. 90, 90s, 1m30s "
         "or 500ms"),
    ],
    ids=["up-to-abc", "up-to-negative", "unknown-command", "unknown-flag",
         "bad-duration"],
)  # fmt: skip
@pytest.mark.usefixtures("unchanged")
def test_usage_error(
    pg_url: str, tmp_path: Path, walk: Path, args: list[str], error: str
) -> None:
    # A real process, so that the program name is the one users see.
    code, out, err = app(
        "migrate", "--database-url", pg_url, "--dir", str(walk), *args, cwd=tmp_path
    )

    assert (code, out, err) == (2, "", f"{error}\n")


def test_unknown_top_level_command(tmp_path: Path) -> None:
    code, out, err = app("frobnicate", cwd=tmp_path)

    assert (code, out, err) == (2, "", "altalune: No such command 'frobnicate'.\n")


@pytest.mark.usefixtures("unchanged")
def test_traceback_only_with_verbose(pg_url: str, tmp_path: Path) -> None:
    error = f"error: {tmp_path / 'nowhere'}: migrations directory does not exist"

    quiet = _migrate(pg_url, tmp_path / "nowhere", "up")
    verbose = _migrate(pg_url, tmp_path / "nowhere", "up", "-v")

    assert quiet == (1, "", error + "\n")
    code, _, err = verbose
    assert code == 1
    assert err.startswith("Traceback (most recent call last):\n")
    assert "altalune.errors.SourceError: " in err
    assert err.endswith("\n" + error + "\n")


# A process of its own: under pytest, the root logger has pytest's handlers,
# and Python's last-resort handler never prints.
_DRIVER_WARNS = """
import logging, sys
from altalune.cli import app, run
run(app, sys.argv[1:])
logging.getLogger("psycopg").warning("error ignored terminating <pipeline>")
"""


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_driver_warnings_show_only_with_verbose(tmp_path: Path, verbose: bool) -> None:
    # psycopg logs errors it ignores while cleaning up after the one reported
    # (a pipeline aborted by a failed insert); they would add a second line.
    args = ["migrate", "--dir", str(tmp_path / "nowhere"), "up"]
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER_WARNS, *args, *(["-v"] if verbose else [])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    shown = "error ignored terminating <pipeline>\n" in done.stderr
    assert "migrations directory does not exist" in done.stderr
    assert shown is verbose


def test_missing_database_gives_a_hint(server_url: str, walk: Path) -> None:
    missing = make_conninfo(server_url, dbname="altalune_no_such_database")

    code, out, err = invoke(
        "migrate", "--database-url", missing, "--dir", str(walk), "up"
    )

    assert (code, out) == (1, "")
    assert err.startswith("error: cannot connect to ")
    assert err.endswith(
        'database "altalune_no_such_database" does not exist (create it first, e.g. '
        "with createdb, or fix the database name)\n"
    )
    assert err.count("\n") == 1
    exists = "SELECT 1 FROM pg_database WHERE datname = 'altalune_no_such_database'"
    assert rows(server_url, exists) == []


def test_unresponsive_host_fails_within_the_connect_timeout(
    tmp_path: Path, walk: Path
) -> None:
    # A port that accepts connections and never answers, like a host behind a
    # firewall that drops packets.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql://app:Pa55word-xyz@127.0.0.1:{silent.getsockname()[1]}/app"

        code, out, err = app(
            "migrate", "--database-url", url, "--dir", str(walk),
            "--connect-timeout", "2", "up", cwd=tmp_path,
        )  # fmt: skip

    assert (code, out) == (1, "")
    assert err == (
        f"error: cannot connect to {url.replace('Pa55word-xyz', 'xxxxx')}: "
        "connection timeout expired\n"
    )


def test_wait_retries_until_the_database_answers(
    pg_url: str, tmp_path: Path, walk: Path
) -> None:
    forwarder = Forwarder(pg_url)
    url = make_conninfo(pg_url, host="127.0.0.1", port=str(forwarder.port))
    process = start(
        "migrate", "--database-url", url, "--dir", str(walk), "--wait", "60",
        "up-to", "1", cwd=tmp_path,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        forwarder.open()
        code, out, _ = finish(process)
    finally:
        forwarder.close()

    assert first.startswith("waiting for the database: connection failed: ")
    assert first.endswith("Connection refused\n")
    assert (code, out) == (0, "goose: successfully migrated database to version: 1\n")
    assert rows(pg_url, "SELECT max(version_id) FROM goose_db_version") == [(1,)]
