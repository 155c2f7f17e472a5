"""The project repository against a real PostgreSQL: create, sync, configs."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from altalune.db import connect
from altalune.errors import AltaluneError
from altalune.projects import (
    DEFAULT_MODULES_CONFIG,
    PARTITIONED_TABLES,
    Partition,
    ProjectError,
    chatbot_config,
    create_project,
    ensure_default_config,
    list_projects,
    partition_name,
    sync,
)
from altalune.projects.partitions import Missing, batches
from altalune.runner import Options, Runner

MIGRATIONS = Path(__file__).resolve().parent.parent / "database" / "migrations"
BASE_VERSION = 20250301090000
CHATBOT = "altalune_chatbot_configs"
PUBLIC_ID = re.compile(r"[23456789abcdefghjklmnpqrstuvwxyz]{14}")

# The default, as text: the stored jsonb must equal it exactly.
DEFAULT_JSON = """
{"llm": {"enabled": false, "model": "", "temperature": 0.7, "maxToolCalls": 5},
 "mcpServer": {"enabled": false, "urls": [], "structuredOutputs": []},
 "widget": {"enabled": false, "cors": {"allowedOrigins": [],
            "allowedHeaders": ["Content-Type"], "credentials": false}},
 "prompt": {"enabled": true, "systemPrompt": "You are a helpful assistant."}}
"""


def migrate(url: str, target: int | None = None) -> None:
    runner = Runner(Options(database_url=url, migrations_dir=MIGRATIONS))
    if target is None:
        runner.up()
    else:
        runner.up_to(target)


@pytest.fixture
def conn(pg_url: str) -> Iterator[psycopg.Connection[Any]]:
    migrate(pg_url)
    with connect(pg_url) as connection:
        yield connection


@pytest.fixture
def base_conn(pg_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A database at the version before the chatbot migration."""
    migrate(pg_url, BASE_VERSION)
    with connect(pg_url) as connection:
        yield connection


def scalar(conn: psycopg.Connection[Any], query: str, *params: object) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def partitions_of(conn: psycopg.Connection[Any], parent: str) -> dict[str, str]:
    """Each partition of *parent* with its bound, e.g. FOR VALUES IN ('1')."""
    rows = conn.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)"
        " FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = %s::regclass",
        (parent,),
    ).fetchall()
    return dict(rows)


def configs_per_project(conn: psycopg.Connection[Any]) -> dict[int, int]:
    rows = conn.execute(
        f"SELECT project_id, count(*) FROM {CHATBOT} GROUP BY project_id"
    ).fetchall()
    return dict(rows)


def test_create_gives_a_partition_of_every_table_and_the_default_config(
    conn: psycopg.Connection[Any],
) -> None:
    created = create_project(conn, "Acme", description="first", timezone="Asia/Jakarta")

    project = created.project
    assert (project.name, project.description) == ("Acme", "first")
    assert (project.timezone, project.environment) == ("Asia/Jakarta", "sandbox")
    assert PUBLIC_ID.fullmatch(project.public_id)
    assert [p.table for p in created.partitions] == list(PARTITIONED_TABLES)
    for table in PARTITIONED_TABLES:
        assert partitions_of(conn, table) == {
            partition_name(table, project.id): f"FOR VALUES IN ('{project.id}')"
        }

    config = created.chatbot_config
    assert config is not None
    assert PUBLIC_ID.fullmatch(config.public_id)
    assert config.modules_config == DEFAULT_MODULES_CONFIG
    assert scalar(
        conn,
        f"SELECT modules_config = %s::jsonb FROM {CHATBOT} WHERE project_id = %s",
        DEFAULT_JSON,
        project.id,
    )


def test_the_default_config_constant_is_the_documented_json() -> None:
    assert json.loads(DEFAULT_JSON) == DEFAULT_MODULES_CONFIG


def test_create_leaves_the_connection_idle_and_usable(
    conn: psycopg.Connection[Any],
) -> None:
    create_project(conn, "Acme")

    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert scalar(conn, "SELECT pg_try_advisory_xact_lock(1)") is True
    assert [p.name for p in list_projects(conn)] == ["Acme"]


