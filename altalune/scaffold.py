"""New migration files and renumbered ones, as goose's create and fix make them.

A version is either a UTC timestamp (``20240102030405``) or a sequential
number (``00001``); goose tells them apart by trying to read the number as a
date (GOOSE.md 1.3). ``create`` (9.1) picks the next version of either kind
and ``fix`` (1.4) turns timestamps into sequential numbers before release.
"""

from __future__ import annotations

import enum
import os
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from altalune.errors import SourceError, UsageError
from altalune.source import MAX_VERSION, MigrationFile, collect

SQL_TEMPLATE = (
    "-- +goose Up\nSELECT 'up SQL query';\n\n-- +goose Down\nSELECT 'down SQL query';\n"
)

GO_TEMPLATE = """\
package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {{
	goose.AddMigrationContext(up{name}, down{name})
}}

func up{name}(ctx context.Context, tx *sql.Tx) error {{
	// Runs when the migration is applied.
	return nil
}}

func down{name}(ctx context.Context, tx *sql.Tx) error {{
	// Runs when the migration is rolled back.
	return nil
}}
"""

_TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def create(
    directory: Path,
    name: str,
    kind: str = "sql",
    sequential: bool = False,
    now: datetime | None = None,
) -> Path:
    """Write a new migration from the template of its kind; return its path.

    The version is ``now`` in UTC (the current time by default), or with
    ``sequential`` the highest sequential version in the directory plus one.
    """
    if kind not in ("sql", "go"):
        raise UsageError(f"unknown migration kind {kind!r}; expected 'sql' or 'go'")
    if not directory.is_dir():
        raise SourceError(f"{directory}: migrations directory does not exist")

    version = _next_sequential(directory) if sequential else _timestamp(now)
    path = directory / f"{version}_{snake_case(name)}.{kind}"
    text = SQL_TEMPLATE if kind == "sql" else GO_TEMPLATE.format(name=camel_case(name))

    # Exclusive creation: an existing migration is never overwritten.
    try:
        with path.open("xb") as stream:
            stream.write(text.encode("utf-8"))
    except FileExistsError:
        raise SourceError(f"{path}: file already exists; expected a new name") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot create file: {exc.strerror}") from None
    return path


def fix(directory: Path) -> list[tuple[Path, Path]]:
    """Rename timestamped migrations to the next sequential versions.

    Returns the renames done, as (old path, new path), in the order done.
    Only the version in the file name changes, never the directory path.
    """
    renames = _plan_renames(collect(directory))

    # Check every target first so that a clash stops fix before any rename.
    for old, new in renames:
        if os.path.lexists(new):
            raise SourceError(
                f"{old}: cannot rename to {new.name}: file already exists"
            )

    for old, new in renames:
        try:
            old.rename(new)
        except OSError as exc:
            raise SourceError(f"{old}: cannot rename: {exc.strerror}") from None
    return renames


def _plan_renames(migrations: list[MigrationFile]) -> list[tuple[Path, Path]]:
    version = _after_last_sequential(migrations)
    renames = []
    for migration in migrations:
        if is_timestamp(migration.version):
            description = migration.name.partition("_")[2]
            new_name = f"{_format_sequential(version)}_{description}"
            renames.append((migration.path, migration.path.with_name(new_name)))
            version += 1
    return renames


def is_timestamp(version: int) -> bool:
    """Whether goose treats the version as a timestamp (after the epoch)."""
    instant = _as_instant(version)
    return instant is not None and instant > _EPOCH


def is_sequential(version: int) -> bool:
    """Whether goose treats the version as sequential (not a date, or pre-epoch).

    19700101000000 is neither: goose compares strictly on both sides.
    """
    instant = _as_instant(version)
    return instant is None or instant < _EPOCH


def _as_instant(version: int) -> datetime | None:
    # Go's layout 20060102150405 takes exactly 14 digits forming a real date.
    # Years before 1 fail here but parse in Go; both end up sequential.
    digits = str(version)
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        return None
    month, day, hour, minute, second = (int(digits[i : i + 2]) for i in range(4, 14, 2))
    try:
        return datetime(int(digits[:4]), month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _next_sequential(directory: Path) -> str:
    migrations = collect(directory, allow_empty=True)
    return _format_sequential(_after_last_sequential(migrations))


def _after_last_sequential(migrations: list[MigrationFile]) -> int:
    # Timestamped versions do not count, so that create -s and fix continue
    # the sequential numbering however many timestamps sit on top of it.
    sequential = [m.version for m in migrations if is_sequential(m.version)]
    return max(sequential, default=0) + 1


def _format_sequential(version: int) -> str:
    if version > MAX_VERSION:
        raise SourceError(
            f"next sequential version {version} is out of range; "
            f"expected at most {MAX_VERSION}"
        )
    return f"{version:05d}"


def _timestamp(now: datetime | None) -> str:
    instant = datetime.now(UTC) if now is None else now.astimezone(UTC)
    return instant.strftime(_TIMESTAMP_FORMAT)


class _State(enum.Enum):
    IDLE = enum.auto()
    WORD_START = enum.auto()
    IN_WORD = enum.auto()
    SEPARATOR = enum.auto()


def _advance(state: _State, char: str) -> _State:
    # Only the first separator after a word counts; more of them fall back
    # to IDLE, which is what collapses runs and makes goose's trailing quirk.
    if unicodedata.category(char)[0] in "LN":
        if state in (_State.WORD_START, _State.IN_WORD):
            return _State.IN_WORD
        return _State.WORD_START
    if state in (_State.WORD_START, _State.IN_WORD):
        return _State.SEPARATOR
    return _State.IDLE


def snake_case(name: str) -> str:
    """goose's file-name form of a migration name: ``Add-Users!!`` -> ``add_users``.

    A name ending in one separator keeps a trailing ``_`` (``abc `` ->
    ``abc_``) while two or more are dropped, as in goose.
    """
    parts = []
    state = _State.IDLE
    for char in name:
        state = _advance(state, char)
        if state is _State.SEPARATOR:
            parts.append("_")
        elif state is not _State.IDLE:
            parts.append(_simple_lower(char))

    snake = "".join(parts)
    return snake.removesuffix("_") if state is _State.IDLE else snake


def camel_case(name: str) -> str:
    """goose's Go identifier form of a migration name: ``add users`` -> ``AddUsers``."""
    parts = []
    state = _State.IDLE
    for char in name:
        state = _advance(state, char)
        if state is _State.WORD_START:
            parts.append(_simple_upper(char))
        elif state is _State.IN_WORD:
            parts.append(_simple_lower(char))
    return "".join(parts)


def _simple_lower(char: str) -> str:
    # Go maps one rune to one rune. Python's full mapping gives two only for
    # U+0130 (capital I with dot), whose one-rune lower case is plain "i".
    lowered = char.lower()
    return lowered if len(lowered) == 1 else lowered[0]


def _simple_upper(char: str) -> str:
    # Letters such as "ß" have no one-rune upper case; Go leaves them as is.
    upper = char.upper()
    return upper if len(upper) == 1 else char
