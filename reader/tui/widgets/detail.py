"""The detail pane: Commentary, Abstract, Paper and Notes tabs for the current paper.

Built after the first paint (:meth:`DetailPane.build`): the tabs, the note editor and
the markdown renderer are not needed to show the list, and cost a good part of the
startup time. Until then the pane is an empty frame; what is asked of it meanwhile
(a tab, focus) is remembered and done once it is built.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import reactive, var

from reader.core.snapshot import Snapshot

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
        self.built = False
        self._building = False
        self._pending_tab: str | None = None
        self._pending_focus = False
        self._pane_widgets: list = []  # the tabs' panes, from build() on (mounted or not yet)

    # --- building ---------------------------------------------------------------
    def build(self) -> None:
        """Mount the tabs (once)."""
        if self.built or self._building or not self.is_mounted:
            return
        self._building = True
        from textual.widgets import TabbedContent, TabPane

        from .abstract import AbstractPane
        from .commentary import CommentaryPane
        from .notes import NotesPane
        from .paper_text import PaperPane

        panes = [
            CommentaryPane(id="commentary-pane"),
            AbstractPane(id="abstract-pane"),
            PaperPane(id="paper-text"),
            NotesPane(id="notes-pane"),
        ]
        for pane in panes:
            pane.set_reactive(type(pane).paper_id, self.shown_id)
            if hasattr(pane, "snapshot"):
                pane.set_reactive(type(pane).snapshot, self.snapshot)
        self._pane_widgets = panes
        tabs = TabbedContent(initial=self._pending_tab or "commentary", id="detail-tabs")
        titles = ("Commentary", "Abstract", "Paper", "Notes")
        for title, name, pane in zip(titles, TABS, panes):
            tabs.compose_add_child(TabPane(title, pane, id=name))
        self.mount(tabs)
        self.call_after_refresh(self._built)

    def _built(self) -> None:
        self.built = True
        self._building = False
        if self._pending_tab:
            self.show(self._pending_tab)
        if self._pending_focus:
            self.focus_content()
        self._pending_tab = None
        self._pending_focus = False
        self._want_paper()

    def _panes(self) -> list:
        return self._pane_widgets

    # --- state ------------------------------------------------------------------
    def watch_snapshot(self, snapshot: Snapshot) -> None:
        for pane in self._panes():
            if hasattr(pane, "snapshot"):
                pane.snapshot = snapshot

    def watch_shown_id(self, paper_id: str | None) -> None:
        for pane in self._panes():
            pane.paper_id = paper_id
        if self.built and self.active == "paper":
            self.call_later(self._want_paper)

    def watch_paper_id(self, paper_id: str | None) -> None:
        if not self.is_mounted:
            self.sync()
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SETTLE_SECONDS, self.sync)

    def sync(self) -> None:
        """Show the current paper now."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        with self.app.batch_update():  # the title and every tab in one frame
            self.border_title = Text(self.paper_id or "")
            self.shown_id = self.paper_id

    def _want_paper(self) -> None:
        """The Paper tab is on screen: ask for the text of the shown paper if it has none."""
        if not self.built or self.active != "paper":
            return
        pane = self.paper_pane
        if pane is not None and pane.paper_id is not None and pane.loaded_for != pane.paper_id:
            # Sent as from the pane: a message stops bubbling at its sender (us, here).
            pane.post_message(pane.Wanted(pane.paper_id).set_sender(pane))

    def on_tabbed_content_tab_activated(self, event) -> None:
        event.stop()
        if event.pane.id == "paper":
            self.call_later(self._want_paper)

    # --- what the screen asks ---------------------------------------------------
    @property
    def paper_pane(self):
        return self._pane_widgets[2] if self.built else None

    @property
    def active(self) -> str:
        if not self.built:
            return self._pending_tab or "commentary"
        from textual.widgets import TabbedContent

        return self.query_one(TabbedContent).active

    def show(self, tab: str) -> None:
        self.sync()
        if not self.built:
            self._pending_tab = tab
            return
        from textual.widgets import TabbedContent

        self.query_one(TabbedContent).active = tab

    def focus_content(self) -> None:
        """Focus what the active tab shows (the note editor on Notes)."""
        self.sync()
        if not self.built:
            self._pending_focus = True
            return
        tab = self.active
        targets = {"notes": "#note-editor", "commentary": "#commentary-pane", "abstract": "#abstract-pane"}
        if tab in targets:
            # At once, not after the keys already queued: the letters typed right after
            # n go into the note, not to the list as commands.
            self.screen.set_focus(self.query_one(targets[tab]))
        else:
            self.query_one("#paper-text").focus_text()
