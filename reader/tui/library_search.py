"""The app's one query engine, shared by the ``/`` filter and ``s`` search.

:class:`LibrarySearch` owns a :class:`reader.core.engine.Engine`. Its text index is made off
the UI thread (on the service's compute thread) as soon as the whole library is read, and made
again when the catalogue changes (an import, a reload); meanwhile the previous index answers.
Made: read from the library's saved index (``reader/core/saved_index.py``: under a second at 100,000
papers, the tags and notes indexed anew included) when it was saved from this very
catalogue, else built (~10 s at 100,000 papers) and then saved, on the compute thread,
after the jobs already queued there. Notes and tags need no rebuild: the engine follows
the snapshot it is given. Paper texts and the list of
downloaded PDFs are read from the cache once, after the first build, and a paper whose text is
extracted later joins then.

Threads: the index is only *replaced* (on the UI thread, when a build's message arrives), never
changed, so the filter (UI thread) and a search (worker thread) can both read it at any time.
A library of up to ``SMALL`` papers is indexed on the UI thread when the filter needs it and
the build has not arrived yet (a few milliseconds; the first time also imports numpy, ~0.1 s):
the filter answers its first keystroke without waiting.

Before the index is ready (a few seconds after a new catalogue at 100,000 papers), a filter with words
keeps the list as it is and says "indexing the library…" under it; terms without words
(``tag:``, ``is:``, ``date:``, ``digest:``, ``year:``, ``cat:``) are answered at once. Once the
index arrives the filter is applied again by itself.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message

from reader.core.locations import cache_dir
from reader.core.text import printable

from .trace import trace

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from reader.core.engine import Engine
    from reader.core.pdf import PaperText
    from reader.core.query import Query
    from reader.core.ranking import SearchHit
    from reader.core.search_index import PreparedText, TextIndex
    from reader.core.snapshot import Snapshot

    from .service import LibraryService

SMALL = 1000  # papers: index on the spot, not in the background
READY_POLL = 0.05  # seconds between a waiting search's looks at whether the index is ready


class SearchIndexed(Message):
    """A build finished (``index``), or the cache's texts were read (``texts``, ``downloaded``)."""

    def __init__(
        self,
        index: TextIndex | None = None,
        texts: Mapping[str, PreparedText] | None = None,
        downloaded: frozenset[str] | None = None,
        seconds: float = 0.0,
        save_as: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.index = index
        self.texts: Mapping[str, PreparedText] = texts if texts is not None else {}
        self.downloaded = downloaded
        self.seconds = seconds
        # Built (not read from the saved index) from a snapshot with this key: save it.
        self.save_as = save_as


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_error(query: Query, label: str = "", context: int = 1000) -> Text:
    """A bad query as one line of Text (it is the user's: never markup): ``label``, the query
    with the part that is wrong marked (at most ``context`` characters either side), and
    what is wrong."""
    error = query.error
    assert error is not None
    text, start, end = query.text, error.start, error.end
    left = max(0, start - context)

    def flat(part: str) -> str:
        return printable(part).replace("\n", " ").replace("\t", " ")

    shown = Text()
    if label:
        shown.append(label, style="bold")
    shown.append(("…" if left else "") + flat(text[left:start]))
    shown.append(flat(text[start:end]) or " ", style="reverse")
    shown.append(shorten(flat(text[end:]), context))
    shown.append(f"  {error.message}", style="italic")
    return shown


def _catalog_of(index: TextIndex) -> tuple[object, ...]:
    return (index.sources.digests, index.sources.papers, index.sources.metadata)


def _catalog(snapshot: Snapshot) -> tuple[object, ...]:
    return (snapshot.digests, snapshot.papers, snapshot.metadata)


class LibrarySearch:
    """See the module docstring."""

    def __init__(self, service: LibraryService, folder: Path | None = None) -> None:
        """``folder``: where the library's index is saved (None: never saved or read)."""
        self._engine: Engine | None = None
        self._engine_made = threading.Lock()
        self.ready = threading.Event()  # some index is in place
        self.build_seconds: float | None = None
        self._service = service
        self._folder = folder
        self._building: tuple | None = None  # the catalogue being indexed
        self._texts_read = False
        self._screen: DOMNode | None = None  # where results are posted

    @property
    def engine(self) -> Engine:
        """The engine, made on first use (from any thread): the first paint needs none."""
        if self._engine is None:
            with self._engine_made:
                if self._engine is None:
                    from reader.core.engine import Engine  # (lazy: ~20 ms of imports, not before the first paint)

                    self._engine = Engine()
        return self._engine

    @property
    def indexed(self) -> bool:
        """Some index is in place (without making the engine)."""
        return self._engine is not None and self._engine.index is not None

    # --- building ---------------------------------------------------------------------------
    def start(self, screen: DOMNode, snapshot: Snapshot) -> None:
        """Index ``snapshot``'s catalogue, unless the index (or a build under way) has it.
        Results arrive at ``screen`` as :class:`SearchIndexed` (give them to :meth:`install`)."""
        if not snapshot.complete:
            return
        self._screen = screen
        index = self.engine.index
        if not ((index is not None and index.same_catalog(snapshot)) or (
            self._building is not None and all(a is b for a, b in zip(self._building, _catalog(snapshot), strict=True))
        )):
            self._building = _catalog(snapshot)
            texts = index.texts if index is not None else {}
            if len(snapshot.papers) <= SMALL and "numpy" in sys.modules:
                self._build_here(snapshot, texts)
            else:  # (numpy's first import too: off the UI thread)
                self._service.compute(self._build, screen, snapshot, texts, self._folder)
        if not self._texts_read:  # (also when the filter indexed a small library itself)
            self._texts_read = True
            self._service.compute(self._read_texts, screen, snapshot)

    def _build_here(self, snapshot: Snapshot, texts: Mapping[str, PreparedText]) -> None:
        """(UI thread, a small library.)"""
        started = time.perf_counter()
        from reader.core.search_index import TextIndex  # (lazy: not loaded before the first paint)

        self.install(SearchIndexed(TextIndex.build(snapshot, texts), seconds=time.perf_counter() - started))

    @staticmethod
    def _build(screen: DOMNode, snapshot: Snapshot, texts: Mapping[str, PreparedText], folder: Path | None) -> None:
        """(Compute thread.) The saved index when it is this catalogue's, else a build. Also
        reads which digests list each paper (the snapshot keeps it), so the first search does not."""
        from reader.core import saved_index  # (lazy: not loaded before the first paint)
        from reader.core.search_index import TextIndex  # (lazy: with the line above)

        started = time.perf_counter()
        index = saved_index.load(folder, snapshot, texts) if folder is not None else None
        save_as = None
        if index is None:
            index = TextIndex.build(snapshot, texts)
            save_as = saved_index.key_of(snapshot) if folder is not None else None
        screen.post_message(SearchIndexed(index, seconds=time.perf_counter() - started, save_as=save_as))
        len(snapshot.appearances)

    @staticmethod
    def _save(folder: Path, index: TextIndex, key: dict[str, Any]) -> None:
        """(Compute thread.) Keep a built index for the next start."""
        from reader.core import saved_index  # (lazy: not loaded before the first paint)

        saved_index.save(folder, index, key)

    @staticmethod
    def _read_texts(screen: DOMNode, snapshot: Snapshot) -> None:
        """(Compute thread.) The paper texts and downloaded PDFs in the cache."""
        from reader.core.search_sources import cached_texts, downloaded_ids  # (lazy: ~30 ms, not loaded before the first paint)

        cache = cache_dir()
        try:
            downloaded = frozenset(downloaded_ids(cache))
            texts = cached_texts(cache, snapshot.all_ids())
        except Exception:
            return
        screen.post_message(SearchIndexed(texts=texts, downloaded=downloaded))

    def install(self, message: SearchIndexed) -> None:
        """(UI thread.) Put a build's index, or the cache's texts, in place."""
        engine = self.engine
        if message.index is not None:
            index = message.index
            if engine.index is not None:  # texts extracted while it was being built
                index = index.with_texts({i: t for i, t in engine.index.texts.items() if i not in index.texts})
            engine.index = index
            trace(f"query index in place ({'built' if message.save_as else 'read'} in {message.seconds * 1000:.0f} ms)")
            building = self._building
            if building is not None and all(a is b for a, b in zip(building, _catalog_of(index), strict=True)):
                self._building = None  # (an older build's result leaves the newer one waited for)
            self.build_seconds = message.seconds
            self.ready.set()
            if message.save_as is not None and self._folder is not None and self._building is None:
                # (after the jobs queued meanwhile: the paper texts, the mention index)
                self._service.compute(self._save, self._folder, message.index, message.save_as)
        if message.downloaded is not None:
            engine.downloaded = engine.downloaded | message.downloaded
        if message.texts and engine.index is not None:
            engine.index = engine.index.with_texts(message.texts)

    def add_text(self, arxiv_id: str, text: PaperText | str) -> None:
        """A paper's text was extracted: index it (prepared off the UI thread once a build
        has said where results go)."""

        from reader.core.search_index import prepare_text  # (lazy: not loaded before the first paint)

        screen = self._screen
        if screen is None:
            self.engine.set_text(arxiv_id, prepare_text(text))
            return

        def prepare() -> None:
            screen.post_message(SearchIndexed(texts={arxiv_id: prepare_text(text)}, downloaded=frozenset({arxiv_id})))

        self._service.compute(prepare)

    def update_note(self, arxiv_id: str, text: str) -> None:
        """Nothing to do: the engine reads notes from the snapshot it is given."""

    # --- answering --------------------------------------------------------------------------
    def filter(self, snapshot: Snapshot, ids: list[str], query: Query) -> list[str] | None:
        """The ids that match ``query``; None while the words of the query wait for the index."""
        if query.empty:
            return ids
        if self.engine.index is None and self.engine.needs_index(query):
            if not (snapshot.complete and len(snapshot.papers) <= SMALL):
                return None
            self._build_here(snapshot, {})  # (the background build is equal, and replaces it)
        return self.engine.filter(snapshot, ids, query)

    def read_count(self, snapshot: Snapshot, ids: list[str]) -> int | None:
        """How many of ``ids`` are read, when they are the last filter's answer (see
        Engine.read_count); None otherwise."""
        return self.engine.read_count(snapshot, ids)

    def prepare(self, snapshot: Snapshot, ids: list[str]) -> None:
        """Ready the engine for filtering ``ids`` (see Engine.prepare)."""
        self.engine.prepare(snapshot, ids)

    def search(self, snapshot: Snapshot, query: Query, limit: int, cancelled=lambda: False) -> tuple[list[SearchHit], float]:
        """(A worker thread.) Hits for ``query`` and the seconds the search took; waits for
        the index when the query has words."""
        if self.engine.needs_index(query):
            while not self.ready.wait(READY_POLL):
                if cancelled():
                    return [], 0.0
        started = time.perf_counter()
        hits = self.engine.search(snapshot, query, limit)
        return hits, time.perf_counter() - started
