"""altalune: goose-compatible PostgreSQL migrations and Altalune projects.

The command line lives in :mod:`altalune.cli`; applications embed the same
operations through :mod:`altalune.runner` and :mod:`altalune.projects`.
"""

__version__ = "0.1.0"
