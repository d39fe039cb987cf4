"""Quick triage (``T``): the unread papers of the view, one at a time, on a screen of its own.

The commentary on the left, the abstract and the note on the right; single keys decide
(read, keep unread, skip) and move on, or act on the paper (tag, note, open, download).
Every change goes through the main screen's writer, as the main screen's own keys do, so
``u`` here undoes the last triage step with the same compare-and-set (the app's own
newest step; a step that changed nothing just steps back). The set of papers is fixed
when triage starts; a paper marked read elsewhere meanwhile is shown as read (and a
decision on it is still yours). Escape leaves with the main list's cursor on the last
paper triaged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import Struct
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reader.core.present import count_papers
from reader.core.snapshot import Snapshot
from reader.core.text import one_line

from ..widgets.abstract import abstract_text
from ..widgets.commentary import digest_commentary
from ..widgets.footer import KeysFooter
from ..widgets.notes import NoteEditor, NotesPane
from . import arxiv_actions, library_actions, share_actions

if TYPE_CHECKING:
    from .main import MainScreen

BINDINGS: list[BindingType] = [
    Binding("r,space", "decide(True)", "Read"),
    Binding("k", "decide(False)", "Keep unread"),
    Binding("s,right", "skip", "Skip"),
    Binding("t", "tag", "Tag"),
    Binding("n", "note", "Note"),
    Binding("o", "open", "Open"),
    Binding("d", "download", "PDF"),
    Binding("u", "undo", "Undo"),
    Binding("question_mark", "help", "Keys"),
    Binding("escape", "leave", "Leave"),
]
DESCRIPTIONS = {
    "decide(True)": "Mark the paper read, and go to the next one",
    "decide(False)": "Keep the paper unread (unread it, if read elsewhere), and go to the next one",
    "skip": "Go to the next paper, deciding nothing",
    "tag": "Add tags to the paper",
    "note": "Write the note on the paper (escape returns)",
    "open": "Open the paper on arXiv",
    "download": "Download the PDF (its text is in the main screen's Paper tab)",
    "undo": "Undo the last triage step, and go back to its paper",
    "leave": "Leave triage (the list's cursor on the last paper triaged)",
}
HELP_SECTIONS = [("Quick triage", [action for action in DESCRIPTIONS] + ["help"])]


class Step(Struct):
    """One triage step: on the paper at ``index``; ``changed``: it made a history step."""

    index: int
    changed: bool


def start_triage(main: MainScreen) -> None:
    """``T``: triage the unread papers of the view as it is shown (filter included)."""
    snap = main.snapshot
    ids = [i for i in main.visible_ids if not snap.state(i).read]
    if not ids:
        main.notify("No unread papers here to triage.")
        return
    main.app.push_screen(TriageScreen(main, ids))


def commentary_of(snap: Snapshot, arxiv_id: str) -> Group:
    """Every digest's commentary on the paper, newest first (literal: never markup)."""
    parts = digest_commentary(snap, snap.appearances.get(arxiv_id, []))
    if not parts:
        known = arxiv_id in snap.papers
        parts.append(Text("Not listed in any digest." if known else "No longer in your library.", style="dim italic"))
    return Group(*parts)


