"""The library's write lock (one holder at a time, across threads and processes), and
the temporary files that interrupted writes of gone processes left behind."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .file_format import load_json
from .library_errors import LibraryError, LibraryLocked, write_problem
from .text import one_line

if TYPE_CHECKING:
    from filelock import FileLock

DEFAULT_LOCK_TIMEOUT = 5.0
LOCK_TIMEOUT_ENV = "READER_LOCK_TIMEOUT"


def lock_timeout(value: float | None = None) -> float:
    """Seconds to wait for the library lock: ``value``, else ``$READER_LOCK_TIMEOUT``, else 5."""
    if value is not None:
        return value
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise LibraryError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds (like 5 or 0.5), not {raw!r}")
    return seconds


def pid_alive(pid: int) -> bool:
    """Is there a process ``pid`` on this machine? (True when we may not signal it.)"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


_TEMP_PID = re.compile(r"^\..+?\.(\d+)(?:\.\d+)?\.tmp$")


def stray_temp_files(*directories: Path) -> list[Path]:
    """Temporary files left in ``directories`` by writes that were interrupted (their process
    is gone). They are never read; removing them is always safe."""
    found = []
    for directory in directories:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            m = _TEMP_PID.match(name)
            if m and not pid_alive(int(m.group(1))):
                found.append(directory / name)
    return found


def _describe_pid(pid: int) -> str:
    """A few words about a process, for the 'library locked' message."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").strip()
    except OSError:
        return ""
    return cmdline.decode("utf-8", "replace")[:80]


class WriteLock:
    """The library's write lock: one holder at a time, across threads and processes.

    It is held only for the length of one write (or one batch of writes). It is an
    ``flock`` on ``library.lock``, which the kernel drops when its holder exits, however
    it exits: a lock left by a killed process is taken over at once, and leftover
    ``library.lock``/``library.lock.owner`` files never block anyone. Who holds it is
    recorded in ``library.lock.owner``, so a waiter that gives up after ``timeout``
    seconds (``$READER_LOCK_TIMEOUT``, default 5) can name the holder.
    """

    def __init__(self, directory: Path, timeout: float | None = None) -> None:
        timeout = lock_timeout(timeout)
        self.path = directory / "library.lock"
        self.owner_path = directory / "library.lock.owner"
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._file_lock: FileLock | None = None  # made on first use: importing filelock costs ~20 ms at startup
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def prepare(self) -> None:
        """Import the lock's module now (~20 ms), not in the first write."""
        if self._file_lock is None:
            from filelock import FileLock  # (lazy: ~10 ms, not loaded at startup)

            self._file_lock = FileLock(self.path, timeout=self.timeout, thread_local=False)

    def __enter__(self) -> WriteLock:
        from filelock import Timeout  # (lazy: ~10 ms, not loaded at startup)

        if not self._thread_lock.acquire(timeout=self.timeout):
            raise LibraryLocked(f"library {self.path.parent} is busy in this process")
        if self._depth == 0:
            try:
                self.prepare()
                assert self._file_lock is not None
                self._file_lock.acquire()
            except Timeout:
                self._thread_lock.release()
                raise LibraryLocked(self._locked_message()) from None
            except OSError as exc:  # a read-only directory, a lock file we may not open
                self._thread_lock.release()
                raise LibraryError(write_problem(self.path, exc)) from None
            self._write_owner()
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._file_lock is not None:
            self._file_lock.release()
        self._thread_lock.release()

    def _write_owner(self) -> None:
        info = {
            "pid": os.getpid(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        # A waiter reads it only after waiting `timeout` seconds, long after it was written;
        # should it ever read half of it, it says "locked by another process" instead.
        try:
            self.owner_path.write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass

    def _locked_message(self) -> str:
        waited = f"for over {self.timeout:g}s"
        try:
            info = load_json(self.owner_path.read_text(encoding="utf-8"))
            pid, started = int(info["pid"]), one_line(str(info["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            return f"library locked by another process {waited} (lock file {self.path})"
        if pid == os.getpid():
            return (
                f"library locked by another write in this same process (pid {pid}, "
                f"started {started}) {waited}"
            )
        if not pid_alive(pid):
            return (
                f"library locked by another process {waited} (the last recorded holder, "
                f"pid {pid}, is no longer running; lock file {self.path})"
            )
        what = one_line(_describe_pid(pid))
        what = f", {what}" if what else ""
        return (
            f"library locked by pid {pid} (started {started}{what}) {waited}; "
            f"if that process is hung, stop it (kill {pid}) and try again"
        )
