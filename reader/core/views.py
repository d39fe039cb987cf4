"""The reading list's views: which papers a sidebar entry shows, and what it is called.

A :class:`View` is a small value: a kind (all papers, unread, the reading queue, papers
mentioned but listed by no digest, a tag, an ISO week, a digest, a saved view) and, for a
tag, a week, a digest or a saved view, its key (a saved view's is its name: its query is
the snapshot's, core/saved_views.py). :func:`week_groups` groups the digests by ISO week, as the sidebar lists
them.
Its papers and label are pure functions of a :class:`~reader.core.snapshot.Snapshot`.

The two views of the reading queue:

* ``From commentary`` (:attr:`ViewKind.QUEUE`): papers queued from a commentary
  (``PaperRecord.origin == "commentary"``), in the order they were added;
* ``Mentioned, not in a digest`` (:attr:`ViewKind.MENTIONED`): every paper a digest mentions
  that no digest lists (what ``reader list --mentioned`` prints), queued or not.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from msgspec import Struct, field

from .saved_views import find
from .text import one_line

if TYPE_CHECKING:
    from .records import DigestRecord
    from .snapshot import Snapshot

QUEUE_LABEL = "From commentary"
MENTIONED_LABEL = "Mentioned, not in a digest"
MENTIONED_SHORT = "Mentioned, no digest"  # the sidebar's 28 columns


class ViewKind(enum.Enum):
    ALL = "all"
    UNREAD = "unread"
    QUEUE = "queue"
    MENTIONED = "mentioned"
    TAG = "tag"
    WEEK = "week"
    DIGEST = "digest"
    SAVED = "saved"


LIBRARY_KINDS = (ViewKind.ALL, ViewKind.UNREAD, ViewKind.QUEUE, ViewKind.MENTIONED)


class View(Struct, frozen=True):
    """One sidebar entry: ``kind``, and for a tag or a digest its ``key``."""

    kind: ViewKind
    key: str = ""

    @classmethod
    def tag(cls, tag: str) -> View:
        return cls(ViewKind.TAG, tag)

    @classmethod
    def week(cls, week: str) -> View:
        """Every digest of an ISO week (``2020-W28``)."""
        return cls(ViewKind.WEEK, week)

    @classmethod
    def digest(cls, digest_id: str) -> View:
        return cls(ViewKind.DIGEST, digest_id)

    @classmethod
    def saved(cls, name: str) -> View:
        """A saved view (core/saved_views.py), by name."""
        return cls(ViewKind.SAVED, name)

    @property
    def token(self) -> str:
        """A string naming the view, unique among views (a list row's key)."""
        return f"{self.kind.value}:{self.key}" if self.key else self.kind.value

    @property
    def depends_on_states(self) -> bool:
        """Do its papers change when a paper is read or tagged?"""
        return self.kind in (ViewKind.UNREAD, ViewKind.TAG, ViewKind.SAVED)

    def exists(self, snap: Snapshot) -> bool:
        """Is the view still there (a digest not removed, a saved view not removed)?"""
        if self.kind is ViewKind.DIGEST:
            return self.key in snap.digest_by_id
        if self.kind is ViewKind.WEEK:
            return any(digest.week == self.key for digest in snap.digests)
        if self.kind is ViewKind.SAVED:
            return find(snap.saved_views, self.key) is not None
        return True

    def ids(self, snap: Snapshot) -> list[str]:
        """The view's papers, in library order."""
        kind = self.kind
        if kind is ViewKind.ALL:
            return snap.all_ids()
        if kind is ViewKind.UNREAD:
            return [i for i in snap.all_ids() if not snap.state(i).read]
        if kind is ViewKind.QUEUE:
            return queue_ids(snap)
        if kind is ViewKind.MENTIONED:
            return mentioned_ids(snap)
        if kind is ViewKind.TAG:
            return snap.select(tag=self.key)
        if kind is ViewKind.WEEK:
            return snap.select(week=self.key)
        if kind is ViewKind.SAVED:
            return saved_ids(snap, self.key)
        digest = snap.digest_by_id.get(self.key)
        return list(dict.fromkeys(digest.paper_ids)) if digest else []

    def label(self, snap: Snapshot) -> str:
        """What the view is called (one line)."""
        kind = self.kind
        if kind is ViewKind.ALL:
            return "All papers"
        if kind is ViewKind.UNREAD:
            return "Unread"
        if kind is ViewKind.QUEUE:
            return QUEUE_LABEL
        if kind is ViewKind.MENTIONED:
            return MENTIONED_LABEL
        if kind is ViewKind.TAG:
            return "#" + one_line(self.key)
        if kind is ViewKind.WEEK:
            count = sum(1 for digest in snap.digests if digest.week == self.key)
            return f"{self.key} · {count} digests"
        if kind is ViewKind.SAVED:
            return one_line(self.key)
        digest = snap.digest_by_id.get(self.key)
        if digest is None:
            return ""
        return one_line(f"{digest.label} · {digest.title or ''}").rstrip(" ·")


ALL = View(ViewKind.ALL)
UNREAD = View(ViewKind.UNREAD)
QUEUE = View(ViewKind.QUEUE)
MENTIONED = View(ViewKind.MENTIONED)


def queue_ids(snap: Snapshot) -> list[str]:
    """Papers added because a commentary mentioned them, in the order they were added."""
    return snap.queued_ids()


def mentioned_ids(snap: Snapshot) -> list[str]:
    """Papers a digest mentions that no digest lists (``reader list --mentioned``)."""
    listed = snap.appearances
    return [ref for ref in snap.mentioned_by_digests if ref not in listed]


def saved_ids(snap: Snapshot, name: str) -> list[str]:
    """The papers the saved view ``name`` matches, in library order (none when there is no
    such view, or its query does not parse). Builds a query engine of its own: the app
    asks its own engine, which keeps its index (tui/visible.py)."""
    from .engine import Engine, universe
    from .query import parse

    view = find(snap.saved_views, name)
    query = parse(view.query) if view is not None else None
    if query is None or query.error is not None or query.empty:
        return []
    engine = Engine.build(snap) if Engine.needs_index(query) else Engine()
    return engine.filter(snap, universe(snap, query), query)


class WeekGroup(Struct, frozen=True):
    """The digests of one ISO week (newest first), or one undated digest (``week`` None).
    ``view`` is what choosing the week shows: its digest when it has one, else the week."""

    week: str | None
    digests: list[DigestRecord] = field(default_factory=list)

    @property
    def view(self) -> View:
        if self.week is None or len(self.digests) == 1:
            return View.digest(self.digests[0].id)
        return View.week(self.week)


def week_groups(snap: Snapshot) -> list[WeekGroup]:
    """The digests by ISO week, newest week first, then each undated digest on its own."""
    groups: dict[str, WeekGroup] = {}
    undated: list[WeekGroup] = []
    for digest in snap.digests:
        week = digest.week
        if week is None:
            undated.append(WeekGroup(None, [digest]))
        else:
            groups.setdefault(week, WeekGroup(week)).digests.append(digest)
    return [*groups.values(), *undated]


def week_of(groups: list[WeekGroup], view: View | None) -> int:
    """The index of the group ``view`` shows or lies in (-1: none)."""
    if view is None:
        return -1
    for index, group in enumerate(groups):
        if group.view == view or (view.kind is ViewKind.DIGEST and any(d.id == view.key for d in group.digests)):
            return index
    return -1


def first_view(snap: Snapshot) -> View:
    """The view the app opens on: the newest digest, else all papers."""
    return View.digest(snap.digests[0].id) if snap.digests else ALL
