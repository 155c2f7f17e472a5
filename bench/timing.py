"""Running a command as a child process and measuring it.

Each command runs under bench/peak.py, a small process that spawns it, waits
for it with ``os.wait4`` and reports its wall time and its own ``ru_maxrss``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_TAIL = 400
_PEAK = (sys.executable, "-I", "-S", str(Path(__file__).with_name("peak.py")))


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_kib: int

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


class MeasureError(Exception):
    """A measurement that cannot be trusted; its row says why instead."""


class CommandFailed(MeasureError):
    """A measured command exited with a non-zero status."""

    def __init__(self, argv: Sequence[str], code: int, stderr: str) -> None:
        self.code = code
        self.stderr = stderr
        last = stderr.strip().splitlines()[-1:] or ["(no output)"]
        super().__init__(f"{Path(argv[0]).name} exited with {code}: {last[0]}")


def run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Sample:
    """Run *argv* to completion, its output discarded; raise CommandFailed."""
    report, report_writer = os.pipe()
    with tempfile.TemporaryFile() as errors, os.fdopen(report) as lines:
        try:
            child = subprocess.Popen(
                [*_PEAK, str(report_writer), *argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                pass_fds=(report_writer,),
            )
        finally:
            os.close(report_writer)
        measured = lines.read().split()

        if child.wait() != 0 or len(measured) != 2:
            errors.seek(max(0, errors.seek(0, os.SEEK_END) - _TAIL))
            text = errors.read().decode("utf-8", "replace")
            raise CommandFailed(argv, child.returncode, text)

    return Sample(float(measured[0]), int(measured[1]))


def interleave(repetitions: int, *measures: Callable[[], T]) -> list[list[T]]:
    """Call the measures in turn (a, b, a, b, ...) and collect each one's results.

    Alternating spreads slow drifts of the machine (caches, checkpoints, other
    load) evenly over the things compared.
    """
    results: list[list[T]] = [[] for _ in measures]
    for _ in range(repetitions):
        for measure, collected in zip(measures, results, strict=True):
            collected.append(measure())
    return results


def median_seconds(samples: Sequence[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def median_peak_mib(samples: Sequence[Sample]) -> float:
    return statistics.median(sample.peak_mib for sample in samples)
