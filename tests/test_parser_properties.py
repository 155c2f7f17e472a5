"""Properties of the parser over generated, goose-like files."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altalune.errors import ParseError
from altalune.goformat import GO_SPACE
from altalune.parser import Direction, Section, parse_sql

ANNOTATIONS = [
    "-- +goose Up",
    "-- +goose Down",
    "-- +goose StatementBegin",
    "-- +goose StatementEnd",
    "-- +goose NO TRANSACTION",
    "-- +goose ENVSUB ON",
    "-- +goose ENVSUB OFF",
    "--+goose up",
    " -- +goose Up",
    "-- +goose",
    "-- +goose Sideways",
]
SQL_LINES = [
    "",
    "   ",
    "\t",
    "SELECT 1;",
    "SELECT 1; -- done",
    "SELECT 1 -- not done ;",
    "CREATE TABLE t (",
    "  id int",
    ");",
    "INSERT INTO t VALUES ('a;",
    "b');",
    "SELECT $$ body;",
    "$$;",
    "/* note;",
    "*/ SELECT 2;",
    '"odd;',
    'name";',
    "-- a comment",
    "  -- an indented comment",
    "SELECT '${VAR}' || $VAR || $1;",
    "\ufeffSELECT 1;",
    "SELECT 1;\r",
]
LINE = st.one_of(
    st.sampled_from(ANNOTATIONS),
    st.sampled_from(SQL_LINES),
    st.text(alphabet=st.characters(exclude_characters="\n"), max_size=20),
)
# Text free of quotes, dollars and comment marks, with any Unicode spacing.
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\n'\"$-/*"),
    max_size=12,
)
STATEMENT = st.builds(
    lambda body, last, tail: [*body, last + ";" + tail],
    st.lists(st.one_of(WORDS, st.sampled_from(SQL_LINES)), max_size=3),
    WORDS,
    st.sampled_from(["", " -- note", "  ", "\u3000"]),
)
BLOCK = st.lists(st.one_of(WORDS, st.sampled_from(SQL_LINES)), max_size=4).map(
    lambda body: ["-- +goose StatementBegin", *body, "-- +goose StatementEnd"]
)
CHUNK = st.one_of(
    STATEMENT, BLOCK, st.sampled_from([[""], ["   "], ["-- note"], ["  -- note"]])
)
# Mostly well-formed Up sections, so that many examples get past the parser.
GOOSE_LIKE = st.lists(CHUNK, max_size=8).map(lambda c: list(itertools.chain(*c)))
FILE = st.one_of(
    st.lists(LINE, max_size=25).map("\n".join),
    GOOSE_LIKE.map(lambda lines: "\n".join(["-- +goose Up", *lines])),
)

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(text=FILE, direction=st.sampled_from(Direction))
def test_any_text_parses_or_raises_parse_error(text: str, direction: Direction) -> None:
    try:
        section = parse_sql(text, direction, env={"VAR": "v"})
    except ParseError as error:
        assert error.line >= 1
        assert "\n" not in error.message
    else:
        assert isinstance(section, Section)
        for statement in section.statements:
            assert statement.text == statement.text.strip(GO_SPACE)
            assert statement.line >= 1


def rejoin(statements: list[str]) -> str:
    """A file of the same statements: one line each where goose allows it."""
    lines = ["-- +goose Up"]
    for text in statements:
        # goose drops one trailing CR from each line, so a kept CR needs two.
        body = [
            line + "\r" if line.endswith("\r") else line for line in text.split("\n")
        ]
        plain = len(body) == 1 and body[0].rstrip(GO_SPACE).endswith(";")
        if plain and "--" not in text and text == body[0]:
            lines.append(text)
        else:
            # A line of spaces starts the statement, so that leading comments
            # survive, and keeps an empty statement from being an empty block.
            lines += ["-- +goose StatementBegin", " ", *body, "-- +goose StatementEnd"]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(lines=GOOSE_LIKE)
def test_rejoined_statements_parse_the_same(lines: list[str]) -> None:
    try:
        first = parse_sql("\n".join(["-- +goose Up", *lines]), Direction.UP)
    except ParseError:
        return
    texts = [statement.text for statement in first.statements]

    again = parse_sql(rejoin(texts), Direction.UP)

    assert [statement.text for statement in again.statements] == texts
