"""The text of a paper, wrapped to the width and drawn line by line (Textual's line API),
with find: a 100-page paper costs a list of line offsets, and a find match maps to the line
it is on. Find treats any run of spaces or line breaks in the query as one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from msgspec import Struct
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.text import printable

_WORD = re.compile(r"\S+\s*|\s+")


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """``text`` broken into lines of at most ``width`` cells, as (start, end) offsets.

    Breaks at spaces; a word longer than a line is cut. Each "\\n" ends a line.
    """
    width = max(width, 4)
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if len(line) <= width and (line.isascii() or cell_len(line) <= width):
            out.append((start, end))
            start = end + 1
            continue
        seg = start
        col = 0
        for match in _WORD.finditer(line):
            word = match.group()
            w_start = start + match.start()
            used = cell_len(word.rstrip())
            if col and col + used > width:
                out.append((seg, w_start))
                seg, col = w_start, 0
            if used > width:  # cut a word longer than a line
                pos = w_start
                w_end = start + match.end()
                while cell_len(text[pos:w_end].rstrip()) > width:
                    cells = 0
                    cut = pos
                    while cut < w_end and cells + cell_len(text[cut]) <= width:
                        cells += cell_len(text[cut])
                        cut += 1
                    cut = max(cut, pos + 1)
                    out.append((seg, cut))
                    seg = pos = cut
                col = cell_len(text[pos:w_end])
            else:
                col += cell_len(word)
        out.append((seg, end))
        start = end + 1
    return out


class _Line(Struct, frozen=True):
    page: int  # -1: a page break line
    start: int = 0
    end: int = 0
    label: str = ""  # for page breaks and notes


class TextView(ScrollView, can_focus=True):
    """Pages of literal text, wrapped to the width, drawn line by line; find highlights."""

    DEFAULT_CSS = """
    TextView {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    TextView > .text-view--break { color: $foreground-muted; }
    TextView > .text-view--note { color: $warning; text-style: italic; }
    TextView > .text-view--match { background: $warning 40%; }
    TextView > .text-view--current { background: $accent; color: $text; text-style: bold; }
    """

    COMPONENT_CLASSES = {"text-view--break", "text-view--note", "text-view--match", "text-view--current"}

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pages: list[str] = []
        self.notes: dict[int, str] = {}  # page index -> why it has no text
        self._lines: list[_Line] = []
        self._page_first: dict[int, int] = {}  # page -> its first text line
        self._width = 0
        self._styles: dict[str, Style] = {}
        self.query_text = ""
        self.matches: list[tuple[int, int, int]] = []  # (page, start, end), in reading order
        self._page_matches: dict[int, list[tuple[int, int]]] = {}
        self.current = -1

    # --- content --------------------------------------------------------------
    def clear(self) -> None:
        self.pages = []
        self.notes = {}
        self._lines = []
        self._page_first = {}
        self.matches = []
        self._page_matches = {}
        self.current = -1
        self._update_size()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def set_page(self, index: int, text: str) -> None:
        """Show ``text`` as page ``index`` (0-based); pages before it appear as needed."""
        text = printable(text or "")
        while len(self.pages) <= index:
            self.pages.append("")
        self.pages[index] = text
        if index == len(self.pages) - 1 and len(self._lines) and self._line_count_before(index):
            self._extend(index)  # the usual case: one more page at the end
        else:
            self._relayout()
        self._find_in_page(index)
        self._update_size()
        self.refresh()

    def set_note(self, index: int, note: str) -> None:
        self.notes[index] = note
        while len(self.pages) <= index:
            self.pages.append("")
        self._relayout()
        self.refresh()

    def _line_count_before(self, index: int) -> bool:
        """Are the lines laid out exactly up to (not including) page ``index``?"""
        last = next((line.page for line in reversed(self._lines) if line.page >= 0), None)
        return last == index - 1 and self._width == self._content_width()

    def _content_width(self) -> int:
        # One column is kept for the scrollbar, shown or not, so that its coming and going
        # never leaves lines a cell too wide.
        return max(self.content_region.width - 1, 10)

    def _layout_page(self, index: int) -> list[_Line]:
        lines: list[_Line] = []
        if index:
            lines += [_Line(-1), _Line(-1, label=f"— page {index + 1} —"), _Line(-1)]
        text = self.pages[index]
        if not text:
            note = self.notes.get(index) or f"page {index + 1}: no text"
            return [*lines, _Line(-2, label=note)]
        lines += [_Line(index, start, end) for start, end in wrap_spans(text, self._width)]
        return lines

    def _extend(self, index: int) -> None:
        lines = self._layout_page(index)
        first = next((n for n, line in enumerate(lines) if line.page == index), None)
        if first is not None:
            self._page_first[index] = len(self._lines) + first
        self._lines.extend(lines)

    def _relayout(self) -> None:
        self._width = self._content_width()
        self._lines = []
        self._page_first = {}
        for index in range(len(self.pages)):
            self._extend(index)
        self._update_size()

    def _update_size(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._lines))

    def on_resize(self) -> None:
        if self.pages and self._width != self._content_width():
            self._relayout()
            if self.current >= 0:
                self.scroll_to_match(self.current)
        self._update_size()

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name) if name else self.rich_style
        return style

    # --- find -------------------------------------------------------------------
    def find(self, query: str) -> None:
        """Highlight every case-insensitive occurrence of ``query``."""
        self.query_text = query
        self.matches = []
        self._page_matches = {}
        self.current = -1
        for index in range(len(self.pages)):
            self._find_in_page(index)
        self.refresh()

    def _find_in_page(self, index: int) -> None:
        if not self.query_text:
            return
        pattern = find_pattern(self.query_text)
        found = [(m.start(), m.end()) for m in pattern.finditer(self.pages[index]) if m.end() > m.start()]
        self._page_matches[index] = found
        self.matches = [(page, s, e) for page in sorted(self._page_matches) for s, e in self._page_matches[page]]
        if self.current >= len(self.matches):
            self.current = len(self.matches) - 1

    def line_of(self, page: int, offset: int) -> int:
        """The number of the line showing ``offset`` of ``page``."""
        number = self._page_first.get(page)
        if number is None:
            return 0
        found = number
        while number < len(self._lines) and self._lines[number].page == page:
            if self._lines[number].start <= offset:
                found = number
            else:
                break
            number += 1
        return found

    def scroll_to_match(self, index: int) -> None:
        if not (0 <= index < len(self.matches)):
            return
        page, start, _ = self.matches[index]
        y = self.line_of(page, start)
        height = self.scrollable_content_region.height
        if not (self.scroll_offset.y <= y < self.scroll_offset.y + height):
            self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)

    def step(self, direction: int) -> int:
        """Move to the next (1) or previous (-1) match, wrapping; returns its index."""
        if not self.matches:
            return -1
        if self.current < 0:
            top = int(self.scroll_offset.y)
            first = next((n for n, (p, s, _) in enumerate(self.matches) if self.line_of(p, s) >= top), 0)
            self.current = first if direction > 0 else (first - 1) % len(self.matches)
        else:
            self.current = (self.current + direction) % len(self.matches)
        self.scroll_to_match(self.current)
        self.refresh()
        return self.current

    # --- drawing ----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        number = int(self.scroll_offset.y) + y
        base = self._style("")
        if not (0 <= number < len(self._lines)) or width <= 0:
            return Strip.blank(width, base)
        line = self._lines[number]
        if line.page == -1:
            text = Text(line.label, style=self._style("text-view--break"), justify="center")
            text.pad_left(max(0, (width - text.cell_len) // 2))
        elif line.page == -2:
            text = Text(line.label, style=self._style("text-view--note"))
        else:
            text = Text(self.pages[line.page][line.start:line.end].rstrip())
            found = self._page_matches.get(line.page)
            if found:
                current = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
                starts = [s for s, _ in found]
                for s, e in found[max(bisect_right(starts, line.start) - 1, 0):bisect_left(starts, line.end)]:
                    if e <= line.start or s >= line.end:
                        continue
                    name = "text-view--current" if current == (line.page, s, e) else "text-view--match"
                    text.stylize(self._style(name), max(s, line.start) - line.start, min(e, line.end) - line.start)
        text.no_wrap = True
        text.end = ""
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(Segment.apply_style(text.render(self.app.console), base))
        return Strip(segments, width).crop_extend(0, width, base).apply_offsets(0, number)


def find_pattern(query: str) -> re.Pattern[str]:
    """Case-insensitive ``query``, where a run of spaces also matches a line break (a phrase
    over two lines of a list, or a query typed with two spaces)."""
    words = query.split()
    if not words:
        return re.compile(re.escape(query), re.IGNORECASE)
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
