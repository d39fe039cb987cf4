"""What every dialog looks like: a box in the accent colour over the dimmed app.

A dialog's screen subclasses :class:`Dialog` and gives its box ``classes="dialog"``; a
prompt or a question is the ``#prompt-box`` sized here, any other box is sized by its
screen's own rule. These rules are parsed when the first dialog opens,
not before the app's first paint (``ModalScreen``'s placement stays in reader.tcss: the
command palette takes it too).
"""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType


class Dialog(ModalScreen[ScreenResultType]):
    DEFAULT_CSS = """
    .dialog {
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        border-subtitle-color: $foreground-muted;
        background: $surface;
    }

    #prompt-box {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 80%;
        padding: 1 2;
    }

    .prompt-hint {
        color: $foreground-muted;
        padding: 1 0 0 0;
    }
    """
