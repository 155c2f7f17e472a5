"""Variable substitution for ``-- +goose ENVSUB ON``.

goose expands variables with mfridman/interpolate v0.0.2, whose rules are not
quite a shell's: ``$$`` becomes ``$``, ``\\$`` gives ``$`` while ``\\\\`` stays
two backslashes, ``$1`` is an error, and substrings count bytes. The same input
must give the same statement, or the same error, so those rules are kept.

A line is parsed completely before anything is expanded, as in the original:
a syntax error later in a line wins over a ``${X?}`` error earlier in it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from altalune.goformat import GO_SPACE, go_quote

__all__ = ["EnvsubError", "interpolate"]

# What Go prints with %c for end of input or an undecodable rune.
_REPLACEMENT = "\ufffd"
_ATOI = re.compile(r"[+-]?[0-9]+")
_INT64_MAX = 2**63 - 1


class EnvsubError(Exception):
    """A line that ENVSUB cannot expand; the text is interpolate's message."""


@dataclass(frozen=True, slots=True)
class _Expansion:
    name: str
    operator: str  # "" (plain), ":-", "-", "?" or ":" (substring)
    word: Sequence[_Item] = ()
    offset: int = 0
    length: int | None = None


_Item: TypeAlias = "str | _Expansion"


def interpolate(line: str, env: Mapping[str, str]) -> str:
    """Expand the variables of one line, or raise :class:`EnvsubError`."""
    items = _Parser(line).expression(stop="")
    return _expand(items, env)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.pos += 1 if char else 0
        return char

    def scan_until(self, stops: str) -> str:
        match = _run_pattern(stops).match(self.text, self.pos)
        assert match is not None  # a starred pattern always matches
        self.pos = match.end()
        return match.group()

    def expression(self, stop: str) -> list[_Item]:
        items: list[_Item] = []
        while (char := self.peek()) and char not in stop:
            rest = self.text.startswith
            if rest("\\\\", self.pos):
                items.append("\\\\")
                self.pos += 2
            elif rest("\\$", self.pos) or rest("$$", self.pos):
                items.append("$")
                self.pos += 2
            elif rest("$(", self.pos):
                items.append("$(")
                self.pos += 2
            elif char == "$" and self.pos < len(self.text) - 1:
                items.append(self.expansion())
            else:
                self.pos += 1
                items.append(char + self.scan_until("$\\" + stop))
        return items

    def expansion(self) -> _Expansion:
        self.take()
        if self.peek() != "{":
            return _Expansion(self.identifier(), "")

        self.take()
        name = self.identifier()
        if self.peek() == "}":
            self.take()
            return _Expansion(name, "")

        operator = self.take()
        if operator == ":" and self.peek() == "-":
            operator += self.take()
        if operator not in (":-", ":", "-", "?"):
            raise EnvsubError(f"Expected an operator, got {_shown(operator)}")
        expansion = (
            self.substring(name) if operator == ":" else self.word(name, operator)
        )

        closing = self.take()
        if closing != "}":
            raise EnvsubError(
                f"Expected brace expansion to end with }}, got {_shown(closing)}"
            )
        return expansion

    def word(self, name: str, operator: str) -> _Expansion:
        return _Expansion(name, operator, word=self.expression(stop="}"))

    def substring(self, name: str) -> _Expansion:
        offset = _atoi(self.scan_until(":}"), "offset")
        if self.peek() == "}":
            return _Expansion(name, ":", offset=offset)
        self.take()
        length = _atoi(self.scan_until("}"), "length")
        return _Expansion(name, ":", offset=offset, length=length)

    def identifier(self) -> str:
        char = self.peek()
        if not char.isalpha():
            raise EnvsubError(
                f"Expected identifier to start with a letter, got {_shown(char)}"
            )
        start = self.pos
        while self.pos < len(self.text) and _identifier_char(self.text[self.pos]):
            self.pos += 1
        return self.text[start : self.pos]


@functools.cache
def _run_pattern(stops: str) -> re.Pattern[str]:
    # The original also stops at U+FFFD, its marker for an undecodable byte.
    return re.compile("[^" + re.escape(stops + _REPLACEMENT) + "]*")


def _identifier_char(char: str) -> bool:
    # Go's unicode.IsLetter / IsNumber are the L* and N* categories.
    return char == "_" or unicodedata.category(char)[0] in "LN"


def _shown(char: str) -> str:
    return char or _REPLACEMENT


def _atoi(raw: str, what: str) -> int:
    """Go's strconv.Atoi on the trimmed text, with Go's error message."""
    text = raw.strip(GO_SPACE)
    if not _ATOI.fullmatch(text):
        reason = "invalid syntax"
    elif abs(value := int(text)) > _INT64_MAX + (value < 0):
        reason = "value out of range"
    else:
        return value
    detail = f"strconv.Atoi: parsing {go_quote(text)}: {reason}"
    raise EnvsubError(f"Unable to parse {what}: {detail}")


def _expand(items: Sequence[_Item], env: Mapping[str, str]) -> str:
    return "".join(
        item if isinstance(item, str) else _expand_one(item, env) for item in items
    )


def _expand_one(item: _Expansion, env: Mapping[str, str]) -> str:
    value = env.get(item.name)
    if item.operator == ":-" and not value:
        return _expand(item.word, env)
    if item.operator == "-" and value is None:
        return _expand(item.word, env)
    if item.operator == "?" and value is None:
        message = _expand(item.word, env) or "not set"
        raise EnvsubError(f"${item.name}: {message}")
    if item.operator == ":":
        return _substring(item, value or "")
    return value or ""


def _substring(item: _Expansion, value: str) -> str:
    # Offsets count bytes of the UTF-8 text, as Go string slicing does.
    data = value.encode()
    start = item.offset + len(data) if item.offset < 0 else item.offset
    start = min(max(start, 0), len(data))
    end = len(data)
    if item.length is not None:
        end = start + item.length if item.length >= 0 else end + item.length
        end = min(max(end, start), len(data))
    try:
        return data[start:end].decode()
    except UnicodeDecodeError:
        raise EnvsubError(
            f"${item.name}: substring {item.offset}:{item.length} splits a "
            "multi-byte character, which would send invalid UTF-8"
        ) from None
