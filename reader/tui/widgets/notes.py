"""The Notes pane: the reader's note on the paper, in a TextArea that saves on its own.

The pane only reports edits (``Edited`` on every change, ``Left`` when focus leaves);
the screen writes them, and flushes synchronously on quit. Every edit carries its
*base*, the note it started from, so the library can merge it with a change made
meanwhile in another terminal (core/note_merge.py). The pane shows what was stored
when a save merged (:meth:`NotesPane.saved`), and a change made elsewhere as soon as
the snapshot has it, whenever nothing typed here is still unsaved; the cursor stays
on the line it was on.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import Static, TextArea

from reader.core.note_merge import map_cursor
from reader.core.snapshot import Snapshot
from reader.core.text import printable


class NoteEditor(TextArea):
    """The note's text area (its pane hears when it gains or loses focus)."""

    # Shown in the footer, which otherwise has little to say while typing (the list's
    # keys are letters, so they type).
    BINDINGS = [Binding("escape", "screen.back", "Back to the list (note saved)")]


class NotesPane(Vertical):
    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)

    class Edited(Message):
        """The note on ``arxiv_id`` now reads ``text`` (not saved yet), an edit of
        ``base`` (the note as it was on disk, or as the previous edit left it)."""

        def __init__(self, arxiv_id: str, base: str, text: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id
            self.base = base
            self.text = text

    class Entered(Message):
        def __init__(self, arxiv_id: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id

    class Left(Message):
        """Focus left the note on ``arxiv_id``: save it now."""

        def __init__(self, arxiv_id: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loaded_for: str | None = None
        self._base = ""  # the note (as stored) the editor's text derives from
        self._shown = ""  # the editor's text for _base: anything else is typed
        self._unsaved: str | None = None  # the last text reported and not confirmed saved

    def compose(self) -> ComposeResult:
        yield NoteEditor(id="note-editor", soft_wrap=True, tab_behavior="focus")
        yield Static(Text("n to edit · saved as you type · escape returns to the list"), id="note-hint")

    @property
    def editor(self) -> NoteEditor:
        return self.query_one(NoteEditor)

    @property
    def holding(self) -> bool:
        """Is there text typed here that is not on disk yet?"""
        editors = self.query(NoteEditor)  # (none while the pane is built, or taken down at quit)
        return self._unsaved is not None or (self.is_mounted and bool(editors) and editors.first().text != self._shown)

    def watch_paper_id(self, paper_id: str | None) -> None:
        self._load(force=True)

    def watch_snapshot(self) -> None:
        self._load(force=False)

    def _load(self, force: bool, mounting: bool = False) -> None:
        if not (self.is_mounted or mounting):  # (is_mounted is true only after on_mount)
            return
        if not self.query(NoteEditor):  # (taken down: the app is quitting)
            return
        editor = self.editor
        paper_id = self.paper_id
        editor.disabled = paper_id is None
        stored = self.snapshot.note(paper_id) if paper_id else ""
        if force or paper_id != self._loaded_for:
            self._loaded_for = paper_id
            self._unsaved = None
            self._show(stored, keep_cursor=False)
        elif stored != self._base and not self.holding:
            self._show(stored)  # changed in another terminal, or by undo

    def _show(self, stored: str, keep_cursor: bool = True) -> None:
        """Show ``stored`` (the note as on disk) as the text being edited, the cursor on
        the line it was on."""
        editor = self.editor
        text = printable(stored)
        old = editor.text
        self._base, self._shown = stored, text
        if old == text:
            return
        if not keep_cursor:
            editor.load_text(text)
            return
        row, column = map_cursor(old, text, *editor.cursor_location)
        editor.replace(text, (0, 0), editor.document.end, maintain_selection_offset=False)
        editor.cursor_location = (row, column)

    def saved(self, arxiv_id: str, sent: str, stored: str) -> bool:
        """A save of ``sent`` stored ``stored`` (another text when it was merged with a
        change made meanwhile). Shows ``stored`` if nothing was typed since; True then."""
        if arxiv_id != self._loaded_for or not self.is_mounted or not self.query(NoteEditor):
            return False
        if sent == self._unsaved:
            self._unsaved = None
        if stored == sent or self.editor.text != sent or self._unsaved is not None:
            return False  # what was typed since is saved next, merged the same way
        self._show(stored)
        return True

    def on_mount(self) -> None:
        self._load(force=True, mounting=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        if text == self._shown or self._loaded_for is None:
            return  # a load, not an edit
        base, self._base, self._shown, self._unsaved = self._base, text, text, text
        self.post_message(self.Edited(self._loaded_for, base, text))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, NoteEditor) and self._loaded_for is not None:
            self.post_message(self.Entered(self._loaded_for))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, NoteEditor) and self._loaded_for is not None:
            self.post_message(self.Left(self._loaded_for))
