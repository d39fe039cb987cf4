"""One thread that does all the app's library I/O, in the order it was asked for.

Writes, loads and the "did another process change the files?" poll all run here, so a
load never sees half of a write and two toggles can't be reordered. The UI never waits
on it except on quit (to flush the note being typed). No textual import: ``run_app``
starts the first load before textual is even imported.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, cast

from msgspec import Struct

from reader.core import glance
from reader.core.library import Library
from reader.core.snapshot import Read, Snapshot

from .heap import paused
from .trace import trace, trace_job

# The glance (core/glance.py) is brought up to date this long after a full read that
# found it stale, and after changes to the files it is made from, once writes have
# paused this long (writing it takes ~15 ms at 10,000 papers: not between two keys).
GLANCE_AFTER_LOAD = 1.0
GLANCE_AFTER_WRITE = 5.0


class Loaded(Struct, frozen=True):
    snapshot: Snapshot
    writes_done: int  # how many writes had been applied when it was read
    join: bool = False  # only its digests are new: join them to the snapshot shown

class _OnLibraryThread:
    """The library, seen from another thread: each method call runs on the library thread."""

    WRITES = frozenset({"store_metadata"})

    def __init__(self, service: LibraryService) -> None:
        self._service = service

    def __getattr__(self, name: str):
        method = getattr(self._service.library, name)

        def call(*args, **kwargs):
            return self._service.submit(method, *args, write=name in self.WRITES, **kwargs).result()

        return call


class LibraryService:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.writes_done = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._glance_due: float | None = None  # when to bring the glance up to date
        self._glance_sources: object = None  # the files the glance was last made from
        self._lock_prepared = False
        self._thread = threading.Thread(target=self._serve, name="reader-library", daemon=True)
        self._thread.start()
        self._closed = False
        # Indexes built from an immutable snapshot (no library I/O) go here, so a write
        # never waits behind them on the library thread.
        self._compute = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-compute")

    def compute(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run CPU-only work on a snapshot off both the UI and the library thread."""

        def timed() -> Any:
            started = time.perf_counter()
            try:
                return fn(*args)
            finally:
                trace_job(fn, started, "compute")

        return self._compute.submit(timed)

    def _serve(self) -> None:
        while True:
            try:
                due = self._glance_due
                item = self._queue.get(timeout=None if due is None else max(0.0, due - time.monotonic()))
            except queue.Empty:
                self._refresh_glance()
                continue
            if item is None:
                if self._glance_due is not None:
                    self._refresh_glance()
                return
            future, fn, args, kwargs, is_write = item
            if not future.set_running_or_notify_cancel():
                continue
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                if is_write:
                    self.writes_done += 1
                future.set_exception(exc)
            else:
                if is_write:
                    self.writes_done += 1
                    self._glance_moved(GLANCE_AFTER_WRITE)
                future.set_result(result)
            trace_job(fn, started)

    def submit(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` on the library thread after everything already asked."""
        future: Future = Future()
        if self._closed:
            future.set_exception(RuntimeError("the library thread has stopped"))
            return future
        self._queue.put((future, fn, args, kwargs, write))
        return future

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Like ``submit``, counted as a write (see :class:`Loaded`)."""
        return self.submit(fn, *args, write=True, **kwargs)

    # --- jobs ---------------------------------------------------------------
    def _glance_moved(self, delay: float) -> None:
        """After a read or write: is the glance behind the files it is made from (a
        toggle leaves it alone)? Then write it ``delay`` seconds after the last write."""

        if self._glance_due is not None or glance.sources(self.library) != self._glance_sources:
            self._glance_due = max(self._glance_due or 0.0, time.monotonic() + delay)

    def _refresh_glance(self) -> None:
        """Write the glance (core/glance.py) if the library's files moved on from it."""

        self._glance_due = None
        try:
            if self.library.changed_on_disk():
                # Another process wrote: building the glance would read its files and the
                # app's poll would no longer see the change. The reload it triggers makes
                # the glance due again.
                return
            glance.write(self.library)
            self._glance_sources = glance.sources(self.library)
        except Exception:
            pass

    def _after_full_read(self) -> None:
        self._glance_moved(GLANCE_AFTER_LOAD)  # the glance is written a moment later
        if not self._lock_prepared:
            self._lock_prepared = True
            self.submit(self.library.lock.prepare)  # so the first write is not slower
            self.submit(self._upgrade)  # files of an older format, written in today's

    def _upgrade(self) -> None:
        """Move the library's files on to the current format (read faster at the next
        start); not needed to work, so a library that cannot be written stays as it is."""
        try:
            self.library.upgrade()
        except Exception:
            pass

    def _first_load(self) -> Loaded:
        """The first screen's snapshot: from the glance when it matches the files (a few
        ms), else the library without its commentary."""

        trace("glance read start")
        snapshot = glance.read(self.library)
        trace(f"glance read done ({'used' if snapshot is not None else 'stale or missing'})")
        if snapshot is None:
            return self._load(commentary=False)
        self._glance_sources = glance.disk_sources(self.library)  # it is up to date
        from reader.core.saved_views import saved_views  # (a small file: the sidebar's VIEWS)

        return Loaded(snapshot.with_changes(saved_views=saved_views(self.library)), self.writes_done)

    def first_load(self) -> Future:
        return self.submit(self._first_load)

    def _load(self, commentary: bool) -> Loaded:
        trace(f"load start (commentary={commentary})")
        with paused():  # no garbage collection while parsing (heap.py)
            # Snapshot.load acknowledges the file versions it holds: changed_on_disk()
            # then reports only changes it does not.
            if commentary:
                self.library.load_all()  # every file read, so a damaged one is found now
            snapshot = Snapshot.load(self.library, commentary=commentary)
        snapshot.indexes.warm()  # off the UI thread: the sidebar needs them first
        if commentary:
            self._after_full_read()
        trace("load done")
        return Loaded(snapshot, self.writes_done)

    def _load_commentary(self, base: Snapshot) -> Loaded:
        """``base`` (a load without commentary) with its digests read again, with their
        commentary: the second half of the first load. Reads everything again if any
        other file changed since."""
        trace("commentary load start")
        storages = self.library.storages()
        if any(st.changed_on_disk() for name, st in storages.items() if name not in ("commentary", "history")):
            return self._load(commentary=True)
        with paused(), self.library.pinned():
            self.library.load_all()
            digests = tuple(self.library.digests(commentary=True))
            read = {name: storages[name].version for name in ("catalog", "commentary")}
            self.library.acknowledge({"commentary": read["commentary"]})
        versions = {**base.versions, **read}
        if base.versions.get("catalog") != read["catalog"]:  # (its papers are of another write)
            del versions["catalog"]
        full = base.with_changes(digests=digests, read=Read.ALL, versions=versions)
        full.indexes.warm()
        self._after_full_read()
        trace("commentary load done")
        return Loaded(full, self.writes_done, join=True)

    def load_commentary(self, base: Snapshot) -> Future:
        return self.submit(self._load_commentary, base)

    def load(self, *, commentary: bool = True) -> Future:
        """Read the library; ``commentary=False`` skips the commentary (a fast first load)."""
        return self.submit(self._load, commentary)

    def fetch_metadata(self, ids: list[str], *, fetcher=None, progress=None):
        """``reader.core.sync.fetch_metadata`` on the caller's thread (the network part),
        with each of its library reads and writes run on the library thread, in order."""

        from reader.core.sync import fetch_metadata  # (lazy: not loaded before the first paint)

        # The proxy has the library's methods (each run on the library thread): typed as the Library.
        library = cast(Library, _OnLibraryThread(self))
        return fetch_metadata(library, ids, fetcher=fetcher, progress=progress)

    def changed_on_disk(self) -> Future:
        return self.submit(self.library.changed_on_disk)

    def close(self, timeout: float = 5.0) -> None:
        """Finish what was asked (up to ``timeout`` seconds), then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._compute.shutdown(wait=False, cancel_futures=True)
        self._queue.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
