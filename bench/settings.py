"""The benchmark's command line."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.app import ROOT

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_APP = ROOT / "bin" / "app"


@dataclass(frozen=True)
class Settings:
    migrations: int
    seed_megabytes: int
    projects: int
    repetitions: int
    large_repetitions: int
    delay_ms: float
    only: tuple[str, ...]
    server_url: str
    app: Path
    quick: bool

    @property
    def short_repetitions(self) -> int:
        """Repetitions for commands of well under a second, whose times are noisy."""
        return 3 * self.repetitions


def parse(argv: Sequence[str], workloads: Sequence[str]) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure altalune against psql and the interpreter floor.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes: 50 migrations, a 10 MB seed, 100 projects",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=workloads,
        metavar="NAME",
        help=f"run only this workload (repeatable): {', '.join(workloads)}",
    )
    parser.add_argument("--migrations", type=_positive, metavar="N")
    parser.add_argument("--seed-mb", type=_positive, metavar="MB")
    parser.add_argument("--projects", type=_positive, metavar="N")
    parser.add_argument("--repetitions", type=_positive, default=3, metavar="N")
    parser.add_argument(
        "--large-repetitions",
        type=_positive,
        default=1,
        metavar="N",
        help="repetitions of the workloads that take tens of seconds a run: the "
        "seed, creating the projects, applying through the proxy (default 1)",
    )
    parser.add_argument("--delay-ms", type=float, default=2.0, metavar="MS")
    parser.add_argument(
        "--server-url",
        default=os.environ.get("ALTALUNE_BENCH_URL", LOCAL_SERVER),
        help="admin URL of the server (default $ALTALUNE_BENCH_URL or %(default)s)",
    )
    parser.add_argument(
        "--app",
        type=Path,
        default=DEFAULT_APP,
        help="the altalune executable to measure (default %(default)s)",
    )
    args = parser.parse_args(argv)

    return Settings(
        migrations=args.migrations or (50 if args.quick else 300),
        seed_megabytes=args.seed_mb or (10 if args.quick else 100),
        projects=args.projects or (100 if args.quick else 1000),
        repetitions=args.repetitions,
        large_repetitions=args.large_repetitions,
        delay_ms=args.delay_ms,
        only=tuple(args.only or workloads),
        server_url=args.server_url,
        app=args.app.resolve(),
        quick=args.quick,
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value
