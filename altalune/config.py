"""Settings: command-line flags, then environment, then config.yaml, then defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altalune.errors import ConfigError

DEFAULT_CONFIG = Path("config.yaml")
DEFAULT_DIR = Path("database/migrations")
DEFAULT_TABLE = "goose_db_version"
DEFAULT_LOCK_TIMEOUT = 300.0
DEFAULT_CONNECT_TIMEOUT = 10.0

# The keys config.yaml may hold, by section, with the type each must have.
_SCHEMA: dict[str, dict[str, tuple[type, ...]]] = {
    "database": {"url": (str,), "connect_timeout": (int, float)},
    "migrations": {
        "dir": (str,),
        "table": (str,),
        "lock_timeout": (int, float),
    },
}

_ENVIRONMENT = {
    "database_url": ("GOOSE_DBSTRING", "DATABASE_URL"),
    "migrations_dir": ("GOOSE_MIGRATION_DIR",),
    "table": ("GOOSE_TABLE",),
}


@dataclass(frozen=True)
class Settings:
    """Where the database and the migrations are, and how to reach them."""

    database_url: str | None = None
    migrations_dir: Path = DEFAULT_DIR
    table: str = DEFAULT_TABLE
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    wait: float = 0.0
    config_path: Path | None = None


_FLAG_NAMES = {"database_url": "--database-url", "table": "--table"}

_FIELDS = frozenset(f.name for f in dataclasses.fields(Settings)) - {"config_path"}


def load_settings(
    flags: Mapping[str, Any], environ: Mapping[str, str], *, cwd: Path | None = None
) -> Settings:
    """Resolve every setting from its highest-ranking source.

    *flags* holds the command-line values by :class:`Settings` field name, plus
    ``config`` for the file given with ``-c``; a flag that was not given is
    absent or None, and other keys are ignored. Empty environment variables
    count as unset, as in goose.
    """
    cwd = cwd or Path.cwd()
    path = _config_path(flags.get("config"), cwd)
    values = read_config(path) if path else {}

    for field, names in _ENVIRONMENT.items():
        found = next((environ[n] for n in names if environ.get(n)), None)
        if found is not None:
            values[field] = found
    given = {k: v for k, v in flags.items() if v is not None and k in _FIELDS}
    for field, value in given.items():
        # An empty flag is a mistake (an unset shell variable, say); taking it
        # for "not given" would quietly use the embedded server or a default.
        if isinstance(value, str) and not value.strip():
            flag = _FLAG_NAMES.get(field, field)
            raise ConfigError(f"{flag} is empty; give a value or leave the flag out")
    values.update(given)

    if "migrations_dir" in values:
        values["migrations_dir"] = Path(values["migrations_dir"])
    return Settings(config_path=path, **values)


def _config_path(given: object, cwd: Path) -> Path | None:
    if given is not None:
        path = Path(str(given))
        if not path.is_file():
            raise ConfigError(f"config file {str(path)!r} not found")
        return path
    default = cwd / DEFAULT_CONFIG
    return default if default.is_file() else None


def read_config(path: Path) -> dict[str, Any]:
    """Read a config file into :class:`Settings` field names, checking every key."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{place}: invalid YAML: {exc.problem}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None

    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    return _settings_from(document, path)


def _settings_from(document: dict[Any, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section, body in document.items():
        keys = _SCHEMA.get(section)
        if keys is None:
            raise ConfigError(
                f"{path}: unknown section {section!r}; expected one of "
                + ", ".join(_SCHEMA)
            )
        if body is None:
            continue
        if not isinstance(body, dict):
            raise ConfigError(f"{path}: {section}: expected a mapping of keys")
        for key, value in body.items():
            values.update(_setting(path, section, key, value, keys))
    return values


def _setting(
    path: Path, section: str, key: Any, value: Any, keys: dict[str, tuple[type, ...]]
) -> dict[str, Any]:
    if key not in keys:
        raise ConfigError(
            f"{path}: unknown key {section}.{key}; expected one of "
            + ", ".join(f"{section}.{k}" for k in keys)
        )
    if value is None:
        return {}
    types = keys[key]
    if isinstance(value, str) and not value.strip():
        raise ConfigError(
            f"{path}: {section}.{key} is empty; give a value or remove the key"
        )
    if not isinstance(value, types) or isinstance(value, bool):
        expected = "a string" if types == (str,) else "a number"
        raise ConfigError(
            f"{path}: {section}.{key}: expected {expected}, got {value!r}"
        )
    return {_FIELD[section, key]: value}


_FIELD = {
    ("database", "url"): "database_url",
    ("database", "connect_timeout"): "connect_timeout",
    ("migrations", "dir"): "migrations_dir",
    ("migrations", "table"): "table",
    ("migrations", "lock_timeout"): "lock_timeout",
}
