"""The sidebar: library-wide views (All, Unread, one per tag), then the weeks' digests."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive, var

from reader.core.snapshot import Snapshot
from reader.core.text import one_line

from .line_list import LineList, Row

ALL = "all"
UNREAD = "unread"
QUEUE = "queue"  # papers queued from a commentary (screens/queue.py)
MENTIONED = "mentioned"  # papers a digest mentions that no digest lists
HEADER_VIEWS = "#views"
HEADER_WEEKS = "#weeks"
BAR_WIDTH = 10


def tag_view(tag: str) -> str:
    return f"tag:{tag}"


def digest_view(digest_id: str) -> str:
    return f"digest:{digest_id}"


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> tuple[str, str]:
    """The filled and empty parts of a small bar."""
    filled = round(width * done / total) if total else 0
    return "━" * filled, "━" * (width - filled)


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
    view: var[str] = var("")

    @dataclass
    class ViewChosen(Message):
        """The reader moved to the view ``key``."""

        key: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._progress: dict[str, tuple[int, int]] = {}
        self._unread = 0
        self._top: list[str] = []
        self._digests: tuple = ()
        self._counts: dict[str, tuple] = {}

    def watch_snapshot(self, snapshot: Snapshot) -> None:
        self._progress.clear()
        papers = snapshot.papers
        self._unread = len(papers) - sum(
            1 for i, state in snapshot.states.items() if state.read and i in papers
        )
        self._top = snapshot.top_tags(9)
        counts = snapshot.tag_counts
        tags = sorted((t for t in counts if counts[t] > 0), key=lambda t: (-counts[t], t))
        rows = [Row(HEADER_VIEWS, selectable=False), Row(ALL), Row(UNREAD), Row(QUEUE), Row(MENTIONED)]
        rows += [Row(tag_view(tag)) for tag in tags]
        rows.append(Row(HEADER_WEEKS, selectable=False))
        digests = snapshot.digests
        if self.rows and digests is self._digests and [r.key for r in self.rows[5:5 + len(tags)]] == [
            tag_view(t) for t in tags
        ] and len(self.rows) == len(rows) + len(digests):
            self.refresh_changed()  # same rows: repaint only the counts that moved
            return
        self._digests = digests
        rows += [Row(digest_view(digest.id), height=2) for digest in digests]
        self.set_rows(rows, keep=self.view or None, announce=False)

    def row_signature(self, index: int, row: Row) -> object:
        key = row.key
        if key.startswith("digest:"):
            return self.progress(key[7:])
        if key == ALL:
            return len(self.snapshot.papers)
        if key == UNREAD:
            return self._unread
        if key in (QUEUE, MENTIONED):
            return self.view_count(key)
        if key.startswith("tag:"):
            tag = key[4:]
            return (self.snapshot.tag_counts.get(tag, 0), tag in self._top and self._top.index(tag))
        return None

    def watch_view(self, view: str) -> None:
        self.move_to(view)

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        if event.list is self:
            event.stop()
            self.post_message(self.ViewChosen(event.key))

    def view_count(self, key: str) -> int | None:
        """Papers in the From commentary / Mentioned view. In a big library the mentioned
        count waits for the snapshot's mention index (built off the UI thread, see
        MainScreen._count_mentions)."""
        snap = self.snapshot
        if key == MENTIONED and "mentioned_by_digests" not in snap.__dict__ and len(snap.papers) > 2000:
            return None  # (a small library's count costs under 2 ms: at once)
        basis = (snap.papers, snap.digests)
        cached = self._counts.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], basis)):
            return cached[1]
        from ..screens.queue import mentioned_ids, queue_ids

        found = len(queue_ids(snap) if key == QUEUE else mentioned_ids(snap))
        self._counts[key] = (basis, found)
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
        key = row.key
        snap = self.snapshot
        if key == HEADER_VIEWS:
            return Text(" VIEWS", style("weeks--header"))
        if key == HEADER_WEEKS:
            return Text(" WEEKS", style("weeks--header"))
        if key in (ALL, UNREAD, QUEUE, MENTIONED) or key.startswith("tag:"):
            if key == ALL:
                label, count, prefix = "All papers", len(snap.papers), Text("   ")
            elif key == UNREAD:
                label, count, prefix = "Unread", self._unread, Text("   ")
            elif key in (QUEUE, MENTIONED):
                from ..screens.queue import MENTIONED_SHORT, QUEUE_LABEL

                label, prefix = QUEUE_LABEL if key == QUEUE else MENTIONED_SHORT, Text("   ")
                count = self.view_count(key)
            else:
                tag = key[4:]
                number = self._top.index(tag) + 1 if tag in self._top else None
                prefix = Text(f" {number} " if number else "   ", style("weeks--key"))
                label, count = "#" + one_line(tag), snap.tag_counts.get(tag, 0)
            right = "" if count is None else f"{count} "
            text = prefix
            label_style = style("weeks--tag") if key.startswith("tag:") else style("weeks--title")
            text.append(label, label_style)
            gap = max(1, width - text.cell_len - len(right))
            text.append(" " * gap)
            text.append(right, style("weeks--count"))
            return text
        digest = snap.digest_by_id.get(key[7:])
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
