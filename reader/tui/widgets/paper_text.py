"""The Paper pane: the text extracted from the paper's PDF, page by page.

Filled by whoever extracts the text (a worker calls :meth:`PaperText.set_text` or
:meth:`PaperText.append_page`). Find-in-text (``/``, ``ctrl+f``, ``n``/``N``) belongs
here as bindings on this widget, so those keys mean "find" only while it has focus.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from reader.core.text import printable

EMPTY = "No text yet: press d to download the PDF."


class PaperText(VerticalScroll):
    """Pages of literal text, with an empty state."""

    DEFAULT_CSS = """
    PaperText > .page-break { color: $foreground-muted; text-align: center; margin: 1 0; }
    PaperText > .empty { color: $foreground-muted; text-style: italic; padding: 1 2; }
    PaperText > .page { padding: 0 1; }
    """

    paper_id: var[str | None] = var(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self.pages: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY), classes="empty")

    def watch_paper_id(self, old: str | None, new: str | None) -> None:
        if old != new:
            self.clear()

    def clear(self) -> None:
        """Back to the empty state."""
        self.pages = []
        if self.is_mounted:
            self.query(".page, .page-break").remove()
            self.query_one(".empty").display = True

    def set_text(self, pages: list[str]) -> None:
        """Show ``pages`` (one string per PDF page), replacing what was shown."""
        self.clear()
        for page in pages:
            self.append_page(page)

    def append_page(self, text: str) -> None:
        """Add one more page at the end."""
        self.pages.append(text)
        if not self.is_mounted:
            return
        self.query_one(".empty").display = False
        widgets = []
        if len(self.pages) > 1:
            widgets.append(Static(Text(f"— page {len(self.pages)} —"), classes="page-break"))
        widgets.append(Static(Text(printable(text)), classes="page"))
        self.mount_all(widgets)
