"""``altalune-goose``: goose's own command line, run by altalune.

``altalune-goose [OPTIONS] postgres DBSTRING COMMAND [ARGS]`` accepts goose's
flags (anywhere, ``-x`` or ``--x``, ``-x=v`` or ``-x v``), its ``GOOSE_*``
variables and its ``.env`` loading, then runs the same code as ``app
migrate`` with goose's defaults (directory ``.``, table
``goose_db_version``), so scripts written for goose work unchanged.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from altalune import dotenv
from altalune.db import mask_url
from altalune.errors import EXIT_USAGE, ConfigError
from altalune.goformat import go_quote

_BOOLEAN = {"v", "h", "version", "s", "allow-missing", "no-versioning", "no-color"}
_VALUED = {"dir", "table", "timeout", "env", "certfile", "ssl-cert", "ssl-key"}
_DB_COMMANDS = {
    "up",
    "up-by-one",
    "up-to",
    "down",
    "down-to",
    "redo",
    "reset",
    "status",
    "version",
}
_FILE_COMMANDS = {"create", "fix", "validate"}
_DRIVERS = {"postgres", "pgx"}
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}

USAGE = """usage: altalune-goose [OPTIONS] DRIVER DBSTRING COMMAND [ARGS]
       altalune-goose [OPTIONS] COMMAND [ARGS]   (GOOSE_DRIVER, GOOSE_DBSTRING set)

DRIVER is postgres or pgx. Variables: GOOSE_DRIVER, GOOSE_DBSTRING,
GOOSE_MIGRATION_DIR, GOOSE_TABLE; a .env file is read unless -env=none.

commands:
  up                    apply every pending migration
  up-by-one             apply the next pending migration
  up-to VERSION         apply pending migrations up to VERSION
  down                  roll back the current version
  down-to VERSION       roll back until the current version is VERSION or lower
  redo                  roll back the current version and apply it again
  reset                 roll back every applied migration
  status                list every migration as applied or pending
  version               print the current version
  create NAME [sql|go]  write a new migration file
  fix                   renumber timestamped migrations sequentially
  validate              check the migration files without a database
  env                   print the GOOSE_* variables in effect

flags: -dir -table -v -h -version -s -allow-missing -no-versioning -no-color
       -timeout -env -certfile -ssl-cert -ssl-key (the last three are ignored)"""


class FlagError(Exception):
    """A goose flag that is unknown or has a bad value."""


@dataclass
class GooseLine:
    """goose's command line, split into flags and positional arguments."""

    flags: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


def split(argv: list[str]) -> GooseLine:
    """Separate flags from arguments the way goose's flag parser does."""
    line = GooseLine()
    items = iter(argv)
    for item in items:
        if item == "--":
            line.args += [item, *items]
            break
        if not item.startswith("-") or item == "-":
            line.args.append(item)
            continue
        name, has_value, value = item.lstrip("-").partition("=")
        if item.startswith("---") or not name:
            raise FlagError(f"bad flag syntax: {item}")
        if name in _BOOLEAN:
            if has_value and value not in _TRUE | _FALSE:
                raise FlagError(f'invalid boolean value "{value}" for -{name}')
            line.flags[name] = "false" if value in _FALSE and has_value else "true"
        elif name in _VALUED:
            if not has_value:
                following = next(items, None)
                if following is None:
                    raise FlagError(f"flag needs an argument: -{name}")
                value = following
            line.flags[name] = value
        else:
            raise FlagError(f"flag provided but not defined: -{name}")
    return line


def translate(line: GooseLine, environ: dict[str, str]) -> list[str]:
    """The ``app migrate`` arguments that do what *line* asks goose to do."""
    flags = line.flags
    directory = flags.get("dir", ".")
    if directory == "." and environ.get("GOOSE_MIGRATION_DIR"):
        directory = environ["GOOSE_MIGRATION_DIR"]
    table = flags.get("table") or environ.get("GOOSE_TABLE") or "goose_db_version"
    args = list(line.args)

    common = ["--dir", directory]
    if flags.get("v") == "true":
        common.append("-v")
    if args and args[0] in _FILE_COMMANDS:
        return ["migrate", args[0], *common, *_file_flags(args[0], flags), *args[1:]]

    if environ.get("GOOSE_DRIVER"):
        args.insert(0, environ["GOOSE_DRIVER"])
    if environ.get("GOOSE_DBSTRING"):
        args.insert(1, environ["GOOSE_DBSTRING"])
    if len(args) < 3:
        raise FlagError("expected DRIVER DBSTRING COMMAND")
    driver, dbstring, command, *rest = args
    if driver not in _DRIVERS:
        raise FlagError(f'"{driver}": unknown dialect; altalune-goose runs postgres')
    if command not in _DB_COMMANDS:
        raise FlagError(f'"{command}": no such command')

    run = ["--database-url", dbstring, "--table", table, *common]
    run += [
        f"--{name}"
        for name in ("allow-missing", "no-versioning")
        if flags.get(name) == "true"
    ]
    if "timeout" in flags:
        run += ["--timeout", flags["timeout"]]
    # goose's CLI takes no lock; keep altalune's lock, which only adds safety.
    return ["migrate", command, *run, *rest]


def _file_flags(command: str, flags: dict[str, str]) -> list[str]:
    return ["-s"] if command == "create" and flags.get("s") == "true" else []


def _env_lines(environ: dict[str, str], flags: dict[str, str]) -> list[str]:
    names = ["GOOSE_DRIVER", "GOOSE_DBSTRING", "GOOSE_MIGRATION_DIR", "GOOSE_TABLE"]
    defaults = {"GOOSE_MIGRATION_DIR": flags.get("dir", ".")}
    # goose prints the connection string in clear; altalune never shows a password.
    return [
        f"{name}={go_quote(mask_url(environ.get(name) or defaults.get(name, '')))}"
        for name in names
    ]


def main() -> None:
    from altalune.cli import app, run

    try:
        line = split(sys.argv[1:])
    except FlagError as exc:
        print(f"{exc}\n{USAGE}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    if line.flags.get("h") == "true" or (not line.args and "version" not in line.flags):
        print(USAGE)
        sys.exit(0 if line.flags.get("h") == "true" else 1)
    if line.flags.get("version") == "true":
        from altalune import __version__

        print(f"altalune-goose version: {__version__}")
        sys.exit(0)

    environ = os.environ
    env_file = line.flags.get("env", "")
    path = Path(env_file or ".env")
    try:
        if env_file != "none" and (env_file or path.is_file()):
            dotenv.load(path, environ)
    except ConfigError as exc:
        print(f"goose run: {exc}", file=sys.stderr)
        sys.exit(1)
    if line.args == ["env"]:
        print("\n".join(_env_lines(dict(environ), line.flags)))
        sys.exit(0)

    try:
        args = translate(line, dict(environ))
    except FlagError as exc:
        print(f"goose run: {exc}", file=sys.stderr)
        sys.exit(1)
    sys.exit(run(app, args))
