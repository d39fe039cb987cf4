"""The reading list's views: which papers a sidebar entry shows, and what it is called.

A :class:`View` is a small value: a kind (all papers, unread, the reading queue, papers
mentioned but listed by no digest, a tag, a digest) and, for a tag or a digest, its key.
Its papers and label are pure functions of a :class:`~reader.core.snapshot.Snapshot`.

The two views of the reading queue:

* ``From commentary`` (:attr:`ViewKind.QUEUE`): papers queued from a commentary
  (``PaperRecord.origin == "commentary"``), in the order they were added;
* ``Mentioned, not in a digest`` (:attr:`ViewKind.MENTIONED`): every paper a digest mentions
  that no digest lists (what ``reader list --mentioned`` prints), queued or not.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import one_line

if TYPE_CHECKING:
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
    DIGEST = "digest"


LIBRARY_KINDS = (ViewKind.ALL, ViewKind.UNREAD, ViewKind.QUEUE, ViewKind.MENTIONED)


@dataclass(frozen=True, slots=True)
class View:
    """One sidebar entry: ``kind``, and for a tag or a digest its ``key``."""

    kind: ViewKind
    key: str = ""

    @classmethod
    def tag(cls, tag: str) -> View:
        return cls(ViewKind.TAG, tag)

    @classmethod
    def digest(cls, digest_id: str) -> View:
        return cls(ViewKind.DIGEST, digest_id)

    @property
    def token(self) -> str:
        """A string naming the view, unique among views (a list row's key)."""
        return f"{self.kind.value}:{self.key}" if self.key else self.kind.value

    @property
    def depends_on_states(self) -> bool:
        """Do its papers change when a paper is read or tagged?"""
        return self.kind in (ViewKind.UNREAD, ViewKind.TAG)

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


def first_view(snap: Snapshot) -> View:
    """The view the app opens on: the newest digest, else all papers."""
    return View.digest(snap.digests[0].id) if snap.digests else ALL
