"""The main screen's arXiv actions: ``f`` fetches metadata, ``d`` downloads a PDF and
shows its text; and the paper text of whatever paper the Paper tab shows.

Workers do the network and the extraction and only post messages (``messages.py``),
each naming its paper; the handlers here change what is shown. Nothing here blocks the
event loop: the library calls of a fetch run on the library thread (``service.py``).

Network calls run in a daemon thread the worker waits on, so quitting never waits for
a stalled connection (Textual's thread workers are joined at exit).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from .messages import describe_error

if TYPE_CHECKING:
    from reader.core.snapshot import Snapshot

    from .arxiv_messages import FetchDone, FetchProgress, PageExtracted, PdfDownloaded, PdfFailed, PdfProgress, TextDone

PROGRESS_EVERY = 0.1  # seconds between download progress messages


def make_fetcher():
    """The arXiv client a fetch uses (tests replace this to skip the retry back-off)."""
    from reader.core.arxiv_api import ArxivFetcher

    return ArxivFetcher()


class Stopped(Exception):
    """The app is closing: the worker gives up waiting."""


def run_stoppable(stop: threading.Event, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a daemon thread; raises ``Stopped`` once ``stop`` is set."""
    box: dict = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting worker
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="reader-network", daemon=True).start()
    while not done.wait(0.05):
        if stop.is_set():
            raise Stopped()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _count(n: int) -> str:
    return "1 paper" if n == 1 else f"{n} papers"


def to_fetch(snap: Snapshot, ids: list[str]) -> tuple[list[str], bool]:
    """The papers of ``ids`` lacking metadata (or whose last fetch failed for network
    reasons); when every one has it, all of them again (a refresh). Second: refresh?"""
    missing = []
    for arxiv_id in ids:
        record = snap.metadata.get(arxiv_id)
        if record is None or (record.get("status") == "error" and record.get("transient")):
            missing.append(arxiv_id)
    return (missing, False) if missing else (list(ids), True)


