"""goose's SQL parser: golden statements, invalid inputs and their messages."""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from altalune.errors import ParseError
from altalune.parser import (
    Direction,
    Section,
    SQLParser,
    Statement,
    parse_sql,
    split_lines,
)

GOLDEN = Path(__file__).parent / "parser_golden"
GOLDEN_CASES = sorted(case.name for case in GOLDEN.iterdir() if case.is_dir())
# The variables every golden case sees; UNSET_VAR, NAME and others stay unset.
GOLDEN_ENV = {"APP_REGION": "eu_west_", "APP_EMPTY": "", "APP_NAME": "bar"}


def golden_statements(case: str, direction: Direction) -> list[str]:
    files = sorted((GOLDEN / case).glob(f"*.{direction.value}.golden.sql"))
    numbered = [f"{n:02d}.{direction.value}.golden.sql" for n in range(1, 100)]
    assert [file.name for file in files] == numbered[: len(files)], "gap in goldens"
    return [file.read_bytes().decode() for file in files]


def test_every_golden_case_has_an_input() -> None:
    assert len(GOLDEN_CASES) >= 30
    for case in GOLDEN_CASES:
        assert (GOLDEN / case / "input.sql").is_file(), case


@pytest.mark.parametrize("direction", list(Direction), ids=lambda d: d.value)
@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden(case: str, direction: Direction) -> None:
    text = (GOLDEN / case / "input.sql").read_bytes().decode()

    section = parse_sql(text, direction, env=GOLDEN_ENV, path=f"{case}.sql")

    assert [s.text for s in section.statements] == golden_statements(case, direction)


@pytest.mark.parametrize(
    ("case", "use_tx"),
    [
        ("split_multiline", True),
        ("split_two_blocks_each_way", True),
        ("no_transaction_after_up", False),
        ("no_transaction_in_down", False),
    ],
)
def test_no_transaction_applies_to_both_directions(case: str, use_tx: bool) -> None:
    text = (GOLDEN / case / "input.sql").read_text()
    for direction in Direction:
        assert parse_sql(text, direction).use_tx is use_tx


