"""Checking every planned file before the first one runs.

goose parses a file only when its turn comes, so a typo in the third file
surfaces after the first two are applied. Here each step's file is parsed in
its direction up front, streamed so that a big file is never held whole;
the parse settles the step's transaction mode and the file's checksum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from altalune.checksums import file_sha256
from altalune.errors import ParseError, SourceError
from altalune.parser import SQLParser, Statement
from altalune.plan import Step
from altalune.source import read_lines
from altalune.sqlscan import needs_no_transaction

GO_MIGRATION = (
    "failed to run Go migration: Go functions must be registered and built into a "
    "custom binary (see https://github.com/pressly/goose/tree/master/examples/"
    "go-migrations)"
)


def validate(
    steps: Sequence[Step], *, env: Mapping[str, str] | None = None
) -> tuple[Step, ...]:
    """Return the steps with use_tx and sha256 filled in, or raise on the first
    file that could not run as written."""
    digests: dict[Path, str] = {}
    checked = []
    for step in steps:
        path = step.file.path
        if step.file.kind == "go":
            raise SourceError(f"{path}: {GO_MIGRATION}")
        use_tx = _parse(step, env)
        if path not in digests:
            digests[path] = file_sha256(path)
        checked.append(replace(step, use_tx=use_tx, sha256=digests[path]))
    return tuple(checked)


def _parse(step: Step, env: Mapping[str, str] | None) -> bool:
    """Parse the file in the step's direction; return whether it uses a transaction."""
    path = str(step.file.path)
    parser = SQLParser(step.direction, env=env, path=path)
    refused: tuple[Statement, str] | None = None
    for statement in parser.statements(read_lines(step.file.path)):
        if refused is None:
            command = needs_no_transaction(statement.text)
            if command:
                refused = (statement, command)

    # NO TRANSACTION may come anywhere in the file, so the verdict waits
    # for the end of the parse.
    if parser.use_tx and refused is not None:
        statement, command = refused
        raise ParseError(
            path,
            statement.line,
            f"{command} cannot run inside a transaction; "
            "add '-- +goose NO TRANSACTION' to this file",
        )
    return parser.use_tx
