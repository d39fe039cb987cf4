"""User text is never markup (issue 11, finding 5).

A library whose every user-text field (digest heading, file name, titles, authors, tags,
notes, commentary, arXiv metadata) holds Textual/Rich markup: a closing tag with nothing
open (``[/x]``, which stopped the app from starting), a style (``[b]``), and a click
action (``[@click=app.quit]…[/]``, which became clickable). The app must start, every
screen and action that shows these must work, the text must show literally, and nothing
on screen may be clickable into quitting.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.library import Library
from reader.core.models import ParsedDigest
from reader.core.views import View
from reader.tui.app import ReaderApp
from reader.tui.messages import WriteFailed
from reader.tui.widgets.weeks import cut_middle

from .conftest import ready, settle, type_text
from .helpers import entry, make_library
from .textual_test_compat import notifications, screen_strips, screen_text

SIZE = (220, 36)  # wide enough for every markup-laden line in full; no taller than the panes need (drawing costs by the cell)


def hostile(name: str) -> str:
    """``name`` with each kind of markup in it (no spaces: tags keep it whole)."""
    return f"{name}[/x][b]{name}B[@click=app.quit]{name}C[/]"


HEADING = hostile("heading")
FILE = "file[b]fileB[@click=app.quit]fileC[x"  # (a file name holds no "/": no closing tags)
TITLE = hostile("title")
OTHER_TITLE = hostile("other")
AUTHOR = hostile("author")
TAG = hostile("tag")
NOTE = hostile("note")
COMMENTARY = hostile("commentary")
ARXIV_TITLE = hostile("arxivtitle")
ABSTRACT = hostile("abstract")
JOURNAL = hostile("journal")
FETCH_ERROR = hostile("fetcherror")
IDS = ["2101.00001", "2101.00002", "2101.00003"]


@pytest.fixture
def marked(tmp_path) -> Library:
    dated = ParsedDigest(
        source="/digests/210110.md",
        date=dt.date(2021, 1, 10),
        title=HEADING,
        entries=[
            entry(IDS[0], TITLE, (AUTHOR, "Other Person"), COMMENTARY + " cites https://arxiv.org/abs/2101.00009",
                  tags=[TAG], references=["2101.00009"]),
            entry(IDS[1], OTHER_TITLE, (AUTHOR,), f"Mentions https://arxiv.org/abs/{IDS[0]} {COMMENTARY}",
                  references=[IDS[0]]),
        ],
    )
    undated = ParsedDigest(
        source=f"/digests/{FILE}.md",
        date=None,
        title=None,
        entries=[entry(IDS[2], hostile("third"), (AUTHOR,), COMMENTARY, tags=[TAG])],
    )
    library = make_library(tmp_path / "lib", [undated, dated])
    library.set_note(IDS[0], NOTE)
    library.store_metadata({
        IDS[0]: {
            "status": "ok",
            "fetched_at": "2021-01-11T00:00:00+00:00",
            "metadata": {
                "title": ARXIV_TITLE,
                "authors": [AUTHOR],
                "abstract": ABSTRACT,
                "comment": hostile("comment"),
                "journal_ref": JOURNAL,
                "doi": hostile("doi"),
                "categories": [hostile("cat")],
                "primary_category": hostile("cat"),
                "published": "2021-01-01T00:00:00Z",
                "pdf_url": "https://arxiv.org/pdf/2101.00001[/x]",
            },
        },
        IDS[1]: {"status": "error", "fetched_at": "2021-01-11T00:00:00+00:00", "error": FETCH_ERROR},
    })
    return library


def quit_links(app) -> list[str]:
    """Text on screen that a click would turn into ``app.quit``."""
    found = []
    for strip in screen_strips(app):
        for segment in strip:
            meta = segment.style.meta if segment.style is not None else None
            if meta and "quit" in str(meta.get("@click", "")):
                found.append(segment.text)
    return found


def shows(app, *texts: str) -> None:
    text = screen_text(app)
    for expected in texts:
        assert expected in text, f"{expected!r} is not on screen"
    assert quit_links(app) == []


def notified(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in notifications(app))


async def test_starts_and_shows_headings_file_names_titles_and_tags_literally(marked):
    app = ReaderApp(marked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        main = app.screen
        assert main.visible_ids[:2] == IDS[:2]
        shows(app, HEADING, TITLE, "#" + TAG)  # the list's title, its rows, the sidebar
        shows(app, COMMENTARY)  # the commentary tab
        sidebar = app.screen.query_one("#weeks")
        # the sidebar: the name cut in the middle to its width (undated names stay apart)
        assert cut_middle(FILE, sidebar.scrollable_content_region.width - 2) in screen_text(app)
        await pilot.press("left_square_bracket")  # the undated digest: its file's stem is its name
        await pilot.pause(0.1)
        shows(app, FILE)
        await pilot.press("right_square_bracket")
    assert app.return_code in (None, 0)


async def test_tags_with_markup_toggle_type_untag_and_undo(marked):
    app = ReaderApp(marked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        main = app.screen
        assert main.snapshot.top_tags(9)[0] == TAG
        await pilot.press("j", "1")  # add the top tag to the second paper
        await settle(pilot)
        assert TAG in main.snapshot.state(IDS[1]).tags
        assert TAG in notified(app)
        await pilot.press("t")
        await type_text(pilot, hostile("typed"))
        await pilot.press("enter")
        await settle(pilot)
        assert hostile("typed") in main.snapshot.state(IDS[1]).tags
        shows(app, "#" + TAG)
        await pilot.press("u")  # undo the typed tag: the notice names it
        await settle(pilot, rounds=3)
        assert hostile("typed") not in main.snapshot.state(IDS[1]).tags
        assert "Undid" in notified(app)
        await pilot.press("minus")
        await pilot.pause(0.1)
        shows(app, "#" + TAG)  # the prompt's choices
        await pilot.press("enter")
        await settle(pilot)
        assert TAG not in main.snapshot.state(IDS[1]).tags
        await pilot.press("1")  # and back
        await settle(pilot)
        assert TAG in Library(marked.data_dir).state(IDS[1]).tags
        shows(app, TAG)  # the toasts say what happened, literally
        await pilot.press("2")  # no second tag: a notice, nothing breaks
        await settle(pilot)


async def test_the_tabs_show_metadata_notes_and_errors_literally(marked):
    app = ReaderApp(marked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await pilot.pause(0.2)
        shows(app, ARXIV_TITLE, ABSTRACT, JOURNAL, hostile("comment"), hostile("doi"), TITLE)
        await pilot.press("n")
        await pilot.pause(0.1)
        assert app.screen.query_one("#note-editor").text == NOTE
        await type_text(pilot, " [/y]")
        await pilot.press("escape")
        await settle(pilot)
        assert Library(marked.data_dir).note(IDS[0]) == " [/y]" + NOTE  # typed at the start
        await pilot.press("j", "a")
        await pilot.pause(0.3)
        shows(app, FETCH_ERROR, OTHER_TITLE, AUTHOR)
        await pilot.press("c")
        await pilot.pause(0.3)
        shows(app, OTHER_TITLE, COMMENTARY)
        await pilot.press("k")
        await pilot.pause(0.3)
        shows(app, "Mentioned in", OTHER_TITLE, HEADING)  # the backlinks
        await pilot.press("p", "d")  # the download fails (no network): the pane says why
        await settle(pilot)
        await pilot.pause(0.3)


async def test_filter_search_stats_help_and_palette_show_markup_literally(marked):
    app = ReaderApp(marked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[/x] [b]")  # the list's subtitle describes the filter
        await pilot.pause(0.1)
        shows(app, "filter: [/x] [b]")
        await pilot.press("escape")
        await pilot.press("s")
        await pilot.pause(0.1)
        await type_text(pilot, "title")
        for _ in range(100):
            await pilot.pause(0.05)
            if TITLE in screen_text(app):
                break
        shows(app, TITLE)
        await pilot.press("escape")
        await pilot.press("S")
        await pilot.pause(0.2)
        shows(app, "#" + TAG)
        await pilot.press("escape", "question_mark")
        await pilot.pause(0.1)
        shows(app, "Keys")
        await pilot.press("escape", "ctrl+p")
        await type_text(pilot, "title")
        await pilot.pause(0.5)
        shows(app, TITLE)
        await pilot.press("escape", "ctrl+p")
        await type_text(pilot, "week")
        await pilot.pause(0.5)
        shows(app, "Previous week", "key: [")
        await pilot.press("escape")


async def test_views_export_import_and_queue_with_markup(marked, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_EXPORT_DIR", str(tmp_path / "exports"))
    folder = tmp_path / "in[b]"
    folder.mkdir()
    digest = folder / "import[b]B[@click=app.quit]C.md"
    digest.write_text(
        f"# 210117 {hostile('imported')}\n\nhttps://arxiv.org/abs/2101.00042 {hostile('new')} (A. Author)\nNice.\n",
        encoding="utf-8",
    )
    app = ReaderApp(marked)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        main = app.screen
        main.view = View.tag(TAG)  # the tag's own view
        await pilot.pause(0.1)
        shows(app, "#" + TAG)
        await pilot.press("e")
        await settle(pilot)
        await pilot.pause(0.3)
        assert list((tmp_path / "exports").glob("*.md"))
        assert "Exported" in notified(app)
        await pilot.press("i")
        await type_text(pilot, str(digest))
        await pilot.press("enter")
        for _ in range(50):
            await settle(pilot)
            if "2101.00042" in main.snapshot.papers:
                break
        assert "2101.00042" in main.snapshot.papers
        assert str(digest) in notified(app)
        await pilot.press("i")
        await type_text(pilot, str(folder / "missing[b]"))
        await pilot.press("enter")  # no such file: said in a notice
        await pilot.pause(0.1)
        assert "missing[b]" in notified(app)
        await pilot.press("escape")
        main.jump_to("2101.00009")  # cited, not in the library: the queue's question
        await pilot.pause(0.2)
        shows(app, "2101.00009")
        await pilot.press("n")
        await settle(pilot)
        main.view = View.digest(next(d.id for d in main.snapshot.digests if d.title and "imported" in d.title))
        await pilot.pause(0.2)
        shows(app, hostile("imported"), hostile("new"))


# --- each cause on its own (a library whose only markup is where the test says) -------
WEEK2 = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]


async def test_a_markup_tag_toggled_with_a_number_key(library):
    library.change_tags([WEEK2[2]], add=["[/x]", "[/x]-too"])
    library.change_tags([WEEK2[3]], add=["[/x]"])
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert app.screen.snapshot.top_tags(9)[0] == "[/x]"
        await pilot.press("1")
        await settle(pilot)
        assert "+#[/x]" in notified(app)
        assert "[/x]" in app.screen.snapshot.state(WEEK2[0]).tags


async def test_a_markup_tag_typed_with_t_and_undone(library):
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await type_text(pilot, "[/x]")
        await pilot.press("enter")
        await settle(pilot)
        assert "[/x]" in Library(library.data_dir).state(WEEK2[0]).tags
        await pilot.press("u")
        await settle(pilot, rounds=3)
        assert "[/x]" not in Library(library.data_dir).state(WEEK2[0]).tags
        assert "Undid" in notified(app)


async def test_markup_typed_in_the_filter(library):
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[/x]")
        await pilot.pause(0.1)
        shows(app, 'filter: [/x]')


async def test_a_click_action_in_a_heading_is_not_clickable(tmp_path):
    digest = ParsedDigest("/d/w.md", dt.date(2021, 1, 10), "[@click=app.quit]Click me[/]",
                          [entry("2101.00001", "A paper")])
    app = ReaderApp(make_library(tmp_path / "lib", [digest]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        shows(app, "[@click=app.quit]Click me[/]")
        assert quit_links(app) == []


async def test_an_error_naming_a_file_is_shown_literally(library):
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        app.screen.post_message(WriteFailed("could not write /tmp/[/x]/state.json"))
        await settle(pilot)
        assert "could not write /tmp/[/x]/state.json" in notified(app)
