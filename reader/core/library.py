"""The library: digests, papers, and the reader's own state, in TinyDB files.

Files in the data directory, each a TinyDB database kept by :class:`AtomicJSONStorage`:

``catalog.json``   digests (their papers as each lists them) and papers; changes on import.
``commentary.json`` each digest's commentary on each paper: the bulk of the text, apart
                  so the app can show the lists before it has read it.
``state.json``     per-paper read flag and tags; small, rewritten on every toggle.
``notes.json``     the reader's notes, apart so a toggle never rewrites them.
``arxiv.json``     metadata fetched from arXiv.
``history.json``   the last changes, what each did and who made it (core/history.py).
``exports.json``   what ``export --split`` last wrote into each note folder, per paper
                  (core/note_folder.py): how the next export tells what changed there.

A paper is stored once, whatever number of digests list it; each digest keeps its own
entry (title as written, commentary, references) for it. Every document is keyed by a
string id (the arXiv id for papers) so a change touches one document, never a scan.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document, Table

from .history import (
    HISTORY_LIMIT,
    Change,
    Origin,
    UndoOutcome,
    inverse,
    state_step,
    step_doc,
    trim,
)
from .models import ParsedDigest
from .note_merge import merge_notes
from .records import (
    DigestRecord,
    ImportResult,
    NoteSaved,
    PaperEdit,
    PaperRecord,
    PaperState,
    normalize_tag,
    now_iso,
)
from .storage import (
    AtomicJSONStorage,
    Backups,
    LibraryError,
    Version,
    WriteLock,
    pid_alive,
)

FILES = ("catalog", "commentary", "state", "notes", "arxiv", "history", "exports")
#: The format of an ``exports.json`` folder record this reader writes and reads.
EXPORT_RECORD_FORMAT = 1
#: Library files no view shows: a change to them alone is no reason to read the library again.
_UNSHOWN = ("history", "exports")


class _Table(Table):
    document_id_class = str


class _Database(TinyDB):
    table_class = _Table


class Library:
    """The reader's library in ``data_dir``. Cheap to create; files are read lazily."""

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
        self._dbs: dict[str, _Database] = {}
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot use {self.data_dir} as the library directory: {exc.strerror or exc}") from None

    # --- plumbing ---------------------------------------------------------
    def _db(self, name: str) -> _Database:
        db = self._dbs.get(name)
        if db is None:
            db = _Database(
                self.data_dir / f"{name}.json",
                storage=AtomicJSONStorage,
                lock=self.lock,
                backups=self.backups,
                kind=name,
            )
            self._dbs[name] = db
        return db

    def _table(self, file: str, table: str) -> _Table:
        return self._db(file).table(table, cache_size=0)

    def storages(self) -> dict[str, AtomicJSONStorage]:
        return {name: self._db(name).storage for name in FILES}  # type: ignore[misc]

    def paths(self) -> list[Path]:
        return [self.data_dir / f"{name}.json" for name in FILES]

    def changed_on_disk(self) -> bool:
        """Does any library file hold a change not acknowledged yet (see
        :meth:`acknowledge`): another process's write, whether or not one of our own
        writes has read it since? (The history and the export records are not shown, so
        not asked.)"""
        return any(storage.changed_on_disk() for name, storage in self.storages().items() if name not in _UNSHOWN)

    def versions(self) -> dict[str, Version | None]:
        """The version of each file as this library last read or wrote it."""
        return {name: storage.version for name, storage in self.storages().items()}

    def acknowledge(self, versions: dict[str, Version | None]) -> None:
        """The reader now shows these versions of these files (a view read from them)."""
        storages = self.storages()
        for name, version in versions.items():
            storages[name].acknowledge(version)

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
                stack.enter_context(self._db(name).storage.deferred())  # type: ignore[attr-defined]
            yield

    def _rows(self, table: _Table) -> dict[str, dict]:
        """A table's documents as stored, without copies: from our storage's ``read()``
        (the whole file's dict), the one bulk read without TinyDB's per-document copies."""
        tables = table.storage.read()
        return (tables or {}).get(table.name, {})

    def raw_rows(self, file: str, table: str) -> dict[str, dict]:
        """A table's documents as stored (shared with the storage's cache: don't change them)."""
        return self._rows(self._table(file, table))

    # --- reading ----------------------------------------------------------
    def digests(self, *, commentary: bool = True) -> list[DigestRecord]:
        """Every digest, newest first; undated ones last, by import time.

        With ``commentary=False`` entries come without commentary, and the big
        commentary file is not read: enough to draw the lists.
        """
        texts = self._rows(self._table("commentary", "digests")) if commentary else {}
        records = [
            DigestRecord.from_doc(doc_id, doc, texts.get(doc_id))
            for doc_id, doc in self._rows(self._table("catalog", "digests")).items()
        ]
        records.sort(key=lambda d: (d.date or dt.date.min, d.imported_at), reverse=True)
        return records

    def digest(self, digest_id: str) -> DigestRecord | None:
        doc = self._table("catalog", "digests").get(doc_id=digest_id)
        if doc is None:
            return None
        return DigestRecord.from_doc(
            digest_id, doc, self._table("commentary", "digests").get(doc_id=digest_id)
        )

    def papers(self) -> dict[str, PaperRecord]:
        rows = self._rows(self._table("catalog", "papers"))
        return {doc_id: PaperRecord.from_doc(doc_id, doc) for doc_id, doc in rows.items()}

    def paper(self, arxiv_id: str) -> PaperRecord | None:
        doc = self._table("catalog", "papers").get(doc_id=arxiv_id)
        return PaperRecord.from_doc(arxiv_id, doc) if doc is not None else None

    def states(self) -> dict[str, PaperState]:
        rows = self._rows(self._table("state", "papers"))
        return {doc_id: PaperState.from_doc(doc) for doc_id, doc in rows.items()}

    def state(self, arxiv_id: str) -> PaperState:
        return PaperState.from_doc(self._table("state", "papers").get(doc_id=arxiv_id))

    def notes(self) -> dict[str, str]:
        rows = self._rows(self._table("notes", "notes"))
        return {doc_id: doc.get("text", "") for doc_id, doc in rows.items() if doc.get("text")}

    def note(self, arxiv_id: str) -> str:
        doc = self._table("notes", "notes").get(doc_id=arxiv_id)
        return doc.get("text", "") if doc else ""

    def metadata(self) -> dict[str, dict]:
        """arXiv fetch records by id: ``{status, fetched_at, error, metadata}``."""
        return dict(self._rows(self._table("arxiv", "papers")))

    def metadata_for(self, arxiv_id: str) -> dict | None:
        doc = self._table("arxiv", "papers").get(doc_id=arxiv_id)
        return dict(doc) if doc is not None else None

    def history(self) -> list[Change]:
        """Every step kept (the last :data:`HISTORY_LIMIT`), oldest first."""
        rows = self._rows(self._table("history", "changes"))
        changes = [Change.from_doc(int(doc_id), doc) for doc_id, doc in rows.items() if doc_id.isdigit()]
        return sorted(changes, key=lambda change: change.seq)

    def load_all(self) -> None:
        """Read (and so validate) every library file; raises LibraryCorrupt."""
        for name in FILES:
            self._db(name).storage.read()

    # --- importing --------------------------------------------------------
    def find_digest(self, *, sha256: str | None = None, source: str | None = None) -> str | None:
        for doc_id, doc in self._rows(self._table("catalog", "digests")).items():
            if (sha256 and doc.get("sha256") == sha256) or (source and doc.get("source") == source):
                return doc_id
        return None

    def import_digests(
        self, items: Iterable[tuple[ParsedDigest, str]]
    ) -> list[ImportResult]:
        """Store parsed digests, each with the sha256 of what it was parsed from.

        One lock and one write per file for the whole batch. A file of several sections stores
        a digest per section (and drops the sections it no longer has). Read and tag state is
        left alone but for tags a digest gives a paper, added the first time it gives them; a
        note the digest carries (as our export writes them) becomes the paper's note when it has
        none, and otherwise stays in the commentary.
        """
        from .import_batch import ImportBatch

        with self.transaction("catalog", "commentary", "notes", "state"):
            batch = ImportBatch(
                stamp=now_iso(),
                digests=self._rows(self._table("catalog", "digests")),
                papers=self._rows(self._table("catalog", "papers")),
                states=self._rows(self._table("state", "papers")),
                notes=lambda: self._rows(self._table("notes", "notes")),  # read only for a note to add
            )
            results = [batch.add(parsed, sha256) for parsed, sha256 in items]
            if batch.removed:
                for name in ("catalog", "commentary"):
                    table = self._table(name, "digests")
                    gone = [doc_id for doc_id in batch.removed if table.contains(doc_id=doc_id)]
                    if gone:
                        table.remove(doc_ids=gone)
            _put_many(self._table("catalog", "digests"), batch.digest_docs)
            _put_many(self._table("commentary", "digests"), batch.commentary_docs)
            _put_many(self._table("catalog", "papers"), batch.paper_docs)
            _put_many(self._table("notes", "notes"), batch.note_docs)
            _put_many(self._table("state", "papers"), batch.state_docs)
        return results

    def queue_papers(self, ids: Iterable[str]) -> list[str]:
        """Add papers a commentary mentions to the library, as ``commentary`` papers."""
        added = []
        with self.transaction("catalog"):
            papers = self._table("catalog", "papers")
            known = self._rows(papers)
            stamp = now_iso()
            for arxiv_id in dict.fromkeys(ids):
                if arxiv_id not in known:
                    record = PaperRecord(arxiv_id, None, (), stamp, "commentary")
                    papers.upsert(Document(record.to_doc(), doc_id=arxiv_id))
                    added.append(arxiv_id)
        return added

    # --- changing state ---------------------------------------------------
    # Every change is an operation on the files as they are under the lock, never a copy
    # of what a reader saw earlier; each records a step in history.json (core/history.py).
    def _record_history(self, label: str, papers: dict[str, dict]) -> int:
        """Add a step; returns its number."""
        history = self._table("history", "changes")
        seqs = [int(key) for key in self._rows(history) if key.isdigit()]
        seq = max(seqs, default=0) + 1
        history.upsert(Document(step_doc(label, self.origin, papers, now_iso()), doc_id=str(seq)))
        overflow = trim(seqs)
        if overflow:
            history.remove(doc_ids=[str(s) for s in overflow])
        return seq

    def _change_states(self, ids: Iterable[str], label: str, change) -> list[str]:
        """Apply ``change(old_state) -> new_state`` to each id; one undo step."""
        changed = []
        # The state is written first: the change is on disk before its undo record.
        with self.transaction("history", "state"):
            table = self._table("state", "papers")
            steps = {}
            for arxiv_id in dict.fromkeys(ids):
                raw = table.get(doc_id=arxiv_id)
                old = PaperState.from_doc(raw)
                new = change(old)
                if new == old:
                    continue
                doc = new.to_doc()
                steps[arxiv_id] = state_step(dict(raw) if raw is not None else None, doc)
                table.upsert(Document(doc, doc_id=arxiv_id))
                changed.append(arxiv_id)
            if changed:
                self._record_history(label, steps)
        return changed

    def set_read(self, ids: Iterable[str], read: bool) -> list[str]:
        """Mark papers read or unread. Returns the ids that changed."""
        ids = list(ids)
        stamp = now_iso()

        def change(state: PaperState) -> PaperState:
            if state.read == read:
                return state
            return PaperState(read, state.tags, stamp if read else None)

        what = "read" if read else "unread"
        label = f"mark {_count(ids)} {what}"
        return self._change_states(ids, label, change)

    def toggle_read(self, ids: Iterable[str]) -> list[str]:
        """Mark papers read, or unread when every one of them is read already (as they
        are on disk, under the lock)."""
        ids = list(ids)
        with self.lock:
            return self.set_read(ids, not all(self.state(arxiv_id).read for arxiv_id in ids))

    def change_tags(
        self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> list[str]:
        """Add and remove tags on papers. Tags are normalised; an empty one is an error."""
        ids = list(ids)
        add = list(dict.fromkeys(normalize_tag(tag) for tag in add))  # "+a +a" adds "a" once
        remove = [normalize_tag(tag) for tag in remove]

        def change(state: PaperState) -> PaperState:
            tags = [tag for tag in state.tags if tag not in remove]
            tags += [tag for tag in add if tag not in tags]
            return PaperState(state.read, tuple(tags), state.read_at)

        parts = [f"+{tag}" for tag in add] + [f"-{tag}" for tag in remove]
        return self._change_states(ids, f"tag {_count(ids)} {' '.join(parts)}", change)

    # --- notes ------------------------------------------------------------
    def _change_note(self, arxiv_id: str, make, *, undoable: bool = True, step: int | None = None) -> NoteSaved:
        """Under the lock: ``make(text on disk) -> (new text, merged, conflicts)``, then
        write it and record it (as part of history step ``step`` when that step is still
        the last word on this note, else as a new step)."""
        with self.transaction("history", "notes"):  # (the note is written first)
            table = self._table("notes", "notes")
            raw = table.get(doc_id=arxiv_id)
            old = raw.get("text", "") if raw else ""
            new, merged, conflicts = make(old)
            if new == old:
                return NoteSaved(new, merged, conflicts, step, changed=False)
            table.upsert(Document({"text": new, "updated": now_iso()}, doc_id=arxiv_id))
            recorded = None
            if undoable:
                recorded = self._amend_note_step(step, arxiv_id, old, new) if step is not None else None
                if recorded is None:
                    recorded = self._record_history(f"note on {arxiv_id}", {arxiv_id: {"note": [old, new]}})
        return NoteSaved(new, merged, conflicts, recorded)

    def _amend_note_step(self, seq: int, arxiv_id: str, old: str, new: str) -> int | None:
        """Extend step ``seq`` to end at ``new``, if it is ours, is the newest step, and
        left the note as it is now (``old``); else None."""
        history = self._table("history", "changes")
        rows = self._rows(history)
        doc = rows.get(str(seq))
        if doc is None or max((int(k) for k in rows if k.isdigit()), default=0) != seq:
            return None
        change = Change.from_doc(seq, doc)
        note = change.papers.get(arxiv_id, {}).get("note")
        if change.origin != self.origin or set(change.papers) != {arxiv_id} or not note or note[1] != old:
            return None
        history.upsert(Document(dict(doc, papers={arxiv_id: {"note": [note[0], new]}}), doc_id=str(seq)))
        return seq

    def set_note(self, arxiv_id: str, text: str, *, undoable: bool = True) -> bool:
        """Replace the note on a paper, whatever it is now. Returns False when it was
        already that text."""
        return self._change_note(arxiv_id, lambda old: (text, False, 0), undoable=undoable).changed

    def append_note(self, arxiv_id: str, text: str) -> NoteSaved:
        """Add ``text`` as a new paragraph at the end of the note as it is on disk now."""

        def make(old: str) -> tuple[str, bool, int]:
            return (f"{old.rstrip()}\n\n{text}" if old.strip() else text), False, 0

        return self._change_note(arxiv_id, make)

    def edit_note(self, arxiv_id: str, base: str, text: str, *, step: int | None = None) -> NoteSaved:
        """Save ``text``, an edit of the note that started from ``base``. When the note on
        disk is still ``base`` it becomes ``text``; when it changed meanwhile, the two
        edits are merged so that both survive (core/note_merge.py). ``step``: the history
        step of this edit's earlier saves (one visit to a note, one undo step)."""
        return self._change_note(arxiv_id, lambda old: _merged_note(old, base, text, None), step=step)

    def apply_edits(self, edits: dict[str, PaperEdit], label: str) -> dict[str, tuple[NoteSaved | None, PaperState]]:
        """Changes made to many papers elsewhere (a note folder), as one step of the history:
        each note edit merged with the note on disk as :meth:`edit_note` merges, each tag
        change applied to the tags on disk. Returns each paper's saved note (None: none was
        given) and its state now."""
        done: dict[str, tuple[NoteSaved | None, PaperState]] = {}
        steps: dict[str, dict] = {}
        # Notes and states are written before their undo record.
        with self.transaction("history", "state", "notes"):
            notes, states = self._table("notes", "notes"), self._table("state", "papers")
            stamp = now_iso()
            for arxiv_id, edit in edits.items():
                step: dict = {}
                saved = None
                if edit.note is not None:
                    raw_note = notes.get(doc_id=arxiv_id)
                    old = raw_note.get("text", "") if raw_note else ""
                    new, merged, conflicts = _merged_note(old, edit.base, edit.note, edit.marks)
                    saved = NoteSaved(new, merged, conflicts, changed=new != old)
                    if new != old:
                        notes.upsert(Document({"text": new, "updated": stamp}, doc_id=arxiv_id))
                        step["note"] = [old, new]
                raw = states.get(doc_id=arxiv_id)
                state = PaperState.from_doc(raw)
                add = [normalize_tag(tag) for tag in edit.add]
                remove = {normalize_tag(tag) for tag in edit.remove}
                tags = tuple(dict.fromkeys([*(tag for tag in state.tags if tag not in remove), *add]))
                if tags != state.tags:
                    state = PaperState(state.read, tags, state.read_at)
                    doc = state.to_doc()
                    step.update(state_step(dict(raw) if raw is not None else None, doc))
                    states.upsert(Document(doc, doc_id=arxiv_id))
                if step:
                    steps[arxiv_id] = step
                done[arxiv_id] = (saved, state)
            if steps:
                seq = self._record_history(label, steps)
                done = {i: (replace(n, step=seq) if n is not None and n.changed else n, st) for i, (n, st) in done.items()}
        return done

    # --- note folders -----------------------------------------------------
    def export_record(self, folder: str) -> dict[str, dict]:
        """What the last ``export --split`` into ``folder`` (a resolved path) wrote there,
        per paper id (core/note_folder.py says what a paper's record holds); empty when
        nothing was exported there. Raises LibraryError for a record of a newer reader."""
        doc = self._table("exports", "folders").get(doc_id=folder)
        if not doc:
            return {}
        _check_export_format(doc, folder)
        papers = doc.get("papers")
        return {key: dict(value) for key, value in papers.items() if isinstance(value, dict)} if isinstance(papers, dict) else {}

    def save_export_record(self, folder: str, papers: dict[str, dict]) -> None:
        """Record what an export just wrote into ``folder``: each paper of ``papers`` gets
        its new record, every other paper keeps its own (on the record as it is on disk
        now: two exports into one folder each add theirs)."""
        if not papers:
            return
        with self.transaction("exports"):
            table = self._table("exports", "folders")
            doc = table.get(doc_id=folder) or {}
            _check_export_format(doc, folder)
            kept = doc.get("papers") if isinstance(doc.get("papers"), dict) else {}
            merged = {**kept, **papers}
            table.upsert(Document({"format": EXPORT_RECORD_FORMAT, "papers": merged}, doc_id=folder))

    # --- undo -------------------------------------------------------------
    def undo(self, *, session: str | None = None) -> UndoOutcome | None:
        """Undo the newest step, as the inverse of what it did, compare-and-set on the
        files as they are now (see core/history.py). With ``session`` (the app's), the
        newest of the app's own steps: this session's, or an app session's that has
        ended (an app closed and opened again); never a command's, nor another open
        app's. Returns what it did, or None when there is no such step."""
        with self.transaction("state", "notes", "history"):
            changes = self.history()
            mine = [c for c in changes if c.papers and (session is None or _own(c.origin, session))]
            if not mine:
                return None
            last = mine[-1]
            states, notes = self._table("state", "papers"), self._table("notes", "notes")
            found = inverse(
                last,
                (c for c in changes if c.seq > last.seq),
                {i: states.get(doc_id=i) for i in last.papers},
                {i: notes.get(doc_id=i) for i in last.papers},
            )
            for arxiv_id, doc in found.states.items():
                states.upsert(Document(doc, doc_id=arxiv_id))
            for arxiv_id, text in found.notes.items():
                notes.upsert(Document({"text": text, "updated": now_iso()}, doc_id=arxiv_id))
            self._table("history", "changes").remove(doc_ids=[str(last.seq)])
        return UndoOutcome(last, tuple(found.undone), tuple(found.conflicts))

    # --- arXiv metadata ---------------------------------------------------
    def store_metadata(self, records: dict[str, dict]) -> None:
        """Save arXiv fetch records, ``{id: {status, fetched_at, error, metadata}}``."""
        if not records:
            return
        with self.transaction("arxiv"):
            table = self._table("arxiv", "papers")
            for arxiv_id, record in records.items():
                table.upsert(Document(record, doc_id=arxiv_id))


def _merged_note(old: str, base: str, text: str, marks: tuple[str, str] | None) -> tuple[str, bool, int]:
    """``text``, an edit of ``base``, saved over ``old``, the note on disk: ``(the note, merged
    with a change made meanwhile?, places both versions were kept)``."""
    if old == base:
        return text, False, 0
    merged = merge_notes(base, text, old, marks=marks)
    return merged.text, merged.text != text, merged.conflicts


def _own(origin: Origin | None, session: str) -> bool:
    """Is a step of ``origin`` the app's own, for the app session ``session``?"""
    if origin is None:
        return False
    if origin.session == session:
        return True
    ended = origin.pid == os.getpid() or not pid_alive(origin.pid)  # (same pid: an app run before this one)
    return origin.kind == "app" and ended


def _check_export_format(doc: dict, folder: str) -> None:
    version = doc.get("format", EXPORT_RECORD_FORMAT)
    if not isinstance(version, int) or version > EXPORT_RECORD_FORMAT:
        raise LibraryError(
            f"the library's record of the note folder {folder} was written by a newer reader "
            f"(format {version}; this one reads up to {EXPORT_RECORD_FORMAT}); upgrade reader to export there"
        )


def _put_many(table: _Table, docs: dict[str, dict]) -> None:
    """Insert or replace many documents with two table writes, not one per document."""
    if not docs:
        return
    existing = [doc_id for doc_id in docs if table.contains(doc_id=doc_id)]
    if existing:
        table.remove(doc_ids=existing)
    table.insert_multiple(Document(doc, doc_id=doc_id) for doc_id, doc in docs.items())


def _count(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{len(ids)} papers"


__all__ = [
    "HISTORY_LIMIT",
    "Change",
    "NoteSaved",
    "Origin",
    "PaperEdit",
    "UndoOutcome",
    "DigestRecord",
    "ImportResult",
    "Library",
    "LibraryError",
    "PaperRecord",
    "PaperState",
    "normalize_tag",
    "now_iso",
]
