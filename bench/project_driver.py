"""The one place the benchmarks touch the project repository's API.

Run as a child process by path, so that the harness itself never imports
altalune and reports the projects rows as n/a while the API is missing:

    python bench/project_driver.py create URL COUNT    # the library, one process
    python bench/project_driver.py sync URL
    python bench/project_driver.py reference COUNT FILE  # the psql equivalent

Project i is always named ``bench project i``, so that both sides create the
same rows; the psql script gives explicit ids, as a fresh database would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from psycopg import sql
from psycopg.types.json import Jsonb

from altalune.db import connection
from altalune.projects import (
    DEFAULT_MODULES_CONFIG,
    PARTITIONED_TABLES,
    create_project,
    partition_name,
    sync,
)
from altalune.projects.tables import CHATBOT_CONFIGS_TABLE, PROJECTS_TABLE

_INSERT_PROJECT = sql.SQL("INSERT INTO {} (id, public_id, name) VALUES ({}, {}, {});")
_CREATE_PARTITION = sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({});")
_INSERT_CONFIG = sql.SQL(
    "INSERT INTO {} (public_id, project_id, modules_config) VALUES ({}, {}, {});"
)


def project_name(number: int) -> str:
    return f"bench project {number}"


def create(url: str, count: int) -> None:
    with connection(url) as conn:
        for number in range(1, count + 1):
            create_project(conn, project_name(number))


def synchronize(url: str) -> None:
    with connection(url) as conn:
        sync(conn)


def reference(count: int, path: Path) -> None:
    """What create does, as a psql script: a transaction per project."""
    with path.open("w") as out:
        for number in range(1, count + 1):
            out.write("\n".join(_project_statements(number)) + "\n")


def _project_statements(number: int) -> list[str]:
    key = sql.Literal(number)
    statements = [
        _INSERT_PROJECT.format(
            sql.Identifier(PROJECTS_TABLE),
            key,
            sql.Literal(f"bp{number:012d}"),
            sql.Literal(project_name(number)),
        )
    ]
    statements += [
        _CREATE_PARTITION.format(
            sql.Identifier(partition_name(table, number)), sql.Identifier(table), key
        )
        for table in PARTITIONED_TABLES
    ]
    statements.append(
        _INSERT_CONFIG.format(
            sql.Identifier(CHATBOT_CONFIGS_TABLE),
            sql.Literal(f"bc{number:012d}"),
            key,
            sql.Literal(Jsonb(DEFAULT_MODULES_CONFIG)),
        )
    )
    return ["BEGIN;", *(s.as_string() for s in statements), "COMMIT;"]


def main(argv: list[str]) -> None:
    match argv:
        case ["create", url, count]:
            create(url, int(count))
        case ["sync", url]:
            synchronize(url)
        case ["reference", count, path]:
            reference(int(count), Path(path))
        case _:
            sys.exit(f"usage: {__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
