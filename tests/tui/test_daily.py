"""The app as a daily tool (issue 14): the cursor row, the sidebar at scale, the footer,
help, open and copy, the small things. One app start per test where a test needs one."""

from __future__ import annotations

import asyncio

from rich.style import Style

from reader.tui.app import ReaderApp
from reader.tui.widgets.line_list import LineList
from reader.tui.widgets.papers import PapersList
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready
from .helpers import many_weeks_library
from .textual_test_compat import notifications


def cursor_cells(widget: LineList) -> list[Style]:
    """The style of every cell of the cursor row's first line, as drawn."""
    top = widget._tops[widget.cursor] - int(widget.scroll_offset.y)
    strip = widget.render_line(top)
    styles: list[Style] = []
    for segment in strip:
        styles += [segment.style or Style()] * segment.cell_length
    return styles


async def _cursor_row_is_highlighted_across_its_full_width(app, pilot, tmp_path) -> None:
    papers = app.screen.query_one(PapersList)
    sidebar = app.screen.query_one(WeeksSidebar)
    for theme in ("textual-dark", "textual-light", "nord"):
        app.theme = theme
        await pilot.pause()
        for widget, focused in ((papers, True), (sidebar, False)):
            wanted = widget.get_component_rich_style("line-list--cursor").bgcolor
            assert wanted is not None
            cells = cursor_cells(widget)
            assert len(cells) == widget.scrollable_content_region.width
            assert {cell.bgcolor for cell in cells} == {wanted}, (theme, type(widget).__name__)
            if focused:
                foreground = widget.get_component_rich_style("line-list--cursor").color
                assert {cell.color for cell in cells} == {foreground}, theme


def sidebar_lines(app) -> list[str]:
    sidebar = app.screen.query_one(WeeksSidebar)
    return [strip.text for strip in sidebar.render_lines(sidebar.scrollable_content_region)]


