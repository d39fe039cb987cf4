"""Three-way merging of note edits (core/note_merge.py): both sides always survive."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.note_merge import OURS_MARK, THEIRS_MARK, map_cursor, merge_notes, merge_regions

CASES = [
    # base, ours, theirs, merged, conflicts
    ("a\nb\nc", "a\nB\nc", "a\nb\nc", "a\nB\nc", 0),
    ("a\nb\nc", "a\nb\nc", "a\nb\nC", "a\nb\nC", 0),
    ("a\nb\nc", "A\nb\nc", "a\nb\nC", "A\nb\nC", 0),
    ("a", "a\nmine", "a\nappended", "a\nmine\nappended", 0),
    ("one two three", "one TWO three", "one two THREE", "one TWO THREE", 0),
    ("same", "same!", "same!", "same!", 0),
    ("", "typed", "", "typed", 0),
    ("alpha", "alpha\nalpha", "alpha\n", "alpha\nalpha\n", 0),  # an added empty line is a line
]


@pytest.mark.parametrize(("base", "ours", "theirs", "merged", "conflicts"), CASES)
def test_merges(base, ours, theirs, merged, conflicts):
    result = merge_notes(base, ours, theirs)
    assert (result.text, result.conflicts) == (merged, conflicts)


def test_both_changing_the_same_word_keeps_both_between_markers():
    result = merge_notes("the cat sat", "the dog sat", "the bird sat")
    assert result.conflicts == 1
    lines = result.text.split("\n")
    assert lines[0] == OURS_MARK and lines[-1] == THEIRS_MARK
    assert "the dog sat" in lines and "the bird sat" in lines


def test_markers_can_be_named():
    result = merge_notes("the cat sat", "the dog sat", "the bird sat", marks=("<<<<<<< from the folder", ">>>>>>> in the library"))
    assert result.text.split("\n") == ["<<<<<<< from the folder", "the dog sat", "=======", "the bird sat", ">>>>>>> in the library"]


def test_regions_cover_all_three_texts_in_order():
    base, ours, theirs = list("abcdef"), list("abXdef"), list("abcdeYf")
    regions = merge_regions(base, ours, theirs)
    assert [r[0] for r in regions] == ["unchanged", "a", "unchanged", "b", "unchanged"]
    for index, text in ((1, base), (3, ours), (5, theirs)):
        covered = [item for r in regions for item in text[r[index] : r[index + 1]]]
        assert covered == text


words = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "x", ""]), max_size=8)


@settings(deadline=None)
@given(base=words, ours=words, theirs=words)
def test_no_line_either_side_added_is_lost(base, ours, theirs):
    b, o, t = ("\n".join(lines) for lines in (base, ours, theirs))
    merged = merge_notes(b, o, t).text.split("\n")
    for line in set(o.split("\n")) - set(b.split("\n")):
        assert line in merged
    for line in set(t.split("\n")) - set(b.split("\n")):
        assert line in merged


def test_the_cursor_stays_on_its_line_when_lines_are_added_above():
    assert map_cursor("a\nb", "new\na\nb", 1, 1) == (2, 1)
