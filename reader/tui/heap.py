"""How the app uses Python's garbage collector, so that it never stalls a key.

At 10,000 papers the library in memory is some 200,000 containers that live as long as
the app. CPython's full collections walk all of them: 50-90 ms, felt between two keys.
So, when the app is started by ``run_app`` (tests leave the collector alone):

* no collections until the first paint (startup makes many objects and frees few);
* what the first paint, the first full read and the indexes built after it made is
  frozen (``gc.freeze``): never walked again, still freed by reference counting;
* full collections run when no key or mouse event has come for half a second (and the
  library thread is not reading with the collector paused), and otherwise ten times less often than Python's default;
* the UI thread gets the interpreter back within 1 ms (``sys.setswitchinterval``), not the
  default 5, while the library thread reads in the background.

Everything is restored as it was when the app exits (:meth:`HeapKeeper.restore`). Tuned on
CPython 3.11.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

IDLE_SECONDS = 1.0  # how often to look for a quiet moment to collect garbage
FULL_EVERY = 100  # generation-1 collections between automatic full ones (Python: 10)
SWITCH_INTERVAL = 0.001  # seconds a thread runs before another may take the interpreter


class HeapKeeper:
    def __init__(self) -> None:
        self.active = False
        self._was_enabled = True
        self._thresholds: tuple[int, int, int] | None = None
        self._frozen: set[str] = set()
        self._switch_interval: float | None = None
        self.last_input = 0.0

    def pause(self) -> None:
        """Before startup: no collections until :meth:`resume`; the UI thread first."""
        self.active = True
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)

    def resume(self) -> bool:
        """After the first paint; True the first time (then call :meth:`collect_when_idle`
        every ``IDLE_SECONDS``)."""
        if not self.active or self._thresholds is not None:
            return False
        self.freeze("startup", collect=False)  # (nothing collected yet: walking it all costs ~30 ms)
        self._thresholds = gc.get_threshold()
        gc.set_threshold(self._thresholds[0], self._thresholds[1], FULL_EVERY)
        if self._was_enabled:
            gc.enable()
        return True

    def freeze(self, moment: str, *, collect: bool = True) -> None:
        """Freeze what exists now, once per ``moment``: after the young garbage is
        collected (with ``collect``); older garbage is frozen with it, so this is done
        at a few moments, never on every reload."""
        if self.active and moment not in self._frozen:
            self._frozen.add(moment)
            if collect:
                gc.collect(1)
            gc.freeze()

    def collect_when_idle(self) -> None:
        if not gc.isenabled():  # the library thread is reading (paused): not in the middle of it
            return
        if time.monotonic() - self.last_input > IDLE_SECONDS / 2 and gc.get_count()[2] > 0:
            gc.collect()

    def restore(self) -> None:
        """When the app has quit: the collector as it was."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
        if self.active and self._was_enabled:
            gc.enable()
        if self._frozen:
            gc.unfreeze()
            self._frozen.clear()
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        self.active = False


@contextmanager
def paused() -> Iterator[None]:
    """No collections while the library thread parses the library: it makes hundreds of
    thousands of objects and no cycles, and collections during it more than double its
    time. (Any thread: the collector is process-wide; it is restored as it was.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
