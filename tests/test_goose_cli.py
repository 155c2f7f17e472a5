"""altalune-goose: goose's command line, flags, variables and .env."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from altalune.cli.goose import FlagError, split, translate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "altalune-goose"
MIGRATIONS = ROOT / "database" / "migrations"


def goose(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOOSE_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    for path in MIGRATIONS.glob("*.sql"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def versions(url: str, table: str = "goose_db_version") -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(f"SELECT version_id FROM {table} ORDER BY id").fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    ("argv", "flags", "args"),
    [
        pytest.param(["-dir=x", "up"], {"dir": "x"}, ["up"], id="equals"),
        pytest.param(["--dir", "x", "up"], {"dir": "x"}, ["up"], id="double-dash"),
        pytest.param(["up", "-v"], {"v": "true"}, ["up"], id="flag-after-command"),
        pytest.param(["-v=false", "up"], {"v": "false"}, ["up"], id="bool-false"),
        pytest.param(["up", "--", "-x"], {}, ["up", "--", "-x"], id="double-dash-kept"),
    ],
)
def test_flags_parse_as_goose_parses_them(
    argv: list[str], flags: dict[str, str], args: list[str]
) -> None:
    line = split(argv)

    assert (line.flags, line.args) == (flags, args)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["-bogus"], "flag provided but not defined: -bogus", id="unknown"),
        pytest.param(["-dir"], "flag needs an argument: -dir", id="missing-value"),
        pytest.param(
            ["-v=maybe"], 'invalid boolean value "maybe" for -v', id="bad-bool"
        ),
    ],
)
def test_bad_flags_are_refused(argv: list[str], message: str) -> None:
    with pytest.raises(FlagError, match=message):
        split(argv)


def test_translation_uses_goose_defaults_and_variables() -> None:
    line = split(["-allow-missing", "status"])
    environ = {
        "GOOSE_DRIVER": "postgres",
        "GOOSE_DBSTRING": "postgresql://h/d",
        "GOOSE_MIGRATION_DIR": "migrations",
    }

    assert translate(line, environ) == [
        "migrate",
        "status",
        "--database-url",
        "postgresql://h/d",
        "--table",
        "goose_db_version",
        "--dir",
        "migrations",
        "--allow-missing",
    ]


def test_unknown_driver_is_refused_without_echoing_the_dsn() -> None:
    with pytest.raises(FlagError) as caught:
        translate(split(["mysql", "user:secret@/db", "up"]), {})

    assert "secret" not in str(caught.value)
    assert '"mysql": unknown dialect' in str(caught.value)


def test_goose_argument_order_applies_and_reports(
    project_dir: Path, pg_url: str
) -> None:
    done = goose(project_dir, "postgres", pg_url, "up")

    assert done.returncode == 0, done.stderr
    assert (
        "goose: successfully migrated database to version: 20250415120000"
        in done.stdout
    )
    assert versions(pg_url) == [0, 20250301090000, 20250415120000]

    status = goose(project_dir, "-dir=.", "postgres", pg_url, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[2].endswith(
        "-- 20250301090000_create_base_schema.sql"
    )


def test_variables_and_env_file_supply_driver_and_dsn(
    project_dir: Path, pg_url: str
) -> None:
    (project_dir / ".env").write_text(
        f'GOOSE_DRIVER=postgres\nGOOSE_DBSTRING="{pg_url}"\n'
    )

    up = goose(project_dir, "up-by-one")
    down = goose(project_dir, "down", env={"GOOSE_TABLE": "goose_db_version"})
    version = goose(project_dir, "version")

    assert (up.returncode, down.returncode, version.returncode) == (0, 0, 0), up.stderr
    assert version.stdout.strip() == "goose: version 0"
    assert versions(pg_url) == [0]


def test_env_none_ignores_the_env_file(project_dir: Path, pg_url: str) -> None:
    (project_dir / ".env").write_text(
        f"GOOSE_DRIVER=postgres\nGOOSE_DBSTRING={pg_url}\n"
    )

    done = goose(project_dir, "-env=none", "status")

    assert done.returncode == 1
    assert "expected DRIVER DBSTRING COMMAND" in done.stderr


def test_unknown_flag_exits_2(project_dir: Path) -> None:
    done = goose(project_dir, "-bogus", "up")

    assert done.returncode == 2
    assert done.stderr.startswith("flag provided but not defined: -bogus\n")
