"""One markdown file per paper, for note folders (Obsidian, Logseq, a plain folder), kept in
step with the library both ways.

Each file is ``<id> <short title>.md``::

    ---
    title: "NVAE: A Deep Hierarchical Variational Autoencoder"
    arxiv_id: "2007.03898"
    tags:                    <- tags added or removed here go back into the library
      - "vae"
    ...                      <- reader's keys, then any keys the user added
    ---
    <!-- reader:begin generated sha256=… -->
    # NVAE: …                <- title, abstract, every digest's commentary, and [[links]] to the
    ## Referenced papers        papers the commentary references and the papers whose
    ## Mentioned by             commentary references this one
    ## My note
    the note                 <- an edit here goes back into the library
    <!-- reader:end generated: write your own notes below this line … -->
    the user's own text, which reader never changes

An export first takes back what changed in the folder since the last export into it (the note
and the tags; core/note_folder.py, with the library's record of what was written), then rewrites
the front matter (reader's keys only; keys the user added are kept verbatim) and the region
between the two markers, and keeps every other byte. The begin marker carries a hash of what
reader wrote there, so an edit inside the region is noticed. A file is left exactly as it is, and
the new export is written beside it as ``<name>.reader-new.md`` (a *conflict*), when the text
above ``## My note`` inside the region was edited, a marker is missing or duplicated, the file is
not UTF-8 or is too big to be an export, its front matter cannot be read (not closed, or a
``tags:`` that is not a list), or it changed while the export ran.

A file is found again by the ``arxiv_id`` in its front matter (failing that, by the name it was
last written under, or its ``<id> `` name prefix). A file keeps a name the user gave it; a file
under the name reader gave it is renamed when the title changes. A deleted file is written again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .fs import atomic_write, fsync_dir
from .ids import safe_filename
from .note_folder import (
    Edits,
    Taken,
    find_edits,
    folder_key,
    head_hash,
    take_back,
)
from .snapshot import Snapshot
from .split_format import (
    CONFLICT_SUFFIX,
    OWNED_KEYS,
    FolderConflict,
    compose,
    file_name_for,
    fresh_file,
    front_matter_id,
    name_prefix,
    read_export,
    safe_file_name,
    yaml_scalar,
)
from .split_render import (
    Links,
    default_links,
    front_matter_items,
    head,
    note_section,
    referenced_ids,
    render_paper,
)

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "CONFLICT_SUFFIX",
    "MAX_FILE_BYTES",
    "OWNED_KEYS",
    "Conflict",
    "SplitResult",
    "export_split",
    "file_name_for",
    "front_matter_id",
    "referenced_ids",
    "render_paper",
    "safe_file_name",
    "yaml_scalar",
]

#: A file bigger than this is no export of reader's (it is left alone).
MAX_FILE_BYTES = 8 * 1024 * 1024

# --------------------------------------------------------------------------- results


class Conflict(Struct, frozen=True):
    """A file reader left alone; ``new`` is where the fresh export went (None: nowhere)."""

    arxiv_id: str
    path: Path
    reason: str
    new: Path | None


class SplitResult(Struct):
    directory: Path
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    taken: list[tuple[Path, Taken]] = field(default_factory=list)  # edits taken back, by file
    note_conflicts: list[Path] = field(default_factory=list)  # notes kept both ways, marked
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (arxiv id, message)

    def summary(self) -> str:
        line = (
            f"wrote {len(self.new)} new, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)} files in {self.directory}"
        )
        notes = sum("note" in taken.changes for _, taken in self.taken)
        tags = sum(1 for _, taken in self.taken for change in taken.changes if change != "note")
        if notes or tags:
            line += f"; took back {_count(notes, 'note')} and {_count(tags, 'tag change')} from the folder"
        if self.note_conflicts:
            line += f"; {_count(len(self.note_conflicts), 'note')} kept both ways (see warnings)"
        if self.conflicts:
            line += f"; {len(self.conflicts)} left as they were (see warnings)"
        if self.errors:
            line += f"; {len(self.errors)} failed"
        return line


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


# --------------------------------------------------------------------------- exporting


class _Plan(Struct):
    """What an export does with one paper, worked out before anything is written."""

    arxiv_id: str
    path: Path | None  # its file as found (None: a new one)
    target: Path  # where its file goes
    reader_named: bool  # does its file have the name reader gave it?
    digest: str | None = None  # of the file's bytes as read
    edits: Edits = field(default_factory=Edits)
    conflict: str | None = None  # why the file is left as it is


def _scan(directory: Path) -> _Found:
    """The folder's ``.md`` files (reading the start of each for its ``arxiv_id``)."""
    by_id: dict[str, list[Path]] = {}
    others: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        name = path.name
        if not name.endswith(".md") or name.endswith(CONFLICT_SUFFIX):
            continue
        try:
            if not path.is_file():
                continue
            with open(path, "rb") as handle:
                start = handle.read(65536)
        except OSError:
            continue
        arxiv_id = front_matter_id(start.decode("utf-8", "replace")) if not name.startswith(".") else None
        if arxiv_id:
            by_id.setdefault(arxiv_id, []).append(path)
        else:
            others[name] = path
    by_prefix: dict[str, list[Path]] = {}
    for name, path in others.items():
        by_prefix.setdefault(name_prefix(name), []).append(path)
    return _Found(by_id, others, by_prefix)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _reader_named(path: Path, record: dict[str, Any] | None, arxiv_id: str) -> bool:
    """Is ``path`` under the name reader gave it (so it follows the title)?"""
    if record and isinstance(record.get("file"), str):
        return path.name == record["file"] and bool(record.get("named_by_reader", True))
    safe = safe_filename(arxiv_id)
    return path.name == f"{safe}.md" or path.name.startswith(f"{safe} ")


