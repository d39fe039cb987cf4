"""The app's garbage-collector policy (reader/tui/heap.py): off until the first paint,
frozen at a few moments, full collections in pauses, and everything put back on exit."""

from __future__ import annotations

import gc
import time

import pytest

from reader.tui import heap
from reader.tui.heap import HeapKeeper


@pytest.fixture(autouse=True)
def collector_as_it_was():
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def test_an_inactive_keeper_leaves_the_collector_alone():
    keeper = HeapKeeper()
    frozen = gc.get_freeze_count()
    assert keeper.resume() is False
    keeper.freeze("full read")
    assert gc.get_freeze_count() == frozen and gc.isenabled()


def test_paused_until_the_first_paint_then_frozen_and_collected_less_often():
    keeper = HeapKeeper()
    thresholds = gc.get_threshold()
    keeper.pause()
    assert not gc.isenabled()
    startup = [[n] for n in range(1000)]  # made while starting
    assert keeper.resume() is True and keeper.resume() is False  # once
    assert gc.isenabled() and gc.get_freeze_count() >= len(startup)
    assert gc.get_threshold() == (thresholds[0], thresholds[1], heap.FULL_EVERY)
    keeper.restore()
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0


def test_each_moment_is_frozen_once():
    keeper = HeapKeeper()
    keeper.pause()
    keeper.resume()
    keeper.freeze("full read")
    after_first = gc.get_freeze_count()
    library = [[n] for n in range(2000)]  # (lists: always tracked by the collector)
    keeper.freeze("full read")  # a reload: not frozen again (its garbage would stay forever)
    assert gc.get_freeze_count() <= after_first
    keeper.freeze("indexes")
    assert gc.get_freeze_count() >= after_first + len(library)
    keeper.restore()


def test_full_collections_wait_for_a_pause(monkeypatch):
    keeper = HeapKeeper()
    keeper.pause()
    keeper.resume()
    collected = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 3))
    keeper.last_input = time.monotonic()
    keeper.collect_when_idle()
    assert not collected  # a key just came
    keeper.last_input = time.monotonic() - heap.IDLE_SECONDS
    keeper.collect_when_idle()
    assert collected == [()]
    monkeypatch.undo()
    keeper.restore()


def test_no_idle_collection_while_a_load_has_the_collector_paused(monkeypatch):
    """A full collection in the middle of the library's first full read walked everything it
    had parsed so far (189 ms at 100,000 papers, READER_TRACE) and held the read up."""
    keeper = HeapKeeper()
    keeper.pause()
    keeper.resume()
    collected = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 3))
    keeper.last_input = time.monotonic() - heap.IDLE_SECONDS
    with heap.paused():  # (the library thread, reading)
        keeper.collect_when_idle()
    assert not collected
    keeper.collect_when_idle()
    assert collected == [()]
    monkeypatch.undo()
    keeper.restore()


def test_a_keeper_that_froze_nothing_leaves_other_frozen_objects_frozen():
    kept = [[n] for n in range(100)]
    gc.freeze()
    frozen = gc.get_freeze_count()
    keeper = HeapKeeper()
    keeper.pause()
    keeper.restore()  # (quit before the first paint: nothing of its own was frozen)
    assert gc.get_freeze_count() == frozen and kept and gc.isenabled()
