"""f (arXiv metadata), d (PDF and its text), find in the Paper pane, against a local server."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from reader.core.arxiv_api import ArxivFetcher
from reader.core.locations import cache_dir
from reader.core.models import ParsedDigest
from reader.core.pdf import pdf_path
from reader.tui import jobs as actions_arxiv
from reader.tui.app import ReaderApp
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.papers import MISMATCH_MARK, PDF_MARK, PapersList
from tests.atomfeeds import API, arxiv_like
from tests.atomfeeds import entry as feed_entry
from tests.httpserver import Reply, unused_port
from tests.pdfgen import numbered_pages, text_pdf

from .conftest import ready, type_text
from .helpers import entry, make_library
from .test_behaviour import _plain

SIZE = (120, 40)
IDS = ["2007.01758", "2007.03898", "2007.04825"]
PDF = {"Content-Type": "application/pdf"}


@pytest.fixture
def arxiv(http_server, monkeypatch):
    """arXiv's API and PDFs served by the local test server; no retry back-off."""
    monkeypatch.setenv("READER_ARXIV_API", http_server.url + API)
    monkeypatch.setenv("READER_ARXIV_PDF", http_server.url + "/pdf")
    monkeypatch.setattr(actions_arxiv, "make_fetcher", lambda: ArxivFetcher(delay_seconds=0, backoff=0))
    return http_server


@pytest.fixture
def week(tmp_path):
    digest = ParsedDigest(
        source="/digests/200712.md",
        date=dt.date(2020, 7, 12),
        title="A week",
        entries=[
            entry(IDS[0], "Collaborative Learning for Faster StyleGAN Embedding", ("Shanyan Guan", "Ying Tai"),
                  "Commentary one.", version=1),
            entry(IDS[1], "NVAE: A Deep Hierarchical Variational Autoencoder", ("Arash Vahdat",), "Two."),
            entry(IDS[2], "Fast Transformers with Clustered Attention", ("Apoorv Vyas",), "Three."),
        ],
    )
    return make_library(tmp_path / "lib", [digest])


