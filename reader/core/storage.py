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

The pieces it is built from live beside it (their names are importable from here too):
the errors in core/library_errors.py, the file format, checks and versions in
core/file_format.py, the lock in core/write_lock.py and the backups in core/backups.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from tinydb.storages import Storage

from . import json_stream
from .backups import BACKUP_INTERVAL_S, BACKUP_KEEP, Backups
from .file_format import (
    FORMAT_VERSION,
    FORMATS,
    META_TABLE,
    NEWER_FORMAT,
    STREAM_ABOVE,
    TOO_DEEP,
    UNREADABLE,
    Version,
    _meta_near_end,
    _meta_problem,
    _problem_with,
    check_json_file,
    damage,
    file_kind,
    file_version,
    format_of,
    load_json,
    meta_problem,
    tail_version,
)
from .fs import atomic_write
from .library_errors import (
    LibraryCorrupt,
    LibraryError,
    LibraryLocked,
    LibraryTooNew,
    permission_advice,
    write_problem,
)
from .write_lock import DEFAULT_LOCK_TIMEOUT, LOCK_TIMEOUT_ENV, WriteLock, lock_timeout, pid_alive, stray_temp_files

__all__ = [  # (what the rest of the code imports from here, wherever it is defined now)
    "BACKUP_INTERVAL_S", "BACKUP_KEEP", "DEFAULT_LOCK_TIMEOUT", "FORMATS", "FORMAT_VERSION", "LOCK_TIMEOUT_ENV",
    "META_TABLE", "NEWER_FORMAT", "STREAM_ABOVE", "TOO_DEEP", "UNREADABLE", "AtomicJSONStorage", "Backups",
    "LibraryCorrupt", "LibraryError", "LibraryLocked", "LibraryTooNew", "Version", "WriteLock", "_problem_with",
    "check_json_file", "damage", "file_kind", "file_version", "format_of", "load_json", "lock_timeout",
    "meta_problem", "permission_advice", "pid_alive", "stray_temp_files", "tail_version", "write_problem",
]


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
        version = ((before or (0, ""))[0] + 1, os.urandom(6).hex())
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