def _read_bounded(path: Path) -> bytes:
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise FolderConflict(f"it is over {MAX_FILE_BYTES // (1024 * 1024)} MiB, too big to be an export of reader's")
    return raw


class _Found(Struct, frozen=True):
    """The folder's ``.md`` files: exports by the ``arxiv_id`` in their front matter, and the
    others by name and by what their name starts with."""

    by_id: dict[str, list[Path]]
    others: dict[str, Path]
    by_prefix: dict[str, list[Path]]


def _locate(
    snapshot: Snapshot, arxiv_id: str, directory: Path, found: _Found, record: dict[str, Any] | None, result: SplitResult
) -> _Plan | None:
    """Where a paper's file is and where it goes; None (and a conflict) when that is unclear."""
    desired = directory / file_name_for(arxiv_id, snapshot.title(arxiv_id))
    recorded = record.get("file") if record else None
    candidates = found.by_id.get(arxiv_id) or []
    if not candidates and isinstance(recorded, str) and recorded in found.others:
        candidates = [found.others[recorded]]
    if not candidates:
        candidates = found.by_prefix.get(safe_filename(arxiv_id), [])
    if len(candidates) > 1:
        exact = [path for path in candidates if path.name in (desired.name, recorded)]
        if len(exact) != 1:
            listing = ", ".join(path.name for path in candidates)
            result.warnings.append(f"{arxiv_id}: several files hold this paper ({listing}); left them alone")
            result.conflicts.append(Conflict(arxiv_id, candidates[0], "several files hold this paper", None))
            return None
        candidates = exact
    if not candidates:
        plan = _Plan(arxiv_id, None, desired, True)
        if desired.exists():
            # A file of that name that is not this paper's export (another paper's on a
            # case-insensitive disk, or the user's own): never overwrite it.
            plan.path, plan.conflict = desired, "a file of that name exists and is not this paper's export"
        return plan
    path = candidates[0]
    reader_named = _reader_named(path, record, arxiv_id)
    target = path
    if reader_named and path.name != desired.name:
        if desired.exists() and not _same_file(desired, path):
            result.warnings.append(f"{arxiv_id}: kept the name {path.name!r}: {desired.name!r} is taken")
        else:
            target = desired
    return _Plan(arxiv_id, path, target, reader_named)


