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
  another process changes the file;
* numbers every write in the file itself (``_meta``: a change counter and a random
  mark per write), so a reader can tell by content, not by timing, whether the file
  holds a change it has not shown yet (see :meth:`AtomicJSONStorage.changed_on_disk`);
* reads and writes big files a document at a time (core/json_stream.py), so no single
  step holds the interpreter for long, and can hand out a big file's documents one by
  one without keeping them (:meth:`AtomicJSONStorage.documents`).
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tinydb.storages import Storage

from . import json_stream
from .fs import atomic_write

if TYPE_CHECKING:
    from filelock import FileLock

FORMAT_VERSION = 1
#: Kinds of file whose layout changed since format 1 (a reader that knows only format 1
#: refuses them as written by a newer reader). ``notes-0``... share ``notes``'s.
FORMATS = {"state": 2, "notes": 2}
#: Files bigger than this are parsed a document at a time (see core/json_stream.py).
STREAM_ABOVE = 1 << 20
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


class LibraryTooNew(LibraryError):
    """A library file was written by a newer reader. It is not damaged: upgrade."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"library file {path}: {reason}")


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
        self._file_lock: FileLock | None = None  # made on first use: importing filelock costs ~20 ms at startup
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
        from .text import one_line

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


#: Python's JSON parser stops at about 1,000 levels of nesting (RecursionError): that is
#: the cap. No reader file comes near it (about 8 levels at most).
TOO_DEEP = "the JSON is nested too deeply to read (no reader file is nested like that)"
UNREADABLE = "cannot be read"


def load_json(raw: bytes | str) -> Any:
    """``json.loads`` for files from outside: JSON nested too deeply for the parser is a
    ValueError that says so, like any bad JSON, never a RecursionError."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None


def permission_advice(path: Path, exc: OSError, doing: str) -> str:
    """One line for a file or directory reader may not read or write: what to do."""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot {doing} {path}: permission denied (it is not damaged; give yourself "
            f"access, e.g. chmod u+rw {path}, or use another --data-dir)"
        )
    if exc.errno == errno.EROFS:
        return f"cannot {doing} {path}: the file system is read-only (use another --data-dir)"
    return f"cannot {doing} {path}: {exc.strerror or exc}"


