"""A real terminal for the benchmark, read from outside: programs run in tmux panes.

The app is started, typed at and read exactly as a person's terminal would: tmux runs it
in a pseudo-terminal, parses what it writes (a real terminal emulator) and we read the
screen tmux shows, with or without colours. Nothing is hooked into the program.

One private tmux server (``tmux -L``, no config file) per :class:`Tmux`, driven by one
control-mode client (``tmux -C``): commands go down its stdin and replies come back on its
stdout, so reading the screen costs a round trip (~0.3 ms), not a process start. That is
what lets the benchmark read the screen every 2-10 ms without loading the machine.

    with Tmux() as tmux:
        pane = tmux.start(["python", "hello.py"])
        seconds = pane.wait_for(["hello"])          # from the start command to the text
        pane.quit()
"""

from __future__ import annotations

import os
import queue
import shlex
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Self

Screen = list[str]
CLOCK_TICK = 1 / os.sysconf("SC_CLK_TCK")


class TerminalError(RuntimeError):
    """tmux refused a command, went away, or a program did not do what was waited for."""


def available() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    """A private tmux server with its control-mode client; panes are ``size`` cells."""

    def __init__(self, size: tuple[int, int] = (120, 40)) -> None:
        if not available():
            raise TerminalError("tmux is not installed (apt-get install tmux)")
        self.size = size
        self.socket = f"reader-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._replies: queue.Queue[tuple[bool, list[str]] | None] = queue.Queue()
        self._lock = threading.Lock()
        width, height = size
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "-C",
             "new-session", "-s", "keeper", "-x", str(width), "-y", str(height), "sleep 86400"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        threading.Thread(target=self._read_replies, daemon=True).start()
        self._reply(timeout=10)  # the new-session that started the client
        self.command("set-option", "-g", "status", "off")  # the pane is the whole window
        self.command("set-option", "-wg", "remain-on-exit", "on")  # a dead pane keeps its last screen

    def _read_replies(self) -> None:
        """(Thread.) Turn the client's output into one reply per command; notifications
        (lines starting with ``%`` outside a reply) are of no interest here."""
        assert self._client.stdout is not None
        block: list[str] | None = None
        for raw in self._client.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if block is None:
                if line.startswith("%begin "):
                    block = []
            elif line.startswith(("%end ", "%error ")):
                self._replies.put((line.startswith("%end "), block))
                block = None
            else:
                block.append(line)
        self._replies.put(None)  # the server or the client is gone

    def _reply(self, timeout: float) -> list[str]:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise TerminalError(f"tmux did not answer within {timeout} s") from None
        if reply is None:
            raise TerminalError("tmux exited")
        ok, lines = reply
        if not ok:
            raise TerminalError("tmux: " + " ".join(lines))
        return lines

    def command(self, *args: str, timeout: float = 10.0) -> list[str]:
        """Run one tmux command; its output lines. Every argument is quoted (no ``;``,
        ``$VAR`` or ``#`` is ever interpreted)."""
        line = " ".join(shlex.quote(arg) for arg in args) + "\n"
        with self._lock:
            assert self._client.stdin is not None
            try:
                self._client.stdin.write(line.encode("utf-8"))
                self._client.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise TerminalError("tmux exited") from None
            return self._reply(timeout)

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Pane:
        """Start ``argv`` (TERM=xterm-256color, plus ``env``) in a new pane; its
        ``started`` is the moment just before tmux was asked to."""
        name = "run-" + uuid.uuid4().hex[:8]
        width, height = self.size
        settings = [f"{key}={value}" for key, value in {"TERM": "xterm-256color", **(env or {})}.items()]
        started = time.perf_counter()
        self.command("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                     "-c", str(cwd or Path.cwd()), "env", *settings, *argv)
        return Pane(self, name, started)

    def close(self) -> None:
        try:
            subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10, check=False)
            folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
            (folder / self.socket).unlink(missing_ok=True)  # (tmux leaves it behind)
        finally:
            if self._client.stdin:
                self._client.stdin.close()
            try:
                self._client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._client.kill()
                self._client.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Pane:
    """One program in its own tmux session, read from outside."""

    def __init__(self, tmux: Tmux, name: str, started: float) -> None:
        self.tmux, self.name, self.started = tmux, name, started
        self._pid: int | None = None

    # --- reading ----------------------------------------------------------------------
    def screen(self, colours: bool = False) -> Screen:
        """The screen's lines as tmux shows them (with ``colours``: with SGR escapes)."""
        args = ["capture-pane", "-p", "-t", self.name] + (["-e"] if colours else [])
        return self.tmux.command(*args)

    def text(self) -> str:
        return "\n".join(self.screen())

    def last_words(self) -> str:
        """The screen with a screenful of history above it, for an error message: when
        the program exits, tmux scrolls its last screen up to say so."""
        try:
            lines = self.tmux.command("capture-pane", "-p", "-S", f"-{self.tmux.size[1]}", "-t", self.name)
        except TerminalError as exc:
            return str(exc)
        return "\n".join(lines).strip("\n")

    def info(self, fmt: str) -> str:
        lines = self.tmux.command("display-message", "-p", "-t", self.name, fmt)
        return lines[0] if lines else ""

    @property
    def pid(self) -> int:
        if self._pid is None:
            pid = self.info("#{pane_pid}")
            if not pid.isdigit():
                raise TerminalError(f"{self.name} is gone")
            self._pid = int(pid)
        return self._pid

    def dead(self) -> bool:
        """Has the program exited (its pane kept, or closed already)?"""
        return self.info("#{pane_dead}") != "0"  # ("1", or "" when the pane is gone)

    def cpu_seconds(self) -> float:
        """CPU time the program has used so far, all its threads (from /proc)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) * CLOCK_TICK  # utime, stime

    def peak_rss(self) -> int:
        """The program's peak resident memory so far, in bytes (VmHWM, from /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise TerminalError(f"no VmHWM for process {self.pid}")

    # --- typing -----------------------------------------------------------------------
    def keys(self, *names: str) -> float:
        """Press keys by tmux name (``j``, ``Space``, ``Escape``, ``BTab``, ``Enter``,
        ``BSpace``); returns the moment they were sent."""
        sent = time.perf_counter()
        self.tmux.command("send-keys", "-t", self.name, *names)
        return sent

    def type(self, text: str) -> float:
        """Type ``text`` literally; returns the moment it was sent."""
        sent = time.perf_counter()
        self.tmux.command("send-keys", "-t", self.name, "-l", "--", text)
        return sent

    # --- waiting ----------------------------------------------------------------------
    def wait_for(self, needles: Iterable[str], timeout: float = 60.0, interval: float = 0.01) -> float:
        """Read the screen every ``interval`` until every needle is on it; seconds since
        the program was started."""
        wanted = list(needles)
        deadline = time.perf_counter() + timeout
        while True:
            now = time.perf_counter()
            text = self.text()
            if all(needle in text for needle in wanted):
                return now - self.started
            if now > deadline or self.dead():
                raise TerminalError(f"{wanted!r} not on screen after {now - self.started:.1f} s:\n{self.last_words()}")
            time.sleep(interval)

    def wait_change(
        self,
        before: Screen,
        since: float,
        *,
        view: Callable[[Screen], Screen] = lambda screen: screen,
        colours: bool = True,
        timeout: float = 5.0,
        interval: float = 0.002,
    ) -> float | None:
        """Seconds from ``since`` until the first screen read that differs from
        ``before`` (compared through ``view``, e.g. only the list's lines); None if
        nothing changed within ``timeout``. ``before`` is a screen as ``view`` returns it."""
        while True:
            now = time.perf_counter()
            if view(self.screen(colours)) != before:
                return now - since
            if now - since > timeout:
                return None
            time.sleep(interval)

    def last_change(
        self,
        before: Screen,
        since: float,
        *,
        view: Callable[[Screen], Screen] = lambda screen: screen,
        quiet: float = 0.15,
        timeout: float = 10.0,
        interval: float = 0.002,
    ) -> float | None:
        """Seconds from ``since`` until the last change of the screen (through ``view``)
        before it stayed the same for ``quiet`` seconds: when the result was complete.
        None if it never differed from ``before``."""
        current, changed = before, None
        while True:
            now = time.perf_counter()
            screen = view(self.screen(True))
            if screen != current:
                current, changed = screen, now
            if changed is not None and now - changed >= quiet:
                return changed - since
            if now - since > timeout:
                return None if changed is None else changed - since
            time.sleep(interval)

    def settle(self, quiet: float = 0.3, timeout: float = 120.0, cpu_share: float = 0.1,
               view: Callable[[Screen], Screen] = lambda screen: screen) -> float:
        """Wait until the program is idle: the screen (through ``view``) unchanged and
        under ``cpu_share`` of a core used for ``quiet`` seconds. Returns the seconds
        since the program started."""
        deadline = time.perf_counter() + timeout
        screen, changed = view(self.screen(True)), time.perf_counter()
        samples: list[tuple[float, float]] = []
        while True:
            time.sleep(0.02)
            now = time.perf_counter()
            current = view(self.screen(True))
            if current != screen:
                screen, changed = current, now
            samples.append((now, self.cpu_seconds()))
            samples = [s for s in samples if now - s[0] <= quiet + 0.05]
            if now - changed >= quiet and now - samples[0][0] >= quiet * 0.9:
                used = samples[-1][1] - samples[0][1]
                if used <= cpu_share * (now - samples[0][0]) + CLOCK_TICK:
                    return now - self.started
            if now > deadline:
                raise TerminalError(f"{self.name} still busy after {timeout:.0f} s")
            if self.dead():
                raise TerminalError(f"the program exited:\n{self.last_words()}")

    # --- ending -----------------------------------------------------------------------
    def quit(self, *keys: str, timeout: float = 30.0, again: float = 5.0) -> bool:
        """Press ``keys`` (default ``q``) until the program exits (again every ``again``
        seconds: a key typed while it starts may be lost), then close the pane. Returns
        whether it exited by itself within ``timeout`` (else it was killed)."""
        exited = False
        try:
            deadline = time.perf_counter() + timeout
            pressed = 0.0
            while not (exited := self.dead()) and time.perf_counter() < deadline:
                if time.perf_counter() - pressed >= again:
                    pressed = self.keys(*(keys or ("q",)))
                time.sleep(0.02)
        finally:
            self.kill()
        return exited

    def kill(self) -> None:
        try:
            self.tmux.command("kill-session", "-t", self.name)
        except TerminalError:
            pass  # already gone