async def until(pilot, condition, timeout: float = 10.0, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; screen:\n{_plain(pilot.app)}")
        await pilot.pause(step)


def logged(app: ReaderApp) -> ReaderApp:
    """Keep every notification's text in ``app.seen``, and show none of them: toasts
    would cover the text the tests read off the screen."""
    app.seen = []

    def notify(message, **kwargs) -> None:
        app.seen.append(str(message))

    app.notify = notify
    return app


def notes(app) -> str:
    return "\n".join(app.seen)


def paper_pane(app):
    return app.screen.query_one(DetailPane).paper_pane


async def test_f_fills_the_abstract_pane(week, arxiv):
    known = {
        IDS[0]: feed_entry(IDS[0], 3, title="Collaborative Learning for Faster StyleGAN Embedding Revisited",
                           summary="We embed [bold]faces[/bold] quickly.", comment="10 pages",
                           journal_ref="CVPR 2021", doi="10.1000/xyz",
                           authors=[("Shanyan Guan", []), ("Ying Tai", []), ("Bingbing Ni", [])]),
        IDS[1]: feed_entry(IDS[1], 2, title="NVAE: A Deep Hierarchical Variational Autoencoder"),
        IDS[2]: feed_entry(IDS[2], 1, title="Fast Transformers with Clustered Attention"),
    }
    arxiv.route(API, arxiv_like(known))
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await until(pilot, lambda: "press f to fetch from arXiv" in _plain(app), timeout=2)
        await pilot.press("f")
        assert "Fetching 3 papers" in notes(app)
        # (the pane grows once laid out again: wait for its last lines, not just the first)
        await until(pilot, lambda: "Revisited" in _plain(app) and "quickly." in _plain(app))
        text = _plain(app)
        assert "Shanyan Guan, Ying Tai, Bingbing Ni" in text
        assert "We embed [bold]faces[/bold] quickly." in text  # literal, never markup
        assert "hep-th gr-qc" in text and "10 pages" in text and "CVPR 2021" in text and "10.1000/xyz" in text
        assert "digest names v1, latest v3" in text
        assert "⚠ The digest's title differs from arXiv's" in text
        assert "https://arxiv.org/abs/2007.01758" in text and "https://arxiv.org/pdf/2007.01758v3" in text
        assert "fetched 3 papers: 3 ok" in notes(app)
        # the list flags the mismatched paper, and only it
        papers = app.screen.query_one(PapersList)
        width = papers.scrollable_content_region.width
        rows = [papers.render_row_line(n, row, 0, width).plain for n, row in enumerate(papers.rows)]
        assert [MISMATCH_MARK in row for row in rows] == [True, False, False]
        assert len(arxiv.requests_to(API)) == 1
        # f again: everything has metadata, so it refreshes them all
        await pilot.press("j", "f")
        assert "Refreshing 3 papers" in notes(app)
        await until(pilot, lambda: len(arxiv.requests_to(API)) == 2 and app.screen.jobs.fetch is None)


async def test_f_offline_is_a_notification(week, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_API", f"http://127.0.0.1:{unused_port()}/api/query")
    monkeypatch.setattr(actions_arxiv, "make_fetcher", lambda: ArxivFetcher(delay_seconds=0, backoff=0))
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f")
        await until(pilot, lambda: "working offline" in notes(app))
        assert "arXiv unreachable: connection refused; working offline" in notes(app)
        assert app.is_running
        assert not app.screen.query_one("#status").display  # the progress line is gone
        focused = app.focused
        await pilot.press("j", "a")  # still works, still offline
        await pilot.pause(0.15)
        assert app.screen.paper_id == IDS[1], (focused, app.focused, app.screen.visible_ids)
        assert "Fetching from arXiv failed: connection refused. Press f to fetch from arXiv again." in _plain(app)


async def test_d_downloads_and_shows_pages_as_they_come(week, arxiv):
    # page 30 is slow to extract: the first pages must be on screen before it is done
    body = text_pdf(numbered_pages(30), slow_pages={29: 60_000})
    arxiv.route(f"/pdf/{IDS[0]}", Reply(200, body, PDF))
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("d")
        assert app.screen.query_one(DetailPane).active == "paper"
        pane = paper_pane(app)
        await until(pilot, lambda: len(pane.pages) >= 1)
        assert not pane.done and len(pane.pages) < 30
        assert "Page 1 text" in _plain(app)
        assert "Extracting the text" in _plain(app)
        seen = [len(pane.pages)]

        def grown() -> bool:
            seen.append(len(pane.pages))
            return pane.done

        await until(pilot, grown, timeout=30)
        assert seen == sorted(seen) and seen[0] < 30, seen  # pages were appended while it ran
        assert pane.pages == [f"Page {n} text second line of page {n}" for n in range(1, 31)]  # reflowed
        assert "30 pages" in _plain(app)
        assert pdf_path(cache_dir(), IDS[0]).exists()
        papers = app.screen.query_one(PapersList)
        assert papers.has_pdf(IDS[0]) and not papers.has_pdf(IDS[1])
        width = papers.scrollable_content_region.width
        assert PDF_MARK in papers.render_row_line(0, papers.rows[0], 0, width).plain
        # another paper with no PDF, then back: the text comes from the cache at once
        await pilot.press("j")
        await until(pilot, lambda: pane.paper_id == IDS[1])
        await until(pilot, lambda: "No text yet: press d" in _plain(app))
        started = time.monotonic()
        await pilot.press("k")
        await until(pilot, lambda: pane.done and len(pane.pages) == 30)
        assert time.monotonic() - started < 1.0
        assert len(arxiv.requests_to(f"/pdf/{IDS[0]}")) == 1


async def test_d_web_page_instead_of_pdf_is_an_error_in_the_pane(week, arxiv):
    arxiv.route(f"/pdf/{IDS[0]}", Reply(200, "<!DOCTYPE html><html><body>captcha</body></html>",
                                        {"Content-Type": "text/html"}))
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("d")
        await until(pilot, lambda: "got a web page, not a PDF" in _plain(app))
        assert "Could not download the PDF: got a web page, not a PDF" in _plain(app)
        assert not pdf_path(cache_dir(), IDS[0]).exists()
        assert app.is_running


async def test_moving_to_a_downloaded_paper_shows_its_text_and_only_its_own(week):
    cache = cache_dir()
    for arxiv_id, pages, slow in ((IDS[0], ["First paper, page one", "First, page two"], {1: 60_000}),
                                  (IDS[1], ["Second paper text"], None)):
        path = pdf_path(cache, arxiv_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text_pdf(pages, slow_pages=slow))
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("p")
        pane = paper_pane(app)
        await until(pilot, lambda: "First paper, page one" in _plain(app))
        assert not pane.done  # page two is slow: the extraction of paper one is still running
        await pilot.press("j")
        await until(pilot, lambda: pane.done and pane.paper_id == IDS[1])
        assert pane.pages == ["Second paper text"]
        await pilot.pause(0.3)
        assert "First" not in _plain(app)  # nothing of paper one lands in paper two's pane
        await pilot.press("j")  # no PDF: how to get one
        await until(pilot, lambda: "No text yet: press d" in _plain(app))


async def test_find_in_paper_with_n_and_N(week):
    app = logged(ReaderApp(week))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("p")
        pane = paper_pane(app)
        filler = "\n".join(f"line {n} of plain text" for n in range(40))
        pane.set_text([f"Attention here.\n{filler}", filler, f"{filler}\nthe last ATTENTION [bold]x[/bold]"])
        await pilot.pause()
        await pilot.press("tab")  # from the list into the Paper pane
        view = pane.view
        assert app.focused is view
        await pilot.press("slash")
        assert app.focused.id == "paper-find"
        await type_text(pilot, "attention")
        assert len(view.matches) == 2
        assert "1/2" in _plain(app)
        await pilot.press("enter")
        assert app.focused is view
        await pilot.press("n")
        assert view.current == 1
        assert "2/2" in _plain(app)
        assert "the last ATTENTION [bold]x[/bold]" in _plain(app)  # scrolled to it, literal
        await pilot.press("n")  # wraps to the first
        assert view.current == 0 and "1/2" in _plain(app)
        await pilot.press("N")
        assert view.current == 1
        await pilot.press("ctrl+f")
        await type_text(pilot, "zzz")  # appends to the query
        await pilot.pause()
        assert "no matches" in _plain(app)
        await pilot.press("escape")  # closes the find bar
        assert app.focused is view
        await pilot.press("escape")  # clears the highlights
        assert not view.query_text
        await pilot.press("escape")  # back to the list, where / filters and n edits the note
        assert isinstance(app.focused, PapersList)
        await pilot.press("slash")
        assert app.focused.id == "filter"
        await pilot.press("escape", "n")
        assert app.focused.id == "note-editor"
