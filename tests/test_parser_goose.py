"""The parser against goose's own parser test data (v3.27.3), case by case.

The data lives beside the repository in ``../shared/goose-testdata`` (or
wherever ``ALTALUNE_GOOSE_TESTDATA`` points). Without it this module is
skipped on a developer machine; in CI, or when the variable names a folder
that is not there, the missing data is an error. tests/parser_golden holds
equivalent cases of our own, so the behaviours stay tested either way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from altalune.errors import ParseError
from altalune.parser import Direction, parse_sql

ROOT = Path(__file__).resolve().parent.parent
OVERRIDE = os.environ.get("ALTALUNE_GOOSE_TESTDATA", "")
DATA = Path(OVERRIDE) if OVERRIDE else ROOT.parent / "shared" / "goose-testdata"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")

if not DATA.is_dir():
    reason = f"goose's parser test data not found at {DATA}"
    if IN_CI or OVERRIDE:
        pytest.fail(reason, pytrace=False)
    pytest.skip(f"{reason}; set ALTALUNE_GOOSE_TESTDATA", allow_module_level=True)

# The variables goose's envsub tests set; ANOTHER_VAR, NAME and others are unset.
ENV = {
    "GOOSE_ENV_REGION": "us_east_",
    "GOOSE_ENV_SET_BUT_EMPTY_VALUE": "",
    "GOOSE_ENV_NAME": "foo",
}
# Statement counts from goose's tests, so that a lost case or golden file shows.
UP_COUNTS = {
    "valid-up/test01": 3, "valid-up/test02": 1, "valid-up/test03": 1,
    "valid-up/test04": 3, "valid-up/test05": 2, "valid-up/test06": 5,
    "valid-up/test07": 1, "valid-up/test08": 6, "valid-up/test09": 1,
    "envsub/test01": 4, "envsub/test02": 3, "envsub/test03": 1,
}  # fmt: skip
DOWN_COUNTS = {"envsub/test01": 1, "envsub/test02": 0, "envsub/test03": 0}
USE_TX = {
    "00001_create_users_table.sql": True,
    "00002_rename_root.sql": True,
    "00003_no_transaction.sql": False,
}


def cases(group: str) -> list[str]:
    return sorted(f"{group}/{case.name}" for case in (DATA / group).iterdir())


def check(case: str, direction: Direction) -> None:
    folder = DATA / case
    text = (folder / "input.sql").read_bytes().decode()
    golden = sorted(folder.glob(f"*.{direction.value}.golden.sql"))

    section = parse_sql(text, direction, env=ENV, path=str(folder / "input.sql"))

    assert [s.text for s in section.statements] == [
        file.read_bytes().decode() for file in golden
    ]


def test_every_case_is_known() -> None:
    assert sorted(cases("valid-up") + cases("envsub")) == sorted(UP_COUNTS)
    assert sorted(path.name for path in (DATA / "invalid" / "up").iterdir()) == [
        "a.sql",
        "b.sql",
        "c.sql",
        "d.sql",
    ]
    assert cases("valid-txn") == sorted(f"valid-txn/{name}" for name in USE_TX)


@pytest.mark.parametrize("case", cases("valid-up") + cases("envsub"))
def test_up_statements(case: str) -> None:
    check(case, Direction.UP)
    assert len(list((DATA / case).glob("*.up.golden.sql"))) == UP_COUNTS[case]


@pytest.mark.parametrize("case", cases("envsub"))
def test_down_statements(case: str) -> None:
    check(case, Direction.DOWN)
    assert len(list((DATA / case).glob("*.down.golden.sql"))) == DOWN_COUNTS[case]


@pytest.mark.parametrize("path", sorted((DATA / "invalid" / "up").iterdir()))
def test_invalid_up(path: Path) -> None:
    with pytest.raises(ParseError, match="missing semicolon"):
        parse_sql(path.read_text(), Direction.UP, path=str(path))


@pytest.mark.parametrize("name", sorted(USE_TX))
def test_use_tx(name: str) -> None:
    text = (DATA / "valid-txn" / name).read_text()
    for direction in Direction:
        assert parse_sql(text, direction).use_tx is USE_TX[name]