def _read_edits(snapshot: Snapshot, plan: _Plan, record: dict[str, Any] | None, link: Links, two_way: bool) -> None:
    """Read the paper's file: what it changed since it was written, or why it is a conflict."""
    assert plan.path is not None
    raw = _read_bounded(plan.path)
    plan.digest = hashlib.sha256(raw).hexdigest()
    if not raw:  # an empty file holds nothing to keep (a fresh export cut short by a crash, say)
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FolderConflict("the file is not UTF-8 text") from None
    old = read_export(text)
    made: list[str] = []

    def above() -> str:  # made only when the file differs from what was written
        if not made:
            made.append(head(snapshot, plan.arxiv_id, link))
        return made[0]

    edited = old.edited(lambda: above() + note_section(snapshot.note(plan.arxiv_id)))
    if not two_way:
        if edited:
            raise FolderConflict("text inside the generated part was edited")
        return
    plan.edits = find_edits(
        old.front,
        old.region,
        edited=edited,
        record=record,
        library_note=snapshot.note(plan.arxiv_id),
        library_tags=snapshot.state(plan.arxiv_id).tags,
        head_now=above,
    )


def export_split(snapshot: Snapshot, ids: list[str], directory: Path, library: Library | None = None) -> SplitResult:
    """Write or update one markdown file per paper of ``ids`` in ``directory`` (created if need be).

    With ``library`` (the one ``snapshot`` was read from) the folder is two-way: what changed
    there since the last export is taken back into the library first, and what is written is
    recorded in it. Never overwrites a file it did not recognise as this paper's export, never
    changes text outside the front matter and the generated region, and never changes a file
    whose generated region was edited above the note (see the module docstring). Unchanged
    files are not rewritten; running it twice changes nothing the second time.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    result = SplitResult(directory)
    key = folder_key(directory)
    records = library.export_record(key) if library is not None else {}
    found = _scan(directory)
    plans: dict[str, _Plan] = {}
    for arxiv_id in dict.fromkeys(ids):
        try:
            plan = _locate(snapshot, arxiv_id, directory, found, records.get(arxiv_id), result)
        except (OSError, ValueError) as exc:
            result.errors.append((arxiv_id, getattr(exc, "strerror", None) or str(exc)))
            continue
        if plan is not None:
            plans[arxiv_id] = plan
    # Links go to each paper's file in the folder: the selection's where they are going,
    # the others' where they are (a file the user renamed keeps its name).
    names = {arxiv_id: paths[0].name for arxiv_id, paths in found.by_id.items()}
    names.update({arxiv_id: plan.target.name for arxiv_id, plan in plans.items() if plan.conflict is None})
    link = _links(snapshot, names)
    for plan in plans.values():
        if plan.path is None or plan.conflict is not None:
            continue
        try:
            _read_edits(snapshot, plan, records.get(plan.arxiv_id), link, library is not None)
        except FolderConflict as exc:
            plan.conflict = str(exc)
        except OSError as exc:
            result.errors.append((plan.arxiv_id, exc.strerror or str(exc)))
            plan.conflict = ""
    for plan in plans.values():
        if plan.conflict is not None and plan.path is not None:
            names[plan.arxiv_id] = plan.path.name
    if library is not None:
        snapshot = _take_back(library, snapshot, plans, result)
    link = _links(snapshot, names)
    written: dict[str, dict[str, Any]] = {}
    for arxiv_id, plan in plans.items():
        try:
            record = _write(snapshot, plan, link, result)
        except (OSError, ValueError) as exc:
            result.errors.append((arxiv_id, getattr(exc, "strerror", None) or str(exc)))
            continue
        if record is not None and record != records.get(arxiv_id):
            written[arxiv_id] = record
    fsync_dir(directory)
    if library is not None:
        library.save_export_record(key, written)
    return result


def _links(snapshot: Snapshot, names: dict[str, str]) -> Links:
    fallback = default_links(snapshot)

    def link(arxiv_id: str) -> str:
        name = names.get(arxiv_id)
        if name is None or any(ch in name for ch in "[]|#^"):  # no [[link]] can name it
            return fallback(arxiv_id)
        return name[: -len(".md")]

    return link


def _take_back(library: Library, snapshot: Snapshot, plans: dict[str, _Plan], result: SplitResult) -> Snapshot:
    """Save every file's edits in the library; the snapshot with the notes and tags it has now."""
    edits = {}
    for plan in plans.values():
        if plan.conflict is not None or not plan.edits or plan.path is None:
            continue
        for tag in plan.edits.dropped:
            result.warnings.append(f"{plan.path.name}: {tag!r} in its tags: list is no tag; left it out")
        edits[plan.arxiv_id] = (plan.edits, plan.target.name)
    if not edits:
        return snapshot
    before = {arxiv_id: snapshot.state(arxiv_id).tags for arxiv_id in edits}
    notes: dict[str, str] = {}
    states = {}
    for arxiv_id, taken in take_back(library, edits, result.directory, before).items():
        target = plans[arxiv_id].target
        if taken.note is not None:
            notes[arxiv_id] = taken.note
        if taken.state is not None:
            states[arxiv_id] = taken.state
        if taken.changes:
            result.taken.append((target, taken))
        if taken.conflicts:
            result.note_conflicts.append(target)
            result.warnings.append(
                f"{target.name}: the note was changed both here and in the library since the last "
                "export; both versions are kept, between '<<<<<<< from the note folder' and "
                "'>>>>>>> in the library' lines, in the library and in the file: keep what you want"
            )
    return snapshot.with_changes(notes={**snapshot.notes, **notes}, states={**snapshot.states, **states})