INVALID = [
    pytest.param(
        "-- +goose Up\nSELECT * FROM a;\nSELECT * FROM b\n"
        "-- +goose Down\nSELECT * FROM c;\n",
        Direction.UP,
        "m.sql:4: unexpected unfinished SQL query starting on line 3: "
        '"SELECT * FROM b": missing semicolon? (parser state 1, '
        "direction up; end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="second-up-statement-unterminated",
    ),
    pytest.param(
        "-- +goose Up\nSELECT * FROM b\n-- +goose Down\nSELECT * FROM c;\n",
        Direction.UP,
        "m.sql:3: unexpected unfinished SQL query starting on line 2: "
        '"SELECT * FROM b": missing semicolon? (parser state 1, '
        "direction up; end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="only-up-statement-unterminated",
    ),
    pytest.param(
        "-- +goose Up\nSELECT * FROM b\n-- +goose Down\n",
        Direction.UP,
        "m.sql:3: unexpected unfinished SQL query starting on line 2: "
        '"SELECT * FROM b": missing semicolon? (parser state 1, '
        "direction up; end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="unterminated-before-empty-down",
    ),
    pytest.param(
        "-- +goose Up\nSELECT * FROM b\n",
        Direction.UP,
        "m.sql:2: unexpected unfinished SQL query starting on line 2: "
        '"SELECT * FROM b": missing semicolon? (parser state 1, '
        "direction up; end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="unterminated-at-end-of-file",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n"
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n"
        "\n-- +goose Down\nDROP FUNCTION f();\n",
        Direction.UP,
        "m.sql:5: missing '-- +goose StatementEnd' annotation for the "
        "StatementBegin on line 2, before '-- +goose Down' (parser state "
        "2: inside an Up StatementBegin block)",
        id="begin-without-end",
    ),
    pytest.param(
        "\n-- +goose Up\nALTER TABLE post\n\n-- +goose Down\n",
        Direction.UP,
        "m.sql:5: unexpected unfinished SQL query starting on line 3: "
        '"ALTER TABLE post": missing semicolon? (parser state 1, '
        "direction up; end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="unfinished-before-down",
    ),
    pytest.param(
        "\nCREATE TABLE post (\n    id int\n);\n",
        Direction.UP,
        'm.sql:2: unexpected state 0 on line "CREATE TABLE post (": must '
        "start with '-- +goose Up' annotation",
        id="no-annotations",
    ),
    pytest.param(
        "-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose Down\n"
        "DROP TABLE a;\n\n-- +goose Up\nCREATE TABLE b (id int);\n",
        Direction.UP,
        "m.sql:7: duplicate '-- +goose Up' annotation (parser state 4: "
        "in the Down section)",
        id="up-down-up",
    ),
    pytest.param(
        "-- +goose Down\nDROP TABLE a;\n",
        Direction.UP,
        "m.sql:1: must start with '-- +goose Up' annotation, not '-- "
        "+goose Down' (parser state 0: before '-- +goose Up')",
        id="down-first",
    ),
    pytest.param(
        "",
        Direction.UP,
        "m.sql:1: must start with '-- +goose Up' annotation (none found)",
        id="empty-file",
    ),
    pytest.param(
        "-- nothing\n\n-- at all\n",
        Direction.DOWN,
        "m.sql:3: must start with '-- +goose Up' annotation (none found)",
        id="comments-only",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose Down\n-- +goose StatementBegin\nSELECT 1;\n",
        Direction.UP,
        "m.sql:4: missing '-- +goose StatementEnd' annotation for the "
        "StatementBegin on line 3",
        id="down-block-without-end",
    ),
    pytest.param(
        "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\nSELECT 3\n",
        Direction.DOWN,
        "m.sql:5: unexpected unfinished SQL query starting on line 5: "
        '"SELECT 3": missing semicolon? (parser state 4, direction down; '
        "end the statement with ';' or wrap it in "
        "StatementBegin/StatementEnd)",
        id="down-statement-unterminated",
    ),
    pytest.param(
        "  -- +goose Up\nSELECT 1;\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "  -- +goose Up": '
        "contains leading whitespace: invalid annotation (start at "
        "column 1)",
        id="leading-space",
    ),
    pytest.param(
        "\t-- +goose Up\nSELECT 1;\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "\\t-- +goose Up": '
        "contains leading whitespace: invalid annotation (start at "
        "column 1)",
        id="leading-tab",
    ),
    pytest.param(
        "-- +goose Up +goose Down\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose Up +goose '
        'Down": "  Up +goose Down" contains multiple \'+goose\' '
        "annotations: invalid annotation",
        id="two-annotations-on-a-line",
    ),
    pytest.param(
        "-- +goose\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose": empty '
        "annotation (expected Up, Down, StatementBegin, StatementEnd, NO "
        "TRANSACTION, ENVSUB ON or ENVSUB OFF)",
        id="empty-annotation",
    ),
    pytest.param(
        "-- +goose Upp\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose Upp": "Upp" '
        "not supported: invalid annotation (expected Up, Down, "
        "StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON or "
        "ENVSUB OFF; goose reads any '--' comment containing '+goose' as "
        "an annotation)",
        id="unknown-annotation",
    ),
    pytest.param(
        "-- +goose Up -- first section\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose Up -- first '
        'section": "Up  first section" not supported: invalid annotation '
        "(expected Up, Down, StatementBegin, StatementEnd, NO "
        "TRANSACTION, ENVSUB ON or ENVSUB OFF; goose reads any '--' "
        "comment containing '+goose' as an annotation)",
        id="trailing-comment",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose NO  TRANSACTION\n",
        Direction.UP,
        'm.sql:2: failed to parse annotation line "-- +goose NO  '
        'TRANSACTION": "NO  TRANSACTION" not supported: invalid '
        "annotation (expected Up, Down, StatementBegin, StatementEnd, NO "
        "TRANSACTION, ENVSUB ON or ENVSUB OFF; goose reads any '--' "
        "comment containing '+goose' as an annotation)",
        id="double-space",
    ),
    pytest.param(
        "-- All goose .sql files are expected to have a -- +goose Up annotation.\n"
        "-- +goose Up\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- All goose .sql '
        'files are expected to have a -- +goose Up annotation.": "All '
        'goose .sql files are expected to have a   Up annotation." not '
        "supported: invalid annotation (expected Up, Down, "
        "StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON or "
        "ENVSUB OFF; goose reads any '--' comment containing '+goose' as "
        "an annotation)",
        id="init-template-comment",
    ),
    pytest.param(
        "-- +goose Up\nSELECT 1;\n-- see +goose docs\n",
        Direction.DOWN,
        'm.sql:3: failed to parse annotation line "-- see +goose docs": '
        '"see  docs" not supported: invalid annotation (expected Up, '
        "Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON "
        "or ENVSUB OFF; goose reads any '--' comment containing '+goose' "
        "as an annotation)",
        id="prose-mentions-goose",
    ),
    pytest.param(
        "-- +goose StatementBeginß\n",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose '
        'StatementBeginß": "StatementBeginß" not supported: invalid '
        "annotation (expected Up, Down, StatementBegin, StatementEnd, NO "
        "TRANSACTION, ENVSUB ON or ENVSUB OFF; goose reads any '--' "
        "comment containing '+goose' as an annotation)",
        id="multi-rune-fold",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n-- +goose Up\n",
        Direction.UP,
        "m.sql:3: duplicate '-- +goose Up' annotation (parser state 2: "
        "inside an Up StatementBegin block)",
        id="duplicate-up-in-block",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n",
        Direction.UP,
        "m.sql:4: missing '-- +goose StatementEnd' annotation for the "
        "StatementBegin on line 2, before '-- +goose Down' (parser state "
        "2: inside an Up StatementBegin block)",
        id="down-inside-block",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose Down\n-- +goose Down\n",
        Direction.DOWN,
        "m.sql:3: duplicate '-- +goose Down' annotation (parser state 4: "
        "in the Down section)",
        id="duplicate-down",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementBegin\n",
        Direction.UP,
        "m.sql:3: '-- +goose StatementBegin' must be defined after '-- "
        "+goose Up' or '-- +goose Down' annotation; blocks do not nest "
        "(parser state 2: inside an Up StatementBegin block)",
        id="nested-begin",
    ),
    pytest.param(
        "-- +goose StatementBegin\n",
        Direction.UP,
        "m.sql:1: '-- +goose StatementBegin' must be defined after '-- "
        "+goose Up' or '-- +goose Down' annotation (parser state 0: "
        "before '-- +goose Up')",
        id="begin-before-up",
    ),
    pytest.param(
        "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n",
        Direction.UP,
        "m.sql:3: '-- +goose StatementEnd' must be defined after '-- "
        "+goose StatementBegin' (parser state 1: in the Up section)",
        id="end-without-begin",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose Down\n-- +goose StatementEnd\n",
        Direction.DOWN,
        "m.sql:3: '-- +goose StatementEnd' must be defined after '-- "
        "+goose StatementBegin' (parser state 4: in the Down section)",
        id="end-in-down-without-begin",
    ),
    pytest.param(
        "\ufeff-- +goose Up\nSELECT 1;\n",
        Direction.UP,
        'm.sql:1: unexpected state 0 on line "\\ufeff-- +goose Up": the '
        "file starts with a UTF-8 byte order mark, which goose does not "
        "skip; save the file without it",
        id="byte-order-mark",
    ),
    pytest.param(
        "-- +goose Up\rSELECT 1;\r-- +goose Down\rSELECT 2;\r",
        Direction.UP,
        'm.sql:1: failed to parse annotation line "-- +goose Up\\rSELECT '
        '1;\\r-- +goose Down\\rSELECT 2;": "  Up\\rSELECT 1;\\r +goose '
        "Down\\rSELECT 2;\" contains multiple '+goose' annotations: "
        "invalid annotation; the file seems to end its lines with a lone "
        "CR",
        id="lone-cr-file",
    ),
    pytest.param(
        "SELECT 1;\n-- +goose Up\n",
        Direction.UP,
        'm.sql:1: unexpected state 0 on line "SELECT 1;": must start '
        "with '-- +goose Up' annotation",
        id="sql-before-up",
    ),
    pytest.param(
        "\n-- +goose ENVSUB ON\n-- +goose Up\nCREATE TABLE post (\n"
        "\tid int NOT NULL,\n"
        "\t${SOME_UNSET_VAR?required env var not set} text\n);\n",
        Direction.UP,
        "m.sql:6: variable substitution failed: $SOME_UNSET_VAR: "
        'required env var not set: "\\t${SOME_UNSET_VAR?required env var '
        'not set} text"',
        id="envsub-required",
    ),
    pytest.param(
        "-- +goose ENVSUB ON\n-- +goose Up\nSELECT $1;\n-- +goose Down\n",
        Direction.DOWN,
        "m.sql:3: variable substitution failed: Expected identifier to "
        'start with a letter, got 1: "SELECT $1;"',
        id="envsub-error-in-other-direction",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose ENVSUB ON\n-- +goose StatementBegin\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql;\n"
        "-- +goose StatementEnd\n",
        Direction.UP,
        "m.sql:4: variable substitution failed: Expected identifier to "
        'start with a letter, got  : "CREATE FUNCTION f() RETURNS int AS '
        '$body$ SELECT 1 $body$ LANGUAGE sql;"',
        id="envsub-dollar-quote",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n"
        "SELECT 1;\nSELECT 2;\n",
        Direction.UP,
        "m.sql:4: the empty StatementBegin/StatementEnd block ending on "
        'line 3 makes goose drop this line ("SELECT 1;") and run an '
        "empty statement instead; remove the empty block or move the SQL "
        "into it",
        id="empty-block-drops-next-line",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n"
        "\n-- why\nCREATE TABLE t (id int);\n",
        Direction.UP,
        "m.sql:6: the empty StatementBegin/StatementEnd block ending on "
        'line 3 makes goose drop this line ("CREATE TABLE t (id int);") '
        "and run an empty statement instead; remove the empty block or "
        "move the SQL into it",
        id="empty-block-then-comment-drops-line",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose Down\n-- +goose StatementBegin\n\n"
        "-- +goose StatementEnd\nDROP TABLE t;\n",
        Direction.DOWN,
        "m.sql:6: the empty StatementBegin/StatementEnd block ending on "
        'line 5 makes goose drop this line ("DROP TABLE t;") and run an '
        "empty statement instead; remove the empty block or move the SQL "
        "into it",
        id="empty-down-block-drops-next-line",
    ),
    pytest.param(
        "-- +goose Up\nINSERT INTO note VALUES ('first;\nsecond');\n",
        Direction.UP,
        "m.sql:2: the statement ends inside a string literal opened on "
        "line 2: goose would split the statement at the ';' ending this "
        "line and run what follows as another statement; move the ';' or "
        "wrap the statement in StatementBegin/StatementEnd",
        id="semicolon-inside-string",
    ),
    pytest.param(
        '-- +goose Up\nCREATE TABLE "odd;\nname" (id int);\n',
        Direction.UP,
        "m.sql:2: the statement ends inside a quoted identifier opened "
        "on line 2: goose would split the statement at the ';' ending "
        "this line and run what follows as another statement; move the "
        "';' or wrap the statement in StatementBegin/StatementEnd",
        id="semicolon-inside-quoted-identifier",
    ),
    pytest.param(
        "-- +goose Up\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n"
        "  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n",
        Direction.UP,
        "m.sql:4: the statement ends inside a dollar-quoted string "
        "opened on line 2: goose would split the statement at the ';' "
        "ending this line and run what follows as another statement; "
        "move the ';' or wrap the statement in "
        "StatementBegin/StatementEnd",
        id="semicolon-inside-dollar-quote",
    ),
    pytest.param(
        "-- +goose Up\n/* disabled:\nDROP TABLE t;\n*/\nSELECT 1;\n",
        Direction.UP,
        "m.sql:3: the statement ends inside a block comment opened on "
        "line 2: goose would split the statement at the ';' ending this "
        "line and run what follows as another statement; move the ';' or "
        "wrap the statement in StatementBegin/StatementEnd",
        id="semicolon-inside-block-comment",
    ),
    pytest.param(
        "-- +goose Up\n\nSELECT E'it\\'s;\nfine';\n",
        Direction.UP,
        "m.sql:3: the statement ends inside a string literal opened on "
        "line 3: goose would split the statement at the ';' ending this "
        "line and run what follows as another statement; move the ';' or "
        "wrap the statement in StatementBegin/StatementEnd",
        id="semicolon-inside-escape-string",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose StatementBegin\n"
        "CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n"
        "-- +goose StatementEnd\n$$ LANGUAGE sql;\n",
        Direction.UP,
        "m.sql:5: the statement ends inside a dollar-quoted string "
        "opened on line 3: goose would send it cut at '-- +goose "
        "StatementEnd'; close the dollar-quoted string first",
        id="block-ends-inside-dollar-quote",
    ),
    pytest.param(
        "-- +goose Up\n-- +goose Down\nUPDATE t SET note = 'a;\nb';\n",
        Direction.DOWN,
        "m.sql:3: the statement ends inside a string literal opened on "
        "line 3: goose would split the statement at the ';' ending this "
        "line and run what follows as another statement; move the ';' or "
        "wrap the statement in StatementBegin/StatementEnd",
        id="down-statement-inside-string",
    ),
]


