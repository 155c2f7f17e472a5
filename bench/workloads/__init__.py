"""The workloads, by the name ``--only`` takes, in the order they run."""

from __future__ import annotations

from collections.abc import Callable

from bench.context import Context
from bench.results import Outcome
from bench.workloads import apply, projects, reads, seed, startup

Workload = Callable[[Context], Outcome]

WORKLOADS: dict[str, Workload] = {
    "apply": apply.measure,
    "reads": reads.measure,
    "startup": startup.measure,
    "seed": seed.measure,
    "projects": projects.measure,
}