def check_json_file(path: Path, kind: str | None = None) -> str | None:
    """Why ``path`` is not a readable library file (of ``kind``, when given), or None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        if isinstance(exc, PermissionError):
            return f"{UNREADABLE}: permission denied (it is not damaged: give yourself access, e.g. chmod u+rw {path})"
        return f"{UNREADABLE}: {exc.strerror or exc}"
    return _problem_with(raw, kind)[0]


def format_of(kind: str | None) -> int:
    """The format this reader writes (and reads up to) for files of ``kind``."""
    return FORMATS.get((kind or "").split("-")[0], FORMAT_VERSION)


def file_kind(data: dict[str, Any]) -> str | None:
    """The ``_meta`` kind of a parsed library file (None when it does not say)."""
    meta = data.get(META_TABLE, {}).get("1", {})
    kind = meta.get("kind") if isinstance(meta, dict) else None
    return kind if isinstance(kind, str) else None


_NUMBER_PREFIX = re.compile(r"-?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?")


def _ends_early(exc: json.JSONDecodeError) -> bool:
    """Does the JSON break off at the end of the file (a truncated file), not in the middle?"""
    rest = exc.doc[exc.pos :].rstrip()
    if not rest or exc.msg.startswith("Unterminated string"):
        return True
    if exc.msg == "Expecting value" and any(word.startswith(rest) for word in ("true", "false", "null")):
        return True
    return _NUMBER_PREFIX.fullmatch(rest) is not None


def _problem_with(raw: bytes, kind: str | None = None) -> tuple[str | None, Any]:
    """Why ``raw`` is not a library file of ``kind`` (None when it is), and its data."""
    if len(raw) > STREAM_ABOVE:
        try:
            return None, _streamed(raw, kind)
        except ValueError:
            pass  # damaged, or not what we write: the whole parse below says what is wrong
    return _whole_problem_with(raw, kind)


def _streamed(raw: bytes, kind: str | None) -> dict[str, Any]:
    """A big file parsed a document at a time; ValueError for anything but a good file."""
    data: dict[str, dict[str, Any]] = {}
    for table, doc_id, doc, _, _ in json_stream.read_documents(io.BytesIO(raw)):
        if not isinstance(doc, dict):
            raise ValueError("not a document")
        data.setdefault(table, {})[doc_id] = doc
    if _meta_problem(data, kind):
        raise ValueError("not this reader's file")
    return data


def _meta_problem(data: dict[str, Any], kind: str | None) -> str | None:
    """What the ``_meta`` table says is wrong: a newer format, or another kind of file."""
    meta = data.get(META_TABLE, {}).get("1", {})
    version = meta.get("format", FORMAT_VERSION) if isinstance(meta, dict) else None
    if not isinstance(version, int):
        return "the file's format version is unreadable"
    found = file_kind(data)
    newest = format_of(kind or found)
    if version > newest:
        return f"{NEWER_FORMAT} (format {version}; this one reads up to {newest}); upgrade reader to use it"
    if kind is not None and found is not None and found != kind:
        return f"the file holds the library's {found}, not its {kind} (was it copied here?)"
    return None


def _whole_problem_with(raw: bytes, kind: str | None = None) -> tuple[str | None, Any]:
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
        data = load_json(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        if _ends_early(exc):
            return f"the JSON stops short at {where} (the file was probably truncated)", None
        return f"invalid JSON at {where}: {exc.msg}", None
    except ValueError as exc:  # nested too deep to parse
        return str(exc), None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return "the file is JSON but not a reader library file", None
    for table, docs in data.items():
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict):
                what = f"document {doc_id[:40]!r} of table {table[:40]!r} is not an object"
                return f"the file is JSON but not a reader library file ({what})", None
    problem = _meta_problem(data, kind)
    return (problem, None) if problem else (None, data)


def _meta_near_end(text: str) -> dict[str, Any] | None:
    """The ``_meta`` table of a file's text, found without parsing the rest (we write it
    last): to refuse a newer reader's file before handing out its documents. None when
    it is not found there (the full parse decides)."""
    found = _META_AT_END.search(text, max(0, len(text) - 4096))
    if found is None:
        return None
    try:
        meta, _ = json.JSONDecoder().raw_decode(text, found.end())
    except (ValueError, RecursionError):
        return None
    return {META_TABLE: meta} if isinstance(meta, dict) else None


_META_AT_END = re.compile(r'"' + META_TABLE + r'"\s*:\s*')


def tail_version(path: Path) -> tuple[int, str, int] | None:
    """Which write of a library file is on disk, read from its last few kilobytes (this
    reader writes ``_meta`` last): ``(change, mark, size)``; None when there is no file,
    ``(0, "", size)`` when its end does not say (nothing can be told from it)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - 4096))
            tail = handle.read().decode("utf-8", "ignore")
    except FileNotFoundError:
        return None
    except OSError:
        return (0, "", -1)
    found = _meta_near_end(tail)
    version = file_version(found) if found is not None else None
    return (*(version or (0, "")), size)


def damage(path: Path, raw: bytes, kind: str | None, backups: Backups) -> LibraryError:
    """The error for a library file whose content ``raw`` did not read as one of ``kind``."""
    problem = _whole_problem_with(raw, kind)[0] or "it changed while it was being read (try again)"
    if problem.startswith(NEWER_FORMAT):
        return LibraryTooNew(path, problem)
    return LibraryCorrupt(path, problem, backups.newest(path.name))


def meta_problem(tables: dict[str, Any], kind: str | None) -> str | None:
    """What a file's ``_meta`` table (in ``tables``) says is wrong, for a file of ``kind``."""
    return _meta_problem(tables, kind)


#: Which write of a file its content is: (counter, mark). The counter goes up by one with
#: each write; the mark is random per write, so two writers can never make the same
#: version. ``(0, "")`` is a file that does not say (written by an older reader).
Version = tuple[int, str]


