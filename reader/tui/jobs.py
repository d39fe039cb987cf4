"""arXiv and PDF jobs: ``f`` fetches metadata, ``d`` downloads a PDF and extracts its text.

:class:`JobsState` is what is under way, as one frozen value; :class:`ArxivJobs` owns it and
publishes every new state (the main screen puts it in its ``jobs`` var, which the Paper
pane and the status line are bound to). The blocking parts (network, extraction) are plain
functions run in the background by the screen; they only post messages (``messages.py``),
each naming its paper and job, and the screen hands those to :class:`ArxivJobs`, whose
methods compute the next state. Nothing here touches a widget, so it is tested without an
app (tests/tui/test_collaborators.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from msgspec import Struct, field
from msgspec.structs import replace
from textual.message import Message

from .messages import (
    FetchDone,
    FetchProgress,
    PageExtracted,
    PdfDownloaded,
    PdfFailed,
    PdfProgress,
    TextDone,
    describe_error,
)

if TYPE_CHECKING:
    from reader.core.arxiv_api import ArxivFetcher
    from reader.core.pdf_text import PaperText
    from reader.core.snapshot import Snapshot
    from reader.core.sync import FetchSummary

    from .service import LibraryService

PROGRESS_EVERY = 0.1  # seconds between download progress messages

Stage = Literal["empty", "downloading", "opening", "extracting", "done", "failed"]


def make_fetcher() -> ArxivFetcher:
    """The arXiv client a fetch uses (tests replace this to skip the retry back-off)."""
    from reader.core.arxiv_api import ArxivFetcher  # (lazy: ~45 ms, not loaded before the first paint)

    return ArxivFetcher()


def to_fetch(snap: Snapshot, ids: list[str]) -> tuple[list[str], bool]:
    """The papers of ``ids`` lacking metadata (or whose last fetch failed for network
    reasons); when every one has it, all of them again (a refresh). Second: refresh?"""
    from reader.core.sync import worth_fetching  # (lazy: not loaded before the first paint)

    missing = [arxiv_id for arxiv_id in ids if worth_fetching(snap.metadata.get(arxiv_id))]
    return (missing, False) if missing else (list(ids), True)


class FetchJob(Struct, frozen=True):
    count: int
    done: int
    total: int
    verb: str  # "Fetching" or "Refreshing"


class TextJob(Struct, frozen=True):
    """The Paper pane's paper: where its text is (one at a time; a newer one replaces it)."""

    arxiv_id: str
    job: int
    stage: Stage
    pages: tuple[str, ...] = ()  # extracted so far
    total: int = 0  # pages in the PDF, once known
    result: PaperText | None = None  # once done
    message: str = ""  # why it failed


class JobsState(Struct, frozen=True):
    fetch: FetchJob | None = None
    downloads: Mapping[str, tuple[int, int | None]] = field(default_factory=lambda: MappingProxyType({}))
    text: TextJob | None = None

    def text_for(self, arxiv_id: str | None) -> TextJob | None:
        text = self.text
        return text if text is not None and arxiv_id is not None and text.arxiv_id == arxiv_id else None


def _with_download(downloads: Mapping[str, tuple[int, int | None]], arxiv_id: str,
                   progress: tuple[int, int | None] | None) -> Mapping[str, tuple[int, int | None]]:
    new = dict(downloads)
    if progress is None:
        new.pop(arxiv_id, None)
    else:
        new[arxiv_id] = progress
    return MappingProxyType(new)


