"""Issue 11 in the app: the app beside commands in another terminal never loses,
misplaces or clobbers a change. The other terminal is another ``Library`` on the same
folder (another process in everything that matters: its own lock holder, its own cache)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from reader.core.library import Library
from reader.tui.app import ReaderApp
from reader.tui.screens.unsaved import UnsavedNote

from .conftest import ready, settle, type_text
from .textual_test_compat import notifications

SIZE = (120, 40)
FIRST = "2007.01758"  # the cursor's paper when the app opens (newest week)
SECOND = "2007.03898"


def other(library: Library) -> Library:
    """A command in another terminal."""
    return Library(library.data_dir)


async def wait_until(pilot, condition, seconds: float) -> float:
    """Wait up to ``seconds`` (real time) for ``condition``; returns how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        await pilot.pause(0.02)
    raise AssertionError(f"not within {seconds} s")


async def test_an_append_made_while_typing_survives_the_next_letter(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await type_text(pilot, "good pa")
        await settle(pilot)
        other(library).set_note(FIRST, "good pa\n\nappended in another terminal")  # (what --append wrote)
        await type_text(pilot, "per")
        await settle(pilot, rounds=3)
        on_disk = other(library).note(FIRST)
        assert on_disk == "good paper\n\nappended in another terminal"
        editor = app.screen.query_one("#note-editor")
        assert editor.text == on_disk  # the merge is shown in the editor
        assert editor.cursor_location == (0, len("good paper"))  # typing goes on where it was
        await type_text(pilot, "!")
        await settle(pilot, rounds=3)
        assert other(library).note(FIRST) == "good paper!\n\nappended in another terminal"
        assert any("merged" in str(n.message) for n in notifications(app))


async def test_a_note_set_elsewhere_while_the_editor_is_open_is_merged_not_wiped(library):
    library.set_note(FIRST, "line one\nline two")
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = app.screen.query_one("#note-editor")
        editor.move_cursor(editor.document.end)
        other(library).set_note(FIRST, "line one, changed there\nline two")
        await type_text(pilot, " and more")
        await settle(pilot, rounds=3)
        assert other(library).note(FIRST) == "line one, changed there\nline two and more"


async def test_an_outside_change_shows_in_the_open_editor_within_two_seconds(library):
    library.set_note(FIRST, "mine")
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = app.screen.query_one("#note-editor")
        assert editor.has_focus and editor.text == "mine"
        other(library).set_note(FIRST, "mine\n\ntheirs")
        await wait_until(pilot, lambda: editor.text == "mine\n\ntheirs", 2.0)
        assert editor.has_focus


async def test_the_apps_own_toggle_never_hides_a_tag_added_elsewhere(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app._main()
        other(library).change_tags([SECOND], ["from-cli"])
        await pilot.press("space")  # written at once: it reads state.json under the lock
        await settle(pilot)
        await wait_until(pilot, lambda: "from-cli" in main.snapshot.state(SECOND).tags, 2.0)
        await pilot.press("j", "space")
        await settle(pilot)
    fresh = other(library)
    assert "from-cli" in fresh.state(SECOND).tags and fresh.state(SECOND).read


async def test_u_undoes_the_apps_own_toggle_not_another_terminals_mark(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("space")
        await settle(pilot)
        other(library).set_read([SECOND], True)  # `reader mark` elsewhere, after the toggle
        await pilot.press("u")
        await settle(pilot, rounds=3)
        fresh = other(library)
        assert not fresh.state(FIRST).read and fresh.state(SECOND).read
        await pilot.press("u")  # nothing of the app's own is left
        await settle(pilot, rounds=3)
        assert other(library).state(SECOND).read


async def test_u_keeps_a_tag_added_elsewhere_since(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await type_text(pilot, "mine")
        await pilot.press("enter")
        await settle(pilot)
        other(library).change_tags([FIRST], ["theirs"])
        await pilot.press("u")
        await settle(pilot, rounds=3)
    tags = other(library).state(FIRST).tags
    assert "mine" not in tags and "theirs" in tags


async def test_a_note_that_cannot_be_saved_at_quit_offers_to_retry(library, monkeypatch):
    app = ReaderApp(library)
    real_replace = os.replace
    full = {"on": False}

    def replace(src, dst, *args, **kwargs):
        if full["on"] and Path(dst).name.startswith("notes") and str(dst).endswith(".json"):  # (every note file)
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        full["on"] = True
        await type_text(pilot, "precious")
        await settle(pilot)
        await app.action_quit()
        await pilot.pause()
        assert isinstance(app.screen, UnsavedNote) and app.is_running
        assert "No space left" in app.screen.error
        await pilot.press("e")  # back to the note: still there
        await pilot.pause()
        assert app.screen.query_one("#note-editor").text == "precious"
        await app.action_quit()
        await pilot.pause()
        assert isinstance(app.screen, UnsavedNote)
        full["on"] = False
        await pilot.press("r")
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.02)
    assert other(library).note(FIRST) == "precious"
