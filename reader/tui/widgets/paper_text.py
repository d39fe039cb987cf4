"""The Paper pane: the text extracted from the paper's PDF, page by page, with find.

The pane only displays: it is bound to the main screen's ``jobs`` (``reader/tui/jobs.py``),
the state of the downloads and of the text job, and shows what that says about its paper:
the download's progress, the pages extracted so far, the text, or why there is none. The
core gives each page as paragraphs, one line each (``reader.core.pdf_reflow``); the
:class:`~reader.tui.widgets.text_view.TextView` wraps them to the pane's width, a rule marks
each page break.

Find (``/`` or ``ctrl+f``, then ``n``/``N``) is bound on this pane, so those keys mean
"find" only while the Paper tab has focus; elsewhere ``/`` filters and ``n`` edits the note.
"""

from __future__ import annotations

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, Static

from reader.core.present import describe_progress
from reader.core.text import printable

from ..jobs import JobsState, TextJob
from .text_view import TextView, find_pattern, wrap_spans

__all__ = ["EMPTY", "FindInput", "PaperPane", "TextView", "describe_progress", "find_pattern", "wrap_spans"]

EMPTY = "No text yet: press d to download the PDF."


class FindInput(Input):
    """The find field of the Paper pane."""


class PaperPane(Vertical):
    """A status line, the text, and (on ``/``) a find bar with the match count."""

    DEFAULT_CSS = """
    PaperPane { height: 1fr; }
    PaperPane > #paper-status { color: $foreground-muted; height: auto; }
    PaperPane > #paper-status.-error { color: $error; text-style: none; }
    PaperPane > #paper-status.-warning { color: $warning; }
    PaperPane > #paper-status.-empty { text-style: italic; }
    PaperPane > TextView { height: 1fr; }
    PaperPane > #paper-find-bar { height: 3; display: none; }
    PaperPane > #paper-find-bar.-open { display: block; }
    PaperPane #paper-find { width: 1fr; border: tall $panel-lighten-2; }
    PaperPane #paper-find:focus { border: tall $accent; }
    PaperPane #paper-find-count { width: auto; min-width: 12; padding: 1 1; color: $foreground-muted; }
    """

    BINDINGS = [
        Binding("slash,ctrl+f", "find", "Find"),
        Binding("n", "find_next", "Next match", show=False),
        Binding("N", "find_previous", "Previous match", show=False),
        Binding("escape", "close_find", "Close find", show=False),
    ]
    DESCRIPTIONS = {"find": "Find in the paper's text (shows the match count)"}

    paper_id: var[str | None] = var(None)
    jobs: var[JobsState] = var(JobsState)

    class Wanted(Message):
        """The pane is showing ``arxiv_id`` and has nothing for it yet."""

        def __init__(self, arxiv_id: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._base: tuple[Text, str] = (Text(EMPTY), "-empty")
        self._job: tuple[str, int] | None = None  # the text job whose pages are shown
        self.done = False

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY), id="paper-status", classes="-empty")
        yield TextView(id="paper-view")
        with Horizontal(id="paper-find-bar"):
            yield FindInput(placeholder="find in the text", id="paper-find")
            yield Static(Text(""), id="paper-find-count")

    @property
    def view(self) -> TextView:
        return self.query_one(TextView)

    @property
    def pages(self) -> list[str]:
        return self.view.pages

    @property
    def loaded_for(self) -> str | None:
        """The paper whose text job the pane shows."""
        return self._job[0] if self._job is not None else None

    @property
    def stage(self) -> str:
        """Where the text of the pane's paper is (see jobs.TextJob); "empty" when unknown."""
        text = self.jobs.text_for(self.paper_id)
        return text.stage if text is not None else "empty"

    @property
    def wants_text(self) -> bool:
        """Does the pane show a paper that no job has said anything about yet?"""
        paper_id = self.paper_id
        return paper_id is not None and paper_id not in self.jobs.downloads and self.jobs.text_for(paper_id) is None

    def on_mount(self) -> None:
        self._sync()

    def watch_paper_id(self) -> None:
        self._sync()

    def watch_jobs(self) -> None:
        self._sync()

    # --- showing the state ------------------------------------------------------
    def _sync(self) -> None:
        """Show what ``jobs`` says about the pane's paper."""
        if not self.is_mounted:
            return
        paper_id, jobs = self.paper_id, self.jobs
        text = jobs.text_for(paper_id)
        job = (text.arxiv_id, text.job) if text is not None else None
        if job != self._job:
            self._job = job
            self.clear()
        if paper_id is not None and paper_id in jobs.downloads:
            done, total = jobs.downloads[paper_id]
            progress = f" {describe_progress(done, total)}" if done or total else ""
            self._status(f"Downloading the PDF…{progress}")
            return
        if text is None:
            return
        if text.stage == "empty":
            self._status(EMPTY, "-empty")
        elif text.stage == "failed":
            self._status(text.message, "-error")
        elif text.stage == "downloading":
            self._status("Downloading the PDF…")
        elif text.stage == "opening":
            self._status("Opening the text…")
        elif text.stage == "extracting":
            self._show_pages(text)
        elif text.result is not None:
            self._finish(text)

    def _show_pages(self, text: TextJob) -> None:
        view = self.view
        for index in range(len(view.pages), len(text.pages)):
            view.set_page(index, text.pages[index])
        if text.pages:
            self._status(f"Extracting the text… page {len(text.pages)} of {text.total}")
            self._show_count()
        else:
            self._status("Extracting the text…")

    def _finish(self, text: TextJob) -> None:
        result = text.result
        assert result is not None
        if self.done:
            return
        self.done = True
        view = self.view
        if result.error:
            view.clear()
            self._status(f"Could not read the text: {result.error}", "-error")
            return
        if len(view.pages) != len(result.pages) or any(a != printable(b) for a, b in zip(view.pages, result.pages, strict=False)):
            view.clear()
            for index, page in enumerate(result.pages):
                view.set_page(index, page)
        for number, reason in result.skipped:
            view.set_note(number - 1, reason)
        self._status(pages_summary(len(result.pages), result.skipped), "-warning" if result.skipped else "")
        self._show_count()

    def _status(self, text: str | Text, kind: str = "") -> None:
        """What the line above the text says (the find state is added to it)."""
        self._base = (text if isinstance(text, Text) else Text(text), kind)
        self._render_status()

    def _render_status(self) -> None:
        text, kind = self._base
        view = self.view
        if view.pages and not self.find_bar.has_class("-open"):
            text = text.copy()
            if view.query_text:
                text.append("  ·  ")
                text.append(f"“{view.query_text}” {match_count(view.current, len(view.matches))}", "bold")
                text.append("  n/N next/previous · escape clears", "dim")
            elif self.done:
                text.append("  ·  / finds in the text", "dim")
        status = self.query_one("#paper-status", Static)
        status.set_classes(kind)
        status.update(text)

    def clear(self) -> None:
        """Back to the empty state."""
        self.done = False
        if self.is_mounted:
            self.view.clear()
            self._status(EMPTY, "-empty")
            self._show_count()

    def set_text(self, pages: list[str]) -> None:
        """Show ``pages`` (one string per PDF page), replacing what was shown."""
        self.view.clear()
        for index, page in enumerate(pages):
            self.view.set_page(index, page)
        self.done = True
        self._status(pages_summary(len(pages), []))
        self._show_count()

    # --- find -------------------------------------------------------------------
    @property
    def find_bar(self) -> Horizontal:
        return self.query_one("#paper-find-bar", Horizontal)

    def action_find(self) -> None:
        self.find_bar.add_class("-open")
        field = self.query_one(FindInput)
        field.value = self.view.query_text
        field.focus()
        self._render_status()

    def action_find_next(self) -> None:
        self._step(1)

    def action_find_previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        view = self.view
        if not view.query_text:
            self.notify("Press / to find in the text.", timeout=2)
            return
        view.step(direction)
        self._show_count()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_find":
            return self.find_bar.has_class("-open") or bool(self.view.query_text)
        return True

    def action_close_find(self) -> None:
        if self.find_bar.has_class("-open"):
            self.find_bar.remove_class("-open")
            self.view.focus()
        elif self.view.query_text:
            self.view.find("")
            self._show_count()
        else:
            raise SkipAction()

    def on_input_changed(self, event: Input.Changed) -> None:
        if not isinstance(event.input, FindInput):
            return
        event.stop()
        view = self.view
        view.find(event.value)
        if view.matches:
            view.step(1)
        self._show_count()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not isinstance(event.input, FindInput):
            return
        event.stop()
        self.find_bar.remove_class("-open")
        self.view.focus()
        self._show_count()

    def _show_count(self) -> None:
        view = self.view
        label = self.query_one("#paper-find-count", Static)
        label.update(Text(match_count(view.current, len(view.matches)) if view.query_text else ""))
        self._render_status()

    def focus_text(self) -> None:
        self.screen.set_focus(self.view)  # at once, before keys typed ahead


def match_count(current: int, total: int) -> str:
    if not total:
        return "no matches"
    return f"{current + 1 if current >= 0 else 0}/{total}"


def pages_summary(total: int, skipped: list) -> str:
    text = f"{total} page{'s' * (total != 1)}"
    if skipped:
        reasons = "; ".join(reason for _, reason in skipped[:3])
        more = f" (and {len(skipped) - 3} more)" if len(skipped) > 3 else ""
        text += f" · {len(skipped)} skipped: {reasons}{more}"
    return text
