"""The Abstract pane: arXiv metadata once fetched, else what the digest said."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive, var
from textual.widgets import Static

from reader.core.mismatch import is_mismatched, titles_differ
from reader.core.present import versions_text
from reader.core.snapshot import Snapshot
from reader.core.text import one_line, printable

LABEL_W = 12


def _field(text: Text, label: str, value: object, style: str | Style = "") -> None:
    if value in (None, "", [], ()):
        return
    text.append(f"{label:<{LABEL_W}}", style="bold")
    text.append(one_line(str(value)) + "\n", style=style)


def _links(text: Text, arxiv_id: str, pdf_url: str | None = None) -> None:
    abs_url = f"https://arxiv.org/abs/{arxiv_id}"
    pdf_url = pdf_url or f"https://arxiv.org/pdf/{arxiv_id}"
    text.append(f"{'Links':<{LABEL_W}}", style="bold")
    text.append(abs_url, style=Style(link=abs_url, underline=True))
    text.append("  ")
    text.append(one_line(pdf_url), style=Style(link=pdf_url, underline=True))
    text.append("\n")


def _date(value: object) -> str:
    return str(value or "")[:10]


def digest_titles(snap: Snapshot, arxiv_id: str) -> list[str]:
    """The titles the digests gave the paper, each once."""
    titles = [a.entry.title for a in snap.appearances.get(arxiv_id, ()) if a.entry.title]
    paper = snap.papers.get(arxiv_id)
    if not titles and paper and paper.title:
        titles = [paper.title]
    return list(dict.fromkeys(titles))


def abstract_text(snap: Snapshot, arxiv_id: str) -> Text:
    """Everything known about the paper, as literal text."""
    meta = snap.arxiv(arxiv_id)
    text = Text()
    if meta:
        arxiv_title = one_line(str(meta.get("title") or arxiv_id))
        text.append(arxiv_title + "\n", style="bold")
        authors = [one_line(str(a)) for a in meta.get("authors") or ()]
        if authors:
            text.append(", ".join(authors) + "\n", style="italic")
        text.append("\n")
        if is_mismatched(snap, arxiv_id):
            text.append("⚠ The digest's title differs from arXiv's\n", style="bold yellow")
            for title in digest_titles(snap, arxiv_id):
                if titles_differ(title, meta.get("title")):
                    text.append(f"  {'digest:':<8}", style="bold")
                    text.append(one_line(title) + "\n")
            text.append(f"  {'arXiv:':<8}", style="bold")
            text.append(arxiv_title + "\n\n")
        categories = [str(c) for c in meta.get("categories") or ()]
        primary = meta.get("primary_category")
        if primary and primary in categories:
            categories.remove(primary)
            categories.insert(0, primary)
        _field(text, "arXiv", f"{arxiv_id} · {versions_text(snap, arxiv_id)}")
        _field(text, "Categories", " ".join(categories))
        _field(text, "Published", _date(meta.get("published")))
        _field(text, "Updated", _date(meta.get("updated")))
        _field(text, "Comment", meta.get("comment"))
        _field(text, "Journal ref", meta.get("journal_ref"))
        _field(text, "DOI", meta.get("doi"))
        _links(text, arxiv_id, meta.get("pdf_url"))
        abstract = printable(str(meta.get("abstract") or "")).strip()
        if abstract:
            text.append("\n")
            text.append(" ".join(abstract.split()))
            text.append("\n")
        dates = snap.digest_dates(arxiv_id)
        if dates:
            text.append("\n")
            _field(text, "In digests", ", ".join(dates), style="dim")
        return text
    text.append(one_line(snap.title(arxiv_id) or arxiv_id) + "\n", style="bold")
    authors = [one_line(a) for a in snap.authors(arxiv_id)]
    if authors:
        text.append(", ".join(authors) + "\n", style="italic")
    text.append("\n")
    named = sorted({a.entry.version for a in snap.appearances.get(arxiv_id, ()) if a.entry.version})
    version = f" · digest names {', '.join(f'v{v}' for v in named)}" if named else ""
    _field(text, "arXiv", arxiv_id + version)
    _field(text, "In digests", ", ".join(snap.digest_dates(arxiv_id)))
    _links(text, arxiv_id)
    status = snap.fetch_status(arxiv_id)
    text.append("\n")
    if status == "not_fetched":
        text.append("This is what the digest gave: press f to fetch from arXiv.", style="dim italic")
    elif status == "not_found":
        text.append("arXiv does not know this id. Press f to ask again.", style="dim italic")
    else:
        record = snap.metadata.get(arxiv_id) or {}
        error = one_line(str(record.get("error") or status))
        text.append(f"Fetching from arXiv failed: {error}. Press f to fetch from arXiv again.", style="dim italic")
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

    def on_mount(self) -> None:
        self._schedule(mounting=True)

    def _schedule(self, mounting: bool = False) -> None:
        # (``is_mounted`` becomes true only after on_mount: hence ``mounting``)
        if not self._pending and (self.is_mounted or mounting):
            self._pending = True
            self.call_later(self._update)

    def _update(self) -> None:
        self._pending = False
        snap, paper_id = self.snapshot, self.paper_id
        key = (paper_id, id(snap.metadata.get(paper_id or "")), id(snap.papers.get(paper_id or "")), id(snap.digests))
        if key == self._shown:
            return
        self._shown = key
        body = self.query_one("#abstract-body", Static)
        if self.paper_id is None:
            body.update(Text("No paper selected."))
        else:
            body.update(abstract_text(self.snapshot, self.paper_id))
            self.scroll_home(animate=False)
