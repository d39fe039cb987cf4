"""The Commentary pane: each digest's commentary on the paper, and the papers it cites.

The commentary is drawn with Rich's Markdown in one Static (Textual's Markdown widget
mounts a widget per block: far slower for a pane that changes on every cursor move).
Rich's Markdown never reads Rich/Textual markup, so ``[bold]`` stays literal (tests/tui
check it), and ``printable`` strips escape sequences first.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.ids import abs_url, find_links
from reader.core.snapshot import Snapshot
from reader.core.text import one_line, printable

from .backlinks import Backlinks, LinkList, commentary_references, focus_links
from .citations import Citations, cites_summary, paper_line

LOADING = "loading commentary…"


def literal_markdown(text: str) -> str:
    """Printable commentary for the Markdown renderer (markup stays literal)."""
    return printable(text)


SHORT_TITLE = 40  # cells: a mentioned paper's title in running text
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!<>|~])")


def short_title(snap: Snapshot, arxiv_id: str) -> str:
    """What a commentary's link to a paper reads as: its short name (``NVAE`` of "NVAE: A
    Deep Hierarchical…"), else its title cut at a word, else ``arXiv:ID``."""
    title = one_line(snap.title(arxiv_id) or "")
    if not title:
        return f"arXiv:{arxiv_id}"
    head, colon, _rest = title.partition(":")
    if colon and 0 < len(head) <= 30:
        return head.strip()
    if len(title) <= SHORT_TITLE:
        return title
    cut = title[: SHORT_TITLE - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;.-") + "…"


def titled_links(text: str, snap: Snapshot) -> str:
    """Markdown in which each bare arXiv link reads as the paper's short title, linked to
    its abstract page (a link already written as ``[text](url)`` stays as written)."""

    out: list[str] = []
    at = 0
    for link in find_links(text):
        if link.malformed or link.start < at:
            continue
        before = text[max(0, link.start - 2): link.start]
        if before.endswith("](") or before.endswith("<") or text[:link.start].count("`") % 2:
            continue  # already a markdown link, an autolink, or in code
        label = _MARKDOWN_SPECIAL.sub(r"\\\1", short_title(snap, link.arxiv_id))
        out.append(text[at:link.start])
        out.append(f"[{label}]({abs_url(link.arxiv_id)})")
        at = link.end
    out.append(text[at:])
    return "".join(out)


def markdown(text: str):
    from rich.markdown import Markdown  # ~25 ms to import: after the first paint

    return Markdown(text, hyperlinks=True)


class References(LinkList):
    """The papers a commentary references; Enter on one jumps to it."""


class CitesList(LinkList):
    """The library's papers this paper's text cites; Enter on one jumps to it."""


class CitedByList(LinkList):
    """The library's papers whose text cites this paper; Enter on one jumps to it."""


class CommentaryPane(VerticalScroll):
    """Commentary of every digest that lists the paper, newest first, then references,
    then backlinks ("Mentioned in")."""

    BINDINGS = [Binding("enter", "links", "Referenced papers and backlinks", show=False)]

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)
    citations: var[Citations] = var(Citations.none)

    class JumpTo(Message):
        """Enter on a referenced paper."""

        def __init__(self, arxiv_id: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self._shown: tuple | None = None
        self._shown_paper: str | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Static(Text("No paper selected."), id="commentary-body")
        yield Static(Text("Referenced papers"), id="references-heading", classes="pane-subheading")
        yield References(id="references")
        yield Static(Text("Mentioned in"), id="backlinks-heading", classes="pane-subheading")
        yield Backlinks(id="backlinks")
        yield Static(Text("Cites"), id="cites-heading", classes="pane-subheading")
        yield CitesList(id="cites")
        yield Static(Text(""), id="cites-more")
        yield Static(Text("Cited by, in your library"), id="cited-by-heading", classes="pane-subheading")
        yield CitedByList(id="cited-by")

    def watch_snapshot(self) -> None:
        self._schedule()

    def watch_paper_id(self) -> None:
        self._schedule()

    def watch_citations(self) -> None:
        self._schedule()

    def _schedule(self, mounting: bool = False) -> None:
        # (``is_mounted`` becomes true only after on_mount: hence ``mounting``)
        if not self._pending and (self.is_mounted or mounting):
            self._pending = True
            self.call_later(self._update)  # once, after the snapshot and the paper are both set

    def on_mount(self) -> None:
        self._schedule(mounting=True)

    def _update(self) -> None:
        self._pending = False
        snap, paper_id = self.snapshot, self.paper_id
        complete = snap.complete
        appearances = snap.appearances.get(paper_id, []) if paper_id and complete else []
        shown = (
            paper_id,
            complete,
            tuple(id(a.entry) for a in appearances),
            tuple((ref, ref in snap.papers, snap.title(ref)) for ref in commentary_references(snap, paper_id, appearances)),
            tuple(snap.mentioned_in.get(paper_id, ())) if paper_id and complete else (),
            tuple(snap.mentioned_by_digests.get(paper_id, ())) if paper_id and complete else (),
            self.citations,
        )
        if shown == self._shown:
            return
        self._shown = shown
        body = self.query_one("#commentary-body", Static)
        if paper_id is None:
            body.update(Text("No paper selected.", style="dim italic"))
        else:
            body.update(self._body(snap, paper_id, appearances))
        same_paper = self._shown is not None and self._shown_paper == paper_id
        self._shown_paper = paper_id
        self._show_references(snap, paper_id, appearances)
        self._show_citations(snap, paper_id)
        if not same_paper:
            self.scroll_home(animate=False)

    def _body(self, snap: Snapshot, paper_id: str, appearances: list) -> Group:
        parts: list = [Text(one_line(snap.title(paper_id) or paper_id), style="bold"), Text("")]
        if not snap.complete:
            parts.append(Text(LOADING, style="dim italic"))
            return Group(*parts)
        parts += digest_commentary(snap, appearances)
        if not appearances:
            parts.append(Text("Not listed in any digest", style="bold"))
            if paper_id in snap.papers:
                parts.append(Text("Added because a commentary mentioned it.", style="dim italic"))
            else:
                parts.append(Text("A commentary mentions it; it is not in your library.", style="dim italic"))
        return Group(*parts)

    def _show_references(self, snap: Snapshot, paper_id: str | None, appearances: list) -> None:
        refs = commentary_references(snap, paper_id, appearances)
        backlinks = self.query_one(Backlinks)
        count = backlinks.show(snap, paper_id) if snap.complete else 0
        self.query_one("#backlinks-heading").display = backlinks.display = bool(count)
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

    def _show_citations(self, snap: Snapshot, paper_id: str | None) -> None:
        citations = self.citations
        cites = citations.cites(paper_id) if paper_id else None
        cites_list = self.query_one(CitesList)
        cites_list.clear_options()
        found = cites.in_library if cites is not None else []
        cites_list.add_options([Option(paper_line(snap, ref), id=ref) for ref in found])
        summary = cites_summary(cites, citations.known and paper_id is not None)
        more = self.query_one("#cites-more", Static)
        more.update(summary or Text(""))
        more.display = summary is not None
        cites_list.display = bool(found)
        self.query_one("#cites-heading").display = bool(found) or summary is not None
        cited_by = citations.cited_by(paper_id) if paper_id else []
        by_list = self.query_one(CitedByList)
        by_list.clear_options()
        by_list.add_options([Option(paper_line(snap, ref), id=ref) for ref in cited_by])
        self.query_one("#cited-by-heading").display = by_list.display = bool(cited_by)

    def action_links(self) -> None:
        focus_links(self)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.JumpTo(event.option.id))


def digest_commentary(snap: Snapshot, appearances: list[Any]) -> list[Any]:
    """Each digest's heading and its commentary on a paper (literal: never markup)."""
    parts: list[Any] = []
    for appearance in appearances:
        digest = appearance.digest
        heading = Text(one_line(digest.label), style="bold")
        if digest.title:
            heading.append("  " + one_line(digest.title), style="italic")
        parts.append(heading)
        body = appearance.entry.commentary.strip()
        if body:
            parts.append(markdown(titled_links(literal_markdown(body), snap)))
        else:
            parts.append(Text("No commentary in this digest.", style="dim italic"))
        parts.append(Text(""))
    return parts
