"""The terminal UI. Importing this package is cheap: textual loads in ``run_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.locations import demo_digest

from .heap import HeapKeeper
from .service import LibraryService
from .trace import trace, trace_gc

if TYPE_CHECKING:
    from reader.core.library import Library


def run_app(library: Library, *, demo: bool = False, heap: HeapKeeper | None = None) -> str | None:
    """Run the app on ``library`` until the reader quits; returns why it stopped when
    the library could not be read (a damaged file) or a bug stopped it, else None.

    The first snapshot load (without the commentary: enough for the lists) starts on
    the library thread before textual is imported, so reading a big library overlaps
    with starting the UI; the full load follows after the first paint. The garbage
    collector waits until then too (heap.py; ``heap``: a keeper the command line already
    paused, else one is made here). With ``demo`` and an empty library, the bundled sample
    digest is imported first.
    """
    trace("run_app")

    trace_gc()
    if heap is None:
        heap = HeapKeeper()
        heap.pause()

    service = LibraryService(library)
    if demo:
        service.submit(_import_demo, library)
    first_load = service.first_load()  # the lists first; the rest after the first paint
    settings = service.compute(_read_settings)  # the preferences, beside it

    from .app import ReaderApp  # (lazy: Textual loads here, once the library thread is reading)

    trace("textual imported")

    app = ReaderApp(library, demo=demo, service=service, initial_load=first_load, heap=heap, settings=settings)
    try:
        app.run()
        return app.why_stopped()
    finally:
        service.close()
        heap.restore()


def _read_settings() -> object:
    from .settings import read_settings  # (no Textual: it is still loading on the UI thread)

    return read_settings()


def _import_demo(library: Library) -> None:
    if library.raw_rows("catalog", "digests"):
        return
    from reader.core.importer import import_paths  # (lazy: ~219 ms, not loaded before the first paint)

    import_paths(library, [demo_digest()])


__all__ = ["run_app"]
