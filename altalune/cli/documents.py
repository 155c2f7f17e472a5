"""The JSON documents ``--json`` prints, one builder per result.

Each document's shape is part of the command line's contract and is
described in the README ("JSON output"); keys are added, never renamed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from altalune.results import DriftReport, RunResult, StatusResult, Unfiled

if TYPE_CHECKING:
    from altalune.preview import Preview


def run_document(result: RunResult) -> dict[str, Any]:
    return {
        "applied": [
            {
                "version": a.version,
                "file": a.name,
                "direction": a.direction.value,
                "duration_seconds": round(a.duration_seconds, 6),
                "empty": a.empty,
            }
            for a in result.applied
        ],
        "current_version": result.current_version,
    }


def preview_document(preview: Preview, current_version: int) -> dict[str, Any]:
    """A dry run: the statements of each step are read from its file again."""
    # Loads the driver (script builds on batch); only a dry run pays for it.
    from altalune.script import statements

    steps = []
    for planned in preview.steps:
        step = planned.step
        texts = [s.text for s in statements(step, preview.env)]
        steps.append(
            {
                "version": step.file.version,
                "file": step.file.name,
                "direction": step.direction.value,
                "transaction": step.use_tx,
                "statements": texts,
                "version_sql": planned.record or None,
            }
        )
    return {
        "dry_run": True,
        "setup": list(preview.setup),
        "steps": steps,
        "current_version": current_version,
    }


def status_document(result: StatusResult) -> dict[str, Any]:
    return {
        "current_version": result.current_version,
        "migrations": [
            {
                "version": row.version,
                "file": row.name,
                "applied": row.applied,
                "applied_at": _moment(row.applied_at),
                "checksum": row.checksum,
            }
            for row in result.rows
        ],
        "applied_without_file": _unfiled(result.applied_without_file),
    }


def drift_document(report: DriftReport | None) -> Mapping[str, Any]:
    """The database half of validate's document; nulls when it ran offline."""
    if report is None:
        return {
            "database": False,
            "drift": None,
            "edited": None,
            "applied_without_file": None,
            "without_checksum": None,
        }
    return {
        "database": True,
        "drift": report.drift,
        "edited": [
            {
                "version": e.version,
                "path": str(e.path),
                "recorded_sha256": e.recorded_sha256,
                "file_sha256": e.file_sha256,
            }
            for e in report.edited
        ],
        "applied_without_file": _unfiled(report.applied_without_file),
        "without_checksum": [
            {"version": u.version, "path": str(u.path)} for u in report.without_checksum
        ],
    }


def _unfiled(unfiled: Iterable[Unfiled]) -> list[dict[str, Any]]:
    return [
        {
            "version": u.version,
            "applied_at": _moment(u.applied_at),
            "recorded_file": u.recorded_file,
        }
        for u in unfiled
    ]


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
