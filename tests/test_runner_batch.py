"""Pure parts of the runner: chunks, error positions, plans and goose's text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from altalune.batch import chunks, line_of
from altalune.errors import NoVersionError
from altalune.parser import Direction, Statement
from altalune.plan import plan_down_to, plan_reset, plan_up
from altalune.results import (
    RunResult,
    StatusResult,
    StatusRow,
    format_ansic,
    format_status,
    format_summary,
)
from altalune.source import MigrationFile
from altalune.store import History, Row


def _statements(count: int, width: int) -> list[Statement]:
    return [Statement("x" * width, 10 * n + 1) for n in range(count)]


def test_chunks_close_once_full_and_mark_the_last() -> None:
    found = list(chunks(_statements(10, 97), size=300))

    # Each statement costs 100 characters with its "\n;\n" separator.
    assert [len(c.statements) for c in found] == [3, 3, 3, 1]
    assert [c.last for c in found] == [False, False, False, True]
    assert [c.index for c in found] == [0, 1, 2, 3]
    assert found[1].text() == ("x" * 97 + "\n;\n") * 3


def test_an_empty_file_is_one_empty_last_chunk() -> None:
    found = list(chunks([], size=300))

    assert [(c.statements, c.last, c.text()) for c in found] == [([], True, "")]


def test_a_statement_bigger_than_a_chunk_travels_alone() -> None:
    found = list(chunks(_statements(3, 1000), size=300))

    assert [len(c.statements) for c in found] == [1, 1, 1]


@pytest.mark.parametrize(
    ("position", "line"),
    [
        (None, None),
        ("8", 20),  # first character of the first statement, after "BEGIN;\n"
        ("15", 21),  # its second line
        ("18", 22),  # its third line
        ("20", 22),  # the ";" we added after it belongs to its last line
        ("22", 40),  # the next statement
        ("40", None),  # past the statements: the version row
    ],
)
def test_positions_map_to_file_lines(position: str | None, line: int | None) -> None:
    statements = [Statement("SELECT\n1,\n2", 20), Statement("SELECT 3", 40)]
    chunk = next(chunks(statements))
    head = len("BEGIN;\n")

    assert chunk.line_at(position, head) == line


def test_position_within_one_statement() -> None:
    statement = Statement("CREATE TABLE t (\n  a int,\n  b nosuch\n)", 7)

    assert line_of(statement, None) == 7
    assert line_of(statement, str(statement.text.index("nosuch") + 1)) == 9


def test_ansic_pads_the_day_like_go() -> None:
    assert format_ansic(datetime(2024, 1, 2, 3, 4, 5)) == "Tue Jan  2 03:04:05 2024"
    assert (
        format_ansic(datetime(2023, 12, 31, 23, 59, 59)) == "Sun Dec 31 23:59:59 2023"
    )


def test_status_lines_are_gooses() -> None:
    result = StatusResult(
        (
            StatusRow(1, "00001_a.sql", True, datetime(2024, 1, 2, 3, 4, 5)),
            StatusRow(2, "00002_b.sql", True, None),
            StatusRow(3, "00003_c.sql", False, None),
        ),
        current_version=2,
    )

    assert format_status(result) == [
        "    Applied At                  Migration",
        "    =======================================",
        "    Tue Jan  2 03:04:05 2024 -- 00001_a.sql",
        "    (no timestamp)           -- 00002_b.sql",
        "    Pending                  -- 00003_c.sql",
    ]


def test_summary_only_when_goose_prints_one() -> None:
    assert format_summary(RunResult((), 3, "")) == []
    assert format_summary(
        RunResult((), 3, "no migrations to run. current version: 3")
    ) == ["goose: no migrations to run. current version: 3"]


def _files(*versions: int) -> list[MigrationFile]:
    return [MigrationFile(v, Path(f"m/{v:05d}_x.sql")) for v in versions]


def _applied(*versions: int) -> History:
    return History(Row(i, v, True, None) for i, v in enumerate((0, *versions), 1))


def test_up_skips_known_versions_even_when_unapplied() -> None:
    history = History(
        [Row(1, 0, True, None), Row(2, 1, True, None), Row(3, 2, False, None)]
    )

    plan = plan_up(_files(1, 2, 3), history, target=10)

    assert [s.file.version for s in plan.steps] == [3]
    assert plan.message == "successfully migrated database to version: 3"


def test_up_by_one_with_nothing_to_do_fails_after_its_message() -> None:
    plan = plan_up(_files(1), _applied(1), target=10, by_one=True)

    assert plan.steps == ()
    assert plan.message == "no migrations to run. current version: 1"
    assert isinstance(plan.failure, NoVersionError)
    assert str(plan.failure) == "no next version found"


def test_down_to_walks_application_order() -> None:
    plan = plan_down_to(_files(1, 2, 3, 4), _applied(1, 4, 2, 3), 1)

    assert [s.file.version for s in plan.steps] == [3, 2, 4]
    assert all(s.direction is Direction.DOWN for s in plan.steps)
    assert plan.message == "no migrations to run. current version: 1"


def test_reset_walks_versions_and_skips_unapplied() -> None:
    history = History(
        [
            Row(1, 0, True, None),
            Row(2, 3, True, None),
            Row(3, 1, True, None),
            Row(4, 2, True, None),
            Row(5, 2, False, None),
        ]
    )

    plan = plan_reset(_files(1, 2, 3), history)

    assert [s.file.version for s in plan.steps] == [3, 1]
