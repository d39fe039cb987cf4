"""Messages the library thread's results arrive as (posted to the main screen).

Widgets' own messages live in the widget classes (``PapersList.Highlighted`` etc.).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from .service import Loaded


@dataclass
class SnapshotLoaded(Message):
    loaded: Loaded


@dataclass
class LoadFailed(Message):
    error: str


@dataclass
class DiskPolled(Message):
    changed: bool


@dataclass
class Written(Message):
    """A write finished: ``kind`` says which, ``result`` is what it returned."""

    kind: str
    result: Any = None
    error: str | None = None


# --- arXiv metadata (worker group "arxiv") ---------------------------------------
@dataclass
class FetchProgress(Message):
    done: int
    total: int


@dataclass
class FetchDone(Message):
    """The fetch is over: ``summary`` is a ``reader.core.sync.FetchSummary``, or
    ``error`` says why it could not run at all."""

    summary: Any = None
    error: str | None = None


# --- PDFs and their text (worker group "pdf"); every message names its paper --------
@dataclass
class PdfProgress(Message):
    arxiv_id: str
    done: int
    total: int | None


@dataclass
class PdfDownloaded(Message):
    arxiv_id: str


@dataclass
class PdfFailed(Message):
    arxiv_id: str
    reason: str


@dataclass
class PageExtracted(Message):
    """Page ``index`` (0-based) of ``total`` from text job ``job`` for ``arxiv_id``."""

    arxiv_id: str
    job: int
    index: int
    total: int
    text: str


@dataclass
class TextDone(Message):
    """Text job ``job`` for ``arxiv_id`` is over; ``result`` is a ``reader.core.pdf.PaperText``."""

    arxiv_id: str
    job: int
    result: Any


def describe_error(exc: BaseException) -> str:
    """One line for a notification; never a traceback."""
    from reader.core.library import LibraryError

    if isinstance(exc, (LibraryError, ValueError, OSError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
