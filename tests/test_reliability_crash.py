"""Crash safety, proven by killing writers: every acknowledged change survives SIGKILL.

A fork server (tests/reliability_writer.py) keeps a warm interpreter; for each round the
test has it fork a writer that marks papers read, tags them, writes notes and imports
digests as fast as it can, acknowledging each change once the library call returned.
The test SIGKILLs the writer at a random moment (sometimes before its first change,
usually in the middle of a stream of writes), then opens the library as a new process
would and checks that every file loads and every acknowledged change is there. The
next writer must get the lock at once: a killed holder never leaves a stale lock.

This supersedes the older tests/test_crash.py (25 kills), which was removed.
"""

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
from reader.core.snapshot import Snapshot
from reader.core.storage import stray_temp_files

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reliability_writer import (
    change_kind,
    digest_source,
    imported_paper,
    note_text,
    paper,
)

WRITER = Path(__file__).with_name("reliability_writer.py")
MIN_KILLS = 100
MAX_KILLS = 130
TIME_BUDGET_S = 90.0  # a guard against a hung round, not a speed requirement (the suite runs in parallel)

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not hasattr(os, "fork"), reason="needs fork and SIGKILL"
)


class ForkServer:
    def __init__(self, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.readline() == "ready"
        self.kill_window = 0.025  # seconds after the first acknowledgement to kill within

    def calibrate(self, first: int) -> int:
        """Time a few writes on this machine, now: a loaded machine writes slower, and the
        kills must still land in the middle of a stream of writes, not after its first.
        Returns the number of the last change the calibrating writer made."""
        self.proc.stdin.write(f"go {first}\n")
        self.proc.stdin.flush()
        pid = int(self.readline().split()[1])
        stamps, last = [], first
        for _ in range(6):
            last = int(self.readline())
            stamps.append(time.monotonic())
        os.kill(pid, signal.SIGKILL)
        while not (line := self.readline()).startswith("done"):
            last = int(line)
        interval = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
        self.kill_window = max(self.kill_window, 2.5 * interval)
        return last

    def readline(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"fork server died (exit {self.proc.poll()})")
        return line.strip()

    def round(self, first: int, rng: random.Random) -> tuple[list[int], int]:
        """Fork a writer, kill it at a random moment; its acknowledged changes and its pid."""
        self.proc.stdin.write(f"go {first}\n")
        self.proc.stdin.flush()
        head = self.readline()
        assert head.startswith("pid "), head
        pid = int(head.split()[1])
        acked: list[int] = []
        if rng.random() < 0.1:
            time.sleep(rng.uniform(0, 0.004))  # while it opens the library or makes change one
        else:
            first_ack = self.readline()
            assert not first_ack.startswith("error"), first_ack
            acked.append(int(first_ack))
            time.sleep(rng.uniform(0, self.kill_window))
        os.kill(pid, signal.SIGKILL)
        while True:
            line = self.readline()
            if line.startswith("done"):
                status = int(line.split()[1])
                break
            assert not line.startswith("error"), f"writer failed: {line}"
            acked.append(int(line))
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        return acked, pid

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


def check_library(data_dir: Path, acked: list[int]) -> Library:
    """Open the library afresh: every file must load and hold every acknowledged change."""
    library = Library(data_dir)
    library.load_all()
    Snapshot.load(library)
    states, notes = library.states(), library.notes()
    sources = {digest.source for digest in library.digests()}
    papers = library.papers()
    for n in acked:
        kind = change_kind(n)
        if kind == "read":
            assert states[paper(n)].read, f"acknowledged read of {paper(n)} (change {n}) lost"
        elif kind == "tag":
            assert f"t{n}" in states[paper(n)].tags, f"acknowledged tag t{n} lost"
        elif kind == "note":
            assert notes.get(paper(n)) == note_text(n), f"acknowledged note {n} lost"
        else:
            assert digest_source(n) in sources, f"acknowledged import {n} lost"
            assert imported_paper(n) in papers, f"paper of acknowledged import {n} lost"
    return library


def test_sigkill_at_random_moments_loses_no_acknowledged_change(tmp_path):
    data_dir = tmp_path / "lib"
    rng = random.Random(20240605)
    server = ForkServer(data_dir)
    acked: list[int] = []
    next_n = server.calibrate(0) + 2  # (its changes are not counted as acknowledged)
    kills = 0
    writing_rounds = 0  # rounds whose writer had acknowledged a change before it was killed
    temp_files_seen = 0
    started = time.monotonic()
    try:
        while kills < MAX_KILLS and (kills < MIN_KILLS or time.monotonic() - started < 4.0):
            assert time.monotonic() - started < TIME_BUDGET_S, f"only {kills} kills in {TIME_BUDGET_S}s"
            got, pid = server.round(next_n, rng)
            kills += 1
            acked += got
            writing_rounds += bool(got)
            # Changes are numbered: the next writer starts past anything the last one could
            # have begun, so an unacknowledged change never hides an acknowledged one.
            next_n = max([next_n, *got]) + 2
            check_library(data_dir, acked)
            leftovers = stray_temp_files(data_dir, data_dir / "backups")
            temp_files_seen += bool(leftovers)
            assert all(str(pid) in path.name for path in leftovers), leftovers
            for path in leftovers:  # what 'reader doctor' does
                path.unlink()
    finally:
        server.close()
    elapsed = time.monotonic() - started
    print(
        f"\n{kills} SIGKILLs in {elapsed:.1f}s, {len(acked)} acknowledged changes all kept; "
        f"{temp_files_seen} kills landed mid-write (left a temporary file)"
    )
    assert kills >= MIN_KILLS
    # The writers really were writing when killed (a busy machine slows them, so count the
    # rounds that acknowledged something rather than the changes).
    assert writing_rounds >= kills // 2, (writing_rounds, kills)
    assert len(Library(data_dir).backups.list("state.json")) >= 1
