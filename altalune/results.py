"""What the runner's commands return, and goose's text for them.

The runner never prints; the CLI renders these results with the functions
below so that its output and the tests agree on goose's exact lines
(GOOSE.md 7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from altalune.parser import Direction

# Go's time.ANSIC names, fixed so that no locale can change them.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

STATUS_HEADER = ("    Applied At                  Migration", "    " + "=" * 39)


@dataclass(frozen=True, slots=True)
class Applied:
    """A migration that ran: what goose's ``OK``/``EMPTY`` line reports."""

    version: int
    name: str
    direction: Direction
    duration_seconds: float
    empty: bool


@dataclass(frozen=True, slots=True)
class RunResult:
    """The migrations a command ran, in order, and where it left the database.

    ``message`` is goose's summary line without its ``goose: `` prefix, or ""
    for the commands after which goose prints none (up-by-one, down, redo,
    reset). With no versioning, ``current_version`` is the file version the
    message names.
    """

    applied: tuple[Applied, ...]
    current_version: int
    message: str


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One migration file and its state; applied_at is None when pending.

    ``applied`` can be true with no ``applied_at`` only for rows of goose's
    oldest table shape, whose tstamp column allowed NULL.
    """

    version: int
    name: str
    applied: bool
    applied_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusResult:
    rows: tuple[StatusRow, ...]
    current_version: int
    versioned: bool = True


@dataclass(frozen=True, slots=True)
class VersionResult:
    version: int
    versioned: bool = True


def format_status(result: StatusResult) -> list[str]:
    """goose's status table: a two-line header, then ``    %-24s -- %s`` rows."""
    lines = list(STATUS_HEADER)
    for row in result.rows:
        lines.append(f"    {_status_word(row, result.versioned):<24} -- {row.name}")
    return lines


def format_version(result: VersionResult) -> str:
    if result.versioned:
        return f"goose: version {result.version}"
    return f"goose: file version {result.version}"


def format_summary(result: RunResult) -> list[str]:
    """goose's closing line for a run, when it prints one."""
    return [f"goose: {result.message}"] if result.message else []


def format_ansic(moment: datetime) -> str:
    """Go's time.ANSIC layout, ``Mon Jan _2 15:04:05 2006``, of a wall-clock time."""
    day = _DAYS[moment.weekday()]
    month = _MONTHS[moment.month - 1]
    return f"{day} {month} {moment.day:2d} {moment:%H:%M:%S} {moment.year:04d}"


def _status_word(row: StatusRow, versioned: bool) -> str:
    if not versioned:
        return "no versioning"
    if not row.applied:
        return "Pending"
    if row.applied_at is None:
        return "(no timestamp)"
    return format_ansic(row.applied_at)
