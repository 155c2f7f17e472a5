"""Connections: URL handling, masking and connection errors."""

from __future__ import annotations

import pytest

from altalune.db import connect, mask_url, normalize_url
from altalune.errors import DatabaseError


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param(
            "postgresql://app:s3cret@db:5432/x",
            "postgresql://app:xxxxx@db:5432/x",
            id="url",
        ),
        pytest.param(
            "host=db password=s3cret user=app",
            "host=db password=xxxxx user=app",
            id="key-value",
        ),
        pytest.param(
            "host=db password='s3 cret' user=app",
            "host=db password=xxxxx user=app",
            id="key-value-quoted",
        ),
        pytest.param(
            "cannot connect to postgres://u:p%40ss@h/d?password=s3cret",
            "cannot connect to postgres://u:xxxxx@h/d?password=xxxxx",
            id="in-a-message",
        ),
        pytest.param("postgresql://app@db/x", "postgresql://app@db/x", id="none"),
    ],
)
def test_mask_url_hides_passwords(text: str, masked: str) -> None:
    assert mask_url(text) == masked


def test_unknown_uri_parameters_become_server_settings() -> None:
    url = normalize_url(
        "postgres://u@h/d?sslmode=disable&search_path=app&lock_timeout=5s"
    )

    assert url == (
        "postgres://u@h/d?sslmode=disable&options=-c%20search_path%3Dapp%20-c%20lock_timeout%3D5s"
    )


def test_known_uri_parameters_are_kept_as_they_are() -> None:
    url = "postgres://u@h/d?sslmode=disable&connect_timeout=3"

    assert normalize_url(url) == url


def test_server_settings_from_the_url_reach_the_session(pg_url: str) -> None:
    separator = "&" if "?" in pg_url else "?"
    with connect(f"{pg_url}{separator}search_path=elsewhere") as conn:
        row = conn.execute("SHOW search_path").fetchone()

    assert row == ("elsewhere",)


def test_connections_name_themselves(pg_url: str) -> None:
    with connect(pg_url) as conn:
        row = conn.execute("SHOW application_name").fetchone()

    assert row == ("altalune",)


def test_unreachable_host_fails_within_the_timeout_without_the_password() -> None:
    url = "postgresql://app:s3cret@127.0.0.1:1/nowhere"

    with pytest.raises(DatabaseError) as caught:
        connect(url, connect_timeout=1)

    assert "s3cret" not in str(caught.value)
    assert str(caught.value).startswith(
        "cannot connect to postgresql://app:xxxxx@127.0.0.1:1/nowhere: "
    )


def test_missing_database_gives_a_hint(pg_url: str) -> None:
    url = pg_url.rsplit("/", 1)[0] + "/no_such_database_here"

    with pytest.raises(DatabaseError, match=r"does not exist \(create it first"):
        connect(url)


def test_malformed_url_is_reported_masked() -> None:
    with pytest.raises(DatabaseError) as caught:
        connect("host=db password=s3cret nonsense")

    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)
