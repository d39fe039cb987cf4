"""Paper text reflowed: a PDF page's lines joined into paragraphs.

pypdf gives a page as the lines the PDF draws. A reader wants paragraphs: one string per
paragraph, wrapped again at whatever width it is shown, with the words TeX hyphenated at
the end of a line whole again (so search finds them). What this module does with a page:

* ``clean_line`` tidies each line (spaces, ligatures, TeX's detached accents);
* ``reflow_page`` joins the lines of a paragraph with a space. A paragraph ends at a blank
  line, a vertical gap, a change of font size, an indented first line, or a short line that
  ends a sentence. Headings, list items (each its own line), equation- and table-looking
  lines and the page's number stay lines of their own; text printed sideways in the margin
  (arXiv's stamp) is moved to the top of the page. Positions come from the PDF when the
  extractor has them (``Line.x``/``y``/``size``); without them the text alone decides.
* A word hyphenated at a line end is joined back with its hyphen kept, and the hyphen's
  offset noted: whether it stays is decided for the whole paper at once (``settle_hyphens``),
  from the paper's own vocabulary: "cau-tion" becomes "caution" when the fragments are no
  words of the paper, or the paper writes "caution"; "one-dimensional", "self-similar",
  "state-of-the-art", "x-ray" and compounds the paper writes with a hyphen keep it.
* ``join_pages`` carries a word hyphenated across a page break back to the page it starts on.

The result is a page as blocks separated by a blank line ("\\n\\n"); the lines of a list or of
an equation are separated by "\\n". Pure functions, linear in the size of the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = [
    "Line",
    "Reflowed",
    "Vocabulary",
    "clean_line",
    "join_pages",
    "lines_from_text",
    "normalize_text",
    "reflow_page",
    "reflow_text",
    "settle_hyphens",
]

# ------------------------------------------------------------------ one line

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})  # noqa: E501 (one table, read whole)
# TeX's OT1 fonts typeset an accent as its own glyph before the letter; pypdf
# reports "Teˇsanovi´c" for Tešanović.  Spacing accent + letter -> accented letter.
_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02c7": "\u030c",  # caron
    "\u00a8": "\u0308",  # diaeresis
    "\u02dc": "\u0303",  # tilde
    "\u02c6": "\u0302",  # circumflex
    "\u02d8": "\u0306",  # breve
    "\u02d9": "\u0307",  # dot above
    "\u02da": "\u030a",  # ring
    "\u02dd": "\u030b",  # double acute
    "\u00af": "\u0304",  # macron
}
_ACCENT_CHARS = "".join(_ACCENTS)
# Not after another detached accent, and not onto a letter that already carries a combining mark.
_ACCENT_RE = re.compile(f"(?<![{_ACCENT_CHARS}])([{_ACCENT_CHARS}])([A-Za-z\u0131])(?![\u0300-\u036f])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SOFT_HYPHEN = "\u00ad"


def _accent(m: re.Match[str]) -> str:
    letter = "i" if m.group(2) == "\u0131" else m.group(2)
    return unicodedata.normalize("NFC", letter + _ACCENTS[m.group(1)])


def clean_line(text: str) -> str:
    """One line of pypdf's text, tidied: no control characters, runs of spaces collapsed
    (pypdf doubles them), ligatures expanded, detached accents put back on their letters,
    NFC, stripped. A soft hyphen is dropped, except at the end (a sure word break)."""
    text = _CONTROL_RE.sub(" ", text).translate(_LIGATURES)
    text = _ACCENT_RE.sub(_accent, text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES_RE.sub(" ", text).strip()
    if SOFT_HYPHEN in text:
        end = text.endswith(SOFT_HYPHEN)
        text = text.replace(SOFT_HYPHEN, "").rstrip()
        if end and text:
            text += SOFT_HYPHEN
    return text


def normalize_text(text: str) -> str:
    """A page's text tidied line by line (``clean_line``), with at most one blank line
    between lines, and no line joined: ``reflow_text`` joins them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    out = "\n".join(clean_line(line) for line in text.split("\n"))
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n")


# ------------------------------------------------------------ kinds of line


@dataclass(frozen=True, slots=True)
class Line:
    """One line as the PDF draws it: its text and, when known, where its first character
    is (points, y upwards), its font size, and whether it runs left to right."""

    text: str
    x: float | None = None
    y: float | None = None
    size: float | None = None
    upright: bool = True


@dataclass(slots=True)
class Reflowed:
    """A reflowed page: its text, and the offsets in it of hyphens that ended a line inside a
    word (kept for now; ``settle_hyphens`` decides)."""

    text: str
    hyphens: list[int] = field(default_factory=list)