@pytest.mark.parametrize(("text", "direction", "message"), INVALID)
def test_invalid_input(text: str, direction: Direction, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_sql(text, direction, path="m.sql")
    assert str(caught.value) == message


def test_parse_error_carries_path_and_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_sql("-- +goose Up\nSELECT 1\n", Direction.UP, path="db/00001_a.sql")
    error = caught.value
    assert (error.path, error.line) == ("db/00001_a.sql", 2)
    assert error.message.startswith("unexpected unfinished SQL query")


def test_statement_lines() -> None:
    text = (
        "-- +goose Up\n"
        "CREATE TABLE t (\n"
        "  id int\n"
        ");\n"
        "\n"
        "-- +goose StatementBegin\n"
        "\n"
        "-- dropped\n"
        "  SELECT 1;\n"
        "-- +goose StatementEnd\n"
        "   \n"
        "\n"
        "SELECT 2;\n"
    )
    section = parse_sql(text, Direction.UP)
    assert section == Section(
        (
            Statement("CREATE TABLE t (\n  id int\n);", 2),
            Statement("SELECT 1;", 9),
            Statement("SELECT 2;", 13),
        ),
        True,
    )


def test_empty_statement_takes_the_line_that_emits_it() -> None:
    text = "-- +goose Up\n-- +goose StatementBegin\n  \n-- +goose StatementEnd\n"
    assert parse_sql(text, Direction.UP).statements == (Statement("", 4),)


def test_unfinished_up_statement_only_matters_when_parsing_up() -> None:
    text = "-- +goose Up\nSELECT 1\n-- +goose Down\nSELECT 2;\n"
    assert [s.text for s in parse_sql(text, Direction.DOWN).statements] == ["SELECT 2;"]
    with pytest.raises(ParseError, match="direction up"):
        parse_sql(text, Direction.UP)


def test_unfinished_down_statement_only_matters_when_parsing_down() -> None:
    text = "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2\n"
    assert [s.text for s in parse_sql(text, Direction.UP).statements] == ["SELECT 1;"]
    with pytest.raises(ParseError, match="direction down"):
        parse_sql(text, Direction.DOWN)


def test_refusals_only_concern_the_direction_parsed() -> None:
    text = (
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "-- +goose StatementEnd\n"
        "SELECT 'lost';\n"
        "INSERT INTO t VALUES ('a;\n"
        "b');\n"
        "-- +goose Down\n"
        "DROP TABLE t;\n"
    )
    assert parse_sql(text, Direction.DOWN).statements == (
        Statement("DROP TABLE t;", 8),
    )
    with pytest.raises(ParseError, match="empty StatementBegin/StatementEnd block"):
        parse_sql(text, Direction.UP)


def test_annotation_errors_fire_in_both_directions() -> None:
    text = "-- +goose Up\n-- +goose Down\nSELECT 1;\n-- +goose Upp\n"
    for direction in Direction:
        with pytest.raises(ParseError, match='"Upp" not supported'):
            parse_sql(text, direction)


def test_annotation_folding_follows_go() -> None:
    # The long s folds to s in Go's EqualFold.
    text = "-- +goose up\n-- +goose \u017ftatementbegin\nSELECT 1\n"
    text += "-- +goose statementEnd\n"
    assert parse_sql(text, Direction.UP).statements == (Statement("SELECT 1", 3),)


def test_plus_goose_outside_a_comment_is_sql() -> None:
    text = "-- +goose Up\nSELECT '-- +goose Down';\n"
    assert (
        parse_sql(text, Direction.UP).statements[0].text == "SELECT '-- +goose Down';"
    )


def test_envsub_without_env_sees_no_variables() -> None:
    text = "-- +goose ENVSUB ON\n-- +goose Up\nSELECT '${HOME}x$HOME';\n"
    assert parse_sql(text, Direction.UP).statements[0].text == "SELECT 'x';"


def test_envsub_decides_where_the_statement_ends() -> None:
    # goose tests the line after substitution for its final semicolon.
    text = "-- +goose ENVSUB ON\n-- +goose Up\nSELECT 1${END}\nSELECT 2;\n"
    statements = parse_sql(text, Direction.UP, env={"END": ";"}).statements
    assert [s.text for s in statements] == ["SELECT 1;", "SELECT 2;"]


def test_refusal_names_the_line_inside_a_substituted_statement() -> None:
    text = "-- +goose ENVSUB ON\n-- +goose Up\nSELECT ${V}\n, 'x;\ny';\n"
    with pytest.raises(ParseError) as caught:
        parse_sql(text, Direction.UP, env={"V": "1,\n2"}, path="m.sql")
    assert str(caught.value).startswith(
        "m.sql:4: the statement ends inside a string literal opened on line 4:"
    )


def test_statements_stream_lazily() -> None:
    lines = itertools.chain(["-- +goose Up"], itertools.repeat("SELECT 1;"))
    statements = SQLParser(Direction.UP).statements(lines)
    first = list(itertools.islice(statements, 3))
    assert first == [Statement("SELECT 1;", n) for n in (2, 3, 4)]


def test_statements_before_an_error_are_yielded_first() -> None:
    statements = SQLParser(Direction.UP).statements(["-- +goose Up", "SELECT 1;", "x"])
    assert next(statements) == Statement("SELECT 1;", 2)
    with pytest.raises(ParseError, match="missing semicolon"):
        next(statements)


def test_use_tx_is_final_once_exhausted() -> None:
    parser = SQLParser(Direction.UP)
    statements = parser.statements(
        ["-- +goose Up", "SELECT 1;", "-- +goose NO TRANSACTION"]
    )
    assert next(statements).text == "SELECT 1;"
    assert parser.use_tx is True
    assert list(statements) == []
    assert parser.use_tx is False


def test_lines_have_no_length_limit() -> None:
    # goose's scanner stops at 4 MiB; a long line is no reason to fail here.
    value = "x" * (5 * 1024 * 1024)
    section = parse_sql(f"-- +goose Up\nSELECT '{value}';\n", Direction.UP)
    assert len(section.statements[0].text) == len(value) + 10


def test_memory_holds_one_statement() -> None:
    def lines() -> Iterator[str]:
        yield "-- +goose Up"
        for number in range(100_000):
            yield f"INSERT INTO t VALUES ({number}, 'a row of about fifty bytes');"

    tracemalloc.start()
    try:
        count = sum(1 for _ in SQLParser(Direction.UP).statements(lines()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 100_000
    assert peak < 1_000_000  # the input alone is about 6 MB


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("a\r\nb\r\n", ["a\r", "b\r"]),
        ("a\rb", ["a\rb"]),
    ],
)
def test_split_lines_like_goose_scanner(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
