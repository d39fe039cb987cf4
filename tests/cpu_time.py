"""CPU time for tests that bound an algorithm's cost: other processes on a busy machine
don't count, as they would in wall-clock time."""

from __future__ import annotations

import time
from collections.abc import Callable


def cpu_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    """The CPU time ``run`` takes, the best of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best
