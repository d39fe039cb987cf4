"""The benchmark's user-facing figures, measured from outside in a real terminal (tmux).

Every time here is what a person at the terminal would see: the app runs in a tmux pane
(tests/terminal.py), keys are typed into it, and the screen tmux shows is read until it
shows the answer. Nothing in the app is hooked, patched or told it is being measured.

- startup: from asking tmux to start the program until the newest digest's first titles
  are on screen (read every 10 ms), against a hello-world Textual app measured the same
  way, interleaved (hello, reader, hello, reader, ...);
- ``j``: from typing ``j`` until the screen first differs (read every 2 ms);
- filter: from typing a character until the paper list's pane stops changing;
- key to disk: from typing until the library file's mtime changes;
- memory: the app's peak RSS (VmHWM, from /proc) once it is idle with everything read,
  then after a search.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.terminal import Pane, Screen, TerminalError, Tmux

HELLO = """\
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static("hello-ready")


Hello().run()
"""
HELLO_READY = "hello-ready"
STARTUP_TIMEOUT = 180.0  # seconds: a first start at 100,000 papers reads ~100 MB
ANSWER_TIMEOUT = 30.0  # seconds a filter keystroke may take before the app is called stuck
FILTER_TEXTS = ("attention", "인코더", "author:kingma", "tag:gan is:unread")


@dataclass
class App:
    """How to start the app on a library in a pane of ``tmux``."""

    tmux: Tmux
    argv: list[str]  # the reader command, without --data-dir
    env: dict[str, str]
    cwd: Path
    needles: list[str]  # text that is on screen once the newest digest's titles are
    hello: Path = field(init=False)

    def __post_init__(self) -> None:
        self.hello = self.cwd / "hello.py"

    def start(self, data: Path) -> Pane:
        return self.tmux.start([*self.argv, "--data-dir", str(data)], env=self.env, cwd=self.cwd)

    def start_ready(self, data: Path) -> Pane:
        """Started, its titles shown, and idle for 2 s (everything read, indexes built)."""
        pane = self.start(data)
        pane.wait_for(self.needles, timeout=STARTUP_TIMEOUT)
        pane.settle(quiet=2.0, timeout=STARTUP_TIMEOUT)
        return pane


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:,.0f} ms"


def spread(samples: list[float]) -> str:
    return f"p50 {ms(statistics.median(samples))}, p95 {ms(p95(samples))}"


# --- startup -------------------------------------------------------------------------
def time_to_titles(pane: Pane, needles: list[str], quit_keys: tuple[str, ...]) -> float:
    """Seconds until ``needles`` are all on screen, then quit as a person does."""
    try:
        return pane.wait_for(needles, timeout=STARTUP_TIMEOUT, interval=0.01)
    finally:
        pane.quit(*quit_keys, timeout=STARTUP_TIMEOUT)


@dataclass
class Startup:
    hello: list[float]
    first: list[float]  # the library as `reader import` leaves it, each run on a fresh copy
    later: list[float]  # after the app has run once (idle) and quit
    first_hello: list[float]  # the hello run just before each reader run
    later_hello: list[float]
    glance_after_import: bool
    glance_after_use: bool

    def row(self, which: str) -> str:
        mine = self.first if which == "first" else self.later
        before = self.first_hello if which == "first" else self.later_hello
        base = statistics.median(self.hello)
        median = statistics.median(mine)
        pairs = statistics.median(m / h for m, h in zip(mine, before, strict=False))
        return (f"{ms(median)} vs hello world {ms(base)}: **{median / base:.2f}x** "
                f"(median of run pairs {pairs:.2f}x; {min(mine) * 1000:,.0f}–{max(mine) * 1000:,.0f} ms)")


def prepare_used(app: App, pristine: Path, used: Path) -> None:
    """``used``: the library after the app has run on it once, until idle, and quit."""
    shutil.rmtree(used, ignore_errors=True)
    shutil.copytree(pristine, used)
    pane = app.start_ready(used)
    if not pane.quit("q", timeout=STARTUP_TIMEOUT):
        raise TerminalError("the app did not quit on q")


def startup(app: App, pristine: Path, used: Path, runs: int) -> Startup:
    """Interleaved: hello, first start (fresh copy of ``pristine``), hello, later start."""
    app.hello.write_text(HELLO, encoding="utf-8")
    hello_argv = [sys.executable, str(app.hello)]  # the Python (and textual) the app runs on

    def hello() -> float:
        return time_to_titles(app.tmux.start(hello_argv, env=app.env, cwd=app.cwd), [HELLO_READY], ("C-q",))

    first = used.parent / "first-start"
    hello()  # warm the OS file cache and the .pyc files of both
    prepare_used(app, pristine, used)
    result = Startup([], [], [], [], [], (pristine / "glance.json").exists(), (used / "glance.json").exists())
    for n in range(runs):
        shutil.rmtree(first, ignore_errors=True)
        shutil.copytree(pristine, first)
        result.first_hello.append(hello())
        result.first.append(time_to_titles(app.start(first), app.needles, ("q",)))
        result.later_hello.append(hello())
        result.later.append(time_to_titles(app.start(used), app.needles, ("q",)))
        result.hello += [result.first_hello[-1], result.later_hello[-1]]
        log(f"    startup run {n + 1}: hello {ms(result.first_hello[-1])}, first {ms(result.first[-1])}, "
            f"hello {ms(result.later_hello[-1])}, later {ms(result.later[-1])}")
    shutil.rmtree(first, ignore_errors=True)
    return result


# --- keys ----------------------------------------------------------------------------
def j_answered(pane: Pane, presses: int) -> tuple[list[float], list[float]]:
    """``j`` typed into an idle app: until the screen first changes (the cursor moved),
    and until it last changed before staying still for 0.3 s (the detail pane shown)."""
    first, last = [], []
    for _ in range(presses):
        pane.settle(quiet=0.2)
        before = pane.screen(colours=True)
        sent = pane.keys("j")
        took = pane.wait_change(before, sent, timeout=10)
        if took is None:
            raise TerminalError(f"j changed nothing on screen:\n{pane.text()}")
        first.append(took)
        later = pane.last_change(pane.screen(colours=True), sent, quiet=0.3, timeout=10)
        last.append(max(took, later or 0.0))
    return first, last


def escape(pane: Pane) -> None:
    """Escape, then a pause: a key right after it would arrive as alt+key."""
    pane.keys("Escape")
    time.sleep(0.3)


def list_pane(screen: Screen) -> Callable[[Screen], Screen]:
    """A view of the screen: the lines down to the paper list's bottom border (the
    border shows "N/M read · filter: ..."), where the filter's result shows."""
    for row, line in enumerate(screen):
        if "╯" in line and " read" in line.rsplit("╰", 1)[-1]:
            return lambda current: current[: row + 1]
    raise TerminalError("no paper list on screen:\n" + "\n".join(screen))


