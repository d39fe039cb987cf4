"""Words hyphenated at a line's end, across a paper: joined back whole, or kept hyphenated.

Reflowing a page (``pdf_reflow``) joins a word hyphenated at a line end with its hyphen
kept, and notes the hyphen's offset. Whether it stays is decided here for the whole paper at
once, from the paper's own vocabulary (``settle_hyphens``): "cau-tion" becomes "caution" when
the fragments are no words of the paper, or the paper writes "caution"; "one-dimensional",
"self-similar", "state-of-the-art", "x-ray" and compounds the paper writes with a hyphen keep
it. ``join_pages`` first carries a word hyphenated across a page break back to the page it
starts on.

Pure functions, linear in the size of the paper.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

from .pdf_lines import PAGE_NUMBER

__all__ = ["KEEP_AFTER", "KEEP_BEFORE", "Vocabulary", "join_pages", "settle_hyphens"]

# ------------------------------------------------------------ across pages

_LEADING_WORD = re.compile(r"([^\W\d_]+)(?=[\s.,;:!?)\]]|$)")
_TRAILING_HYPHEN = re.compile(r"[^\W\d_]-$")


def _skip_numbers(lines: list[str], from_end: bool) -> int:
    """Index of the first (or last) line that is not a lone page number."""
    order = range(len(lines) - 1, -1, -1) if from_end else range(len(lines))
    for i in order:
        if lines[i].strip() and not PAGE_NUMBER.match(lines[i].strip()):
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
