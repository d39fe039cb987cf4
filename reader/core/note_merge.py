"""Merging two edits of one note, so that both survive.

A note edit carries the text it started from (its *base*). When the note on disk is no
longer the base (another terminal appended to it, say), the edit and the disk are merged
three ways with ``merge3`` (Breezy's three-way merge):

* edits to different lines merge cleanly;
* where both changed the same lines, the merge looks closer, word by word: edits to
  different words of those lines merge cleanly too, as do letters both sides only added
  to the same word (typing at the end of a line another terminal appended to), and text
  both sides inserted at the same place is kept, this edit's first;
* where both changed the same words, both versions are kept, one after the other,
  between marker lines (:data:`OURS_MARK`, :data:`SPLIT_MARK`, :data:`THEIRS_MARK`), and
  the merge counts a conflict. Nothing either side wrote is ever dropped.

It also maps a cursor from the edited text to the merged one (:func:`map_cursor`), so an
editor that shows the merge keeps the cursor where the typing was.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from merge3 import Merge3

OURS_MARK = "<<<<<<< this edit"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> saved elsewhere meanwhile"

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


class _Matcher(difflib.SequenceMatcher):
    """difflib without its "popular items are junk" heuristic, which on long notes
    treats every common word (or space) as unmatchable."""

    def __init__(self, isjunk: Any = None, a: Sequence[Any] = "", b: Sequence[Any] = "", autojunk: bool = False) -> None:
        super().__init__(isjunk, a, b, autojunk=False)


_MATCHER: Any = _Matcher  # (merge3's protocol type is generic in a way mypy can't match)
Conflict = tuple[str, int, int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Merged:
    text: str
    conflicts: int  # places where both versions were kept between markers


def merge_notes(base: str, ours: str, theirs: str) -> Merged:
    """``ours`` (an edit of ``base``) merged with ``theirs`` (what the note became meanwhile)."""
    if theirs == base or ours == theirs:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    base_lines, our_lines, their_lines = (text.split("\n") for text in (base, ours, theirs))
    merge = Merge3(base_lines, our_lines, their_lines, sequence_matcher=_MATCHER)
    out: list[str] = []
    conflicts = 0
    for region in merge.merge_regions():
        kind = region[0]
        if kind in ("unchanged", "same", "a", "b"):
            source = {"unchanged": base_lines, "same": our_lines, "a": our_lines, "b": their_lines}[kind]
            out.extend(source[region[1] : region[2]])
            continue
        _, z1, z2, a1, a2, b1, b2 = cast(Conflict, region)
        lines, clash = _merge_words(base_lines[z1:z2], our_lines[a1:a2], their_lines[b1:b2])
        conflicts += clash
        out.extend(lines)
    return Merged("\n".join(out), conflicts)


def _merge_words(base: list[str], ours: list[str], theirs: list[str]) -> tuple[list[str], int]:
    """Lines both sides changed, merged word by word; both kept, marked, if they clash."""
    merged = _refine("\n".join(base), "\n".join(ours), "\n".join(theirs), words=True)
    if merged is None:
        return [OURS_MARK, *ours, SPLIT_MARK, *theirs, THEIRS_MARK], 1
    return merged.split("\n"), 0


def _refine(base: str, ours: str, theirs: str, *, words: bool) -> str | None:
    """A clean merge of ``ours`` and ``theirs`` word by word (where words clash, letter by
    letter), or None where both changed the same letters."""
    tokens = [_TOKENS.findall(text) if words else list(text) for text in (base, ours, theirs)]
    merge = Merge3(tokens[0], tokens[1], tokens[2], sequence_matcher=_MATCHER)
    out: list[str] = []
    for region in merge.merge_regions():
        kind = region[0]
        if kind != "conflict":
            source = {"unchanged": tokens[0], "same": tokens[1], "a": tokens[1], "b": tokens[2]}[kind]
            out.extend(source[region[1] : region[2]])
            continue
        _, z1, z2, a1, a2, b1, b2 = cast(Conflict, region)
        mine, other = "".join(tokens[1][a1:a2]), "".join(tokens[2][b1:b2])
        if z1 != z2:  # both changed the same words
            if not words or not (_only_adds(tokens[0][z1:z2], mine) and _only_adds(tokens[0][z1:z2], other)):
                return None  # letter by letter only when both only added letters
            inner = _refine("".join(tokens[0][z1:z2]), mine, other, words=False)
            if inner is None:
                return None
            out.append(inner)
            continue
        # Both inserted text at the same place: keep both, this edit's first (it is where
        # the typing is). At the end of a line, two bare words are kept apart by a line.
        at_line_end = z1 == len(tokens[0]) or tokens[0][z1].startswith("\n")
        apart = at_line_end and mine and other and not mine[-1].isspace() and not other[0].isspace()
        out.append(mine + ("\n" if apart else "") + other)
    return "".join(out)


def _only_adds(base_tokens: list[str], text: str) -> bool:
    """Is ``text`` the joined ``base_tokens`` with letters inserted, none removed?"""
    base = "".join(base_tokens)
    blocks = _Matcher(None, base, text).get_matching_blocks()
    return sum(block.size for block in blocks) == len(base)


def map_cursor(old: str, new: str, row: int, column: int) -> tuple[int, int]:
    """Where a cursor at (``row``, ``column``) of ``old`` belongs in ``new``: on the same
    line where that line survived, else at the start of what replaced it."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 <= row < i2 or (row == i1 == i2):
            if tag == "equal":
                return j1 + (row - i1), column
            target = min(j1 + (row - i1), max(j2 - 1, j1), len(new_lines) - 1)
            return target, min(column, len(new_lines[target]))
    last = len(new_lines) - 1
    return last, len(new_lines[last])
