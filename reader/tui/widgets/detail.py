"""The detail pane: Commentary, Abstract, Paper and Notes tabs for the current paper."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive, var
from textual.widgets import TabbedContent, TabPane

from reader.core.snapshot import Snapshot

from .abstract import AbstractPane
from .commentary import CommentaryPane
from .notes import NotesPane
from .paper_text import PaperText

TABS = ("commentary", "abstract", "paper", "notes")


SETTLE_SECONDS = 0.06  # while j/k repeat, the list moves at once and the detail follows


class DetailPane(Vertical):
    """Passes the current snapshot and paper down to its tabs; owns nothing else.

    The tabs show ``shown_id``, which follows ``paper_id`` once the cursor has rested
    for a moment (or at once when the detail is used), so moving through a long list
    costs one list repaint per key, not a markdown render.
    """

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)
    shown_id: var[str | None] = var(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer = None

    def watch_paper_id(self, paper_id: str | None) -> None:
        self.border_title = paper_id or ""
        if not self.is_mounted:
            self.sync()
            return
        if self.shown_id is None and self._timer is None:
            # The first paper: after the first paint, so the list shows without waiting
            # for the commentary's markdown to be imported and styled.
            self._timer = self.set_timer(0.05, self.sync)
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SETTLE_SECONDS, self.sync)

    def sync(self) -> None:
        """Show the current paper now."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.shown_id = self.paper_id

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="commentary"):
            with TabPane("Commentary", id="commentary"):
                yield CommentaryPane(id="commentary-pane").data_bind(
                    DetailPane.snapshot, paper_id=DetailPane.shown_id
                )
            with TabPane("Abstract", id="abstract"):
                yield AbstractPane(id="abstract-pane").data_bind(
                    DetailPane.snapshot, paper_id=DetailPane.shown_id
                )
            with TabPane("Paper", id="paper"):
                yield PaperText(id="paper-text").data_bind(paper_id=DetailPane.shown_id)
            with TabPane("Notes", id="notes"):
                yield NotesPane(id="notes-pane").data_bind(DetailPane.snapshot, paper_id=DetailPane.shown_id)

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active

    def show(self, tab: str) -> None:
        self.sync()
        self.query_one(TabbedContent).active = tab

    def focus_content(self) -> None:
        """Focus what the active tab shows (the note editor on Notes)."""
        self.sync()
        tab = self.active
        if tab == "notes":
            self.query_one("#note-editor").focus()
        elif tab == "commentary":
            self.query_one(CommentaryPane).focus()
        elif tab == "abstract":
            self.query_one(AbstractPane).focus()
        else:
            self.query_one(PaperText).focus()
