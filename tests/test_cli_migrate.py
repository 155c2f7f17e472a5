"""app migrate as a user runs it: exact output lines and exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from altalune.cli import app, run

Invoke = Callable[..., tuple[int, str, str]]

ANSIC = r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(app, ["migrate", "--help"])
    out = capsys.readouterr().out

    assert code == 0
    commands = out.split("Commands:")[1].split()
    for name in [
        "create", "down", "down-to", "fix", "parse", "redo", "reset",
        "status", "up", "up-by-one", "up-to", "validate", "version",
    ]:  # fmt: skip
        assert name in commands


def test_bare_migrate_means_up(cli: Invoke) -> None:
    code, out, err = cli()

    assert code == 0
    assert out == "goose: successfully migrated database to version: 6\n"
    assert re.fullmatch(
        r"(?:(?:OK   |EMPTY )0000\d_\w+\.sql \([\d.]+(?:ns|µs|ms|s)\)\n){6}", err
    ), err


def test_status_and_version_print_goose_lines(cli: Invoke) -> None:
    cli("up-to", "2")

    code, out, _ = cli("status")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "    Applied At                  Migration"
    assert lines[1] == "    " + "=" * 39
    assert re.fullmatch(rf"    {ANSIC} -- 00001_users\.sql", lines[2])
    assert re.fullmatch(rf"    {ANSIC} -- 00002_touch_trigger\.sql", lines[3])
    assert lines[4] == "    Pending                  -- 00003_email_index.sql"
    assert len(lines) == 8

    code, out, _ = cli("version")
    assert (code, out) == (0, "goose: version 2\n")


def test_status_json_document(cli: Invoke) -> None:
    cli("up-by-one")

    code, out, _ = cli("status", "--json")
    document = json.loads(out)

    assert code == 0
    assert document["current_version"] == 1
    first, second = document["migrations"][:2]
    assert first["version"] == 1 and first["file"] == "00001_users.sql"
    assert first["applied"] is True and "T" in first["applied_at"]
    assert second == {
        "version": 2,
        "file": "00002_touch_trigger.sql",
        "applied": False,
        "applied_at": None,
        "checksum": None,
    }


def test_version_json_document(cli: Invoke) -> None:
    cli("up")

    code, out, _ = cli("version", "--json")

    assert (code, json.loads(out)) == (0, {"current_version": 6})


def test_status_exit_code_flags_pending_migrations(cli: Invoke) -> None:
    pending, _, _ = cli("status", "--exit-code")
    cli("up")
    done, _, _ = cli("status", "--exit-code")

    assert (pending, done) == (3, 0)


def test_up_by_one_with_nothing_pending_fails_like_goose(cli: Invoke) -> None:
    cli("up")

    code, _, err = cli("up-by-one")

    assert code == 1
    assert err.endswith("error: no next version found\n")


def test_down_at_version_zero_fails_like_goose(cli: Invoke) -> None:
    code, _, err = cli("down")

    assert code == 1
    assert err == "error: migration 0: no current version found\n"


def test_up_json_lists_what_ran(cli: Invoke) -> None:
    code, out, _ = cli("up-to", "3", "--json", "--skip-sync")
    document = json.loads(out)

    assert code == 0
    assert document["current_version"] == 3
    assert [a["version"] for a in document["applied"]] == [1, 2, 3]
    assert {a["direction"] for a in document["applied"]} == {"up"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["up-to", "abc"], "'abc' is not a valid integer", id="up-to-abc"),
        pytest.param(["upp"], "No such command 'upp'", id="unknown-command"),
        pytest.param(
            ["--timeout", "soon", "up"], "'soon' is not a duration", id="timeout"
        ),
    ],
)
def test_usage_errors_exit_2_in_one_line(
    cli: Invoke, args: list[str], message: str
) -> None:
    code, _, err = cli(*args)

    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_parse_json_prints_exactly_the_documented_shape(
    migrations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        app, ["migrate", "parse", "--json", str(migrations / "00004_settings.sql")]
    )
    document = json.loads(capsys.readouterr().out)

    assert code == 0
    assert list(document) == ["version", "up", "down"]
    assert document["version"] == 4
    for direction in ("up", "down"):
        assert list(document[direction]) == ["statements", "transaction"]
        assert all(isinstance(s, str) for s in document[direction]["statements"])
