"""Crash-safe JSON storage for TinyDB, an inter-process write lock, and rotating backups.

TinyDB's own JSONStorage rewrites its file in place, so a crash can leave it empty or
half-written, and two processes writing at once corrupt it. This storage instead:

* writes every change to a temporary file, fsyncs it, ``os.replace``\\s it over the old
  file and fsyncs the directory, so a crash leaves the old state or the new one;
* only writes while this process holds the library's lock (see :class:`WriteLock`),
  and re-reads the file under that lock, so changes by other processes are never undone;
* never overwrites a file it could not parse, and says which backup is the newest;
* keeps a few rotating backups of every file;
* caches what it parsed, keyed by the file's stat signature, so reads are free until
  another process changes the file.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from tinydb.storages import Storage

from .fs import atomic_write

FORMAT_VERSION = 1
META_TABLE = "_meta"
BACKUP_KEEP = 5
BACKUP_INTERVAL_S = 3600.0
DEFAULT_LOCK_TIMEOUT = 5.0
LOCK_TIMEOUT_ENV = "READER_LOCK_TIMEOUT"
NEWER_FORMAT = "it was written by a newer reader"


class LibraryError(Exception):
    """A problem with the library that a user can act on; ``str()`` is one line."""


class LibraryLocked(LibraryError):
    """Another process held the write lock for longer than we are willing to wait."""


class LibraryCorrupt(LibraryError):
    """A library file does not parse. It is left exactly as it is."""

    def __init__(self, path: Path, reason: str, backup: Path | None) -> None:
        self.path = path
        self.reason = reason
        self.backup = backup
        hint = (
            f"; newest backup: {backup} (run 'reader doctor --restore')"
            if backup
            else "; no backup exists (run 'reader doctor' for how to start over)"
        )
        super().__init__(f"library file {path} is damaged: {reason}{hint}")


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
        self._file_lock = None  # made on first use: importing filelock costs ~20 ms at startup
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def prepare(self) -> None:
        """Import the lock's module now (~20 ms), not in the first write."""
        if self._file_lock is None:
            from filelock import FileLock

            self._file_lock = FileLock(self.path, timeout=self.timeout, thread_local=False)

    def __enter__(self) -> WriteLock:
        from filelock import Timeout

        if not self._thread_lock.acquire(timeout=self.timeout):
            raise LibraryLocked(f"library {self.path.parent} is busy in this process")
        if self._depth == 0:
            try:
                self.prepare()
                self._file_lock.acquire()
            except Timeout:
                self._thread_lock.release()
                raise LibraryLocked(self._locked_message()) from None
            self._write_owner()
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
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
        from .text import one_line

        waited = f"for over {self.timeout:g}s"
        try:
            info = json.loads(self.owner_path.read_text(encoding="utf-8"))
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


