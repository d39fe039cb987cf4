"""Keys typed ahead act on the row under the cursor when they arrive (issue 11, finding 4).

``j`` then space arriving together used to mark the paper above the cursor: the screen's
current paper followed the list's cursor through a message that reached it after the
space. Here keys are queued together (every event is in the app's queue before the app
handles the first), or while the event loop is blocked (a slow moment: a big reload, a
garbage collection), and the test checks which paper changed.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from textual import events

from reader.core.library import Library
from reader.tui import opener
from reader.tui.app import ReaderApp
from reader.tui.service import LibraryService
from reader.tui.widgets.detail import DetailPane

from .conftest import ready, settle, type_text
from .textual_test_compat import notifications

SIZE = (120, 40)
WEEK2 = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]
CHARACTERS = {"space": " ", "enter": "\r", "escape": "\x1b", "minus": "-"}


def key_event(key: str) -> events.Key:
    if len(key) == 1:
        return events.Key(key, key)
    return events.Key(key, CHARACTERS.get(key))


def together(app: ReaderApp, *keys: str) -> None:
    """Queue every key before the app handles any (as when they arrive in one read)."""
    for key in keys:
        app.post_message(key_event(key))


def fresh(library: Library) -> Library:
    return Library(library.data_dir)


async def test_keys_typed_as_the_app_starts_wait_for_the_list(library, monkeypatch):
    # Typed right after `reader` Enter: read by the terminal driver as the app starts,
    # queued before the app has mounted, while the library thread is still reading (held
    # here): they wait for the list to be on screen, then act on it.
    service = LibraryService(Library(library.data_dir))
    release = threading.Event()
    service.submit(release.wait, 10)
    first = service.first_load()
    mount = ReaderApp.on_mount

    def typed_ahead(app: ReaderApp) -> None:
        together(app, "j", "space")
        mount(app)
        app.set_timer(0.2, release.set)

    monkeypatch.setattr(ReaderApp, "on_mount", typed_ahead)
    app = ReaderApp(service.library, service=service, initial_load=first)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await settle(pilot)
            assert app.screen.snapshot.state(WEEK2[1]).read
            assert not app.screen.snapshot.state(WEEK2[0]).read
    finally:
        service.close()


async def test_j_then_space_together_marks_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "space")
        await settle(pilot)
        assert app.screen.snapshot.state(WEEK2[1]).read
        assert not app.screen.snapshot.state(WEEK2[0]).read
    disk = fresh(library)
    assert disk.state(WEEK2[1]).read and not disk.state(WEEK2[0]).read


async def test_many_keys_together_each_act_where_the_cursor_is_then(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "j", "space", "k", "space", "j", "j", "space", "g", "v")
        await settle(pilot)
        main = app.screen
        assert [main.snapshot.state(i).read for i in WEEK2] == [False, True, True, True]
        assert main.selection == frozenset({WEEK2[0]})
        assert main.paper_id == WEEK2[0]
        await pilot.pause(0.2)
        assert main.query_one(DetailPane).shown_id == WEEK2[0]  # the detail followed
    disk = fresh(library)
    assert [disk.state(i).read for i in WEEK2] == [False, True, True, True]


def _block_loop_then_send(app: ReaderApp, pilot, keys: list[str], gap: float) -> threading.Thread:
    """Block the event loop (a slow moment) while another thread sends ``keys`` through
    the driver ``gap`` seconds apart, as a terminal would."""
    started = threading.Event()

    def slow_moment() -> None:
        started.set()
        time.sleep(gap * len(keys) + 0.3)

    app.call_later(slow_moment)

    def typist() -> None:
        started.wait(5)
        for key in keys:
            app.post_message(key_event(key))
            time.sleep(gap)

    thread = threading.Thread(target=typist)
    thread.start()
    return thread


async def test_keys_while_the_app_is_busy_act_on_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        thread = _block_loop_then_send(app, pilot, ["j", "space", "j", "j", "space"], gap=0.3)
        await asyncio.to_thread(thread.join)
        await settle(pilot)
        main = app.screen
        assert [main.snapshot.state(i).read for i in WEEK2] == [False, True, False, True]
    disk = fresh(library)
    assert [disk.state(i).read for i in WEEK2] == [False, True, False, True]


async def test_number_key_typed_ahead_toggles_the_tag_of_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen.snapshot.top_tags(9)[0] == "gan"  # both of the first two have it
        together(app, "j", "1")
        await settle(pilot)
    disk = fresh(library)
    assert "gan" not in disk.state(WEEK2[1]).tags
    assert "gan" in disk.state(WEEK2[0]).tags


async def test_t_typed_ahead_tags_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "t")
        await settle(pilot)
        await type_text(pilot, "later")
        await pilot.press("enter")
        await settle(pilot)
    disk = fresh(library)
    assert "later" in disk.state(WEEK2[1]).tags
    assert "later" not in disk.state(WEEK2[0]).tags


async def test_minus_typed_ahead_offers_the_tags_of_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "minus")
        await settle(pilot)
        await pilot.press("enter")  # the first tag offered: vae (of NVAE), not gan
        await settle(pilot)
    disk = fresh(library)
    assert disk.state(WEEK2[1]).tags == ("gan",)
    assert disk.state(WEEK2[0]).tags == ("gan",)


async def test_n_typed_ahead_edits_the_note_of_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "n")
        await settle(pilot)
        assert app.focused.id == "note-editor"
        await type_text(pilot, "typed ahead")
        await pilot.press("escape")
        await settle(pilot)
    disk = fresh(library)
    assert disk.note(WEEK2[1]) == "typed ahead"
    assert not disk.note(WEEK2[0])


async def test_enter_typed_ahead_opens_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "enter")
        await settle(pilot)
        detail = app.screen.query_one(DetailPane)
        assert detail.shown_id == WEEK2[1]
        assert app.focused in detail.query("*")


async def test_o_typed_ahead_opens_the_row_under_the_cursor(library, monkeypatch):
    app = ReaderApp(library)
    opened: list[str] = []
    monkeypatch.setattr(opener, "open_url", lambda url: opened.append(url) or True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "o")
        await settle(pilot)
    assert opened == [f"https://arxiv.org/abs/{WEEK2[1]}"]


async def test_d_typed_ahead_downloads_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "d")
        await pilot.pause()
        main = app.screen
        pane = main.query_one(DetailPane).paper_pane
        assert pane.loaded_for == WEEK2[1]
        assert main.jobs.text is not None and main.jobs.text.arxiv_id == WEEK2[1]
        await settle(pilot)


@pytest.mark.parametrize(
    ("keys", "selected"),
    [
        (["j", "v"], {WEEK2[1]}),
        (["j", "shift+down"], {WEEK2[1], WEEK2[2]}),
        (["j", "j", "shift+up"], {WEEK2[2], WEEK2[1]}),
        (["j", "v", "j", "v", "space"], {WEEK2[1], WEEK2[2]}),
    ],
)
async def test_selection_keys_typed_ahead_start_at_the_row_under_the_cursor(library, keys, selected):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, *keys)
        await settle(pilot)
        assert app.screen.selection == frozenset(selected)
        if keys[-1] == "space":
            assert [app.screen.snapshot.state(i).read for i in WEEK2] == [False, True, True, False]


async def test_palette_action_typed_ahead_acts_on_the_row_under_the_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "ctrl+p")
        await pilot.pause(0.2)
        await type_text(pilot, "Read")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.snapshot.state(WEEK2[1]).read
        assert not app.screen.snapshot.state(WEEK2[0]).read


async def test_letters_typed_right_after_n_go_into_the_note_not_to_the_list(library, monkeypatch):
    app = ReaderApp(library)
    opened: list[str] = []
    monkeypatch.setattr(opener, "open_url", lambda url: opened.append(url) or True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "n", "h", "e", "l", "l", "o")  # e exports, o opens, on the list
        await settle(pilot)
        assert app.focused.id == "note-editor"
        assert app.screen.query_one("#note-editor").text == "hello"
        assert opened == []
        assert not any("Exported" in str(n.message) for n in notifications(app))
        await pilot.press("escape")
        await settle(pilot)
    assert fresh(library).note(WEEK2[1]) == "hello"


async def test_keys_typed_right_after_escape_leave_the_note_alone(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot)
        together(app, "o", "k", "escape", "j", "space")
        await settle(pilot)
        assert app.screen.snapshot.state(WEEK2[1]).read
    disk = fresh(library)
    assert disk.note(WEEK2[0]) == "ok"
    assert disk.state(WEEK2[1]).read and not disk.state(WEEK2[0]).read


async def test_letters_typed_right_after_slash_go_into_the_filter(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "slash", "n", "v", "a", "e", "enter", "space")
        await settle(pilot)
        assert app.screen.visible_ids == ["2007.03898"]
        assert app.screen.snapshot.state("2007.03898").read
        assert not app.screen.snapshot.note(WEEK2[0])


async def test_a_tag_typed_ahead_with_its_prompt_goes_into_the_prompt(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        together(app, "j", "t", "s", "o", "o", "n", "enter", "j", "space")
        await settle(pilot)
        main = app.screen
        assert "soon" in main.snapshot.state(WEEK2[1]).tags
        assert main.snapshot.state(WEEK2[2]).read
    disk = fresh(library)
    assert "soon" in disk.state(WEEK2[1]).tags and disk.state(WEEK2[2]).read
    assert not disk.note(WEEK2[1])  # the n of "soon" went into the prompt


async def test_keys_typed_ahead_past_a_prompt_closed_under_them_go_on_at_once(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        started = time.monotonic()
        together(app, "t", "escape", "j", "space")
        main = app._main()
        for _ in range(200):
            if main.snapshot.state(WEEK2[1]).read:
                break
            await pilot.pause(0.01)
        took = time.monotonic() - started
        assert main.snapshot.state(WEEK2[1]).read
        assert app.screen is main
        assert took < 2.0  # not the watchdog's give-up time (KEY_GIVE_UP)
        await settle(pilot)
    assert fresh(library).state(WEEK2[0]).tags == ("gan",)  # the prompt added nothing


async def test_text_pasted_right_after_n_goes_into_the_note(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.post_message(key_event("j"))
        app.post_message(key_event("n"))
        app.post_message(events.Paste("pasted [b]text[/b]"))
        await settle(pilot)
        assert app.screen.query_one("#note-editor").text == "pasted [b]text[/b]"
        await pilot.press("escape")
        await settle(pilot)
    assert fresh(library).note(WEEK2[1]) == "pasted [b]text[/b]"
