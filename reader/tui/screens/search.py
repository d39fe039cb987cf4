"""Search across the library (``s``, or "Search the library" in the palette).

:class:`LibrarySearch` owns the app's ``SearchIndex``: built in a worker the first time
it is needed, then kept current incrementally (a note saved, a paper's text extracted,
a snapshot reloaded). ``SearchIndex`` is not thread-safe, so everything that touches it
(the build's hand-over, updates, searches) holds one lock, and updates asked for on the
UI thread are queued and applied by the next search (or a small worker): the UI never
waits on a search.

:class:`SearchScreen` is an Input over the results, grouped by paper: a title line,
then one line per field that matched (``title:``, ``note:``, ``commentary:``,
``text p.3:``…) with the match highlighted by Rich styles (never markup). Each
keystroke searches again after a short pause, in an exclusive worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.core.text import one_line

from ..widgets.line_list import LineList, Row

if TYPE_CHECKING:
    from reader.core.search import SearchHit, SearchIndex
    from reader.core.snapshot import Snapshot

DEBOUNCE = 0.1  # seconds after the last keystroke
LIMIT = 200
FIELD_LABELS = {
    "title": "title",
    "authors": "authors",
    "note": "note",
    "commentary": "commentary",
    "abstract": "abstract",
    "text": "text",
}


def _digest_key(snap: Snapshot) -> tuple:
    return tuple((d.id, d.sha256, d.imported_at) for d in snap.digests)


class LibrarySearch:
    """The library's search index, shared by every search screen of the app."""

    def __init__(self) -> None:
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()  # held while the index is built into place, changed or searched
        self._pending: list[tuple] = []  # updates asked for on the UI thread, not yet applied
        self._pending_lock = threading.Lock()
        self._indexed: Snapshot | None = None  # the snapshot the index last saw in full
        self._noted: set[str] = set()  # notes updated since: checked again on the next refresh
        self.ready = threading.Event()
        self._building = False
        self.build_seconds: float | None = None

    # --- building ----------------------------------------------------------------
    @property
    def building(self) -> bool:
        return self._building and not self.ready.is_set()

    def ensure(self, owner, snapshot: Snapshot) -> None:
        """Start building the index (once) in a worker of ``owner`` (a screen)."""
        if self._building or self.ready.is_set():
            return
        self._building = True
        owner.run_worker(
            lambda: self._build(snapshot), thread=True, group="search-index", exit_on_error=False,
            name="build search index",
        )

    def _build(self, snapshot: Snapshot) -> None:
        from reader.core.locations import cache_dir
        from reader.core.search import SearchIndex

        started = time.perf_counter()
        try:
            index = SearchIndex.build(snapshot, cache_dir())
        except Exception:  # noqa: BLE001 - a broken cache must not stop search
            try:
                index = SearchIndex.build(snapshot, None)
            except Exception:  # noqa: BLE001 - an empty index, not a search that never ends
                index = SearchIndex()
        with self._lock:
            self._index = index
            self._indexed = snapshot
            self._apply_pending()
        self.build_seconds = time.perf_counter() - started
        self.ready.set()

    # --- keeping it current (UI thread: queued, never blocks) ----------------------
    def _queue(self, item: tuple) -> None:
        with self._pending_lock:
            if item[0] == "refresh":  # only the newest snapshot matters
                self._pending = [p for p in self._pending if p[0] != "refresh"]
            self._pending.append(item)

    def update_note(self, arxiv_id: str, text: str) -> None:
        self._queue(("note", arxiv_id, text))

    def add_text(self, arxiv_id: str, text) -> None:
        self._queue(("text", arxiv_id, text))

    def refresh(self, snapshot: Snapshot) -> None:
        """A newer snapshot (an import, a reload): applied by the next search."""
        if snapshot.complete:
            self._queue(("refresh", snapshot))

    def _apply_pending(self) -> None:
        """Apply queued updates (the caller holds ``_lock``, and the index exists)."""
        with self._pending_lock:
            pending, self._pending = self._pending, []
        index = self._index
        for item in pending:
            if item[0] == "note":
                index.update_note(item[1], item[2])
                self._noted.add(item[1])
            elif item[0] == "text":
                index.add_text(item[1], item[2])
            elif item[0] == "refresh":
                self._refresh(item[1])

    def _refresh(self, snapshot: Snapshot) -> None:
        old = self._indexed
        self._indexed = snapshot
        if (
            old is not None
            and old.complete
            and _digest_key(old) == _digest_key(snapshot)
            and old.papers == snapshot.papers
            and old.metadata == snapshot.metadata
        ):
            # Only notes can differ: refresh just the papers whose note changed.
            changed = {i for i in set(old.notes) | set(snapshot.notes) if old.notes.get(i) != snapshot.notes.get(i)}
            changed = (changed | self._noted) & set(snapshot.all_ids())
            self._noted.clear()
            if changed:
                self._index.refresh(snapshot, changed)
            return
        self._noted.clear()
        self._index.refresh(snapshot)

    # --- searching (a worker thread) ----------------------------------------------
    def search(self, query: str, limit: int = LIMIT) -> tuple[list[SearchHit], float]:
        """Hits for ``query`` and the seconds the search took (waits for the build)."""
        while not self.ready.wait(0.05):
            worker = get_current_worker()
            if worker.is_cancelled:
                return [], 0.0
        with self._lock:
            started = time.perf_counter()
            self._apply_pending()
            hits = self._index.search(query, limit)
            return hits, time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Results:
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