async def test_sidebar_scales_weeks_tags_undated(tmp_path):
    from reader.core.views import View, ViewKind

    app = ReaderApp(many_weeks_library(tmp_path / "lib"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app.screen
        sidebar = main.query_one(WeeksSidebar)
        lines = sidebar_lines(app)
        # Opens with VIEWS in sight, then the nine most used tags and a row for the rest.
        assert sidebar.scroll_offset.y == 0 and lines[0].strip() == "VIEWS"
        assert lines[5].startswith(" TAGS") and lines[5].split()[-1] == "31"
        assert [line.split()[0] for line in lines[6:15]] == [str(k) for k in range(1, 10)]
        assert "+ 22 more tags" in lines[15]
        # One row per ISO week; the current week's three digests under it.
        keys = [row.key for row in sidebar.rows]
        weeks = [k for k in keys if k.startswith("week:") or (k.startswith("digest:") and sidebar.rows[keys.index(k)].height == 2)]
        assert len(weeks) == 40 + 2  # 40 weeks, 2 undated notes
        assert keys[keys.index("week:2020-W28") + 1 : keys.index("week:2020-W28") + 4] == [
            f"digest:{d.id}" for d in main.snapshot.digests[:3]
        ]
        assert "2020-W28  3 digests" in "\n".join(lines)
        # Moving into a week of one digest folds the others away; undated ones are apart.
        await pilot.press("left_square_bracket")
        assert main.view == View.digest(main.snapshot.digests[3].id)
        assert not any(row.key == f"digest:{main.snapshot.digests[1].id}" for row in sidebar.rows)
        await pilot.press("right_square_bracket")
        assert main.view.kind is ViewKind.WEEK and main.view.key == "2020-W28"
        assert len(main.visible_ids) == 9
        main.set_focus(sidebar)
        await pilot.press("G")
        await pilot.pause()
        text = "\n".join(sidebar_lines(app))
        assert "UNDATED" in text and "number 1" in text and "number 2" in text
        # Enter on "more" shows every tag, and again folds them.
        sidebar.move_to("#tags-more")
        await pilot.press("enter")
        assert sum(1 for row in sidebar.rows if row.key.startswith("tag:")) == 31
        await pilot.press("enter")
        assert sum(1 for row in sidebar.rows if row.key.startswith("tag:")) == 9


async def _footer_keeps_the_keys_that_matter_at_80_columns(app, pilot, tmp_path) -> None:
    from reader.tui.widgets.footer import KeysFooter

    footer = app.screen.query_one(KeysFooter)
    line = footer.render().plain
    assert len(line) <= 80 and "…" not in line
    for key in ("space Read", "/ Filter", "t Tag", "n Note", "? Keys", "^p"):
        assert key in line, (key, line)
    assert "d PDF" not in line  # the least important made room
    await pilot.resize_terminal(60, 24)
    await pilot.pause()
    line = footer.render().plain
    assert "? Keys" in line and "^p" in line and "…" not in line, line
    await pilot.resize_terminal(200, 50)
    await pilot.pause()
    line = footer.render().plain
    assert "d PDF" in line and "f Fetch arXiv" in line


async def _help_teaches_links_and_every_glyph(app, pilot, tmp_path) -> None:
    import io

    from rich.console import Console

    from reader.tui.widgets import papers

    await pilot.press("question_mark")
    await pilot.pause()
    console = Console(width=110, file=io.StringIO())
    console.print(app.screen._table())
    text = console.file.getvalue()
    for glyph in (papers.UNREAD_MARK, papers.READ_MARK, papers.NOTE_MARK, papers.PDF_MARK,
                  papers.MISMATCH_MARK, papers.SELECT_MARK):
        assert glyph in text, glyph
    assert "Commentary tab" in text and "backlinks" in text and "guessed" in text


def test_windows_open_only_where_the_reader_can_see_them():
    from reader.tui.opener import can_open_windows

    assert not can_open_windows({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, "linux")
    assert not can_open_windows({}, "linux")  # a console: no display
    assert can_open_windows({"DISPLAY": ":0"}, "linux")
    assert can_open_windows({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert can_open_windows({}, "darwin")
    assert not can_open_windows({"SSH_TTY": "/dev/pts/1"}, "darwin")


async def test_open_copy_and_pdf_say_what_they_did(library, tmp_path, monkeypatch):
    import webbrowser

    from reader.tui import opener

    from .conftest import settle

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: (_ for _ in ()).throw(AssertionError("no browser here")))
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        main = app.screen
        paper = main.paper_id
        url = f"https://arxiv.org/abs/{paper}"
        # o where no browser can open: the URL is shown and copied.
        await pilot.press("o")
        await settle(pilot)
        assert app.clipboard == url
        assert url in "\n".join(str(n.message) for n in notifications(app))
        # y: copy the URL, the BibTeX entry, the citation key.
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert app.clipboard.startswith("@misc{") and "eprint" in app.clipboard and paper in app.clipboard
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert app.clipboard.endswith(paper) and "\n" not in app.clipboard and not app.clipboard.startswith("@")
        # O without a PDF: says d downloads it; with one, where no viewer can open: the path.
        await pilot.press("O")
        await settle(pilot)
        assert "d downloads it" in notifications(app)[-1].message
        pdf = tmp_path / "cache" / "pdf" / f"{paper}.pdf"
        pdf.parent.mkdir(parents=True)
        pdf.write_bytes(b"%PDF-1.4\n")
        await pilot.press("O")
        await settle(pilot)
        assert app.clipboard == str(pdf)
        # Where a browser can open, o opens it.
        opened: list[str] = []
        monkeypatch.setattr(opener, "open_url", lambda u: opened.append(u) or True)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [url]


async def test_mark_all_asks_first_and_several_tags_in_one_prompt(tmp_path):
    from reader.core.views import ALL, View
    from reader.tui.screens.prompts import Confirm, TagPrompt

    from .conftest import settle, type_text

    app = ReaderApp(many_weeks_library(tmp_path / "lib"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app.screen
        main.view = ALL
        await pilot.pause()
        assert len(main.visible_ids) > 50
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)  # 126 papers: asked first
        await pilot.press("n")
        await settle(pilot)
        assert not any(main.snapshot.state(i).read for i in main.visible_ids)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert all(main.snapshot.state(i).read for i in main.visible_ids)
        # A few papers: at once.
        await pilot.press("u")
        await settle(pilot)
        main.view = View.digest(main.snapshot.digests[5].id)
        await pilot.pause()
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert all(main.snapshot.state(i).read for i in main.visible_ids)
        # Several tags, spaces or commas between them; the last one completes.
        paper = main.paper_id
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagPrompt)
        await type_text(pilot, "attention, transformers comm")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert app.screen.query_one("#tag-input").value == "attention, transformers common"
        await pilot.press("enter")
        await settle(pilot)
        assert {"attention", "transformers", "common"} <= set(main.snapshot.state(paper).tags)
        assert "attention-transformers" not in main.snapshot.state(paper).tags


async def _import_tab_completes_the_common_prefix_and_lists_candidates(app, pilot, tmp_path) -> None:
    from .conftest import type_text

    folder = tmp_path / "digests"
    (folder / "2007-notes").mkdir(parents=True)
    for name in ("200705.md", "200712.md", "200719.md"):
        (folder / name).write_text("# x\n")
    await pilot.press("i")
    await type_text(pilot, str(folder / "20"))
    await pilot.press("tab")
    field = app.screen.query_one("#path-input")
    assert field.value == str(folder / "2007")  # as far as all four agree
    listed = str(app.screen.query_one("#path-candidates").render())
    assert "200705.md" in listed and "200719.md" in listed and "2007-notes/" in listed
    await type_text(pilot, "-")
    await pilot.press("tab")
    assert field.value == str(folder / "2007-notes") + "/"


def test_demo_exports_go_where_the_readme_says(monkeypatch, tmp_path):
    """``reader --demo`` leaves the export folder alone: ~/Documents/reader, or $READER_EXPORT_DIR."""
    import os
    from types import SimpleNamespace

    from reader.cli import app as cli_app
    from reader.core.locations import export_dir

    monkeypatch.delenv("READER_EXPORT_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    seen: list[object] = []
    monkeypatch.setattr(cli_app, "_run", lambda library, demo, heap=None: seen.append((os.environ.get("READER_EXPORT_DIR"), export_dir())))
    cli_app.open_app(SimpleNamespace(demo=True, data_dir=None))
    assert seen == [(None, tmp_path / "home" / "Documents" / "reader")]


def test_short_titles_of_mentioned_papers():
    from reader.core.snapshot import Snapshot
    from reader.tui.widgets.commentary import short_title, titled_links

    class Titles(Snapshot):
        def title(self, arxiv_id: str) -> str | None:
            return {"2007.03898": "NVAE: A Deep Hierarchical Variational Autoencoder",
                    "2007.00003": "Diffusion Models Beat GANs on Image Synthesis and on Everything Else Too",
                    "2007.00004": "A [bold] *title*"}.get(arxiv_id)

    snap = Titles.empty()
    snap.__class__ = Titles
    assert short_title(snap, "2007.03898") == "NVAE"
    assert short_title(snap, "2007.00003") == "Diffusion Models Beat GANs on Image…"
    assert short_title(snap, "1902.02102") == "arXiv:1902.02102"
    text = ("Like https://arxiv.org/abs/2007.03898 and arXiv:1902.02102, unlike "
            "[their paper](https://arxiv.org/abs/2007.00003) or `https://arxiv.org/abs/2007.00003`; "
            "https://arxiv.org/pdf/2007.00004v2.")
    assert titled_links(text, snap) == (
        "Like [NVAE](https://arxiv.org/abs/2007.03898) and [arXiv:1902.02102](https://arxiv.org/abs/1902.02102), "
        "unlike [their paper](https://arxiv.org/abs/2007.00003) or `https://arxiv.org/abs/2007.00003`; "
        "[A \\[bold\\] \\*title\\*](https://arxiv.org/abs/2007.00004)."
    )


async def _commentary_shows_mentioned_papers_by_title_with_spaces_between_parts(app, pilot, tmp_path) -> None:
    from .textual_test_compat import screen_text

    await pilot.press("left_square_bracket", "g")  # the first week: 2007.00001 mentions 2007.00003
    await pilot.pause(0.2)
    await ready(pilot)
    text = screen_text(app)
    assert "See Diffusion Models Beat GANs." in text
    assert "https://arxiv.org/abs/2007.00003" not in text
    assert "2020-07-05 · 2020-W27  Papers of the first week" in text
    assert "1706.03762  not in library" in text


async def test_theme_is_remembered_in_the_config_file(library, tmp_path, monkeypatch):
    import tomllib

    from reader.tui import app as app_module

    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("READER_THEME", raising=False)
    monkeypatch.setattr(app_module, "THEME_SETTLE", 0.05)
    config = tmp_path / "config" / "config.toml"
    app = ReaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "textual-dark"
        app.theme = "gruvbox"  # previewed in the palette: not saved while it moves on
        app.theme = "nord"
        await pilot.pause(0.3)
        await asyncio.wrap_future(app.service.submit(lambda: None))
    assert tomllib.loads(config.read_text()) == {"theme": "nord"}
    config.write_text('theme = "nord"\nfuture_key = 3\n')
    app = ReaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "nord"
        app.theme = "dracula"
        await pilot.pause(0.3)
        await asyncio.wrap_future(app.service.submit(lambda: None))
    assert tomllib.loads(config.read_text()) == {"theme": "dracula", "future_key": 3}  # other keys kept
    config.write_text("theme = [broken\n")
    app = ReaderApp(library)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert app.theme == "textual-dark"
        said = "\n".join(n.message for n in notifications(app))
        assert str(config) in said and "not valid TOML" in said
        app.theme = "nord"
        await pilot.pause(0.3)
        await asyncio.wrap_future(app.service.submit(lambda: None))
    assert config.read_text() == "theme = [broken\n"  # never written over


async def test_commentary_shows_cites_and_cited_by_and_enter_follows_them(library, tmp_path):
    import os

    from reader.core.pdf_paths import pdf_path
    from reader.core.pdf_text import PaperText, stat_key, write_cache

    from .conftest import settle
    from .textual_test_compat import screen_text

    cache = tmp_path / "cache"  # READER_CACHE_DIR (tests/conftest.py)
    assert os.environ["READER_CACHE_DIR"] == str(cache)
    pdf = pdf_path(cache, "2007.00001")
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n")
    write_cache(cache, "2007.00001", stat_key(pdf),
                PaperText(pages=["text"], cites=["2007.03898", "1706.03762", "2101.00009"]))
    app = ReaderApp(library)
    async with app.run_test(size=(120, 50)) as pilot:
        await ready(pilot)
        main = app.screen
        for _ in range(50):
            if main.citations.known:
                break
            await pilot.pause(0.02)
        main.query_text = "cited-by:arXiv:2007.00001v1"  # the filter's cited-by: follows the same index
        await pilot.pause(0.05)
        assert main.visible_ids == ["2007.03898"]  # (of the week shown)
        main.query_text = "cites:2007.04825"
        await pilot.pause(0.05)
        assert main.visible_ids == []
        main.query_text = ""
        main.jump_to("2007.03898")  # NVAE: cited by 2007.00001
        await pilot.pause(0.2)
        await settle(pilot)
        main.query_one("#detail").sync()
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "Cited by, in your library" in text and "2007.00001  Attention Is Still All You Need" in text
        assert "Cites" not in text.replace("Cited by", "")  # NVAE's own text is not read: nothing said
        main.query_one("#detail").focus_content()
        await pilot.press("enter", "enter")  # into the links, then follow the first one
        await settle(pilot)
        assert main.paper_id == "2007.00001"
        main.query_one("#detail").sync()
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "Cites" in text and "2007.03898  NVAE: A Deep Hierarchical Variational Autoencoder" in text
        assert "and 2 other arXiv papers, not in your library" in text
        # An extraction adds to the index: the pane follows.
        main.citations = main.citations.adding("2007.03898", ["2007.04825"])
        main.query_text = "cites:2007.04825"
        await pilot.pause(0.05)
        assert main.visible_ids == ["2007.03898"]
        main.query_text = ""
        main.jump_to("2007.04825")
        await pilot.pause(0.1)
        main.query_one("#detail").sync()
        await pilot.pause(0.1)
        assert "2007.03898  NVAE" in screen_text(app)


async def test_what_a_reader_sees_every_second(library, tmp_path):
    """One app on the small library: the cursor row, help, the import prompt's Tab, the
    commentary's mentioned papers and spacing, then the footer at 80 columns."""
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await _cursor_row_is_highlighted_across_its_full_width(app, pilot, tmp_path)
        await _help_teaches_links_and_every_glyph(app, pilot, tmp_path)
        await pilot.press("escape")
        await _import_tab_completes_the_common_prefix_and_lists_candidates(app, pilot, tmp_path)
        await pilot.press("escape")
        await _commentary_shows_mentioned_papers_by_title_with_spaces_between_parts(app, pilot, tmp_path)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await _footer_keeps_the_keys_that_matter_at_80_columns(app, pilot, tmp_path)
