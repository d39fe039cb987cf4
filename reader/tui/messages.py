"""The messages background work arrives as, posted to the main screen.

Every result of the library thread, the compute thread and the workers comes back as one
of these, and only so: the screen's handlers set state from them. Widgets' own messages
live in the widget classes (``PapersList.Highlighted`` etc.).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from reader.core.library import LibraryError

if TYPE_CHECKING:
    from reader.core.citations import CitesIndex
    from reader.core.followed_folders import FolderUpdate, Pending
    from reader.core.history import UndoOutcome
    from reader.core.importer import FileOutcome
    from reader.core.library import NoteSaved
    from reader.core.pdf_text import PaperText
    from reader.core.snapshot import Snapshot
    from reader.core.sync import FetchSummary

    from .service import Loaded
    from .writer import NoteDraft


# Each message takes only its __init__ from ``dataclass``: equality and repr stay Message's
# own, and the class is made in half the time (this module is read before the first paint).


# --- loading (the library thread) --------------------------------------------------
@dataclass(repr=False, eq=False)
class SnapshotLoaded(Message):
    loaded: Loaded


@dataclass(repr=False, eq=False)
class LoadFailed(Message):
    error: str


@dataclass(repr=False, eq=False)
class DiskPolled(Message):
    changed: bool


@dataclass(repr=False, eq=False)
class MentionsCounted(Message):
    """The snapshot's mention index was built (off the UI thread): the sidebar can count."""

    snapshot: Snapshot


@dataclass(repr=False, eq=False)
class IndexesBuilt(Message):
    """The indexes built after the whole library was read are done (the last startup step)."""


# --- writes (the library thread) ---------------------------------------------------
@dataclass(repr=False, eq=False)
class CitationsIndexed(Message):
    """The citations among ``snapshot``'s papers, from the cached texts (built off the UI thread)."""

    snapshot: Snapshot
    index: CitesIndex


@dataclass(repr=False, eq=False)
class Written(Message):
    """A write finished that needs no more than the library read again (a queued paper)."""


@dataclass(repr=False, eq=False)
class WriteFailed(Message):
    """A write failed: ``error`` says why (one line)."""

    error: str


@dataclass(repr=False, eq=False)
class NoteWritten(Message):
    """``draft`` was saved as ``saved`` (merged with a change made elsewhere, maybe)."""

    draft: NoteDraft
    saved: NoteSaved


@dataclass(repr=False, eq=False)
class NoteFailed(Message):
    draft: NoteDraft
    error: str


@dataclass(repr=False, eq=False)
class UndoDone(Message):
    """``outcome`` is None when there was nothing to undo."""

    outcome: UndoOutcome | None


@dataclass(repr=False, eq=False)
class Imported(Message):
    path: Path
    outcomes: list[FileOutcome]


@dataclass(repr=False, eq=False)
class FoldersPending(Message):
    """Files are new or changed in followed folders (reader/tui/followed.py)."""

    pending: list[Pending]


@dataclass(repr=False, eq=False)
class FoldersUpdated(Message):
    """``U`` imported from the followed folders: what it found in each."""

    updates: list[FolderUpdate]


@dataclass(repr=False, eq=False)
class Exported(Message):
    """The notes of ``count`` papers were written to ``path`` (or ``error`` says why not)."""

    count: int
    path: Path | None = None
    error: str | None = None


# --- arXiv metadata and PDFs (workers; see jobs.py) ---------------------------------
@dataclass(repr=False, eq=False)
class FetchProgress(Message):
    done: int
    total: int


@dataclass(repr=False, eq=False)
class FetchDone(Message):
    """The fetch is over: ``summary`` says what it did, or ``error`` why it could not run."""

    summary: FetchSummary | None = None
    error: str | None = None


@dataclass(repr=False, eq=False)
class PdfProgress(Message):
    arxiv_id: str
    done: int
    total: int | None


@dataclass(repr=False, eq=False)
class PdfDownloaded(Message):
    arxiv_id: str


@dataclass(repr=False, eq=False)
class PdfFailed(Message):
    arxiv_id: str
    reason: str


@dataclass(repr=False, eq=False)
class PageExtracted(Message):
    """Page ``index`` (0-based) of ``total`` from text job ``job`` for ``arxiv_id``."""

    arxiv_id: str
    job: int
    index: int
    total: int
    text: str


@dataclass(repr=False, eq=False)
class TextDone(Message):
    """Text job ``job`` for ``arxiv_id`` is over."""

    arxiv_id: str
    job: int
    result: PaperText


def describe_error(exc: BaseException) -> str:
    """One line for a notification; never a traceback."""
    if isinstance(exc, (LibraryError, ValueError, OSError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
