"""Saved views in the app: saved from the palette, listed under VIEWS with their counts,
reached with the keyboard, arriving from the command line, removed from the palette."""

from __future__ import annotations

import time

from reader.core.library import Library
from reader.core.saved_views import SavedView, add_view, saved_views
from reader.core.views import View, first_view
from reader.tui.app import ReaderApp
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready, settle, type_text

NAME = "[/x] gans [bold]"  # markup in a name stays text


def _plain(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out; screen:\n{_plain(pilot.app)}"
        await pilot.pause(0.02)


def _row(sidebar: WeeksSidebar, name: str) -> str:
    """The sidebar's row of the saved view ``name``, as drawn (28 columns)."""
    key = View.saved(name).token
    index = next(n for n, row in enumerate(sidebar.rows) if row.key == key)
    return sidebar.render_row_line(index, sidebar.rows[index], 0, 28).plain


async def _palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await type_text(pilot, words)
    await pilot.pause(0.4)
    await pilot.press("enter")
    await pilot.pause(0.1)


async def test_save_select_arrive_and_remove_saved_views(library):
    app = ReaderApp(library)
    async with app.run_test(size=(130, 40)) as pilot:
        await ready(pilot)
        main = app._main()
        # Save the / filter from the palette, under a name that looks like markup.
        await pilot.press("slash")
        await type_text(pilot, "tag:gan")
        await pilot.press("enter")
        await _palette(pilot, "save filter as view")
        await type_text(pilot, NAME)
        await pilot.press("enter")
        await until(pilot, lambda: main.view == View.saved(NAME))
        await settle(pilot)
        assert saved_views(Library(library.data_dir)) == (SavedView(NAME, "tag:gan"),)
        assert main.query_text == ""  # the view is its query: shown unfiltered
        assert sorted(main.visible_ids) == ["2007.01758", "2007.03898"]
        sidebar = main.query_one(WeeksSidebar)
        assert View.saved(NAME).token in [row.key for row in sidebar.rows]
        assert _row(sidebar, NAME) == "   [/x] gans [bold]     2/2 "  # literal; unread/matching
        assert NAME in _plain(app)

        # One saved from the command line while the app runs arrives at the next poll.
        add_view(Library(library.data_dir), "attention", "tag:attention OR title:diffusion")
        await until(pilot, lambda: "attention" in [v.name for v in main.snapshot.saved_views])
        await pilot.pause(0.1)
        assert _row(sidebar, "attention") == "   attention            2/2 "

        # The keyboard reaches it: the sidebar's cursor, then Enter.
        main.set_focus(sidebar)
        await pilot.press("g")  # All papers
        for _ in range(5):  # Unread, From commentary, Mentioned, then the saved views by name
            await pilot.press("j")
        await pilot.pause()
        names = [v.name for v in main.snapshot.saved_views]
        assert names == [NAME, "attention"]  # by name ("[" sorts first)
        assert main.view == View.saved("attention")
        await pilot.press("enter")
        await pilot.pause()
        assert main.focused is not None and main.focused.id == "papers"
        assert sorted(main.visible_ids) == ["2007.00003", "2007.04825"]
        # A filter narrows a saved view too.
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await pilot.press("enter")
        await settle(pilot)
        assert main.visible_ids == ["2007.00003"]

        # The palette goes to a view, and removes one.
        await _palette(pilot, f"go to view: {NAME}")
        await until(pilot, lambda: main.view == View.saved(NAME))
        assert main.query_text == ""
        await _palette(pilot, f"remove view: {NAME}")
        await until(pilot, lambda: NAME not in [v.name for v in main.snapshot.saved_views])
        await settle(pilot)
        assert [v.name for v in saved_views(Library(library.data_dir))] == ["attention"]
        assert main.view == first_view(main.snapshot)  # the view on screen has gone: the default
        assert View.saved(NAME).token not in [row.key for row in sidebar.rows]
