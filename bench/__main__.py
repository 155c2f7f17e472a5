"""``python -m bench``: run the workloads side by side and print the table.

The table is also written to bench/out/results.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import results
from bench.app import ROOT, App
from bench.context import Context
from bench.server import Server
from bench.settings import Settings, parse
from bench.workloads import WORKLOADS

OUTPUT = ROOT / "bench" / "out" / "results.md"


def main(argv: list[str]) -> int:
    settings = parse(argv, list(WORKLOADS))
    server = Server(settings.server_url)
    try:
        machine = results.machine(server.version())
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0]
        print(f"bench: cannot reach the server: {first}", file=sys.stderr)
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="altalune-bench-") as scratch:
        ctx = Context(settings, App(settings.app), server, Path(scratch))
        outcome = _run_workloads(ctx)

    heading = _heading(settings, machine, time.monotonic() - started)
    print(results.write(OUTPUT, heading, outcome.rows, outcome.notes))
    return 0


def _run_workloads(ctx: Context) -> results.Outcome:
    outcome = results.Outcome()
    for name in ctx.settings.only:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        found = WORKLOADS[name](ctx)
        took = time.monotonic() - started
        print(f"bench: {name} took {took:.0f} s", file=sys.stderr, flush=True)
        outcome.rows += found.rows
        outcome.notes += found.notes
    return outcome


def _heading(settings: Settings, machine: str, elapsed: float) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = (
        f"{settings.migrations} migrations, {settings.seed_megabytes} MB seed, "
        f"{settings.projects} projects; {settings.repetitions} repetitions, "
        f"{settings.large_repetitions} for the seed, the projects and applying "
        "through the proxy; "
        f"proxy +{settings.delay_ms:g} ms each way"
    )
    return (
        f"# altalune benchmarks\n\n{when} on {machine}.\n"
        f"{sizes}; medians; ran in {elapsed:.0f} s."
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
