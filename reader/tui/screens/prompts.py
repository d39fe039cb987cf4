"""Small modal prompts: add a tag, remove a tag, import a path."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList, Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.text import one_line

from ..textual_compat import input_suggestion


def accept_suggestion(field: Input) -> None:
    """Take what the field's suggester offers (tab, as → at the end of the field does)."""
    suggestion = input_suggestion(field)
    if suggestion:
        field.value = suggestion
        field.cursor_position = len(field.value)


class PathSuggester(Suggester):
    """Completes file system paths: the first entry of the typed folder that fits."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return suggest_path(value)


def suggest_path(value: str) -> str | None:
    if not value:
        return None
    expanded = os.path.expanduser(value)
    folder, _, prefix = expanded.rpartition(os.sep)
    folder = folder if expanded.startswith(os.sep) or folder else "."
    if expanded.startswith(os.sep) and not folder:
        folder = os.sep
    try:
        names = sorted(os.listdir(folder or os.sep))
    except OSError:
        return None
    visible = prefix.startswith(".")
    for name in names:
        if name.startswith(prefix) and name != prefix and (visible or not name.startswith(".")):
            is_dir = os.path.isdir(os.path.join(folder or os.sep, name))
            completion = name[len(prefix):] + (os.sep if is_dir else "")
            return value + completion
    return None


class Prompt(ModalScreen[str | None]):
    """A titled box at the centre of the screen; escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str) -> None:
        super().__init__(classes="prompt")
        self._title = title
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = Text(self._title)
            yield from self.body()
            yield Static(Text(self._hint), classes="prompt-hint")

    def body(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)


class CompletingPrompt(Prompt):
    """A prompt whose field completes: tab (or → at the end) takes the suggestion."""

    BINDINGS = [Binding("tab", "accept_suggestion", "Accept suggestion", show=False)]

    def action_accept_suggestion(self) -> None:
        accept_suggestion(self.query_one(Input))


class TagPrompt(CompletingPrompt):
    """Type a tag; existing tags complete (right arrow or tab accepts)."""

    def __init__(self, existing: list[str], count: int) -> None:
        what = "this paper" if count == 1 else f"{count} papers"
        super().__init__(f"Add a tag to {what}", "enter adds · tab or → completes · escape cancels")
        self._existing = existing

    def body(self) -> ComposeResult:
        yield Input(
            placeholder="tag",
            suggester=SuggestFromList(self._existing, case_sensitive=False),
            id="tag-input",
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class RemoveTagPrompt(Prompt):
    def __init__(self, tags: list[str], count: int) -> None:
        what = "this paper" if count == 1 else f"{count} papers"
        super().__init__(f"Remove a tag from {what}", "enter removes · escape cancels")
        self._tags = tags

    def body(self) -> ComposeResult:
        yield OptionList(*[Option(Text("#" + one_line(tag)), id=tag) for tag in self._tags], id="tag-choices")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ImportPrompt(CompletingPrompt):
    def __init__(self) -> None:
        super().__init__(
            "Import a digest",
            "a digest file (.md/.txt) or a folder of them · tab or → completes · escape cancels",
        )

    def body(self) -> ComposeResult:
        yield Input(placeholder="path, e.g. ~/digests/200712.md", suggester=PathSuggester(), id="path-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and not Path(value).expanduser().exists():
            self.notify(f"No such file or folder: {value}", severity="error", markup=False)
            return
        self.dismiss(value or None)


class Confirm(ModalScreen[bool]):
    """A yes/no question: y or enter says yes, n or escape no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__(classes="prompt")
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = Text(self._title)
            question = Text(self._question)
            question.append("  y / n", style="bold")
            yield Static(question, id="confirm-question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


COPY_CHOICES = (  # (key, id, what)
    ("u", "url", "URL"),
    ("b", "bibtex", "BibTeX entry"),
    ("k", "key", "citation key"),
    ("i", "id", "arXiv id"),
)


class CopyPrompt(Prompt):
    """What to copy to the clipboard: the paper's URL, BibTeX entry, citation key or id.
    ``previews`` maps each choice's id to what it would copy (shown cut to one line)."""

    BINDINGS = [Binding(key, f"choose('{choice}')", what, show=False) for key, choice, what in COPY_CHOICES]

    def __init__(self, what: str, previews: dict[str, str]) -> None:
        super().__init__(f"Copy {what}", "u b k i or enter copies · escape cancels")
        self._previews = previews

    def body(self) -> ComposeResult:
        options = []
        for key, choice, what in COPY_CHOICES:
            prompt = Text.assemble((f"{key} ", "bold"), (what.ljust(14), ""))
            prompt.append(one_line(self._previews.get(choice, ""))[:60], style="dim")
            options.append(Option(prompt, id=choice))
        yield OptionList(*options, id="copy-choices")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
