"""The app's startup as explicit state: how much of the library is loaded, and what follows.

The first screen is drawn from the smallest read that can draw it (the glance, or the
lists without the commentary); everything else comes after the first paint, in steps that
never stand between a key and its answer:

====================  ==========================================================
phase                 what the app has
====================  ==========================================================
``NOTHING``           nothing read yet
``GLANCE``            the first screen's papers (core/glance.py): the list is drawn
``LISTS``             every record, no commentary: the detail pane can be built
``ALL``               everything: export, search, stats and fetch can run
``INDEXED``           the query index and the mention index are made too
====================  ==========================================================

:class:`Startup` owns the phase and every step and timer of the sequence. The main screen
gives it each loaded snapshot (``SnapshotLoaded``) and the end of the index build
(``IndexesBuilt``); it sets the screen's ``phase`` var (bound into the panes) and
``settled`` (the first moments are over: the footer and the detail's tabs may come).
Actions that need the whole library wait with ``await startup.reached(LoadPhase.ALL)``.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

from reader.core.snapshot import Read, Snapshot

from .trace import trace


class LoadPhase(enum.IntEnum):
    NOTHING = 0
    GLANCE = 1
    LISTS = 2
    ALL = 3
    INDEXED = 4


PHASE_OF_READ = {Read.GLANCE: LoadPhase.GLANCE, Read.LISTS: LoadPhase.LISTS, Read.ALL: LoadPhase.ALL}


class StartupHost(Protocol):
    """What :class:`Startup` drives (the main screen)."""

    phase: LoadPhase
    settled: bool

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> Any: ...

    def call_after_refresh(self, callback: Callable[[], Any]) -> Any: ...

    def load(self, future: Future[Any]) -> None:
        """Wait for a load on the library thread, and show it (SnapshotLoaded)."""

    def first_paint_done(self) -> None:
        """The list is on screen: let the collector run again."""

    def start_background_work(self) -> None:
        """Start the rest of the load, and the imports the detail pane needs."""

    def settle(self) -> None:
        """The first moments are over: the footer."""

    def build_indexes(self) -> None:
        """Build the query and mention indexes off the UI thread; post IndexesBuilt after."""

    def loaded_all(self) -> None:
        """The whole library is read (the first time)."""


class Startup:
    """See the module docstring."""

    INPUT_FIRST = 0.05  # seconds after the first paint before the background work starts
    SETTLE_AFTER = 0.08  # seconds after that: the footer and the detail's tabs

    def __init__(self, host: StartupHost) -> None:
        self.host = host
        self._shown = False
        self.painted = False  # the first snapshot's screen has been drawn
        self._started = False  # the background work has started (after the first paint)
        self._indexing = False
        self._events: dict[LoadPhase, asyncio.Event] = {}

    @property
    def phase(self) -> LoadPhase:
        return self.host.phase

    def _advance(self, phase: LoadPhase) -> None:
        if phase <= self.host.phase:
            return
        trace(f"phase {phase.name}")
        self.host.phase = phase
        for wanted, event in self._events.items():
            if wanted <= phase:
                event.set()

    async def reached(self, phase: LoadPhase) -> None:
        """Return once the phase is ``phase`` or later."""
        if self.host.phase >= phase:
            return
        event = self._events.setdefault(phase, asyncio.Event())
        await event.wait()

    # --- the steps ------------------------------------------------------------------------
    def shown(self, snapshot: Snapshot) -> None:
        """A snapshot is on screen (each load's, and the first)."""
        was = self.host.phase
        self._advance(PHASE_OF_READ[snapshot.read])
        if not self._shown:
            self._shown = True
            self.host.call_after_refresh(self._first_paint)
        if was < LoadPhase.ALL <= self.host.phase:
            self.host.loaded_all()
            # At once (once the first paint is done): the query index is read from its
            # saved copy (or built) off the UI thread, so a filter with words answers soon.
            if self._started:
                self.index()

    def _first_paint(self) -> None:
        trace("after first paint")
        self.painted = True
        self.host.first_paint_done()
        # Keys typed ahead (or at once) are answered before the background work starts.
        self.host.set_timer(self.INPUT_FIRST, self._after_input)

    def _after_input(self) -> None:
        self._started = True
        self.host.start_background_work()
        self.index()  # (when the first snapshot was the whole library already)
        # The footer and the tabs a moment later: a key pressed as soon as the list shows
        # is answered first, and the rest of the library is on its way meanwhile.
        self.host.set_timer(self.SETTLE_AFTER, self._settle)

    def _settle(self) -> None:
        self.host.settle()
        self.host.settled = True

    def index(self) -> None:
        """Make the indexes now (once the whole library is read, or the filter opened), once."""
        if self._indexing or self.host.phase < LoadPhase.ALL:
            return
        self._indexing = True
        self.host.build_indexes()

    def indexed(self) -> None:
        """IndexesBuilt arrived."""
        self._advance(LoadPhase.INDEXED)
