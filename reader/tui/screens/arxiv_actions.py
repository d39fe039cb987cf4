"""The main screen's arXiv actions: ``f`` fetches metadata, ``d`` downloads a PDF and shows
its text; and what the jobs' messages do. Functions of the screen: the state of the jobs is
:class:`~reader.tui.jobs.ArxivJobs`'s, which the Paper pane and the status line show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from reader.core.present import count_papers

from ..jobs import to_fetch
from ..messages import FetchDone, FetchProgress, PageExtracted, PdfDownloaded, PdfFailed, PdfProgress, TextDone
from ..widgets.detail import DetailPane
from ..widgets.papers import PapersList

if TYPE_CHECKING:
    from .main import MainScreen


def fetch_view(screen: MainScreen) -> None:
    """Fetch the metadata of the view's papers that lack it (all of them again when none do)."""
    running = screen.arxiv.state.fetch
    if running is not None:
        screen.notify(f"Still fetching {count_papers(running.count)} from arXiv…", timeout=3)
        return
    ids = list(screen.visible_ids)
    if not ids:
        screen.notify("No papers here to fetch.", severity="warning")
        return
    wanted, refresh = to_fetch(screen.snapshot, ids)
    verb = "Refreshing" if refresh else "Fetching"
    screen.notify(f"{verb} {count_papers(len(wanted))} from arXiv…", title="arXiv", timeout=3)
    screen.arxiv.fetch(wanted, verb)


def download(screen: MainScreen) -> None:
    """``d``: the PDF of the current paper, and its text in the Paper tab."""
    arxiv_id = screen.paper_id
    if arxiv_id is None:
        screen.notify("No paper selected.", severity="warning")
        return
    screen.query_one(DetailPane).show("paper")
    jobs = screen.arxiv
    if arxiv_id in jobs.state.downloads:
        screen.notify(f"Already downloading {arxiv_id}…", timeout=3)
        return
    try:
        exists = jobs.pdf_exists(arxiv_id)
    except ValueError:
        screen.notify(f"{arxiv_id} is not an arXiv id: no PDF to download.", severity="error")
        return
    if exists and jobs.showing(arxiv_id):
        return  # its text is on screen (or on its way)
    jobs.start_text(arxiv_id, download=not exists)


def paper_wanted(screen: MainScreen, arxiv_id: str) -> None:
    """The Paper tab shows a paper it has nothing for: its text (cached, or extracted now),
    or how to get it."""
    jobs = screen.arxiv
    if arxiv_id in jobs.state.downloads or jobs.state.text_for(arxiv_id) is not None:
        return
    try:
        exists = jobs.pdf_exists(arxiv_id)
    except ValueError:
        jobs.failed(arxiv_id, "Not an arXiv id: there is no PDF to download.")
        return
    if exists:
        jobs.start_text(arxiv_id, download=False)
    else:
        jobs.nothing(arxiv_id)


def outcome(screen: MainScreen, message: Message) -> None:
    """A job's message (posted from its thread)."""
    jobs = screen.arxiv
    match message:
        case FetchProgress():
            jobs.fetch_progress(message)
        case FetchDone(summary=summary, error=error):
            jobs.fetch_done()
            if error is not None or summary is None:
                screen.notify(error or "", title="arXiv: fetch failed", severity="error", timeout=8)
                return
            offline = bool(summary.unreachable and not summary.ok)
            screen.notify(
                summary.describe(),
                title="arXiv",
                severity="warning" if offline or summary.errors or summary.not_found else "information",
                timeout=8 if offline else 5,
            )
            if summary.ok or summary.not_found or summary.errors:
                screen.load()  # the Abstract pane fills in from what was stored
        case PdfProgress():
            jobs.pdf_progress(message)
        case PdfDownloaded(arxiv_id=arxiv_id):
            screen.query_one(PapersList).reload_pdf_marks()
            if jobs.pdf_downloaded(message, screen.query_one(DetailPane).shown_id):
                screen.notify(f"Downloaded the PDF of {arxiv_id}.", timeout=3)
        case PdfFailed(arxiv_id=arxiv_id, reason=reason):
            jobs.pdf_failed(message)
            screen.notify(f"{arxiv_id}: {reason}", title="PDF not downloaded", severity="error", timeout=8)
        case PageExtracted():
            jobs.page_extracted(message)
        case TextDone(arxiv_id=arxiv_id, result=result):
            if jobs.text_done(message) and not result.error and any(result.pages):
                screen.search.add_text(arxiv_id, result)  # the paper text becomes searchable
                screen.citations = screen.citations.adding(arxiv_id, result.cites)
