"""What every workload is handed: settings, the app, the server, a scratch
directory outside the tree, and a way to measure commands side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString

from bench.app import App
from bench.proxy import LatencyProxy
from bench.server import Server
from bench.settings import Settings
from bench.timing import MeasureError, Sample, run

Command = Callable[[str], Sequence[str]]
Step = Callable[[str], None]


class WrongResult(MeasureError):
    """A command succeeded but left the database in another state than expected."""


@dataclass(frozen=True)
class Context:
    settings: Settings
    app: App
    server: Server
    scratch: Path

    def proxy(self) -> LatencyProxy:
        """A latency proxy in front of the server, started by ``with``."""
        return LatencyProxy(
            self.server.host, self.server.port, delay_ms=self.settings.delay_ms
        )

    def run(self, argv: Sequence[str]) -> Sample:
        """Measure one command, run from the scratch directory."""
        return run(argv, cwd=self.scratch, env=self.app.environment)

    def run_fresh(
        self,
        command: Command,
        *,
        port: int | None = None,
        prepare: Step | None = None,
        after: Step | None = None,
    ) -> Sample:
        """Measure *command* (given the URL) against a database of its own.

        *prepare* and *after*, given the database name, run before and after
        the measurement: setting the database up, then verifying the work was
        really done (and possibly measuring more on the state it left).
        """
        with self.server.fresh_database() as database:
            if prepare is not None:
                prepare(database)
            sample = self.run(command(self.server.url(database, port=port)))
            if after is not None:
                after(database)
        return sample

    def expect(self, database: str, query: LiteralString, expected: object) -> None:
        found = self.server.scalar(database, query)
        if found != expected:
            raise WrongResult(f"{query!r} gave {found!r}, expected {expected!r}")
