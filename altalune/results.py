"""What the runner's commands return, and goose's text for them.

The runner never prints; the CLI renders these results with the functions
below so that its output and the tests agree on goose's exact lines
(GOOSE.md 7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from altalune.parser import Direction
    from altalune.preview import Preview

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
EDITED_NOTE = "  (edited after it was applied)"
UNCHECKED_NOTE = "  (no checksum)"


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
    message names. A dry run applies nothing and carries its ``preview``.
    """

    applied: tuple[Applied, ...]
    current_version: int
    message: str
    preview: Preview | None = None


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One migration file and its state; applied_at is None when pending.

    ``applied`` can be true with no ``applied_at`` only for rows of goose's
    oldest table shape, whose tstamp column allowed NULL. ``checksum`` is
    "match", "edited" or "missing" for an applied file, None otherwise.
    """

    version: int
    name: str
    applied: bool
    applied_at: datetime | None
    checksum: str | None = None


@dataclass(frozen=True, slots=True)
class Unfiled:
    """An applied version whose file is gone, which goose's status hides.

    ``recorded_file`` is the file name altalune recorded when it applied the
    version, None when goose applied it.
    """

    version: int
    applied_at: datetime | None
    recorded_file: str | None


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The files' states; ``checksummed`` is False when the database has no
    checksum table (goose made it and altalune has applied nothing there).
    """

    rows: tuple[StatusRow, ...]
    current_version: int
    versioned: bool = True
    applied_without_file: tuple[Unfiled, ...] = ()
    checksummed: bool = False


@dataclass(frozen=True, slots=True)
class Edited:
    """An applied file whose bytes changed since it was applied."""

    version: int
    path: Path
    recorded_sha256: str
    file_sha256: str


@dataclass(frozen=True, slots=True)
class Unchecked:
    """An applied file with no checksum: goose applied it, or an older altalune."""

    version: int
    path: Path


@dataclass(frozen=True, slots=True)
class DriftReport:
    """How the applied files compare with what was recorded when they ran.

    Edited files and applied versions without a file are drift; a file
    without a checksum is reported but is not drift, since nothing says it
    changed.
    """

    edited: tuple[Edited, ...] = ()
    applied_without_file: tuple[Unfiled, ...] = ()
    without_checksum: tuple[Unchecked, ...] = ()

    @property
    def drift(self) -> bool:
        return bool(self.edited or self.applied_without_file)


@dataclass(frozen=True, slots=True)
class VersionResult:
    version: int
    versioned: bool = True


def format_status(result: StatusResult) -> list[str]:
    """goose's status table: a two-line header, then ``    %-24s -- %s`` rows.

    Drift keeps goose's layout: an edited file gets a note after its name,
    and each applied version without a file gets a row of its own, in
    version order among the files. Files applied without a checksum are
    noted only where the checksum table exists, so that a database only
    goose has touched shows goose's own lines.
    """
    notes = {"edited": EDITED_NOTE}
    if result.checksummed:
        notes["missing"] = UNCHECKED_NOTE
    rows: list[tuple[int, str]] = []
    for row in result.rows:
        note = notes.get(row.checksum or "", "")
        word = _status_word(row, result.versioned)
        rows.append((row.version, f"    {word:<24} -- {row.name}{note}"))
    for gone in result.applied_without_file:
        word = _applied_word(gone.applied_at)
        text = f"    {word:<24} -- (no file for version {gone.version})"
        rows.append((gone.version, text))

    rows.sort(key=lambda pair: pair[0])
    return [*STATUS_HEADER, *(text for _, text in rows)]


def format_drift(report: DriftReport) -> list[str]:
    """One line per finding of ``validate --db``, drift first."""
    lines = [
        f"{e.path}: edited after it was applied (recorded sha256 "
        f"{e.recorded_sha256}, file sha256 {e.file_sha256})"
        for e in report.edited
    ]
    for gone in report.applied_without_file:
        known = f" (recorded as {gone.recorded_file})" if gone.recorded_file else ""
        lines.append(f"version {gone.version}: applied but no file{known}")
    lines += [
        f"{u.path}: applied without a checksum (applied by goose or before checksums)"
        for u in report.without_checksum
    ]
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
    return _applied_word(row.applied_at)


def _applied_word(applied_at: datetime | None) -> str:
    if applied_at is None:
        return "(no timestamp)"
    return format_ansic(applied_at)
