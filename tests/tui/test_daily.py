"""The app as a daily tool (issue 14): the cursor row, the sidebar at scale, the footer,
help, open and copy, the small things. One app start per test where a test needs one."""

from __future__ import annotations

from rich.style import Style

from reader.tui.app import ReaderApp
from reader.tui.widgets.line_list import LineList
from reader.tui.widgets.papers import PapersList
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready


def cursor_cells(widget: LineList) -> list[Style]:
    """The style of every cell of the cursor row's first line, as drawn."""
    top = widget._tops[widget.cursor] - int(widget.scroll_offset.y)
    strip = widget.render_line(top)
    styles: list[Style] = []
    for segment in strip:
        styles += [segment.style or Style()] * segment.cell_length
    return styles


async def test_cursor_row_is_highlighted_across_its_full_width(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        papers = app.screen.query_one(PapersList)
        sidebar = app.screen.query_one(WeeksSidebar)
        for theme in ("textual-dark", "textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            for widget, focused in ((papers, True), (sidebar, False)):
                wanted = widget.get_component_rich_style("line-list--cursor").bgcolor
                assert wanted is not None
                cells = cursor_cells(widget)
                assert len(cells) == widget.scrollable_content_region.width
                assert {cell.bgcolor for cell in cells} == {wanted}, (theme, type(widget).__name__)
                if focused:
                    foreground = widget.get_component_rich_style("line-list--cursor").color
                    assert {cell.color for cell in cells} == {foreground}, theme