_SENTENCE_END = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*(?:\d{1,3}(?:[,\u2013-]\d{1,3})*)?$")
_BULLET = re.compile(r"^(?:[\u2022\u25e6\u25aa\u25ab\u2023\u2219\u22c5\u00b7\u25cf\u25cb\u25a0\u25a1\u2013\u2014*]|-(?=\s))\s*\S")
_LIST_MARK = re.compile(r"^(?:\[\d{1,4}\]|\(\d{1,3}\)|\d{1,3}[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s+\S|^\d{1,3}\s+[A-Z]")
_HEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,6}\.|[A-Z]\.|Appendix\s+[A-Z0-9]+\.?)\s+[A-Z]")
_HEADING_WORDS = re.compile(
    r"^(?:\d{1,2}\.?\s+|[IVX]{1,6}\.\s+)?(?:abstract|references|bibliography|acknowledge?ments?|appendix|appendices"
    r"|introduction|conclusions?|related work|discussion|methods?|results|literature cited|references and notes)"
    r"\s*[.:]?$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^(?:\d{1,4}|[ivxlc]{1,6}|(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?)$", re.IGNORECASE)
_MATH = set("=+\u2212\u00b1\u00d7\u00f7<>\u2264\u2265\u2248\u2260\u2261\u221d\u2211\u220f\u222b\u2202\u2207\u221a\u221e\u2208\u2209\u2282\u2286\u222a\u2229\u2192\u2190\u2194\u21d2\u2200\u2203^{}")  # noqa: E501 (one table, read whole)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _letters_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 1.0
    return sum(c.isalpha() for c in chars) / len(chars)


def _mathy(text: str) -> bool:
    """Does the line look like an equation or a lone number, rather than prose?"""
    if len(text) <= 3 or _PAGE_NUMBER.match(text):
        return True
    return len(_WORD.findall(text)) < 4 and sum(c in _MATH for c in text) >= 2


def _numeric(text: str) -> bool:
    """Mostly digits and signs: a table row, or a reference's line of ids and years."""
    return _letters_ratio(text) < 0.5


def _sentence_end(text: str) -> bool:
    return _SENTENCE_END.search(text) is not None


# ----------------------------------------------------------------- the page


class _Stats:
    """What a page's body text looks like: font size, line spacing, column edges, line length."""

    def __init__(self, lines: Sequence[Line]) -> None:
        sized = [line for line in lines if line.size]
        weights: Counter[float] = Counter()
        for line in sized:
            weights[round(line.size or 0, 1)] += len(line.text)
        self.size = weights.most_common(1)[0][0] if weights else None
        body = [line for line in lines if self.body(line) and not _mathy(line.text)]
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


@dataclass(slots=True)
class _Block:
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
    if _HEADING_WORDS.match(text):
        return "heading"
    starts_block = after_break or in_list or prev is None or _sentence_end(prev.text) or stats.short(prev.text)
    if _BULLET.match(text) or (_LIST_MARK.match(text) and starts_block):
        return "item"
    if len(text) <= 3 or _PAGE_NUMBER.match(text):
        return "kept"
    if _HEADING_NUMBER.match(text) and stats.short(text) and not _sentence_end(text) and starts_block:
        return "heading"
    if _has_geometry(line) and stats.positioned and stats.indent(line) > 3 * size and stats.short(text):
        return "kept"  # centred: a display equation, a caption piece, an author line
    if _mathy(text) or _numeric(text):
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
    ended = _sentence_end(a.text)
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


