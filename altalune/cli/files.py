"""``app migrate`` commands that work on files only: create, fix, validate, parse."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from altalune.cli.common import (
    database_options,
    database_url,
    echo_json,
    json_option,
    settings,
    source_options,
)
from altalune.cli.documents import drift_document
from altalune.errors import AltaluneError, SourceError
from altalune.results import DriftReport, format_drift

if TYPE_CHECKING:
    from altalune.parser import Direction, Section
    from altalune.source import MigrationFile


def parse_file(path: Path, direction: Direction) -> Section:
    """Parse one direction of a migration file, ENVSUB reading the environment."""
    # The parser and its lexer load here, not at start-up: --help needs neither.
    from altalune import source
    from altalune.parser import Section, SQLParser

    parser = SQLParser(direction, env=os.environ, path=str(path))
    statements = tuple(parser.statements(source.read_lines(path)))
    return Section(statements=statements, use_tx=parser.use_tx)


@click.command()
@click.argument("name")
@click.argument("kind", required=False, default="sql", metavar="[sql|go]")
@click.option(
    "-s", "sequential", is_flag=True, help="Number sequentially, not by time."
)
@source_options
@click.pass_context
def create(ctx: click.Context, name: str, kind: str, sequential: bool) -> None:
    """Create a migration file NAME (SQL unless go is asked for)."""
    from altalune import scaffold

    directory = settings(ctx).migrations_dir
    path = scaffold.create(directory, name, kind=kind, sequential=sequential)
    click.echo(f"Created new file: {path}")


@click.command()
@source_options
@click.pass_context
def fix(ctx: click.Context) -> None:
    """Renumber timestamped migrations sequentially, after the newest number."""
    from altalune import scaffold

    for old, new in scaffold.fix(settings(ctx).migrations_dir):
        click.echo(f"RENAMED {Path(old).name} => {Path(new).name}")


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option(
    "--db",
    "against_db",
    is_flag=True,
    help="Also compare the applied files with the checksums in the database.",
)
@json_option
@database_options
@click.pass_context
def validate(
    ctx: click.Context, target: Path | None, against_db: bool, as_json: bool
) -> None:
    """Check names and parse every migration in both directions.

    TARGET is a file or a directory (default: the migrations directory).
    Offline unless --db is given; with --db, exit 1 when an applied file was
    edited or an applied version has no file.
    """
    from altalune import source

    target = target or settings(ctx).migrations_dir
    if target.is_file():
        if against_db:
            raise click.UsageError("--db compares a directory, not one file")
        files = [source.MigrationFile(_version_of(target), target)]
    else:
        files = source.collect(target)
    checked = [_validate_one(migration) for migration in files]
    report = _drift(ctx, target) if against_db else None

    if as_json:
        echo_json(_validate_document(checked, report))
    else:
        if ctx.find_root().meta.get("altalune.verbose"):
            for line in _table(["Type", "Txn", "Up", "Down", "Name"], checked):
                click.echo(line)
        for line in format_drift(report) if report else []:
            click.echo(line)
    if report is not None and report.drift:
        edited = _count(len(report.edited), "file edited", "files edited")
        gone = len(report.applied_without_file)
        unfiled = _count(gone, "applied version", "applied versions")
        raise AltaluneError(f"drift: {edited} after applying, {unfiled} without a file")


def _drift(ctx: click.Context, directory: Path) -> DriftReport:
    # Imported here so that validate without --db never loads psycopg.
    from altalune.runner import Options, Runner

    config = settings(ctx)
    options = Options(
        database_url=database_url(ctx),
        migrations_dir=directory,
        table=config.table,
        connect_timeout=config.connect_timeout,
        wait=config.wait,
    )
    return Runner(options).drift()


def _version_of(path: Path) -> int:
    from altalune import source

    try:
        return source.parse_version(path.name)
    except ValueError as exc:
        raise SourceError(f"{path}: {exc}") from None


@dataclass(frozen=True, slots=True)
class _Checked:
    """One file as validate saw it; the counts are None for Go files."""

    migration: MigrationFile
    use_tx: bool | None = None
    up: int | None = None
    down: int | None = None

    def cells(self) -> list[str]:
        if self.use_tx is None:
            return ["go", "", "", "", self.migration.name]
        txn = "\u2714" if self.use_tx else "\u2718"
        return ["sql", txn, str(self.up), str(self.down), self.migration.name]


def _validate_one(migration: MigrationFile) -> _Checked:
    from altalune.parser import Direction

    if migration.kind != "sql":
        return _Checked(migration)
    up = parse_file(migration.path, Direction.UP)
    down = parse_file(migration.path, Direction.DOWN)
    return _Checked(migration, up.use_tx, len(up.statements), len(down.statements))


def _validate_document(
    checked: list[_Checked], report: DriftReport | None
) -> dict[str, Any]:
    files = [
        {
            "version": c.migration.version,
            "file": c.migration.name,
            "path": str(c.migration.path),
            "type": c.migration.kind,
            "transaction": c.use_tx,
            "up_statements": c.up,
            "down_statements": c.down,
        }
        for c in checked
    ]
    return {"files": files, **drift_document(report)}


def _table(header: list[str], checked: list[_Checked]) -> list[str]:
    rows = [c.cells() for c in checked]
    body = [header, ["\u2500" * len(h) for h in header], *rows]
    widths = [max(len(row[i]) for row in body) for i in range(len(header))]
    return [
        "".join(cell.ljust(w + 3) for cell, w in zip(row, widths, strict=True))
        for row in body
    ]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@source_options
def parse(file: Path, as_json: bool) -> None:
    """Print the statements FILE sends in each direction."""
    from altalune.parser import Direction

    version = _version_of(file)
    sections = {d: parse_file(file, d) for d in Direction}

    if as_json:
        echo_json(
            {
                "version": version,
                **{
                    d.value: {
                        "statements": [s.text for s in section.statements],
                        "transaction": section.use_tx,
                    }
                    for d, section in sections.items()
                },
            }
        )
        return
    for direction, section in sections.items():
        _print_section(file, direction, section)


def _print_section(file: Path, direction: Direction, section: Section) -> None:
    mode = "in one transaction" if section.use_tx else "without a transaction"
    count = len(section.statements)
    click.echo(f"-- {direction.value}: {count} statement(s), {mode}")
    for statement in section.statements:
        click.echo(f"-- {file}:{statement.line}")
        click.echo(statement.text)
    click.echo()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
