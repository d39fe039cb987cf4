"""Startup and key-response benchmark of the TUI (a script, not a pytest test).

    .venv/bin/python tests/bench_tui.py [--runs 5] [--library DIR] [--keys/--no-keys]

1. Time to first paint of a hello-world Textual app vs. time until reader's paper list
   is on screen, on a generated library of 10,000 papers in 500 digests. Both run as
   whole processes in a pseudo-terminal (120x40), interleaved, median of ``--runs``.
   Each app writes a timestamp to ``$READER_BENCH_READY`` when it is ready (reader
   does so after the list has been painted; see ``ReaderApp.bench_ready``).
2. Key response in the same library, in-process: from a key press until the first
   screen update after it.

Prints markdown tables. The generated library is cached (default
/tmp/reader-bench-tui-10k) since building it takes a while.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELLO = """
import os, time
from pathlib import Path
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

    def on_mount(self):
        self.call_after_refresh(
            lambda: Path(os.environ["READER_BENCH_READY"]).write_text(f"{time.time():.6f}")
        )

Hello().run()
"""


def build_library(path: Path) -> Path:
    marker = path / ".bench-complete"
    if marker.exists():
        return path
    from tests.tui.helpers import generated_digests, make_library

    print(f"building a 10k-paper library in {path} (once)…", file=sys.stderr)
    path.mkdir(parents=True, exist_ok=True)
    make_library(path, generated_digests(10_000, 500))
    marker.write_text("ok")
    return path


def timed_run(argv: list[str], timeout: float = 20.0) -> float:
    """Seconds from spawning ``argv`` in a 120x40 pty until it writes its ready file."""
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", READER_BENCH_READY=str(ready), COLUMNS="120", LINES="40")
        env.pop("TEXTUAL", None)
        stop = threading.Event()

        def drain() -> None:
            while not stop.is_set():
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        start = time.time()
        proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                cwd=ROOT, start_new_session=True)
        try:
            while not ready.exists() or not ready.read_text().strip():
                if proc.poll() is not None:
                    raise RuntimeError(f"{argv} exited with {proc.returncode} before it was ready")
                if time.time() - start > timeout:
                    raise RuntimeError(f"{argv} was not ready after {timeout}s")
                time.sleep(0.002)
            return float(ready.read_text()) - start
        finally:
            proc.kill()
            proc.wait()
            stop.set()
            os.close(slave)
            os.close(master)


def startup(library: Path, runs: int) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(HELLO)
        hello = handle.name
    python = sys.executable
    commands = {
        "hello world (textual)": [python, hello],
        "reader, 10k papers / 500 digests": [python, "-m", "reader.tui", str(library)],
    }
    for argv in commands.values():  # warm the OS file cache and .pyc files
        timed_run(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(timed_run(argv))
    os.unlink(hello)
    base = statistics.median(times["hello world (textual)"])
    print(f"\n### Startup: time until interactive (median of {runs}, 120x40 pty)\n")
    print("| app | median | min | max | vs hello world |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.0f} ms | {min(values) * 1000:.0f} ms | "
              f"{max(values) * 1000:.0f} ms | {median / base:.2f}x |")
    print(f"\nBudget: 1.5x hello world = {base * 1.5 * 1000:.0f} ms.")


async def key_response(library: Path) -> None:
    from textual.screen import Screen

    from reader.core.library import Library
    from reader.tui.app import ReaderApp
    from tests.tui.conftest import ready, settle

    refreshes: list[float] = []
    original = Screen._compositor_refresh

    def patched(self) -> None:
        original(self)
        refreshes.append(time.perf_counter())

    Screen._compositor_refresh = patched
    app = ReaderApp(Library(library))
    rows = []
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause(0.5)

        async def measure(label: str, keys: list[str], before=None) -> None:
            samples = []
            if before:
                await before()
            for key in keys:
                refreshes.clear()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause(0.08)
                after = [r for r in refreshes if r > start]
                if after:
                    samples.append(after[0] - start)
            if samples:
                rows.append((label, statistics.median(samples), max(samples), len(samples)))

        await measure("j (move down)", ["j"] * 15)
        await measure("k (move up)", ["k"] * 10)
        await measure("space (toggle read)", ["space", "j"] * 6)
        await measure("1 (toggle top tag)", ["1", "j"] * 6)
        await measure("] / [ (change week)", ["left_square_bracket", "right_square_bracket"] * 4)

        async def all_view() -> None:
            app.screen.view = "all"
            await pilot.pause(0.2)

        await measure("j in All papers (10k rows)", ["j"] * 10, before=all_view)
        await measure("space in All papers", ["space"] * 6)

        async def open_filter() -> None:
            await pilot.press("slash")

        await measure("filter keystroke (10k rows)", list("attention"), before=open_filter)
        await settle(pilot)
    Screen._compositor_refresh = original
    print("\n### Key response: key press to the next screen update (10k library, in-process)\n")
    print("| key | median | max | samples |")
    print("|---|---:|---:|---:|")
    for label, median, worst, count in rows:
        print(f"| {label} | {median * 1000:.1f} ms | {worst * 1000:.1f} ms | {count} |")
    print("\n(the pilot's own wait is not counted; a toggle's disk write happens after, on the library thread)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench-tui-10k")
    parser.add_argument("--keys", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    library = build_library(args.library)
    startup(library, args.runs)
    if args.keys:
        import shutil

        with tempfile.TemporaryDirectory() as tmp:  # key tests write: work on a copy
            copy = Path(tmp) / "lib"
            shutil.copytree(library, copy)
            asyncio.run(key_response(copy))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