def lines_from_text(text: str) -> list[Line]:
    """Lines without positions (text from an extractor that gave none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return [Line(line) for line in text.split("\n")]


def reflow_text(text: str) -> str:
    """Plain text reflowed and its hyphens settled, as if it were a one-page paper."""
    page = reflow_page(lines_from_text(text))
    return settle_hyphens([page.text], [page.hyphens])[0]


# ------------------------------------------------------------ across pages

_LEADING_WORD = re.compile(r"([^\W\d_]+)(?=[\s.,;:!?)\]]|$)")
_TRAILING_HYPHEN = re.compile(r"[^\W\d_]-$")


def _skip_numbers(lines: list[str], from_end: bool) -> int:
    """Index of the first (or last) line that is not a lone page number."""
    order = range(len(lines) - 1, -1, -1) if from_end else range(len(lines))
    for i in order:
        if lines[i].strip() and not _PAGE_NUMBER.match(lines[i].strip()):
            return i
    return -1


def join_pages(pages: list[str], hyphens: list[list[int]]) -> None:
    """Carry a word hyphenated over a page break back to the page it starts on (in place):
    page i ending "... aminogly-" (then perhaps its number) and page i+1 starting "cosides
    ..." (after perhaps its number) become "... aminogly-cosides" (a pending hyphen) and
    "...". Pages stay pages: a paragraph that goes on over the break is not merged."""
    for i in range(len(pages) - 1):
        a, b = pages[i], pages[i + 1]
        a_lines, b_lines = a.split("\n"), b.split("\n")
        last = _skip_numbers(a_lines, from_end=True)
        first = _skip_numbers(b_lines, from_end=False)
        if last < 0 or first < 0 or not _TRAILING_HYPHEN.search(a_lines[last]):
            continue
        m = _LEADING_WORD.match(b_lines[first])
        if m is None or not m.group(1)[0].islower():
            continue
        word = m.group(1)
        end_of_line = sum(len(line) + 1 for line in a_lines[: last + 1]) - 1
        a_lines[last] += word
        pages[i] = "\n".join(a_lines)
        hyphens[i] = sorted([h if h < end_of_line else h + len(word) for h in hyphens[i]] + [end_of_line - 1])
        start = sum(len(line) + 1 for line in b_lines[:first])
        rest = b_lines[first][len(word) :].lstrip()
        if rest:
            b_lines[first] = rest
        else:  # the line was just the word: drop it, and the blank line after it
            del b_lines[first]
            if first < len(b_lines) and not b_lines[first]:
                del b_lines[first]
        new_b = "\n".join(b_lines)
        removed = len(b) - len(new_b)  # all of it before the page's remaining hyphens
        pages[i + 1] = new_b
        hyphens[i + 1] = [h - removed for h in hyphens[i + 1] if h >= start + removed]


# ---------------------------------------------------------------- hyphens

# A hyphen after these, or before these, is a compound's own: "self-similar", "x-ray",
# "state-of-the-art", "two-layer", "data-driven" (when the paper says neither way).
KEEP_BEFORE = frozenset(
    {
        "all", "bottom", "cross", "double", "eight", "end", "first", "five", "four", "full",
        "half", "high", "ill", "large", "left", "long", "low", "nine", "one", "open", "real",
        "right", "second", "self", "seven", "short", "single", "six", "small", "state", "ten",
        "third", "three", "top", "two", "well", "zero",
    }
)
KEEP_AFTER = frozenset(
    {
        "art", "aware", "based", "dependent", "dimensional", "driven", "fold", "free",
        "independent", "invariant", "level", "like", "of", "order", "ray", "scale", "shot",
        "sized", "specific", "stage", "step", "term", "the", "time", "type", "wise", "world",
    }
)
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")
_LETTERS_AFTER = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


class Vocabulary:
    """The words of a paper, and the hyphenated pairs it writes within a line."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()

    def add(self, text: str, hyphens: Iterable[int] = ()) -> None:
        """Count ``text``, leaving out the words around its pending hyphens."""
        blanked = list(text)
        for offset in hyphens:
            left, right = _parts(text, offset)
            for k in range(offset - len(left), offset + 1 + len(right)):
                blanked[k] = " "
        clean = "".join(blanked)
        self.words.update(w.lower() for w in _LETTERS_AFTER.findall(clean))
        for m in _COMPOUND.finditer(clean):
            parts = m.group().lower().split("-")
            self.pairs.update(pairwise(parts))

    def keeps(self, left: str, right: str) -> bool:
        """Is the hyphen in "left-" + "right" (at a line end) the compound's own?"""
        if not left or not right:
            return True
        low_left, low_right = left.lower(), right.lower()
        joined = self.words[low_left + low_right]
        hyphenated = self.pairs[(low_left, low_right)]
        if joined or hyphenated:  # the paper writes it one way elsewhere
            return hyphenated >= joined
        if right[0].isupper() or len(left) == 1 or len(right) <= 2:
            return True  # TeX leaves at least two letters before a break and three after
        if low_left in KEEP_BEFORE or low_right in KEEP_AFTER:
            return True
        return len(left) >= 3 and self.words[low_left] > 0 and self.words[low_right] > 0


def _parts(text: str, offset: int) -> tuple[str, str]:
    """The letters before and after the hyphen at ``offset`` (words of at most 100 letters)."""
    before = _LETTERS_BEFORE.search(text[max(0, offset - 100) : offset])
    after = _LETTERS_AFTER.match(text[offset + 1 : offset + 101])
    return (before.group() if before else "", after.group() if after else "")


def settle_hyphens(pages: Sequence[str], hyphens: Sequence[Sequence[int]], vocabulary: Vocabulary | None = None) -> list[str]:
    """The pages with each pending hyphen kept or dropped; ``vocabulary`` defaults to the
    pages' own."""
    if vocabulary is None:
        vocabulary = Vocabulary()
        for text, offsets in zip(pages, hyphens, strict=False):
            vocabulary.add(text, offsets)
    out = []
    for text, offsets in zip(pages, hyphens, strict=False):
        drop = [h for h in sorted(offsets) if 0 <= h < len(text) and text[h] == "-" and not vocabulary.keeps(*_parts(text, h))]
        if not drop:
            out.append(text)
            continue
        pieces, start = [], 0
        for h in drop:
            pieces.append(text[start:h])
            start = h + 1
        pieces.append(text[start:])
        out.append("".join(pieces))
    return out
