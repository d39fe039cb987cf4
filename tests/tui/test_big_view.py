"""A filter keystroke in a view of 100,000 papers (issue 15: p95 < 50 ms): the list takes the
new ids without an object per row, and the list's "N/M read" is not a loop over them."""

from __future__ import annotations

from reader.core.library import PaperState
from reader.core.snapshot import Snapshot
from reader.tui.widgets.line_list import KeyRows, LineList, Row
from reader.tui.widgets.papers import PapersList
from tests.cpu_time import cpu_seconds


def ids_of(count: int) -> list[str]:
    return [f"{2001 + n // 40000:04d}.{n % 40000:05d}" for n in range(count)]


def test_the_paper_list_takes_100k_ids_at_the_cost_of_a_few():
    small, big = ids_of(1000), ids_of(100_000)
    papers = PapersList()
    on_small = cpu_seconds(lambda: papers.watch_ids(list(small)))
    on_big = cpu_seconds(lambda: papers.watch_ids(list(big)))
    # Before: a Row per paper, a dict and a list of tops over all of them (~60 ms at 100,000).
    assert on_big < 10 * on_small + 0.003, f"{on_big * 1000:.1f} ms at 100,000, {on_small * 1000:.2f} ms at 1,000"
    assert papers.cursor_key == big[0] and len(papers.rows) == len(big)
    assert papers.move_to(big[70_000]) and papers.cursor_key == big[70_000]
    assert papers.rows[70_000] == Row(big[70_000])


def test_key_rows_behave_as_rows():
    keys = ["a", "b", "c"]
    as_rows = [Row(k) for k in keys]
    plain, compact = LineList(), LineList()
    plain.set_rows(as_rows, keep="b")
    compact.set_rows(KeyRows(keys), keep="b")
    assert list(compact.rows) == as_rows and compact.cursor_key == plain.cursor_key == "b"
    assert list(compact.rows[:2]) == as_rows[:2] and compact.rows[-1] == as_rows[-1]
    for lst in (plain, compact):
        lst.action_last()
        assert lst.cursor_key == "c"
        lst.action_first()
        assert lst.cursor_key == "a"
        assert not lst.move_to("zz") and lst.move_to("c") and lst.cursor == 2
    empty = LineList()
    empty.set_rows(KeyRows([]))
    assert empty.cursor_key is None and empty.cursor == -1


def test_counting_the_read_papers_of_a_view_is_not_a_loop_over_it():
    ids = ids_of(100_000)
    states = {i: PaperState(read=n % 3 == 0, tags=("x",) if n % 4 == 0 else ()) for n, i in enumerate(ids[::2])}
    snap = Snapshot((), {}, states, {}, {})
    expected = sum(1 for i in ids if snap.state(i).read)
    assert snap.read_among(ids) == expected
    assert snap.read_among(ids[:10]) == sum(1 for i in ids[:10] if snap.state(i).read)
    snap.read_among(ids[:1])  # (the read set made once per states)
    took = cpu_seconds(lambda: snap.read_among(ids))
    assert took < 0.015, f"{took * 1000:.1f} ms"  # a Python loop over 100,000 states: ~40 ms