@dataclass
class Filtering:
    samples: list[float] = field(default_factory=list)
    unchanged: int = 0  # keystrokes after which the list's pane did not change
    stuck: str | None = None  # the query the app did not answer within ANSWER_TIMEOUT

    def row(self) -> str:
        text = f"{spread(self.samples)} over {len(self.samples)} keystrokes" if self.samples else "no keystroke answered"
        if self.unchanged:
            text += f" ({self.unchanged} changed nothing)"
        if self.stuck is not None:
            text += f"; typing to {self.stuck!r}: **not answered within {ANSWER_TIMEOUT:.0f} s** (stopped there)"
        return text


def filter_keystrokes(pane: Pane) -> Filtering:
    """In an idle app: ``/``, then each of FILTER_TEXTS typed a character at a time and
    erased; each keystroke timed until the list's pane stops changing. A keystroke that
    leaves the query the same but for spaces is typed but not timed (nothing changes
    on screen). Stops at a keystroke the app is still busy with after ANSWER_TIMEOUT."""
    pane.keys("/")
    time.sleep(0.3)
    view = list_pane(pane.screen())
    pane.settle(quiet=0.3, view=view)
    result = Filtering()
    for text in FILTER_TEXTS:
        queries = [text[:n] for n in range(1, len(text) + 1)] + [text[:n] for n in range(len(text) - 1, -1, -1)]
        previous = ""
        for query in queries:
            before = view(pane.screen(colours=True))
            sent = pane.type(query[-1]) if len(query) > len(previous) else pane.keys("BSpace")
            took = None
            if query.strip() != previous.strip():
                took = pane.last_change(before, sent, view=view, quiet=0.15, timeout=ANSWER_TIMEOUT)
            try:
                pane.settle(quiet=0.15, view=view, timeout=ANSWER_TIMEOUT)
            except TerminalError:
                result.stuck = query
                return result
            if took is not None:
                result.samples.append(took)
            elif query.strip() != previous.strip():
                result.unchanged += 1
            previous = query
    escape(pane)
    return result


