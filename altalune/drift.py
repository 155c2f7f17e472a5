"""Applied files compared with the checksums recorded when they ran.

A version counts as applied by the rule goose's status uses (its newest row
by tstamp says applied), so that the drift reported and the status table
always agree. Row 0, which goose writes when it creates the table, is no
migration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from altalune.checksums import Recorded, file_sha256
from altalune.results import DriftReport, Edited, Unchecked, Unfiled
from altalune.source import MigrationFile

MATCH = "match"
EDITED = "edited"
MISSING = "missing"


@dataclass(frozen=True)
class Comparison:
    """The checksum state of each applied file, by version, and the findings."""

    states: dict[int, str] = field(default_factory=dict)
    report: DriftReport = field(default_factory=DriftReport)


def compare(files: Sequence[MigrationFile], recorded: Recorded) -> Comparison:
    """Hash every applied file that has a checksum and say how it compares.

    Files without a recorded checksum are not read: nothing could be said
    about them but that their checksum is missing.
    """
    latest = recorded.history.latest_by_tstamp()
    applied = {v: row for v, row in latest.items() if row.applied and v != 0}
    checksums = recorded.checksums or {}
    states: dict[int, str] = {}
    edited: list[Edited] = []
    unchecked: list[Unchecked] = []

    for migration in files:
        version = migration.version
        if version not in applied:
            continue
        found = checksums.get(version)
        if found is None:
            states[version] = MISSING
            unchecked.append(Unchecked(version, migration.path))
            continue
        actual = file_sha256(migration.path)
        if actual == found.sha256:
            states[version] = MATCH
        else:
            states[version] = EDITED
            edited.append(Edited(version, migration.path, found.sha256, actual))

    known = {migration.version for migration in files}
    unfiled = tuple(
        Unfiled(version, row.tstamp, _recorded_name(recorded, version))
        for version, row in sorted(applied.items())
        if version not in known
    )
    report = DriftReport(tuple(edited), unfiled, tuple(unchecked))
    return Comparison(states, report)


def _recorded_name(recorded: Recorded, version: int) -> str | None:
    found = (recorded.checksums or {}).get(version)
    return found.file_name if found else None
