"""The papers of the current view: one line each, only the visible lines rendered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive, var

from reader.core.snapshot import Snapshot
from reader.core.text import one_line

from .line_list import LineList, Row

UNREAD_MARK = "●"
READ_MARK = "✓"
NOTE_MARK = "✎"
PDF_MARK = "⤓"
SELECT_MARK = "▌"


def pdf_path(arxiv_id: str) -> Path | None:
    """Where a downloaded PDF of the paper would be, or None when that cannot be told."""
    try:
        from reader.core.ids import safe_filename  # written by another engineer
        from reader.core.locations import cache_dir
    except ImportError:
        return None
    try:
        return cache_dir() / "pdf" / f"{safe_filename(arxiv_id)}.pdf"
    except Exception:  # noqa: BLE001 - a bad id must not break the list
        return None


def first_author(authors: tuple[str, ...] | list[str]) -> str:
    if not authors:
        return ""
    name = one_line(authors[0])
    return f"{name} et al." if len(authors) > 1 else name


def fit(text: Text, width: int) -> Text:
    """``text`` cut or padded to exactly ``width`` cells (wide characters count double)."""
    text = text.copy()
    text.no_wrap = True
    text.truncate(max(width, 0), overflow="ellipsis", pad=True)
    return text


class PapersList(LineList):
    """Rows: selection bar, read mark, title, first author, tags, note and PDF marks."""

    DEFAULT_CSS = """
    PapersList > .papers--unread { text-style: bold; }
    PapersList > .papers--unread-mark { color: $accent; text-style: bold; }
    PapersList > .papers--read { color: $foreground-muted; }
    PapersList > .papers--author { color: $foreground-muted; }
    PapersList > .papers--tag { color: $secondary; }
    PapersList > .papers--flag { color: $warning; }
    PapersList > .papers--select { color: $secondary; }
    """

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "papers--unread",
        "papers--unread-mark",
        "papers--read",
        "papers--author",
        "papers--tag",
        "papers--flag",
        "papers--select",
    }

    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    ids: var[list[str]] = var(list, always_update=True)
    paper_id: var[str | None] = var(None)
    selection: var[frozenset[str]] = var(frozenset)

    @dataclass
    class Highlighted(Message):
        """The cursor is on ``arxiv_id``."""

        arxiv_id: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._pdf: dict[str, bool] = {}
        self._painted = False

    def watch_snapshot(self) -> None:
        self.refresh_changed()  # a toggle repaints its own row, not the list

    def row_signature(self, index: int, row: Row) -> object:
        snap = self.snapshot
        return (
            snap.states.get(row.key),
            bool(snap.notes.get(row.key)),
            snap.papers.get(row.key),
            row.key in self.selection,
        )

    def reload_pdf_marks(self) -> None:
        """Look again for downloaded PDFs (call after a download)."""
        self._pdf.clear()
        self.invalidate()

    def watch_ids(self, ids: list[str]) -> None:
        self.set_rows([Row(arxiv_id) for arxiv_id in ids], keep=self.paper_id)

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
        known = self._pdf.get(arxiv_id)
        if known is None:
            path = pdf_path(arxiv_id)
            known = self._pdf[arxiv_id] = bool(path and path.exists())
        return known

    def row_style(self, index: int, row: Row) -> Style:
        if row.key in self.selection:
            return self.component_style("line-list--selected")
        return Style()

    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        if index == 0 and not self._painted:
            self._painted = True
            self.app.bench_ready()
        snap = self.snapshot
        arxiv_id = row.key
        state = snap.state(arxiv_id)
        style = self.component_style
        author_w = 0 if width < 50 else 16 if width < 76 else 20 if width < 100 else 24
        tags_w = 0 if width < 60 else 12 if width < 100 else 18
        flags_w = 4
        title_w = max(width - 3 - author_w - tags_w - flags_w - (author_w > 0) - (tags_w > 0), 8)

        out = Text(no_wrap=True, end="")
        selected = arxiv_id in self.selection
        out.append(SELECT_MARK if selected else " ", style("papers--select"))
        if state.read:
            out.append(READ_MARK + " ", style("papers--read"))
        else:
            out.append(UNREAD_MARK + " ", style("papers--unread-mark"))
        title = one_line(snap.title(arxiv_id) or arxiv_id)
        title_style = style("papers--read") if state.read else style("papers--unread")
        out.append_text(fit(Text(title, style=title_style), title_w))
        if author_w:
            out.append(" ")
            out.append_text(fit(Text(first_author(snap.authors(arxiv_id)), style("papers--author")), author_w))
        if tags_w:
            out.append(" ")
            tags = " ".join(f"#{one_line(tag)}" for tag in state.tags)
            out.append_text(fit(Text(tags, style("papers--tag")), tags_w))
        flags = Text(" ")
        flags.append(NOTE_MARK if snap.note(arxiv_id) else " ", style("papers--flag"))
        flags.append(" ")
        flags.append(PDF_MARK if self.has_pdf(arxiv_id) else " ", style("papers--flag"))
        out.append_text(fit(flags, flags_w))
        return out
