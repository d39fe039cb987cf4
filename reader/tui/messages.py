"""The messages background work arrives as, posted to the main screen.

Every result of the library thread, the compute thread and the workers comes back as one
of these, and only so: the screen's handlers set state from them. Widgets' own messages
live in the widget classes (``PapersList.Highlighted`` etc.).
"""

from __future__ import annotations

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


# Each message writes its own __init__ (Textual's way): a dataclass's is compiled as the
# module is imported, and this module is read before the first paint.


# --- loading (the library thread) --------------------------------------------------
class SnapshotLoaded(Message):
    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded


class LoadFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DiskPolled(Message):
    def __init__(self, changed: bool) -> None:
        super().__init__()
        self.changed = changed


class MentionsCounted(Message):
    """The snapshot's mention index was built (off the UI thread): the sidebar can count."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class IndexesBuilt(Message):
    """The indexes built after the whole library was read are done (the last startup step)."""


# --- writes (the library thread) ---------------------------------------------------
class CitationsIndexed(Message):
    """The citations among ``snapshot``'s papers, from the cached texts (built off the UI thread)."""

    def __init__(self, snapshot: Snapshot, index: CitesIndex) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.index = index


class Written(Message):
    """A write finished that needs no more than the library read again (a queued paper)."""


class WriteFailed(Message):
    """A write failed: ``error`` says why (one line)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class NoteWritten(Message):
    """``draft`` was saved as ``saved`` (merged with a change made elsewhere, maybe)."""

    def __init__(self, draft: NoteDraft, saved: NoteSaved) -> None:
        super().__init__()
        self.draft = draft
        self.saved = saved


class NoteFailed(Message):
    def __init__(self, draft: NoteDraft, error: str) -> None:
        super().__init__()
        self.draft = draft
        self.error = error


class UndoDone(Message):
    """``outcome`` is None when there was nothing to undo."""

    def __init__(self, outcome: UndoOutcome | None) -> None:
        super().__init__()
        self.outcome = outcome


class Imported(Message):
    def __init__(self, path: Path, outcomes: list[FileOutcome]) -> None:
        super().__init__()
        self.path = path
        self.outcomes = outcomes


class FoldersPending(Message):
    """Files are new or changed in followed folders (reader/tui/followed.py)."""

    def __init__(self, pending: list[Pending]) -> None:
        super().__init__()
        self.pending = pending


class FoldersUpdated(Message):
    """``U`` imported from the followed folders: what it found in each."""

    def __init__(self, updates: list[FolderUpdate]) -> None:
        super().__init__()
        self.updates = updates


class Exported(Message):
    """The notes of ``count`` papers were written to ``path`` (or ``error`` says why not)."""

    def __init__(self, count: int, path: Path | None = None, error: str | None = None) -> None:
        super().__init__()
        self.count = count
        self.path = path
        self.error = error


# --- arXiv metadata and PDFs (workers; see jobs.py) ---------------------------------
class FetchProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class FetchDone(Message):
    """The fetch is over: ``summary`` says what it did, or ``error`` why it could not run."""

    def __init__(self, summary: FetchSummary | None = None, error: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.error = error


class PdfProgress(Message):
    def __init__(self, arxiv_id: str, done: int, total: int | None) -> None:
        super().__init__()
        self.arxiv_id = arxiv_id
        self.done = done
        self.total = total


class PdfDownloaded(Message):
    def __init__(self, arxiv_id: str) -> None:
        super().__init__()
        self.arxiv_id = arxiv_id


class PdfFailed(Message):
    def __init__(self, arxiv_id: str, reason: str) -> None:
        super().__init__()
        self.arxiv_id = arxiv_id
        self.reason = reason


class PageExtracted(Message):
    """Page ``index`` (0-based) of ``total`` from text job ``job`` for ``arxiv_id``."""

    def __init__(self, arxiv_id: str, job: int, index: int, total: int, text: str) -> None:
        super().__init__()
        self.arxiv_id = arxiv_id
        self.job = job
        self.index = index
        self.total = total
        self.text = text


class TextDone(Message):
    """Text job ``job`` for ``arxiv_id`` is over."""

    def __init__(self, arxiv_id: str, job: int, result: PaperText) -> None:
        super().__init__()
        self.arxiv_id = arxiv_id
        self.job = job
        self.result = result


def describe_error(exc: BaseException) -> str:
    """One line for a notification; never a traceback."""
    if isinstance(exc, (LibraryError, ValueError, OSError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
