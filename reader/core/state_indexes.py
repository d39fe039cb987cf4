"""The states a snapshot shows, and the answers derived from them (read and tag counts,
the read set), as the app changes them: a toggle or a tag replaces the states of its papers
only (:class:`ChangedStates`), and every answer is derived from the loaded states' answers in
proportion to the papers changed (:class:`StateIndexes`). At 100,000 papers a key went over
every state again, several times (~50 ms on the UI thread)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container, Iterable, Iterator, Mapping
from typing import Any

from .records import UNTOUCHED, PaperState

__all__ = ["ChangedStates", "StateIndexes", "changed_ids"]


class ChangedStates(Mapping[str, PaperState]):
    """``base`` (the states as read) with the states of some papers replaced: what the app
    shows after a toggle or a tag, made in proportion to the papers changed (the base is
    shared, never copied). Changes on top of changes join them: one level over the base.

    Answers derived from the states (:class:`StateIndexes`) are derived from the base's the
    same way: a key at 100,000 papers no longer goes over every state again (~50 ms)."""

    __slots__ = ("base", "changes")
    base: Mapping[str, PaperState]
    changes: dict[str, PaperState]

    def __init__(self, base: Mapping[str, PaperState], changes: Mapping[str, PaperState]) -> None:
        if isinstance(base, ChangedStates):
            changes = {**base.changes, **changes}
            base = base.base
        self.base = base
        self.changes = dict(changes)

    def __getitem__(self, arxiv_id: str) -> PaperState:
        found = self.changes.get(arxiv_id)
        return found if found is not None else self.base[arxiv_id]

    def get(self, arxiv_id: str, default: Any = None) -> Any:  # (faster than Mapping's)
        found = self.changes.get(arxiv_id)
        return found if found is not None else self.base.get(arxiv_id, default)

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self.changes or arxiv_id in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        base = self.base
        yield from (i for i in self.changes if i not in base)

    def __len__(self) -> int:
        base = self.base
        return len(base) + sum(1 for i in self.changes if i not in base)


def changed_ids(old: Mapping[str, PaperState], new: Mapping[str, PaperState]) -> Iterable[str]:
    """The papers whose state may differ between ``old`` and ``new``: the changes alone when
    both are changes of one base (or one is the other's base), else every paper of both."""
    old_base = old.base if isinstance(old, ChangedStates) else old
    new_base = new.base if isinstance(new, ChangedStates) else new
    if old_base is new_base:
        return {*(old.changes if isinstance(old, ChangedStates) else ()),
                *(new.changes if isinstance(new, ChangedStates) else ())}
    return set(old).union(new)


class StateIndexes:
    """The indexes that depend only on a snapshot's states (carried like
    :class:`SnapshotIndexes`, by identity of the ``states`` dict). For
    :class:`ChangedStates`, each is the base's (``base``: its indexes) with the changed
    papers counted again."""

    def __init__(self, states: Mapping[str, PaperState], base: StateIndexes | None = None) -> None:
        self.states = states
        self.base = base if isinstance(states, ChangedStates) and base is not None and base.states is states.base \
            else StateIndexes(states.base) if isinstance(states, ChangedStates) else None
        self._tag_counts: Counter[str] | None = None
        self._read: Collection[str] | None = None
        self._within: tuple[object, Counter[str]] | None = None  # (papers, tag counts among them)
        self._read_within: tuple[object, int] | None = None  # (papers, how many of them are read)

    @property
    def whole(self) -> bool:
        """Does the state file count its sets whole (a glance: see counts_within)?"""
        states = self.states.base if isinstance(self.states, ChangedStates) else self.states
        return getattr(states, "tag_counts", None) is not None

    def _changes(self) -> Iterator[tuple[str, PaperState, PaperState]]:
        """(id, state in the base, state now) of each changed paper."""
        assert isinstance(self.states, ChangedStates)
        base = self.states.base
        for arxiv_id, state in self.states.changes.items():
            yield arxiv_id, base.get(arxiv_id, UNTOUCHED), state

    @property
    def read_ids(self) -> Collection[str]:
        """The read papers (for ``in``)."""
        found = self._read
        if found is None:
            if self.base is not None:
                read = {i for i, _, state in self._changes() if state.read}
                unread = [i for i, _, state in self._changes() if not state.read]
                # (set operations in C on the base's set: no Python work per paper)
                found = frozenset(self.base.read_ids).difference(unread).union(read)
            else:
                read_at = getattr(self.states, "read_at", None)  # (the state file keeps them)
                found = read_at if read_at is not None else frozenset(
                    i for i, state in self.states.items() if state.read)
            self._read = found
        return found

    @property
    def tag_counts(self) -> Counter[str]:
        found = self._tag_counts
        if found is None:
            if self.base is not None:
                found = self._counted_again(self.base.tag_counts, None)
            else:
                counted = getattr(self.states, "tag_counts", None)  # (the state file counts its sets)
                if counted is not None:
                    found = counted()
                else:
                    found = Counter()
                    for state in self.states.values():
                        found.update(state.tags)
            self._tag_counts = found
        return found

    def _counted_again(self, counts: Counter[str], papers: Container[str] | None) -> Counter[str]:
        """``counts`` (the base's) with the changed papers (of ``papers``) counted as they are now."""
        found = Counter(counts)
        for arxiv_id, old, new in self._changes():
            if old.tags != new.tags and (papers is None or arxiv_id in papers):
                found.subtract(old.tags)
                found.update(new.tags)
        return +found  # (no tag left at zero)

    def counts_within(self, papers: Mapping[str, object]) -> Counter[str]:
        """:attr:`tag_counts` of the papers in ``papers`` only. (A glance's state file
        counts its sets whole: the full read that follows it counts them right.)"""
        counts = self.tag_counts
        if self.whole:
            return counts
        found = self._within
        if found is None or found[0] is not papers:
            if self.base is not None:
                within = self._counted_again(self.base.counts_within(papers), papers)
            else:
                gone: Counter[str] = Counter()
                for arxiv_id, state in self.states.items():
                    if state.tags and arxiv_id not in papers:
                        gone.update(state.tags)
                within = counts - gone if gone else counts
            found = self._within = (papers, within)
        return found[1]

    def read_within(self, papers: Container[str]) -> int:
        """How many of the papers in ``papers`` are read (a state file counts its set whole)."""
        found = self._read_within
        if found is None or found[0] is not papers:
            if self.base is not None:
                count = self.base.read_within(papers)
                whole = self.whole
                for arxiv_id, old, new in self._changes():
                    if old.read != new.read and (whole or arxiv_id in papers):
                        count += 1 if new.read else -1
            else:
                counted = getattr(self.states, "read_count", None)  # (the state file counts its set)
                count = counted() if counted is not None else sum(
                    1 for i, state in self.states.items() if state.read and i in papers)
            found = self._read_within = (papers, count)
        return found[1]
