"""The altalune command line, as the benchmarks call it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = "goose_db_version"

# Settings the runner would read from the environment; the benchmarks pass
# everything as flags and keep the caller's shell out of the measurement.
_SETTINGS_FROM_ENVIRONMENT = (
    "GOOSE_DBSTRING",
    "DATABASE_URL",
    "GOOSE_MIGRATION_DIR",
    "GOOSE_TABLE",
)


class App:
    """``bin/app`` and the probes that tell whether a command exists yet."""

    def __init__(self, executable: Path) -> None:
        self.executable = executable
        self.python = ROOT / ".venv" / "bin" / "python"
        self.environment = {
            key: value
            for key, value in os.environ.items()
            if key not in _SETTINGS_FROM_ENVIRONMENT
        }
        self._known: dict[tuple[str, ...], bool] = {}

    def has(self, *command: str) -> bool:
        """Whether ``app COMMAND --help`` succeeds, i.e. the command has landed."""
        if command not in self._known:
            self._known[command] = self._answers([*command, "--help"])
        return self._known[command]

    def _answers(self, arguments: list[str]) -> bool:
        try:
            probe = subprocess.run(
                [str(self.executable), *arguments],
                capture_output=True,
                env=self.environment,
                check=False,
            )
        except OSError:  # not built yet, or not executable
            return False
        return probe.returncode == 0

    def argv(self, *arguments: str) -> list[str]:
        return [str(self.executable), *arguments]

    def migrate(self, url: str, directory: Path, *command: str) -> list[str]:
        return self.argv(
            "migrate",
            "--database-url",
            url,
            "--dir",
            str(directory),
            "--table",
            TABLE,
            *command,
        )

    def import_psycopg(self) -> list[str]:
        """The interpreter start-up every database command pays at least."""
        return [str(self.python), "-c", "import psycopg"]