def file_version(data: dict[str, Any] | None) -> Version | None:
    if data is None:
        return None
    meta = data.get(META_TABLE, {}).get("1", {})
    if not isinstance(meta, dict):
        return (0, "")
    change, mark = meta.get("change", 0), meta.get("mark", "")
    if not isinstance(change, int) or not isinstance(mark, str):
        return (0, "")
    return (change, mark)


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic replace-on-write, lock-checked, backed up, stat-cached.

    It knows which version of its file it holds (:attr:`version`, from ``_meta``) and
    which version its reader has shown (:meth:`acknowledge`); its own writes carry the
    shown version forward only when they were made on top of it, so a change by another
    process that a write of ours read under the lock (and kept) is still reported by
    :meth:`changed_on_disk` until the reader acknowledges a read that has it.
    """

    def __init__(self, path: Path, *, lock: WriteLock, backups: Backups, kind: str) -> None:
        self.path = Path(path)
        self.lock = lock
        self.backups = backups
        self.kind = kind
        self._data: dict[str, Any] | None = None
        self._signature: tuple[Any, ...] | None = None
        self._version: Version | None = None  # of _data
        self._seen: Version | None = None  # what the reader has shown (acknowledge())
        self._deferred = 0
        self._pinned = 0
        self._pin_read = False  # read once inside the pinned block
        self._dirty = False

    # --- stat-keyed cache -------------------------------------------------
    def _stat_signature(self) -> tuple[Any, ...] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LibraryError(permission_advice(self.path, exc, "read library file")) from None
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)

    def disk_signature(self) -> tuple[Any, ...] | None:
        """The file as it is now: (mtime, ctime, size, inode), None when there is none."""
        return self._stat_signature()

    @property
    def signature(self) -> tuple[Any, ...] | None:
        """The file as this storage last read or wrote it (None: not read yet)."""
        return None if self._dirty else self._signature

    @property
    def version(self) -> Version | None:
        """The version of the file this storage last read or wrote (None: none yet)."""
        return self._version

    def acknowledge(self, version: Version | None) -> None:
        """The reader now shows ``version`` of the file (what it read for its view)."""
        self._seen = version

    def changed_on_disk(self) -> bool:
        """True when the file holds a change the reader has not acknowledged: another
        process wrote it since we last read it, or a read (or a write of ours, which
        reads first under the lock) brought in another process's change."""
        if self._dirty:
            return False
        return self._seen != self._version or self._stat_signature() != self._signature

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Inside the block, the file is read at most once: every read gives the same
        content (a consistent view of one file while a snapshot is built from it)."""
        if not self._pinned:
            self._pin_read = False
        self._pinned += 1
        try:
            yield
        finally:
            self._pinned -= 1

    def read(self) -> dict[str, Any] | None:
        if self._deferred and self._dirty:
            return self._data
        if self._pinned:
            if self._pin_read and self._data is not None:
                return self._data
            self._pin_read = True
        signature = self._stat_signature()
        if signature is None:
            self._data, self._signature, self._version = None, None, None
            return None
        if signature == self._signature and self._data is not None:
            return self._data
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise LibraryError(permission_advice(self.path, exc, "read library file")) from None
        problem, data = _problem_with(raw, self.kind)
        if problem:
            self._data, self._signature, self._version = None, None, None
            if problem.startswith(NEWER_FORMAT):
                raise LibraryTooNew(self.path, problem)
            raise LibraryCorrupt(self.path, problem, self.backups.newest(self.path.name))
        self._data, self._signature, self._version = data, signature, file_version(data)
        return data

    def documents(self) -> Iterator[tuple[str, str, Any]]:
        """Every document of the file as ``(table, doc id, doc)`` (``_meta`` left out),
        without keeping them: a big file is parsed as its documents are handed out, and
        the storage's cache holds nothing of it afterwards. Then :attr:`version` and
        :attr:`signature` are the file's, as after :meth:`read`. Raises what ``read``
        raises for a damaged file, possibly after handing out some of its documents."""
        signature = None if self._dirty else self._stat_signature()
        if self._data is not None and (self._dirty or signature == self._signature):
            for table, docs in list(self._data.items()):
                if table != META_TABLE:
                    for doc_id, doc in list(docs.items()):
                        yield table, doc_id, doc
            return
        if signature is None:
            self._data, self._signature, self._version = None, None, None
            return
        if signature[2] <= STREAM_ABOVE:
            self._data, self._signature = None, None
            data = self.read()  # small: parsed whole, and kept like any read
            yield from self.documents() if data is not None else ()
            return
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 (closed by the `with` below, once open errors are told apart)
        except OSError as exc:
            raise LibraryError(permission_advice(self.path, exc, "read library file")) from None
        with handle:
            st = os.fstat(handle.fileno())
            signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)  # (of what is read)
            handle.seek(max(0, st.st_size - 4096))
            early = _meta_near_end(handle.read().decode("utf-8", "ignore"))
            if early is not None and _meta_problem(early, self.kind):
                self._raise_problem(self._read_bytes())
            handle.seek(0)
            meta: dict[str, dict[str, Any]] = {}
            try:
                for table, doc_id, doc, _, _ in json_stream.read_documents(handle):
                    if not isinstance(doc, dict):
                        raise ValueError("not a document")
                    if table == META_TABLE:
                        meta.setdefault(table, {})[doc_id] = doc
                    else:
                        yield table, doc_id, doc
                if _meta_problem(meta, self.kind):
                    raise ValueError("not this reader's file")
            except ValueError:  # (UnicodeDecodeError too)
                self._raise_problem(self._read_bytes())
        self._data, self._signature, self._version = None, signature, file_version(meta)

    def _read_bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise LibraryError(permission_advice(self.path, exc, "read library file")) from None

    def _raise_problem(self, raw: bytes) -> NoReturn:
        """Raise what is wrong with ``raw``, this file's content (read whole to say so)."""
        self._data, self._signature, self._version = None, None, None
        raise damage(self.path, raw, self.kind, self.backups)

    def remember(self, signature: tuple[Any, ...] | None, version: Version | None) -> None:
        """The file was read elsewhere (core/catalog.py reads the commentary itself): this
        is the version it held. The cache is dropped, as after :meth:`release`."""
        if not self._dirty and not self._deferred:
            self._data, self._signature, self._version = None, signature, version

    def release(self) -> None:
        """Drop the parsed content (a big file's documents), keeping what is known of the
        file's version: the next read parses the file again."""
        if not self._dirty and not self._deferred:
            self._data = None

    # --- writing ----------------------------------------------------------
    def write(self, data: dict[str, Any]) -> None:
        if not self.lock.held:
            raise RuntimeError(f"write to {self.path.name} without the library lock")
        self._data = data
        if self._deferred:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        assert self._data is not None
        before = self._version  # what this write was made on (read under the lock)
        version = ((before or (0, ""))[0] + 1, secrets.token_hex(6))
        meta = {"format": format_of(self.kind), "kind": self.kind, "change": version[0], "mark": version[1]}
        self._data[META_TABLE] = {"1": meta}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.backups.maybe_backup(self.path)
            # Encoded in chunks of documents, written as they come (see json_stream.encode).
            st = atomic_write(self.path, json_stream.encode(self._data, last=META_TABLE))
        except BaseException as exc:
            # Nothing was written: forget the unwritten data, so reads come from the disk
            # again and changed_on_disk() keeps working.
            self._data, self._signature, self._version, self._dirty = None, None, None, False
            if isinstance(exc, OSError):  # disk full, read-only, permissions: say so in one line
                raise LibraryError(write_problem(self.path, exc)) from exc
            raise
        self._signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        if self._seen == before:
            self._seen = version  # our own change, on top of what the reader shows
        self._version = version
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
                self._data, self._signature, self._version = None, None, None
            raise
        self._deferred -= 1
        if not self._deferred and self._dirty:
            self._flush()

    def close(self) -> None:
        pass


def write_problem(path: Path, exc: OSError) -> str:
    """One line for a library file that could not be written, saying what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write library file {path}: {exc.strerror or exc} (free some space and try again)"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        directory = path.parent
        if not os.access(directory, os.W_OK):
            return (
                f"cannot save changes: the library directory {directory} is read-only "
                f"(make it writable, e.g. chmod u+w {directory}, or use another --data-dir)"
            )
        return permission_advice(path, exc, "write library file")
    return f"cannot write library file {path}: {exc.strerror or exc}"
