"""Screenshots of the main layouts (pytest-textual-snapshot; --snapshot-update to accept)."""

from __future__ import annotations

from reader.tui.app import ReaderApp

from .conftest import ready, settle


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
