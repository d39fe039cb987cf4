"""The library: :class:`Library`, the store (core/store.py) and every change made to it.

Every change is an operation on the files as they are under the lock, never a copy of
what a reader saw earlier; each records a step in history.json (core/history.py). Each
writes every file it touches once, whatever the number of papers: work in proportion to
what changes and to the size of the files written, never papers times documents.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from msgspec.structs import replace

from .history import (
    HISTORY_LIMIT,
    Change,
    Origin,
    UndoOutcome,
    inverse,
    inverse_docs,
    state_step,
    step_doc,
    trim,
)
from .library_errors import check_record_format
from .models import ParsedDigest
from .notes_store import SHARDS, TEXTS_TABLE, by_shard, index_tables, is_index, noted, text_of
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
from .state_store import LEGACY as LEGACY_STATE
from .state_store import StateFile
from .storage import LibraryError, pid_alive
from .store import ALL_FILES, FILES, Store

#: Writing notes may move format 1's texts out of notes.json: every note file takes part.
NOTE_FILES = ("notes", *SHARDS)
#: The format of an ``exports.json`` folder record this reader writes and reads.
EXPORT_RECORD_FORMAT = 1


class Library(Store):
    """The reader's library in ``data_dir``. Cheap to create; files are read lazily."""

    # --- importing --------------------------------------------------------
    def import_digests(self, items: Iterable[tuple[ParsedDigest, str]]) -> list[ImportResult]:
        """Store parsed digests, each with the sha256 of what it was parsed from.

        One lock and one write per file for the whole batch. A file of several sections stores
        a digest per section (and drops the sections it no longer has). Read and tag state is
        left alone but for tags a digest gives a paper, added the first time it gives them; a
        note the digest carries (as our export writes them) becomes the paper's note when it has
        none, and otherwise stays in the commentary.
        """
        from .import_batch import ImportBatch  # (lazy: ~2 ms, not loaded at startup)

        with self.transaction("catalog", "commentary", *NOTE_FILES, "state"):
            states = self.state_file()
            batch = ImportBatch(
                stamp=now_iso(),
                digests=self.raw_rows("catalog", "digests"),
                papers=self.raw_rows("catalog", "papers"),
                states=_StateDocs(states),
                notes=lambda: _NoteDocs(self),  # read only for a note to add
            )
            results = [batch.add(parsed, sha256) for parsed, sha256 in items]
            gone: dict[str, dict[str, Any] | None] = dict.fromkeys(batch.removed)
            if batch.digest_docs or gone or batch.paper_docs:
                self.put("catalog", {"digests": {**gone, **batch.digest_docs}, "papers": dict(batch.paper_docs)})
            if batch.commentary_docs or gone:
                self.put("commentary", {"digests": {**gone, **batch.commentary_docs}})
            if batch.note_docs:
                self._write_notes({i: text_of(doc) for i, doc in batch.note_docs.items()})
            if batch.state_docs:
                self._write_states(states, {i: PaperState.from_doc(doc) for i, doc in batch.state_docs.items()})
        self.storage("commentary").release()  # (read per digest when shown: core/catalog.py)
        self.commentary.forget()
        return results

    def queue_papers(self, ids: Iterable[str], tags: Iterable[str] = ()) -> list[str]:
        """Add papers a commentary mentions to the library, as ``commentary`` papers (the
        reading queue "From commentary"), and give every one of ``ids`` the ``tags``. One
        history step (undo takes the papers out again while nothing else changed them).
        Returns the ids added to the library (those already in it stay as they are)."""
        ids = list(dict.fromkeys(ids))
        added_tags = list(dict.fromkeys(normalize_tag(tag) for tag in tags))
        with self.transaction("history", "state", "catalog"):  # (catalog, state, then history)
            known = self.raw_rows("catalog", "papers")
            stamp = now_iso()
            docs = {i: PaperRecord(i, None, (), stamp, "commentary").to_doc() for i in ids if i not in known}
            if docs:
                self.put("catalog", {"papers": dict(docs)})
            steps: dict[str, dict[str, Any]] = {}
            if added_tags:
                current = self.state_file()
                new = {}
                for arxiv_id in ids:
                    old = current.state(arxiv_id)
                    tagged = old.tags + tuple(t for t in added_tags if t not in old.tags)
                    if tagged != old.tags:
                        new[arxiv_id] = PaperState(old.read, tagged, old.read_at)
                        steps[arxiv_id] = state_step(old.to_doc(), new[arxiv_id].to_doc())
                if new:
                    self._write_states(current, new)
            if docs or steps:
                label = f"add {_count(ids)} to the queue" + "".join(f" +{t}" for t in added_tags)
                queued = {"catalog": {"papers": {i: [None, d] for i, d in docs.items()}}} if docs else None
                self._record_history(label, steps, queued)
        return list(docs)

    # --- history ----------------------------------------------------------
    def _record_history(
        self, label: str, papers: dict[str, dict[str, Any]], docs: dict[str, Any] | None = None
    ) -> int:
        """Add a step (in the transaction the change is made in); returns its number."""
        rows = self.raw_rows("history", "changes")
        seqs = [int(key) for key in rows if key.isdigit()]
        seq = max(seqs, default=0) + 1
        changes: dict[str, dict[str, Any] | None] = {str(s): None for s in trim(seqs)}
        changes[str(seq)] = step_doc(label, self.origin, papers, now_iso(), docs)
        self.put("history", {"changes": changes})
        return seq

    # --- read flags and tags ------------------------------------------------
    def _write_states(self, current: StateFile, new: Mapping[str, PaperState]) -> None:
        after = current.changed(new)
        tables = after.tables()
        self.storage("state").write(tables)
        self._state = (tables, after)  # (the storage now holds ``tables``: no need to read it again)

    def _change_states(self, ids: Iterable[str], label: str, change: Callable[[PaperState], PaperState]) -> list[str]:
        """Apply ``change(old_state) -> new_state`` to each id; one undo step, one write."""
        # The state is written first: the change is on disk before its undo record.
        with self.transaction("history", "state"):
            current = self.state_file()
            new: dict[str, PaperState] = {}
            steps = {}
            for arxiv_id in dict.fromkeys(ids):
                old = current.state(arxiv_id)
                state = change(old)
                if state != old:
                    new[arxiv_id] = state
                    steps[arxiv_id] = state_step(old.to_doc(), state.to_doc())
            if new:
                self._write_states(current, new)
                self._record_history(label, steps)
        return list(new)

    def set_read(self, ids: Iterable[str], read: bool) -> list[str]:
        """Mark papers read or unread. Returns the ids that changed."""
        ids = list(ids)
        stamp = now_iso()

        def change(state: PaperState) -> PaperState:
            if state.read == read:
                return state
            return PaperState(read, state.tags, stamp if read else None)

        what = "read" if read else "unread"
        return self._change_states(ids, f"mark {_count(ids)} {what}", change)

    def toggle_read(self, ids: Iterable[str]) -> list[str]:
        """Mark papers read, or unread when every one of them is read already (as they
        are on disk, under the lock)."""
        ids = list(ids)
        with self.lock:
            current = self.state_file()
            return self.set_read(ids, not all(current.is_read(arxiv_id) for arxiv_id in ids))

    def change_tags(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
        """Add and remove tags on papers. Tags are normalised; an empty one is an error."""
        ids = list(ids)
        added = list(dict.fromkeys(normalize_tag(tag) for tag in add))  # "+a +a" adds "a" once
        removed = [normalize_tag(tag) for tag in remove]

        def change(state: PaperState) -> PaperState:
            tags = [tag for tag in state.tags if tag not in removed]
            tags += [tag for tag in added if tag not in tags]
            return PaperState(state.read, tuple(tags), state.read_at)

        parts = [f"+{tag}" for tag in added] + [f"-{tag}" for tag in removed]
        return self._change_states(ids, f"tag {_count(ids)} {' '.join(parts)}", change)

    # --- notes ------------------------------------------------------------
    def _move_notes_out(self) -> None:
        """(Under the lock, in a transaction of every note file.) A format 1 notes.json
        holds the texts: move them to their files, and make notes.json the index. A note
        already in its file (a move cut short, or a format 1 backup of notes.json put back
        over a library of format 2) is newer: it is kept, never overwritten."""
        index = self.storage("notes").read()
        if is_index(index):
            return
        docs = {i: doc for i, doc in (index or {}).get(TEXTS_TABLE, {}).items() if text_of(doc)}
        noted_now = dict.fromkeys(docs)
        for shard, moved in by_shard(docs).items():
            kept = {i: doc for i, doc in self.raw_rows(shard, TEXTS_TABLE).items() if text_of(doc)}
            self.put(shard, {TEXTS_TABLE: {i: doc for i, doc in moved.items() if i not in kept}})
        for shard in SHARDS:
            noted_now.update((i, None) for i, doc in self.raw_rows(shard, TEXTS_TABLE).items() if text_of(doc))
        self.storage("notes").write(index_tables(noted_now))

    def _write_notes(self, texts: Mapping[str, str]) -> None:
        """Set the notes on papers (an empty text removes it): each note file touched is
        written once, the index only when papers gain or lose a note. In a transaction
        of every note file (:data:`NOTE_FILES`)."""
        self._move_notes_out()
        stamp = now_iso()
        for shard, docs in by_shard({i: {"text": t, "updated": stamp} for i, t in texts.items()}).items():
            self.put(shard, {TEXTS_TABLE: {i: (doc if doc["text"] else None) for i, doc in docs.items()}})
        listed = noted(self.storage("notes").read())
        present = set(listed)
        gained = [i for i, t in texts.items() if t and i not in present]
        lost = {i for i, t in texts.items() if not t and i in present}
        if gained or lost:
            self.storage("notes").write(index_tables([i for i in listed if i not in lost] + gained))

    def _change_note(
        self, arxiv_id: str, make: Callable[[str], tuple[str, bool, int]], *, undoable: bool = True,
        step: int | None = None,
    ) -> NoteSaved:
        """Under the lock: ``make(text on disk) -> (new text, merged, conflicts)``, then
        write it and record it (as part of history step ``step`` when that step is still
        the last word on this note, else as a new step)."""
        with self.transaction("history", *NOTE_FILES):  # (the note is written first)
            old = self.note(arxiv_id)
            new, merged, conflicts = make(old)
            if new == old:
                return NoteSaved(new, merged, conflicts, step, changed=False)
            self._write_notes({arxiv_id: new})
            recorded = None
            if undoable:
                recorded = self._amend_note_step(step, arxiv_id, old, new) if step is not None else None
                if recorded is None:
                    recorded = self._record_history(f"note on {arxiv_id}", {arxiv_id: {"note": [old, new]}})
        return NoteSaved(new, merged, conflicts, recorded)

    def _amend_note_step(self, seq: int, arxiv_id: str, old: str, new: str) -> int | None:
        """Extend step ``seq`` to end at ``new``, if it is ours, is the newest step, and
        left the note as it is now (``old``); else None."""
        rows = self.raw_rows("history", "changes")
        doc = rows.get(str(seq))
        if doc is None or max((int(k) for k in rows if k.isdigit()), default=0) != seq:
            return None
        change = Change.from_doc(seq, doc)
        note = change.papers.get(arxiv_id, {}).get("note")
        if change.origin != self.origin or set(change.papers) != {arxiv_id} or not note or note[1] != old:
            return None
        self.put("history", {"changes": {str(seq): dict(doc, papers={arxiv_id: {"note": [note[0], new]}})}})
        return seq

    def set_note(self, arxiv_id: str, text: str, *, undoable: bool = True) -> bool:
        """Replace the note on a paper, whatever it is now. Returns False when it was
        already that text."""
        return self._change_note(arxiv_id, lambda old: (text, False, 0), undoable=undoable).changed

    def set_notes(self, texts: Mapping[str, str], *, label: str = "") -> list[str]:
        """Replace the notes on many papers at once (one write per file, one undo step).
        Returns the ids whose note changed."""
        with self.transaction("history", *NOTE_FILES):
            old = {i: self.note(i) for i in texts}
            changed = {i: t for i, t in texts.items() if t != old[i]}
            if changed:
                self._write_notes(changed)
                steps = {i: {"note": [old[i], t]} for i, t in changed.items()}
                self._record_history(label or f"note on {_count(list(changed))}", steps)
        return list(changed)

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
        given) and its state now. One write per file, whatever the number of papers."""
        done: dict[str, tuple[NoteSaved | None, PaperState]] = {}
        steps: dict[str, dict[str, Any]] = {}
        # Notes and states are written before their undo record.
        with self.transaction("history", "state", *NOTE_FILES):
            current = self.state_file()
            texts: dict[str, str] = {}
            states: dict[str, PaperState] = {}
            for arxiv_id, edit in edits.items():
                step: dict[str, Any] = {}
                saved = None
                if edit.note is not None:
                    old = self.note(arxiv_id)
                    new, merged, conflicts = _merged_note(old, edit.base, edit.note, edit.marks)
                    saved = NoteSaved(new, merged, conflicts, changed=new != old)
                    if new != old:
                        texts[arxiv_id] = new
                        step["note"] = [old, new]
                state = current.state(arxiv_id)
                add = [normalize_tag(tag) for tag in edit.add]
                remove = {normalize_tag(tag) for tag in edit.remove}
                tags = tuple(dict.fromkeys([*(tag for tag in state.tags if tag not in remove), *add]))
                if tags != state.tags:
                    changed = PaperState(state.read, tags, state.read_at)
                    step.update(state_step(state.to_doc(), changed.to_doc()))
                    states[arxiv_id] = state = changed
                if step:
                    steps[arxiv_id] = step
                done[arxiv_id] = (saved, state)
            if texts:
                self._write_notes(texts)
            if states:
                self._write_states(current, states)
            if steps:
                seq = self._record_history(label, steps)
                done = {i: (replace(n, step=seq) if n is not None and n.changed else n, st) for i, (n, st) in done.items()}
        return done

    # --- note folders -----------------------------------------------------
    def export_record(self, folder: str) -> dict[str, dict[str, Any]]:
        """What the last ``export --split`` into ``folder`` (a resolved path) wrote there,
        per paper id (core/note_folder.py says what a paper's record holds); empty when
        nothing was exported there. Raises LibraryError for a record of a newer reader."""
        doc = self.raw_rows("exports", "folders").get(folder)
        if not doc:
            return {}
        _check_export_format(doc, folder)
        papers = doc.get("papers")
        return {key: dict(value) for key, value in papers.items() if isinstance(value, dict)} if isinstance(papers, dict) else {}

    def save_export_record(self, folder: str, papers: dict[str, dict[str, Any]]) -> None:
        """Record what an export just wrote into ``folder``: each paper of ``papers`` gets
        its new record, every other paper keeps its own (on the record as it is on disk
        now: two exports into one folder each add theirs)."""
        if not papers:
            return
        with self.transaction("exports"):
            doc = self.raw_rows("exports", "folders").get(folder) or {}
            _check_export_format(doc, folder)
            kept = doc.get("papers")
            merged = {**(kept if isinstance(kept, dict) else {}), **papers}
            self.put("exports", {"folders": {folder: {"format": EXPORT_RECORD_FORMAT, "papers": merged}}})

    # --- undo -------------------------------------------------------------
    def undo(self, *, session: str | None = None, kind: str | None = None, strict: bool = False) -> UndoOutcome | None:
        """Undo the newest step, as the inverse of what it did, compare-and-set on the
        files as they are now (see core/history.py). With ``session`` (the app's), the
        newest of the app's own steps: this session's, or an app session's that has
        ended (an app closed and opened again); never a command's, nor another open
        app's. With ``kind``, the newest step of that origin (``command``: the command
        line's). ``strict``: should anything have changed since, change nothing (the
        outcome names the conflicts, and the step stays). Returns what it did, or None
        when there is no such step."""
        with self.transaction("catalog", "commentary", "state", *NOTE_FILES, "history"):
            changes = self.history()
            mine = [
                c for c in changes
                if c.undoable and (session is None or _own(c.origin, session))
                and (kind is None or (c.origin is not None and c.origin.kind == kind))
            ]
            if not mine:
                return None
            last = mine[-1]
            current = self.state_file()
            noted_now = "notes" in last.files
            found = inverse(
                last,
                (c for c in changes if c.seq > last.seq),
                {i: current.state(i).to_doc() for i in last.papers},
                {i: {"text": self.note(i)} for i in last.papers} if noted_now else {},
            )
            now = {
                f: {t: {i: self.raw_rows(f, t).get(i) for i in d} for t, d in tables.items()}
                for f, tables in last.docs.items()
            }
            doc_writes, doc_conflicts = inverse_docs(last, now)
            conflicts = tuple(dict.fromkeys([*doc_conflicts, *found.conflicts]))
            if strict and conflicts:
                return UndoOutcome(last, (), conflicts)
            if found.states:
                self._write_states(current, {i: PaperState.from_doc(doc) for i, doc in found.states.items()})
            if found.notes:
                self._write_notes(found.notes)
            for file, tables in doc_writes.items():
                self.put(file, tables)
            self.put("history", {"changes": {str(last.seq): None}})
        if doc_writes:
            self.storage("commentary").release()
            self.commentary.forget()
        undone = list(dict.fromkeys([*found.undone, *(i for t in doc_writes.get("catalog", {}).values() for i in t)]))
        return UndoOutcome(last, tuple(undone), conflicts)

    # --- formats ----------------------------------------------------------
    def upgrade(self) -> list[str]:
        """Write the files still in an older format in the current one (format 2 of
        ``state.json`` and the note files; see core/state_store.py, core/notes_store.py).
        Each is read as it is until then, but read faster once moved on. Returns the
        names of the files moved on."""
        moved = []
        with self.transaction("state", *NOTE_FILES):
            data = self.storage("state").read()
            if data and LEGACY_STATE in data and not ({"read", "tags"} & set(data)):
                self._write_states(self.state_file(), {})
                moved.append("state.json")
            if not is_index(self.storage("notes").read()):
                self._move_notes_out()
                moved.append("notes.json")
        return moved

    # --- arXiv metadata ---------------------------------------------------
    def store_metadata(self, records: dict[str, dict[str, Any]]) -> None:
        """Save arXiv fetch records, ``{id: {status, fetched_at, error, metadata}}``."""
        if records:
            with self.transaction("arxiv"):
                self.put("arxiv", {"papers": dict(records)})


class _StateDocs:
    """The states an import reads (format 1 documents, as ImportBatch knows them)."""

    def __init__(self, states: StateFile) -> None:
        self._states = states

    def get(self, arxiv_id: str) -> dict[str, Any] | None:
        state = self._states.get(arxiv_id)
        return state.to_doc() if state is not None else None


class _NoteDocs:
    """The notes an import reads (``{"text"}`` documents, read one at a time)."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def get(self, arxiv_id: str) -> dict[str, Any] | None:
        text = self._library.note(arxiv_id)
        return {"text": text} if text else None


def _merged_note(old: str, base: str, text: str, marks: tuple[str, str] | None) -> tuple[str, bool, int]:
    """``text``, an edit of ``base``, saved over ``old``, the note on disk: ``(the note, merged
    with a change made meanwhile?, places both versions were kept)``."""
    if old == base:
        return text, False, 0
    from .note_merge import merge_notes  # (lazy: only when the note changed meanwhile)

    merged = merge_notes(base, text, old, marks=marks)
    return merged.text, merged.text != text, merged.conflicts


def _check_export_format(doc: dict[str, Any], folder: str) -> None:
    check_record_format(doc, EXPORT_RECORD_FORMAT, f"the note folder {folder}", "export there")


def _own(origin: Origin | None, session: str) -> bool:
    """Is a step of ``origin`` the app's own, for the app session ``session``?"""
    if origin is None:
        return False
    if origin.session == session:
        return True
    ended = origin.pid == os.getpid() or not pid_alive(origin.pid)  # (same pid: an app run before this one)
    return origin.kind == "app" and ended


def _count(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{len(ids)} papers"


__all__ = [
    "ALL_FILES",
    "FILES",
    "HISTORY_LIMIT",
    "Change",
    "DigestRecord",
    "ImportResult",
    "Library",
    "LibraryError",
    "NoteSaved",
    "Origin",
    "PaperEdit",
    "PaperRecord",
    "PaperState",
    "UndoOutcome",
    "normalize_tag",
    "now_iso",
]
