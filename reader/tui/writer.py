"""The main screen's writes to the library: what a change looks like at once, and the
write queued on the library thread.

:class:`LibraryWriter` computes each change with absolute values (``set_read(ids, True)``,
not "toggle"), so the order of writes can never flip a result, and returns the optimistic
change for the screen to show before the write lands. Outcomes come back as messages
(``messages.py``) posted from the library thread; a failed write posts ``WriteFailed`` and
the screen reloads what is on disk.

Notes: one save in flight at a time; what is typed meanwhile gathers in one draft whose
base is the text the save in flight sends. The library merges a draft with a change made
meanwhile in another terminal (``Library.edit_note``). A failed save keeps its draft (with
its own base) to retry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from msgspec import Struct
from textual.message import Message

from reader.core.fs import atomic_write
from reader.core.library import Library, NoteSaved, PaperState, normalize_tag
from reader.core.locations import export_dir
from reader.core.snapshot import Snapshot

from .messages import (
    Exported,
    Imported,
    NoteFailed,
    NoteWritten,
    UndoDone,
    WriteFailed,
    Written,
    describe_error,
)
from .service import LibraryService

FLUSH_TIMEOUT = 10.0  # seconds a note save may take on quit


class NoteDraft(Struct, frozen=True):
    """A note edit to save: ``text``, typed over ``base`` (the note as stored then)."""

    arxiv_id: str
    base: str
    text: str


def now_stamp() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def read_states(snap: Snapshot, ids: Sequence[str], read: bool, stamp: str | None) -> dict[str, PaperState]:
    """The states of ``ids`` once marked ``read`` (only those that change)."""
    return {i: PaperState(read, snap.state(i).tags, stamp) for i in ids if snap.state(i).read != read}


def tag_states(snap: Snapshot, ids: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> dict[str, PaperState]:
    """The states of ``ids`` with tags added and removed (only those that change)."""
    new = {}
    for i in ids:
        state = snap.state(i)
        tags = [tag for tag in state.tags if tag not in remove]
        tags += [tag for tag in add if tag not in tags]
        if tuple(tags) != state.tags:
            new[i] = PaperState(state.read, tuple(tags), state.read_at)
    return new


class LibraryWriter:
    """See the module docstring. ``post`` delivers a message to the screen (thread-safe)."""

    def __init__(self, service: LibraryService, library: Library, post: Callable[[Message], object]) -> None:
        self.service = service
        self.library = library
        self.post = post
        self.submitted = 0  # writes asked for: a load that saw fewer is read again
        self.pending_note: NoteDraft | None = None  # typed, not sent (or failed: kept)
        self.note_in_flight: NoteDraft | None = None
        self._note_future: Future[Any] | None = None
        self._note_step: tuple[str, int] | None = None  # this visit's undo step (paper, seq)

    # --- plumbing ---------------------------------------------------------------------
    def write(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], Message] | None = None,
        failed: Callable[[str], Message] = WriteFailed,
        **kwargs: Any,
    ) -> Future[Any]:
        """Run ``fn`` on the library thread; post ``done(result)`` (if given) or ``failed(why)``."""
        self.submitted += 1
        future = self.service.write(fn, *args, **kwargs)

        def finished(f: Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                self.post(failed(describe_error(exc)))
            elif done is not None:
                self.post(done(f.result()))

        future.add_done_callback(finished)
        return future

    # --- read and tags ------------------------------------------------------------------
    def set_read(self, snap: Snapshot, ids: Sequence[str], read: bool) -> dict[str, PaperState]:
        """Mark ``ids`` read (or unread): the write is queued first (the disk starts on it),
        then the states to show are returned."""
        stamp = now_stamp() if read else None
        self.write(self.library.set_read, list(ids), read)
        return read_states(snap, ids, read, stamp)

    def change_tags(
        self, snap: Snapshot, ids: Sequence[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> dict[str, PaperState]:
        """Add and remove tags (raises ValueError for a tag that can't be one); returns the
        states to show (nothing is written when nothing changes)."""
        added = [normalize_tag(tag) for tag in add]
        removed = [normalize_tag(tag) for tag in remove]
        new = tag_states(snap, ids, added, removed)
        if new:
            self.write(self.library.change_tags, list(ids), add=added, remove=removed)
        return new

    # --- undo, queue, import, export ----------------------------------------------------
    def undo(self) -> None:
        """Undo this app's own newest change (never another terminal's)."""
        self.write(self.library.undo, session=self.library.origin.session, done=UndoDone)

    def queue(self, ids: list[str]) -> None:
        self.write(self.library.queue_papers, ids, done=lambda _: Written())

    def import_path(self, path: Path) -> None:
        """Import a file or folder, on the library thread in order with other writes."""
        library = self.library

        def job() -> Imported:
            # (the digest parser: not on the startup path; a folder is followed, as by 'reader import')
            from reader.core.followed_folders import import_folder_paths  # (lazy: not loaded before the first paint)

            return Imported(path, import_folder_paths(library, [path]))

        self.write(job, done=lambda message: message)

    def export(self, snapshot: Snapshot, ids: list[str], slug: str) -> None:
        """Write the notes of ``ids`` as Markdown into the export folder (off the UI thread)."""

        def job() -> Path:
            from reader.core.export import export_markdown  # (lazy: not loaded before the first paint)

            folder = export_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"reader-{slug}.md"
            atomic_write(path, export_markdown(snapshot, ids))
            return path

        def finished(f: Future[Path]) -> None:
            exc = f.exception()
            self.post(Exported(len(ids), error=describe_error(exc)) if exc else Exported(len(ids), f.result()))

        self.service.compute(job).add_done_callback(finished)

    # --- notes --------------------------------------------------------------------------
    def edit_note(self, arxiv_id: str, base: str, text: str) -> None:
        """The note on ``arxiv_id`` now reads ``text``, typed over ``base``: save it (now,
        or after the save in flight)."""
        pending = self.pending_note
        if pending is not None and pending.arxiv_id != arxiv_id:
            self.flush_note()
            pending = self.pending_note
        if pending is not None and pending.arxiv_id == arxiv_id:
            base = pending.base
        self.pending_note = NoteDraft(arxiv_id, base, text)
        if self.note_in_flight is None:
            self.flush_note()

    def note_entered(self) -> None:
        self._note_step = None  # the first save of this visit is a new undo step

    def note_left(self) -> None:
        if self.note_in_flight is None:
            self.flush_note()

    def _save_job(self, draft: NoteDraft) -> Callable[[], NoteSaved]:
        step = self._note_step[1] if self._note_step and self._note_step[0] == draft.arxiv_id else None
        library = self.library

        def job() -> NoteSaved:
            return library.edit_note(draft.arxiv_id, draft.base, draft.text, step=step)

        return job

    def flush_note(self) -> None:
        """Send the draft, if there is one (its outcome comes as NoteWritten / NoteFailed)."""
        draft = self.pending_note
        if draft is None:
            return
        self.pending_note = None
        self.note_in_flight = draft
        self._note_future = self.write(
            self._save_job(draft),
            done=lambda saved: NoteWritten(draft, saved),
            failed=lambda error: NoteFailed(draft, error),
        )

    def flush_now(self) -> tuple[list[tuple[NoteDraft, NoteSaved]], str | None]:
        """(On quit.) The save in flight, then the pending draft, written before returning:
        what was saved, and why the last draft could not be (or None)."""
        saved: list[tuple[NoteDraft, NoteSaved]] = []
        flying, future = self.note_in_flight, self._note_future
        if flying is not None and future is not None:
            self.note_in_flight = None  # handled here: its message is ignored
            try:
                stored = future.result(timeout=FLUSH_TIMEOUT)
                self.note_stored(flying, stored)
                saved.append((flying, stored))
            except Exception:
                self.keep_failed(flying)
        draft = self.pending_note
        if draft is None:
            return saved, None
        try:
            stored = self.service.write(self._save_job(draft)).result(timeout=FLUSH_TIMEOUT)
        except Exception as exc:
            return saved, describe_error(exc)
        self.pending_note = None
        self.note_stored(draft, stored)
        saved.append((draft, stored))
        return saved, None

    def is_current(self, draft: NoteDraft) -> bool:
        """Is ``draft`` the save in flight (not one a flush on quit handled)? Then it is
        over: the next save may go."""
        if draft is not self.note_in_flight:
            return False
        self.note_in_flight = None
        return True

    def note_stored(self, draft: NoteDraft, saved: NoteSaved) -> None:
        if saved.step is not None:
            self._note_step = (draft.arxiv_id, saved.step)

    def keep_failed(self, draft: NoteDraft) -> None:
        """A save failed: what is typed is still unsaved, over the failed save's base."""
        pending = self.pending_note
        if pending is None or pending.arxiv_id != draft.arxiv_id:
            if pending is not None:
                return  # (another paper's draft waits; this one is lost only if both fail)
            self.pending_note = draft
        else:
            self.pending_note = NoteDraft(draft.arxiv_id, draft.base, pending.text)
