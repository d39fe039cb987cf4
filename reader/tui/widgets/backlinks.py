"""References and backlinks of a paper, for the Commentary pane.

* :func:`commentary_references`: every arXiv link of every shown commentary (the
  parser's per-entry references, plus any link found in the commentary text itself),
  in order, without the paper itself.
* :class:`Backlinks`: "Mentioned in": the digests and the papers whose commentary
  references the paper; Enter on one opens it (posted as :class:`Backlinks.Open`).
* :class:`LinkList`: the lists' keys: j/k move, and moving past either end goes on to
  the next list of the pane (or back up to the commentary text).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.ids import find_links
from reader.core.snapshot import Snapshot
from reader.core.text import one_line

PAPER = "paper:"
DIGEST = "digest:"


def commentary_references(snap: Snapshot, paper_id: str | None, appearances: list) -> list[str]:
    """Every paper the shown commentary links to, first mention first (never ``paper_id``)."""

    refs: dict[str, None] = {}
    for appearance in appearances:
        entry = appearance.entry
        for ref in entry.references:
            refs[ref] = None
        for link in find_links(entry.commentary or ""):
            if not link.malformed:
                refs[link.arxiv_id] = None
    if paper_id is not None:
        refs.pop(paper_id, None)
    return list(refs)


def backlinks(snap: Snapshot, paper_id: str) -> list[tuple[str, str]]:
    """``(kind, key)`` for each digest, then each paper, that mentions ``paper_id``."""
    found = [(DIGEST, d) for d in snap.mentioned_by_digests.get(paper_id, ()) if d in snap.digest_by_id]
    found += [(PAPER, p) for p in snap.mentioned_in.get(paper_id, ()) if p != paper_id]
    return found


def mentioning_entry(snap: Snapshot, digest_id: str, paper_id: str) -> str | None:
    """The first paper of a digest whose commentary mentions ``paper_id`` (None: its preface)."""
    digest = snap.digest_by_id.get(digest_id)
    if digest is None:
        return None
    for entry in digest.entries:
        if paper_id in entry.references:
            return entry.arxiv_id
    return None


class LinkList(OptionList):
    """An option list of links in the Commentary pane; the lists read as one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            self._leave(1)
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted <= 0:
            self._leave(-1)
        else:
            super().action_cursor_up()

    def _leave(self, step: int) -> None:
        parent = self.parent
        if parent is None:
            return
        lists = [w for w in parent.query_children(LinkList) if w.display and w.option_count]
        index = lists.index(self) + step if self in lists else -1
        if 0 <= index < len(lists):
            target = lists[index]
            target.focus()
            target.highlighted = 0 if step > 0 else target.option_count - 1
        elif step < 0 and isinstance(parent, Widget) and parent.can_focus:
            parent.focus()  # back to the commentary text


def focus_links(pane) -> bool:
    """Focus the first list of links in ``pane`` (Enter in the Commentary pane)."""
    for links in pane.query_children(LinkList):
        if links.display and links.option_count:
            links.focus()
            links.highlighted = 0
            return True
    return False


class Backlinks(LinkList):
    """"Mentioned in": digests and papers whose commentary references the paper."""

    class Open(Message):
        """Enter on a backlink: ``kind`` is ``paper`` or ``digest``; ``paper_id`` is the
        paper whose backlinks were shown."""

        def __init__(self, kind: str, key: str, paper_id: str) -> None:
            super().__init__()
            self.kind = kind
            self.key = key
            self.paper_id = paper_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._paper_id: str | None = None

    def show(self, snap: Snapshot, paper_id: str | None) -> int:
        """List the backlinks of ``paper_id``; returns how many there are."""
        self._paper_id = paper_id
        self.clear_options()
        found = backlinks(snap, paper_id) if paper_id else []
        options = []
        for kind, key in found:
            prompt = Text()
            if kind == DIGEST:
                digest = snap.digest_by_id[key]
                prompt.append("▤ digest ", style="dim")
                prompt.append(one_line(digest.label), style="bold")
                if digest.title:
                    prompt.append("  " + one_line(digest.title))
            else:
                known = key in snap.papers or key in snap.appearances
                prompt.append("● " if known else "○ ", style="bold" if known else "dim")
                prompt.append(key, style="bold")
                title = snap.title(key)
                if title:
                    prompt.append("  " + one_line(title))
                dates = snap.digest_dates(key)
                if dates:
                    prompt.append("  · " + dates[0], style="dim")
            options.append(Option(prompt, id=kind + key))
        self.add_options(options)
        return len(found)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if self._paper_id is None:
            return
        for kind in (PAPER, DIGEST):
            if option_id.startswith(kind):
                self.post_message(self.Open(kind.rstrip(":"), option_id[len(kind):], self._paper_id))
