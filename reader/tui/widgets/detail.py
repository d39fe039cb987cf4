"""The detail pane: Commentary, Abstract, Paper and Notes tabs for the current paper.

The tabs are mounted once the first moments after startup are over (``settled``) and the
stored notes are read (``phase`` LISTS or later; both are bound from the main screen): the
tabs, the note editor and the markdown renderer are not needed to show the list, and cost a
good part of the startup time. Until then the pane is an empty frame; what is asked of it
meanwhile (a tab, focus) is remembered and done once it is built. Each tab is bound to the
pane's ``snapshot`` and ``shown_id`` (and the Paper tab to ``jobs``) with ``data_bind``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import reactive, var
from textual.timer import Timer

from reader.core.snapshot import Snapshot

from ..jobs import JobsState
from ..startup import LoadPhase
from .citations import Citations

if TYPE_CHECKING:
    from textual.widgets import TabbedContent

    from .paper_text import PaperPane

TABS = ("commentary", "abstract", "paper", "notes")
SETTLE_SECONDS = 0.06  # while j/k repeat, the list moves at once and the detail follows


def preload_detail() -> None:
    """Import what the tabs need (on the library thread, after the first paint)."""
    import rich.markdown  # noqa: F401 - the commentary's renderer (~25 ms)
    from textual.widgets import TabbedContent  # noqa: F401

    from . import abstract, commentary, notes, paper_text  # noqa: F401


class DetailPane(Vertical):
    """Holds the tabs of the current paper; owns nothing else.

    The tabs show ``shown_id``, which follows ``paper_id`` once the cursor has rested
    for a moment (or at once when the detail is used), so moving through a long list
    costs one list repaint per key, not a markdown render.
    """

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)
    shown_id: var[str | None] = var(None)
    phase: var[LoadPhase] = var(LoadPhase.NOTHING)
    settled: var[bool] = var(False)
    jobs: var[JobsState] = var(JobsState)
    citations: var[Citations] = var(Citations.none)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self._tabs: TabbedContent | None = None
        self._paper: PaperPane | None = None
        self.built = False
        self._pending_tab: str | None = None
        self._pending_focus = False

    # --- building ---------------------------------------------------------------
    def watch_phase(self) -> None:
        self._build_when_ready()

    def watch_settled(self) -> None:
        self._build_when_ready()

    def _build_when_ready(self) -> None:
        if self._tabs is None and self.settled and self.phase >= LoadPhase.LISTS and self.is_mounted:
            self.call_after_refresh(self._build)  # (run here, where the tabs' data_bind looks)

    async def _build(self) -> None:
        """Mount the tabs (once)."""
        if self._tabs is not None:
            return
        from textual.widgets import TabbedContent, TabPane  # after the first paint (preload_detail)

        from ..styles import read_later_css  # (lazy, with the tabs)
        from .abstract import AbstractPane  # (lazy: ~6 ms, not loaded before the first paint)
        from .commentary import CommentaryPane  # (lazy: ~14 ms, not loaded before the first paint)
        from .notes import NotesPane  # (lazy: ~14 ms, not loaded before the first paint)
        from .paper_text import PaperPane  # (lazy: ~7 ms, not loaded before the first paint)

        read_later_css(self.app)  # the tabs' rules
        shown = {"paper_id": DetailPane.shown_id}
        self._paper = PaperPane(id="paper-text").data_bind(jobs=DetailPane.jobs, **shown)
        panes = [
            CommentaryPane(id="commentary-pane").data_bind(DetailPane.snapshot, DetailPane.citations, **shown),
            AbstractPane(id="abstract-pane").data_bind(DetailPane.snapshot, **shown),
            self._paper,
            NotesPane(id="notes-pane").data_bind(DetailPane.snapshot, **shown),
        ]
        tabs = self._tabs = TabbedContent(initial=self._pending_tab or "commentary", id="detail-tabs")
        titles = ("Commentary", "Abstract", "Paper", "Notes")
        for title, name, pane in zip(titles, TABS, panes, strict=True):
            tabs.compose_add_child(TabPane(title, pane, id=name))
        await self.mount(tabs)
        self.call_after_refresh(self._built)

    def _built(self) -> None:
        self.built = True
        if self._pending_tab:
            self.show(self._pending_tab)
        if self._pending_focus:
            self.focus_content()
        self._pending_tab = None
        self._pending_focus = False
        self._want_paper()

    # --- state ------------------------------------------------------------------
    def watch_shown_id(self, paper_id: str | None) -> None:
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
        if pane is not None and pane.wants_text and pane.paper_id is not None:
            # Sent as from the pane: a message stops bubbling at its sender (us, here).
            pane.post_message(pane.Wanted(pane.paper_id).set_sender(pane))

    def on_tabbed_content_tab_activated(self, event: Any) -> None:
        event.stop()
        if event.pane.id == "paper":
            self.call_later(self._want_paper)

    # --- what the screen asks ---------------------------------------------------
    @property
    def paper_pane(self) -> PaperPane | None:
        return self._paper if self.built else None

    @property
    def active(self) -> str:
        if not self.built or self._tabs is None:
            return self._pending_tab or "commentary"
        return self._tabs.active

    def show(self, tab: str) -> None:
        self.sync()
        if not self.built or self._tabs is None:
            self._pending_tab = tab
            return
        try:
            self._tabs.active = tab
        except ValueError:  # (no such tab any more: the tabs are being taken down as the app quits)
            pass

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
            if self._paper is not None:
                self._paper.focus_text()
