"""validate --db and status as users read them: drift lines and exit codes."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_runner_support import execute, goose_table, runner

from altalune.cli import app, run

ANSIC = r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}"
Invoke = Callable[..., tuple[int, str, str]]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_db_reports_an_edited_file_and_a_version_without_file(
    cli: Invoke, pg_url: str, migrations: Path
) -> None:
    runner(pg_url, migrations).up_to(4)
    edited = migrations / "00002_touch_trigger.sql"
    recorded = sha256(edited)
    edited.write_text(edited.read_text().replace("timestamptz", "timestamp"))
    (migrations / "00004_settings.sql").unlink()

    code, out, err = cli("validate", "--db")

    assert code == 1
    assert out.splitlines() == [
        f"{edited}: edited after it was applied (recorded sha256 {recorded}, "
        f"file sha256 {sha256(edited)})",
        "version 4: applied but no file (recorded as 00004_settings.sql)",
    ]
    assert err == (
        "error: drift: 1 file edited after applying, 1 applied version without a file\n"
    )


def test_validate_db_lists_files_without_checksum_but_passes(
    cli: Invoke, pg_url: str, migrations: Path
) -> None:
    runner(pg_url, migrations, no_versioning=True).up_to(1)
    goose_table(pg_url, [(0, True, None), (1, True, None)], old=False)

    code, out, err = cli("validate", "--db")

    assert (code, err) == (0, "")
    assert out == (
        f"{migrations / '00001_users.sql'}: applied without a checksum "
        "(applied by goose or before checksums)\n"
    )


def test_validate_db_passes_quietly_when_nothing_drifted(
    cli: Invoke, pg_url: str, migrations: Path
) -> None:
    runner(pg_url, migrations).up()

    assert cli("validate", "--db") == (0, "", "")


def test_validate_without_db_never_connects(
    migrations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = "postgresql://nobody@127.0.0.1:1/nothing"
    (migrations / "00002_touch_trigger.sql").write_text("-- +goose Up\nSELECT 1;\n")

    code = run(app, ["migrate", "validate", "--database-url", nowhere, str(migrations)])

    assert code == 0
    assert capsys.readouterr().err == ""


def test_validate_db_compares_a_directory_not_a_file(
    cli: Invoke, migrations: Path
) -> None:
    code, _, err = cli("validate", "--db", str(migrations / "00001_users.sql"))

    assert code == 2
    assert err.endswith("validate: --db compares a directory, not one file\n")


def test_status_marks_drift_in_gooses_layout(
    cli: Invoke, pg_url: str, migrations: Path
) -> None:
    runner(pg_url, migrations).up_to(3)
    with (migrations / "00003_email_index.sql").open("a") as stream:
        stream.write("-- edited\n")
    shutil.move(migrations / "00001_users.sql", migrations.parent / "kept.sql")

    code, out, _ = cli("status")

    lines = out.splitlines()
    assert code == 0
    assert re.fullmatch(rf"    {ANSIC} -- \(no file for version 1\)", lines[2])
    assert re.fullmatch(rf"    {ANSIC} -- 00002_touch_trigger\.sql", lines[3])
    assert re.fullmatch(
        rf"    {ANSIC} -- 00003_email_index\.sql  \(edited after it was applied\)",
        lines[4],
    )
    assert lines[5:] == [
        "    Pending                  -- 00004_settings.sql",
        "    Pending                  -- 00005_seed_users.sql",
        "    Pending                  -- 00006_placeholder.sql",
    ]


def test_status_notes_files_applied_without_a_checksum(
    cli: Invoke, pg_url: str, migrations: Path
) -> None:
    runner(pg_url, migrations).up_to(1)
    # What goose would have left: the same rows, no checksum table.
    execute(pg_url, "DROP TABLE goose_db_version_checksums")

    _, goose_only, _ = cli("status")
    runner(pg_url, migrations).up_to(2)
    code, mixed, _ = cli("status")

    # A database only goose touched keeps goose's own lines.
    assert re.fullmatch(rf"    {ANSIC} -- 00001_users\.sql", goose_only.splitlines()[2])
    lines = mixed.splitlines()
    assert code == 0
    assert re.fullmatch(rf"    {ANSIC} -- 00001_users\.sql  \(no checksum\)", lines[2])
    assert re.fullmatch(rf"    {ANSIC} -- 00002_touch_trigger\.sql", lines[3])
