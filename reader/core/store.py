"""The library's files and reading them: :class:`Store`, the part of the library that
reads (core/library.py adds the changes).

Files in the data directory, each a TinyDB database kept by :class:`AtomicJSONStorage`:

``catalog.json``    digests (their papers as each lists them) and papers; changes on import.
``commentary.json`` each digest's commentary on each paper: the bulk of the text, read
                    per digest when shown (core/catalog.py).
``state.json``      read flags and tags, as sets of paper ids (core/state_store.py).
``notes.json``      which papers have a note; the texts are in ``notes-0.json`` ...
                    ``notes-f.json`` (core/notes_store.py), so a save rewrites a few.
``arxiv.json``      metadata fetched from arXiv.
``history.json``    the last changes, what each did and who made it (core/history.py).
``exports.json``    what ``export --split`` last wrote into each note folder, per paper
                    (core/note_folder.py): how the next export tells what changed there.
``folders.json``    the followed digest folders and what was imported from each
                    (core/followed_folders.py): what ``reader update`` imports.
``views.json``      saved views: named queries (core/saved_views.py).

A paper is stored once, whatever number of digests list it; each digest keeps its own
entry (title as written, commentary, references) for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from . import glance
from .catalog import Catalog, Commentary
from .history import Change, Origin
from .notes_store import INDEX_TABLE, SHARDS, TEXTS_TABLE, is_index, noted, shard_of, text_of
from .records import DigestRecord, PaperRecord, PaperState
from .state_store import StateFile
from .storage import AtomicJSONStorage, Backups, LibraryError, Version, WriteLock

#: The library's files (without ``.json``); the note texts' files come and go with notes.
FILES = ("catalog", "commentary", "state", "notes", "arxiv", "history", "exports", "folders", "views")
ALL_FILES = FILES + SHARDS
#: Library files no view shows: a change to them alone is no reason to read the library again.
UNSHOWN = ("history", "exports", "folders")


class Store:
    """The library in ``data_dir``: its files, and what they hold. Cheap to create; files
    are read when first asked for, and read again only when they change."""

    def __init__(
        self, data_dir: Path, *, lock_timeout: float | None = None, origin: Origin | None = None
    ) -> None:
        """``lock_timeout``: seconds to wait for another process's write; None reads
        ``$READER_LOCK_TIMEOUT`` (default 5). ``origin``: who the changes made through
        this library are recorded as (the app sets its own)."""
        self.data_dir = Path(data_dir)
        self.origin = origin or Origin.new("command")
        self.lock = WriteLock(self.data_dir, timeout=lock_timeout)
        self.backups = Backups(self.data_dir / "backups")
        self._storages: dict[str, AtomicJSONStorage] = {}
        self.commentary = Commentary(self.data_dir / "commentary.json", self.backups)
        self._catalog: Catalog | None = None
        self._state: tuple[Any, StateFile] | None = None  # (the file's data it was made from, it)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot use {self.data_dir} as the library directory: {exc.strerror or exc}") from None

    # --- plumbing ---------------------------------------------------------
    def storage(self, name: str) -> AtomicJSONStorage:
        """The storage of the file ``name`` (``catalog``, ``notes-3``...)."""
        found = self._storages.get(name)
        if found is None:
            if name not in ALL_FILES:
                raise KeyError(name)
            found = AtomicJSONStorage(
                self.data_dir / f"{name}.json", lock=self.lock, backups=self.backups, kind=name
            )
            self._storages[name] = found
        return found

    def storages(self) -> dict[str, AtomicJSONStorage]:
        return {name: self.storage(name) for name in ALL_FILES}

    def paths(self) -> list[Path]:
        """Every library file: the eight always, a note texts' file once it exists."""
        shards = [self.data_dir / f"{name}.json" for name in SHARDS]
        return [self.data_dir / f"{name}.json" for name in FILES] + [p for p in shards if p.exists()]

    def changed_on_disk(self) -> bool:
        """Does any library file hold a change not acknowledged yet (see
        :meth:`acknowledge`): another process's write, whether or not one of our own
        writes has read it since? (The history and the export records are not shown, so
        not asked.)"""
        return any(storage.changed_on_disk() for name, storage in self.storages().items() if name not in UNSHOWN)

    def versions(self) -> dict[str, Version | None]:
        """The version of each file as this library last read or wrote it."""
        return {name: storage.version for name, storage in self.storages().items()}

    def acknowledge(self, versions: dict[str, Version | None]) -> None:
        """The reader now shows these versions of these files (a view read from them)."""
        for name, version in versions.items():
            self.storage(name).acknowledge(version)

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Inside the block each file is read at most once, so a view built from several
        reads of one file is consistent even while another process writes it."""
        with ExitStack() as stack:
            for storage in self.storages().values():
                stack.enter_context(storage.pinned())
            yield

    @contextmanager
    def transaction(self, *files: str) -> Iterator[None]:
        """Hold the lock and turn the writes to ``files`` into one atomic write each,
        made at the end in the reverse order of ``files`` (the last named first)."""
        with self.lock, ExitStack() as stack:
            for name in files:
                stack.enter_context(self.storage(name).deferred())
            yield

    def raw_rows(self, file: str, table: str) -> dict[str, dict[str, Any]]:
        """A table's documents as stored (shared with the storage's cache: don't change them)."""
        tables = self.storage(file).read()
        return (tables or {}).get(table, {})

    def put(self, file: str, changes: dict[str, dict[str, dict[str, Any] | None]]) -> None:
        """Write ``changes`` (table -> doc id -> new document, None to remove it) to
        ``file`` as it is now, in one write. Under the lock (in a transaction)."""
        storage = self.storage(file)
        tables = dict(storage.read() or {})  # (copies: the cache a reader holds stays as it was)
        for table, docs in changes.items():
            rows = dict(tables.get(table) or {})
            for doc_id, doc in docs.items():
                if doc is None:
                    rows.pop(doc_id, None)
                else:
                    rows[doc_id] = doc
            tables[table] = rows
        storage.write(tables)

    # --- the catalogue and the commentary -------------------------------------
    def catalog(self) -> Catalog:
        """Every digest and paper, as compact records (read again when the file changed)."""
        storage = self.storage("catalog")
        cached = self._catalog
        if cached is not None and cached.signature == storage.disk_signature():
            return cached
        catalog = Catalog.load(storage, self.commentary.source)
        storage.release()  # the records are what is kept, not the parsed file
        self._catalog = catalog
        return catalog

    def index_commentary(self) -> None:
        """Read the commentary file through (so a damaged one is found now) and learn
        where each digest's commentary is (core/catalog.py)."""
        signature, version = self.commentary.index()
        self.storage("commentary").remember(signature, version)

    def digests(self, *, commentary: bool = True) -> list[DigestRecord]:
        """Every digest, newest first; undated ones last, by import time. Entries read
        their commentary when it is asked for; with ``commentary=False`` the commentary
        file is not read now (the lists are drawn sooner)."""
        if commentary:
            self.index_commentary()
        return list(self.catalog().digests)

    def digest(self, digest_id: str) -> DigestRecord | None:
        return next((d for d in self.catalog().digests if d.id == digest_id), None)

    def papers(self) -> dict[str, PaperRecord]:
        """Every paper by id (shared with the library's cache: don't change it)."""
        return self.catalog().papers

    def paper(self, arxiv_id: str) -> PaperRecord | None:
        return self.catalog().papers.get(arxiv_id)

    def unknown(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` not in the library. Asks the glance (core/glance.py) first: a
        few milliseconds at 100,000 papers, where reading the catalogue takes a second."""

        ids = list(ids)
        known = glance.known_ids(self)
        if known is not None and all(i in known for i in ids):
            return []
        papers = self.catalog().papers  # (no glance, a stale one, or an id it does not know)
        return [i for i in ids if i not in papers]

    # --- the reader's state -----------------------------------------------------
    def state_file(self) -> StateFile:
        """``state.json`` as it is now (see core/state_store.py)."""
        data = self.storage("state").read()
        cached = self._state
        if cached is not None and cached[0] is data:
            return cached[1]
        found = StateFile(data)
        self._state = (data, found)
        return found

    def states(self) -> dict[str, PaperState]:
        return self.state_file().states()

    def state(self, arxiv_id: str) -> PaperState:
        return self.state_file().state(arxiv_id)

    def _note_index(self) -> dict[str, Any] | None:
        return self.storage("notes").read()

    def notes(self) -> dict[str, str]:
        """Every note's text by paper id."""
        index = self._note_index()
        found: dict[str, str] = {}
        if not is_index(index):  # (format 1: the texts are in notes.json itself; any in
            # their own files are newer: a format 1 backup put back over format 2)
            found = {i: t for i, doc in (index or {}).get(TEXTS_TABLE, {}).items() if (t := text_of(doc))}
        for shard in SHARDS:
            for arxiv_id, doc in ((self.storage(shard).read() or {}).get(TEXTS_TABLE) or {}).items():
                if text := text_of(doc):
                    found[arxiv_id] = text
        return found

    def note(self, arxiv_id: str) -> str:
        text = text_of(self.raw_rows(shard_of(arxiv_id), TEXTS_TABLE).get(arxiv_id))
        if text or is_index(self._note_index()):
            return text
        return text_of(self.raw_rows("notes", TEXTS_TABLE).get(arxiv_id))  # (format 1)

    def noted_ids(self) -> list[str]:
        """The papers with a note (from the index: the texts are not read)."""
        index = self._note_index()
        if not is_index(index):
            return list(self.notes())
        return noted(index)

    def metadata(self) -> dict[str, dict[str, Any]]:
        """arXiv fetch records by id: ``{status, fetched_at, error, metadata}``."""
        return dict(self.raw_rows("arxiv", "papers"))

    def metadata_for(self, arxiv_id: str) -> dict[str, Any] | None:
        doc = self.raw_rows("arxiv", "papers").get(arxiv_id)
        return dict(doc) if doc is not None else None

    def history(self) -> list[Change]:
        """Every step kept (the last :data:`HISTORY_LIMIT`), oldest first."""
        rows = self.raw_rows("history", "changes")
        changes = [Change.from_doc(int(doc_id), doc) for doc_id, doc in rows.items() if doc_id.isdigit()]
        return sorted(changes, key=lambda change: change.seq)

    def load_all(self) -> None:
        """Read (and so check) every library file; raises LibraryCorrupt. The big ones
        are read a document at a time into compact records (core/catalog.py)."""
        self.catalog()
        self.index_commentary()
        for name in ("state", "notes", "arxiv", "history"):
            self.storage(name).read()
        if is_index(self._note_index()):
            for shard in SHARDS:
                self.storage(shard).read()


__all__ = ["ALL_FILES", "FILES", "INDEX_TABLE", "Store"]
