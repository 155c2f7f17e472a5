"""The .env reader used by altalune-goose."""

from __future__ import annotations

from pathlib import Path

import pytest

from altalune import dotenv
from altalune.errors import ConfigError


def test_values_follow_godotenv_rules() -> None:
    text = (
        "# comment\n"
        "export GOOSE_DRIVER=postgres\n"
        "GOOSE_TABLE: versions\n"
        "PLAIN=a b # trailing comment\n"
        "SINGLE='raw $PLAIN \\n'\n"
        'DOUBLE="x=${PLAIN}\\ty"\n'
        "EXPANDED=${HOME_DIR}/m\n"
        "\n"
    )
    values = dotenv.parse(text, {"HOME_DIR": "/srv"})

    assert values == {
        "GOOSE_DRIVER": "postgres",
        "GOOSE_TABLE": "versions",
        "PLAIN": "a b",
        "SINGLE": "raw $PLAIN \\n",
        "DOUBLE": "x=a b\ty",
        "EXPANDED": "/srv/m",
    }


def test_load_never_overrides_the_environment(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=from-file\nB=from-file\n")
    environ = {"A": "from-env"}

    dotenv.load(path, environ)

    assert environ == {"A": "from-env", "B": "from-file"}


def test_a_line_without_assignment_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=1\nnot an assignment\n")

    with pytest.raises(ConfigError, match=r"\.env:2: expected KEY=VALUE"):
        dotenv.load(path, {})


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="failed to load env file"):
        dotenv.load(tmp_path / "missing.env", {})
