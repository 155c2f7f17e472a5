"""The migrations in database/migrations, run against a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from altalune.db import connect
from altalune.projects import PARTITIONED_TABLES, create_project, sync
from altalune.runner import Options, Runner

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "database" / "migrations"
BASE_VERSION = 20250301090000
CHATBOT_VERSION = 20250415120000
CHATBOT = "altalune_chatbot_configs"

INDEXES = {
    "ux_altalune_chatbot_configs_public_id": (
        "CREATE UNIQUE INDEX ux_altalune_chatbot_configs_public_id"
        " ON ONLY public.altalune_chatbot_configs USING btree (project_id, public_id)"
    ),
    "ux_altalune_chatbot_configs_project_id": (
        "CREATE UNIQUE INDEX ux_altalune_chatbot_configs_project_id"
        " ON ONLY public.altalune_chatbot_configs USING btree (project_id)"
    ),
}
CASCADING_FK = (
    "FOREIGN KEY (project_id) REFERENCES altalune_projects(id)"
    " ON UPDATE CASCADE ON DELETE CASCADE"
)


def runner(url: str, *, no_versioning: bool = False) -> Runner:
    return Runner(
        Options(
            database_url=url, migrations_dir=MIGRATIONS, no_versioning=no_versioning
        )
    )


def rows(url: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with connect(url) as conn:
        return conn.execute(query, params).fetchall()


def tables(url: str) -> set[str]:
    found = rows(url, "SELECT relname FROM pg_class WHERE relname LIKE 'altalune%%'")
    return {name for (name,) in found}


def partition_keys(url: str) -> dict[str, str]:
    found = rows(
        url,
        "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_class AS c"
        " WHERE c.relkind = 'p' AND c.relname LIKE 'altalune%%'",
    )
    return dict(found)


def foreign_keys(url: str, table: str) -> list[str]:
    found = rows(
        url,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f'",
        table,
    )
    return [definition for (definition,) in found]


def test_migrate_builds_the_whole_schema_on_an_empty_database(
    pg_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: {pg_url}\nmigrations:\n  dir: {MIGRATIONS}\n")

    done = subprocess.run(
        [sys.executable, "-m", "altalune", "migrate", "-c", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert partition_keys(pg_url) == dict.fromkeys(
        PARTITIONED_TABLES, "LIST (project_id)"
    )
    indexes = rows(
        pg_url,
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE tablename = %s AND indexname LIKE 'ux_%%'",
        CHATBOT,
    )
    assert dict(indexes) == INDEXES
    for table in PARTITIONED_TABLES:
        assert foreign_keys(pg_url, table) == [CASCADING_FK]
        assert rows(
            pg_url,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'p'",
            table,
        ) == [("PRIMARY KEY (project_id, id)",)]


def test_the_projects_table(pg_url: str) -> None:
    runner(pg_url).up()

    columns = rows(
        pg_url,
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " pg_get_expr(d.adbin, d.adrelid)"
        " FROM pg_attribute AS a LEFT JOIN pg_attrdef AS d"
        " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        " WHERE a.attrelid = 'altalune_projects'::regclass AND a.attnum > 0"
        " AND NOT a.attisdropped ORDER BY a.attnum",
    )
    constraints = rows(
        pg_url,
        # PostgreSQL 18 also lists NOT NULL constraints (contype 'n'); the
        # columns query covers those already.
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'altalune_projects'::regclass AND contype <> 'n'"
        " ORDER BY conname",
    )

    varchar = "character varying"
    assert columns == [
        ("id", "bigint", True, None),
        ("public_id", f"{varchar}(20)", True, None),
        ("name", f"{varchar}(50)", True, None),
        ("description", f"{varchar}(100)", False, None),
        ("timezone", f"{varchar}(50)", True, f"'UTC'::{varchar}"),
        ("environment", f"{varchar}(10)", True, f"'sandbox'::{varchar}"),
        ("is_default", "boolean", True, "false"),
        ("created_at", "timestamp with time zone", True, "CURRENT_TIMESTAMP"),
        ("updated_at", "timestamp with time zone", True, "CURRENT_TIMESTAMP"),
    ]
    assert constraints == [
        ("altalune_projects_pkey", "PRIMARY KEY (id)"),
        (
            "ck_altalune_projects_environment",
            f"CHECK (((environment)::text = ANY ((ARRAY['live'::{varchar},"
            f" 'sandbox'::{varchar}])::text[])))",
        ),
        ("ux_altalune_projects_name", "UNIQUE (name)"),
        ("ux_altalune_projects_public_id", "UNIQUE (public_id)"),
    ]


@pytest.mark.parametrize("environment", ["staging", ""])
def test_the_projects_table_refuses_an_unknown_environment(
    pg_url: str, environment: str
) -> None:
    runner(pg_url).up()

    with connect(pg_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO altalune_projects (public_id, name, environment)"
            " VALUES ('p', 'n', %s)",
            (environment,),
        )


def test_rolling_back_the_chatbot_migration_drops_its_partitions_too(
    pg_url: str,
) -> None:
    runner(pg_url).up()
    with connect(pg_url) as conn:
        ids = [create_project(conn, name).project.id for name in ("a", "b")]

    result = runner(pg_url).down()

    assert [a.version for a in result.applied] == [CHATBOT_VERSION]
    assert not {t for t in tables(pg_url) if t.startswith(CHATBOT)}
    assert {f"altalune_project_api_keys_p{i}" for i in ids} <= tables(pg_url)

    runner(pg_url).up()
    with connect(pg_url) as conn:
        synced = sync(conn)
    assert [p.name for p in synced.partitions] == [f"{CHATBOT}_p{i}" for i in ids]
    assert [c.project_id for c in synced.chatbot_configs] == ids


def test_every_up_and_down_is_safe_to_run_twice(pg_url: str) -> None:
    runner(pg_url).up()
    with connect(pg_url) as conn:
        create_project(conn, "Acme")
    before = tables(pg_url)

    runner(pg_url, no_versioning=True).up()
    assert tables(pg_url) == before

    runner(pg_url).down()
    runner(pg_url, no_versioning=True).down_to(BASE_VERSION)
    assert tables(pg_url) == {t for t in before if not t.startswith(CHATBOT)}

    runner(pg_url).down()
    runner(pg_url, no_versioning=True).down_to(0)
    assert tables(pg_url) == set()


def test_the_base_up_partitions_projects_that_already_exist(pg_url: str) -> None:
    runner(pg_url).up_to(BASE_VERSION)
    with connect(pg_url) as conn:
        conn.execute(
            "INSERT INTO altalune_projects (id, public_id, name)"
            " VALUES (7, 'p7', 'seven'), (9, 'p9', 'nine')"
        )

    runner(pg_url, no_versioning=True).up_to(BASE_VERSION)

    assert {
        "altalune_project_api_keys_p7",
        "altalune_project_api_keys_p9",
        "altalune_example_employees_p7",
        "altalune_example_employees_p9",
    } <= tables(pg_url)
