"""The error family of altalune.

Every error a user can cause or meet derives from :class:`AltaluneError`.
The CLI turns one into a single line on stderr and the error's exit code;
library callers catch the subclasses they can act on.
"""

from __future__ import annotations

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_PENDING = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class AltaluneError(Exception):
    """Base class of every error altalune reports to its user."""

    exit_code = EXIT_FAILURE


class UsageError(AltaluneError):
    """A command line that cannot be carried out as written."""

    exit_code = EXIT_USAGE


class ConfigError(AltaluneError):
    """A setting that is missing, malformed or of the wrong type."""


class SourceError(AltaluneError):
    """The migrations directory or a file name in it is not usable."""


class ParseError(AltaluneError):
    """A migration file that does not follow the goose SQL format."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class DatabaseError(AltaluneError):
    """The database could not be reached or refused a request."""


class LockError(DatabaseError):
    """The migration lock could not be taken in time."""


class MigrationError(AltaluneError):
    """A migration failed while running; what it changed was rolled back."""


class NoVersionError(AltaluneError):
    """There is no version to roll back to or forward from."""


class Interrupted(AltaluneError):
    """The command was stopped by a signal while it ran."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered the way SIGINT delivers KeyboardInterrupt.

    Being a KeyboardInterrupt, it makes psycopg cancel the running query and
    lets every cleanup that handles Ctrl-C handle SIGTERM too.
    """

    def __init__(self, exit_code: int = EXIT_TERMINATED) -> None:
        super().__init__()
        self.exit_code = exit_code