class ArxivJobs:
    """The state of the arXiv and PDF jobs, and how each message changes it.

    ``publish(state)`` is called with every new state; ``post`` delivers messages (from
    any thread); ``run(fn)`` runs a blocking function in the background.
    """

    def __init__(
        self,
        service: LibraryService,
        cache: Callable[[], Path],
        post: Callable[[Message], object],
        publish: Callable[[JobsState], None],
        run: Callable[[Callable[[], None]], None],
    ) -> None:
        self.service = service
        self.cache = cache
        self.post = post
        self.publish = publish
        self.run = run
        self.state = JobsState()
        self._seq = 0
        self._cancel: threading.Event | None = None  # the text job's
        self._stopped = threading.Event()

    def _set(self, state: JobsState) -> None:
        self.state = state
        self.publish(state)

    def stop(self) -> None:
        """The app is closing: the extraction stops, progress stops being posted."""
        self._stopped.set()
        if self._cancel is not None:
            self._cancel.set()

    # --- f: metadata --------------------------------------------------------------------
    def fetch(self, ids: list[str], verb: str = "Fetching") -> bool:
        """Fetch metadata for ``ids``; False (nothing done) while a fetch runs."""
        if self.state.fetch is not None:
            return False
        self._set(replace(self.state, fetch=FetchJob(len(ids), 0, len(ids), verb)))
        service, post = self.service, self.post

        def job() -> None:
            fetcher = make_fetcher()
            try:
                summary: FetchSummary = service.fetch_metadata(
                    ids, fetcher=fetcher, progress=lambda done, total: post(FetchProgress(done, total))
                )
            except Exception as exc:
                post(FetchDone(None, describe_error(exc)))
                return
            finally:
                fetcher.close()
            post(FetchDone(summary))

        self.run(job)
        return True

    def fetch_progress(self, message: FetchProgress) -> None:
        fetch = self.state.fetch
        if fetch is not None:
            self._set(replace(self.state, fetch=replace(fetch, done=message.done, total=message.total or fetch.total)))

    def fetch_done(self) -> None:
        self._set(replace(self.state, fetch=None))

    # --- d: the PDF and its text ----------------------------------------------------------
    def pdf_exists(self, arxiv_id: str) -> bool:
        """Is the paper's PDF in the cache? (ValueError: not an arXiv id.)"""
        # (lazy: it imports reader.core.ids, whose patterns are compiled on import; the
        # first paint needs none of it)
        from reader.core.pdf_paths import pdf_path

        return pdf_path(self.cache(), arxiv_id).exists()

    def showing(self, arxiv_id: str) -> bool:
        """Is the text of ``arxiv_id`` shown, or on its way?"""
        text = self.state.text_for(arxiv_id)
        return text is not None and text.stage in ("downloading", "opening", "extracting", "done")

    def nothing(self, arxiv_id: str) -> None:
        """``arxiv_id`` has no PDF: the pane says how to get one."""
        self._seq += 1
        self._set(replace(self.state, text=TextJob(arxiv_id, self._seq, "empty")))

    def failed(self, arxiv_id: str, message: str) -> None:
        self._seq += 1
        self._set(replace(self.state, text=TextJob(arxiv_id, self._seq, "failed", message=message)))

    def start_text(self, arxiv_id: str, *, download: bool) -> None:
        """Download (if ``download``) and extract the text of ``arxiv_id``; a text job
        under way for another paper stops (its download goes on)."""
        if self._cancel is not None:
            self._cancel.set()
        self._seq += 1
        job = self._seq
        cancel = self._cancel = threading.Event()
        downloads = _with_download(self.state.downloads, arxiv_id, (0, None)) if download else self.state.downloads
        stage: Stage = "downloading" if download else "opening"
        self._set(replace(self.state, downloads=downloads, text=TextJob(arxiv_id, job, stage)))
        cache, post, stopped = self.cache(), self.post, self._stopped
        self.run(lambda: text_job(arxiv_id, job, cache, download, cancel, stopped, post))

    def pdf_progress(self, message: PdfProgress) -> None:
        if message.arxiv_id in self.state.downloads:
            progress = (message.done, message.total)
            self._set(replace(self.state, downloads=_with_download(self.state.downloads, message.arxiv_id, progress)))

    def pdf_downloaded(self, message: PdfDownloaded, shown: str | None) -> bool:
        """The PDF of a paper is in: True if the Paper pane shows another paper (say so)."""
        arxiv_id = message.arxiv_id
        downloads = _with_download(self.state.downloads, arxiv_id, None)
        text = self.state.text_for(arxiv_id)
        if shown != arxiv_id:
            self._set(replace(self.state, downloads=downloads))
            return True
        if text is None or text.stage not in ("downloading", "opening"):
            self._set(replace(self.state, downloads=downloads))
            self.start_text(arxiv_id, download=False)  # its own job was stopped when the reader left
        else:
            self._set(replace(self.state, downloads=downloads, text=replace(text, stage="extracting")))
        return False

    def pdf_failed(self, message: PdfFailed) -> None:
        downloads = _with_download(self.state.downloads, message.arxiv_id, None)
        text = self.state.text_for(message.arxiv_id)
        if text is not None:
            why = f"Could not download the PDF: {message.reason}. Press d to try again."
            text = replace(text, stage="failed", message=why)
        self._set(replace(self.state, downloads=downloads, text=text if text is not None else self.state.text))

    def page_extracted(self, message: PageExtracted) -> None:
        text = self.state.text
        if text is None or (text.arxiv_id, text.job) != (message.arxiv_id, message.job):
            return  # an older job's page: never in another paper's pane
        pages = list(text.pages)
        pages.extend([""] * (message.index + 1 - len(pages)))
        pages[message.index] = message.text
        self._set(replace(self.state, text=replace(text, stage="extracting", pages=tuple(pages), total=message.total)))

    def text_done(self, message: TextDone) -> bool:
        """The text job is over; True if it is the current one."""
        text = self.state.text
        if text is None or (text.arxiv_id, text.job) != (message.arxiv_id, message.job):
            return False
        result = message.result
        self._set(replace(self.state, text=replace(text, stage="done", result=result, total=len(result.pages))))
        return True


