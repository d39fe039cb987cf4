"""One query language in the app: the ``/`` filter and ``s`` search, a bad query's inline
error, and the help screen's short version."""

from __future__ import annotations

import time

from reader.tui.app import ReaderApp
from reader.tui.screens.search import SearchScreen

from .conftest import ready, settle, type_text
from .textual_test_compat import screen_text

SIZE = (120, 40)
WEEK2 = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]


def _plain(app) -> str:
    return screen_text(app)


async def until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out; screen:\n{_plain(pilot.app)}"
        await pilot.pause(0.02)


async def filter_for(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#filter")
    field.value = text
    await pilot.pause()


async def test_filter_speaks_the_query_language(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        await pilot.press("slash")
        await type_text(pilot, "diffusion OR clustered")
        assert main.visible_ids == ["2007.00003", "2007.04825"]
        await filter_for(pilot, "-tag:gan")
        assert main.visible_ids == ["2007.00003", "2007.04825"]
        await filter_for(pilot, "ention")  # inside "attention": words match where words start
        assert main.visible_ids == []
        await filter_for(pilot, '"stylegan embedding" OR vahdat')
        assert main.visible_ids == ["2007.01758", "2007.03898"]
        assert "filter: \"stylegan embedding\" OR vahdat" in _plain(app)


async def test_a_bad_filter_says_where_and_keeps_the_last_good_result(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        await pilot.press("slash")
        await type_text(pilot, "tag:gan")
        assert main.visible_ids == ["2007.01758", "2007.03898"]
        await type_text(pilot, " (")
        assert main.visible_ids == ["2007.01758", "2007.03898"]
        assert "bad filter: tag:gan (  this '(' is never closed" in _plain(app)
        await type_text(pilot, "is:read OR vahdat)")
        assert main.visible_ids == ["2007.03898"]
        assert "bad filter" not in _plain(app)


async def test_a_query_is_shown_as_text_never_markup(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[bold]x[/]")
        assert "filter: [bold]x[/]" in _plain(app)
        await filter_for(pilot, "is:[red]x")
        assert 'bad filter: is:[red]x  is: can be read, unread' in _plain(app)


async def open_search(pilot, text: str) -> SearchScreen:
    app = pilot.app
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, SearchScreen))
    search = app.screen
    search.query_one("#search-input").value = text
    return search


async def test_search_takes_the_same_queries_and_shows_mistakes_inline(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        search = await open_search(pilot, "tag:gan -vahdat")
        await until(pilot, lambda: search.last is not None and search.last.query == "tag:gan -vahdat")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.01758"]
        search.query_one("#search-input").value = "title:(gan"
        await until(pilot, lambda: search.error is not None)
        await pilot.pause(0.2)
        text = _plain(app)
        assert "title:(gan  title: needs a value, as in title:diffusion" in text
        assert [h.arxiv_id for h in search.last.hits] == ["2007.01758"]  # the last results stay
        assert "Collaborative Learning" in text
        search.query_one("#search-input").value = "gan"
        await until(pilot, lambda: search.last.query == "gan")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.00003", "2007.01758", "2007.03898"]  # title first


async def test_help_has_the_short_query_language(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 70)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        app.screen.query_one("#help-box").scroll_end(animate=False)
        await pilot.pause(0.1)
        text = _plain(app)
        assert "Queries (/ and s)" in text
        assert "is:" in text and "read unread noted fetched downloaded mentioned mismatched" in text
        await settle(pilot)


def test_builds_run_in_the_background_and_the_newest_catalogue_wins(library, monkeypatch):
    from reader.core.query import parse
    from reader.core.snapshot import Snapshot
    from reader.tui import library_search
    from reader.tui.library_search import LibrarySearch

    monkeypatch.setattr(library_search, "SMALL", 0)  # as for a big library: never on the UI thread
    jobs, posted = [], []

    class Service:
        def compute(self, fn, *args):
            jobs.append((fn, args))

    class Screen:
        def post_message(self, message):
            posted.append(message)

    search = LibrarySearch(Service())
    first, second = Snapshot.load(library), Snapshot.load(library)
    search.start(Screen(), first)
    assert search.filter(first, first.all_ids(), parse("diffusion")) is None  # words wait for the index
    assert search.filter(first, first.all_ids(), parse("tag:vae")) == ["2007.03898"]  # the rest doesn't
    search.start(Screen(), second)  # a reload while the first build runs
    assert [fn.__name__ for fn, _ in jobs] == ["_build", "_read_texts", "_build"]
    for fn, args in jobs:
        fn(*args)
    search.install(posted[0])
    assert search.engine.index.same_catalog(first)
    search.start(Screen(), second)  # still being built: not asked for again
    assert len(jobs) == 3
    for message in posted[1:]:
        search.install(message)
    assert search.engine.index.same_catalog(second)
    assert search.filter(second, second.all_ids(), parse("diffusion")) == ["2007.00003"]


async def test_the_lists_read_count_follows_the_filter_and_the_keys(library):
    # (a filter's count comes from the engine's bits, the view's is kept while its states
    # stand: each must still be what the list shows)
    library.set_read(["2007.01758", "2007.03898", "2007.00003"], True)
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen

        def subtitle() -> str:
            return str(main.query_one("#papers").border_subtitle)

        def read_shown() -> str:
            return f"{sum(main.snapshot.state(i).read for i in main.visible_ids)}/{len(main.visible_ids)} read"

        first = read_shown()
        assert subtitle().startswith(first)
        await pilot.press("space")  # the view's list is the same list: its count changes
        await settle(pilot)
        assert read_shown() != first and subtitle().startswith(read_shown())
        await pilot.press("space")
        await settle(pilot)
        assert subtitle().startswith(first)
        await pilot.press("slash")
        await type_text(pilot, "tag:gan")
        assert main.visible_ids == ["2007.01758", "2007.03898"]
        assert subtitle().startswith("2/2 read")
        await pilot.press("enter")  # back to the list, the filter kept
        await settle(pilot)
        await pilot.press("space")  # the first of them unread now
        await settle(pilot)
        assert read_shown() == "1/2 read" and subtitle().startswith("1/2 read")
        await pilot.press("slash")
        await filter_for(pilot, "")
        await settle(pilot)
        assert subtitle().startswith(read_shown())