class SearchScreen(ModalScreen[str | None]):
    """Type to search; Enter opens the highlighted paper (dismissed with its id)."""

    BINDINGS = [
        Binding("escape", "close", "Close search"),
        Binding("down", "into_results", "Results", show=False),
    ]

    @dataclass
    class Found(Message):
        results: Results

    def __init__(self, search: LibrarySearch, snapshot: Snapshot, query: str = "") -> None:
        super().__init__()
        self.library_search = search
        self.snapshot = snapshot
        self._initial = query
        self._timer = None
        self.last: Results | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box") as box:
            box.border_title = "Search the library"
            box.border_subtitle = "enter opens · ↓ to the results · escape closes"
            yield Input(
                value=self._initial,
                placeholder='words (all must match) or "a phrase": titles, authors, notes, commentary, text',
                id="search-input",
            )
            yield Static(Text(""), id="search-status")
            yield SearchResults(id="search-results")

    def on_mount(self) -> None:
        results = self.query_one(SearchResults)
        results.empty_text = "Type to search titles, authors, notes, commentary, abstracts and paper text."
        self.query_one(Input).focus()
        self.library_search.ensure(self, self.snapshot)  # (a no-op once the main screen started it)
        if not self.library_search.ready.is_set():
            self._status(Text("Indexing the library…", style="italic"))
            self._waiting = self.set_interval(0.1, self._check_ready)
        if self._initial:
            self._run(self._initial)

    def _check_ready(self) -> None:
        if self.library_search.ready.is_set():
            self._waiting.stop()
            if self.last is None:
                self._status(Text(""))

    def _status(self, text: Text) -> None:
        self.query_one("#search-status", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(DEBOUNCE, lambda: self._run(query))

    def _run(self, query: str) -> None:
        self._timer = None
        if not query.strip():
            self.workers.cancel_group(self, "search")
            self._show(Results("", [], 0.0))
            return
        search = self.library_search

        def job() -> None:
            hits, seconds = search.search(query)
            if not get_current_worker().is_cancelled:
                self.post_message(self.Found(Results(query, hits, seconds)))

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
            results_list.empty_text = "Type to search titles, authors, notes, commentary, abstracts and paper text."
            self._status(Text(""))
            return
        results_list.empty_text = "No paper matches every word."
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
