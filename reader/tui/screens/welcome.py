"""Shown while the library is empty: how to get a digest in."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.footer import KeysFooter


def welcome_text() -> Text:
    text = Text()
    text.append("Your reading list is empty.\n\n", style="bold")
    text.append("Import a weekly arXiv digest to start:\n\n")
    text.append("  • press ")
    text.append("i", style="bold reverse")
    text.append(" and type the path of a digest file (or a folder of them)\n")
    text.append("  • or, in a terminal: ")
    text.append("reader import FILE", style="bold")
    text.append("\n    (it shows up here at once)\n\n")
    text.append("Just looking? Run ")
    text.append("reader --demo", style="bold")
    text.append(" to try it on a sample digest.\n\n")
    text.append("? all keys · q quit", style="dim")
    return text


class WelcomeScreen(Screen):
    DEFAULT_CSS = """
    #welcome-box {
        width: 76;
        max-width: 95%;
        height: auto;
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        background: $surface;
        padding: 1 3;
    }
    """

    BINDINGS = [
        Binding("i", "import", "Import a digest"),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(self, import_digest: Callable[[], None], show_help: Callable[[], None]) -> None:
        super().__init__()
        self._import = import_digest
        self._help = show_help

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="welcome-box") as box:
            box.border_title = "Welcome to reader"
            yield Static(welcome_text(), id="welcome-text")
        yield KeysFooter()

    def action_import(self) -> None:
        self._import()

    def action_help(self) -> None:
        self._help()
