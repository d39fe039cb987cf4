"""Startup tracing, behind ``$READER_TRACE``: with it set to a path, moments of the app's
startup (and slow library jobs, long garbage collections) are appended to that file as
``time label [cpu ms]`` lines. Without it every call here is a no-op.

The only instrumentation in the product: benchmarks measure from outside, in a terminal.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from typing import Any

PATH = os.environ.get("READER_TRACE")
SLOW_JOB = 0.02  # seconds: library jobs slower than this are noted
SLOW_GC = 0.005  # seconds: collections slower than this are noted


def trace(label: str) -> None:
    """Append ``time label`` to $READER_TRACE (when it is set)."""
    if PATH:
        with open(PATH, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time():.4f} {label} [cpu {time.process_time() * 1000:.0f}]\n")


def trace_job(fn: Callable[..., Any], started: float, thread: str = "library") -> None:
    """Note a job of the library (or compute) thread that took over ``SLOW_JOB``
    (``started``: its perf_counter)."""
    took = time.perf_counter() - started
    if PATH and took > SLOW_JOB:
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", fn)
        trace(f"{thread} job {name} took {took * 1000:.0f} ms")


def trace_gc() -> None:
    """Note every garbage collection over ``SLOW_GC`` (when $READER_TRACE is set)."""
    if not PATH:
        return
    started = [0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        elif time.perf_counter() - started[0] > SLOW_GC:
            took = (time.perf_counter() - started[0]) * 1000
            # (no gc.get_objects: listing every object took longer than most collections)
            trace(f"gc generation {info['generation']} took {took:.0f} ms, {info['collected']} freed, "
                  f"{gc.get_freeze_count()} frozen")

    gc.callbacks.append(callback)
