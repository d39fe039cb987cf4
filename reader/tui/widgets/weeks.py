"""The sidebar: library-wide views (All, Unread, one per tag), then the weeks' digests."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive, var

from reader.core.present import progress_bar
from reader.core.snapshot import Snapshot
from reader.core.text import one_line
from reader.core.views import (
    ALL,
    MENTIONED,
    MENTIONED_SHORT,
    QUEUE,
    QUEUE_LABEL,
    UNREAD,
    View,
    ViewKind,
    mentioned_ids,
    queue_ids,
)

from .line_list import LineList, Row

HEADER_VIEWS = "#views"  # (a view's token never starts with #)
HEADER_WEEKS = "#weeks"
LIBRARY_VIEWS = (ALL, UNREAD, QUEUE, MENTIONED)


class WeeksSidebar(LineList):
    """Views and weeks; moving the cursor chooses the view (posted as ``ViewChosen``)."""

    DEFAULT_CSS = """
    WeeksSidebar > .weeks--header { color: $foreground-muted; text-style: bold; }
    WeeksSidebar > .weeks--date { color: $primary; text-style: bold; }
    WeeksSidebar > .weeks--title { }
    WeeksSidebar > .weeks--count { color: $foreground-muted; }
    WeeksSidebar > .weeks--done { color: $success; }
    WeeksSidebar > .weeks--todo { color: $foreground 15%; }
    WeeksSidebar > .weeks--tag { color: $secondary; }
    WeeksSidebar > .weeks--key { color: $accent; }
    """

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "weeks--header",
        "weeks--date",
        "weeks--title",
        "weeks--count",
        "weeks--done",
        "weeks--todo",
        "weeks--tag",
        "weeks--key",
    }

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    view: var[View | None] = var(None)

    @dataclass
    class ViewChosen(Message):
        """The reader moved to ``view``."""

        view: View

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._progress: dict[str, tuple[int, int]] = {}
        self._unread = 0
        self._top: list[str] = []
        self._digests: tuple = ()
        self._counts: dict[View, tuple] = {}
        self._views: dict[str, View] = {view.token: view for view in LIBRARY_VIEWS}  # row key -> view

    def watch_snapshot(self, snapshot: Snapshot) -> None:
        self._progress.clear()
        papers = snapshot.papers
        self._unread = len(papers) - sum(
            1 for i, state in snapshot.states.items() if state.read and i in papers
        )
        self._top = snapshot.top_tags(9)
        counts = snapshot.tag_counts
        tags = sorted((t for t in counts if counts[t] > 0), key=lambda t: (-counts[t], t))
        tag_views = [View.tag(tag) for tag in tags]
        rows = [Row(HEADER_VIEWS, selectable=False), *[Row(view.token) for view in LIBRARY_VIEWS]]
        rows += [Row(view.token) for view in tag_views]
        rows.append(Row(HEADER_WEEKS, selectable=False))
        digests = snapshot.digests
        first_tag = 1 + len(LIBRARY_VIEWS)
        if self.rows and digests is self._digests and [r.key for r in self.rows[first_tag:first_tag + len(tags)]] == [
            view.token for view in tag_views
        ] and len(self.rows) == len(rows) + len(digests):
            self.refresh_changed()  # same rows: repaint only the counts that moved
            return
        self._digests = digests
        digest_views = [View.digest(digest.id) for digest in digests]
        rows += [Row(view.token, height=2) for view in digest_views]
        self._views = {view.token: view for view in (*LIBRARY_VIEWS, *tag_views, *digest_views)}
        self.set_rows(rows, keep=self.view.token if self.view else None, announce=False)

    def view_of(self, row: Row) -> View | None:
        """The view a row shows (None for a header)."""
        return self._views.get(row.key)

    def row_signature(self, index: int, row: Row) -> object:
        view = self.view_of(row)
        if view is None:
            return None
        kind = view.kind
        if kind is ViewKind.DIGEST:
            return self.progress(view.key)
        if kind is ViewKind.ALL:
            return len(self.snapshot.papers)
        if kind is ViewKind.UNREAD:
            return self._unread
        if kind is ViewKind.TAG:
            return (self.snapshot.tag_counts.get(view.key, 0), view.key in self._top and self._top.index(view.key))
        return self.view_count(view)

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self.move_to(view.token)

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        if event.list is self:
            event.stop()
            view = self._views.get(event.key)
            if view is not None:
                self.post_message(self.ViewChosen(view))

    def view_count(self, view: View) -> int | None:
        """Papers in the From commentary / Mentioned view. In a big library the mentioned
        count waits for the snapshot's mention index (built off the UI thread by the
        startup sequence)."""
        snap = self.snapshot
        if view == MENTIONED and not snap.indexes.mentions_known and len(snap.papers) > 2000:
            return None  # (a small library's count costs under 2 ms: at once)
        basis = (snap.papers, snap.digests)
        cached = self._counts.get(view)
        if cached is not None and all(a is b for a, b in zip(cached[0], basis)):
            return cached[1]
        found = len(queue_ids(snap) if view == QUEUE else mentioned_ids(snap))
        self._counts[view] = (basis, found)
        return found

    def progress(self, digest_id: str) -> tuple[int, int]:
        found = self._progress.get(digest_id)
        if found is None:
            digest = self.snapshot.digest_by_id.get(digest_id)
            found = self.snapshot.progress(digest) if digest else (0, 0)
            self._progress[digest_id] = found
        return found

    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        style = self.component_style
        snap = self.snapshot
        if row.key == HEADER_VIEWS:
            return Text(" VIEWS", style("weeks--header"))
        if row.key == HEADER_WEEKS:
            return Text(" WEEKS", style("weeks--header"))
        view = self.view_of(row)
        if view is None:
            return Text()
        kind = view.kind
        if kind is not ViewKind.DIGEST:
            count: int | None
            if kind is ViewKind.ALL:
                label, count, prefix = "All papers", len(snap.papers), Text("   ")
            elif kind is ViewKind.UNREAD:
                label, count, prefix = "Unread", self._unread, Text("   ")
            elif kind in (ViewKind.QUEUE, ViewKind.MENTIONED):
                label, prefix = QUEUE_LABEL if view == QUEUE else MENTIONED_SHORT, Text("   ")
                count = self.view_count(view)
            else:
                tag = view.key
                number = self._top.index(tag) + 1 if tag in self._top else None
                prefix = Text(f" {number} " if number else "   ", style("weeks--key"))
                label, count = "#" + one_line(tag), snap.tag_counts.get(tag, 0)
            right = "" if count is None else f"{count} "
            text = prefix
            label_style = style("weeks--tag") if kind is ViewKind.TAG else style("weeks--title")
            text.append(label, label_style)
            gap = max(1, width - text.cell_len - len(right))
            text.append(" " * gap)
            text.append(right, style("weeks--count"))
            return text
        digest = snap.digest_by_id.get(view.key)
        if digest is None:
            return Text()
        if line == 0:
            date = digest.date.isoformat() if digest.date else one_line(digest.label)
            text = Text(" " + date, style("weeks--date"))
            if digest.title:
                text.append("  " + one_line(digest.title), style("weeks--title"))
            return text
        done, total = self.progress(digest.id)
        filled, empty = progress_bar(done, total)
        text = Text(" ")
        text.append(filled, style("weeks--done"))
        text.append(empty, style("weeks--todo"))
        text.append(f" {done}/{total} read", style("weeks--count"))
        return text
