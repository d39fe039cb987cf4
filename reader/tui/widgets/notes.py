"""The Notes pane: the reader's note on the paper, in a TextArea that saves on its own.

The pane only reports edits (``Edited`` on every change, ``Left`` when focus leaves);
the screen debounces and writes them, and flushes synchronously on quit.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import Static, TextArea

from reader.core.snapshot import Snapshot
from reader.core.text import printable


class NoteEditor(TextArea):
    """The note's text area; tells its pane when it gains or loses focus."""

    # Shown in the footer, which otherwise has little to say while typing (the list's
    # keys are letters, so they type).
    BINDINGS = [Binding("escape", "screen.back", "Back to the list (note saved)")]

    @dataclass
    class FocusChanged(Message):
        focused: bool

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self.post_message(self.FocusChanged(True))

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.post_message(self.FocusChanged(False))


class NotesPane(Vertical):
    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)

    @dataclass
    class Edited(Message):
        """The note on ``arxiv_id`` now reads ``text`` (not saved yet)."""

        arxiv_id: str
        text: str

    @dataclass
    class Entered(Message):
        arxiv_id: str

    @dataclass
    class Left(Message):
        """Focus left the note on ``arxiv_id``: save it now."""

        arxiv_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loaded_for: str | None = None
        self._last_text = ""

    def compose(self) -> ComposeResult:
        yield NoteEditor(id="note-editor", soft_wrap=True, tab_behavior="focus")
        yield Static(Text("n to edit · saved as you type · escape returns to the list"), id="note-hint")

    @property
    def editor(self) -> NoteEditor:
        return self.query_one(NoteEditor)

    def watch_paper_id(self, paper_id: str | None) -> None:
        self._load(force=True)

    def watch_snapshot(self) -> None:
        self._load(force=False)

    def _load(self, force: bool, mounting: bool = False) -> None:
        if not (self.is_mounted or mounting):  # (is_mounted is true only after on_mount)
            return
        editor = self.editor
        paper_id = self.paper_id
        editor.disabled = paper_id is None
        text = printable(self.snapshot.note(paper_id)) if paper_id else ""
        if not force and (editor.has_focus or paper_id != self._loaded_for):
            return  # never overwrite what is being typed
        if force or editor.text != text:
            self._loaded_for = paper_id
            self._last_text = text
            if editor.text != text:
                editor.load_text(text)

    def on_mount(self) -> None:
        self._load(force=True, mounting=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        if text == self._last_text or self._loaded_for is None:
            return  # a load, not an edit
        self._last_text = text
        self.post_message(self.Edited(self._loaded_for, text))

    def on_note_editor_focus_changed(self, event: NoteEditor.FocusChanged) -> None:
        event.stop()
        if self._loaded_for is None:
            return
        if event.focused:
            self.post_message(self.Entered(self._loaded_for))
        else:
            self.post_message(self.Left(self._loaded_for))
