"""Migration files on disk: their names, their versions and their lines.

goose numbers a migration by the digits before the first ``_`` of its file
name and finds files with two non-recursive globs, ``*.sql`` and ``*.go``
(GOOSE.md 1.1 and 1.2). The same rules apply here, and files are split into
lines the way goose's scanner splits them, so both tools see the same
migrations made of the same lines.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from altalune.errors import ParseError, SourceError
from altalune.goformat import go_quote

MAX_VERSION = 2**63 - 1
_UINT64_MAX = 2**64 - 1
_DIGITS = frozenset("0123456789")
_EXTENSIONS = (".sql", ".go")
_EXPECTED_NAME = "expected a name like 00001_add_users.sql"

# Reads of this size keep the per-read cost negligible (a 100 MB file reads
# in well under a second), while the copies a block goes through (bytes,
# joined bytes, text, its lines) stay well under a megabyte beside the
# longest line.
_CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True, order=True)
class MigrationFile:
    """A migration found on disk, ordered by version."""

    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> Literal["sql", "go"]:
        return "go" if self.path.name.endswith(".go") else "sql"


def parse_version(name: str) -> int:
    """Return the version of a migration file name or path.

    Raises ValueError with goose's own reason, so that messages match the
    ones goose users already know.
    """
    base = name.rstrip("/").rpartition("/")[2]
    if not base.endswith(_EXTENSIONS):
        raise ValueError("migration file does not have .sql or .go file extension")

    prefix, separator, _ = base.partition("_")
    if not separator:
        raise ValueError("no filename separator '_' found")

    try:
        version = _parse_int64(prefix)
    except ValueError as exc:
        raise ValueError(
            f"failed to parse version from migration file: {base}: {exc}"
        ) from None
    if version < 1:
        raise ValueError("migration version must be greater than zero")
    return version


def _parse_int64(text: str) -> int:
    """Parse text as Go's strconv.ParseInt(text, 10, 64) does, errors included."""
    negative = text.startswith("-")
    digits = text[1:] if text[:1] in ("+", "-") else text
    bad = next((i for i, char in enumerate(digits) if char not in _DIGITS), None)

    # Go reads left to right and stops at the first problem: a digit that
    # overflows uint64 wins over a bad character that comes after it.
    valid = digits if bad is None else digits[:bad]
    if valid and int(valid) > _UINT64_MAX:
        raise ValueError(_int_error(text, "value out of range"))
    if not digits or bad is not None:
        raise ValueError(_int_error(text, "invalid syntax"))

    value = -int(digits) if negative else int(digits)
    if not -MAX_VERSION - 1 <= value <= MAX_VERSION:
        raise ValueError(_int_error(text, "value out of range"))
    return value


def _int_error(text: str, reason: str) -> str:
    return f"strconv.ParseInt: parsing {go_quote(text)}: {reason}"


def collect(directory: Path, *, allow_empty: bool = False) -> list[MigrationFile]:
    """Return the migrations of a directory, sorted by version.

    ``allow_empty`` is for callers that may start from an empty directory
    (``create -s``); everyone else wants the error.
    """
    migrations = sorted(_scan(directory))
    for previous, current in itertools.pairwise(migrations):
        if previous.version == current.version:
            raise SourceError(
                f"duplicate migration version {current.version}: {previous.path} "
                f"and {current.path}; expected each version in one file only"
            )

    if not migrations and not allow_empty:
        raise SourceError(f"no migration files found in {directory}")
    return migrations


def _scan(directory: Path) -> Iterator[MigrationFile]:
    for name in _candidate_names(directory):
        path = directory / name
        try:
            version = parse_version(name)
        except ValueError as exc:
            # goose skips Go helper files but stops on a SQL file it cannot
            # number: running without it would silently skip a migration.
            if name.endswith(".go"):
                continue
            raise SourceError(f"{path}: {exc}; {_EXPECTED_NAME}") from None
        if name.endswith("_test.go"):
            continue
        yield MigrationFile(version, path)


def _candidate_names(directory: Path) -> list[str]:
    if not directory.exists():
        raise SourceError(f"{directory}: migrations directory does not exist")
    if not directory.is_dir():
        raise SourceError(
            f"{directory}: not a directory; expected the migrations directory"
        )

    # Like goose's glob, dot-files match; unlike it, a directory whose name
    # happens to end in .sql is not taken for a file.
    try:
        with os.scandir(directory) as entries:
            return [
                entry.name
                for entry in entries
                if entry.name.endswith(_EXTENSIONS) and not entry.is_dir()
            ]
    except OSError as exc:
        raise SourceError(f"{directory}: cannot list files: {exc.strerror}") from None


def read_lines(path: Path) -> Iterator[str]:
    """Yield the lines of a file without their ``\\n``, decoded as UTF-8.

    Lines end at ``\\n`` only, as in goose: a ``\\r`` before it stays for the
    parser to remove, and a lone ``\\r`` is part of the line. A final newline
    does not start another line. A line that is not UTF-8 raises ParseError,
    after the lines before it have been yielded.
    """
    line_number = 1
    for block in _blocks(path):
        lines, error = _decode_lines(path, block, line_number)
        yield from lines
        if error is not None:
            raise error
        line_number += len(lines)


def _blocks(path: Path) -> Iterator[bytes]:
    """Yield the file in blocks of whole lines, each without its final newline.

    Whole lines let a block be decoded in one call (a newline byte never
    occurs inside a UTF-8 sequence); a line longer than a chunk is gathered
    from as many chunks as it needs.
    """
    try:
        with path.open("rb") as stream:
            pending: list[bytes] = []
            while chunk := stream.read(_CHUNK_SIZE):
                end = chunk.rfind(b"\n")
                if end < 0:
                    pending.append(chunk)
                    continue
                pending.append(chunk[:end])
                yield b"".join(pending)
                pending = [chunk[end + 1 :]]

            if tail := b"".join(pending):
                yield tail
    except OSError as exc:
        raise SourceError(
            f"{path}: cannot read migration file: {exc.strerror}"
        ) from None


def _decode_lines(
    path: Path, block: bytes, first_line: int
) -> tuple[list[str], ParseError | None]:
    """Split a block into lines; on bad UTF-8, the lines before it and the error."""
    try:
        return block.decode("utf-8").split("\n"), None
    except UnicodeDecodeError as exc:
        bad = exc.start

    line_start = block.rfind(b"\n", 0, bad) + 1
    before = block[: line_start - 1].decode("utf-8").split("\n") if line_start else []
    column = len(block[line_start:bad].decode("utf-8")) + 1
    message = f"not valid UTF-8 (byte 0x{block[bad]:02x} at column {column})"
    return before, ParseError(str(path), first_line + len(before), message)
