"""Messages of the arXiv and PDF workers (``actions_arxiv.py``); every PDF message names
its paper. Apart from ``messages.py`` so the app starts without them: the handlers go by
name (``on_fetch_done``), so nothing needs these classes until a worker runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


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
