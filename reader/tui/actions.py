"""The main screen's actions that change the library.

Each shows its effect at once (an updated snapshot) and queues the write on the library
thread with absolute values computed here (``set_read(ids, True)``, not "toggle"), so
the order of writes can never flip a result. When a write fails the screen reloads
what is on disk and says why.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from reader.core.library import PaperState, normalize_tag

from .messages import Written, describe_error

if TYPE_CHECKING:
    from reader.core.snapshot import Snapshot

    from .widgets.notes import NotesPane  # imported with the detail pane, after the first paint



def _count(ids: list[str]) -> str:
    return "1 paper" if len(ids) == 1 else f"{len(ids)} papers"


@dataclass(frozen=True, slots=True)
class NoteDraft:
    """A note edit to save: ``text``, typed over ``base`` (the note as stored then)."""

    arxiv_id: str
    base: str
    text: str


class LibraryActions:
    """Mixed into MainScreen (which provides snapshot, targets(), replace_snapshot...).

    Handlers here use ``on_<message>`` names: ``@on`` is only collected from classes
    that are message pumps themselves, and this mixin is not.
    """

    snapshot: Snapshot

    def _init_actions(self) -> None:
        self._pending_note: NoteDraft | None = None  # typed, not sent (or failed: kept)
        self._note_in_flight: NoteDraft | None = None
        self._note_future: Future | None = None
        self._note_step: tuple[str, int] | None = None  # this visit's undo step (paper, seq)

    # --- plumbing -----------------------------------------------------------
    def write(self, kind: str, fn, *args, **kwargs) -> None:
        """Run ``fn`` on the library thread; its outcome comes back as ``Written``."""
        self._writes_submitted += 1
        future = self.app.service.write(fn, *args, **kwargs)

        def done(f) -> None:
            exc = f.exception()
            if exc is not None:
                self.post_message(Written(kind, None, describe_error(exc)))
            else:
                self.post_message(Written(kind, f.result()))

        future.add_done_callback(done)

    @property
    def library(self):
        return self.app.library

    def on_written(self, message: Written) -> None:
        if message.kind == "note":
            self._note_written(message)
            return
        if message.error:
            self.notify(message.error, title="Not saved", severity="error", timeout=8, markup=False)
            self.load_snapshot()  # show what is really on disk
            return
        if message.kind == "undo":
            self._undone(message.result)
            self.load_snapshot()
        elif message.kind == "import":
            self._imported(*message.result)
            self.load_snapshot()
        elif message.kind == "queue":
            self.load_snapshot()

    def _set_states(self, new: dict[str, PaperState]) -> None:
        states = dict(self.snapshot.states)
        states.update(new)
        self.replace_snapshot(states=states)

    # --- read ---------------------------------------------------------------
    def action_toggle_read(self) -> None:
        ids = self.targets()
        if not ids:
            return
        snap = self.snapshot
        target = not all(snap.state(i).read for i in ids)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds") if target else None
        # The write first: the disk starts on it while the screen is updated.
        self.write("read", self.library.set_read, ids, target)
        self._set_states(
            {i: PaperState(target, snap.state(i).tags, stamp) for i in ids if snap.state(i).read != target}
        )
        if len(ids) > 1:
            self.notify(f"Marked {_count(ids)} {'read' if target else 'unread'}.")

    def action_mark_all_read(self) -> None:
        """Every unread paper of the view, read: one write, so one undo step."""
        snap = self.snapshot
        ids = [i for i in self.visible_ids if not snap.state(i).read]
        if not ids:
            self.notify("Every paper here is read already.")
            return
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.write("read", self.library.set_read, ids, True)
        self._set_states({i: PaperState(True, snap.state(i).tags, stamp) for i in ids})
        self.notify(f"Marked {_count(ids)} read (u undoes it).")

    # --- tags ---------------------------------------------------------------
    def _change_tags(self, ids: list[str], add: list[str] = (), remove: list[str] = ()) -> None:
        try:
            add = [normalize_tag(tag) for tag in add]
            remove = [normalize_tag(tag) for tag in remove]
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return
        snap = self.snapshot
        new = {}
        for i in ids:
            state = snap.state(i)
            tags = [tag for tag in state.tags if tag not in remove]
            tags += [tag for tag in add if tag not in tags]
            if tuple(tags) != state.tags:
                new[i] = PaperState(state.read, tuple(tags), state.read_at)
        if not new:
            return
        self.write("tags", self.library.change_tags, ids, add=add, remove=remove)
        self._set_states(new)
        what = " ".join([f"+#{t}" for t in add] + [f"-#{t}" for t in remove])
        self.notify(f"{what} on {_count(list(new))}", timeout=2)

    def action_add_tag(self) -> None:
        ids = self.targets()
        if not ids:
            return
        from .screens.prompts import TagPrompt

        existing = sorted(self.snapshot.tag_counts, key=lambda t: (-self.snapshot.tag_counts[t], t))

        def chosen(tag: str | None) -> None:
            if tag and tag.strip():
                self._change_tags(ids, add=[tag])

        self.app.push_screen(TagPrompt(existing, len(ids)), chosen)

    def action_remove_tag(self) -> None:
        ids = self.targets()
        tags = list(dict.fromkeys(tag for i in ids for tag in self.snapshot.state(i).tags))
        if not tags:
            self.notify("No tags to remove.")
            return
        from .screens.prompts import RemoveTagPrompt

        def chosen(tag: str | None) -> None:
            if tag:
                self._change_tags(ids, remove=[tag])

        self.app.push_screen(RemoveTagPrompt(tags, len(ids)), chosen)

    def action_toggle_top_tag(self, number: int) -> None:
        ids = self.targets()
        top = self.snapshot.top_tags(9)
        if number > len(top):
            self.notify(f"No tag {number} yet: tags get numbers 1–9 by how often they are used.")
            return
        if not ids:
            return
        tag = top[number - 1]
        if all(tag in self.snapshot.state(i).tags for i in ids):
            self._change_tags(ids, remove=[tag])
        else:
            self._change_tags(ids, add=[tag])

    # --- notes --------------------------------------------------------------
    # One save in flight at a time; what is typed meanwhile gathers in one draft whose
    # base is the text the save in flight sends. The library merges a draft with a
    # change made meanwhile in another terminal (Library.edit_note); the pane then
    # shows what was stored. A failed save keeps its draft (with its own base) to retry.
    def on_notes_pane_edited(self, message: NotesPane.Edited) -> None:
        pending = self._pending_note
        if pending is not None and pending.arxiv_id != message.arxiv_id:
            self.flush_note()
            pending = self._pending_note
        base = pending.base if pending is not None and pending.arxiv_id == message.arxiv_id else message.base
        self._pending_note = NoteDraft(message.arxiv_id, base, message.text)
        self._show_note(message.arxiv_id, message.text)
        if self._note_in_flight is None:
            self.flush_note()

    def on_notes_pane_entered(self, message: NotesPane.Entered) -> None:
        self._note_step = None  # the first save of this visit is a new undo step

    def on_notes_pane_left(self, message: NotesPane.Left) -> None:
        if self._note_in_flight is None:
            self.flush_note()

    def _show_note(self, arxiv_id: str, text: str) -> None:
        notes = dict(self.snapshot.notes)
        if text:
            notes[arxiv_id] = text
        else:
            notes.pop(arxiv_id, None)
        self.replace_snapshot(notes=notes)
        if self._search is not None:
            self._search.update_note(arxiv_id, text)

    def _save_job(self, draft: NoteDraft):
        step = self._note_step[1] if self._note_step and self._note_step[0] == draft.arxiv_id else None
        library = self.library

        def job() -> tuple[NoteDraft, Any]:
            return draft, library.edit_note(draft.arxiv_id, draft.base, draft.text, step=step)

        return job

    def flush_note(self, wait: bool = False) -> str | None:
        """Save the note being typed now. With ``wait``, block until it is on disk (after
        the save in flight) and return why it could not be saved, or None."""
        if wait:
            return self._flush_now()
        draft = self._pending_note
        if draft is None:
            return None
        self._pending_note = None
        self._note_in_flight = draft
        self._writes_submitted += 1
        future = self._note_future = self.app.service.write(self._save_job(draft))

        def done(f: Future) -> None:
            exc = f.exception()
            self.post_message(Written("note", draft if exc else f.result(), describe_error(exc) if exc else None))

        future.add_done_callback(done)
        return None

    def _flush_now(self) -> str | None:
        """(On quit.) The save in flight, then the pending draft, written before returning."""
        flying, future = self._note_in_flight, self._note_future
        if flying is not None and future is not None:
            self._note_in_flight = None  # handled here: its Written message is ignored
            try:
                draft, saved = future.result(timeout=10)
                self._note_saved(draft, saved)
            except Exception:  # noqa: BLE001 - kept, and tried again below
                self._keep_failed(flying)
        draft = self._pending_note
        if draft is None:
            return None
        try:
            _, saved = self.app.service.write(self._save_job(draft)).result(timeout=10)
        except Exception as exc:  # noqa: BLE001 - the caller says so and offers to retry
            return describe_error(exc)
        self._pending_note = None
        self._note_saved(draft, saved)
        return None

    def _keep_failed(self, draft: NoteDraft) -> None:
        """A save failed: what is typed is still unsaved, over the failed save's base."""
        pending = self._pending_note
        if pending is None or pending.arxiv_id != draft.arxiv_id:
            if pending is not None:
                return  # (another paper's draft waits; this one is lost only if both fail)
            self._pending_note = draft
        else:
            self._pending_note = NoteDraft(draft.arxiv_id, draft.base, pending.text)

    def _note_written(self, message: Written) -> None:
        result = message.result
        draft: NoteDraft = result if message.error else result[0]
        if draft is not self._note_in_flight:
            return  # handled by a flush on quit
        self._note_in_flight = None
        if message.error:
            self._keep_failed(draft)
            self.notify(
                f"{message.error}. The note stays as typed and is saved with your next change.",
                title="Note not saved", severity="error", timeout=10, markup=False,
            )
            return
        self._note_saved(draft, result[1])
        if self._pending_note is not None:
            self.flush_note()  # typed while the last save was being written

    def _note_saved(self, draft: NoteDraft, saved) -> None:
        if saved.step is not None:
            self._note_step = (draft.arxiv_id, saved.step)
        pane = self._notes_pane()
        shown = pane is not None and pane.saved(draft.arxiv_id, draft.text, saved.text)
        if saved.text != draft.text:
            if self._pending_note is None:
                self._show_note(draft.arxiv_id, saved.text)
            if saved.conflicts:
                self.notify(
                    f"The note on {draft.arxiv_id} was changed elsewhere at the same place you typed: "
                    "both versions are kept, between <<<<<<< and >>>>>>> lines.",
                    title="Note merged", severity="warning", timeout=10, markup=False,
                )
            elif shown or self._pending_note is None:
                self.notify(
                    f"The note on {draft.arxiv_id} was changed elsewhere meanwhile: merged with what you typed.",
                    title="Note merged", timeout=5, markup=False,
                )

    def _notes_pane(self) -> NotesPane | None:
        from textual.css.query import NoMatches

        try:
            pane = self.query_one("#notes-pane")
        except NoMatches:
            return None
        return pane  # type: ignore[return-value]

    # --- undo, import, export, open -----------------------------------------
    def action_undo(self) -> None:
        """Undo this app's own newest change (never another terminal's), where what it
        changed is still as it left it."""
        self.flush_note()
        self.write("undo", self.library.undo, session=self.library.origin.session)

    def _undone(self, outcome) -> None:
        if outcome is None:
            self.notify("Nothing to undo: u undoes the changes made in this window.", markup=False)
            return
        if outcome.conflicts:
            shown = "\n".join(outcome.conflicts[:5]) + ("\n…" if len(outcome.conflicts) > 5 else "")
            what = "Undid part of" if outcome.undone else "Could not undo"
            self.notify(
                f"{what}: {outcome.label}. Changed since:\n{shown}",
                title="Undo", severity="warning", timeout=10, markup=False,
            )
        else:
            self.notify(f"Undid: {outcome.label}", markup=False)

    def queue_paper(self, arxiv_id: str) -> None:
        """Offer to add a paper a commentary mentions to the reading queue, and fetch it."""
        from .screens.queue import QUEUE_LABEL, QueueConfirm

        def answered(yes: bool | None) -> None:
            if yes:
                self.write("queue", self.library.queue_papers, [arxiv_id])
                self.notify(f"Added {arxiv_id} to your reading queue ({QUEUE_LABEL}).", markup=False)
                self.fetch_ids([arxiv_id])

        self.app.push_screen(QueueConfirm(arxiv_id), answered)

    def action_import(self) -> None:
        from .screens.prompts import ImportPrompt

        def chosen(path: str | None) -> None:
            if path and path.strip():
                self.import_path(Path(path.strip()).expanduser())

        self.app.push_screen(ImportPrompt(), chosen)

    def import_path(self, path: Path) -> None:
        """Import a file or folder, on the library thread in order with other writes."""
        library = self.library

        def job():
            from reader.core.importer import import_paths

            return path, import_paths(library, [path])

        self.notify(f"Importing {path}…", timeout=2, markup=False)
        self.write("import", job)

    def _imported(self, path: Path, outcomes: list) -> None:
        lines = [outcome.summary() for outcome in outcomes] or [f"{path}: no digest files found"]
        more = f"\n… and {len(lines) - 8} more" if len(lines) > 8 else ""
        failed = any(outcome.error for outcome in outcomes) or not outcomes
        self.notify(
            "\n".join(lines[:8]) + more,
            title="Import",
            severity="error" if failed else "information",
            markup=False,
            timeout=8,
        )

    def action_export(self) -> None:
        self.when_loaded("export", self._export_view)

    def _export_view(self) -> None:
        self.flush_note()
        ids = list(self.visible_ids)
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.view_label()).strip("-")[:60] or "notes"
        self.export_notes(self.snapshot, ids, slug)

    @work(thread=True, group="export", exit_on_error=False)
    def export_notes(self, snapshot, ids: list[str], slug: str) -> None:
        try:
            from reader.core.export import export_markdown
            from reader.core.locations import export_dir

            text = export_markdown(snapshot, ids)
            folder = export_dir()
            folder.mkdir(parents=True, exist_ok=True)
            from reader.core.fs import atomic_write

            path = folder / f"reader-{slug}.md"
            atomic_write(path, text)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(
                self.notify, describe_error(exc), title="Export failed", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, f"Exported {_count(ids)} to {path.resolve()}", title="Export", markup=False
        )

    def action_open(self) -> None:
        if self.paper_id:
            self.app.open_url(f"https://arxiv.org/abs/{self.paper_id}")
