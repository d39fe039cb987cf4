"""Which papers the list shows: the view's papers, narrowed by the ``/`` filter.

:class:`VisiblePapers` remembers the last view's ids (a toggle in a 10,000-paper view must not
recompute them) and the last good query (a query with a mistake keeps the last good one's
papers, and says where it is wrong).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct
from rich.text import Text

from reader.core.saved_views import find
from reader.core.snapshot import Snapshot
from reader.core.views import View, ViewKind

from .library_search import LibrarySearch, describe_error

if TYPE_CHECKING:
    from reader.core.query import Query


class Shown(Struct, frozen=True):
    """The papers to show; ``state`` is the filter's word for the list's subtitle (an error,
    or "indexing…"); ``waiting``: the filter's words wait for the index."""

    ids: list[str]
    state: Text | None = None
    waiting: bool = False


class VisiblePapers:
    def __init__(self, search: LibrarySearch) -> None:
        self.search = search
        self._ids: tuple[tuple[object, ...], View, list[str]] | None = None
        self._query: Query | None = None  # the filter's text, parsed
        self._good: Query | None = None  # the last one without a mistake
        self._saved: Query | None = None  # the saved view's query, parsed
        self._read: tuple[list[str], object, int] | None = None  # (list, states, read): read_count

    def view_ids(self, snap: Snapshot, view: View) -> list[str]:
        basis = (snap.digests, snap.papers, snap.states if view.depends_on_states else None)
        cached = self._ids
        if cached is not None and cached[1] == view and all(a is b for a, b in zip(cached[0], basis, strict=True)):
            return cached[2]
        ids = view.ids(snap)
        self._ids = (basis, view, ids)
        return ids

    def saved_query(self, snap: Snapshot, view: View) -> Query | None:
        """A saved view's query, parsed (None: no such view, or not a saved view)."""
        if view.kind is not ViewKind.SAVED:
            return None
        saved = find(snap.saved_views, view.key)
        if saved is None:
            return None
        from reader.core.query import parse  # (lazy: a saved view's query; the first paint needs no parser)

        cached = self._saved
        if cached is None or cached.text != saved.query:
            cached = self._saved = parse(saved.query)
        return cached

    def saved_ids(self, snap: Snapshot, query: Query | None) -> list[str] | None:
        """The papers a saved view's query matches (the app's engine: its index is kept);
        None while the query's words wait for the index."""
        if query is None or query.error is not None or query.empty:
            return []
        from reader.core.engine import universe  # (lazy: not loaded before the first paint)

        return self.search.filter(snap, universe(snap, query), query)

    def prepare_filter(self, snap: Snapshot, view: View) -> None:
        """The filter opened on ``view``: make what its keystrokes need now, while the reader
        is still to type (the engine's view of the list: ~50 ms at 100,000 papers; the
        list's read count, which each keystroke that clears the filter shows again)."""
        if view.kind is not ViewKind.SAVED:
            ids = self.view_ids(snap, view)
            self.search.prepare(snap, ids)
            self.read_count(snap, ids)

    def read_count(self, snap: Snapshot, ids: list[str]) -> int:
        """How many of ``ids`` (the shown list) are read: a filter's answer by its bits
        (Engine.read_count), the same list with the same states once (a look at each of
        100,000 papers is ~7 ms)."""
        found = self.search.read_count(snap, ids)
        if found is not None:
            return found
        cached = self._read
        if cached is not None and cached[0] is ids and cached[1] is snap.states:
            return cached[2]
        count = snap.read_among(ids)
        self._read = (ids, snap.states, count)
        return count

    def shown(self, snap: Snapshot, view: View, text: str) -> Shown:
        """The view's papers the filter ``text`` keeps."""
        if view.kind is ViewKind.SAVED:
            return self._shown_saved(snap, view, text)
        ids = self.view_ids(snap, view)
        if not text.strip():
            self._good = None
            return Shown(ids)
        from reader.core.query import parse  # (lazy: a filter typed; the first paint needs no parser)

        if self._query is None or self._query.text != text:
            self._query = parse(text)
        query, state = self._query, None
        if query.error is not None:
            state = describe_error(query, "bad filter: ", context=20)
            query = self._good if self._good is not None else parse("")
        else:
            self._good = query
        found = self.search.filter(snap, ids, query)
        if found is None:
            return Shown(ids, state or Text("indexing the library…", style="italic"), waiting=True)
        return Shown(found, state)

    def _shown_saved(self, snap: Snapshot, view: View, text: str) -> Shown:
        """A saved view: its query and the filter's, together (one pass of the engine)."""
        saved = self.saved_query(snap, view)
        if saved is None or saved.error is not None or saved.node is None:
            what = "no such saved view" if saved is None else "the saved view's query does not parse"
            return Shown([], Text(what, style="italic"))
        from reader.core.engine import universe  # (lazy: not loaded before the first paint)
        from reader.core.query import And, Query, parse  # (lazy: with the line above)

        state = None
        query = saved
        if text.strip():
            if self._query is None or self._query.text != text:
                self._query = parse(text)
            typed = self._query
            if typed.error is not None:
                state = describe_error(typed, "bad filter: ", context=20)
                typed = self._good if self._good is not None else parse("")
            else:
                self._good = typed
            if typed.node is not None:
                query = Query(f"({saved.text}) ({typed.text})", And((saved.node, typed.node)))
        else:
            self._good = None
        found = self.search.filter(snap, universe(snap, query), query)
        if found is None:
            return Shown([], state or Text("indexing the library…", style="italic"), waiting=True)
        return Shown(found, state)
