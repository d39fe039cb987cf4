"""The Paper pane on a real (generated) PDF: paragraphs wrapped at the pane's width, page
breaks marked, and find working across what were line breaks in the PDF."""

from __future__ import annotations

import time

from reader.core.locations import cache_dir
from reader.core.pdf import pdf_path
from reader.tui.app import ReaderApp
from reader.tui.widgets.detail import DetailPane
from tests.test_pdf_reflow import two_page_paper

from .conftest import ready, type_text
from .test_behaviour import _plain

SIZE = (120, 40)
PARAGRAPH = (
    "We study how aminoglycosides bind to the ribosome and why the effect matters. Careful readers "
    "should exercise caution with the self-consistent estimates, which are state-of-the-art, and "
    "with the x-ray data of the one-dimensional model."
)


async def until(pilot, condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; screen:\n{_plain(pilot.app)}")
        await pilot.pause(0.02)


def rows(view) -> list[str]:
    """The pane's text as it is drawn, one string per row, without the padding."""
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def test_paper_pane_shows_paragraphs_page_breaks_and_finds_across_lines(library):
    arxiv_id = "2007.01758"  # the first paper of the newest digest: selected at start
    path = pdf_path(cache_dir(), arxiv_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(two_page_paper())
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen.paper_id == arxiv_id
        await pilot.press("p")
        pane = app.screen.query_one(DetailPane).paper_pane
        await until(pilot, lambda: pane.done and pane.stage == "done")
        view = pane.view
        width = view.scrollable_content_region.width
        shown = rows(view)
        # the paragraph is wrapped at the pane's width: each row but its last is nearly full,
        # so there are no one-word orphan rows, and the rows give back the paragraph
        first = next(n for n, row in enumerate(shown) if row.startswith("We study how"))
        para_rows = []
        for row in shown[first:]:
            if not row:
                break
            para_rows.append(row)
        assert " ".join(para_rows) == PARAGRAPH
        assert len(para_rows) >= 3
        assert all(len(row) > width - 16 for row in para_rows[:-1]), (width, para_rows)
        # the page break is marked
        await pilot.press("tab")
        assert app.focused is view
        await pilot.press("G")
        await pilot.pause()
        assert any(row.strip() == "— page 2 —" for row in rows(view))
        # find: a word that was hyphenated over a line break, and one over the page break
        await pilot.press("slash")
        await type_text(pilot, "exercise caution")
        assert len(view.matches) == 1
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "aminoglycosides")
        assert len(view.matches) == 3  # the title, the first paragraph, the word over the break
        assert view.matches[-1][0] == 0
        await pilot.press("enter")
        await pilot.press("n")
        assert view.current == 1
        # a phrase over two lines of a list (they stay lines) is found too
        await pilot.press("slash", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2020. [2] B.")
        assert len(view.matches) == 1 and view.matches[0][0] == 1
        assert "1/1" in _plain(app)
