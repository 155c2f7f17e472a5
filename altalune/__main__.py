"""The entry point of ``python -m altalune``."""

from altalune.cli import main

main()
