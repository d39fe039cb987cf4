"""Search across the library (``s``, or "Search the library" in the palette).

The query language is the filter's (``reader/core/query.py``), and so is the engine: the
main screen's :class:`~reader.tui.library_search.LibrarySearch`, whose index is built in the
background and follows notes and tags by itself.

:class:`SearchScreen` is an Input over the results, best first and grouped by paper: a title
line, then one line per field that matched (``title:``, ``note:``, ``commentary:``,
``text p.3:``…) with the match highlighted by Rich styles (never markup). Each keystroke
searches again after a short pause, in an exclusive worker; a query with a mistake says where
(in the status line) and leaves the results as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.core.query import parse
from reader.core.text import one_line

from ..library_search import describe_error
from ..widgets.line_list import LineList, Row
from .dialog import Dialog

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.core.query import QueryError
    from reader.core.ranking import SearchHit
    from reader.core.snapshot import Snapshot

    from ..library_search import LibrarySearch

DEBOUNCE = 0.1  # seconds after the last keystroke
LIMIT = 200
FIELD_LABELS = {
    "title": "title",
    "authors": "authors",
    "tags": "tags",
    "note": "note",
    "commentary": "commentary",
    "abstract": "abstract",
    "text": "text",
}
PLACEHOLDER = 'words, "a phrase", title: author: tag: note: text: is:unread date:>=2020 … OR -x ( )'
EMPTY = "Type to search titles, authors, tags, notes, commentary, abstracts and paper text."


class Results(Struct, frozen=True):
    query: str
    hits: list
    seconds: float


class SearchResults(LineList):
    """Hits grouped by paper: a title line, then a line per matched field."""

    DEFAULT_CSS = """
    SearchResults > .search--title { text-style: bold; }
    SearchResults > .search--id { color: $foreground-muted; }
    SearchResults > .search--field { color: $secondary; }
    SearchResults > .search--match { background: $warning 40%; text-style: bold; }
    """

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {
        "search--title",
        "search--id",
        "search--field",
        "search--match",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: dict[str, SearchHit] = {}
        self.titles: dict[str, str] = {}

    def show(self, hits: list, titles: dict[str, str]) -> None:
        self.hits = {hit.arxiv_id: hit for hit in hits}
        self.titles = titles
        self.set_rows([Row(hit.arxiv_id, height=1 + len(hit.matches)) for hit in hits], keep=None)

    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        style = self.component_style
        hit = self.hits[row.key]
        if line == 0:
            text = Text(" ")
            text.append(self.titles.get(row.key) or row.key, style("search--title"))
            text.append("  " + row.key, style("search--id"))
            return text
        match = hit.matches[line - 1]
        label = FIELD_LABELS.get(match.field, match.field)
        if match.page is not None:
            label = f"{label} p.{match.page}"
        text = Text("    ")
        text.append(f"{label}: ", style("search--field"))
        snippet = Text(match.snippet)  # literal: never parsed as markup
        snippet.stylize(style("search--match"), match.start, match.end)
        text.append_text(snippet)
        return text


class SearchScreen(Dialog[str | None]):
    """Type to search; Enter opens the highlighted paper (dismissed with its id)."""

    DEFAULT_CSS = """
    #search-box {
        width: 110;
        max-width: 96%;
        height: 90%;
        padding: 0 1;
    }

    #search-input {
        border: tall $panel-lighten-2;
    }

    #search-input:focus {
        border: tall $accent;
    }

    #search-status {
        height: 1;
        color: $foreground-muted;
        padding: 0 1;
    }

    #search-results {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close search"),
        Binding("down", "into_results", "Results", show=False),
    ]

    class Found(Message):
        def __init__(self, results: Results) -> None:
            super().__init__()
            self.results = results

    def __init__(self, search: LibrarySearch, snapshot: Snapshot, query: str = "") -> None:
        super().__init__()
        self.library_search = search
        self.snapshot = snapshot
        self._initial = query
        self._timer: Timer | None = None
        self.last: Results | None = None
        self.error: QueryError | None = None  # the typed query's mistake, if it has one

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog") as box:
            box.border_title = "Search the library"
            box.border_subtitle = "enter opens · ↓ to the results · escape closes"
            yield Input(value=self._initial, placeholder=PLACEHOLDER, id="search-input")
            yield Static(Text(""), id="search-status")
            yield SearchResults(id="search-results")

    def on_mount(self) -> None:
        results = self.query_one(SearchResults)
        results.empty_text = EMPTY
        self.query_one(Input).focus()
        if not self.library_search.ready.is_set():
            self._status(Text("Indexing the library…", style="italic"))
            self._waiting = self.set_interval(0.1, self._check_ready)
        if self._initial:
            self._run(self._initial)

    def _check_ready(self) -> None:
        if self.library_search.ready.is_set():
            self._waiting.stop()
            if self.last is None and self.error is None:
                self._status(Text(""))

    def _status(self, text: Text) -> None:
        self.query_one("#search-status", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(DEBOUNCE, lambda: self._run(query))

    def _run(self, text: str) -> None:
        self._timer = None
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self._show(Results("", [], 0.0))
            return
        query = parse(text)
        if query.error is not None:
            self.workers.cancel_group(self, "search")
            self.error = query.error
            self._status(describe_error(query))  # the mistake, marked
            return
        self.error = None
        search, snapshot = self.library_search, self.snapshot

        def job() -> None:
            worker = get_current_worker()
            hits, seconds = search.search(snapshot, query, LIMIT, cancelled=lambda: worker.is_cancelled)
            if not worker.is_cancelled:
                self.post_message(self.Found(Results(text, hits, seconds)))

        self.run_worker(job, thread=True, exclusive=True, group="search", exit_on_error=False)

    @on(Found)
    def _found(self, message: Found) -> None:
        if message.results.query != self.query_one(Input).value:
            return  # typed on since
        self._show(message.results)

    def _show(self, results: Results) -> None:
        self.last = results
        snap = self.snapshot
        titles = {hit.arxiv_id: one_line(snap.title(hit.arxiv_id) or "") for hit in results.hits}
        self.query_one(SearchResults).show(results.hits, titles)
        results_list = self.query_one(SearchResults)
        if not results.query.strip():
            results_list.empty_text = EMPTY
            self._status(Text(""))
            return
        results_list.empty_text = "No paper matches."
        count = len(results.hits)
        what = f"{count}{'+' if count >= LIMIT else ''} paper{'s' * (count != 1)}"
        ms = results.seconds * 1000
        took = f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"
        self._status(Text.assemble((what, "bold"), (f" · {took}", "dim")))

    def set_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    # --- keys --------------------------------------------------------------------
    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        key = self.query_one(SearchResults).cursor_key
        if key is not None:
            self.dismiss(key)

    @on(LineList.Chosen)
    def _chosen(self, message: LineList.Chosen) -> None:
        message.stop()
        self.dismiss(message.key)

    def action_into_results(self) -> None:
        results = self.query_one(SearchResults)
        if results.rows and not results.has_focus:
            results.focus()

    def action_close(self) -> None:
        self.dismiss(None)
