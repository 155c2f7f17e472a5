"""Start-up: what a user waits for before anything happens, against the floor
of the same interpreter loading the driver (``python -c "import psycopg"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bench.context import Context
from bench.fixtures import up_to_date
from bench.results import Outcome, Row, Target, compare, guarded, missing
from bench.timing import interleave, median_seconds

HELP = Target("<= 0.5x import psycopg", 0.5)
STATUS = Target("<= 1.3x import psycopg", 1.3)


@dataclass(frozen=True)
class _Command:
    label: str
    probe: tuple[str, ...]
    argv: list[str]
    target: Target | None

    @property
    def case(self) -> tuple[str, Target | None]:
        return (f"start-up: {self.label} vs import psycopg", self.target)


def measure(ctx: Context) -> Outcome:
    with up_to_date(ctx, max(1, ctx.settings.migrations // 10)) as prepared:
        example = min(prepared.migrations.glob("*.sql"))
        url = ctx.server.url(prepared.database)
        commands = [
            _Command("--help", (), ctx.app.argv("--help"), HELP),
            _Command(
                "migrate parse FILE",
                ("migrate", "parse"),
                ctx.app.argv("migrate", "parse", str(example)),
                None,
            ),
            _Command(
                "migrate status",
                ("migrate", "status"),
                ctx.app.migrate(url, prepared.migrations, "status"),
                STATUS,
            ),
        ]
        present = [command for command in commands if ctx.app.has(*command.probe)]
        absent = [command.case for command in commands if command not in present]
        rows = guarded(
            [command.case for command in present], partial(_time, ctx, present)
        )

    order = [command.case[0] for command in commands]
    rows += missing(absent)
    rows.sort(key=lambda row: order.index(row.workload))
    return Outcome(rows, notes=[_NOTE])


_NOTE = (
    "start-up: medians of several runs; migrate status runs on the loopback "
    "against an up-to-date database"
)


def _time(ctx: Context, commands: list[_Command]) -> list[Row]:
    if not commands:
        return []
    baseline, *measured = interleave(
        ctx.settings.short_repetitions,
        partial(ctx.run, ctx.app.import_psycopg()),
        *(partial(ctx.run, command.argv) for command in commands),
    )
    floor = median_seconds(baseline)
    return [
        compare(command.case[0], median_seconds(samples), floor, command.target)
        for command, samples in zip(commands, measured, strict=True)
    ]
