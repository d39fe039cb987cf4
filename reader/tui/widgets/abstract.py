"""The Abstract pane: arXiv metadata once fetched, else what the digest said."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive, var
from textual.widgets import Static

from reader.core.snapshot import Snapshot
from reader.core.text import one_line, printable


def _field(text: Text, label: str, value: object) -> None:
    if value in (None, "", [], ()):
        return
    text.append(f"{label:<11}", style="bold")
    text.append(one_line(str(value)) + "\n")


def abstract_text(snap: Snapshot, arxiv_id: str) -> Text:
    """Everything known about the paper, as literal text."""
    meta = snap.arxiv(arxiv_id)
    text = Text()
    if meta:
        text.append(one_line(str(meta.get("title") or arxiv_id)) + "\n", style="bold")
        authors = [one_line(str(a)) for a in meta.get("authors") or ()]
        text.append(", ".join(authors) + "\n\n", style="italic")
        categories = list(meta.get("categories") or ())
        primary = meta.get("primary_category")
        if primary and primary in categories:
            categories.remove(primary)
            categories.insert(0, primary)
        _field(text, "arXiv", f"{arxiv_id}v{meta['version']}" if meta.get("version") else arxiv_id)
        _field(text, "Categories", " ".join(str(c) for c in categories))
        _field(text, "Published", meta.get("published"))
        _field(text, "Updated", meta.get("updated"))
        _field(text, "DOI", meta.get("doi"))
        _field(text, "Journal", meta.get("journal_ref"))
        _field(text, "Comment", meta.get("comment"))
        _field(text, "Abstract", f"https://arxiv.org/abs/{arxiv_id}")
        _field(text, "PDF", meta.get("pdf_url") or f"https://arxiv.org/pdf/{arxiv_id}")
        abstract = printable(str(meta.get("abstract") or "")).strip()
        if abstract:
            text.append("\n")
            text.append(" ".join(abstract.split()))
        return text
    text.append(one_line(snap.title(arxiv_id) or arxiv_id) + "\n", style="bold")
    authors = [one_line(a) for a in snap.authors(arxiv_id)]
    if authors:
        text.append(", ".join(authors) + "\n", style="italic")
    text.append("\n")
    _field(text, "arXiv", arxiv_id)
    dates = snap.digest_dates(arxiv_id)
    _field(text, "In digests", ", ".join(dates))
    _field(text, "Abstract", f"https://arxiv.org/abs/{arxiv_id}")
    _field(text, "PDF", f"https://arxiv.org/pdf/{arxiv_id}")
    status = snap.fetch_status(arxiv_id)
    text.append("\n")
    if status == "not_fetched":
        text.append("No arXiv metadata yet: press f to fetch it.", style="dim italic")
    else:
        record = snap.metadata.get(arxiv_id) or {}
        error = one_line(str(record.get("error") or status))
        text.append(f"Fetching arXiv metadata failed: {error}. Press f to retry.", style="dim italic")
    return text


class AbstractPane(VerticalScroll):
    snapshot: reactive[Snapshot] = reactive(Snapshot.empty, always_update=True, repaint=False)
    paper_id: var[str | None] = var(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self._pending = False
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("No paper selected."), id="abstract-body")

    def watch_snapshot(self) -> None:
        self._schedule()

    def watch_paper_id(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if not self._pending and self.is_mounted:
            self._pending = True
            self.call_after_refresh(self._update)

    def _update(self) -> None:
        self._pending = False
        snap, paper_id = self.snapshot, self.paper_id
        key = (paper_id, id(snap.metadata.get(paper_id)), id(snap.papers.get(paper_id)), id(snap.digests))
        if key == self._shown:
            return
        self._shown = key
        body = self.query_one("#abstract-body", Static)
        if self.paper_id is None:
            body.update(Text("No paper selected."))
        else:
            body.update(abstract_text(self.snapshot, self.paper_id))
