"""Kill a writer with SIGKILL at random moments; every acknowledged change must survive."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.library import Library

WRITER = Path(__file__).with_name("crash_writer.py")


def paper(n: int) -> str:
    return f"2101.{n % 100000:05d}"


def check_acknowledged(library: Library, acked: list[int]) -> None:
    states, notes = library.states(), library.notes()
    for n in acked:
        kind = n % 3
        if kind == 0:
            assert states[paper(n)].read, f"acknowledged read of {paper(n)} lost"
        elif kind == 1:
            assert f"t{n}" in states[paper(n)].tags, f"acknowledged tag t{n} lost"
        else:
            assert notes.get(paper(n), "").startswith(f"note {n} "), f"acknowledged note {n} lost"


def run_and_kill(data_dir: Path, first: int, delay: float) -> list[int]:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), str(first)],
        stdout=subprocess.PIPE,
        text=True,
    )
    # Wait for the first acknowledgement, so the kill lands while it is writing.
    acked = []
    line = proc.stdout.readline()
    if line:
        acked.append(int(line))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate()
    acked += [int(x) for x in rest.split()]
    return acked


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_during_writes_loses_nothing_acknowledged(tmp_path):
    rng = random.Random(1234)
    acked: list[int] = []
    deadline = time.monotonic() + 20
    kills = 0
    next_n = 0
    while kills < 25 and time.monotonic() < deadline:
        got = run_and_kill(tmp_path, next_n, rng.uniform(0.0, 0.08))
        kills += 1
        acked += got
        next_n = (max(acked) + 1) if acked else next_n
        library = Library(tmp_path)
        library.load_all()  # every file still parses
        check_acknowledged(library, acked)
    assert kills >= 10 and len(acked) > 50
