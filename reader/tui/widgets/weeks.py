"""The sidebar: library-wide views (All, Unread, …) and the saved views, the most used
tags, then the weeks.

It scales with the library: WEEKS has one row per ISO week, with its read progress (the
digests of a week with several are listed under it while it is the current week), undated
digests come last by name, and TAGS shows the nine most used tags (the number keys' tags)
and a row that shows the rest. Opened, it shows VIEWS first.
"""

from __future__ import annotations

from collections.abc import Callable

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
    WeekGroup,
    mentioned_ids,
    queue_ids,
    week_groups,
    week_of,
)

from .line_list import LineList, Row

HEADER_VIEWS = "#views"  # (a view's token never starts with #)
HEADER_TAGS = "#tags"
HEADER_WEEKS = "#weeks"
HEADER_UNDATED = "#undated"
MORE_TAGS = "#tags-more"  # Enter shows every tag, or only the most used again
HEADERS = {HEADER_VIEWS: " VIEWS", HEADER_TAGS: " TAGS", HEADER_WEEKS: " WEEKS", HEADER_UNDATED: " UNDATED"}
LIBRARY_VIEWS = (ALL, UNREAD, QUEUE, MENTIONED)
TOP_TAGS = 9  # shown while the tags are folded: the ones the number keys toggle
FOLD_AFTER = 12  # fewer tags than this are all shown, without a "more" row


def cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle (names that differ at the end stay apart)."""
    if len(text) <= width or width < 5:
        return text
    tail = (width - 1) // 3
    return text[: width - 1 - tail] + "…" + text[len(text) - tail:]


class WeeksSidebar(LineList):
    """Views, tags and weeks; moving the cursor chooses the view (posted as ``ViewChosen``)."""

    DEFAULT_CSS = """
    WeeksSidebar > .weeks--header { color: $foreground-muted; text-style: bold; }
    WeeksSidebar > .weeks--date { color: $primary; text-style: bold; }
    WeeksSidebar > .weeks--title { }
    WeeksSidebar > .weeks--done { color: $success; }
    WeeksSidebar > .weeks--todo { color: $foreground 15%; }
    WeeksSidebar > .weeks--tag { color: $secondary; }
    WeeksSidebar > .weeks--key { color: $accent; }
    """

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "weeks--header",
        "weeks--date",
        "weeks--title",
        "weeks--done",
        "weeks--todo",
        "weeks--tag",
        "weeks--key",
    }

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    view: var[View | None] = var(None)

    class ViewChosen(Message):
        """The reader moved to ``view``."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._progress: dict[str, tuple[int, int]] = {}
        self._unread = 0
        self._top: list[str] = []
        self._tags: list[str] = []  # every tag in use, most used first
        self._groups: list[WeekGroup] = []
        self._groups_of: tuple = ()  # the digests the groups were made from
        self._digest_groups: dict[str, WeekGroup] = {}  # week view's key -> its group
        self._counts: dict[View, tuple] = {}
        self._views: dict[str, View] = {view.token: view for view in LIBRARY_VIEWS}  # row key -> view
        self.tags_open = False
        # A saved view's (matching, unread) papers, None while unknown (the screen's engine
        # answers: see MainScreen); counted once per snapshot, and again by recount().
        self.count_saved: Callable[[Snapshot, View], tuple[int, int] | None] = lambda snap, view: None
        self._saved_counts: dict[str, tuple[int, int] | None] = {}
        self._made_of: tuple[object, ...] | None = None  # what the rows were last made of
        self._week_of: tuple[list[WeekGroup], View | None, int] | None = None  # (groups, view, its group)

    # --- rows ---------------------------------------------------------------
    def watch_snapshot(self, snapshot: Snapshot) -> None:
        self._progress.clear()
        self._saved_counts.clear()
        self._unread = len(snapshot.papers) - snapshot.read_count()  # (a glance's state file counts its set)
        self._top = snapshot.top_tags(TOP_TAGS)
        counts = snapshot.tag_counts
        self._tags = sorted((t for t in counts if counts[t] > 0), key=lambda t: (-counts[t], t))
        if snapshot.digests is not self._groups_of:
            self._groups_of = snapshot.digests
            self._groups = week_groups(snapshot)
            self._digest_groups = {g.week: g for g in self._groups if g.week is not None and len(g.digests) > 1}
        self._rebuild()

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        if not self.move_to(view.token) or self._open_week() != self._shown_week:
            self._rebuild()

    def _open_week(self) -> str | None:
        """The week whose digests are listed under it: the current view's, if it has several."""
        found = self._week_of
        if found is None or found[0] is not self._groups or found[1] != self.view:
            found = self._week_of = (self._groups, self.view, week_of(self._groups, self.view))
        index = found[2]  # (once per view: a look through 1,000 weeks at 100,000 papers)
        if index < 0:
            return None
        week = self._groups[index].week
        return week if week in self._digest_groups else None

    _shown_week: str | None = None

    def _rebuild(self) -> None:
        """Make the rows again; when they are the same, repaint only what changed."""
        # What the rows are made of: the same, they are (a toggle or a tag: no row for each
        # of 1,000 weeks made again to find that out).
        made_of = (self._groups, self.snapshot.saved_views, self._tags, self.tags_open, self.view, self._open_week())
        if self._made_of is not None and all(a is b or a == b for a, b in zip(made_of, self._made_of, strict=True)):
            self.refresh_changed()
            return
        self._made_of = made_of
        saved = [View.saved(view.name) for view in self.snapshot.saved_views]
        views: dict[str, View] = {view.token: view for view in (*LIBRARY_VIEWS, *saved)}
        keys: list[tuple[str, int]] = [(HEADER_VIEWS, 0), *[(view.token, 1) for view in (*LIBRARY_VIEWS, *saved)]]
        tags = self._tags
        if tags:
            shown = tags if self.tags_open or len(tags) < FOLD_AFTER else tags[:TOP_TAGS]
            current = self.view.key if self.view is not None and self.view.kind is ViewKind.TAG else None
            if current is not None and current not in shown and current in tags:
                shown = [*shown, current]  # the tag on screen keeps its row
            keys.append((HEADER_TAGS, 0))
            for tag in shown:
                view = View.tag(tag)
                views[view.token] = view
                keys.append((view.token, 1))
            if len(tags) >= FOLD_AFTER:
                keys.append((MORE_TAGS, 1))
        open_week = self._open_week()
        dated = [g for g in self._groups if g.week is not None]
        undated = [g for g in self._groups if g.week is None]
        if dated:
            keys.append((HEADER_WEEKS, 0))
        for group in dated:
            view = group.view
            views[view.token] = view
            keys.append((view.token, 2))
            if group.week == open_week:
                for digest in group.digests:
                    sub = View.digest(digest.id)
                    views[sub.token] = sub
                    keys.append((sub.token, 1))
        if undated:
            keys.append((HEADER_UNDATED, 0))
        for group in undated:
            view = group.view
            views[view.token] = view
            keys.append((view.token, 2))
        self._shown_week = open_week
        self._views = views
        if [(row.key, row.height) for row in self.rows] == [(k, h or 1) for k, h in keys]:
            self.refresh_changed()  # same rows: repaint only the counts that moved
            return
        rows = [Row(key, height or 1, selectable=height > 0) for key, height in keys]
        self.set_rows(rows, keep=self.view.token if self.view else None, announce=False)

    def view_of(self, row: Row) -> View | None:
        """The view a row shows (None for a header or the tags' fold)."""
        return self._views.get(row.key)

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        if event.list is self:
            event.stop()
            view = self._views.get(event.key)
            if view is not None:
                self.post_message(self.ViewChosen(view))

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        if event.list is self and event.key == MORE_TAGS:
            event.stop()
            self.toggle_tags()

    def toggle_tags(self) -> None:
        """Show every tag, or only the most used again."""
        self.tags_open = not self.tags_open
        self._rebuild()
        self.move_to(MORE_TAGS)

    # --- counts -------------------------------------------------------------
    def row_signature(self, index: int, row: Row) -> object:
        view = self.view_of(row)
        if view is None:
            return (len(self._tags), self.tags_open) if row.key in (MORE_TAGS, HEADER_TAGS) else None
        kind = view.kind
        if kind in (ViewKind.DIGEST, ViewKind.WEEK):
            return self.progress(view)
        if kind is ViewKind.ALL:
            return len(self.snapshot.papers)
        if kind is ViewKind.UNREAD:
            return self._unread
        if kind is ViewKind.TAG:
            return (self.snapshot.tag_counts.get(view.key, 0), view.key in self._top and self._top.index(view.key))
        if kind is ViewKind.SAVED:
            return self.saved_count(view)
        return self.view_count(view)

    def saved_count(self, view: View) -> tuple[int, int] | None:
        """(matching, unread) papers of a saved view; None while the index is being built."""
        if view.key not in self._saved_counts:
            self._saved_counts[view.key] = self.count_saved(self.snapshot, view)
        return self._saved_counts[view.key]

    def recount(self) -> None:
        """Count the saved views again (the query index arrived, or changed)."""
        self._saved_counts.clear()
        self.refresh_changed()

    def view_count(self, view: View) -> int | None:
        """Papers in the From commentary / Mentioned view. In a big library the mentioned
        count waits for the snapshot's mention index (built off the UI thread by the
        startup sequence)."""
        snap = self.snapshot
        if view == MENTIONED and not snap.indexes.mentions_known and len(snap.papers) > 2000:
            return None  # (a small library's count costs under 2 ms: at once)
        basis = (snap.papers, snap.digests)
        cached = self._counts.get(view)
        if cached is not None and all(a is b for a, b in zip(cached[0], basis, strict=False)):
            return cached[1]
        found = len(queue_ids(snap) if view == QUEUE else mentioned_ids(snap))
        self._counts[view] = (basis, found)
        return found

    def progress(self, view: View) -> tuple[int, int]:
        """(read, papers) of a digest, or of a week's digests together."""
        found = self._progress.get(view.token)
        if found is None:
            snap = self.snapshot
            if view.kind is ViewKind.WEEK:
                group = self._digest_groups.get(view.key)
                ids = set().union(*(d.paper_ids for d in group.digests)) if group else set()
                found = (snap.read_among(ids), len(ids))  # (read flags only: no paper's tags looked up)
            else:
                digest = snap.digest_by_id.get(view.key)
                found = snap.progress(digest) if digest else (0, 0)
            self._progress[view.token] = found
        return found

    # --- drawing ------------------------------------------------------------
    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        style = self.component_style
        if row.key in HEADERS:
            text = Text(HEADERS[row.key], style("weeks--header"))
            tags = len(self._tags) if row.key == HEADER_TAGS else 0
            if tags:
                text.append(" " * max(1, width - text.cell_len - len(str(tags)) - 1))
                text.append(f"{tags} ", style("line-list--muted"))
            return text
        if row.key == MORE_TAGS:
            if self.tags_open:
                return Text("   − only the most used", style("line-list--muted"))
            hidden = len(self._tags) - TOP_TAGS
            return Text(f"   + {hidden} more tags", style("line-list--muted"))
        view = self.view_of(row)
        if view is None:
            return Text()
        kind = view.kind
        if kind in (ViewKind.DIGEST, ViewKind.WEEK):
            return self._render_week(view, row, line, width)
        snap = self.snapshot
        count: int | None
        if kind is ViewKind.ALL:
            label, count, prefix = "All papers", len(snap.papers), Text("   ")
        elif kind is ViewKind.UNREAD:
            label, count, prefix = "Unread", self._unread, Text("   ")
        elif kind in (ViewKind.QUEUE, ViewKind.MENTIONED):
            label, prefix = QUEUE_LABEL if view == QUEUE else MENTIONED_SHORT, Text("   ")
            count = self.view_count(view)
        elif kind is ViewKind.SAVED:
            return self._render_saved(view, width)
        else:
            tag = view.key
            number = self._top.index(tag) + 1 if tag in self._top else None
            prefix = Text(f" {number} " if number else "   ", style("weeks--key"))
            label, count = "#" + one_line(tag), snap.tag_counts.get(tag, 0)
        right = "" if count is None else f"{count} "
        text = prefix
        label_style = style("weeks--tag") if kind is ViewKind.TAG else style("weeks--title")
        text.append(label, label_style)
        text.truncate(max(width - len(right) - 1, 4), overflow="ellipsis")
        gap = max(1, width - text.cell_len - len(right))
        text.append(" " * gap)
        text.append(right, style("line-list--muted"))
        return text

    def _render_saved(self, view: View, width: int) -> Text:
        """``   name        unread/matching`` (the name is the user's: literal text)."""
        style = self.component_style
        counted = self.saved_count(view)
        right = "" if counted is None else f"{counted[1]}/{counted[0]} "
        text = Text("   ")
        text.append(one_line(view.key), style("weeks--title"))
        text.truncate(max(width - len(right) - 1, 4), overflow="ellipsis")
        text.append(" " * max(1, width - text.cell_len - len(right)))
        text.append(right, style("line-list--muted"))
        return text

    def _render_week(self, view: View, row: Row, line: int, width: int) -> Text:
        style = self.component_style
        snap = self.snapshot
        done, total = self.progress(view)
        if row.height == 1:  # a digest listed under its week
            digest = snap.digest_by_id.get(view.key)
            if digest is None:
                return Text()
            right = f" {done}/{total} "
            text = Text("   ")
            if digest.date:
                text.append(digest.date.strftime("%m-%d") + " ", style("weeks--date"))
            text.append(one_line(digest.title or digest.display_name), style("weeks--title"))
            text.truncate(max(width - len(right), 4), overflow="ellipsis")
            text.append(" " * max(0, width - text.cell_len - len(right)))
            text.append(right, style("line-list--muted"))
            return text
        if line == 1:
            filled, empty = progress_bar(done, total)
            text = Text(" ")
            text.append(filled, style("weeks--done"))
            text.append(empty, style("weeks--todo"))
            text.append(f" {done}/{total} read", style("line-list--muted"))
            return text
        if view.kind is ViewKind.WEEK:
            group = self._digest_groups.get(view.key)
            text = Text(" " + view.key, style("weeks--date"))
            text.append(f"  {len(group.digests) if group else 0} digests", style("weeks--title"))
            return text
        digest = snap.digest_by_id.get(view.key)
        if digest is None:
            return Text()
        if digest.week is None:  # undated: by name, cut in the middle so names stay apart
            return Text(" " + cut_middle(digest.display_name, width - 2), style("weeks--title"))
        text = Text(" " + digest.week, style("weeks--date"))
        if digest.title:
            text.append("  " + one_line(digest.title), style("weeks--title"))
        return text
