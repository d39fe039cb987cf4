"""Small modal prompts: add a tag, remove a tag, import a path, name a saved view."""

from __future__ import annotations

import os
import re
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.text import one_line

from ..textual_compat import input_suggestion
from .dialog import Dialog


def accept_suggestion(field: Input) -> None:
    """Take what the field's suggester offers (tab, as → at the end of the field does)."""
    suggestion = input_suggestion(field)
    if suggestion:
        field.value = suggestion
        field.cursor_position = len(field.value)


#: A prompt's field, its tag choices and its path candidates (the box: dialog.py).
EDIT_CSS = """
    #prompt-box Input {
        border: tall $panel-lighten-2;
    }

    #prompt-box Input:focus {
        border: tall $accent;
    }

    #tag-choices {
        height: auto;
        max-height: 14;
    }

    #path-candidates {
        display: none;
        height: auto;
        max-height: 6;
        padding: 1 0 0 1;
    }
"""


class PathSuggester(Suggester):
    """Completes file system paths: as far as every entry of the typed folder that fits agrees."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return suggest_path(value)


MAX_CANDIDATES = 200  # a folder of thousands: the first ones, in order


def path_completions(value: str) -> tuple[str, list[str]]:
    """``value`` completed as far as the entries that fit agree (their common prefix; a
    folder gets its separator when it is the only one), and those entries' names (a
    folder's with a separator). Hidden entries only when a dot is typed."""
    if not value:
        return value, []
    expanded = os.path.expanduser(value)
    folder, _, prefix = expanded.rpartition(os.sep)
    folder = folder if expanded.startswith(os.sep) or folder else "."
    if expanded.startswith(os.sep) and not folder:
        folder = os.sep
    try:
        with os.scandir(folder or os.sep) as entries:
            names = []
            for entry in entries:
                if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith(".")):
                    names.append(entry.name + (os.sep if _is_dir(entry) else ""))
                    if len(names) >= MAX_CANDIDATES:
                        break
    except OSError:
        return value, []
    names.sort()
    if not names:
        return value, []
    common = os.path.commonprefix(names)  # noqa: RUF071 (completion wants the common characters, not path parts)
    return value + common[len(prefix):], names


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def suggest_path(value: str) -> str | None:
    completed, _names = path_completions(value)
    return completed if completed != value else None


class Prompt(Dialog[str | None]):
    """A titled box at the centre of the screen; escape cancels."""

    DEFAULT_CSS = EDIT_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str) -> None:
        super().__init__(classes="prompt")
        self._title = title
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog") as box:
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


TAG_SEPARATORS = re.compile(r"[,\s]+")


def split_tags(value: str) -> list[str]:
    """The tags typed in one prompt: separated by spaces or commas, each once."""
    return list(dict.fromkeys(tag for tag in TAG_SEPARATORS.split(value) if tag.lstrip("#")))


class LastTagSuggester(Suggester):
    """Completes the last tag typed from the existing ones (most used first), leaving the
    tags before it as they are."""

    def __init__(self, existing: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._existing = existing

    async def get_suggestion(self, value: str) -> str | None:
        match = re.search(r"#?([^,\s#]+)$", value)
        if match is None:
            return None
        word = match.group(1).casefold()
        typed = {tag.casefold() for tag in split_tags(value[: match.start()])}
        for tag in self._existing:
            if tag.casefold().startswith(word) and tag.casefold() != word and tag.casefold() not in typed:
                return value[: match.start(1)] + tag
        return None


class TagPrompt(CompletingPrompt):
    """Type one tag or several (spaces or commas between them); existing tags complete
    (right arrow or tab accepts). Dismissed with the text typed; ``split_tags`` splits it."""

    def __init__(self, existing: list[str], count: int) -> None:
        what = "this paper" if count == 1 else f"{count} papers"
        super().__init__(
            f"Add tags to {what}",
            "enter adds · several tags: spaces or commas between them · tab or → completes · escape cancels",
        )
        self._existing = existing

    def body(self) -> ComposeResult:
        yield Input(placeholder="tag, or several: gan vae", suggester=LastTagSuggester(self._existing), id="tag-input")

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
    """A path; tab completes as far as the matching entries agree and lists them."""

    def __init__(self) -> None:
        super().__init__(
            "Import a digest",
            "a digest file (.md/.txt) or a folder of them · tab completes and lists · escape cancels",
        )

    def body(self) -> ComposeResult:
        yield Input(placeholder="path, e.g. ~/digests/200712.md", suggester=PathSuggester(), id="path-input")
        yield Static(Text(""), id="path-candidates")

    def action_accept_suggestion(self) -> None:
        field = self.query_one(Input)
        completed, names = path_completions(field.value)
        if completed != field.value:
            field.value = completed
            field.cursor_position = len(completed)
        shown = names if len(names) > 1 else []
        listing = Text("  ".join(shown[:40]), style="dim")
        if len(shown) > 40:
            listing.append(f"  … {len(shown) - 40} more", style="dim italic")
        candidates = self.query_one("#path-candidates", Static)
        candidates.update(listing)
        candidates.display = bool(shown)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and not Path(value).expanduser().exists():
            self.notify(f"No such file or folder: {value}", severity="error", markup=False)
            return
        self.dismiss(value or None)


class ViewNamePrompt(CompletingPrompt):
    """A name for a saved view of ``query``; the names of the views there are complete (to
    replace one). Dismissed with the name; a name that cannot be saved is said at once."""

    def __init__(self, query: str, existing: list[str]) -> None:
        super().__init__(
            "Save filter as view",
            f"query: {one_line(query)} · enter saves (a view of that name is replaced) · escape cancels",
        )
        self._existing = existing

    def body(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        yield Input(placeholder="view name, e.g. to read", suggester=SuggestFromList(self._existing), id="view-name")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        from reader.core.saved_views import ViewError, check_name

        try:
            name = check_name(event.value)
        except ViewError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.dismiss(name)


class Confirm(Dialog[bool]):
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
        with Vertical(id="prompt-box", classes="dialog") as box:
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
            preview = " ".join(self._previews.get(choice, "").split())  # (a BibTeX entry has lines)
            preview = one_line(preview)
            prompt.append(preview if len(preview) <= 34 else preview[:33] + "…", style="dim")  # one row
            options.append(Option(prompt, id=choice))
        yield OptionList(*options, id="copy-choices")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
