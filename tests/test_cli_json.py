"""Every ``app migrate ... --json`` document, parsed and checked key by key.

The shapes are the ones the README documents under "JSON output".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from altalune.parser import Direction, parse_sql

Invoke = Callable[..., dict[str, Any]]

APPLIED_KEYS = ["version", "file", "direction", "duration_seconds", "empty"]
STATUS_KEYS = ["version", "file", "applied", "applied_at", "checksum"]


@pytest.fixture
def cli(cli: Callable[..., tuple[int, str, str]]) -> Invoke:
    """Run a command with --json; return its document, checking it is one."""

    def invoke(*args: str, code: int = 0) -> dict[str, Any]:
        done, out, _ = cli(*args, "--json")
        assert done == code, out
        document = json.loads(out)
        assert isinstance(document, dict)
        return document

    return invoke


def _moves(document: dict[str, Any]) -> list[tuple[int, str]]:
    for applied in document["applied"]:
        assert list(applied) == APPLIED_KEYS
        assert isinstance(applied["duration_seconds"], float)
        assert isinstance(applied["empty"], bool)
    return [(a["version"], a["direction"]) for a in document["applied"]]


def test_every_applying_command_prints_the_run_document(cli: Invoke) -> None:
    up_to = cli("up-to", "2", "--skip-sync")
    by_one = cli("up-by-one", "--skip-sync")
    up = cli("up")
    down = cli("down")
    down_to = cli("down-to", "4")
    redo = cli("redo")
    reset = cli("reset")

    for document in (up_to, by_one, down, down_to, redo, reset):
        assert list(document) == ["applied", "current_version"]
    assert list(up) == ["applied", "current_version", "sync"]
    assert up["sync"] == {"partitions": [], "chatbot_configs": []}
    assert (_moves(up_to), up_to["current_version"]) == ([(1, "up"), (2, "up")], 2)
    assert (_moves(by_one), by_one["current_version"]) == ([(3, "up")], 3)
    assert _moves(up) == [(4, "up"), (5, "up"), (6, "up")]
    assert up["applied"][-1]["empty"] is True
    assert (_moves(down), down["current_version"]) == ([(6, "down")], 5)
    assert (_moves(down_to), down_to["current_version"]) == ([(5, "down")], 4)
    assert _moves(redo) == [(4, "down"), (4, "up")]
    assert _moves(reset) == [(4, "down"), (3, "down"), (2, "down"), (1, "down")]
    assert reset["current_version"] == 0


def test_version_document(cli: Invoke) -> None:
    cli("up-to", "3", "--skip-sync")

    assert cli("version") == {"current_version": 3}


def test_status_document_marks_drift(cli: Invoke, migrations: Path) -> None:
    cli("up-to", "4", "--skip-sync")
    with (migrations / "00002_touch_trigger.sql").open("a") as stream:
        stream.write("-- edited\n")
    (migrations / "00004_settings.sql").unlink()

    document = cli("status")

    assert list(document) == ["current_version", "migrations", "applied_without_file"]
    assert document["current_version"] == 4
    rows = document["migrations"]
    assert all(list(row) == STATUS_KEYS for row in rows)
    assert [(r["version"], r["applied"], r["checksum"]) for r in rows] == [
        (1, True, "match"),
        (2, True, "edited"),
        (3, True, "match"),
        (5, False, None),
        (6, False, None),
    ]
    assert rows[0]["file"] == "00001_users.sql"
    assert isinstance(datetime.fromisoformat(rows[0]["applied_at"]), datetime)
    assert rows[3]["applied_at"] is None
    (gone,) = document["applied_without_file"]
    assert list(gone) == ["version", "applied_at", "recorded_file"]
    assert (gone["version"], gone["recorded_file"]) == (4, "00004_settings.sql")
    assert isinstance(datetime.fromisoformat(gone["applied_at"]), datetime)


def test_validate_document_offline_and_against_the_database(
    cli: Invoke, migrations: Path
) -> None:
    offline = cli("validate")
    cli("up-to", "3", "--skip-sync")
    edited = migrations / "00003_email_index.sql"
    recorded = hashlib.sha256(edited.read_bytes()).hexdigest()
    edited.write_text(edited.read_text() + "\n")
    checked = cli("validate", "--db", code=1)

    keys = ["files", "database", "drift", "edited"]
    keys += ["applied_without_file", "without_checksum"]
    assert list(offline) == keys
    assert list(checked) == keys
    assert offline["files"][2] == {
        "version": 3,
        "file": "00003_email_index.sql",
        "path": str(edited),
        "type": "sql",
        "transaction": False,
        "up_statements": 1,
        "down_statements": 1,
    }
    assert offline["files"] == checked["files"]
    assert [offline[k] for k in keys[1:]] == [False, None, None, None, None]
    assert (checked["database"], checked["drift"]) == (True, True)
    assert checked["edited"] == [
        {
            "version": 3,
            "path": str(edited),
            "recorded_sha256": recorded,
            "file_sha256": hashlib.sha256(edited.read_bytes()).hexdigest(),
        }
    ]
    assert (checked["applied_without_file"], checked["without_checksum"]) == ([], [])


def test_dry_run_document(cli: Invoke, migrations: Path) -> None:
    cli("up-to", "2", "--skip-sync")

    document = cli("up-to", "4", "--dry-run")

    assert list(document) == ["dry_run", "setup", "steps", "current_version"]
    assert (document["dry_run"], document["setup"]) == (True, [])
    assert document["current_version"] == 4
    keys = ["version", "file", "direction", "transaction", "statements"]
    assert all(list(step) == [*keys, "version_sql"] for step in document["steps"])
    third, fourth = document["steps"]
    assert (third["version"], third["transaction"]) == (3, False)
    assert (fourth["version"], fourth["transaction"]) == (4, True)
    assert third["direction"] == "up"
    path = migrations / "00003_email_index.sql"
    section = parse_sql(path.read_text(), Direction.UP)
    assert third["statements"] == [s.text for s in section.statements]
    assert third["version_sql"].startswith(
        'INSERT INTO "goose_db_version" (version_id, is_applied) VALUES (3, true);\n'
        'INSERT INTO "goose_db_version_checksums"'
    )
    assert fourth["statements"][0].startswith("CREATE TABLE settings")
