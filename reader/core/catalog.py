"""The catalogue and the commentary in memory: compact, read in short steps.

``catalog.json`` (digests and papers) is read a document at a time and each document
becomes a compact record at once (core/records.py: entries as tuples, repeated strings
shared), so the parsed JSON never exists all at once; at 100,000 papers the records take
a fifth of the memory of the parsed file, and no step of the read holds the interpreter
for more than a few milliseconds (the app's keys are answered meanwhile).

``commentary.json`` is the bulk of the text (~55 MB at 100,000 papers). It is not kept
in memory: reading it once, a document at a time, checks it and learns where each
digest's document is in the file; a digest's commentary is then read from there when it
is shown (the last few are kept).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from msgspec import Struct

from . import json_stream
from .records import DigestRecord, Interner, PaperRecord
from .storage import (
    META_TABLE,
    AtomicJSONStorage,
    Backups,
    LibraryError,
    Version,
    damage,
    file_version,
    meta_problem,
    permission_advice,
)

DIGESTS = "digests"
PAPERS = "papers"


def newest_first(digest: DigestRecord) -> tuple[dt.date, str]:
    """The digests' order, reversed: undated ones last, by import time."""
    return (digest.date or dt.date.min, digest.imported_at)


class Catalog(Struct, frozen=True):
    """Every digest (newest first) and every paper, as one version of catalog.json has them."""

    digests: tuple[DigestRecord, ...]
    papers: dict[str, PaperRecord]
    signature: tuple[Any, ...] | None  # the file's (see AtomicJSONStorage.signature)
    version: Version | None = None  # which write of it (see storage.file_version)

    @classmethod
    def load(cls, storage: AtomicJSONStorage, texts_for: Callable[[str], Callable[[], Mapping[str, str]]] | None) -> Catalog:
        """Read ``storage`` (catalog.json) a document at a time. ``texts_for(digest id)``:
        where the digest's entries read their commentary (None: they have none)."""
        intern = Interner()
        digests: dict[str, DigestRecord] = {}
        papers: dict[str, PaperRecord] = {}
        for table, doc_id, doc in storage.documents():
            if table == PAPERS:
                paper = PaperRecord.from_doc(doc_id, doc, intern)
                papers[paper.arxiv_id] = paper
            elif table == DIGESTS:
                texts = texts_for(doc_id) if texts_for is not None else None
                digests[doc_id] = DigestRecord.from_doc(doc_id, doc, texts, intern)
        ordered = sorted(digests.values(), key=newest_first, reverse=True)
        return cls(tuple(ordered), papers, storage.signature, storage.version)


class Commentary:
    """Each digest's commentary, read from ``commentary.json`` when it is asked for.

    :meth:`index` reads the file once, a document at a time: it checks it (a damaged
    file raises, as any library read does) and notes where each digest's document is.
    :meth:`texts` then reads one document from there. Safe to use from any thread; it
    never touches the library's storage objects (the library thread's), only the file.
    """

    KEEP = 8  # digests' commentary kept after reading

    def __init__(self, path: Path, backups: Backups, kind: str = "commentary") -> None:
        self.path = path
        self.backups = backups
        self.kind = kind
        self._lock = threading.RLock()
        self._where: dict[str, tuple[int, int]] | None = None  # digest id -> (byte offset, length)
        self._signature: tuple[Any, ...] | None = None
        self._version: Version | None = None
        self._recent: OrderedDict[str, dict[str, str]] = OrderedDict()

    @property
    def indexed(self) -> bool:
        return self._where is not None

    def source(self, digest_id: str) -> Callable[[], Mapping[str, str]]:
        """What a digest's entries call to read their commentary."""
        return partial(self.texts, digest_id)

    def index(self) -> tuple[tuple[Any, ...] | None, Version | None]:
        """Read the file through (checking it) and note where each digest's commentary is.
        Returns the file's signature and version, as the storage would have them. Read
        again only when the file changed since."""
        with self._lock:
            if self._where is not None and _signature(self.path) == self._signature:
                return self._signature, self._version
            try:
                handle = open(self.path, "rb")  # noqa: SIM115 (closed by the `with` below, once open errors are told apart)
            except FileNotFoundError:
                self._where, self._signature, self._version = {}, None, None
                self._recent.clear()
                return None, None
            except OSError as exc:
                raise LibraryError(permission_advice(self.path, exc, "read library file")) from None
            with handle:
                st = os.fstat(handle.fileno())
                where, version = self._offsets(handle, st.st_size)
            self._where, self._version = where, version
            self._signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            self._recent.clear()
            return self._signature, version

    def _offsets(self, handle: BinaryIO, size: int) -> tuple[dict[str, tuple[int, int]], Version | None]:
        """Where each digest's document is in the file (read a megabyte at a time)."""
        where: dict[str, tuple[int, int]] = {}
        meta: dict[str, dict[str, Any]] = {}
        try:
            for table, doc_id, doc, start, end in json_stream.read_documents(handle, offsets=True):
                if not isinstance(doc, dict):
                    raise ValueError("not a document")
                if table == META_TABLE:
                    meta.setdefault(table, {})[doc_id] = doc
                elif table == DIGESTS:
                    where[doc_id] = (start, end - start)
            if meta_problem(meta, self.kind) or any(start + length > size for start, length in where.values()):
                raise ValueError("not this reader's file")
        except ValueError:  # (UnicodeDecodeError too)
            raise damage(self.path, self.path.read_bytes(), self.kind, self.backups) from None
        return where, file_version(meta)

    def forget(self) -> None:
        """The file was just written (by this process): read it through again when asked."""
        with self._lock:
            self._where = None
            self._recent.clear()

    def texts(self, digest_id: str) -> Mapping[str, str]:
        """Paper id -> the digest's commentary on it (empty when it has none). The last few
        digests' are kept as they were read; one read from the file is read as it is now
        (and if the file changed, what was kept goes: see :meth:`_read`)."""
        with self._lock:
            found = self._recent.get(digest_id)
            if found is not None:
                self._recent.move_to_end(digest_id)
                return found
            found = self._read(digest_id)
            self._recent[digest_id] = found
            while len(self._recent) > self.KEEP:
                self._recent.popitem(last=False)
            return found

    def _read(self, digest_id: str) -> dict[str, str]:
        for _ in range(3):  # (read through again if the file is replaced meanwhile)
            if self._where is None:
                self.index()
            where = (self._where or {}).get(digest_id)
            try:
                with open(self.path, "rb") as handle:
                    st = os.fstat(handle.fileno())
                    if (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino) != self._signature:
                        self._where = None  # replaced since: read through again, and forget
                        self._recent.clear()  # what was kept of the old one
                        continue
                    if where is None:
                        return {}
                    handle.seek(where[0])
                    doc = json.loads(handle.read(where[1]))
            except FileNotFoundError:
                return {}
            except (OSError, ValueError):
                self._where = None  # read it through again: a damaged file says so
                continue
            return {k: v for k, v in doc.items() if isinstance(v, str)} if isinstance(doc, dict) else {}
        return {}


def _signature(path: Path) -> tuple[Any, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
