"""A single migration holding a large data seed, one INSERT per line, in one
transaction: wall time against ``psql -1 -f`` of the same file, and peak
memory over two baselines: the interpreter with psycopg loaded, and the
runner itself applying a one-statement file (everything but the file's data).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from bench.context import Context
from bench.generate import VERSION_TABLE, Seed, version_row, write_seed
from bench.results import Case, Outcome, Row, Target, compare, guarded, missing
from bench.server import psql
from bench.timing import Sample, interleave, median_peak_mib, median_seconds

WALL = Target("<= 1.2x psql -1 -f", 1.2)
MEMORY = Target("< 3x largest statement", 3, strict=True)

_ROWS = "SELECT count(*) FROM seed_rows"
_BASELINE_RUNS = 3


def measure(ctx: Context) -> Outcome:
    size = ctx.settings.seed_megabytes
    cases: list[Case] = [
        (f"seed {size} MB in one transaction, wall", WALL),
        (f"seed {size} MB, (peak - interpreter) / largest statement", MEMORY),
        (f"seed {size} MB, (peak - runner) / largest statement", MEMORY),
        (f"seed {size} MB, (peak - runner) / file size", None),
    ]
    if not ctx.app.has("migrate", "up"):
        return Outcome(missing(cases))

    work = ctx.scratch / "seed"
    seed = write_seed(work / "migrations", size)
    outcome = Outcome()
    side_by_side = partial(_side_by_side, ctx, cases, work, seed, outcome)
    outcome.rows += guarded(cases, side_by_side)
    return outcome


def _side_by_side(
    ctx: Context,
    cases: list[Case],
    work: Path,
    seed: Seed,
    outcome: Outcome,
) -> list[Row]:
    prologue = work / "version-table.sql"
    prologue.write_text(VERSION_TABLE)
    epilogue = work / "version-row.sql"
    epilogue.write_text(version_row(1) + "\n")
    files = ("-f", str(prologue), "-f", str(seed.path), "-f", str(epilogue))

    def up(url: str) -> list[str]:
        return ctx.app.migrate(url, seed.path.parent, "up")

    def replay(url: str) -> list[str]:
        return psql(url, "-1", *files)

    def check(database: str) -> None:
        ctx.expect(database, _ROWS, seed.rows)

    tiny = work / "tiny"
    tiny.mkdir(exist_ok=True)
    (tiny / "00001_tiny.sql").write_text("-- +goose Up\nSELECT 1;\n")

    def up_tiny(url: str) -> list[str]:
        return ctx.app.migrate(url, tiny, "up")

    baseline = [ctx.run(ctx.app.import_psycopg()) for _ in range(_BASELINE_RUNS)]
    runner = [ctx.run_fresh(up_tiny) for _ in range(_BASELINE_RUNS)]
    mine, theirs = interleave(
        ctx.settings.large_repetitions,
        partial(ctx.run_fresh, up, after=check),
        partial(ctx.run_fresh, replay, after=check),
    )
    outcome.notes += _notes(seed, mine, theirs, baseline, runner)

    (wall, wall_target), over_interpreter, *over_runner = cases
    return [
        compare(wall, median_seconds(mine), median_seconds(theirs), wall_target),
        *_memory_rows([over_interpreter], (seed.largest_statement,), mine, baseline),
        *_memory_rows(over_runner, _sizes(seed), mine, runner),
    ]


def _sizes(seed: Seed) -> tuple[int, int]:
    return seed.largest_statement, seed.path.stat().st_size


def _memory_rows(
    cases: list[Case],
    sizes: tuple[int, ...],
    mine: list[Sample],
    baseline: list[Sample],
) -> list[Row]:
    """Peak RSS over a baseline, per byte of each of *sizes*.

    A runner that streams the file needs a few statements' worth; one that
    reads it whole needs at least the file's size.
    """
    peak = median_peak_mib(mine)
    floor = median_peak_mib(baseline)
    extra = (peak - floor) * 1024 * 1024
    return [
        Row(workload, peak, floor, extra / size, target, "MiB")
        for (workload, target), size in zip(cases, sizes, strict=True)
    ]


def _notes(
    seed: Seed,
    mine: list[Sample],
    theirs: list[Sample],
    baseline: list[Sample],
    runner: list[Sample],
) -> list[str]:
    extra = median_peak_mib(mine) - median_peak_mib(baseline)
    over_runner = median_peak_mib(mine) - median_peak_mib(runner)
    return [
        f"seed: {seed.rows:,} INSERT lines, {seed.path.stat().st_size / 1e6:.0f} MB; "
        f"largest statement {seed.largest_statement} bytes; the memory rows show "
        "altalune's peak RSS against the baseline, the peak RSS of "
        '`python -c "import psycopg"` (peaks are measured from a small spawning '
        "process, whose own size, about 8 MiB, is their floor)",
        f"seed: altalune peak - interpreter = {extra:.1f} MiB, peak - runner "
        f"applying one statement = {over_runner:.1f} MiB; psql -1 -f peak RSS "
        f"{median_peak_mib(theirs):.1f} MiB",
    ]
