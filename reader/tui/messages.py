"""Messages the library thread's results arrive as (posted to the main screen).

Widgets' own messages live in the widget classes (``PapersList.Highlighted`` etc.); the
arXiv and PDF workers' messages in ``arxiv_messages.py`` (imported when first used).
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


def describe_error(exc: BaseException) -> str:
    """One line for a notification; never a traceback."""
    from reader.core.library import LibraryError

    if isinstance(exc, (LibraryError, ValueError, OSError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