class TriageScreen(Screen[None]):
    """The papers ``ids`` (fixed when triage starts), one at a time."""

    BINDINGS = BINDINGS
    DESCRIPTIONS = DESCRIPTIONS
    HELP_SECTIONS = HELP_SECTIONS
    FOOTER_PRIORITY = ("help", "decide(True)", "decide(False)", "skip", "undo", "leave", "tag", "note")
    AUTO_FOCUS = "#triage-commentary"
    DEFAULT_CSS = """
    TriageScreen #triage-head { height: auto; padding: 0 1; background: $panel; }
    TriageScreen #triage-body { height: 1fr; }
    TriageScreen #triage-commentary { width: 1fr; border: round $panel-lighten-2; padding: 0 1; }
    TriageScreen #triage-side { width: 1fr; }
    TriageScreen #triage-abstract { height: 2fr; border: round $panel-lighten-2; padding: 0 1; }
    TriageScreen #triage-notes { height: 1fr; border: round $panel-lighten-2; }
    TriageScreen #triage-commentary:focus, TriageScreen #triage-notes:focus-within { border: round $accent; }
    """

    def __init__(self, main: MainScreen, ids: list[str]) -> None:
        super().__init__()
        self.main = main
        self.ids = list(ids)
        self.index = 0
        self.steps: list[Step] = []
        self._noted = False  # the note on the current paper was edited on this visit

    # --- what is shown ------------------------------------------------------------------
    @property
    def current(self) -> str | None:
        return self.ids[self.index] if self.index < len(self.ids) else None

    @property
    def progress(self) -> str:
        """``12/57``: the paper shown, of how many (``57/57 done`` at the end)."""
        if self.current is None:
            return f"{len(self.ids)}/{len(self.ids)} done"
        return f"{self.index + 1}/{len(self.ids)}"

    def compose(self) -> ComposeResult:
        yield Static(id="triage-head")
        with Horizontal(id="triage-body"):
            with VerticalScroll(id="triage-commentary", can_focus=True) as commentary:
                commentary.border_title = "Commentary"
                yield Static(id="triage-commentary-body")
            with Vertical(id="triage-side"):
                with VerticalScroll(id="triage-abstract", can_focus=True) as abstract:
                    abstract.border_title = "Abstract"
                    yield Static(id="triage-abstract-body")
                notes = NotesPane(id="triage-notes")
                notes.border_title = "Note (n)"
                yield notes
        yield KeysFooter()

    def on_mount(self) -> None:
        self.watch(self.main, "snapshot", self._snapshot_changed, init=False)
        self._show()

    def _snapshot_changed(self, _snapshot: Snapshot) -> None:
        self._show(moved=False)

    def _show(self, moved: bool = True) -> None:
        snap = self.main.snapshot
        arxiv_id = self.current
        self.query_one("#triage-head", Static).update(self._head(snap, arxiv_id))
        notes = self.query_one(NotesPane)
        notes.snapshot = snap
        if not moved:
            return
        self._noted = False
        notes.paper_id = arxiv_id
        body = self.query_one("#triage-commentary-body", Static)
        side = self.query_one("#triage-abstract-body", Static)
        if arxiv_id is None:
            body.update(Text(f"Triaged {count_papers(len(self.ids))}. Escape returns to the list; u undoes the last step."))
            side.update(Text(""))
        else:
            body.update(commentary_of(snap, arxiv_id))
            side.update(abstract_text(snap, arxiv_id))
        for pane in ("#triage-commentary", "#triage-abstract"):
            self.query_one(pane).scroll_home(animate=False)

    def _head(self, snap: Snapshot, arxiv_id: str | None) -> Text:
        head = Text()
        head.append(f" Triage {self.progress} ", style="bold reverse")
        if arxiv_id is None:
            return head
        state = snap.state(arxiv_id)
        head.append("  ✓ read" if state.read else "  · unread", style="bold" if state.read else "dim")
        head.append(f"  {arxiv_id}  ")
        head.append(one_line(snap.title(arxiv_id) or "(no title)"), style="bold")  # as text, never markup
        for tag in state.tags:
            head.append(f"  #{one_line(tag)}", style="italic")
        if snap.has_note(arxiv_id):
            head.append("  [note]", style="dim")
        return head

    # --- steps ----------------------------------------------------------------------------
    def _step(self, changed: bool, advance: bool) -> None:
        self.steps.append(Step(self.index, changed))
        if advance:
            self.index += 1
        self._show(moved=advance)

    def action_decide(self, read: bool) -> None:
        arxiv_id = self.current
        if arxiv_id is None:
            return
        main = self.main
        changed = main.snapshot.state(arxiv_id).read != read
        if changed:
            main.set_states(main.writer.set_read(main.snapshot, [arxiv_id], read))
        self._step(changed, advance=True)

    def action_skip(self) -> None:
        if self.current is not None:
            self._step(False, advance=True)

    def action_tag(self) -> None:
        arxiv_id = self.current
        if arxiv_id is None:
            return
        from .prompts import TagPrompt, split_tags  # (lazy: only when it is used)

        counts = self.main.snapshot.tag_counts
        existing = sorted(counts, key=lambda t: (-counts[t], t))

        def chosen(typed: str | None) -> None:
            tags = split_tags(typed or "")
            if not tags or self.current != arxiv_id:
                return
            before = self.main.snapshot.state(arxiv_id).tags
            library_actions.change_tags(self.main, [arxiv_id], add=tuple(tags))
            self._step(self.main.snapshot.state(arxiv_id).tags != before, advance=False)

        self.app.push_screen(TagPrompt(existing, 1), chosen)

    def action_note(self) -> None:
        if self.current is not None:
            self.query_one(NoteEditor).focus()

    def action_back(self) -> None:
        """Escape in the note: back to the commentary (the note is saved)."""
        self.query_one("#triage-commentary").focus()

    def _on_main(self, action: Any) -> None:
        """Run one of the main screen's actions on the paper shown here."""
        if self.current is not None:
            self.main.paper_id = self.current
            action(self.main)

    def action_open(self) -> None:
        self._on_main(share_actions.open_on_arxiv)

    def action_download(self) -> None:
        self._on_main(arxiv_actions.download)

    def action_undo(self) -> None:
        if not self.steps:
            self.notify("Nothing to undo in this triage.")
            return
        step = self.steps.pop()
        if step.changed:
            library_actions.undo(self.main)  # (the app's own newest step: this one)
        self.index = step.index
        self._show()

    def action_help(self) -> None:
        from .help import HelpScreen  # opened on ?, not at startup

        self.app.push_screen(HelpScreen(self))

    def action_leave(self) -> None:
        main = self.main
        self.main.writer.flush_note()
        last = self.ids[self.steps[-1].index] if self.steps else None
        self.app.pop_screen()
        if last is not None and last in main.visible_ids:
            main.paper_id = last

    # --- the note (what the main screen does with its own notes pane) ----------------------
    def on_notes_pane_edited(self, message: NotesPane.Edited) -> None:
        library_actions.note_edited(self.main, message.arxiv_id, message.base, message.text)
        if not self._noted and message.arxiv_id == self.current:
            self._noted = True
            self.steps.append(Step(self.index, True))

    def on_notes_pane_entered(self, message: NotesPane.Entered) -> None:
        self.main.writer.note_entered()

    def on_notes_pane_left(self, message: NotesPane.Left) -> None:
        self.main.writer.note_left()
