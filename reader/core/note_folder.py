"""What a note folder changed since the last export, and taking it back into the library.

``export --split DIR`` records, in the library (``Library.export_record``), what it wrote
into each file, per paper::

    {"file": "2007.03898 my NVAE notes.md",   # the file's name when it was written
     "name": "2007.03898 NVAE A Deep ….md",   # the name reader chose for it then
     "note": "the library's note as written",  # the base of the next three-way merge
     "tags": ["vae"],                          # the tags: list as written
     "head": "…"}                              # hash of the generated part above "## My note"

so that the next export knows exactly what changed on each side, whatever the files' times:

* the note under ``## My note`` differs from the recorded one: the file's text is an edit of
  it, saved with ``Library.edit_note(id, base=recorded note)``, which merges it with a change
  made in the library meanwhile (the file's side marked as coming from the folder);
* the ``tags:`` list differs from the recorded one: the tags added there are added, the ones
  removed there removed (``Library.change_tags``), whatever the library did to other tags;
* anything else in the generated part was edited: the file is left alone (a conflict).

The changes taken back are operations on the library as it is on disk (note edits with their
base, tags added and removed), recorded together as one step of the undo history, the
command's. Without a record (a folder exported by an older reader, or a
library restored from an older backup) nothing tells which side changed: tags only there are
added (none removed) and a note that differs from the library's is a conflict.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .library import PaperEdit, normalize_tag
from .split_format import FolderConflict, FrontMatterError, front_matter_tags
from .text import printable

if TYPE_CHECKING:
    from .library import Library, PaperState

__all__ = [
    "NOTE_HEADING",
    "Edits",
    "FolderConflict",
    "Taken",
    "find_edits",
    "folder_key",
    "head_hash",
    "note_as_written",
    "split_region",
    "take_back",
]

#: The heading the note follows, the last section of the generated part.
NOTE_HEADING = "## My note"
_NOTE_HEADING_RE = re.compile(r"^## My note[ \t]*\r?$", re.MULTILINE)
# Nothing the library holds may pose as a marker line: "<!--" becomes "&lt;!--", which
# markdown shows as the same text; a note taken back gets its "<!--" again.
_MARKER_LIKE = re.compile(r"^(\s*)<!--(\s*reader:(?:begin|end) generated)", re.MULTILINE)
_ESCAPED_MARKER = re.compile(r"^(\s*)&lt;!--(\s*reader:(?:begin|end) generated)", re.MULTILINE)
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def folder_key(directory: Path) -> str:
    """How the library names a note folder: its resolved path."""
    return os.path.realpath(directory)


def escape_markers(text: str) -> str:
    return _MARKER_LIKE.sub(r"\1&lt;!--\2", text)


def note_as_written(note: str) -> str:
    """The text a note is written as under ``## My note`` (see :func:`split_region`)."""

    return escape_markers(printable(note).strip("\n"))


def _plain(text: str) -> str:
    """``text`` as an editor may leave it unchanged: line ends ``\n``, no spaces at line ends
    (many editors drop them on save)."""
    return _TRAILING_SPACE.sub("", text.replace("\r\n", "\n"))


def head_hash(head: str) -> str:
    """A hash of the generated part above the note, line ends and trailing spaces aside."""
    return hashlib.sha256(_plain(head).encode("utf-8")).hexdigest()[:16]


def split_region(region: str) -> tuple[str, str] | None:
    """``(head, note)`` of a generated part: the text above the ``## My note`` line, and
    the note below it as written (line ends made ``\\n``, blank lines around it dropped);
    None when the heading is gone."""
    m = _NOTE_HEADING_RE.search(region)
    if m is None:
        return None
    below = region[m.end():].replace("\r\n", "\n")
    return region[: m.start()], below.strip("\n")


class Edits(Struct, frozen=True):
    """What a file changed since it was written: ``note`` (its new text, the edit of
    ``base``; None: unchanged) and the tags it ``add``\\ s and ``remove``\\ s."""

    note: str | None = None
    base: str = ""
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # tags typed there that are no tags (nothing in them)

    def __bool__(self) -> bool:
        return self.note is not None or bool(self.add or self.remove)


def _tags(raw: list[str]) -> tuple[list[str], list[str]]:
    """Tags as the library stores them, and the raw ones that hold no tag at all."""

    tags: list[str] = []
    dropped: list[str] = []
    for tag in raw:
        try:
            tags.append(normalize_tag(tag))
        except ValueError:
            dropped.append(tag)
    return list(dict.fromkeys(tags)), dropped


