"""Settings precedence and config-file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from altalune.config import DEFAULT_TABLE, load_settings, read_config
from altalune.errors import ConfigError


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "database:\n  url: postgresql://file/db\n"
        "migrations:\n  dir: from/file\n  table: file_table\n  lock_timeout: 7\n"
    )
    return path


def test_defaults_apply_when_nothing_is_set(tmp_path: Path) -> None:
    settings = load_settings({}, {}, cwd=tmp_path)

    assert settings.database_url is None
    assert settings.migrations_dir == Path("database/migrations")
    assert settings.table == DEFAULT_TABLE
    assert settings.config_path is None


def test_file_beats_defaults(config: Path) -> None:
    settings = load_settings({"config": config}, {})

    assert settings.database_url == "postgresql://file/db"
    assert settings.migrations_dir == Path("from/file")
    assert settings.table == "file_table"
    assert settings.lock_timeout == 7


def test_default_config_is_read_from_the_working_directory(config: Path) -> None:
    assert load_settings({}, {}, cwd=config.parent).table == "file_table"


def test_environment_beats_file(config: Path) -> None:
    environ = {
        "GOOSE_DBSTRING": "postgresql://env/db",
        "DATABASE_URL": "postgresql://ignored/db",
        "GOOSE_MIGRATION_DIR": "from/env",
        "GOOSE_TABLE": "env_table",
    }
    settings = load_settings({"config": config}, environ)

    assert settings.database_url == "postgresql://env/db"
    assert settings.migrations_dir == Path("from/env")
    assert settings.table == "env_table"


def test_database_url_is_read_when_goose_dbstring_is_empty(config: Path) -> None:
    environ = {"GOOSE_DBSTRING": "", "DATABASE_URL": "postgresql://env/db"}

    assert load_settings({"config": config}, environ).database_url == (
        "postgresql://env/db"
    )


def test_flags_beat_environment(config: Path) -> None:
    flags = {
        "config": config,
        "database_url": "postgresql://flag/db",
        "migrations_dir": Path("from/flag"),
        "table": "flag_table",
        "allow_missing": True,
    }
    environ = {"GOOSE_DBSTRING": "postgresql://env/db", "GOOSE_TABLE": "env_table"}
    settings = load_settings(flags, environ)

    assert settings.database_url == "postgresql://flag/db"
    assert settings.migrations_dir == Path("from/flag")
    assert settings.table == "flag_table"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "database: [unclosed\n",
            r"config.yaml:2:1: invalid YAML: ",
            id="malformed-yaml",
        ),
        pytest.param(
            "migrations:\n  table: 5\n",
            r"config.yaml: migrations.table: expected a string, got 5",
            id="wrong-type",
        ),
        pytest.param(
            "migrations:\n  lock_timeout: soon\n",
            r"config.yaml: migrations.lock_timeout: expected a number, got 'soon'",
            id="wrong-type-number",
        ),
        pytest.param(
            "databse:\n  url: x\n",
            r"config.yaml: unknown section 'databse'; expected one of database, "
            r"migrations",
            id="unknown-section",
        ),
        pytest.param(
            "database:\n  uri: x\n",
            r"config.yaml: unknown key database.uri; expected one of database.url",
            id="unknown-key",
        ),
        pytest.param(
            "- a\n- b\n",
            r"config.yaml: expected a mapping of sections at the top level",
            id="not-a-mapping",
        ),
    ],
)
def test_bad_config_names_the_place(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)

    with pytest.raises(ConfigError) as caught:
        read_config(path)

    assert str(caught.value).startswith(f"{tmp_path}/")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file '.*nope.yaml' not found"):
        load_settings({"config": tmp_path / "nope.yaml"}, {})


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# nothing yet\n")

    assert read_config(path) == {}


def test_project_config_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    values = read_config(root / "config.yaml")

    assert values["table"] == "altalune_migrations"
    assert values["migrations_dir"] == "database/migrations"
    assert "database_url" not in values
