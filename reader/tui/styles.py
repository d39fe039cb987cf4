"""The app's stylesheets: ``reader.tcss`` for what the first screen shows (Textual reads it
as the app starts), ``later.tcss`` for what comes after (the detail tabs, the filter),
added to the app's stylesheet when first needed, so not parsed before the first paint
(Textual parses a rule in ~0.15 ms)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

LATER_CSS = Path(__file__).with_name("later.tcss")


def read_later_css(app: App[object]) -> None:
    """Add ``later.tcss`` to the app's stylesheet (once), as Textual adds the app's own CSS
    file: rules of the app, not a widget's defaults. (``add_source``, not ``read``: only it
    drops the stylesheet's map of rules, which the next styling then makes again.)"""
    stylesheet = app.stylesheet
    path = str(LATER_CSS.absolute())
    if not stylesheet.has_source(path):
        stylesheet.add_source(LATER_CSS.read_text(encoding="utf-8"), read_from=(path, ""), is_default_css=False)