def find_edits(
    front: list[str] | None,
    region: str,
    *,
    edited: bool,
    record: dict[str, Any] | None,
    library_note: str,
    library_tags: tuple[str, ...],
    head_now: Callable[[], str],
) -> Edits:
    """What a file changed since the export ``record`` describes: ``front`` is its front
    matter lines, ``region`` its generated part, ``edited`` whether that part differs from
    what was written (by its marker's hash); ``library_note``/``library_tags`` are the
    library's now and ``head_now()`` the generated part above the note as it would be
    written now. Raises :class:`FolderConflict` for changes that cannot be taken back."""
    add: list[str] = []
    remove: list[str] = []
    dropped: list[str] = []
    written = [str(tag) for tag in record["tags"]] if record and isinstance(record.get("tags"), list) else None
    try:
        raw_tags = front_matter_tags(front, written) if front is not None else None
    except FrontMatterError as exc:
        raise FolderConflict(str(exc)) from None
    if raw_tags is not None:
        tags, dropped = _tags(raw_tags)
        if written is not None:
            add = [tag for tag in tags if tag not in written]
            remove = [tag for tag in written if tag not in tags]
        else:
            add = [tag for tag in tags if tag not in library_tags]
    note = None
    base = ""
    if edited:
        parts = split_region(region)
        if parts is None:
            if record is None:  # (or a file written before notes came back from folders)
                raise FolderConflict("text inside the generated part was edited")
            raise FolderConflict(f"the '{NOTE_HEADING}' heading of the generated part was removed")
        head, text = parts
        head_edited = _plain(head) != _plain(head_now()) and (record is None or head_hash(head) != record.get("head"))
        if head_edited:
            raise FolderConflict(f"text inside the generated part, above '{NOTE_HEADING}', was edited")
        if record is not None and isinstance(record.get("note"), str):
            base = record["note"]
            if _plain(text) != _plain(note_as_written(base)):
                note = _ESCAPED_MARKER.sub(r"\1<!--\2", text)
        elif _plain(text) != _plain(note_as_written(library_note)):
            raise FolderConflict(
                "its note differs from the library's and the library has no record of what was "
                "exported here (by an older reader?): copy what you want to keep into the library's "
                "note, then delete the file to have it written again"
            )
    return Edits(note, base, tuple(add), tuple(remove), tuple(dropped))


class Taken(Struct):
    """What taking a file's edits back did: the note and tags the library now has."""

    arxiv_id: str
    note: str | None = None  # the library's note now, when the file's note was taken
    merged: bool = False  # merged with a change the library had meanwhile
    conflicts: int = 0  # places both versions were kept, between marker lines
    state: PaperState | None = None  # the library's read flag and tags now
    changes: list[str] = field(default_factory=list)  # "note", "+tag", "-tag"


def take_back(
    library: Library, edits: dict[str, tuple[Edits, str]], folder: Path, before: dict[str, tuple[str, ...]]
) -> dict[str, Taken]:
    """Save the files' edits in the library (paper id -> its edits and its file's name), as
    one step of the undo history: each note as an edit of the one written there (merged with
    what the library has now), and the tags added and removed there. ``before``: each
    paper's tags as the export found them (to say what changed)."""

    batch = {
        arxiv_id: PaperEdit(
            edit.note,
            edit.base,
            edit.add,
            edit.remove,
            marks=(f"<<<<<<< from the note folder ({name})", ">>>>>>> in the library"),
        )
        for arxiv_id, (edit, name) in edits.items()
    }
    who = next(iter(edits)) if len(edits) == 1 else f"{len(edits)} papers"
    done = library.apply_edits(batch, f"from note folder {folder.name}: {who}")
    taken: dict[str, Taken] = {}
    for arxiv_id, (saved, state) in done.items():
        was = before.get(arxiv_id, ())
        changes = ["note"] if saved is not None and saved.changed else []
        changes += [f"+{tag}" for tag in state.tags if tag not in was]
        changes += [f"-{tag}" for tag in was if tag not in state.tags]
        taken[arxiv_id] = Taken(
            arxiv_id,
            note=saved.text if saved is not None else None,
            merged=saved.merged if saved is not None else False,
            conflicts=saved.conflicts if saved is not None else 0,
            state=state,
            changes=changes,
        )
    return taken
