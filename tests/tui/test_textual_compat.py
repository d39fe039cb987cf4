"""What reader/tui/textual_compat.py and tests/tui/textual_test_compat.py take from
Textual's private names, pinned; and an app crash stopping with one line and a non-zero
exit code (issue 11, finding 5)."""

from __future__ import annotations

import pytest
from textual import _wait, events
from textual import pilot as textual_pilot
from textual.app import App, ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from reader.cli import run as cli_run
from reader.tui import textual_compat
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen

from . import textual_test_compat as test_compat
from .conftest import ready, type_text
from .helpers import make_library, sample_digests

RUN = App.run


@pytest.fixture
def headless(monkeypatch):
    """``reader`` runs the app without a terminal (as under a test pilot, but whole)."""
    monkeypatch.setattr(ReaderApp, "run", lambda self, **kw: RUN(self, headless=True, size=(100, 30)))


@pytest.fixture
def lib_dir(tmp_path):
    return str(make_library(tmp_path / "lib", sample_digests()).data_dir)


def crash(monkeypatch, message: str = "boom [/x] \x1b[31mred") -> None:
    def boom(self) -> str:
        raise RuntimeError(message)

    monkeypatch.setattr(MainScreen, "view_label", boom)


def test_a_crash_at_startup_exits_non_zero_with_one_line(headless, lib_dir, monkeypatch, capfd):
    crash(monkeypatch)
    code = cli_run(["--data-dir", lib_dir])
    err = capfd.readouterr().err
    assert code == 1
    assert "internal error" in err and "RuntimeError: boom [/x] red" in err
    assert "READER_DEBUG" in err
    assert "Traceback" not in err and "\x1b[31m" not in err
    assert len(err.strip().splitlines()) == 1


def test_with_reader_debug_a_crash_shows_the_traceback_too(headless, lib_dir, monkeypatch, capfd):
    crash(monkeypatch, "boom")
    monkeypatch.setenv("READER_DEBUG", "1")
    code = cli_run(["--data-dir", lib_dir])
    err = capfd.readouterr().err
    assert code == 1
    assert "Traceback" in err and "RuntimeError: boom" in err


def test_quitting_is_not_a_crash(headless, lib_dir, monkeypatch, capfd):
    def quit_soon(self) -> None:
        self.set_timer(0.5, self.exit)

    monkeypatch.setattr(ReaderApp, "on_ready", quit_soon, raising=False)
    assert cli_run(["--data-dir", lib_dir]) == 0
    assert capfd.readouterr().err == ""


async def test_the_crash_is_the_first_unhandled_error(library):
    app = ReaderApp(library)
    with pytest.raises(RuntimeError, match="on purpose"):
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            app.call_later(lambda: (_ for _ in ()).throw(RuntimeError("on purpose")))
            await pilot.pause(0.2)
    assert isinstance(textual_compat.unhandled_error(app), RuntimeError)
    assert app.return_code == 1
    assert "on purpose" in app.why_stopped()


def test_textual_still_has_what_the_compat_module_uses():
    assert callable(App._fatal_error)  # overridden by OneLineCrashApp
    assert "_fatal_error" in App._handle_exception.__code__.co_names
    assert "_exception" in App._handle_exception.__code__.co_names


async def test_input_suggestion():
    class Suggesting(App):
        def compose(self) -> ComposeResult:
            yield Input(suggester=SuggestFromList(["attention", "gan"]))

    app = Suggesting()
    async with app.run_test() as pilot:
        await pilot.press("a", "t")
        field = app.query_one(Input)
        for _ in range(100):
            if textual_compat.input_suggestion(field):
                break
            await pilot.pause(0.02)
        assert textual_compat.input_suggestion(field) == "attention"


def test_the_pilot_still_waits_for_idle_in_slices_the_tests_can_shorten(monkeypatch):
    assert textual_pilot.wait_for_idle is _wait.wait_for_idle  # Pilot.pause waits with it
    names = _wait.wait_for_idle.__code__.co_names  # read at each call, so a patch applies
    assert "SLEEP_GRANULARITY" in names and "SLEEP_IDLE" in names
    test_compat.quicken_pilot(monkeypatch, 1 / 400)
    assert (_wait.SLEEP_GRANULARITY, _wait.SLEEP_IDLE) == (1 / 400, 1 / 400 / 20)


def test_typed_characters_get_the_key_names_pilot_press_gives_them():
    named = {c: test_compat.character_to_key(c) for c in " ([/]#,:-!a7한"}
    assert named == {
        " ": "space", "(": "left_parenthesis", "[": "left_square_bracket", "/": "slash",
        "]": "right_square_bracket", "#": "number_sign", ",": "comma", ":": "colon",
        "-": "minus", "!": "exclamation_mark", "a": "a", "7": "7", "한": "한",
    }


class Probe(App):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Static("the text on screen [not markup]", markup=False)

    def on_key(self, event: events.Key) -> None:
        self.keys.append((event.key, event.character))


async def test_the_screen_text_and_notifications_can_be_read_back():
    app = Probe()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert "the text on screen [not markup]" in test_compat.screen_text(app)
        assert len(test_compat.screen_strips(app)) == 10
        app.notify("first", title="One")
        app.notify("second")
        await pilot.pause()
        assert [(n.title, n.message) for n in test_compat.notifications(app)] == [("One", "first"), ("", "second")]


async def test_typed_text_arrives_as_pilot_press_sends_it():
    pressed, typed = Probe(), Probe()
    async with pressed.run_test() as pilot:
        await pilot.press(*"a (/]")
    async with typed.run_test() as pilot:
        await type_text(pilot, "a (/]")
    assert typed.keys == pressed.keys == [
        ("a", "a"), ("space", " "), ("left_parenthesis", "("), ("slash", "/"), ("right_square_bracket", "]"),
    ]


async def test_a_chosen_theme_is_in_place_before_the_css_is_first_parsed(tmp_path, monkeypatch):
    """textual_compat.theme_before_start: the app starts in the preferences' theme with
    one parse of its CSS (setting App.theme on mount parsed it all again, ~10 ms of the
    first paint), and what the theme's watcher does is done: classes, variables, ANSI."""
    from textual.css.stylesheet import Stylesheet
    from textual.filter import ANSIToTruecolor

    reparses: list[int] = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparses.append(1), real(self))[1])
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("READER_THEME", "textual-light")
    app = ReaderApp(make_library(tmp_path / "lib", sample_digests()))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app.theme == "textual-light"
        assert {"-theme-textual-light", "-light-mode"} <= set(app.classes)
        assert "-dark-mode" not in app.classes
        light = app.available_themes["textual-light"]
        assert app.get_css_variables()["background"] == light.background
        assert app.screen.styles.background.hex.lower() == str(light.background).lower()
        assert reparses == []  # parsed once, in the right theme
        filters = [f for f in app._filters if isinstance(f, ANSIToTruecolor)]
        assert all(f._terminal_theme is app.ansi_theme_light for f in filters)
        app.theme = "textual-dark"  # a later change still goes through Textual's watcher
        await pilot.pause()
        assert "-dark-mode" in app.classes and reparses
