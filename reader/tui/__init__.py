"""The terminal UI. Importing this package is cheap: textual loads in ``run_app``."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.library import Library


_TRACE = os.environ.get("READER_TRACE")


def trace(label: str) -> None:
    """With $READER_TRACE=path, append ``time label`` to it (startup profiling)."""
    if _TRACE:
        with open(_TRACE, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time():.4f} {label} [cpu {time.process_time() * 1000:.0f}]\n")


def run_app(library: Library, *, demo: bool = False) -> str | None:
    """Run the app on ``library`` until the reader quits; returns why it stopped when
    the library could not be read (a damaged file) or a bug stopped it, else None.

    The first snapshot load (without the commentary: enough for the lists) starts on
    the library thread before textual is imported, so reading a big library overlaps
    with starting the UI; the full load follows after the first paint. The garbage
    collector waits until then too (heap.py). With ``demo`` and an empty library, the
    bundled sample digest is imported first.
    """
    trace("run_app")
    from .heap import HeapKeeper

    if _TRACE:
        import gc

        _trace_gc(gc)
    heap = HeapKeeper()
    heap.pause()
    # The library thread reads in the background while the UI answers keys: let the UI
    # thread have the interpreter back within 1 ms, not the default 5.
    sys.setswitchinterval(0.001)
    from .service import LibraryService

    service = LibraryService(library)
    if demo:
        service.submit(_import_demo, library)
    first_load = service.first_load()  # the lists first; the rest after the first paint

    from .app import ReaderApp

    trace("textual imported")

    app = ReaderApp(library, demo=demo, service=service, initial_load=first_load, heap=heap)
    try:
        app.run()
        return app.why_stopped()
    finally:
        service.close()
        heap.restore()


def _trace_gc(gc) -> None:
    """With $READER_TRACE: note every garbage collection over 5 ms."""
    started = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        elif time.perf_counter() - started[0] > 0.005:
            took = (time.perf_counter() - started[0]) * 1000
            trace(f"gc generation {info['generation']} took {took:.0f} ms, {info['collected']} freed, "
                  f"{len(gc.get_objects(2))} in the oldest generation, {gc.get_freeze_count()} frozen")

    gc.callbacks.append(callback)


def _import_demo(library: Library) -> None:
    if library.raw_rows("catalog", "digests"):
        return
    from reader.core.importer import import_paths
    from reader.core.locations import demo_digest

    import_paths(library, [demo_digest()])


__all__ = ["run_app"]