def test_list_returns_projects_oldest_first(conn: psycopg.Connection[Any]) -> None:
    for name in ("b", "a", "c"):
        create_project(conn, name, environment="live")

    projects = list_projects(conn)

    assert [p.name for p in projects] == ["b", "a", "c"]
    assert [p.environment for p in projects] == ["live"] * 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x" * 51}, "project name 'xxx"),
        ({"name": "  "}, "project name must not be empty"),
        ({"name": "ok", "description": "d" * 101}, "is 101 characters long"),
        ({"name": "ok", "timezone": "t" * 51}, "expected at most 50"),
        (
            {"name": "ok", "environment": "production"},
            "unknown environment 'production'; expected one of sandbox, live",
        ),
    ],
    ids=["long-name", "blank-name", "long-description", "long-timezone", "environment"],
)
def test_bad_input_is_refused_before_anything_is_written(
    conn: psycopg.Connection[Any], fields: dict[str, str], message: str
) -> None:
    with pytest.raises(ProjectError, match=re.escape(message)):
        create_project(conn, **fields)

    assert scalar(conn, "SELECT count(*) FROM altalune_projects") == 0


def test_duplicate_name_is_refused_and_writes_nothing(
    conn: psycopg.Connection[Any],
) -> None:
    create_project(conn, "Acme")

    with pytest.raises(ProjectError, match=r"^a project named 'Acme' already exists$"):
        create_project(conn, "Acme")

    assert scalar(conn, "SELECT count(*) FROM altalune_projects") == 1
    assert len(partitions_of(conn, CHATBOT)) == 1
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_a_failing_partition_rolls_back_the_whole_project(
    conn: psycopg.Connection[Any],
) -> None:
    # A partition that already claims the next ids makes the chatbot DDL fail
    # after the project row and its first partitions were written.
    ids = ", ".join(str(n) for n in range(1, 50))
    conn.execute(f"CREATE TABLE blocker PARTITION OF {CHATBOT} FOR VALUES IN ({ids})")

    with pytest.raises(AltaluneError, match="would overlap"):
        create_project(conn, "Acme")

    assert scalar(conn, "SELECT count(*) FROM altalune_projects") == 0
    for table in PARTITIONED_TABLES[:-1]:
        assert partitions_of(conn, table) == {}
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_create_skips_a_table_whose_migration_has_not_run(
    base_conn: psycopg.Connection[Any],
) -> None:
    created = create_project(base_conn, "Acme")

    assert [p.table for p in created.partitions] == list(PARTITIONED_TABLES[:-1])
    assert created.chatbot_config is None
    assert scalar(base_conn, "SELECT to_regclass(%s)", CHATBOT) is None


def test_sync_gives_older_projects_the_chatbot_partition_and_config(
    pg_url: str, base_conn: psycopg.Connection[Any]
) -> None:
    old = [create_project(base_conn, name).project.id for name in ("a", "b")]
    migrate(pg_url)

    result = sync(base_conn)

    assert [(p.project_id, p.table) for p in result.partitions] == [
        (old[0], CHATBOT),
        (old[1], CHATBOT),
    ]
    assert [c.project_id for c in result.chatbot_configs] == old
    assert all(
        c.modules_config == DEFAULT_MODULES_CONFIG for c in result.chatbot_configs
    )
    assert configs_per_project(base_conn) == {old[0]: 1, old[1]: 1}


def test_sync_twice_leaves_one_config_per_project(
    conn: psycopg.Connection[Any],
) -> None:
    ids = [create_project(conn, name).project.id for name in ("a", "b", "c")]
    conn.execute(f"DELETE FROM {CHATBOT} WHERE project_id = %s", (ids[1],))

    first = sync(conn)
    second = sync(conn)

    assert [c.project_id for c in first.chatbot_configs] == [ids[1]]
    assert first.partitions == ()
    assert not second.changed
    assert configs_per_project(conn) == dict.fromkeys(ids, 1)


def test_sync_fills_every_gap_in_several_transactions(
    conn: psycopg.Connection[Any],
) -> None:
    # Rows written behind the repository's back have no partitions at all;
    # 150 projects need 600 changes, more than one transaction takes.
    conn.execute(
        "INSERT INTO altalune_projects (public_id, name)"
        " SELECT 'p' || g, 'project ' || g FROM generate_series(1, 150) AS g"
    )

    result = sync(conn)

    assert len(result.partitions) == 150 * len(PARTITIONED_TABLES)
    assert len(result.chatbot_configs) == 150
    for table in PARTITIONED_TABLES:
        assert len(partitions_of(conn, table)) == 150
    assert set(configs_per_project(conn).values()) == {1}
    assert not sync(conn).changed


