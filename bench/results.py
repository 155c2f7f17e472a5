"""Rows of results, their verdicts, and the table they are printed as."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import MeasureError

MISSING = "n/a (command missing)"


@dataclass(frozen=True)
class Target:
    """A bound on a row's ratio, with the words that explain it."""

    text: str
    limit: float
    strict: bool = False

    def met(self, ratio: float) -> bool:
        return ratio < self.limit if self.strict else ratio <= self.limit


@dataclass(frozen=True)
class Row:
    workload: str
    altalune: float | None
    reference: float | None
    ratio: float | None
    target: Target | None
    unit: str = "s"
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "n/a"
        if self.target is None:
            return "info"
        return "PASS" if self.target.met(self.ratio) else "MISS"


def compare(
    workload: str,
    altalune: float,
    reference: float,
    target: Target | None,
    unit: str = "s",
) -> Row:
    """A row whose ratio is altalune over reference."""
    ratio = altalune / reference if reference else None
    return Row(workload, altalune, reference, ratio, target, unit)


def unavailable(workload: str, target: Target | None, why: str = MISSING) -> Row:
    return Row(workload, None, None, None, target, note=why)


Case = tuple[str, Target | None]


def guarded(cases: Sequence[Case], measure: Callable[[], list[Row]]) -> list[Row]:
    """The rows *measure* makes, or n/a rows for *cases* saying why it could not."""
    try:
        return measure()
    except MeasureError as exc:
        return [
            unavailable(workload, target, f"n/a ({exc})") for workload, target in cases
        ]


def missing(cases: Sequence[Case]) -> list[Row]:
    return [unavailable(workload, target) for workload, target in cases]


@dataclass
class Outcome:
    """What one workload found: rows for the table, sentences for below it."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:g} {unit}"


def _cells(row: Row) -> list[str]:
    altalune = row.note if row.altalune is None else _value(row.altalune, row.unit)
    ratio = "—" if row.ratio is None else f"{row.ratio:.2f}x"
    target = row.target.text if row.target else "—"
    reference = _value(row.reference, row.unit)
    return [row.workload, altalune, reference, ratio, target, row.verdict]


def table(rows: Iterable[Row]) -> str:
    header = ["workload", "altalune", "reference", "ratio", "target", "verdict"]
    lines = [header, ["---"] * len(header), *(_cells(row) for row in rows)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def machine(server_version: str) -> str:
    """One line naming what the numbers were measured on."""
    model = "unknown CPU"
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False)
    for line in lscpu.stdout.splitlines():
        if line.startswith("Model name:"):
            model = line.partition(":")[2].strip()
    return (
        f"{os.cpu_count()} CPUs ({model}), {server_version}, "
        f"Python {platform.python_version()}"
    )


def write(path: Path, heading: str, rows: list[Row], notes: list[str]) -> str:
    """Write the report as Markdown to *path* and return its text."""
    bullets = "\n".join(f"- {note}" for note in notes)
    text = "\n\n".join(part for part in (heading, table(rows), bullets) if part)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    return text
