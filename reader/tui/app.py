"""The reader app: one main screen over the library, plus prompts and help."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from concurrent.futures import Future

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, InvalidThemeError
from textual.binding import Binding
from textual.command import Provider
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.theme import Theme
from textual.timer import Timer

from reader.core.config import Config, save_setting
from reader.core.history import Origin
from reader.core.library import Library
from reader.core.text import one_line

from .heap import IDLE_SECONDS as IDLE_GC_SECONDS
from .heap import HeapKeeper
from .keys import KeysInOrderApp
from .screens.main import MainScreen
from .service import LibraryService
from .settings import DEFAULT_THEME, read_settings
from .textual_compat import OneLineCrashApp, theme_before_start, unhandled_error

SETTINGS_WAIT = 1.0  # seconds the first paint waits for the preferences at most (read in ms)
THEME_SETTLE = 1.0  # seconds a theme stays before it is saved


def _action_commands() -> type[Provider]:
    from .commands import ActionCommands  # (lazy, as Textual's own: the palette's, not the first paint's)

    return ActionCommands


def _saved_view_commands() -> type[Provider]:
    from .commands import SavedViewCommands  # (lazy)

    return SavedViewCommands


def _paper_commands() -> type[Provider]:
    from .commands import PaperCommands  # (lazy)

    return PaperCommands


class ReaderApp(KeysInOrderApp, OneLineCrashApp):
    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {_action_commands, _saved_view_commands, _paper_commands}
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
        heap: HeapKeeper | None = None,
        settings: Future | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        # This window's changes are recorded as the app's, in a session of its own: u
        # undoes only them (core/history.py).
        library.origin = Origin.new("app", "app")
        self.demo = demo
        self.service = service or LibraryService(library)
        self._owns_service = service is None  # (run_app closes the one it gives, after the app)
        self._initial_load: Future | None = initial_load or self.service.first_load()
        self.last_error: str | None = None
        self.fatal_error: str | None = None  # why the app stopped (run_app returns it)
        self.heap = heap or HeapKeeper()  # active when run_app made it; tests leave gc alone
        # The preferences, read off the UI thread while Textual loads (run_app), else here.
        self._settings: Future = settings or self.service.compute(read_settings)
        self._saved_theme: str | None = None
        self._config_error: str | None = None
        self._theme_timer: Timer | None = None
        self._settings_error = self._choose_theme()  # (before the CSS is first parsed)
        if demo:
            self.sub_title = "demo"

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification of the app, literal: messages carry tags, titles, file names
        and errors that quote them, and markup in those must stay text. (Widgets'
        ``notify`` comes here too; ``markup`` is ignored.)"""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit (Textual's own notice is markup, shown literally here)."""
        self.notify("Press q to quit the app.", title="Do you want to quit?")

    def resume_gc(self) -> None:
        """After the first paint: collect garbage again, the app's way (heap.py)."""
        if self.heap.resume():
            self.set_interval(IDLE_GC_SECONDS, self.heap.collect_when_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.heap.last_input = time.monotonic()
        await super().on_event(event)

    def why_stopped(self) -> str | None:
        """Why the app stopped, when the reader did not quit: the library could not be
        read (``fatal_error``), or a bug stopped it (one line; with $READER_DEBUG set,
        Textual's traceback is printed too). None after q."""
        if self.fatal_error:
            return self.fatal_error
        if not self.return_code:
            return None
        error = unhandled_error(self)
        what = one_line(f"{type(error).__name__}: {error}")[:300] if error else f"exit code {self.return_code}"
        return f"the app stopped on an internal error: {what} (set READER_DEBUG=1 for details)"

    def fail(self, error: str) -> None:
        """Stop: the library could not be read (the command line prints ``error``)."""
        self.fatal_error = error
        self.exit(return_code=1)

    def on_unmount(self) -> None:
        """The app is gone however it ended (q, an error, a test's end): the library
        thread it started finishes what was asked and stops, not left waiting."""
        if self._owns_service:
            self.service.close()

    def freeze_heap(self, moment: str) -> None:
        """Keep the garbage collector off what the library's first full read (or the
        indexes built after it) made; see heap.py."""
        self.heap.freeze(moment)

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first screen (Textual's own default screen would
        be styled, mounted and laid out for nothing: ~10 ms before the first paint)."""
        initial, self._initial_load = self._initial_load, None
        return MainScreen(self.service, self.library, initial_load=initial, width=self.size.width)

    def on_mount(self) -> None:
        self._apply_settings()
        if self.heap.active:
            self.set_timer(2.0, self.resume_gc)  # in case there is no list to paint

    # --- preferences (core/config.py): the theme -------------------------------------------
    def _choose_theme(self) -> str | None:
        """The theme of the preferences (or $READER_THEME), set before the app starts so
        that its CSS is parsed once; returns what went wrong, for :meth:`_apply_settings`."""
        try:
            config, error = self._settings.result(timeout=SETTINGS_WAIT)
        except Exception as exc:
            config, error = Config(), f"preferences not read: {exc}"
        self._config_error = error
        wanted = os.environ.get("READER_THEME") or config.theme or DEFAULT_THEME
        try:
            theme_before_start(self, wanted)
        except InvalidThemeError:
            theme_before_start(self, DEFAULT_THEME)
            error = error or f"no theme named {wanted!r}: choose one with ctrl+p, Theme"
        self._saved_theme = config.theme
        return error

    def _apply_settings(self) -> None:
        error = self._settings_error
        if error:
            self.notify(error, title="Preferences", severity="warning", timeout=8)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme chosen (the palette's Theme command): remembered once it stays a moment
        (the palette previews themes as the cursor moves over them)."""
        if self._theme_timer is not None:
            self._theme_timer.stop()
        self._theme_timer = self.set_timer(THEME_SETTLE, self._save_theme)

    def _save_theme(self) -> None:
        name = self.theme
        if name == self._saved_theme or self._config_error:
            return  # (a file that did not read is never written over)
        self._saved_theme = name
        future = self.service.submit(save_setting, "theme", name)

        def done(f: Future) -> None:
            error = f.exception()
            if error is not None:
                self.call_from_thread(self.notify, str(error), title="Theme not saved", severity="error")

        future.add_done_callback(done)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every action (a key's binding, the palette's commands) runs on the paper under
        the list's cursor at the moment it is handled: the main screen catches up with
        the cursor first (see MainScreen.follow_cursor)."""
        main = self._main()
        if main is not None:
            main.follow_cursor()
        return await super().run_action(action, default_namespace, namespaces)

    def ready_for_keys(self) -> bool:
        """Keys typed ahead (read as the app starts) wait until the first snapshot's screen
        has been drawn: they act on the list the reader saw coming (keys.py gives up after 2 s)."""
        main = self._main()
        return main is not None and main.startup.painted

    def _main(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    async def action_quit(self) -> None:
        """Save the note being typed (synchronously), finish queued writes, exit. A note
        that cannot be saved stops the exit: the reader is told why and chooses."""
        main = self._main()
        if main is not None:
            main.session_keeper.save()  # where the reader is: the next start opens there
            main.arxiv.stop()
            error = main.flush_note(wait=True)
            if error is not None:
                self._offer_retry(main, error)
                return
        self.service.close()
        self.exit()

    def _offer_retry(self, main: MainScreen, error: str) -> None:
        from .screens.unsaved import UnsavedNote  # (lazy: not loaded before the first paint)

        def chosen(choice: str | None) -> None:
            if choice == "retry":
                self.call_later(self.action_quit)
            elif choice == "discard":
                self.service.close()
                self.exit()
            else:
                main.action_edit_note()

        self.push_screen(UnsavedNote(error), chosen)
