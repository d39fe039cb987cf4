"""The main screen's actions that change the library.

Each shows its effect at once (an updated snapshot) and queues the write on the library
thread with absolute values computed here (``set_read(ids, True)``, not "toggle"), so
the order of writes can never flip a result. When a write fails the screen reloads
what is on disk and says why.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from reader.core.library import PaperState, normalize_tag

from .messages import Written, describe_error

if TYPE_CHECKING:
    from reader.core.snapshot import Snapshot

    from .widgets.notes import NotesPane  # imported with the detail pane, after the first paint



def _count(ids: list[str]) -> str:
    return "1 paper" if len(ids) == 1 else f"{len(ids)} papers"


class LibraryActions:
    """Mixed into MainScreen (which provides snapshot, targets(), replace_snapshot...).

    Handlers here use ``on_<message>`` names: ``@on`` is only collected from classes
    that are message pumps themselves, and this mixin is not.
    """

    snapshot: Snapshot

    def _init_actions(self) -> None:
        self._pending_note: tuple[str, str] | None = None
        self._note_in_flight = False
        self._note_session: str | None = None

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
            self._note_in_flight = False
            if self._pending_note is not None:
                self.flush_note()  # typed while the last save was being written
        if message.error:
            self.notify(message.error, title="Not saved", severity="error", timeout=8)
            self.load_snapshot()  # show what is really on disk
            return
        if message.kind == "undo":
            change = message.result
            if change is None:
                self.notify("Nothing to undo.")
            else:
                self.notify(f"Undid: {change.label}")
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
    def on_notes_pane_edited(self, message: NotesPane.Edited) -> None:
        if self._pending_note and self._pending_note[0] != message.arxiv_id:
            self.flush_note()
        self._pending_note = (message.arxiv_id, message.text)
        # Saved at once; while a save is being written, keystrokes gather and the newest
        # text goes in the next write, so a burst of typing is a few writes, not one each.
        if not self._note_in_flight:
            self.flush_note()

    def on_notes_pane_entered(self, message: NotesPane.Entered) -> None:
        self._note_session = None  # the first save of this visit is one undo step

    def on_notes_pane_left(self, message: NotesPane.Left) -> None:
        self.flush_note()

    def flush_note(self, wait: bool = False) -> None:
        """Save the note being typed now; with ``wait``, block until it is on disk."""
        if self._pending_note is None:
            return
        arxiv_id, text = self._pending_note
        self._pending_note = None
        undoable = self._note_session != arxiv_id
        self._note_session = arxiv_id
        if wait:
            future = self.app.service.write(self.library.set_note, arxiv_id, text, undoable=undoable)
            try:
                future.result(timeout=10)
            except Exception as exc:  # noqa: BLE001
                self.app.last_error = describe_error(exc)
            return
        notes = dict(self.snapshot.notes)
        if text:
            notes[arxiv_id] = text
        else:
            notes.pop(arxiv_id, None)
        self.replace_snapshot(notes=notes)
        if self._search is not None:
            self._search.update_note(arxiv_id, text)
        self._note_in_flight = True
        self.write("note", self.library.set_note, arxiv_id, text, undoable=undoable)

    # --- undo, import, export, open -----------------------------------------
    def action_undo(self) -> None:
        self.flush_note()
        self.write("undo", self.library.undo)

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
