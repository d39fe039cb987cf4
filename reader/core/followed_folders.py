"""Followed folders: digest folders the library imports from again (``reader update``).

``reader import DIR`` remembers DIR (its resolved path) in ``folders.json``, with what it saw
of each digest file there, keyed by the file's path under DIR::

    {"format": 1, "added": "…", "imported": "…",
     "files": {"2020/200712.md": {"sha256": "…", "size": 2048, "mtime_ns": …}}}

:func:`update` then looks at every remembered folder:

* a file whose bytes hash as recorded is unchanged and is not parsed again (its size and
  time alone decide nothing: a sync tool or a git checkout can keep both, or change them
  without a change);
* a new or changed file is imported as ``reader import`` imports it (a changed file updates
  its digest, whose id stays the same, and every read flag, tag and note stays as it is);
* a file that is gone removes nothing: it is reported once, and its digest is kept;
* a new file with the very bytes of a file that is gone is that file renamed: its digest
  follows it (same id), so a later change to it updates that digest;
* a folder that is gone is reported, and the others still update.

Files that could not be read are not recorded: the next update tries them again. The record
is written on the record as it is on disk when the import is done: a folder forgotten
meanwhile (by another process) stays forgotten. An update that finds nothing new writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .digest_file import MAX_DIGEST_BYTES
from .importer import FileOutcome, expand_paths, import_paths, shown
from .library_errors import check_record_format
from .note_folder import folder_key
from .records import now_iso
from .storage import LibraryError

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "FORMAT",
    "Folder",
    "FolderUpdate",
    "Pending",
    "followed",
    "forget",
    "import_folder_paths",
    "pending",
    "update",
]

#: The format of a folder's record this reader writes and reads.
FORMAT = 1
FILE, TABLE = "folders", "folders"
HASH_CHUNK = 1 << 20


class Folder(Struct, frozen=True):
    """A followed folder as the library remembers it."""

    path: str  # resolved
    added: str = ""
    imported: str = ""  # the last import or update that imported something from it
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # relative path -> what was seen

    @property
    def exists(self) -> bool:
        return os.path.isdir(self.path)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "exists": self.exists,
            "files": len(self.files),
            "added": self.added or None,
            "imported": self.imported or None,
        }


class FolderUpdate(Struct):
    """What an update found in one folder, and did."""

    path: str
    exists: bool = True
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    gone: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)  # of the files imported
    error: str | None = None  # the folder could not be looked at

    @property
    def failed(self) -> bool:
        return self.error is not None or any(o.error for o in self.outcomes)

    def summary(self) -> str:
        """One line: what the update found in the folder."""
        where = shown(self.path)
        if self.error is not None:
            return f"{where}: error: {self.error}"
        if not (self.new or self.changed or self.gone or self.renamed):
            return f"{where}: nothing new ({self.unchanged} file{'s' * (self.unchanged != 1)} unchanged)"
        parts = [f"{len(self.new)} new", f"{len(self.changed)} changed", f"{self.unchanged} unchanged"]
        if self.renamed:
            parts.append(f"{len(self.renamed)} renamed")
        parts.append(f"{len(self.gone)} gone")
        line = f"{where}: {', '.join(parts)}"
        if self.gone:
            many = len(self.gone) != 1
            line += (
                f" ({len(self.gone)} file{'s' * many} gone from this folder; "
                f"{'their digests are' if many else 'its digest is'} kept)"
            )
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "exists": self.exists,
            "error": self.error,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "renamed": [{"from": a, "to": b} for a, b in self.renamed],
            "gone": self.gone,
            "files": [_outcome_json(o) for o in self.outcomes],
        }


class Pending(Struct, frozen=True):
    """What an update of a folder would import: counts of new and changed files."""

    path: str
    new: int
    changed: int


# --------------------------------------------------------------------------- the record


def _check_format(doc: dict[str, Any], folder: str) -> None:
    check_record_format(doc, FORMAT, f"the followed folder {shown(folder)}", "update it")


def _folder(key: str, doc: dict[str, Any]) -> Folder:
    files = doc.get("files")
    return Folder(
        key,
        added=str(doc.get("added") or ""),
        imported=str(doc.get("imported") or ""),
        files={k: v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {},
    )


def followed(library: Library) -> list[Folder]:
    """The followed folders, by path. Raises LibraryError for a record of a newer reader."""
    rows = library.raw_rows(FILE, TABLE)
    found = []
    for key in sorted(rows):
        _check_format(rows[key], key)
        found.append(_folder(key, rows[key]))
    return found


def forget(library: Library, key: str) -> bool:
    """Forget the folder ``key`` (a resolved path); False when it was not followed. No
    digest goes with it."""
    with library.transaction(FILE):
        if key not in library.raw_rows(FILE, TABLE):
            return False
        library.put(FILE, {TABLE: {key: None}})
    return True


def _save(library: Library, key: str, seen: dict[str, dict[str, Any] | None], *, imported: bool, add: bool) -> None:
    """Record what a run saw in the folder ``key`` (relative path -> what was seen, None: no
    longer there), on the record as it is on disk now. ``add``: remember the folder if it is
    not (an import); else a folder forgotten meanwhile stays forgotten (an update)."""
    with library.transaction(FILE):
        doc = library.raw_rows(FILE, TABLE).get(key)
        if doc is None and not add:
            return
        doc = dict(doc or {})
        _check_format(doc, key)
        files = dict(doc.get("files") or {})
        for rel, what in seen.items():
            if what is None:
                files.pop(rel, None)
            else:
                files[rel] = what
        stamp = now_iso()
        doc.update(format=FORMAT, files=files)
        doc.setdefault("added", stamp)
        if imported:
            doc["imported"] = stamp
        library.put(FILE, {TABLE: {key: doc}})


# --------------------------------------------------------------------------- files


def _seen(path: Path) -> dict[str, Any]:
    """The file's hash, size and time. OSError when it cannot be read; a file over the
    digest limit hashes as itself up to the limit (its import then says it is too big)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        st = os.fstat(handle.fileno())
        left = MAX_DIGEST_BYTES + 1
        while left > 0 and (chunk := handle.read(min(HASH_CHUNK, left))):
            digest.update(chunk)
            left -= len(chunk)
    return {"sha256": digest.hexdigest(), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _files(folder: Path) -> dict[str, Path]:
    """The folder's digest files (as ``reader import`` finds them), by path under it."""
    return {path.relative_to(folder).as_posix(): path for path in expand_paths([folder])}


class _Look(Struct):
    """What is in a folder now, against its record."""

    new: dict[str, tuple[Path, dict[str, Any]]] = field(default_factory=dict)
    changed: dict[str, tuple[Path, dict[str, Any]]] = field(default_factory=dict)
    unchanged: dict[str, dict[str, Any]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    unreadable: dict[str, tuple[Path, str]] = field(default_factory=dict)


def _look(folder: Folder) -> _Look:
    root = Path(folder.path)
    look = _Look()
    current = _files(root)
    for rel, path in current.items():
        try:
            seen = _seen(path)
        except OSError as exc:
            look.unreadable[rel] = (path, exc.strerror or str(exc))
            continue
        old = folder.files.get(rel)
        if old is None:
            look.new[rel] = (path, seen)
        elif old.get("sha256") != seen["sha256"]:
            look.changed[rel] = (path, seen)
        else:
            look.unchanged[rel] = seen
    look.gone = sorted(rel for rel in folder.files if rel not in current)
    return look


def _recordable(outcome: FileOutcome) -> bool:
    """Imported, or read and found no digest: nothing to try again until it changes."""
    return outcome.error is None


def _outcome_json(outcome: FileOutcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "file": str(outcome.path),
        "status": result.status if result else ("skipped" if outcome.skipped else "error"),
        "digest": result.digest_id if result else None,
        "entries": result.entries if result else 0,
        "new_papers": result.new_papers if result else 0,
        "skipped": outcome.skipped,
        "error": outcome.error,
        "warnings": outcome.warning_lines(),
    }


def _move_sources(library: Library, moves: dict[str, str]) -> None:
    """The digests of each old source file now come from the new one (a renamed file): the
    same digests, ids and all, so a later change to the file updates them."""
    if not moves:
        return
    with library.transaction("catalog"):
        rows = library.raw_rows("catalog", "digests")
        docs: dict[str, dict[str, Any] | None] = {
            doc_id: dict(doc, source=moves[doc["source"]]) for doc_id, doc in rows.items() if doc.get("source") in moves
        }
        if docs:
            library.put("catalog", {"digests": docs})


# --------------------------------------------------------------------------- commands


def import_folder_paths(
    library: Library,
    paths: Iterable[Path],
    *,
    date: dt.date | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[FileOutcome]:
    """``reader import``: import files and folders (core/importer.py), and follow each folder
    given: remember it and what was imported from it. Files given alone are not followed."""
    paths = list(paths)
    outcomes = import_paths(library, paths, date=date, progress=progress)
    by_path = {os.path.realpath(o.path): o for o in outcomes}
    for path in paths:
        if not Path(path).is_dir():
            continue
        key = folder_key(Path(path))
        seen: dict[str, dict[str, Any] | None] = {}
        for rel, file in _files(Path(key)).items():
            outcome = by_path.get(os.path.realpath(file))
            if outcome is not None and _recordable(outcome):
                try:
                    seen[rel] = _seen(file)
                except OSError:
                    pass
        _save(library, key, seen, imported=True, add=True)
    return outcomes


def update(library: Library, progress: Callable[[int, int, Path], None] | None = None) -> list[FolderUpdate]:
    """Import what is new or changed in every followed folder (see the module docstring)."""
    updates = []
    for folder in followed(library):
        found = FolderUpdate(folder.path)
        updates.append(found)
        if not folder.exists:
            found.exists = False
            found.error = (
                f"the folder is gone (moved or deleted?); its digests are kept. "
                f"'reader folders remove {shown(folder.path)}' stops following it"
            )
            continue
        try:
            look = _look(folder)
        except OSError as exc:
            found.error = f"cannot read the folder: {exc.strerror or exc}"
            continue
        seen: dict[str, dict[str, Any] | None] = dict(look.unchanged)
        # A new file with the bytes of one that is gone: the same file, renamed.
        gone_by_hash: dict[str, list[str]] = {}
        for rel in look.gone:
            gone_by_hash.setdefault(str(folder.files[rel].get("sha256")), []).append(rel)
        moves: dict[str, str] = {}
        for rel, (path, what) in list(look.new.items()):
            olds = gone_by_hash.get(what["sha256"])
            if olds:
                old = olds.pop(0)
                found.renamed.append((old, rel))
                moves[str(Path(folder.path, old).resolve())] = str(path.resolve())
                look.gone.remove(old)
                del look.new[rel]
                seen[old], seen[rel] = None, what
        _move_sources(library, moves)
        found.new, found.changed, found.gone = sorted(look.new), sorted(look.changed), look.gone
        found.unchanged = len(look.unchanged)
        for rel in look.gone:
            seen[rel] = None  # said once: the next update does not say it again
        todo = {**look.new, **look.changed}
        outcomes = import_paths(library, [path for path, _ in todo.values()], progress=progress) if todo else []
        found.outcomes = outcomes + [
            FileOutcome(path, error=f"cannot read: {reason}") for path, reason in look.unreadable.values()
        ]
        for (rel, (_, what)), outcome in zip(todo.items(), outcomes, strict=True):
            if _recordable(outcome):
                seen[rel] = what
        if todo or moves or look.gone:  # (nothing new: nothing written)
            _save(library, folder.path, seen, imported=bool(todo or moves), add=False)
    return updates


def pending(library: Library) -> list[Pending]:
    """The followed folders with new or changed files (hashed, not parsed, nothing
    written): for the app's check at start. A folder that is gone, or a newer reader's
    record, is left out (``reader update`` says so)."""
    found = []
    try:
        folders = followed(library)
    except LibraryError:
        return []
    for folder in folders:
        if not folder.exists:
            continue
        try:
            look = _look(folder)
        except OSError:
            continue
        gone = {str(folder.files[rel].get("sha256")) for rel in look.gone}
        new = sum(1 for _, what in look.new.values() if what["sha256"] not in gone)  # (not a rename)
        if new or look.changed:
            found.append(Pending(folder.path, new, len(look.changed)))
    return found
