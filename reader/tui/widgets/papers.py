"""The papers of the current view: one line each, only the visible lines rendered."""

from __future__ import annotations

import os

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive, var

from reader.core.locations import cache_dir
from reader.core.snapshot import Snapshot
from reader.core.text import one_line

from ..startup import LoadPhase
from .line_list import KeyRows, LineList, Row

TITLE_UNKNOWN = "(title unknown: press f)"  # a paper no digest and no fetch has named yet
UNREAD_MARK = "●"
READ_MARK = "✓"
NOTE_MARK = "✎"
PDF_MARK = "⤓"
MISMATCH_MARK = "⚠"
SELECT_MARK = "▌"
FLAGS_W = 3  # note, PDF, title mismatch


def downloaded_ids() -> set[str]:
    """Ids of the papers whose PDF is in the cache (one directory listing)."""
    # (lazy: reader.core.ids compiles its patterns on import; the first paint needs none)
    from reader.core.ids import id_from_filename

    try:
        names = os.listdir(cache_dir() / "pdf")
    except OSError:
        return set()
    found = set()
    for name in names:
        if name.endswith(".pdf") and not name.startswith("."):
            arxiv_id = id_from_filename(name[:-4])
            if arxiv_id:
                found.add(arxiv_id)
    return found


def first_author(authors: tuple[str, ...] | list[str]) -> str:
    """``Surname et al.`` (the list has little room; the Abstract tab has every name)."""
    if not authors:
        return ""
    name = one_line(authors[0])
    surname = name.rsplit(" ", 1)[-1] if " " in name else name
    return f"{surname} et al." if len(authors) > 1 else surname


def mismatched(snap: Snapshot, arxiv_id: str) -> bool:
    """Does a digest's title for the paper differ from arXiv's?"""
    if not snap.arxiv(arxiv_id):
        return False
    from reader.core.mismatch import is_mismatched  # (lazy: not loaded before the first paint)

    return is_mismatched(snap, arxiv_id)


def fit(text: Text, width: int) -> Text:
    """``text`` cut or padded to exactly ``width`` cells (wide characters count double)."""
    text = text.copy()
    text.no_wrap = True
    text.truncate(max(width, 0), overflow="ellipsis", pad=True)
    return text


def author_width(width: int) -> int:
    """The most the author may take: little, so the title gets the room."""
    return 0 if width < 50 else 12 if width < 76 else 16 if width < 110 else 22


class PapersList(LineList):
    """Rows: selection bar, read mark, title (and tags), first author, flags.

    The title takes every cell the others leave: the first author is right-aligned
    before the flags (note, PDF, title mismatch), and tags show only when the paper
    has some, between the title and the author.
    """

    DEFAULT_CSS = """
    PapersList > .papers--unread { text-style: bold; }
    PapersList > .papers--tag { color: $secondary; }
    PapersList > .papers--flag { color: $accent; }
    PapersList > .papers--warning { color: $warning; }
    PapersList > .papers--select { color: $secondary; }
    PapersList > .papers--guessed { text-style: italic dim; }
    """

    # (Few: each is styled on every style pass of the list, four before the first paint. A
    # read paper and the author are the list's muted rows; the unread mark is a flag, bold.)
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "papers--unread",
        "papers--tag",
        "papers--flag",
        "papers--warning",
        "papers--select",
        "papers--guessed",
    }

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    ids: var[list[str]] = var(list, always_update=True)
    paper_id: var[str | None] = var(None)
    selection: var[frozenset[str]] = var(frozenset)
    phase: var[LoadPhase] = var(LoadPhase.NOTHING)

    class Highlighted(Message):
        """The cursor is on ``arxiv_id``."""

        def __init__(self, arxiv_id: str) -> None:
            super().__init__()
            self.arxiv_id = arxiv_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._pdf: set[str] | None = None  # downloaded ids; None until first looked up

    def watch_snapshot(self) -> None:
        self.refresh_changed()  # a toggle repaints its own row, not the list

    def row_signature(self, index: int, row: Row) -> object:
        snap = self.snapshot
        key = row.key
        return (
            snap.states.get(key),
            snap.has_note(key),
            snap.papers.get(key),
            id(snap.metadata.get(key)),
            key in self.selection,
            self._pdf is not None and key in self._pdf,
        )

    def reload_pdf_marks(self) -> None:
        """Look again for downloaded PDFs (after a download, and once after the first paint)."""
        self._pdf = downloaded_ids()
        self.invalidate()

    def watch_ids(self, ids: list[str]) -> None:
        self.set_rows(KeyRows(ids), keep=self.paper_id)  # (no object per paper: 100,000 in a view)

    def watch_paper_id(self, paper_id: str | None) -> None:
        if paper_id is not None:
            self.move_to(paper_id)

    def watch_selection(self) -> None:
        self.refresh_changed()

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        if event.list is self:
            event.stop()
            self.post_message(self.Highlighted(event.key))

    def has_pdf(self, arxiv_id: str) -> bool:
        return self._pdf is not None and arxiv_id in self._pdf

    def row_style(self, index: int, row: Row) -> Style:
        if row.key in self.selection:
            return self.component_style("line-list--selected")
        return Style()

    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        snap = self.snapshot
        arxiv_id = row.key
        state = snap.state(arxiv_id)
        style = self.component_style
        author_w = author_width(width)
        author = Text(first_author(snap.authors(arxiv_id)) if author_w else "", style("line-list--muted"))
        if author.cell_len > author_w:
            author = fit(author, author_w)
        # The title takes every cell the author (right-aligned) and the flags leave.
        title_w = max(width - 3 - (FLAGS_W + 1) - (author.cell_len + 2 if author.cell_len else 0), 8)

        out = Text(no_wrap=True, end="")
        out.append(SELECT_MARK if arxiv_id in self.selection else " ", style("papers--select"))
        if state.read:
            out.append(READ_MARK + " ", style("line-list--muted"))
        else:
            out.append(UNREAD_MARK + " ", style("papers--unread") + style("papers--flag"))
        unknown = "…" if self.phase <= LoadPhase.GLANCE else TITLE_UNKNOWN  # (the glance: not read yet)
        title = Text(one_line(snap.title(arxiv_id) or f"{arxiv_id} {unknown}"),
                     style=style("line-list--muted") if state.read else style("papers--unread"))
        if snap.title_guessed(arxiv_id):  # a link's text or a file name, until arXiv's title
            title.stylize(style("papers--guessed"))
        if state.tags and title_w >= 30:
            tags = Text(" ".join(f"#{one_line(tag)}" for tag in state.tags), style("papers--tag"))
            tags_w = min(tags.cell_len, title_w // 3)
            out.append_text(fit(title, title_w - tags_w - 1))
            out.append(" ")
            out.append_text(fit(tags, tags_w))
        else:
            out.append_text(fit(title, title_w))
        if author.cell_len:
            out.append("  ")
            out.append_text(author)
        out.append(" ")
        out.append(NOTE_MARK if snap.has_note(arxiv_id) else " ", style("papers--flag"))
        out.append(PDF_MARK if self.has_pdf(arxiv_id) else " ", style("papers--flag"))
        out.append(MISMATCH_MARK if mismatched(snap, arxiv_id) else " ", style("papers--warning"))
        return out
