"""What each command will run, decided from the files and the version table.

Planning is pure: it reads a :class:`History` and the migration files and
returns the steps goose's legacy CLI would take, in its order (GOOSE.md 7.4
and 8). Nothing runs here; the runner validates every step before running
any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from altalune.errors import AltaluneError, NoVersionError
from altalune.parser import Direction
from altalune.source import MigrationFile
from altalune.store import History

UP = Direction.UP
DOWN = Direction.DOWN


@dataclass(frozen=True, slots=True)
class Step:
    """One migration file to run in one direction.

    ``record`` says whether the version row is written (an insert on up, a
    delete on down). Planning leaves ``use_tx`` and ``sha256`` at their
    defaults; validation reads the file and fills them in.
    """

    file: MigrationFile
    direction: Direction
    record: bool = True
    use_tx: bool = True
    sha256: str = ""


@dataclass(frozen=True)
class Plan:
    """The steps of a command and how goose would sum them up.

    ``message`` is goose's summary line (without its ``goose: `` prefix), or
    "" when goose prints none. ``failure``, when set, is raised once the
    steps have run: goose fails late in these cases and keeps what it did,
    after logging ``message``.
    """

    steps: tuple[Step, ...]
    message: str
    current_version: int
    failure: AltaluneError | None = None


class MissingMigrationsError(AltaluneError):
    """Files older than the newest applied version, refused without allow-missing."""

    def __init__(self, missing: Sequence[MigrationFile], newest: int) -> None:
        self.missing = tuple(missing)
        self.newest = newest
        listed = "\n\t".join(f"version {m.version}: {m.path}" for m in missing)
        # goose's own text, shape and all (it does not pluralise either).
        super().__init__(
            f"error: found {len(missing)} missing migrations before current "
            f"version {newest}:\n\t{listed}"
        )


def plan_up(
    files: Sequence[MigrationFile],
    history: History,
    *,
    target: int,
    allow_missing: bool = False,
    by_one: bool = False,
) -> Plan:
    """up, up-to and up-by-one: goose's UpTo over files with version <= target."""
    current = history.current()
    known = history.versions()
    newest = history.max_version()
    candidates = [f for f in files if f.version <= target and f.version not in known]
    missing = [f for f in candidates if f.version < newest]
    if missing and not allow_missing:
        raise MissingMigrationsError(missing, newest)

    pending = [f for f in candidates if f.version > newest]
    chosen = (missing if allow_missing else []) + pending
    if by_one:
        chosen = chosen[:1]
    steps = tuple(Step(f, UP) for f in chosen)

    if not steps:
        message = f"no migrations to run. current version: {current}"
        failure = NoVersionError("no next version found") if by_one else None
        return Plan((), message, current, failure)
    after = _replay(history, steps)
    message = (
        ""
        if by_one
        else f"successfully migrated database to version: {chosen[-1].version}"
    )
    return Plan(steps, message, after)


def plan_down(files: Sequence[MigrationFile], history: History) -> Plan:
    current = history.current()
    migration = _file_of(files, current)
    if migration is None:
        raise NoVersionError(f"migration {current}: no current version found")
    steps = (Step(migration, DOWN),)
    return Plan(steps, "", _replay(history, steps))


def plan_down_to(files: Sequence[MigrationFile], history: History, target: int) -> Plan:
    """Walk back in application order, as goose does (issue #402's behaviour)."""
    steps: list[Step] = []
    while True:
        try:
            current = history.current()
        except NoVersionError as exc:
            if not steps:
                raise
            return Plan(tuple(steps), "", 0, exc)
        if current == 0:
            break
        migration = _file_of(files, current)
        if migration is None:
            message = (
                f"migration file not found for current version ({current}), "
                "error: no current version found"
            )
            failure = NoVersionError("no current version found")
            return Plan(tuple(steps), message, current, failure)
        if current <= target:
            break
        steps.append(Step(migration, DOWN))
        history = history.after_down(current)
    return Plan(
        tuple(steps), f"no migrations to run. current version: {current}", current
    )


def plan_redo(files: Sequence[MigrationFile], history: History) -> Plan:
    current = history.current()
    migration = _file_of(files, current)
    if migration is None:
        raise NoVersionError("no current version found")
    return Plan((Step(migration, DOWN), Step(migration, UP)), "", current)


def plan_reset(files: Sequence[MigrationFile], history: History) -> Plan:
    """Down every applied file by descending version, not application order."""
    states = history.applied_by_id()
    steps = tuple(Step(f, DOWN) for f in reversed(files) if states.get(f.version))
    return Plan(steps, "", _replay(history, steps))


def plan_up_unversioned(
    files: Sequence[MigrationFile], *, target: int, by_one: bool = False
) -> Plan:
    """-no-versioning up: every file up to target; up-by-one always the first."""
    chosen = [f for f in files if f.version <= target]
    if by_one:
        chosen = chosen[:1]
    last = chosen[-1].version if chosen else 0
    steps = tuple(Step(f, UP, record=False) for f in chosen)
    return Plan(steps, f"up to current file version: {last}", last)


def plan_down_unversioned(files: Sequence[MigrationFile], *, target: int) -> Plan:
    """-no-versioning down-to: files above target, newest first."""
    steps = tuple(
        Step(f, DOWN, record=False) for f in reversed(files) if f.version > target
    )
    below = [f.version for f in files if f.version <= target]
    final = below[-1] if below else 0
    return Plan(steps, f"down to current file version: {final}", final)


def plan_redo_unversioned(files: Sequence[MigrationFile]) -> Plan:
    last = files[-1]
    steps = (Step(last, DOWN, record=False), Step(last, UP, record=False))
    return Plan(steps, "", last.version)


def _file_of(files: Sequence[MigrationFile], version: int) -> MigrationFile | None:
    return next((f for f in files if f.version == version), None)


def _replay(history: History, steps: Sequence[Step]) -> int:
    """The current version once every step has run."""
    for step in steps:
        version = step.file.version
        if step.direction is UP:
            history = history.after_up(version)
        else:
            history = history.after_down(version)
    try:
        return history.current()
    except NoVersionError:
        return 0
