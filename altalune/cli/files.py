"""``app migrate`` commands that work on files only: create, fix, validate, parse."""

from __future__ import annotations

import os
from pathlib import Path

import click

from altalune import scaffold, source
from altalune.cli.common import echo_json, json_option, settings, source_options
from altalune.errors import SourceError
from altalune.parser import Direction, Section, SQLParser


def parse_file(path: Path, direction: Direction) -> Section:
    """Parse one direction of a migration file, ENVSUB reading the environment."""
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
    directory = settings(ctx).migrations_dir
    path = scaffold.create(directory, name, kind=kind, sequential=sequential)
    click.echo(f"Created new file: {path}")


@click.command()
@source_options
@click.pass_context
def fix(ctx: click.Context) -> None:
    """Renumber timestamped migrations sequentially, after the newest number."""
    for old, new in scaffold.fix(settings(ctx).migrations_dir):
        click.echo(f"RENAMED {Path(old).name} => {Path(new).name}")


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@source_options
@click.pass_context
def validate(ctx: click.Context, target: Path | None) -> None:
    """Check names and parse every migration in both directions, offline.

    TARGET is a file or a directory (default: the migrations directory).
    """
    target = target or settings(ctx).migrations_dir
    if target.is_file():
        files = [source.MigrationFile(_version_of(target), target)]
    else:
        files = source.collect(target)

    rows = [_validate_one(migration) for migration in files]
    if ctx.find_root().meta.get("altalune.verbose"):
        for line in _table(["Type", "Txn", "Up", "Down", "Name"], rows):
            click.echo(line)


def _version_of(path: Path) -> int:
    try:
        return source.parse_version(path.name)
    except ValueError as exc:
        raise SourceError(f"{path}: {exc}") from None


def _validate_one(migration: source.MigrationFile) -> list[str]:
    if migration.kind != "sql":
        return ["go", "", "", "", migration.name]
    up = parse_file(migration.path, Direction.UP)
    down = parse_file(migration.path, Direction.DOWN)
    txn = "\u2714" if up.use_tx else "\u2718"
    return [
        "sql",
        txn,
        str(len(up.statements)),
        str(len(down.statements)),
        migration.name,
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
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
