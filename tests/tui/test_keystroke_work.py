"""The work a filter keystroke and a tag key do (issue 15), counted rather than timed.

A filter keystroke is painted in one frame with the list it leaves: the field's new value
filters the list before the key's handler returns (a ``Changed`` message would arrive after
the screen had painted the field alone, and the list waited for the next frame, ~17 ms).
"""

from __future__ import annotations

from reader.tui.app import ReaderApp

from .conftest import ready, type_text

SIZE = (120, 40)
WEEK2 = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]


async def test_a_filter_keystroke_filters_before_the_next_frame(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        await pilot.press("slash")
        await type_text(pilot, "nva")
        field = main.query_one("#filter")
        field.insert_text_at_cursor("e")  # what a key does, with no message handled after it
        assert main.query_text == "nvae"
        assert main.visible_ids == ["2007.03898"]
        field.value = ""  # (escape, a cleared field: the same)
        assert main.visible_ids == WEEK2


async def test_the_lists_scrollbar_follows_new_rows_in_the_same_frame(library):
    """The scrollbar is shown, hidden and sized when the rows are set, not by the layout
    that follows (which painted it a frame after the rows)."""
    from reader.tui.widgets.line_list import KeyRows
    from reader.tui.widgets.papers import PapersList

    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        papers = app.screen.query_one(PapersList)
        many = [f"2001.{n:05d}" for n in range(500)]
        papers.set_rows(KeyRows(many))
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == 500
        await pilot.pause()
        papers.set_rows(KeyRows(many[:200]))
        assert papers.vertical_scrollbar.window_virtual_size == 200
        papers.set_rows(KeyRows([]))
        assert not papers.show_vertical_scrollbar
        await pilot.pause()
        assert not papers.show_vertical_scrollbar  # (the layout agrees)
        papers.set_rows(KeyRows(many))
        assert papers.show_vertical_scrollbar
        await pilot.pause()
        assert papers.show_vertical_scrollbar and papers.vertical_scrollbar.window_virtual_size == 500


async def test_a_tag_key_changes_the_states_of_its_paper_only(library):
    """The tag key (and space) shows the change with the loaded states shared, not copied:
    a new snapshot whose states are the old ones with the paper changed."""
    from reader.core.snapshot import ChangedStates

    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        loaded = main.snapshot.states
        paper = main.paper_id
        await pilot.press("1")  # the most used tag: gan
        states = main.snapshot.states
        assert isinstance(states, ChangedStates) and states.base is loaded and list(states.changes) == [paper]
        await pilot.press("space")
        states = main.snapshot.states
        assert isinstance(states, ChangedStates) and states.base is loaded and list(states.changes) == [paper]
        assert main.snapshot.state(paper).read
        assert main.snapshot.state_indexes.base is not None  # its counts derived from the base's


async def test_a_toggle_does_not_make_the_sidebars_rows_again(library, monkeypatch):
    """The sidebar's rows are made of the weeks, the saved views and the tags: a toggle
    changes none of them, and repaints only the counts (1,000 weeks at 100,000 papers)."""
    from reader.core import views

    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        made = []
        original = views.WeekGroup.view
        monkeypatch.setattr(views.WeekGroup, "view", property(lambda group: made.append(group) or original.fget(group)))
        await pilot.press("space")
        await pilot.pause()
        assert made == []
        await pilot.press("space")
        await pilot.pause()
        assert made == []
