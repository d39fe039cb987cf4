"""The app reopens where it was left (core/session.py): the view, the paper, the detail's
tab and the list's scroll position.

:class:`SessionKeeper` reads the session when the screen is made (a file of a few hundred
bytes: nothing the first paint waits for), chooses the first view from it, and puts the
paper, the scroll position and the tab back once the view's papers are known: at once
for a digest drawn from the glance, after the query index for a saved view with words. A
view that has gone (a digest removed, a saved view removed) gives the default view; a
paper that has gone, the view's first paper. On quit it writes where the reader is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from reader.core.session import Session, read_session, write_session
from reader.core.snapshot import Snapshot
from reader.core.views import View, first_view

from ..startup import LoadPhase
from ..widgets.detail import DetailPane
from ..widgets.papers import PapersList

if TYPE_CHECKING:
    from .main import MainScreen

LAYOUT_TRIES = 20  # refreshes to wait for the list to be laid out before scrolling it


class SessionKeeper:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.session: Session | None = read_session(screen.library.data_dir)
        self._pending: Session | None = None  # the paper and scroll still to put back

    def first_view(self, snapshot: Snapshot) -> View:
        """The view to open on: the session's, when it is still there; else the default."""
        session, self.session = self.session, None
        if session is not None and session.view.exists(snapshot):
            self._pending = session
            self.screen.query_one(DetailPane).show(session.tab)
            return session.view
        return first_view(snapshot)

    def visible_changed(self, waiting: bool) -> None:
        """The list's papers changed (``waiting``: they wait for the query index). Put the
        session's paper back once they are known; a paper that has gone leaves the view's
        first paper."""
        pending, screen = self._pending, self.screen
        if pending is None:
            return
        if screen.view != pending.view:  # the reader went elsewhere meanwhile
            self._pending = None
            return
        ids = screen.visible_ids
        if pending.paper in ids:
            self._pending = None
            screen.paper_id = pending.paper
            self._scroll(pending.scroll, LAYOUT_TRIES)
        elif not waiting and screen.phase >= LoadPhase.ALL:
            self._pending = None  # gone: the view's first paper stays

    def _scroll(self, line: int, tries: int) -> None:
        """Scroll the list to ``line``, keeping the cursor on screen."""
        papers = self.screen.query_one(PapersList)
        height = papers.scrollable_content_region.height
        if not height or not papers.rows:
            if tries > 0:
                self.screen.call_after_refresh(self._scroll, line, tries - 1)
            return
        cursor = max(papers.cursor, 0)
        top = sum(row.height for row in papers.rows[:cursor])
        line = min(max(line, top - height + papers.rows[min(cursor, len(papers.rows) - 1)].height), top)
        papers.scroll_to(y=max(line, 0), animate=False, immediate=True)

    def save(self) -> None:
        """Keep where the reader is (on quit). Never fatal: the session is derived."""
        screen = self.screen
        if not screen.loaded or screen.view is None or not screen.is_mounted:
            return
        pending = self._pending
        if pending is not None and pending.view == screen.view:
            session = pending  # not put back yet: keep it as it was
        else:
            try:
                papers = screen.query_one(PapersList)
                tab = screen.query_one(DetailPane).active
            except NoMatches:  # (unmounted: the quit saved it already)
                return
            session = Session(screen.view, screen.paper_id, tab, int(papers.scroll_offset.y))
        try:
            write_session(screen.library.data_dir, session)
        except OSError:
            pass
