"""The main screen's actions that change the library, and what their outcomes do.

Functions of the screen: each shows its effect at once (the screen's snapshot, changed by
what :class:`~reader.tui.writer.LibraryWriter` returns) and leaves the write to the writer.
When a write fails the screen reloads what is on disk and says why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.message import Message

from reader.core.library import NoteSaved, normalize_tag
from reader.core.present import count_papers
from reader.core.views import QUEUE_LABEL

from ..messages import Exported, Imported, NoteFailed, NoteWritten, UndoDone, WriteFailed, Written
from ..writer import NoteDraft

if TYPE_CHECKING:
    from ..widgets.notes import NotesPane
    from .main import MainScreen


def toggle_read(screen: MainScreen) -> None:
    ids = screen.targets()
    if not ids:
        return
    target = not all(screen.snapshot.state(i).read for i in ids)
    screen.set_states(screen.writer.set_read(screen.snapshot, ids, target))
    if len(ids) > 1:
        screen.notify(f"Marked {count_papers(len(ids))} {'read' if target else 'unread'}.")


CONFIRM_OVER = 50  # A asks first when it would mark more papers than this


def mark_all_read(screen: MainScreen) -> None:
    """Every unread paper of the view, read: one write, so one undo step. More than
    ``CONFIRM_OVER`` papers are marked only once the reader says yes."""
    snap = screen.snapshot
    ids = [i for i in screen.visible_ids if not snap.state(i).read]
    if not ids:
        screen.notify("Every paper here is read already.")
        return
    if len(ids) <= CONFIRM_OVER:
        _mark_read(screen, ids)
        return
    from .prompts import Confirm  # asked on A, not at startup

    def answered(yes: bool | None) -> None:
        if yes:
            _mark_read(screen, ids)

    question = f"Mark {count_papers(len(ids))} of “{screen.view_label()}” read?"
    screen.app.push_screen(Confirm("Mark all read", question), answered)


def _mark_read(screen: MainScreen, ids: list[str]) -> None:
    """(The papers as they are now: another change may have landed while the question was open.)"""
    snap = screen.snapshot
    ids = [i for i in ids if not snap.state(i).read]
    if ids:
        screen.set_states(screen.writer.set_read(snap, ids, True))
    screen.notify(f"Marked {count_papers(len(ids))} read (u undoes it).")


def change_tags(screen: MainScreen, ids: list[str], add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
    try:
        add = tuple(normalize_tag(tag) for tag in add)
        remove = tuple(normalize_tag(tag) for tag in remove)
        new = screen.writer.change_tags(screen.snapshot, ids, add, remove)
    except ValueError as exc:
        screen.notify(str(exc), severity="error")
        return
    if new:
        screen.set_states(new)
        what = " ".join([f"+#{t}" for t in add] + [f"-#{t}" for t in remove])
        screen.notify(f"{what} on {count_papers(len(new))}", timeout=2)


def add_tag(screen: MainScreen) -> None:
    ids = screen.targets()
    if not ids:
        return
    from .prompts import TagPrompt, split_tags  # opened on t, not at startup

    counts = screen.snapshot.tag_counts
    existing = sorted(counts, key=lambda t: (-counts[t], t))

    def chosen(typed: str | None) -> None:
        tags = split_tags(typed or "")
        if tags:
            change_tags(screen, ids, add=tuple(tags))

    screen.app.push_screen(TagPrompt(existing, len(ids)), chosen)


def remove_tag(screen: MainScreen) -> None:
    ids = screen.targets()
    tags = list(dict.fromkeys(tag for i in ids for tag in screen.snapshot.state(i).tags))
    if not tags:
        screen.notify("No tags to remove.")
        return
    from .prompts import RemoveTagPrompt  # opened on T, not at startup

    def chosen(tag: str | None) -> None:
        if tag:
            change_tags(screen, ids, remove=(tag,))

    screen.app.push_screen(RemoveTagPrompt(tags, len(ids)), chosen)


def toggle_top_tag(screen: MainScreen, number: int) -> None:
    ids = screen.targets()
    top = screen.snapshot.top_tags(9)
    if number > len(top):
        screen.notify(f"No tag {number} yet: tags get numbers 1–9 by how often they are used.")
        return
    if not ids:
        return
    tag = top[number - 1]
    if all(tag in screen.snapshot.state(i).tags for i in ids):
        change_tags(screen, ids, remove=(tag,))
    else:
        change_tags(screen, ids, add=(tag,))


# --- notes ------------------------------------------------------------------------------


def show_note(screen: MainScreen, arxiv_id: str, text: str) -> None:
    notes = dict(screen.snapshot.notes)
    if text:
        notes[arxiv_id] = text
    else:
        notes.pop(arxiv_id, None)
    screen.replace_snapshot(notes=notes)
    screen.search.update_note(arxiv_id, text)


def note_edited(screen: MainScreen, arxiv_id: str, base: str, text: str) -> None:
    screen.writer.edit_note(arxiv_id, base, text)
    show_note(screen, arxiv_id, text)


def notes_pane(screen: MainScreen) -> NotesPane | None:
    try:
        return screen.query_one("#notes-pane")  # type: ignore[return-value]
    except NoMatches:
        return None


def note_saved(screen: MainScreen, draft: NoteDraft, saved: NoteSaved) -> None:
    """Show what a save stored: a merge with a change made elsewhere is said."""
    pane = notes_pane(screen)
    shown = pane is not None and pane.saved(draft.arxiv_id, draft.text, saved.text)
    if saved.text == draft.text:
        return
    pending = screen.writer.pending_note is not None
    if not pending:
        show_note(screen, draft.arxiv_id, saved.text)
    if saved.conflicts:
        screen.notify(
            f"The note on {draft.arxiv_id} was changed elsewhere at the same place you typed: "
            "both versions are kept, between <<<<<<< and >>>>>>> lines.",
            title="Note merged", severity="warning", timeout=10,
        )
    elif shown or not pending:
        screen.notify(
            f"The note on {draft.arxiv_id} was changed elsewhere meanwhile: merged with what you typed.",
            title="Note merged", timeout=5,
        )


def flush_note(screen: MainScreen, wait: bool = False) -> str | None:
    """Save the note being typed now. With ``wait``, block until it is on disk (after the
    save in flight) and return why it could not be saved, or None."""
    if not wait:
        screen.writer.flush_note()
        return None
    saved, error = screen.writer.flush_now()
    for draft, stored in saved:
        note_saved(screen, draft, stored)
    return error


# --- undo, import, export, queue -----------------------------------------------------------


def undo(screen: MainScreen) -> None:
    """Undo this app's own newest change (never another terminal's), where what it changed
    is still as it left it."""
    screen.writer.flush_note()
    screen.writer.undo()


def queue_paper(screen: MainScreen, arxiv_id: str) -> None:
    """Offer to add a paper a commentary mentions to the reading queue, and fetch it."""
    from .queue import QueueConfirm  # asked on enter on a reference, not at startup

    def answered(yes: bool | None) -> None:
        if yes:
            screen.writer.queue([arxiv_id])
            screen.notify(f"Added {arxiv_id} to your reading queue ({QUEUE_LABEL}).")
            if not screen.arxiv.fetch([arxiv_id]):
                screen.notify("A fetch is running: press f in the view later to fetch the rest.", timeout=4)

    screen.app.push_screen(QueueConfirm(arxiv_id), answered)


def import_digest(screen: MainScreen) -> None:
    from .prompts import ImportPrompt  # opened on i, not at startup

    def chosen(path: str | None) -> None:
        if path and path.strip():
            import_path(screen, Path(path.strip()).expanduser())

    screen.app.push_screen(ImportPrompt(), chosen)


def import_path(screen: MainScreen, path: Path) -> None:
    screen.notify(f"Importing {path}…", timeout=2)
    screen.writer.import_path(path)


def export_view(screen: MainScreen) -> None:
    screen.writer.flush_note()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", screen.view_label()).strip("-")[:60] or "notes"
    screen.writer.export(screen.snapshot, list(screen.visible_ids), slug)


def open_search(screen: MainScreen) -> None:
    from .search import SearchScreen  # opened on s, not at startup

    screen.search.start(screen, screen.snapshot)

    def chosen(arxiv_id: str | None) -> None:
        if arxiv_id:
            screen.show_in_all(arxiv_id)

    screen.app.push_screen(SearchScreen(screen.search, screen.snapshot), chosen)


def open_stats(screen: MainScreen) -> None:
    from .stats import StatsScreen  # opened on S, not at startup

    screen.app.push_screen(StatsScreen(screen.snapshot))


# --- outcomes ------------------------------------------------------------------------------


def outcome(screen: MainScreen, message: Message) -> None:
    """A write's outcome (posted from the library thread)."""
    writer = screen.writer
    match message:
        case NoteWritten(draft=draft, saved=saved):
            if writer.is_current(draft):
                writer.note_stored(draft, saved)
                note_saved(screen, draft, saved)
                writer.flush_note()  # what was typed while it was being written
        case NoteFailed(draft=draft, error=error):
            if writer.is_current(draft):
                writer.keep_failed(draft)
                screen.notify(
                    f"{error}. The note stays as typed and is saved with your next change.",
                    title="Note not saved", severity="error", timeout=10,
                )
        case WriteFailed(error=error):
            screen.notify(error, title="Not saved", severity="error", timeout=8)
            screen.load()  # show what is really on disk
        case UndoDone(outcome=undone):
            if undone is None:
                screen.notify("Nothing to undo: u undoes the changes made in this window.")
            elif undone.conflicts:
                shown = "\n".join(undone.conflicts[:5]) + ("\n…" if len(undone.conflicts) > 5 else "")
                what = "Undid part of" if undone.undone else "Could not undo"
                screen.notify(
                    f"{what}: {undone.label}. Changed since:\n{shown}", title="Undo", severity="warning", timeout=10
                )
            else:
                screen.notify(f"Undid: {undone.label}")
            screen.load()
        case Imported(path=path, outcomes=outcomes):
            lines = [o.summary() for o in outcomes] or [f"{path}: no digest files found"]
            more = f"\n… and {len(lines) - 8} more" if len(lines) > 8 else ""
            failed = any(o.error for o in outcomes) or not outcomes
            screen.notify(
                "\n".join(lines[:8]) + more, title="Import", severity="error" if failed else "information", timeout=8
            )
            screen.load()
        case Exported(count=count, path=path, error=error):
            if error is not None or path is None:
                screen.notify(error or "", title="Export failed", severity="error")
            else:
                screen.notify(f"Exported {count_papers(count)} to {path.resolve()}", title="Export")
        case Written():
            screen.load()
