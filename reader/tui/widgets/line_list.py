"""A cursor list that renders only the rows on screen (Textual's line API).

10,000 rows cost a list of heights, not 10,000 widgets. Subclasses give each row a
height, say whether it can take the cursor, and render one of its lines as Rich
``Text`` (literal text: never parsed as markup). Rows that are all one line high and
selectable (the paper list) are given as :class:`KeyRows`, their keys alone: 100,000 of
them cost no object per row, and no work per row when they are set (a filter keystroke).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import overload

from msgspec import Struct
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class Row(Struct, frozen=True):
    key: str
    height: int = 1
    selectable: bool = True


class KeyRows(Sequence[Row]):
    """Rows one line high, all selectable, as their keys: a row is made when asked for."""

    __slots__ = ("keys",)

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> KeyRows: ...

    def __getitem__(self, index: int | slice) -> Row | KeyRows:
        if isinstance(index, slice):
            return KeyRows(self.keys[index])
        return Row(self.keys[index])


class LineList(ScrollView, can_focus=True):
    """A focusable list of rows of fixed heights with a cursor."""

    DEFAULT_CSS = """
    LineList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    LineList > .line-list--cursor {
        background: $block-cursor-blurred-background;
    }
    LineList:focus > .line-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    LineList > .line-list--selected {
        background: $secondary 25%;
    }
    LineList > .line-list--muted {
        color: $foreground-muted;
    }
    """

    COMPONENT_CLASSES = {"line-list--cursor", "line-list--selected", "line-list--muted"}
    # Rows are chosen, not selected as text: no offsets in each line's segments for a mouse
    # selection (Strip.apply_offsets: a style per segment, a third to a half of a line's drawing).
    ALLOW_SELECT = False

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]

    cursor: reactive[int] = reactive(-1, repaint=False)
    empty_text: reactive[str] = reactive("")

    class Moved(Message):
        """The cursor moved to ``key``."""

        def __init__(self, list: LineList, key: str) -> None:
            super().__init__()
            self.list = list
            self.key = key

        @property
        def control(self) -> LineList:
            return self.list

    class Chosen(Message):
        """Enter (or a click) on ``key``."""

        def __init__(self, list: LineList, key: str) -> None:
            super().__init__()
            self.list = list
            self.key = key

        @property
        def control(self) -> LineList:
            return self.list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[Row] = []
        self._index: dict[str, int] = {}  # key -> row (not for KeyRows)
        self._tops: Sequence[int] = [0]  # where each row starts, and the end
        self._strips: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] = {}
        self._signatures: dict[int, object] = {}
        self._scroll_pending = False

    # --- rows ---------------------------------------------------------------
    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    def _position(self, key: str) -> int:
        """The row of ``key``, or -1."""
        rows = self._rows
        if isinstance(rows, KeyRows):  # found in C (~1 ms in 100,000), no dict of every key
            try:
                return rows.keys.index(key)
            except ValueError:
                return -1
        return self._index.get(key, -1)

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].key
        return None

    def set_rows(self, rows: Sequence[Row], keep: str | None = None, *, announce: bool = True) -> None:
        """Replace the rows; put the cursor on ``keep`` (or the old key, or the first row)."""
        keep = keep if keep is not None else self.cursor_key
        old_cursor = self.cursor
        self._rows = rows
        if isinstance(rows, KeyRows):
            self._index = {}
            self._tops = range(len(rows) + 1)
        else:
            self._index = {row.key: n for n, row in enumerate(rows)}
            self._tops = [0, *accumulate(row.height for row in rows)]
        if keep is None:
            target = -1
        elif 0 <= old_cursor < len(rows) and rows[old_cursor].key == keep:
            target = old_cursor
        else:
            target = self._position(keep)
        self._strips.clear()
        self._signatures.clear()
        self.virtual_size = Size(self.size.width, self._tops[-1])
        self._show_scrollbar()
        if target < 0 or not rows[target].selectable:
            target = self._next_selectable(-1, 1)
        old_key = self.cursor_key
        self.set_reactive(LineList.cursor, target)
        self._scroll_to_cursor(animate=False)
        self.refresh()
        if announce and self.cursor_key is not None and self.cursor_key != old_key:
            self.post_message(self.Moved(self, self.cursor_key))

    def _show_scrollbar(self) -> None:
        """The scrollbar as the new rows need it, now: shown or hidden (Textual's rule for
        ``overflow-y: auto`` with ``overflow-x: hidden``), its thumb sized for them. Left to
        the layout the new size starts, they were painted a frame later: a filter keystroke
        changed the list twice on screen, the second time ~20-40 ms after the first."""
        height = self._tops[-1]
        if self.styles.overflow_y == "auto" and self.container_size.height:
            self.show_vertical_scrollbar = height > self.container_size.height
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = height

    def invalidate(self) -> None:
        """Drop rendered lines (the data behind them changed)."""
        self._strips.clear()
        self.refresh()

    def move_to(self, key: str | None, *, announce: bool = False) -> bool:
        if key is None:
            return False
        cursor = self.cursor
        index = cursor if 0 <= cursor < len(self._rows) and self._rows[cursor].key == key else self._position(key)
        if index < 0 or not self._rows[index].selectable:
            return False
        if index != self.cursor:
            self.set_reactive(LineList.cursor, index)
            self._strips.clear()
            self.refresh()
            self._scroll_to_cursor(animate=False)
            if announce and key is not None:
                self.post_message(self.Moved(self, key))
        return True

    def _next_selectable(self, start: int, step: int) -> int:
        index = start + step
        while 0 <= index < len(self._rows):
            if self._rows[index].selectable:
                return index
            index += step
        return -1

    def watch_cursor(self, old: int, new: int) -> None:
        self._strips.clear()
        self.refresh()
        self._scroll_to_cursor()
        key = self.cursor_key
        if key is not None and old != new:
            self.post_message(self.Moved(self, key))

    def _scroll_to_cursor(self, animate: bool = False) -> None:
        if not (0 <= self.cursor < len(self._rows)):
            return
        if not self.size.height:  # not laid out yet: once it is (on_resize)
            self._scroll_pending = True
            return
        top = self._tops[self.cursor]
        height = self._rows[self.cursor].height
        region = Region(0, top, max(1, self.size.width), height)
        if top + height <= self.scrollable_content_region.height or self.cursor == self._next_selectable(-1, 1):
            region = Region(0, 0, max(1, self.size.width), top + height)  # show what is above too
        self.scroll_to_region(region, animate=animate, force=True, immediate=True)

    # --- actions ------------------------------------------------------------
    def _step(self, step: int) -> None:
        index = self._next_selectable(self.cursor, step)
        if index >= 0:
            self.cursor = index

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_first(self) -> None:
        index = self._next_selectable(-1, 1)
        if index >= 0:
            self.cursor = index

    def action_last(self) -> None:
        index = self._next_selectable(len(self._rows), -1)
        if index >= 0:
            self.cursor = index

    def _page(self, direction: int) -> None:
        if not self._rows:
            return
        start = max(self.cursor, 0)
        target_line = self._tops[start] + direction * max(1, self.scrollable_content_region.height - 1)
        target_line = min(max(target_line, 0), self._tops[-1] - 1)
        index = bisect_right(self._tops, target_line) - 1
        if not self._rows[index].selectable:
            ahead = self._next_selectable(index, direction)
            index = ahead if ahead >= 0 else self._next_selectable(index, -direction)
        if index >= 0:
            self.cursor = index

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_choose(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        line = event.y + int(self.scroll_offset.y)
        if not (0 <= line < self._tops[-1]):
            return
        index = bisect_right(self._tops, line) - 1
        if self._rows[index].selectable:
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self._tops[-1])
        if self._scroll_pending:
            self._scroll_pending = False
            self.call_after_refresh(self._scroll_to_cursor)
        # Rendered lines are keyed by width, so they stay right: a resize to the same
        # size (the terminal's first report, after the first paint) redraws nothing.

    # --- rendering ----------------------------------------------------------
    def component_style(self, name: str) -> Style:
        """A component class's Rich style, cached until the CSS or theme changes."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def base_style(self) -> Style:
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()

    def row_signature(self, index: int, row: Row) -> object:
        """What a row's rendering depends on beyond its key (e.g. read state)."""
        return None

    def refresh_changed(self) -> None:
        """Repaint only the rows on screen whose signature changed."""
        if not self._rows:
            self.refresh()
            return
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        first = bisect_right(self._tops, top) - 1
        last = bisect_right(self._tops, top + height)
        for index in range(max(first, 0), min(last, len(self._rows))):
            signature = self.row_signature(index, self._rows[index])
            if self._signatures.get(index, signature) != signature:
                y = self._tops[index] - top
                self.refresh_lines(y, self._rows[index].height)

    def render_row_line(self, index: int, row: Row, line: int, width: int) -> Text:
        """One line of a row, as literal Rich Text. Subclasses override."""
        return Text(row.key)

    def row_style(self, index: int, row: Row) -> Style:
        """Extra base style for a row (e.g. selection); the cursor is added on top."""
        return Style()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line_no = int(self.scroll_offset.y) + y
        base = self.base_style()
        if not self._rows and line_no == 1 and width > 0 and self.empty_text:
            text = Text("  " + self.empty_text, no_wrap=True, end="")
            text.truncate(width, overflow="ellipsis", pad=True)
            muted = base + self.component_style("line-list--muted")
            return Strip(list(Segment.apply_style(text.render(self.app.console), muted)), width)
        if not (0 <= line_no < self._tops[-1]) or width <= 0:
            return Strip.blank(width, base)
        index = bisect_right(self._tops, line_no) - 1
        row = self._rows[index]
        line = line_no - self._tops[index]
        is_cursor = index == self.cursor
        signature = self.row_signature(index, row)
        self._signatures[index] = signature
        cache_key = (index, line, width, is_cursor, is_cursor and self.has_focus, signature)
        strip = self._strips.get(cache_key)
        if strip is not None:
            return strip
        style = base + self.row_style(index, row)
        # The cursor goes over each part's own style (a title's colour, a tag's), not under
        # it: the whole row takes its background, in every theme.
        cursor = self.component_style("line-list--cursor") if is_cursor else None
        text = self.render_row_line(index, row, line, width)
        text.end = ""
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(Segment.apply_style(text.render(self.app.console), style, cursor))
        strip = Strip(segments, width).crop_extend(0, width, style + cursor if cursor else style)
        if len(self._strips) > 200:  # a few screens of rows (each strip holds caches of its own)
            self._strips.clear()
        self._strips[cache_key] = strip
        return strip

    def on_focus(self) -> None:
        self.refresh()  # the cursor row's look depends on focus (it is in the cache key)

    def on_blur(self) -> None:
        self.refresh()