def text_job(
    arxiv_id: str,
    job: int,
    cache: Path,
    download: bool,
    cancel: threading.Event,
    stopped: threading.Event,
    post: Callable[[Message], object],
) -> None:
    """(In the background.) Download the PDF if asked, then read its text from the cache or
    extract it page by page; every step is posted as a message."""
    from reader.core.pdf_download import DownloadError, download_pdf  # (lazy: ~9 ms, not loaded before the first paint)
    from reader.core.pdf_text import PaperText, cached_text  # (lazy: not loaded before the first paint)
    from reader.core.pdf_worker import extract_text  # (lazy: ~103 ms, not loaded before the first paint)

    if download:
        last = [0.0]

        def progress(done: int, total: int | None) -> None:
            now = time.monotonic()
            if not stopped.is_set() and (now - last[0] >= PROGRESS_EVERY or (total and done >= total)):
                last[0] = now
                post(PdfProgress(arxiv_id, done, total))

        try:
            download_pdf(arxiv_id, cache, progress=progress)
        except DownloadError as exc:
            post(PdfFailed(arxiv_id, exc.reason))
            return
        except Exception as exc:
            post(PdfFailed(arxiv_id, describe_error(exc)))
            return
        post(PdfDownloaded(arxiv_id))
    if cancel.is_set():
        return  # the reader moved on; the PDF is kept for when they come back
    try:
        cached = cached_text(arxiv_id, cache)
        if cached is not None:
            post(TextDone(arxiv_id, job, cached))
            return

        def on_page(index: int, total: int, text: str) -> None:
            if not cancel.is_set():
                post(PageExtracted(arxiv_id, job, index, total, text))

        result = extract_text(arxiv_id, cache, on_page=on_page, cancel=cancel)
    except Exception as exc:
        result = PaperText(error=describe_error(exc))
    post(TextDone(arxiv_id, job, result))


def in_background(fn: Callable[[], None]) -> Future[None]:
    """Run ``fn`` in a daemon thread: quitting never waits for a stalled connection (every
    network call is bounded, reader/core/net.py, but by seconds). Its Future is awaited by
    an async worker, which Textual cancels when the app exits."""
    future: Future[None] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            fn()
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(None)

    threading.Thread(target=run, name="reader-job", daemon=True).start()
    return future
