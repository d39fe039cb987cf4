"""Paper text reflowed: a PDF page's lines joined into paragraphs.

pypdf gives a page as the lines the PDF draws. A reader wants paragraphs: one string per
paragraph, wrapped again at whatever width it is shown, with the words TeX hyphenated at
the end of a line whole again (so search finds them). The work is in three modules:

* ``pdf_lines``: each line tidied (``clean_line``: spaces, ligatures, TeX's detached
  accents), and the tests of its text (a sentence's end, a heading, a list item, an
  equation-looking line, a page number);
* here, ``reflow_page`` joins the lines of a paragraph with a space. A paragraph ends at a
  blank line, a vertical gap, a change of font size, an indented first line, or a short line
  that ends a sentence. Headings, list items (each its own line), equation- and table-looking
  lines and the page's number stay lines of their own; text printed sideways in the margin
  (arXiv's stamp) is moved to the top of the page. Positions come from the PDF when the
  extractor has them (``Line.x``/``y``/``size``); without them the text alone decides.
  A word hyphenated at a line end is joined back with its hyphen kept, and the hyphen's
  offset noted;
* ``pdf_hyphens``: whether each such hyphen stays, decided for the whole paper at once
  (``settle_hyphens``), and a word hyphenated across a page break carried back to the page
  it starts on (``join_pages``).

The result is a page as blocks separated by a blank line ("\\n\\n"); the lines of a list or of
an equation are separated by "\\n". Pure functions, linear in the size of the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from msgspec import Struct, field

from .pdf_hyphens import settle_hyphens
from .pdf_lines import (
    BULLET,
    HEADING_NUMBER,
    HEADING_WORDS,
    LIST_MARK,
    PAGE_NUMBER,
    SOFT_HYPHEN,
    Line,
    clean_line,
    lines_from_text,
    mathy,
    numeric,
    sentence_end,
)

__all__ = ["Reflowed", "reflow_page", "reflow_text"]


class Reflowed(Struct):
    """A reflowed page: its text, and the offsets in it of hyphens that ended a line inside a
    word (kept for now; ``settle_hyphens`` decides)."""

    text: str
    hyphens: list[int] = field(default_factory=list)


# ----------------------------------------------------------------- the page


class _Stats:
    """What a page's body text looks like: font size, line spacing, column edges, line length."""

    def __init__(self, lines: Sequence[Line]) -> None:
        sized = [line for line in lines if line.size]
        weights: Counter[float] = Counter()
        for line in sized:
            weights[round(line.size or 0, 1)] += len(line.text)
        self.size = weights.most_common(1)[0][0] if weights else None
        body = [line for line in lines if self.body(line) and not mathy(line.text)]
        placed = [line for line in body if line.x is not None and line.y is not None and line.upright]
        self.positioned = len(placed) >= 2
        steps = []
        for a, b in pairwise(placed):
            step = (a.y or 0) - (b.y or 0)
            if self.size and 0.8 * self.size < step < 2.5 * self.size:
                steps.append(round(step, 1))
        self.spacing = sorted(steps)[len(steps) // 2] if steps else (self.size or 10) * 1.2
        # Column edges: where many lines start. A first-line indent (a little right of an edge
        # where more lines start) is no edge of its own.
        xs = Counter(round(line.x or 0) for line in placed)
        need = max(2, len(placed) // 10)
        em = self.size or 10.0
        lefts: list[int] = []
        for x, n in sorted(xs.items(), key=lambda item: (-item[1], item[0])):
            if n >= need and not any(0 < x - left <= 2.5 * em for left in lefts):
                lefts.append(x)
        self.lefts = sorted(lefts) or sorted(xs)[:1]
        lengths = sorted(len(line.text) for line in body) or [60]
        self.full = max(20, lengths[(len(lengths) * 3) // 4])

    def body(self, line: Line) -> bool:
        return self.size is None or line.size is None or abs(line.size - self.size) <= 0.12 * self.size

    def left_of(self, line: Line) -> float | None:
        if line.x is None:
            return None
        below = [left for left in self.lefts if left <= line.x + 1]
        return below[-1] if below else line.x

    def indent(self, line: Line) -> float:
        left = self.left_of(line)
        return 0.0 if left is None or line.x is None else line.x - left

    def short(self, text: str) -> bool:
        return len(text) < 0.7 * self.full


class _Block(Struct):
    kind: str  # para, heading, item, kept
    parts: list[str]  # its lines, each with what joins it to the line before
    last: Line
    length: int = 0
    hyphens: list[int] = field(default_factory=list)
    lines: int = 1

    @classmethod
    def of(cls, kind: str, line: Line) -> _Block:
        return cls(kind, [line.text], line, len(line.text))


def _has_geometry(*lines: Line) -> bool:
    return all(line.x is not None and line.y is not None and line.size for line in lines)


def _kind(line: Line, prev: Line | None, stats: _Stats, after_break: bool, in_list: bool) -> str:
    """heading, item, kept, numeric or text, for a line on its own."""
    text = line.text
    if not line.upright:
        return "kept"
    size = line.size or 0
    if stats.size and size > stats.size * 1.12 and len(text) < 120:
        return "heading"
    if HEADING_WORDS.match(text):
        return "heading"
    starts_block = after_break or in_list or prev is None or sentence_end(prev.text) or stats.short(prev.text)
    if BULLET.match(text) or (LIST_MARK.match(text) and starts_block):
        return "item"
    if len(text) <= 3 or PAGE_NUMBER.match(text):
        return "kept"
    if HEADING_NUMBER.match(text) and stats.short(text) and not sentence_end(text) and starts_block:
        return "heading"
    if _has_geometry(line) and stats.positioned and stats.indent(line) > 3 * size and stats.short(text):
        return "kept"  # centred: a display equation, a caption piece, an author line
    if mathy(text) or numeric(text):
        return "numeric"  # an equation or a table row, unless it carries on the line before
    return "text"


def _continues(block: _Block, b: Line, after: Line | None, stats: _Stats) -> bool:
    """Does line ``b`` carry on the paragraph (or list item, or heading) ``block`` ends with?"""
    a = block.last
    if block.kind == "kept":
        return False
    if block.kind == "heading":
        # a heading set over two lines, in its own font size (or in capitals)
        own = stats.size is not None and abs((a.size or 0) - stats.size) > 0.05 * stats.size
        return (
            _has_geometry(a, b)
            and (own or (a.text.isupper() and b.text.isupper()))
            and abs((a.size or 0) - (b.size or 0)) < 0.05 * (a.size or 1)
            and 0 < (a.y or 0) - (b.y or 0) < 1.6 * (a.size or 10)
            and block.lines < 3
        )
    ended = sentence_end(a.text)
    if not (_has_geometry(a, b) and stats.positioned):
        return not (ended and stats.short(a.text))
    size = b.size or 10.0
    if abs((a.size or 0) - size) > 0.12 * size:
        return False
    indent = stats.indent(b)
    indented = 0.6 * size <= indent <= 6 * size
    step = (a.y or 0) - (b.y or 0)
    if step < -0.5 * size or (stats.left_of(a) != stats.left_of(b) and step < 0.5 * size):
        # up the page: the next column (or a figure's text placed out of order)
        return not ended and not indented
    if step > 1.6 * stats.spacing:
        return False
    if indented:
        if block.kind == "item":
            return True  # a hanging indent
        hanging = after is not None and after.x is not None and b.x is not None and abs(after.x - b.x) < 1
        return hanging and not ended
    return not (ended and stats.short(a.text))


def _join(block: _Block, text: str, line: Line) -> None:
    """Append a line to a block, with a space, or joining a word split at the line end."""
    prev = block.parts[-1]  # the block's last line (joining lines one by one stays linear)
    word = prev.rsplit(" ", 1)[-1]
    sep = " "
    if prev.endswith(SOFT_HYPHEN):
        block.parts[-1] = prev = prev[:-1]
        block.length -= 1
        sep = ""
    elif prev.endswith("-") and len(prev) >= 2 and prev[-2].isalpha() and text[:1].isalpha():
        block.hyphens.append(block.length - 1)  # "cau-" + "tion": settled later
        sep = ""
    elif prev.endswith("-") and len(prev) >= 2 and prev[-2].isalnum() and text[:1].isalnum():
        sep = ""  # "GPT-" + "4"
    elif prev.endswith(("\u2014", "\u2013")) and not prev.endswith((" \u2014", " \u2013")):
        sep = ""  # an em dash at the line end: no space after it
    elif prev.endswith("/") and ("://" in word or word.startswith("www.")):
        sep = ""  # a URL broken after a slash
    block.parts.append(sep + text)
    block.length += len(sep) + len(text)
    block.last = line
    block.lines += 1


def reflow_page(lines: Sequence[Line]) -> Reflowed:
    """The page's lines as paragraphs; see the module docstring."""
    cleaned = [Line(clean_line(line.text), line.x, line.y, line.size, line.upright) for line in lines]
    asides = [line for line in cleaned if line.text and not line.upright]
    flow = [line for line in cleaned if line.upright]
    stats = _Stats([line for line in flow if line.text])
    blocks: list[_Block] = [_Block.of("kept", line) for line in asides]
    prev: Line | None = None
    after_break = True
    for n, line in enumerate(flow):
        if not line.text:
            after_break = True
            continue
        current = blocks[-1] if blocks and not after_break and prev is not None else None
        kind = _kind(line, prev, stats, after_break, current is not None and current.kind == "item")
        after = next((later for later in flow[n + 1 : n + 2] if later.text), None)
        joinable = (
            kind == "text"
            or (kind == "numeric" and current is not None and current.kind in ("para", "item"))
            or (current is not None and current.kind == "heading" and kind in ("heading", "kept", "numeric"))
        )
        if current is not None and joinable and _continues(current, line, after, stats):
            _join(current, line.text, line)
        else:
            new_kind = {"text": "para", "numeric": "kept"}.get(kind, kind)
            blocks.append(_Block.of(new_kind, line))
        prev = line
        after_break = False
    return _assemble(blocks)


def _assemble(blocks: list[_Block]) -> Reflowed:
    parts: list[str] = []
    hyphens: list[int] = []
    pos = 0
    previous: _Block | None = None
    for block in blocks:
        text = "".join(block.parts).rstrip(SOFT_HYPHEN)
        if previous is not None:
            # the lines of a list, of an equation or a table, stay together
            tight = previous.kind == block.kind and block.kind in ("item", "kept")
            sep = "\n" if tight and previous.last.upright and block.last.upright else "\n\n"
            parts.append(sep)
            pos += len(sep)
        hyphens.extend(pos + offset for offset in block.hyphens)
        parts.append(text)
        pos += len(text)
        previous = block
    return Reflowed("".join(parts), hyphens)


def reflow_text(text: str) -> str:
    """Plain text reflowed and its hyphens settled, as if it were a one-page paper."""
    page = reflow_page(lines_from_text(text))
    return settle_hyphens([page.text], [page.hyphens])[0]