def all_papers(pane: Pane) -> None:
    """Switch the list to All papers, with keys: the sidebar, its first line, enter."""
    for key in ("BTab", "g", "Enter"):  # one at a time: focus moves between them
        pane.settle(quiet=0.2)
        pane.keys(key)
    deadline = time.perf_counter() + 30
    while "All papers ─" not in pane.text():
        if time.perf_counter() > deadline:
            raise TerminalError("could not switch to All papers:\n" + pane.text())
        time.sleep(0.05)


@dataclass
class Keys:
    j_digest: tuple[list[float], list[float]]  # first change, last change
    j_all: tuple[list[float], list[float]]
    filtering: Filtering


def keys(app: App, used: Path, presses: int) -> Keys:
    pane = app.start_ready(used)
    filtering = Filtering()
    try:
        j_digest = j_answered(pane, presses)
        all_papers(pane)
        j_all = j_answered(pane, presses)
        filtering = filter_keystrokes(pane)
    finally:
        if filtering.stuck is None:
            pane.quit("q", timeout=60)
        else:
            pane.kill()  # still busy: it would not see a q for minutes
    return Keys(j_digest, j_all, filtering)


def key_to_disk(app: App, used: Path, runs: int) -> dict[str, list[float]]:
    """Key typed until the change is in the library file on disk (its mtime moves)."""

    def mtime(path: Path | list[Path]) -> int:
        paths = path if isinstance(path, list) else [path]
        return hash(tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in paths))

    def until_written(path: Path | list[Path], before: int, sent: float) -> float:
        while time.perf_counter() < sent + 10:
            if mtime(path) != before:
                return time.perf_counter() - sent
            time.sleep(0.0002)
        raise TerminalError(f"{path if isinstance(path, Path) else 'no note file'} was not written within 10 s")

    # A note's text is in one of notes-0.json ... notes-f.json (notes.json lists which
    # papers have one): the first of them to change is the save.
    state, notes = used / "state.json", [used / "notes.json", *(used / f"notes-{n:x}.json" for n in range(16))]
    samples: dict[str, list[float]] = {"read": [], "tag": [], "note": []}
    pane = app.start_ready(used)
    try:
        for _ in range(runs):
            for kind, key in (("read", "Space"), ("tag", "1")):
                before = mtime(state)
                samples[kind].append(until_written(state, before, pane.keys(key)))
                time.sleep(0.05)
            pane.keys("n")
            time.sleep(0.2)
            pane.type("o")
            time.sleep(0.2)
            before = mtime(notes)
            samples["note"].append(until_written(notes, before, pane.type("k")))
            time.sleep(0.05)
            escape(pane)
            pane.keys("j")
            time.sleep(0.1)
    finally:
        pane.quit("q", timeout=STARTUP_TIMEOUT)
    return samples


# --- memory --------------------------------------------------------------------------
def memory(app: App, used: Path) -> tuple[int, int]:
    """Peak RSS once the app is idle with everything read; then after a search."""
    pane = app.start_ready(used)
    try:
        read = pane.peak_rss()
        pane.keys("s")
        time.sleep(0.3)
        pane.type("attention")
        deadline = time.perf_counter() + STARTUP_TIMEOUT
        while "papers · " not in pane.text() and "paper · " not in pane.text():
            if time.perf_counter() > deadline:
                raise TerminalError("the search showed no result:\n" + pane.text())
            time.sleep(0.05)
        pane.settle(quiet=2.0, view=lambda screen: [])  # (the input's cursor blinks)
        searched = pane.peak_rss()
        escape(pane)
    finally:
        pane.quit("q", timeout=STARTUP_TIMEOUT)
    return read, searched
