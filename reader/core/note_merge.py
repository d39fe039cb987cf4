"""Merging two edits of one note, so that both survive.

A note edit carries the text it started from (its *base*). When the note on disk is no
longer the base (another terminal appended to it, say), the edit and the disk are merged
three ways (diff3 regions over :mod:`difflib`'s matching blocks):

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
from typing import Any

from msgspec import Struct

OURS_MARK = "<<<<<<< this edit"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> saved elsewhere meanwhile"

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _matcher(a: Sequence[Any], b: Sequence[Any]) -> difflib.SequenceMatcher[str]:
    """difflib without its "popular items are junk" heuristic, which on long notes
    treats every common word (or space) as unmatchable."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


Region = tuple[str, int, int, int, int, int, int]


def merge_regions(base: Sequence[Any], ours: Sequence[Any], theirs: Sequence[Any]) -> list[Region]:
    """The diff3 regions of two edits of ``base``, in order. Each region is
    ``(kind, z1, z2, a1, a2, b1, b2)``: the slices ``base[z1:z2]``, ``ours[a1:a2]`` and
    ``theirs[b1:b2]`` that it covers; ``kind`` is ``unchanged`` (all three equal),
    ``same`` (both made the same change), ``a`` (only ours changed), ``b`` (only theirs
    changed) or ``conflict`` (both changed it differently)."""
    # Stretches of base that both edits kept, with where they are in each edit.
    ours_kept, theirs_kept = (_matcher(base, edit).get_matching_blocks() for edit in (ours, theirs))
    stable: list[tuple[int, int, int, int]] = []  # base start, length, ours start, theirs start
    i = j = 0
    while i < len(ours_kept) and j < len(theirs_kept):
        za, ia, na = ours_kept[i]
        zb, jb, nb = theirs_kept[j]
        start, end = max(za, zb), min(za + na, zb + nb)
        if start < end:
            stable.append((start, end - start, ia + start - za, jb + start - zb))
        if za + na < zb + nb:
            i += 1
        else:
            j += 1
    stable.append((len(base), 0, len(ours), len(theirs)))  # the end, as a stretch of nothing
    regions: list[Region] = []
    z = a = b = 0
    for zs, length, as_, bs in stable:
        if (a, b) != (as_, bs) or z != zs:
            mine, other, old = ours[a:as_], theirs[b:bs], base[z:zs]
            if mine == other:
                kind = "same"
            elif mine == old:
                kind = "b"
            elif other == old:
                kind = "a"
            else:
                kind = "conflict"
            regions.append((kind, z, zs, a, as_, b, bs))
        if length:
            regions.append(("unchanged", zs, zs + length, as_, as_ + length, bs, bs + length))
        z, a, b = zs + length, as_ + length, bs + length
    return regions


class Merged(Struct, frozen=True):
    text: str
    conflicts: int  # places where both versions were kept between markers


def merge_notes(base: str, ours: str, theirs: str, *, marks: tuple[str, str] | None = None) -> Merged:
    """``ours`` (an edit of ``base``) merged with ``theirs`` (what the note became meanwhile).
    ``marks``: the lines that open ``ours`` and close ``theirs`` where both are kept
    (default :data:`OURS_MARK` and :data:`THEIRS_MARK`)."""
    if theirs == base or ours == theirs:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    base_lines, our_lines, their_lines = (text.split("\n") for text in (base, ours, theirs))
    out: list[str] = []
    conflicts = 0
    for kind, z1, z2, a1, a2, b1, b2 in merge_regions(base_lines, our_lines, their_lines):
        if kind == "conflict":
            lines, clash = _merge_words(base_lines[z1:z2], our_lines[a1:a2], their_lines[b1:b2], marks)
            conflicts += clash
            out.extend(lines)
        else:
            out.extend(their_lines[b1:b2] if kind == "b" else our_lines[a1:a2])
    return Merged("\n".join(out), conflicts)


def _merge_words(
    base: list[str], ours: list[str], theirs: list[str], marks: tuple[str, str] | None = None
) -> tuple[list[str], int]:
    """Lines both sides changed, merged word by word; both kept, marked, if they clash."""
    if not base:  # both added lines at the same place: keep both, this edit's first (joined
        return [*ours, *theirs], 0  # into words, an added empty line would be no text at all)
    merged = _refine("\n".join(base), "\n".join(ours), "\n".join(theirs), words=True)
    if merged is None:
        opening, closing = marks or (OURS_MARK, THEIRS_MARK)
        return [opening, *ours, SPLIT_MARK, *theirs, closing], 1
    return merged.split("\n"), 0


def _refine(base: str, ours: str, theirs: str, *, words: bool) -> str | None:
    """A clean merge of ``ours`` and ``theirs`` word by word (where words clash, letter by
    letter), or None where both changed the same letters."""
    tokens = [_TOKENS.findall(text) if words else list(text) for text in (base, ours, theirs)]
    out: list[str] = []
    for kind, z1, z2, a1, a2, b1, b2 in merge_regions(tokens[0], tokens[1], tokens[2]):
        if kind != "conflict":
            out.extend(tokens[2][b1:b2] if kind == "b" else tokens[1][a1:a2])
            continue
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
    blocks = _matcher(base, text).get_matching_blocks()
    return sum(block.size for block in blocks) == len(base)


def map_cursor(old: str, new: str, row: int, column: int) -> tuple[int, int]:
    """Where a cursor at (``row``, ``column``) of ``old`` belongs in ``new``: on the same
    line where that line survived, else at the start of what replaced it."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = _matcher(old_lines, new_lines)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 <= row < i2 or (row == i1 == i2):
            if tag == "equal":
                return j1 + (row - i1), column
            target = min(j1 + (row - i1), max(j2 - 1, j1), len(new_lines) - 1)
            return target, min(column, len(new_lines[target]))
    last = len(new_lines) - 1
    return last, len(new_lines[last])
