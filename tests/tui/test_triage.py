"""Quick triage (``T``): keys, progress, undo, a change made elsewhere, help, footer and
escape; and a digest removed elsewhere while the app shows it. One app start."""

from __future__ import annotations

import asyncio
import io

from rich.text import Text
from textual.widgets import Static

from reader.core.digest_removal import remove_digests
from reader.core.library import Library
from reader.core.views import View
from reader.tui.app import ReaderApp
from reader.tui.screens.help import HelpScreen, collect
from reader.tui.screens.main import MainScreen
from reader.tui.screens.triage import TriageScreen
from reader.tui.widgets.footer import KeysFooter

from .conftest import ready, settle, type_text

SIZE = (120, 40)
UNREAD = ["2007.01758", "2007.03898", "2007.00003"]  # the newest week's, 2007.04825 read first


def fresh(library: Library) -> Library:
    return Library(library.data_dir)


def head(screen: TriageScreen) -> str:
    shown = screen.query_one("#triage-head", Static).content
    assert isinstance(shown, Text)  # user text reaches the screen as Text, never markup
    return shown.plain


def commentary(screen: TriageScreen) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(screen.query_one("#triage-commentary-body", Static).content)
    return console.export_text()


async def wait_for(pilot, condition, seconds: float = 8.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_triage_keys_progress_undo_and_escape(library):
    library.set_read(["2007.04825"], True)
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        await pilot.press("T")
        await settle(pilot)
        triage = app.screen
        assert isinstance(triage, TriageScreen) and triage.ids == UNREAD
        assert head(triage).startswith(" Triage 1/3 ") and "Collaborative Learning" in head(triage)
        assert "GAN inversion by teaching each other." in commentary(triage)

        await pilot.press("r")  # read, and on
        await settle(pilot)
        assert fresh(library).state(UNREAD[0]).read and "2/3" in head(triage)
        await pilot.press("s")  # skip
        assert "3/3" in head(triage) and "Diffusion Models" in head(triage)
        await pilot.press("u")  # the skip: back, nothing to write
        assert "2/3" in head(triage)
        await pilot.press("u")  # the read: undone on disk
        await settle(pilot)
        assert "1/3" in head(triage) and not fresh(library).state(UNREAD[0]).read

        await pilot.press("r", "k")  # read; keep unread
        await settle(pilot)
        assert fresh(library).state(UNREAD[0]).read and not fresh(library).state(UNREAD[1]).read
        assert "3/3" in head(triage)

        await pilot.press("t")
        await type_text(pilot, "later")
        await pilot.press("enter")
        await settle(pilot)
        assert fresh(library).state(UNREAD[2]).tags == ("later",) and "#later" in head(triage)
        assert "3/3" in head(triage)  # a tag does not move on
        await pilot.press("u")
        await settle(pilot)
        assert fresh(library).state(UNREAD[2]).tags == ()

        await pilot.press("n")
        await type_text(pilot, "worth a look")
        await pilot.press("escape")  # out of the note, still in triage
        await settle(pilot)
        assert app.screen is triage and fresh(library).note(UNREAD[2]) == "worth a look"
        await pilot.press("u")
        await settle(pilot)
        assert fresh(library).note(UNREAD[2]) == ""

        # Marked read elsewhere while triage is open: shown as read (the set stays fixed).
        fresh(library).set_read([UNREAD[2]], True)
        await wait_for(pilot, lambda: "✓ read" in head(triage))
        assert "3/3" in head(triage) and triage.ids == UNREAD
        await pilot.press("k")  # keep it unread after all
        await settle(pilot)
        assert not fresh(library).state(UNREAD[2]).read and head(triage).startswith(" Triage 3/3 done")

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {d for items in collect(triage).values() for _, d in items}
        assert "Keep the paper unread (unread it, if read elsewhere), and go to the next one" in described
        assert "Undo the last triage step, and go back to its paper" in described
        await pilot.press("escape")
        shown = triage.query_one(KeysFooter).keys()  # (key, description, enabled)
        footer = [description for _, description, _ in shown]
        assert {"Read", "Keep unread", "Skip", "Undo", "Leave"} <= set(footer)

        await pilot.press("escape")  # leave: the list's cursor on the last paper triaged
        await settle(pilot)
        assert app.screen is main and main.paper_id == UNREAD[2]

        # The digest shown is removed elsewhere: the app falls back to the default view.
        shown = main.view
        assert shown == View.digest(main.snapshot.digests[0].id)
        await asyncio.to_thread(remove_digests, fresh(library), [shown.key])
        await wait_for(pilot, lambda: main.view != shown)
        assert main.view == View.digest(main.snapshot.digests[0].id)
        assert main.visible_ids == ["2007.00001", "2007.00002", "2007.00003"]


async def test_triage_with_nothing_unread_says_so(library):
    library.set_read(["2007.01758", "2007.03898", "2007.00003", "2007.04825"], True)
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("No unread papers here" in str(n.message) for n in app._notifications)
