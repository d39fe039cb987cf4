"""A toggle or a tag shows at once by replacing the states of the papers it changed
(issue 15): the new snapshot's states are the old ones with those papers changed, and every
answer derived from them (tag counts, read counts, the read set) is derived from the old
answer in proportion to the papers changed, never by going over every state again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from reader.core.models import Entry
from reader.core.records import DigestRecord, PaperRecord, PaperState
from reader.core.snapshot import ChangedStates, Snapshot
from reader.core.state_store import StateFile

IDS = [f"2001.{n:05d}" for n in range(2000)]


class CountingStates(dict[str, PaperState]):
    """A states dict that counts the times it is gone over whole."""

    scans = 0

    def items(self):  # type: ignore[override]
        CountingStates.scans += 1
        return super().items()

    def values(self):  # type: ignore[override]
        CountingStates.scans += 1
        return super().values()

    def keys(self):  # type: ignore[override]
        CountingStates.scans += 1
        return super().keys()

    def __iter__(self) -> Iterator[str]:
        CountingStates.scans += 1
        return super().__iter__()


def library_states() -> dict[str, PaperState]:
    return {i: PaperState(read=n % 3 == 0, tags=("gan",) if n % 4 == 0 else ("vae", "gan") if n % 7 == 0 else ())
            for n, i in enumerate(IDS) if n % 3 == 0 or n % 4 == 0 or n % 7 == 0}


def snapshot(states) -> Snapshot:
    digest = DigestRecord(id="d1", source="/d/1.md", sha256="x", date=dt.date(2020, 1, 5), title="one",
                          imported_at="", entries=[Entry(arxiv_id=i, title=i) for i in IDS[:100]])
    papers = {i: PaperRecord(arxiv_id=i, title=i) for i in IDS[:-10]}  # (10 not in the library)
    return Snapshot((digest,), papers, states, {}, {})


def answers(snap: Snapshot) -> tuple:
    return (dict(snap.tag_counts), snap.read_count(), snap.read_among(IDS), snap.progress(snap.digests[0]),
            snap.top_tags(), [snap.state(i) for i in IDS[:50]], len(snap.states), sorted(snap.states))


def changes(snap: Snapshot) -> dict[str, PaperState]:
    new = {}
    for i in (IDS[0], IDS[1], IDS[4], IDS[7], IDS[-1], IDS[-15]):
        old = snap.state(i)
        tags = old.tags if "review" in old.tags else (*old.tags, "review")
        new[i] = PaperState(read=not old.read, tags=tags if i != IDS[4] else ())
    return new


def test_changed_states_derive_every_answer_without_going_over_every_state():
    states = CountingStates(library_states())
    snap = snapshot(states)
    answers(snap)  # the answers of the snapshot as read (made once)
    CountingStates.scans = 0
    new = changes(snap)
    changed = snap.with_states(new)
    again = changed.with_states({IDS[2]: PaperState(read=True, tags=("gan",))})
    got = [dict(changed.tag_counts), changed.read_count(), changed.read_among(IDS), changed.progress(changed.digests[0]),
           changed.top_tags(), again.read_count(), dict(again.tag_counts), again.read_among(IDS)]
    assert CountingStates.scans == 0  # (before: each answer went over all the states again)
    plain = snapshot({**library_states(), **new})
    assert got[:5] == [dict(plain.tag_counts), plain.read_count(), plain.read_among(IDS),
                       plain.progress(plain.digests[0]), plain.top_tags()]
    plain_again = snapshot({**library_states(), **new, IDS[2]: PaperState(read=True, tags=("gan",))})
    assert got[5:] == [plain_again.read_count(), dict(plain_again.tag_counts), plain_again.read_among(IDS)]
    assert answers(again)[:6] == answers(plain_again)[:6]
    assert isinstance(again.states, ChangedStates) and again.states.base is states  # one level, the base shared
    assert len(again.states) == len(plain_again.states) and sorted(again.states) == sorted(plain_again.states)


def test_changed_states_over_the_state_file_answer_as_it_does():
    base = StateFile(None).changed(library_states())
    snap = snapshot(base)
    new = changes(snap)
    changed = snap.with_states(new)
    plain = snapshot(base.changed(new))
    assert answers(changed) == answers(plain)
