"""The parser over input no one would write on purpose: any bytes read from a
file, any text, any variables. It gives statements or a ParseError naming a
line, nothing else, and the statements it gives parse back the same."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parser_properties import rejoin

from altalune.errors import ParseError
from altalune.parser import Direction, SQLParser, parse_sql
from altalune.source import read_lines

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Characters the parser and its lexer treat specially, so that random text
# meets every branch, mixed with any character at all.
SPECIAL = st.sampled_from(
    ["-- +goose Up", "-- +goose Down", "-- +goose StatementBegin",
     "-- +goose StatementEnd", "-- +goose NO TRANSACTION", "-- +goose ENVSUB ON",
     "-- +goose ENVSUB OFF", "+goose", "--", ";", "'", '"', "$$", "$a$", "/*",
     "*/", "E'\\'", "U&'", "${", "}", "$X", "\\", "\r", "\n", " ", "\t",
     "\u00a0", "\u3000", "\ufeff", "\x00"]
)  # fmt: skip
PIECES = st.one_of(SPECIAL, st.text(max_size=6), st.sampled_from(string.printable))
TEXT = st.lists(PIECES, max_size=40).map("".join)
ENV = st.dictionaries(st.sampled_from(["X", "a", "VAR"]), st.text(max_size=5))


def _parse_file(path: Path, direction: Direction) -> int:
    parser = SQLParser(direction, env={}, path=str(path))
    count = sum(1 for _ in parser.statements(read_lines(path)))
    assert isinstance(parser.use_tx, bool)
    return count


@SETTINGS
@given(data=st.binary(max_size=200), direction=st.sampled_from(Direction))
def test_any_bytes_in_a_file_parse_or_raise_parse_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, direction: Direction
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "00001_any.sql"
    path.write_bytes(b"-- +goose Up\n" + data)

    try:
        _parse_file(path, direction)
    except ParseError as error:
        assert error.path == str(path)
        assert error.line >= 1
        assert "\n" not in str(error)


@SETTINGS
@given(text=TEXT, env=ENV, direction=st.sampled_from(Direction))
def test_any_text_with_any_variables_parses_or_raises_parse_error(
    text: str, env: dict[str, str], direction: Direction
) -> None:
    try:
        section = parse_sql(text, direction, env=env)
    except ParseError as error:
        assert 1 <= error.line <= text.count("\n") + 1
        assert "\n" not in str(error)
    else:
        assert all(statement.line >= 1 for statement in section.statements)


@SETTINGS
@given(text=TEXT)
def test_statements_of_any_parsed_text_parse_back_the_same(text: str) -> None:
    try:
        first = parse_sql("-- +goose Up\n" + text, Direction.UP)
    except ParseError:
        return
    texts = [statement.text for statement in first.statements]

    again = parse_sql(rejoin(texts), Direction.UP)

    assert [statement.text for statement in again.statements] == texts
