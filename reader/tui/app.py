"""The reader app: one main screen over the library, plus prompts and help."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from reader.core.library import Library

from .commands import ActionCommands, PaperCommands
from .screens.main import MainScreen
from .service import LibraryService


IDLE_GC_SECONDS = 1.0  # how often to look for a quiet moment to collect garbage
FULL_GC_EVERY = 100  # gen-1 collections between automatic full ones (Python's default: 10)


class ReaderApp(App):
    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ActionCommands, PaperCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(
        self,
        library: Library,
        *,
        demo: bool = False,
        service: LibraryService | None = None,
        initial_load: Future | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.demo = demo
        self.service = service or LibraryService(library)
        self._initial_load = initial_load or self.service.first_load()
        self.last_error: str | None = None
        self.fatal_error: str | None = None  # why the app stopped (run_app returns it)
        if demo:
            self.sub_title = "demo"

    gc_paused = False  # run_app pauses the garbage collector until the first paint

    def resume_gc(self) -> None:
        """Start collecting garbage again, after the first paint (~30 ms of collections
        during startup otherwise); what startup made is frozen, never scanned again."""
        if self.gc_paused:
            import gc

            self.gc_paused = False
            gc.freeze()
            # Full collections between keys stalled them 30-80 ms: the footer is rebuilt on
            # every focus change, and its old keys die old. Collect them when idle instead.
            gc.set_threshold(700, 10, FULL_GC_EVERY)
            self.set_interval(IDLE_GC_SECONDS, self._collect_when_idle)
            gc.enable()

    _last_input = 0.0

    async def on_event(self, event) -> None:
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _collect_when_idle(self) -> None:
        """A full collection once no key has come for a moment (and garbage has built up)."""
        import gc

        if time.monotonic() - self._last_input > IDLE_GC_SECONDS / 2 and gc.get_count()[2] > 0:
            gc.collect()

    def fail(self, error: str) -> None:
        """Stop: the library could not be read (the command line prints ``error``)."""
        self.fatal_error = error
        self.exit(return_code=1)

    def freeze_heap(self) -> None:
        """Keep the garbage collector off what a full read made: a library of 10,000
        papers is ~200,000 containers that live until the next read, and every full
        collection would walk them (50-90 ms, a stall felt between two keys). Freed by
        reference counting as usual when the next read replaces them."""
        if not self.gc_paused:
            import gc

            from . import trace

            gc.collect(1)  # (the young garbage is not frozen with them)
            gc.freeze()
            trace(f"heap frozen: {gc.get_freeze_count()} objects")

    def take_initial_load(self) -> Future | None:
        future, self._initial_load = self._initial_load, None
        return future

    def on_mount(self) -> None:
        self.theme = os.environ.get("READER_THEME", "textual-dark")
        self.push_screen(MainScreen())
        if self.gc_paused:
            self.set_timer(2.0, self.resume_gc)  # in case there is no list to paint

    # --- for tests/bench_tui.py and $READER_TRACE -------------------------------------
    bench_frame: str | None = None  # set while drawing a frame worth a time stamp

    def frame_written(self) -> None:
        """A frame went to the terminal (MainScreen calls this after each refresh)."""
        what, self.bench_frame = self.bench_frame, None
        if what == "ready":
            self._stamp("list painted", "READER_BENCH_READY")
        elif what == "key":
            self._stamp("first key answered", "READER_BENCH_KEY")

    def _stamp(self, label: str, variable: str) -> None:
        from . import trace

        trace(label)
        path = os.environ.get(variable)
        if path and not Path(path).exists():
            Path(path).write_text(f"{time.time():.6f} {time.process_time():.6f}")

    def _main(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    async def action_quit(self) -> None:
        """Save the note being typed (synchronously), finish queued writes, exit."""
        main = self._main()
        if main is not None:
            main.stop_background()
            main.flush_note(wait=True)
        self.service.close()
        self.exit()
