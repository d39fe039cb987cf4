"""Behaviour beyond single keys: literal text, live reload, errors, small terminals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.cells import cell_len

from reader.core.library import Library
from reader.core.models import ParsedDigest
from reader.tui.app import ReaderApp
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.papers import PapersList
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready, settle, type_text
from .helpers import entry, make_library, sample_digests
from .textual_test_compat import notifications, screen_text

MARKUP_TITLE = "[bold]Not bold[/] and [link=http://x]no link[/link] [/] [red"


def _plain(app) -> str:
    """What the terminal shows, as plain text."""
    return screen_text(app)


async def test_empty_library_shows_welcome(empty_library):
    app = ReaderApp(empty_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = _plain(app)
        assert "reader import FILE" in text and "reader --demo" in text and "press" in text
        # another process imports a digest: the welcome screen gives way to the list
        make_library(empty_library.data_dir, sample_digests()[:1])
        for _ in range(40):
            await pilot.pause(0.1)
            if not isinstance(app.screen, WelcomeScreen):
                break
        await settle(pilot)
        assert not isinstance(app.screen, WelcomeScreen)
        assert app.screen.visible_ids == ["2007.00001", "2007.00002", "2007.00003"]


async def test_markup_in_titles_tags_notes_and_commentary_is_literal(tmp_path):
    digest = ParsedDigest(
        source="/d/markup.md",
        date=dt.date(2021, 1, 3),
        title="[b]digest[/b]",
        entries=[entry("2101.00001", MARKUP_TITLE, ("[i]Author[/i]", "Other"),
                       "Commentary with [bold]markup[/] and [link=http://e]x[/link].",
                       tags=["[red]"])],
    )
    library = make_library(tmp_path / "lib", [digest])
    library.set_note("2101.00001", "[bold]my note[/bold]")
    app = ReaderApp(library)
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        text = _plain(app)
        assert "[bold]Not bold[/] and [link=http://x]no link" in text
        assert "[i]Author[/i] et al." in text
        assert "#[red]" in text
        assert "Commentary with [bold]markup[/] and [link=http://e]x[/link]." in text
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#note-editor").text == "[bold]my note[/bold]"
        await pilot.press("escape", "a")
        await pilot.pause(0.1)
        assert "[bold]Not bold[/]" in _plain(app)
        # the palette shows titles literally too
        await pilot.press("ctrl+p")
        await type_text(pilot, "not bold")
        await pilot.pause(0.5)
        assert "[bold]Not bold[/]" in _plain(app)


async def test_korean_titles_line_up(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        papers = app.screen.query_one(PapersList)
        width = papers.scrollable_content_region.width
        rows = [papers.render_row_line(n, row, 0, width) for n, row in enumerate(papers.rows)]
        assert any("한국어" in row.plain for row in rows)
        ends = set()  # authors are right-aligned: they end in the same column
        for row in rows:
            plain = row.plain
            author = next(a for a in ("Smith et al.", "김철수", "White et al.") if a in plain)
            ends.add(cell_len(plain[: plain.index(author) + len(author)]))
        assert len(ends) == 1, ends
        assert all(cell_len(row.plain) == width for row in rows)


async def test_commentary_from_every_digest_and_reference_jump(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")  # the diffusion paper, in both weeks
        await pilot.pause(0.2)
        text = _plain(app)
        assert "2020-07-12 · 2020-W28" in text and "2020-07-05 · 2020-W27" in text
        assert "Second mention of the diffusion paper" in text
        assert "Generative models are getting better." in text
        # the first week's first paper references 2007.00003 (in library) and 1706.03762 (not)
        await pilot.press("left_square_bracket", "g")
        await pilot.pause(0.2)
        text = _plain(app)
        assert "● 2007.00003" in text and "○ 1706.03762" in text and "not in library" in text
        refs = app.screen.query_one("#references")
        refs.focus()
        refs.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.paper_id == "2007.00003"
        assert isinstance(app.focused, PapersList)
        # Enter on a paper not in the library offers to add it (y)
        await pilot.press("g")
        await pilot.pause(0.2)
        refs.focus()
        refs.highlighted = 1
        await pilot.press("enter")
        await pilot.press("y")
        await settle(pilot, rounds=3)
        assert "1706.03762" in Library(library.data_dir).papers()


async def test_abstract_and_paper_tabs(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await pilot.pause(0.1)
        text = _plain(app)
        assert "https://arxiv.org/abs/2007.01758" in text and "press f to fetch" in text
        await pilot.press("p")
        await pilot.pause()
        assert "No text yet: press d to download the PDF" in _plain(app)
        pane = app.screen.query_one("#paper-text")
        pane.set_text(["page one [bold]", "page two"])
        await pilot.pause()
        text = _plain(app)
        assert "page one [bold]" in text and "page 2" in text
        await pilot.press("j")  # another paper: back to the empty state
        await pilot.pause(0.15)  # the detail follows the cursor once it rests
        assert "No text yet" in _plain(app)
        await pilot.press("c")
        assert app.screen.query_one(DetailPane).active == "commentary"


async def test_live_reload_keeps_cursor(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")
        other = Library(library.data_dir)  # "reader tag" in another terminal
        other.change_tags(["2007.00003"], add=["elsewhere"])
        other.set_read(["2007.04825"], True)
        for _ in range(30):
            await pilot.pause(0.1)
            if "elsewhere" in app.screen.snapshot.state("2007.00003").tags:
                break
        assert "elsewhere" in app.screen.snapshot.state("2007.00003").tags
        assert app.screen.snapshot.state("2007.04825").read
        assert app.screen.paper_id == "2007.00003"
        # a new digest imported elsewhere appears in the sidebar
        other.import_digests([(ParsedDigest("/d/new.md", dt.date(2020, 7, 19), "Newest",
                                            [entry("2007.09999", "Brand new")]), "sha-new")])
        for _ in range(30):
            await pilot.pause(0.1)
            if len(app.screen.snapshot.digests) == 3:
                break
        assert len(app.screen.snapshot.digests) == 3
        assert app.screen.paper_id == "2007.00003"


async def test_write_error_is_a_notification(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        (Path(library.data_dir) / "state.json").write_text("{ not json")
        await pilot.press("space")
        await settle(pilot, rounds=3)
        await pilot.pause(0.2)
        assert any(n.severity == "error" for n in notifications(app))
        assert app.is_running
        await pilot.press("j")  # still works
        assert app.screen.paper_id == "2007.03898"


async def test_small_terminal_shows_list_and_detail(library):
    app = ReaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        papers = app.screen.query_one(PapersList)
        detail = app.screen.query_one(DetailPane)
        assert papers.region.height >= 6 and detail.region.height >= 10
        assert not app.screen.query_one(WeeksSidebar).display
        text = _plain(app)
        assert "Collaborative Learning" in text and "Commentary" in text
        await pilot.press("w")  # the weeks come back over the list
        await pilot.pause()
        assert app.screen.query_one(WeeksSidebar).display
        await pilot.press("w", "right_square_bracket", "left_square_bracket")
        assert app.screen.visible_ids[0] == "2007.00001"


async def test_export_writes_markdown(library, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_EXPORT_DIR", str(tmp_path / "exports"))
    library.set_note("2007.01758", "exported note")
    app = ReaderApp(library)
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kwargs: (said.append(str(message)), notify(message, **kwargs))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.pause(0.2)
    files = list((tmp_path / "exports").glob("*.md"))
    assert len(files) == 1
    assert "exported note" in files[0].read_text()
    assert any(str(files[0].resolve()) in message for message in said)  # says where it went


async def test_import_prompt_completes_paths_and_imports(empty_library, tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "200712.md").write_text(
        "# 200712 A week\n\nhttps://arxiv.org/abs/2007.01758 Collaborative Learning (A. Author)\nNice.\n"
    )
    app = ReaderApp(empty_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await type_text(pilot, str(folder / "2007"))
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert app.screen.query_one("#path-input").value == str(folder / "200712.md")
        await pilot.press("enter")
        for _ in range(30):
            await settle(pilot)
            if not isinstance(app.screen, WelcomeScreen):
                break
        assert "2007.01758" in app.screen.visible_ids


async def test_palette_runs_actions_and_jumps_to_papers(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "clustered")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen.paper_id == "2007.04825"
        await pilot.press("ctrl+p")
        await type_text(pilot, "Read")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.snapshot.state("2007.04825").read