class ArxivActions:
    """Mixed into MainScreen (which provides snapshot, visible_ids, paper_id, notify...)."""

    def _init_arxiv(self) -> None:
        self._fetching: dict | None = None  # {"count", "done", "total", "verb"}
        self._downloads: dict[str, tuple[int, int | None]] = {}  # in flight: id -> progress
        self._extracting: tuple[str, int, int] | None = None  # id, pages done, total
        self._text_job: tuple[str, int] | None = None  # the paper and job whose pages are shown
        self._text_cancel: threading.Event | None = None
        self._job_seq = 0
        self._stop = threading.Event()

    def stop_background(self) -> None:
        """The app is closing: workers stop waiting, extraction stops."""
        self._stop.set()
        if self._text_cancel is not None:
            self._text_cancel.set()

    # --- f: metadata ------------------------------------------------------------
    def action_fetch(self) -> None:
        self.when_loaded("fetch", self._fetch_view)

    def _fetch_view(self) -> None:
        if self._fetching is not None:
            self.notify(f"Still fetching {_count(self._fetching['count'])} from arXiv…", timeout=3)
            return
        ids = list(self.visible_ids)
        if not ids:
            self.notify("No papers here to fetch.", severity="warning")
            return
        wanted, refresh = to_fetch(self.snapshot, ids)
        verb = "Refreshing" if refresh else "Fetching"
        self._fetching = {"count": len(wanted), "done": 0, "total": len(wanted), "verb": verb}
        self.notify(f"{verb} {_count(len(wanted))} from arXiv…", title="arXiv", timeout=3)
        self._update_status()
        self.fetch_job(wanted)

    def fetch_ids(self, ids: list[str]) -> None:
        """Fetch metadata for ``ids`` (a paper just queued), unless a fetch is running."""
        if self._fetching is not None:
            self.notify("A fetch is running: press f in the view later to fetch the rest.", timeout=4)
            return
        self._fetching = {"count": len(ids), "done": 0, "total": len(ids), "verb": "Fetching"}
        self._update_status()
        self.fetch_job(ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="arxiv")
    def fetch_job(self, ids: list[str]) -> None:
        from .arxiv_messages import FetchDone, FetchProgress

        service = self.app.service

        def fetch():
            fetcher = make_fetcher()
            try:
                return service.fetch_metadata(
                    ids, fetcher=fetcher, progress=lambda done, total: self.post_message(FetchProgress(done, total))
                )
            finally:
                fetcher.close()

        try:
            summary = run_stoppable(self._stop, fetch)
        except Stopped:
            return
        except Exception as exc:  # noqa: BLE001 - becomes a notification
            self.post_message(FetchDone(None, describe_error(exc)))
            return
        self.post_message(FetchDone(summary))

    def on_fetch_progress(self, message: FetchProgress) -> None:
        if self._fetching is not None:
            self._fetching.update(done=message.done, total=message.total or self._fetching["total"])
            self._update_status()

    def on_fetch_done(self, message: FetchDone) -> None:
        self._fetching = None
        self._update_status()
        if message.error:
            self.notify(message.error, title="arXiv: fetch failed", severity="error", timeout=8, markup=False)
            return
        summary = message.summary
        offline = bool(summary.unreachable and not summary.ok)
        self.notify(
            summary.describe(),
            title="arXiv",
            severity="warning" if offline or summary.errors or summary.not_found else "information",
            timeout=8 if offline else 5,
            markup=False,
        )
        if summary.ok or summary.not_found or summary.errors:
            self.load_snapshot()  # the Abstract pane fills in from what was stored

    # --- d: the PDF and its text --------------------------------------------------
    def _paper_pane(self):
        from .widgets.detail import DetailPane

        return self.query_one(DetailPane).paper_pane

    def _pdf_path(self, arxiv_id: str):
        from reader.core.locations import cache_dir
        from reader.core.pdf import pdf_path

        return pdf_path(cache_dir(), arxiv_id)

    def action_download(self) -> None:
        from .widgets.detail import DetailPane

        arxiv_id = self.paper_id
        if arxiv_id is None:
            self.notify("No paper selected.", severity="warning")
            return
        self.query_one(DetailPane).show("paper")
        if arxiv_id in self._downloads:
            self.notify(f"Already downloading {arxiv_id}…", timeout=3, markup=False)
            return
        try:
            exists = self._pdf_path(arxiv_id).exists()
        except ValueError:
            self.notify(f"{arxiv_id} is not an arXiv id: no PDF to download.", severity="error", markup=False)
            return
        pane = self._paper_pane()
        if exists and pane is not None and pane.loaded_for == arxiv_id and pane.state in ("loading", "text"):
            return  # its text is on screen (or on its way)
        self._start_text(arxiv_id, download=not exists)

    def on_paper_pane_wanted(self, message) -> None:
        """The Paper tab shows a paper it has nothing for: its download's progress, its
        text (cached, or extracted now), or how to get it."""
        arxiv_id = message.arxiv_id
        pane = self._paper_pane()
        if pane is None or pane.paper_id != arxiv_id:
            return
        if arxiv_id in self._downloads:
            pane.show_downloading(arxiv_id, *self._downloads[arxiv_id])
            return
        try:
            exists = self._pdf_path(arxiv_id).exists()
        except ValueError:
            pane.show_error(arxiv_id, "Not an arXiv id: there is no PDF to download.")
            return
        if exists:
            self._start_text(arxiv_id, download=False)
        else:
            pane.show_empty(arxiv_id)

    def _start_text(self, arxiv_id: str, *, download: bool) -> None:
        if self._text_cancel is not None:
            self._text_cancel.set()  # a different extraction starts: stop the last one
        self._job_seq += 1
        cancel = threading.Event()
        self._text_cancel = cancel
        self._text_job = (arxiv_id, self._job_seq)
        self._extracting = None
        pane = self._paper_pane()
        if download:
            self._downloads[arxiv_id] = (0, None)
        if pane is not None and pane.paper_id == arxiv_id:
            if download:
                pane.begin(arxiv_id, "Downloading the PDF…")
            else:
                pane.begin(arxiv_id, "Opening the text…")
        self._update_status()
        self.paper_text_job(arxiv_id, self._job_seq, download, cancel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pdf")
    def paper_text_job(self, arxiv_id: str, job: int, download: bool, cancel: threading.Event) -> None:
        from reader.core.locations import cache_dir
        from reader.core.pdf import (
            DownloadError,
            PaperText,
            cached_text,
            download_pdf,
            extract_text,
        )

        from .arxiv_messages import PageExtracted, PdfDownloaded, PdfFailed, PdfProgress, TextDone

        cache = cache_dir()
        post = self.post_message
        if download:
            last = [0.0]

            def progress(done: int, total: int | None) -> None:
                now = time.monotonic()
                if now - last[0] >= PROGRESS_EVERY or (total and done >= total):
                    last[0] = now
                    post(PdfProgress(arxiv_id, done, total))

            try:
                run_stoppable(self._stop, download_pdf, arxiv_id, cache, progress=progress)
            except Stopped:
                return
            except DownloadError as exc:
                post(PdfFailed(arxiv_id, exc.reason))
                return
            except Exception as exc:  # noqa: BLE001 - shown in the pane
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
        except Exception as exc:  # noqa: BLE001 - shown in the pane
            result = PaperText(error=describe_error(exc))
        post(TextDone(arxiv_id, job, result))

    def _shows(self, arxiv_id: str):
        """The Paper pane, if it is showing ``arxiv_id``."""
        pane = self._paper_pane()
        return pane if pane is not None and pane.paper_id == arxiv_id else None

    def on_pdf_progress(self, message: PdfProgress) -> None:
        if message.arxiv_id not in self._downloads:
            return
        self._downloads[message.arxiv_id] = (message.done, message.total)
        self._update_status()
        pane = self._shows(message.arxiv_id)
        if pane is not None:
            pane.show_downloading(message.arxiv_id, message.done, message.total)

    def on_pdf_downloaded(self, message: PdfDownloaded) -> None:
        from .widgets.papers import PapersList

        arxiv_id = message.arxiv_id
        self._downloads.pop(arxiv_id, None)
        self.query_one(PapersList).reload_pdf_marks()
        self._update_status()
        pane = self._shows(arxiv_id)
        if pane is None:
            self.notify(f"Downloaded the PDF of {arxiv_id}.", timeout=3, markup=False)
        elif self._text_job is None or self._text_job[0] != arxiv_id:
            self._start_text(arxiv_id, download=False)  # its own job was stopped when the reader left
        else:
            pane.begin(arxiv_id, "Extracting the text…")

    def on_pdf_failed(self, message: PdfFailed) -> None:
        arxiv_id = message.arxiv_id
        self._downloads.pop(arxiv_id, None)
        self._update_status()
        self.notify(f"{arxiv_id}: {message.reason}", title="PDF not downloaded", severity="error",
                    timeout=8, markup=False)
        pane = self._shows(arxiv_id)
        if pane is not None:
            pane.show_error(arxiv_id, f"Could not download the PDF: {message.reason}. Press d to try again.")

    def on_page_extracted(self, message: PageExtracted) -> None:
        if self._text_job != (message.arxiv_id, message.job):
            return  # an older job's page: never in another paper's pane
        self._extracting = (message.arxiv_id, message.index + 1, message.total)
        self._update_status()
        pane = self._shows(message.arxiv_id)
        if pane is not None:
            pane.add_page(message.index, message.total, message.text)

    def on_text_done(self, message: TextDone) -> None:
        if self._text_job != (message.arxiv_id, message.job):
            return
        self._extracting = None
        self._update_status()
        result = message.result
        if self._search is not None and result is not None and not result.error and any(result.pages):
            self._search.add_text(message.arxiv_id, result)  # the paper text becomes searchable
        pane = self._shows(message.arxiv_id)
        if pane is not None:
            pane.finish(message.result)

    # --- the status line ---------------------------------------------------------------
    def _update_status(self) -> None:
        from .widgets.paper_text import describe_progress
        from .widgets.weeks import progress_bar

        parts: list[Text] = []
        if self._fetching is not None:
            f = self._fetching
            percent = f["done"] * 100 // f["total"] if f["total"] else 0
            text = Text(f"arXiv: {f['verb'].lower()} {_count(f['count'])}… {percent}% ", style="bold")
            filled, empty = progress_bar(f["done"], f["total"])
            text.append(filled, "green")
            text.append(empty, "dim")
            parts.append(text)
        for arxiv_id, (done, total) in self._downloads.items():
            parts.append(Text(f"PDF {arxiv_id}: {describe_progress(done, total)}"))
        if self._extracting is not None:
            arxiv_id, done, total = self._extracting
            if done < total:
                parts.append(Text(f"text of {arxiv_id}: page {done} of {total}"))
        status = self.query_one("#status")
        status.display = bool(parts)
        status.update(Text("  ·  ").join(parts) if parts else Text(""))
