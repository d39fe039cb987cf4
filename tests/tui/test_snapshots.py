"""Screenshots of the main layouts (pytest-textual-snapshot; --snapshot-update to accept)."""

from __future__ import annotations

from reader.tui.app import ReaderApp

from .conftest import ready, settle
from .helpers import many_weeks_library


async def _loaded(pilot) -> None:
    await ready(pilot)
    await pilot.pause(0.2)


async def _still(pilot) -> None:
    """Wait until the detail shows the current paper and the writes are done."""
    from reader.tui.widgets.detail import DetailPane

    detail = pilot.app.screen.query_one(DetailPane)
    for _ in range(100):
        if detail.shown_id == detail.paper_id:
            break
        await pilot.pause(0.02)
    await settle(pilot)
    await pilot.pause(0.2)


def test_main_120x40(snap_compare, library):
    assert snap_compare(ReaderApp(library), terminal_size=(120, 40), run_before=_loaded)


def test_main_80x24(snap_compare, library):
    assert snap_compare(ReaderApp(library), terminal_size=(80, 24), run_before=_loaded)


def test_main_first_week_korean(snap_compare, library):
    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("left_square_bracket", "j", "space")
        await _still(pilot)

    assert snap_compare(ReaderApp(library), terminal_size=(120, 40), run_before=run_before)


def test_welcome(snap_compare, empty_library):
    assert snap_compare(ReaderApp(empty_library), terminal_size=(120, 40), run_before=_loaded)


def test_help(snap_compare, library):
    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(ReaderApp(library), terminal_size=(120, 40), run_before=run_before)


async def _sidebar_in_use(pilot) -> None:
    """A sidebar of 40 weeks and 31 tags, its cursor on a tag; the list's on a paper."""
    await _loaded(pilot)
    main = pilot.app.screen
    if main.has_class("-narrow"):
        await pilot.press("w")  # at 80 columns the sidebar opens over the list
    await pilot.press("j", "shift+tab")
    await pilot.press("g", "j", "j", "j", "j")  # past the views to the most used tag
    await _still(pilot)


def test_sidebar_many_weeks_and_tags_80x24(snap_compare, tmp_path):
    app = ReaderApp(many_weeks_library(tmp_path / "lib"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_sidebar_in_use)


def test_sidebar_many_weeks_and_tags_120x40(snap_compare, tmp_path):
    app = ReaderApp(many_weeks_library(tmp_path / "lib"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_sidebar_in_use)


def test_sidebar_many_weeks_and_tags_200x50(snap_compare, tmp_path):
    app = ReaderApp(many_weeks_library(tmp_path / "lib"))
    assert snap_compare(app, terminal_size=(200, 50), run_before=_sidebar_in_use)
