"""The command line's one error type: printed as one line, exit code 1."""

from __future__ import annotations


class CliError(Exception):
    """An error to print as one line (``reader: error: ...``) before exiting 1."""
