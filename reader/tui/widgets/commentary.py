"""The Commentary pane: each digest's commentary on the paper, and the papers it cites."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.snapshot import Snapshot
from reader.core.text import one_line, printable


def literal_markdown(text: str) -> str:
    """Printable commentary for the Markdown widget.

    Textual's Markdown never reads Rich/Textual markup, so ``[bold]`` stays literal
    (tests/tui check it) while real markdown (emphasis, links) still renders.
    """
    return printable(text)


class References(OptionList):
    """The papers a commentary references; Enter on one jumps to it."""

    BINDINGS = [("j", "cursor_down", "Down"), ("k", "cursor_up", "Up")]


class CommentaryPane(VerticalScroll):
    """Commentary of every digest that lists the paper, newest first, then references."""

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)

    @dataclass
    class JumpTo(Message):
        """Enter on a referenced paper."""

        arxiv_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self._shown: tuple | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Static(Text("No paper selected."), id="commentary-empty", classes="empty")
        yield Static(id="commentary-title", classes="pane-heading")
        yield Vertical(id="commentary-blocks")
        yield Static(Text("Referenced papers"), id="references-heading", classes="pane-subheading")
        yield References(id="references")

    def watch_snapshot(self) -> None:
        self._schedule()

    def watch_paper_id(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if not self._pending and self.is_mounted:
            self._pending = True
            self.call_after_refresh(self._update)

    def on_mount(self) -> None:
        self._schedule()

    def _update(self) -> None:
        self._pending = False
        snap, paper_id = self.snapshot, self.paper_id
        appearances = snap.appearances.get(paper_id, []) if paper_id else []
        shown = (
            paper_id,
            tuple(id(a.entry) for a in appearances),
            tuple((ref, ref in snap.papers) for a in appearances for ref in a.entry.references),
        )
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one("#commentary-empty").display = paper_id is None
        title = self.query_one("#commentary-title", Static)
        title.display = paper_id is not None
        if paper_id is not None:
            title.update(Text(one_line(snap.title(paper_id) or paper_id)))
        self._show_blocks(snap, paper_id, appearances)
        self._show_references(snap, paper_id, appearances)
        self.scroll_home(animate=False)

    def _show_blocks(self, snap: Snapshot, paper_id: str | None, appearances: list) -> None:
        from textual.widgets import Markdown  # imported on first use: keeps startup fast

        wanted: list[tuple[Text, str]] = []
        for appearance in appearances:
            digest = appearance.digest
            heading = Text(one_line(digest.label), style="bold")
            if digest.title:
                heading.append("  " + one_line(digest.title), style="italic")
            body = appearance.entry.commentary.strip()
            wanted.append((heading, literal_markdown(body) if body else "*No commentary in this digest.*"))
        if paper_id is not None and not wanted:
            wanted.append(
                (Text("Not listed in any digest", style="bold"), "*Added because a commentary mentioned it.*")
            )
        blocks = self.query_one("#commentary-blocks", Vertical)
        labels = list(blocks.query(".digest-label").results(Static))
        docs = list(blocks.query(Markdown).results(Markdown))
        for n, (heading, body) in enumerate(wanted):
            if n < len(labels):
                labels[n].update(heading)
                labels[n].display = docs[n].display = True
                docs[n].update(body)
            else:
                blocks.mount_all(
                    [Static(heading, classes="digest-label"), Markdown(body, classes="commentary")]
                )
        for label, doc in zip(labels[len(wanted):], docs[len(wanted):]):
            label.display = doc.display = False

    def _show_references(self, snap: Snapshot, paper_id: str | None, appearances: list) -> None:
        refs: dict[str, None] = {}
        for appearance in appearances:
            for ref in appearance.entry.references:
                if ref != paper_id:
                    refs[ref] = None
        option_list = self.query_one(References)
        option_list.clear_options()
        heading = self.query_one("#references-heading")
        heading.display = option_list.display = bool(refs)
        options = []
        for ref in refs:
            known = ref in snap.papers
            prompt = Text()
            prompt.append("● " if known else "○ ", style="bold" if known else "dim")
            prompt.append(ref, style="bold" if known else "")
            title = snap.title(ref)
            if title:
                prompt.append("  " + one_line(title))
            prompt.append("" if known else "  not in library", style="dim italic")
            options.append(Option(prompt, id=ref))
        option_list.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.JumpTo(event.option.id))