def test_batches_never_split_a_project() -> None:
    a, b = PARTITIONED_TABLES[:2]
    missing = Missing(
        (Partition(1, a), Partition(1, b), Partition(2, a)),
        (1, 2, 3),
    )

    assert list(batches(missing, size=2)) == [
        Missing((Partition(1, a), Partition(1, b)), (1,)),
        Missing((Partition(2, a),), (2,)),
        Missing((), (3,)),
    ]
    assert list(batches(Missing(), size=2)) == []


def test_sync_without_the_projects_table_is_not_ready(pg_url: str) -> None:
    with connect(pg_url) as conn:
        result = sync(conn)

        assert not result.ready
        assert not result.changed
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with pytest.raises(ProjectError, match="run 'app migrate up' first"):
            create_project(conn, "Acme")


def test_a_table_that_is_not_partitioned_is_reported(
    base_conn: psycopg.Connection[Any],
) -> None:
    base_conn.execute(f"CREATE TABLE {CHATBOT} (id bigint)")

    with pytest.raises(
        ProjectError, match=f"table public.{CHATBOT} is not partitioned"
    ):
        create_project(base_conn, "Acme")

    assert scalar(base_conn, "SELECT count(*) FROM altalune_projects") == 0


def test_ensure_default_config_is_idempotent(conn: psycopg.Connection[Any]) -> None:
    project = create_project(conn, "Acme").project
    conn.execute(f"DELETE FROM {CHATBOT}")

    first = ensure_default_config(conn, project.id)
    second = ensure_default_config(conn, project.id)

    assert first == second
    assert first.modules_config == DEFAULT_MODULES_CONFIG
    assert configs_per_project(conn) == {project.id: 1}


def test_ensure_default_config_of_an_unknown_project(
    conn: psycopg.Connection[Any],
) -> None:
    with pytest.raises(ProjectError, match=r"^no project with id 42$"):
        ensure_default_config(conn, 42)

    assert partitions_of(conn, CHATBOT) == {}


def test_chatbot_config_by_project_public_id(conn: psycopg.Connection[Any]) -> None:
    created = create_project(conn, "Acme")

    found = chatbot_config(conn, created.project.public_id)

    assert found == created.chatbot_config
    with pytest.raises(ProjectError, match=r"^no project with public id 'nope'$"):
        chatbot_config(conn, "nope")


def test_chatbot_config_of_a_project_without_one(
    conn: psycopg.Connection[Any],
) -> None:
    project = create_project(conn, "Acme").project
    conn.execute(f"DELETE FROM {CHATBOT}")

    with pytest.raises(
        ProjectError, match="has no chatbot config; run 'app project sync'"
    ):
        chatbot_config(conn, project.public_id)


def test_a_connection_inside_a_transaction_is_refused(
    conn: psycopg.Connection[Any],
) -> None:
    conn.execute("BEGIN")

    with pytest.raises(ValueError, match="outside any transaction"):
        create_project(conn, "Acme")

    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS


def test_partitions_follow_their_parent_into_its_schema(pg_url: str) -> None:
    with connect(pg_url) as admin:
        admin.execute("CREATE SCHEMA app")
    app_url = pg_url + ("&" if "?" in pg_url else "?") + "search_path=app"
    migrate(app_url)

    with connect(app_url) as conn:
        project = create_project(conn, "Acme").project
        schemas = conn.execute(
            "SELECT DISTINCT relnamespace::regnamespace::text FROM pg_class"
            " WHERE relname LIKE 'altalune%%_p' || %s",
            (project.id,),
        ).fetchall()

    assert schemas == [("app",)]


def test_concurrent_creates_and_syncs_all_succeed(pg_url: str) -> None:
    # Without the repository's lock, two creates each hold the projects table
    # and wait for the other's partition DDL: PostgreSQL kills one as a
    # deadlock. With it, every call succeeds.
    migrate(pg_url)
    failures: list[Exception] = []

    def creator(worker: int) -> None:
        with connect(pg_url) as conn:
            for n in range(5):
                create_project(conn, f"worker {worker} project {n}")

    def syncer() -> None:
        with connect(pg_url) as conn:
            for _ in range(5):
                sync(conn)

    def guarded(target: Any, *args: object) -> None:
        try:
            target(*args)
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(creator, w)) for w in range(6)]
    threads += [threading.Thread(target=guarded, args=(syncer,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with connect(pg_url) as conn:
        assert scalar(conn, "SELECT count(*) FROM altalune_projects") == 30
        for table in PARTITIONED_TABLES:
            assert len(partitions_of(conn, table)) == 30
        assert set(configs_per_project(conn).values()) == {1}
