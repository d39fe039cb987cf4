"""The one place the app uses Textual's private names (textual 8.2.8).

Each use says why; tests/tui/test_textual_compat.py pins each one, so an upgrade of
Textual that moves them fails there, not in front of a reader.
"""

from __future__ import annotations

import os

from textual.app import App, InvalidThemeError
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



def theme_before_start(app: App, name: str) -> None:
    """Set the theme of an app that has not started yet, the way ``App.theme = name`` does
    (textual app.py ``_watch_theme``) but without the CSS reparse that queues: the first
    parse is made with this theme's variables (~10 ms of the first paint). Raises
    InvalidThemeError for an unknown name, as setting ``App.theme`` does."""
    if name not in app.available_themes:
        raise InvalidThemeError(f"Theme {name!r} has not been registered.")
    app.set_reactive(App.theme, name)  # (no watcher: the three steps below are its own)
    theme = app.current_theme
    for cls in [c for c in app.classes if c.startswith("-theme-")]:
        app.remove_class(cls, update=False)
    app.set_class(True, f"-theme-{name}", update=False)
    app.set_class(theme.dark, "-dark-mode", update=False)
    app.set_class(not theme.dark, "-light-mode", update=False)
    # Textual: App._refresh_truecolor_filter maps ANSI colours through the theme's
    # (dark or light) terminal palette; _watch_theme calls it on every change.
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())