def _write(snapshot: Snapshot, plan: _Plan, link: Links, result: SplitResult) -> dict[str, Any] | None:
    """Write one paper's file; what was written (its record), None when nothing was."""
    arxiv_id = plan.arxiv_id
    front = front_matter_items(snapshot, arxiv_id)
    above = head(snapshot, arxiv_id, link)
    generated = above + note_section(snapshot.note(arxiv_id))
    if plan.conflict is not None:
        if plan.path is not None and plan.conflict:
            _conflict(result, arxiv_id, plan.path, plan.conflict, front, generated)
        return None
    record = {
        "file": plan.target.name,
        "named_by_reader": plan.reader_named,
        "note": snapshot.note(arxiv_id),
        "tags": list(snapshot.state(arxiv_id).tags),
        "head": head_hash(above),
    }
    if plan.path is None:
        atomic_write(plan.target, fresh_file(front, generated).encode("utf-8"), durable=False)
        result.new.append(plan.target)
        return record
    path = plan.path
    try:
        raw: bytes | None = _read_bounded(path)
    except (FileNotFoundError, FolderConflict):  # gone, or grown too big, since it was read
        raw = None
    if raw is None or hashlib.sha256(raw).hexdigest() != plan.digest:
        _conflict(result, arxiv_id, path, "it changed while reader was exporting (export again)", front, generated)
        return None
    if raw:
        data, user_text = compose(read_export(raw.decode("utf-8")), front, generated)
    else:
        data, user_text = fresh_file(front, generated), False
    encoded = data.encode("utf-8")
    if encoded != raw:
        atomic_write(path, encoded, durable=user_text)
    if plan.target != path:
        os.rename(path, plan.target)
        result.renamed.append((path, plan.target))
        result.updated.append(plan.target)
    elif encoded != raw:
        result.updated.append(path)
    else:
        result.unchanged.append(path)
    return record


def _conflict(
    result: SplitResult, arxiv_id: str, path: Path, reason: str, front: list[tuple[str, object]], generated: str
) -> None:
    new = path.with_name(path.name[: -len(".md")] + CONFLICT_SUFFIX)
    data = fresh_file(front, generated).encode("utf-8")
    try:
        same = new.read_bytes() == data
    except OSError:
        same = False
    if not same:
        atomic_write(new, data, durable=False)
    result.conflicts.append(Conflict(arxiv_id, path, reason, new))
    result.warnings.append(f"{path.name}: {reason}; left it as it was and wrote the new export to {new.name}")
