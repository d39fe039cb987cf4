"""The one place the app uses Textual's private names (textual 8.2.8).

Each use says why; tests/tui/test_textual_compat.py pins each one, so an upgrade of
Textual that moves them fails there, not in front of a reader.
"""

from __future__ import annotations

import os

from textual.app import App
from textual.widgets import Input


class OneLineCrashApp(App):
    """On an unhandled exception (a bug), Textual prints a traceback with every frame's
    local variables, and the app's caller cannot tell why it stopped. This app stops
    without it (unless $READER_DEBUG is set), keeps the exception for
    :func:`unhandled_error`, and its ``return_code`` is 1 as before, so the command line
    prints one line and exits non-zero."""

    def _fatal_error(self) -> None:
        # Textual: App._handle_exception records the error (App._exception), sets the
        # return code to 1 and calls App._fatal_error to render the traceback and close.
        if os.environ.get("READER_DEBUG"):
            super()._fatal_error()
        else:
            self.panic()  # close, with nothing to print: the caller says what happened


def unhandled_error(app: App) -> BaseException | None:
    """The exception that stopped ``app``, if one did (Textual keeps the first in
    ``App._exception``, for its test pilot to raise again)."""
    error = getattr(app, "_exception", None)
    return error if isinstance(error, BaseException) else None


def input_suggestion(field: Input) -> str:
    """What an Input's suggester offers now (shown greyed; ``Input._suggestion``)."""
    suggestion = getattr(field, "_suggestion", "")
    return suggestion if isinstance(suggestion, str) else ""

