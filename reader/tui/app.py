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
        self._initial_load = initial_load or self.service.load()
        self.last_error: str | None = None
        self._bench_done = False
        if demo:
            self.sub_title = "demo"

    def take_initial_load(self) -> Future | None:
        future, self._initial_load = self._initial_load, None
        return future

    def on_mount(self) -> None:
        self.theme = os.environ.get("READER_THEME", "textual-dark")
        self.push_screen(MainScreen())

    def bench_ready(self) -> None:
        """For tests/bench_tui.py: the paper list is being painted for the first time."""
        if self._bench_done:
            return
        self._bench_done = True
        from . import trace

        trace("list painted")
        path = os.environ.get("READER_BENCH_READY")
        if path:
            Path(path).write_text(f"{time.time():.6f}")

    def _main(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    async def action_quit(self) -> None:
        """Save the note being typed (synchronously), finish queued writes, exit."""
        main = self._main()
        if main is not None:
            main.flush_note(wait=True)
        self.service.close()
        self.exit()
