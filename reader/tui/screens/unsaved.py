"""Quitting with a note that could not be saved (a full disk, say): say why, and offer
to try again or to go back to the note, instead of exiting and losing it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from reader.core.text import one_line

from .dialog import Dialog


class UnsavedNote(Dialog[str]):
    """Dismissed with ``retry``, ``edit`` or ``discard``."""

    BINDINGS = [
        Binding("r,enter", "answer('retry')", "Try to save again, then quit"),
        Binding("e,escape", "answer('edit')", "Back to the note"),
        Binding("ctrl+d", "answer('discard')", "Quit without saving it"),
    ]

    def __init__(self, error: str) -> None:
        super().__init__(classes="prompt")
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog") as box:
            box.border_title = "Your note is not saved"
            yield Static(Text(one_line(self.error)), id="unsaved-error")
            choices = Text()
            choices.append("r", style="bold")
            choices.append(" try again and quit · ")
            choices.append("e", style="bold")
            choices.append(" back to the note · ")
            choices.append("ctrl+d", style="bold")
            choices.append(" quit and lose it")
            yield Static(choices, classes="prompt-hint")

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice)
