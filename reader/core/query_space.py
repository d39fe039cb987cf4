"""Papers numbered for one query's evaluation, so every set of papers is a bitset.

The engine (``reader/core/engine.py``) evaluates a query over a :class:`Space`: the index's
slots (or, without an index, the library's papers in order) and then any other papers the
caller asked about. A list of ids to filter (the app's view, filtered keystroke after keystroke)
is a :class:`View`: its bitset and its slots in the list's order, made once per list.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping

from .bitsets import bits_of, bits_of_array, mask_of

__all__ = ["NumberedIds", "Space", "View"]


class Space:
    """The papers one evaluation ranges over, numbered, so that every set of papers is a
    bitset (``reader/core/bitsets.py``): the index's slots (without an index, the library's
    papers in order), then any others the caller asked about (papers a digest mentions that
    are not in the library, or a catalogue newer than the index)."""

    __slots__ = ("base", "extra", "extra_slot", "size", "slot")

    def __init__(self, base: list[str], slot: Mapping[str, int], extra: list[str]) -> None:
        self.base, self.slot, self.extra = base, slot, extra
        self.extra_slot = {arxiv_id: len(base) + k for k, arxiv_id in enumerate(extra)}
        self.size = len(base) + len(extra)

    def id_of(self, n: int) -> str:
        return self.base[n] if n < len(self.base) else self.extra[n - len(self.base)]

    def slots(self, ids: Iterable[str]) -> list[int | None]:
        """Each id's slot (None: not in this space); C speed for the base's papers."""
        ids = ids if isinstance(ids, (list, tuple)) else list(ids)
        found: list[int | None] = list(map(self.slot.get, ids))
        if self.extra_slot:
            extra = self.extra_slot
            found = [s if s is not None else extra.get(i) for s, i in zip(found, ids, strict=True)]
        return found

    def bits(self, ids: Iterable[str]) -> int:
        """The bitset of ``ids`` (those in this space)."""
        slots = [s for s in self.slots(ids) if s is not None]
        return bits_of_array(slots, self.size) if len(slots) > 256 else bits_of(slots)


class View:
    """A list of ids given to :meth:`Engine.filter` (a view of the app, say), as a bitset and as
    an array of slots in the list's order: made once per list, as a view is filtered keystroke
    after keystroke."""

    __slots__ = ("bits", "ids", "order", "space")

    def __init__(self, space: Space, ids: list[str]) -> None:
        import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

        self.space, self.ids = space, ids
        slots = space.slots(ids)
        self.order = np.fromiter((-1 if s is None else s for s in slots), dtype=np.int64, count=len(slots))
        self.bits = bits_of_array(self.order[self.order >= 0], space.size)

    def kept(self, found: int) -> list[str]:
        """The view's ids (in its order) whose bit is set in ``found``."""
        if found == self.bits:
            return list(self.ids)
        if not found:
            return []
        import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

        mask = mask_of(found, self.space.size)
        where = np.flatnonzero(mask[self.order] & (self.order >= 0)).tolist()
        if len(where) == 1:
            return [self.ids[where[0]]]
        return list(operator.itemgetter(*where)(self.ids)) if where else []


class NumberedIds(list[str]):
    """The library's ids with their slots, when there is no index to number them."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids)
        self.slot = {arxiv_id: n for n, arxiv_id in enumerate(ids)}
