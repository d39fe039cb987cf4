"""The reading queue: papers a commentary mentions, and the confirm modal that adds one.

Two sidebar views live here as plain functions of the snapshot (the sidebar and the
main screen only ask them for ids and counts):

* ``From commentary`` (``QUEUE_VIEW``): papers queued from a commentary
  (``PaperRecord.origin == "commentary"``);
* ``Mentioned, not in a digest`` (``MENTIONED_VIEW``): every paper a digest mentions
  that no digest lists (what ``reader list --mentioned`` prints), queued or not.

Enter on a reference that is not in the library asks :class:`QueueConfirm` first.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.snapshot import Snapshot
from reader.core.text import one_line

QUEUE_VIEW = "queue"
MENTIONED_VIEW = "mentioned"
QUEUE_LABEL = "From commentary"
MENTIONED_LABEL = "Mentioned, not in a digest"
MENTIONED_SHORT = "Mentioned, no digest"  # the sidebar's 28 columns


def queue_ids(snap: Snapshot) -> list[str]:
    """Papers added because a commentary mentioned them, in the order they were added."""
    return snap.queued_ids()


def mentioned_ids(snap: Snapshot) -> list[str]:
    """Papers a digest mentions that no digest lists (``reader list --mentioned``)."""
    listed = snap.appearances
    return [ref for ref in snap.mentioned_by_digests if ref not in listed]


MENTION_INDEXES = ("mentioned_in", "mentioned_by_digests")


def _digests_key(snap: Snapshot) -> tuple:
    return tuple((d.id, d.sha256, d.imported_at) for d in snap.digests)


def carry_mentions(old: Snapshot, new: Snapshot) -> None:
    """Give ``new`` the mention indexes ``old`` computed, when both hold the same digests
    (a reload after an undo, a fetch, a queued paper…): ~30 ms saved at 10,000 papers."""
    if new is old or not (old.complete and new.complete):
        return
    names = [n for n in MENTION_INDEXES if n in old.__dict__ and n not in new.__dict__]
    if names and _digests_key(old) == _digests_key(new):
        for name in names:
            new.__dict__[name] = old.__dict__[name]


@dataclass
class MentionsCounted(Message):
    """The snapshot's mention index was built (off the UI thread): the sidebar can count."""

    snapshot: Snapshot


class QueueConfirm(ModalScreen[bool]):
    """``Add 1912.04958 to your reading queue and fetch its metadata?  y / n``"""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes: add it and fetch"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, arxiv_id: str) -> None:
        super().__init__(classes="prompt")
        self.arxiv_id = arxiv_id

    def compose(self) -> ComposeResult:
        with Vertical(id="queue-box") as box:
            box.border_title = "Not in your library"
            question = Text(f"Add {one_line(self.arxiv_id)} to your reading queue and fetch its metadata?")
            question.append("  y / n", style="bold")
            yield Static(question, id="queue-question")
            yield Static(
                Text(f"It will be listed under “{QUEUE_LABEL}”; the fetch needs the network."),
                classes="prompt-hint",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
