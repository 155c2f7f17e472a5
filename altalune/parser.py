"""goose's SQL migration format: annotations in, statements out, byte for byte.

goose's state machine is ported literally (its numbers show in errors). Files
goose would silently damage are refused instead: an empty StatementBegin/End
block that drops the next SQL line, and a statement cut inside a string,
quoted identifier, dollar quote or block comment. Lines stream through.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from altalune import sqlscan
from altalune.envsub import EnvsubError, interpolate
from altalune.errors import ParseError
from altalune.goformat import GO_SPACE, go_fold, go_quote

__all__ = ["Direction", "SQLParser", "Section", "Statement", "parse_sql", "split_lines"]

_ANNOTATIONS = ("Up", "Down", "StatementBegin", "StatementEnd", "NO TRANSACTION",
                "ENVSUB ON", "ENVSUB OFF")  # fmt: skip
_BY_FOLDED = {name.lower(): name for name in _ANNOTATIONS}
_EXPECTED = "expected " + ", ".join(_ANNOTATIONS[:-1]) + " or " + _ANNOTATIONS[-1]
_STATES = ("before '-- +goose Up'", "in the Up section",
           "inside an Up StatementBegin block", "after an Up StatementEnd",
           "in the Down section", "inside a Down StatementBegin block",
           "after a Down StatementEnd")  # fmt: skip
_INDENTED = "contains leading whitespace: invalid annotation (start at column 1)"
_MULTIPLE = " contains multiple '+goose' annotations: invalid annotation"
_EMPTY = f"empty annotation ({_EXPECTED})"
_UNKNOWN = (f" not supported: invalid annotation ({_EXPECTED}; goose reads any '--' "
            "comment containing '+goose' as an annotation)")  # fmt: skip
_MISPLACED = {"Up": "duplicate '-- +goose Up' annotation",
              "Down": "duplicate '-- +goose Down' annotation",
              "StatementBegin": "'-- +goose StatementBegin' must be defined after "
                                "'-- +goose Up' or '-- +goose Down' annotation",
              "StatementEnd": "'-- +goose StatementEnd' must be defined after "
                              "'-- +goose StatementBegin'"}  # fmt: skip
_NO_UP = "must start with '-- +goose Up' annotation"
_NO_END = "missing '-- +goose StatementEnd' annotation for the StatementBegin on line "
# goose's state changes: (annotation, state) -> new state; other pairs are errors.
_MOVES = {("Up", 0): 1, ("Down", 1): 4, ("Down", 3): 4, ("StatementEnd", 2): 3,
          ("StatementEnd", 5): 6} | {("StatementBegin", s): 2 if s < 4 else 5
                                     for s in (1, 3, 4, 6)}  # fmt: skip
_CUT = "the statement ends inside a {kind} opened on line {start}: goose would "
_CUT_BLOCK = _CUT + "send it cut at '-- +goose StatementEnd'; close the {kind} first"
_CUT_LINE = _CUT + ("split the statement at the ';' ending this line and run what "
                    "follows as another statement; move the ';' or wrap the "
                    "statement in StatementBegin/StatementEnd")  # fmt: skip
_DROPPED = ("the empty StatementBegin/StatementEnd block ending on line {end} makes "
            "goose drop this line ({line}) and run an empty statement instead; "
            "remove the empty block or move the SQL into it")  # fmt: skip
_BOM = ("the file starts with a UTF-8 byte order mark, which goose does not skip; "
        "save the file without it")  # fmt: skip
_EXCERPT = 200


class Direction(enum.Enum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement to send, and the file line of its first non-blank char."""

    text: str
    line: int


@dataclass(frozen=True)
class Section:
    """The statements of one direction and whether they share a transaction."""

    statements: tuple[Statement, ...]
    use_tx: bool