class Backups:
    """Rotating copies of library files in ``<data dir>/backups``."""

    def __init__(
        self, directory: Path, keep: int = BACKUP_KEEP, interval: float = BACKUP_INTERVAL_S
    ) -> None:
        self.directory = directory
        self.keep = keep
        self.interval = interval
        self._last: dict[str, float] = {}

    def list(self, name: str) -> list[Path]:
        """Backups of the file called ``name``, newest first."""
        stem = Path(name).stem
        if not self.directory.is_dir():
            return []
        found = sorted(self.directory.glob(f"{stem}.*.json"), reverse=True)
        return [path for path in found if path.name.count(".") == 2]

    def newest(self, name: str) -> Path | None:
        backups = self.list(name)
        return backups[0] if backups else None

    def maybe_backup(self, path: Path) -> None:
        """Copy ``path`` (known good: it was just parsed) if its last backup is old."""
        now = time.time()
        last = self._last.get(path.name)
        if last is None:
            newest = self.newest(path.name)
            last = newest.stat().st_mtime if newest else 0.0
        if now - last < self.interval or not path.exists():
            self._last[path.name] = last
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = self.directory / f"{path.stem}.{stamp}.json"
        atomic_write(target, path.read_bytes())
        self._last[path.name] = now
        for old in self.list(path.name)[self.keep :]:
            old.unlink(missing_ok=True)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading the library.

    Parsing JSON and building records makes hundreds of thousands of objects and no
    cycles; collections during the load more than double its time. (What to do with
    them afterwards, ``gc.freeze`` for instance, is the program's choice: the command
    line freezes them, the app has its own policy in ``reader/tui/heap.py``.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_json_file(path: Path) -> str | None:
    """Why ``path`` is not a readable library file, or None when it is."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return _problem_with(raw)[0]


_NUMBER_PREFIX = re.compile(r"-?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?")


def _ends_early(exc: json.JSONDecodeError) -> bool:
    """Does the JSON break off at the end of the file (a truncated file), not in the middle?"""
    rest = exc.doc[exc.pos :].rstrip()
    if not rest or exc.msg.startswith("Unterminated string"):
        return True
    if exc.msg == "Expecting value" and any(word.startswith(rest) for word in ("true", "false", "null")):
        return True
    return _NUMBER_PREFIX.fullmatch(rest) is not None


def _problem_with(raw: bytes) -> tuple[str | None, Any]:
    if not raw.strip():
        return "the file is empty (it may have been truncated)", None
    if b"\0" in raw[:4096]:
        return "the file holds binary data, not JSON", None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return "the file stops short in the middle of a character (it was probably truncated)", None
        return f"the file is not UTF-8 text (bad byte at offset {exc.start}; it may hold binary data)", None
    try:
        with gc_paused():
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        if _ends_early(exc):
            return f"the JSON stops short at {where} (the file was probably truncated)", None
        return f"invalid JSON at {where}: {exc.msg}", None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return "the file is JSON but not a reader library file", None
    for table, docs in data.items():
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict):
                what = f"document {doc_id[:40]!r} of table {table[:40]!r} is not an object"
                return f"the file is JSON but not a reader library file ({what})", None
    meta = data.get(META_TABLE, {}).get("1", {})
    version = meta.get("format", FORMAT_VERSION) if isinstance(meta, dict) else None
    if not isinstance(version, int):
        return "the file's format version is unreadable", None
    if version > FORMAT_VERSION:
        formats = f"format {version}; this one reads up to {FORMAT_VERSION}"
        return f"{NEWER_FORMAT} ({formats}); upgrade reader to use it", None
    return None, data


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic replace-on-write, lock-checked, backed up, stat-cached."""

    def __init__(self, path: Path, *, lock: WriteLock, backups: Backups, kind: str) -> None:
        self.path = Path(path)
        self.lock = lock
        self.backups = backups
        self.kind = kind
        self._data: dict | None = None
        self._signature: tuple | None = None
        self._deferred = 0
        self._dirty = False

    # --- stat-keyed cache -------------------------------------------------
    def _stat_signature(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)

    def disk_signature(self) -> tuple | None:
        """The file as it is now: (mtime, ctime, size, inode), None when there is none."""
        return self._stat_signature()

    @property
    def signature(self) -> tuple | None:
        """The file as this storage last read or wrote it (None: not read yet)."""
        return None if self._dirty else self._signature

    def changed_on_disk(self) -> bool:
        """True when another process has written the file since we last read it."""
        return not self._dirty and self._stat_signature() != self._signature

    def read(self) -> dict | None:
        if self._deferred and self._dirty:
            return self._data
        signature = self._stat_signature()
        if signature is None:
            self._data, self._signature = None, None
            return None
        if signature == self._signature and self._data is not None:
            return self._data
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise LibraryError(f"cannot read library file {self.path}: {exc.strerror}") from None
        problem, data = _problem_with(raw)
        if problem:
            self._data, self._signature = None, None
            raise LibraryCorrupt(self.path, problem, self.backups.newest(self.path.name))
        self._data, self._signature = data, signature
        return data

    # --- writing ----------------------------------------------------------
    def write(self, data: dict) -> None:
        if not self.lock.held:
            raise RuntimeError(f"write to {self.path.name} without the library lock")
        data[META_TABLE] = {"1": {"format": FORMAT_VERSION, "kind": self.kind}}
        self._data = data
        if self._deferred:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        assert self._data is not None
        try:
            # A lone surrogate (an undecodable byte of a file name) becomes a \udcXX JSON
            # escape: the file stays valid UTF-8 and reads back exactly.
            payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "backslashreplace"
            )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.backups.maybe_backup(self.path)
            st = atomic_write(self.path, payload)
        except BaseException as exc:
            # Nothing was written: forget the unwritten data, so reads come from the disk
            # again and changed_on_disk() keeps working.
            self._data, self._signature, self._dirty = None, None, False
            if isinstance(exc, OSError):  # disk full, read-only, permissions: say so in one line
                raise LibraryError(f"cannot write library file {self.path}: {exc.strerror or exc}") from exc
            raise
        self._signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        self._dirty = False

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Collect the writes made inside the block into one write at its end.

        Must be used under the write lock. If the block raises, nothing is written and
        the next read reloads the file from disk.
        """
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            if not self._deferred:
                self._dirty = False
                self._data, self._signature = None, None
            raise
        self._deferred -= 1
        if not self._deferred and self._dirty:
            self._flush()

    def close(self) -> None:
        pass
