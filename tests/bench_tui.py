"""Startup and key-response benchmark of the TUI (a script, not a pytest test).

    .venv/bin/python tests/bench_tui.py [--runs 5] [--library DIR] [--keys/--no-keys]

1. Time to first paint of a hello-world Textual app vs. time until reader's paper list
   is on screen, on a generated library of 10,000 papers in 500 digests; and until each
   has answered a key (``j``) sent the moment it painted. Both run as whole processes
   in a pseudo-terminal (120x40), interleaved, median of ``--runs``. Each app writes a
   timestamp to ``$READER_BENCH_READY`` once the frame is out (reader: the first frame
   with the paper list; see ``ReaderApp.frame_written``) and to ``$READER_BENCH_KEY``
   once the frame answering the key is out.
2. Key response in the same library, in-process: from a key press until the first
   screen update after it.

Prints markdown tables. The generated library is cached (default
/tmp/reader-bench-tui-10k) since building it takes a while.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
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

def stamp(name):
    Path(os.environ[name]).write_text(f"{time.time():.6f} {time.process_time():.6f}")

class Hello(App):
    BINDINGS = [("j", "down", "Down")]

    def compose(self):
        yield Static("Hello, world")

    def on_mount(self):
        self.call_after_refresh(stamp, "READER_BENCH_READY")

    def action_down(self):
        self.query_one(Static).update("Hello, j")
        self.call_after_refresh(stamp, "READER_BENCH_KEY")

Hello().run()
"""


WARM_LINGER = 3.0  # seconds the warm-up run stays open: the app writes the glance when idle
LIBRARY_FORMAT = "2"  # bump when the library's files change shape (2: commentary.json apart)


def build_library(path: Path) -> Path:
    marker = path / ".bench-complete"
    if marker.exists() and marker.read_text() == LIBRARY_FORMAT:
        return path
    if path.exists():
        import shutil

        shutil.rmtree(path)
    from tests.tui.helpers import generated_digests, make_library

    print(f"building a 10k-paper library in {path} (once)…", file=sys.stderr)
    path.mkdir(parents=True, exist_ok=True)
    make_library(path, generated_digests(10_000, 500))
    marker.write_text(LIBRARY_FORMAT)
    return path


def timed_run(
    argv: list[str], timeout: float = 20.0, *, folders: Path | None = None, linger: float = 0.0
) -> tuple[float, float, float, float]:
    """Seconds from spawning ``argv`` in a 120x40 pty until it writes its ready file (its
    first paint), and until it has answered the key ``j`` sent the moment it was ready;
    then the CPU time the process had used at those two moments (all its threads: less
    sensitive than wall time to other work on the machine).

    ``folders``: where the runs' cache and export folders are (kept from run to run, as
    a user's are: the demo keeps its imported library in the cache); else new ones.
    ``linger``: seconds to leave the app running after the key (a warm-up run leaves
    the library as a session does: with its glance written, see core/glance.py).
    """
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        key = Path(tmp) / "key"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", READER_BENCH_READY=str(ready),
                   READER_BENCH_KEY=str(key), COLUMNS="120", LINES="40")
        env.pop("TEXTUAL", None)
        # Never the real user's folders (the PDF marks list the cache folder).
        for name in ("READER_DATA_DIR", "READER_CACHE_DIR", "READER_EXPORT_DIR"):
            env[name] = str(Path(folders or tmp) / name.lower())
        # Bytecode as an installed app has it: with PYTHONDONTWRITEBYTECODE set (as in some
        # dev shells) reader's own modules would be compiled from source on every start,
        # while textual's come precompiled from site-packages. Kept out of the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "reader-bench-pycache")
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

        def wait_for(path: Path) -> tuple[float, float]:
            while not path.exists() or len(path.read_text().split()) < 2:
                if proc.poll() is not None:
                    raise RuntimeError(f"{argv} exited with {proc.returncode} before writing {path.name}")
                if time.time() - start > timeout:
                    raise RuntimeError(f"{argv} did not write {path.name} within {timeout}s")
                time.sleep(0.001)
            wall, cpu = path.read_text().split()
            return float(wall) - start, float(cpu)

        try:
            painted, painted_cpu = wait_for(ready)
            os.write(master, b"j")
            answered, answered_cpu = wait_for(key)
            if linger:
                time.sleep(linger)
            return painted, answered, painted_cpu, answered_cpu
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
    folders = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    for argv in commands.values():  # warm the OS file cache and .pyc files; write the glance
        timed_run(argv, folders=folders, linger=WARM_LINGER)
    times: dict[str, list[tuple[float, ...]]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits both
        for name, argv in commands.items():
            times[name].append(timed_run(argv, folders=folders))
    os.unlink(hello)
    hello_runs = times["hello world (textual)"]
    reader_runs = times["reader, 10k papers / 500 digests"]
    print(f"\n### Startup (median of {runs} interleaved runs, whole process, 120x40 pty)\n")
    print("First paint: the first frame with the paper list of the newest digest is out")
    print("(hello: its text). Key answered: `j` is sent at first paint; the frame with the")
    print("moved cursor is out. Wall time from spawning the process; CPU time of the process.\n")
    print("| app | first paint | vs hello | key answered | vs hello | CPU at paint | vs hello | CPU at key | vs hello |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        cells = [name]
        for column in range(4):
            mine = statistics.median(v[column] for v in values)
            base = statistics.median(v[column] for v in hello_runs)
            cells += [f"{mine * 1000:.0f} ms", f"{mine / base:.2f}x"]
        print("| " + " | ".join(cells) + " |")
    pairs = sorted(r[0] / h[0] for r, h in zip(reader_runs, hello_runs))
    print(f"\nFirst paint, median of per-pair ratios (each reader run over the hello run just "
          f"before it): {statistics.median(pairs):.2f}x; spread of reader's first paint: "
          f"{min(r[0] for r in reader_runs) * 1000:.0f}–{max(r[0] for r in reader_runs) * 1000:.0f} ms.")
    base = statistics.median(v[0] for v in hello_runs)
    print(f"Budget: 1.5x hello world = {base * 1.5 * 1000:.0f} ms; 1.3x = {base * 1.3 * 1000:.0f} ms.")


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