def split_lines(text: str) -> list[str]:
    """Lines as goose's scanner cuts them: at each "\\n", no empty last line."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def parse_sql(
    text: str,
    direction: Direction,
    *,
    env: Mapping[str, str] | None = None,
    path: str = "<input>",
) -> Section:
    """Parse a whole migration held in memory."""
    parser = SQLParser(direction, env=env, path=path)
    statements = tuple(parser.statements(split_lines(text)))
    return Section(statements, parser.use_tx)


class SQLParser:
    """goose's parser for one direction of one file.

    ``statements()`` is lazy; ``use_tx`` is final once it is exhausted, since
    ``-- +goose NO TRANSACTION`` may come last.
    """

    def __init__(
        self,
        direction: Direction,
        *,
        env: Mapping[str, str] | None = None,
        path: str = "<input>",
    ) -> None:
        self.direction = direction
        self.use_tx = True
        self._env: Mapping[str, str] = env if env is not None else {}
        self._path = path
        self._state, self._envsub = 0, False
        self._buffer: list[str] = []
        self._numbers: list[int] = []  # the file line of each buffered line
        self._begin_line = self._end_line = 0

    def statements(self, lines: Iterable[str]) -> Iterator[Statement]:
        """Yield the statements of this direction; raise ParseError on bad input."""
        up = self.direction is Direction.UP
        buffer, numbers = self._buffer, self._numbers
        number = 0
        for number, line in enumerate(lines, 1):
            if line.endswith("\r"):
                line = line[:-1]
            if self._state == 0 and not line.strip(GO_SPACE):
                continue
            if "+goose" in line and self._annotation(line, number):
                continue
            if not buffer and (not line or line.lstrip(GO_SPACE).startswith("--")):
                continue

            state = self._state
            if state != 3 and state != 6:
                if self._envsub:
                    line = self._substitute(line, number)
                buffer.append(line)
                numbers.append(number)

            if state == 0:
                raise self._before_up(line, number)
            if (state <= 3) is not up:
                buffer.clear()
                numbers.clear()
            elif state == 1 or state == 4:
                if "--" in line:
                    ends = _ends_with_semicolon(line)
                else:  # inlined for files of millions of one-line statements
                    ends = line.rstrip(GO_SPACE).endswith(";")
                if ends:
                    yield self._emit(number, block=False)
            elif state == 3 or state == 6:
                yield self._emit_after_block(line, number)
        self._finish(max(number, 1))

    def _annotation(self, line: str, number: int) -> bool:
        """Apply an annotation line; True when goose then skips the line."""
        if not line.lstrip(GO_SPACE).startswith("--"):
            return False  # "+goose" outside a comment is plain SQL
        name, state = self._extract(line, number), self._state
        if name == "NO TRANSACTION":
            self.use_tx = False
            return True
        if name.startswith("ENVSUB"):
            self._envsub = name == "ENVSUB ON"
            return True

        target = _MOVES.get((name, state))
        if target is None:
            raise self._error(number, self._misplaced(name), state=True)
        if name == "Down" and "".join(self._buffer).strip(GO_SPACE):
            raise self._unfinished(number)
        self._state = target
        if name == "StatementBegin":
            self._begin_line = number
        if name == "StatementEnd":
            self._end_line = number
            return False  # goose goes on with this line in the new state
        return True

    def _misplaced(self, name: str) -> str:
        state = self._state
        if name == "Down" and state == 0:
            return _NO_UP + ", not '-- +goose Down'"
        if name == "Down" and state in (2, 5):
            return f"{_NO_END}{self._begin_line}, before '-- +goose Down'"
        nest = "; blocks do not nest" if state in (2, 5) else ""
        return _MISPLACED[name] + (nest if name == "StatementBegin" else "")

    def _extract(self, line: str, number: int) -> str:
        command = line.replace("--", "").replace("+goose", "", 1)
        stripped = command.strip(GO_SPACE)
        name = _BY_FOLDED.get(go_fold(stripped))
        indented = line.startswith((" ", "\t"))
        if name is not None and not indented:
            return name

        if indented:
            reason = _INDENTED
        elif "+goose" in command:
            reason = go_quote(command) + _MULTIPLE
        else:
            reason = go_quote(stripped) + _UNKNOWN if stripped else _EMPTY
        if "\r" in line:
            reason += "; the file seems to end its lines with a lone CR"
        message = f"failed to parse annotation line {go_quote(line)}: {reason}"
        raise self._error(number, message)

    def _substitute(self, line: str, number: int) -> str:
        try:
            return interpolate(line, self._env)
        except EnvsubError as exc:
            message = f"variable substitution failed: {exc}: {go_quote(line)}"
            raise self._error(number, message) from None

    def _emit(self, number: int, *, block: bool) -> Statement:
        text, lead = self._joined()
        # Most statements start on their first line; _line_at finds the others.
        first = (self._line_at(lead) if lead else self._numbers[0]) if text else number
        opened = sqlscan.unterminated(text)
        if opened is not None:
            start = self._line_at(lead + opened.offset)
            template = _CUT_BLOCK if block else _CUT_LINE
            raise self._error(number, template.format(kind=opened.kind, start=start))

        self._buffer.clear()
        self._numbers.clear()
        return Statement(text, first)

    def _emit_after_block(self, line: str, number: int) -> Statement:
        # After an empty block goose stays in state 3/6 and turns the next line
        # it meets into an empty statement, dropping whatever SQL that line held.
        if number != self._end_line and line.strip(GO_SPACE):
            message = _DROPPED.format(
                end=self._end_line, line=go_quote(line, limit=_EXCERPT)
            )
            raise self._error(number, message)
        self._state -= 2
        return self._emit(number, block=True)

    def _joined(self) -> tuple[str, int]:
        """The statement as goose sends it, and the offset where it starts."""
        first = self._buffer[0] if len(self._buffer) == 1 else ""
        if first[:1] not in GO_SPACE:
            return first.rstrip(GO_SPACE), 0  # the common one-line statement
        joined = "\n".join(self._buffer)
        text = joined.strip(GO_SPACE)
        return text, len(joined) - len(joined.lstrip(GO_SPACE))

    def _line_at(self, offset: int) -> int:
        """The file line holding character *offset* of the joined buffer."""
        for line, number in zip(self._buffer, self._numbers, strict=True):
            offset -= len(line) + 1
            if offset < 0:
                return number
        return self._numbers[-1]

    def _finish(self, last: int) -> None:
        if self._state == 0:
            raise self._error(last, f"{_NO_UP} (none found)")
        if self._state in (2, 5):
            raise self._error(last, f"{_NO_END}{self._begin_line}")
        if "".join(self._buffer).strip(GO_SPACE):
            raise self._unfinished(last)

    def _unfinished(self, number: int) -> ParseError:
        text, lead = self._joined()
        start, quoted = self._line_at(lead), go_quote(text, limit=_EXCERPT)
        message = (
            f"unexpected unfinished SQL query starting on line {start}: {quoted}: "
            f"missing semicolon? (parser state {self._state}, direction "
            f"{self.direction.value}; end the statement with ';' or wrap it in "
            "StatementBegin/StatementEnd)"
        )
        return self._error(number, message)

    def _before_up(self, line: str, number: int) -> ParseError:
        reason = _BOM if number == 1 and line.startswith("\ufeff") else _NO_UP
        message = f"unexpected state 0 on line {go_quote(line)}: {reason}"
        return self._error(number, message)

    def _error(self, number: int, message: str, *, state: bool = False) -> ParseError:
        if state:
            message += f" (parser state {self._state}: {_STATES[self._state]})"
        return ParseError(self._path, number, message)


def _ends_with_semicolon(line: str) -> bool:
    # goose looks at the last word before the first word starting with "--".
    pos = line.find("--")
    while pos > 0 and line[pos - 1] not in GO_SPACE:
        pos = line.find("--", pos + 1)
    if pos >= 0:
        line = line[:pos]
    return line.rstrip(GO_SPACE).endswith(";")
