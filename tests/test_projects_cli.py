"""``app project``, run as users run it: a real process, a real database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from altalune.db import connect
from altalune.projects import DEFAULT_MODULES_CONFIG, PARTITIONED_TABLES

MIGRATIONS = Path(__file__).resolve().parent.parent / "database" / "migrations"
BASE_VERSION = "20250301090000"
CHATBOT = "altalune_chatbot_configs"
PUBLIC_ID = "[23456789abcdefghjklmnpqrstuvwxyz]{14}"


@pytest.fixture
def config(pg_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"database:\n  url: {pg_url}\nmigrations:\n  dir: {MIGRATIONS}\n")
    return path


def app(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The settings must come from the command line and config.yaml only.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GOOSE_DBSTRING", "GOOSE_MIGRATION_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-m", "altalune", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def ok(cwd: Path, *args: str) -> str:
    done = app(cwd, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def scalar(url: str, query: str, *params: object) -> Any:
    with connect(url) as conn:
        row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def migrated(config: Path) -> Path:
    ok(config.parent, "migrate", "-c", str(config))
    return config


def test_create_prints_the_project_and_what_came_with_it(migrated: Path) -> None:
    out = ok(
        migrated.parent, "project", "create", "-c", str(migrated), "--name", "Acme"
    )

    partitions = ", ".join(f"{table}_p1" for table in PARTITIONED_TABLES)
    assert re.fullmatch(
        f"id:              1\n"
        f"public_id:       {PUBLIC_ID}\n"
        f"name:            Acme\n"
        f"environment:     sandbox\n"
        f"timezone:        UTC\n"
        f"partitions:      {partitions}\n"
        f"chatbot_config:  {PUBLIC_ID}\n",
        out,
    ), out


def test_create_json(migrated: Path, pg_url: str) -> None:
    out = ok(
        migrated.parent,
        "project",
        "create",
        "--name",
        "Acme",
        "--description",
        "the first",
        "--timezone",
        "Asia/Jakarta",
        "--environment",
        "live",
        "--json",
        "-c",
        str(migrated),
    )

    document = json.loads(out)
    assert document["id"] == scalar(pg_url, "SELECT id FROM altalune_projects")
    assert re.fullmatch(PUBLIC_ID, document["public_id"])
    assert (document["name"], document["description"]) == ("Acme", "the first")
    assert (document["timezone"], document["environment"]) == ("Asia/Jakarta", "live")
    assert document["partitions"] == [
        f"{t}_p{document['id']}" for t in PARTITIONED_TABLES
    ]
    assert document["chatbot_config"]["modules_config"] == DEFAULT_MODULES_CONFIG


def test_list(migrated: Path) -> None:
    cwd, cfg = migrated.parent, str(migrated)
    assert app(cwd, "project", "list", "-c", cfg).stderr == "no projects\n"
    ok(cwd, "project", "create", "-c", cfg, "--name", "Acme")
    ok(cwd, "project", "create", "-c", cfg, "--name", "Beta", "--environment", "live")

    lines = ok(cwd, "project", "-c", cfg, "list").splitlines()
    listed = json.loads(ok(cwd, "project", "list", "--json", "-c", cfg))

    assert re.split(r"\s{2,}", lines[0]) == [
        "ID",
        "PUBLIC ID",
        "NAME",
        "ENVIRONMENT",
        "TIMEZONE",
        "CREATED AT",
    ]
    assert [line.split()[:4] for line in lines[1:]] == [
        ["1", listed[0]["public_id"], "Acme", "sandbox"],
        ["2", listed[1]["public_id"], "Beta", "live"],
    ]
    assert [p["name"] for p in listed] == ["Acme", "Beta"]


def test_config_prints_the_projects_chatbot_config(migrated: Path) -> None:
    cwd, cfg = migrated.parent, str(migrated)
    created = json.loads(
        ok(cwd, "project", "create", "-c", cfg, "--name", "A", "--json")
    )

    shown = json.loads(
        ok(cwd, "project", "config", created["public_id"], "-c", cfg, "--json")
    )
    text = ok(cwd, "project", "config", created["public_id"], "-c", cfg)

    assert shown == {
        "public_id": created["chatbot_config"]["public_id"],
        "project_id": created["id"],
        "modules_config": DEFAULT_MODULES_CONFIG,
    }
    assert text.startswith(f"public_id:       {shown['public_id']}\nproject_id:      ")
    assert json.loads(text.split("modules_config:  ", 1)[1]) == DEFAULT_MODULES_CONFIG


def test_migrate_syncs_a_project_created_before_the_chatbot_migration(
    config: Path, pg_url: str
) -> None:
    cwd, cfg = config.parent, str(config)
    ok(cwd, "migrate", "-c", cfg, "up-to", BASE_VERSION)
    old = json.loads(ok(cwd, "project", "create", "-c", cfg, "--name", "Old", "--json"))
    assert old["chatbot_config"] is None

    ok(cwd, "migrate", "-c", cfg)

    assert scalar(
        pg_url, "SELECT to_regclass(%s) IS NOT NULL", f"{CHATBOT}_p{old['id']}"
    )
    assert (
        scalar(
            pg_url,
            f"SELECT modules_config FROM {CHATBOT} WHERE project_id = %s",
            old["id"],
        )
        == DEFAULT_MODULES_CONFIG
    )


def test_skip_sync_leaves_the_gap_to_project_sync(config: Path, pg_url: str) -> None:
    cwd, cfg = config.parent, str(config)
    ok(cwd, "migrate", "-c", cfg, "up-to", BASE_VERSION)
    ok(cwd, "project", "create", "-c", cfg, "--name", "Old")

    ok(cwd, "migrate", "-c", cfg, "--skip-sync")
    assert scalar(pg_url, f"SELECT count(*) FROM {CHATBOT}") == 0
    synced = ok(cwd, "project", "sync", "-c", cfg).splitlines()
    again = json.loads(ok(cwd, "project", "sync", "-c", cfg, "--json"))

    assert synced[0] == f"created partition {CHATBOT}_p1"
    assert re.fullmatch(f"created chatbot config {PUBLIC_ID} for project 1", synced[1])
    assert synced[2:] == ["sync: created 1 partition and 1 chatbot config"]
    assert again == {"partitions": [], "chatbot_configs": []}
    assert scalar(pg_url, f"SELECT count(*) FROM {CHATBOT}") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--name", "Acme"], "error: a project named 'Acme' already exists"),
        (
            ["create", "--name", "x" * 51],
            f"error: project name {'x' * 51!r} is 51 characters long; "
            "expected at most 50",
        ),
        (
            ["create", "--name", "New", "--environment", "prod"],
            "error: unknown environment 'prod'; expected one of sandbox, live",
        ),
        (["config", "nope"], "error: no project with public id 'nope'"),
    ],
    ids=["duplicate-name", "long-name", "environment", "unknown-public-id"],
)
def test_bad_input_is_one_line_exit_1_and_writes_nothing(
    migrated: Path, pg_url: str, args: list[str], message: str
) -> None:
    ok(migrated.parent, "project", "create", "-c", str(migrated), "--name", "Acme")

    done = app(migrated.parent, "project", *args, "-c", str(migrated))

    assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n")
    assert scalar(pg_url, "SELECT count(*) FROM altalune_projects") == 1
    assert scalar(pg_url, f"SELECT count(*) FROM {CHATBOT}") == 1


@pytest.mark.parametrize(
    "args",
    [["create"], ["create", "--name"], ["create", "--name", "A", "--color", "red"]],
    ids=["no-name", "name-without-value", "unknown-flag"],
)
def test_flag_errors_exit_2(migrated: Path, pg_url: str, args: list[str]) -> None:
    done = app(migrated.parent, "project", *args, "-c", str(migrated))

    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert scalar(pg_url, "SELECT count(*) FROM altalune_projects") == 0


def test_sync_before_any_migration_says_what_to_do(pg_url: str, tmp_path: Path) -> None:
    done = app(tmp_path, "project", "sync", "--database-url", pg_url)

    assert done.returncode == 1
    assert done.stderr == (
        'error: relation "altalune_projects" does not exist;'
        " run 'app migrate up' first\n"
    )
