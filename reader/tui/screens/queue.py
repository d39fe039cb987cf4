"""The confirm modal that adds a paper a commentary mentions to the reading queue.

Enter on a reference that is not in the library asks :class:`QueueConfirm` first. The
queue's views themselves are in ``reader/core/views.py``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from reader.core.text import one_line
from reader.core.views import QUEUE_LABEL

from .dialog import Dialog


class QueueConfirm(Dialog[bool]):
    """``Add 1912.04958 to your reading queue and fetch its metadata?  y / n``"""

    DEFAULT_CSS = """
    #queue-box {
        width: 80;
        max-width: 95%;
        height: auto;
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes: add it and fetch"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, arxiv_id: str) -> None:
        super().__init__(classes="prompt")
        self.arxiv_id = arxiv_id

    def compose(self) -> ComposeResult:
        with Vertical(id="queue-box", classes="dialog") as box:
            box.border_title = "Not in your library"
            question = Text(f"Add {one_line(self.arxiv_id)} to your reading queue and fetch its metadata?")
            question.append("  y / n", style="bold")
            yield Static(question, id="queue-question")
            yield Static(
                Text(f"It will be listed under “{QUEUE_LABEL}”; the fetch needs the network."),
                classes="prompt-hint",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
