"""The reader's own fields (tags and notes) in the query index: indexed at what they cost,
not at what the library's size costs (issue 15: a load of the saved index at 100,000 papers
spent ~0.8 s indexing 100,000 empty rows), and answering exactly as their normalised text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.library import PaperState
from reader.core.search_index import _Shared, personal_words
from reader.core.snapshot import Snapshot
from reader.core.words import SEPARATOR, needle, normalise, normalise_items, words
from tests.cpu_time import cpu_seconds

NOTE = ("My note on this paper, about attention and 인코더. " * 20)[:1000]


def ids_of(count: int) -> list[str]:
    return [f"{2001 + n // 40000:04d}.{n % 40000:05d}" for n in range(count)]


def personal(count: int, edited: list[str]) -> Snapshot:
    """``count`` papers (no catalogue: the reader's fields only), ``edited`` tagged and noted."""
    states = {i: PaperState(read=True, tags=("to-read", f"t{n % 5}")) for n, i in enumerate(edited)}
    notes = {i: NOTE for i in edited[::2]}
    return Snapshot((), {}, states, notes, {})


def test_tags_and_notes_cost_what_they_are_not_the_library_size():
    edited = ids_of(500)[::5]  # 100 papers with tags, 50 with notes
    small, big = _Shared(ids_of(500)), _Shared(ids_of(100_000))
    snap = personal(500, edited)
    personal_words(snap, big)  # (numpy imported, caches warm)
    on_small, on_big = cpu_seconds(lambda: personal_words(snap, small)), cpu_seconds(lambda: personal_words(snap, big))
    # Before: ~0.25 s at 100,000 ids against ~5 ms at 500 (the empty rows were indexed too).
    assert on_big < 3 * on_small + 0.005, f"{on_big * 1000:.1f} ms at 100,000 papers, {on_small * 1000:.1f} ms at 500"


items = st.lists(st.text(alphabet="ab 가-é.", max_size=10), min_size=0, max_size=3)
looked = st.lists(st.text(alphabet="ab가é", min_size=1, max_size=3), min_size=1, max_size=3)


@settings(deadline=None)
@given(st.lists(st.tuples(items, st.text(alphabet="ab 가-é.\n", max_size=20)), min_size=1, max_size=12),
       st.integers(0, 12), looked)
def test_the_readers_fields_answer_as_their_normalised_text(edits, untouched, tokens):
    """Word starts and phrases in tags and notes, among papers of which only some were edited
    (some edited to nothing), the rest never."""
    tokens = [w for t in tokens for w in words(t)]
    if not tokens:
        return
    ids = ids_of(len(edits) + untouched)
    order = ids[untouched:] + ids[:untouched]  # the edited papers are not the first slots
    states = {order[n]: PaperState(tags=tuple(tags)) for n, (tags, _) in enumerate(edits)}
    notes = {order[n]: note for n, (_, note) in enumerate(edits)}
    snap = Snapshot((), {}, states, notes, {})
    index = personal_words(snap, _Shared(ids))
    look = needle(tokens)
    expected = {
        "tags": [normalise_items(list(states[i].tags)) if i in states and states[i].tags else "" for i in ids],
        "note": [normalise(notes[i]) if notes.get(i) else "" for i in ids],
    }
    for field, texts in expected.items():
        want = [look in text for text in texts]
        assert index.mask(field, look[1:].split(" ")).tolist() == want
        within = np.array([s % 2 == 0 for s in range(len(ids))])
        assert index.mask(field, look[1:].split(" "), within).tolist() == [w and s % 2 == 0 for s, w in enumerate(want)]
        assert [index.holds(field, s, look[1:].split(" ")) for s in range(len(ids))] == want
        assert [index.text(field, s, SEPARATOR) for s in range(len(ids))] == texts
