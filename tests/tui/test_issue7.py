"""Issue 7 in the app: references as links, backlinks, the reading queue, the mentioned
view, library search, reading stats, mark-all-read as one undo step, undo after restart."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from reader.core.arxiv_api import ArxivFetcher
from reader.core.library import Library, PaperState
from reader.core.models import ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.views import ALL, MENTIONED, QUEUE, View, mentioned_ids, queue_ids
from reader.tui import jobs as actions_arxiv
from reader.tui.app import ReaderApp
from reader.tui.screens.queue import QueueConfirm
from reader.tui.screens.search import SearchResults, SearchScreen
from reader.tui.screens.stats import StatsScreen, backlog, reads_per_week
from reader.tui.widgets.papers import PapersList
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready, settle, type_text
from .helpers import entry, make_library
from .textual_test_compat import screen_text

SIZE = (120, 40)
MISSING = "1912.04958"


def _plain(app) -> str:
    return screen_text(app)


async def until(pilot, condition, timeout: float = 10.0, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; screen:\n{_plain(pilot.app)}")
        await pilot.pause(step)


def logged(app: ReaderApp) -> ReaderApp:
    """Keep notifications' text in ``app.seen`` (and show no toasts over the screen)."""
    app.seen = []
    app.notify = lambda message, **kwargs: app.seen.append(str(message))
    return app


def main(app):
    return app._main()


@pytest.fixture
def linked(tmp_path) -> Library:
    """Two weeks whose commentary links papers in and out of the library; some links are
    only in the commentary text (not in the parser's references)."""
    week1 = ParsedDigest(
        source="/d/w1.md",
        date=dt.date(2020, 7, 5),
        title="Week one",
        entries=[
            entry("2007.00001", "Attention Is Still All You Need", ("Alice Smith",),
                  "Builds on https://arxiv.org/abs/2007.00003 and "
                  f"[StyleGAN2](https://arxiv.org/pdf/{MISSING}v2.pdf).",
                  references=["2007.00003", MISSING]),
            entry("2007.00003", "Diffusion Models Beat GANs", ("Carol White",), "Generative models."),
        ],
        references=["2001.00002"],  # the preface mentions a paper no digest lists
    )
    week2 = ParsedDigest(
        source="/d/w2.md",
        date=dt.date(2020, 7, 12),
        title="Week two",
        entries=[
            entry("2007.03898", "NVAE: A Deep Hierarchical Variational Autoencoder", ("Arash Vahdat",),
                  "Compare arXiv:2007.00003 again, and arxiv.org/abs/2002.00005v1.",
                  references=["2007.00003"]),  # the second link only in the text
            entry("2007.00003", "Diffusion Models Beat GANs", ("Carol White",), "Second week's view."),
        ],
    )
    return make_library(tmp_path / "lib", [week1, week2])


def refs_of(app):
    refs = main(app).query_one("#references")
    return refs, [refs.get_option_at_index(i).id for i in range(refs.option_count)]


async def choose(pilot, option_list, option_id: str) -> None:
    option_list.focus()
    option_list.highlighted = option_list.get_option_index(option_id)
    await pilot.press("enter")
    await pilot.pause()


async def show_week1_first(pilot) -> None:
    await pilot.press("left_square_bracket", "g")
    await pilot.pause(0.2)


# --- references ---------------------------------------------------------------------
async def test_references_list_every_link_and_enter_jumps(linked):
    app = ReaderApp(linked)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await show_week1_first(pilot)
        assert main(app).paper_id == "2007.00001"
        refs, ids = refs_of(app)
        assert ids == ["2007.00003", MISSING]
        await choose(pilot, refs, "2007.00003")
        assert main(app).paper_id == "2007.00003"
        assert isinstance(app.focused, PapersList)
        main(app).jump_to("2007.03898")
        await pilot.pause(0.2)
        assert refs_of(app)[1] == ["2007.00003", "2002.00005"]  # a link the parser did not list


async def test_missing_reference_y_queues_and_tries_to_fetch(linked, monkeypatch):
    monkeypatch.setattr(actions_arxiv, "make_fetcher", lambda: ArxivFetcher(delay_seconds=0, backoff=0))
    app = logged(ReaderApp(linked))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await show_week1_first(pilot)
        refs, _ = refs_of(app)
        await choose(pilot, refs, MISSING)
        assert isinstance(app.screen, QueueConfirm)
        assert f"Add {MISSING} to your reading queue and fetch its metadata?  y / n" in _plain(app)
        await pilot.press("n")  # no: nothing happens
        assert not isinstance(app.screen, QueueConfirm)
        await settle(pilot)
        assert MISSING not in Library(linked.data_dir).papers()
        await choose(pilot, refs, MISSING)
        await pilot.press("y")
        await until(pilot, lambda: "working offline" in "\n".join(app.seen))
        assert any("arXiv unreachable:" in s and "working offline" in s for s in app.seen)
        await settle(pilot)
        assert Library(linked.data_dir).papers()[MISSING].origin == "commentary"
        screen = main(app)
        assert queue_ids(screen.snapshot) == [MISSING]
        screen.view = QUEUE
        await pilot.pause(0.1)
        assert screen.visible_ids == [MISSING]
        text = _plain(app)
        assert "From commentary" in text
        assert f"{MISSING} (title unknown: press f)" in text


# --- backlinks and the mentioned view ----------------------------------------------------
async def test_backlinks_show_and_enter_jumps(linked):
    app = ReaderApp(linked)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = main(app)
        screen.jump_to("2007.00003")
        await pilot.pause(0.2)
        text = _plain(app)
        assert "Mentioned in" in text
        links = screen.query_one("#backlinks")
        ids = [links.get_option_at_index(i).id for i in range(links.option_count)]
        # newest digest first, as everywhere
        assert ids == ["digest:" + d.id for d in screen.snapshot.digests] + [
            "paper:2007.03898", "paper:2007.00001"]
        await choose(pilot, links, "paper:2007.03898")
        assert screen.paper_id == "2007.03898"
        screen.jump_to("2007.00003")
        await pilot.pause(0.2)
        week1 = screen.snapshot.digests[-1].id
        await choose(pilot, links, "digest:" + week1)
        assert screen.view == View.digest(week1)
        assert screen.paper_id == "2007.00001"  # the entry whose commentary mentions it


async def test_mentioned_view_lists_papers_in_no_digest(linked):
    app = ReaderApp(linked)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = main(app)
        assert sorted(mentioned_ids(screen.snapshot)) == sorted([MISSING, "2001.00002"])
        sidebar = screen.query_one(WeeksSidebar)
        assert MENTIONED.token in [row.key for row in sidebar.rows]
        assert QUEUE.token in [row.key for row in sidebar.rows]
        sidebar.focus()
        sidebar.move_to(MENTIONED.token, announce=True)
        await pilot.pause(0.1)
        assert screen.view == MENTIONED
        assert sorted(screen.visible_ids) == sorted([MISSING, "2001.00002"])
        text = _plain(app)
        assert "Mentioned, not in a digest" in text
        assert "2001.00002 (title unknown: press f)" in text


# --- a paper's whole history --------------------------------------------------------------
async def test_commentary_of_every_digest_labelled_and_note_separate(linked):
    linked.set_note("2007.00003", "my own note on diffusion")
    app = ReaderApp(linked)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main(app).jump_to("2007.00003")
        await pilot.press("c")
        await pilot.pause(0.2)
        text = _plain(app)
        assert "2020-07-12 · 2020-W28  Week two" in text and "Second week's view." in text
        assert "2020-07-05 · 2020-W27  Week one" in text and "Generative models." in text
        assert text.index("2020-07-12 · 2020-W28") < text.index("2020-07-05 · 2020-W27")
        assert "my own note on diffusion" not in text  # the note is on its own tab
        await pilot.press("n")
        await pilot.pause(0.1)
        assert main(app).query_one("#note-editor").text == "my own note on diffusion"


# --- search -------------------------------------------------------------------------------
async def open_search(pilot, query: str) -> SearchScreen:
    app = pilot.app
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, SearchScreen))
    search = app.screen
    await type_text(pilot, query)  # one search per keystroke, after a pause
    await until(pilot, lambda: search.last is not None and search.last.query == query)
    return search


async def test_search_by_title_note_commentary_korean_and_enter_jumps(library):
    library.set_note("2007.04825", "clustered queries remind me of kmeans")
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        search = await open_search(pilot, "diffusion")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.00003"]
        text = _plain(app)
        assert "1 paper" in text and " ms" in text
        assert "title: Diffusion Models Beat GANs" in text
        results = search.query_one(SearchResults)
        hit_line = results.render_row_line(0, results.rows[0], 1, 80)
        assert any(span.start == len("    title: ") for span in hit_line.spans)  # highlighted
        search.query_one("#search-input").value = ""
        search = await open_search_value(pilot, search, "kmeans")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.04825"]
        assert "note: clustered queries remind me of kmeans" in _plain(app)
        search = await open_search_value(pilot, search, "teaching")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.01758"]
        assert "commentary: GAN inversion by **teaching** each other." in _plain(app)
        search = await open_search_value(pilot, search, "코멘터리")
        assert [h.arxiv_id for h in search.last.hits] == ["2007.00002"]
        await pilot.press("enter")
        await pilot.pause(0.1)
        screen = main(app)
        assert app.screen is screen
        assert screen.view == ALL and screen.paper_id == "2007.00002"


async def open_search_value(pilot, search: SearchScreen, query: str) -> SearchScreen:
    search.query_one("#search-input").value = query
    await until(pilot, lambda: search.last is not None and search.last.query == query)
    await pilot.pause(0.05)
    return search


async def test_search_index_follows_a_typed_note(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        search = await open_search(pilot, "zebrafish")
        assert search.last.hits == []
        await pilot.press("escape")
        await pilot.press("n")
        await type_text(pilot, "zebrafish idea")
        await pilot.press("escape")
        await settle(pilot)
        search = await open_search(pilot, "zebrafish")
        assert [h.arxiv_id for h in search.last.hits] == [main(app).paper_id]
        assert "note: zebrafish idea" in _plain(app)


# --- stats --------------------------------------------------------------------------------
def test_stats_numbers():
    today = dt.date(2020, 8, 5)
    snap = Snapshot.empty().with_changes(
        states={
            "a": PaperState(True, ("x",), "2020-08-04T10:00:00+00:00"),
            "b": PaperState(True, ("x", "y"), "2020-07-28T10:00:00+00:00"),
            "c": PaperState(True, (), "2019-01-01T10:00:00+00:00"),  # before the 26 weeks
            "d": PaperState(False, ("y",), None),
        }
    )
    first, counts = reads_per_week(snap, today)
    assert len(counts) == 26 and counts[-1] == 1 and counts[-2] == 1 and sum(counts) == 2
    assert first == dt.date(2020, 8, 3) - dt.timedelta(weeks=25)


async def test_stats_screen_from_the_palette(library):
    library.set_read(["2007.00001"], True)
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "reading stats")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, StatsScreen))
        await pilot.pause(0.1)
        text = _plain(app)
        assert "Papers read per week" in text
        assert "1 read in 26 weeks" in text
        assert "Tags by count" in text and "#gan" in text
        assert "Backlog: 5 unread papers by age" in text and "older" in text
        assert dict(backlog(main(app).snapshot, dt.date.today()))["older"] == 5
        await pilot.press("escape")
        assert app.screen is main(app)


# --- mark all read, undo ------------------------------------------------------------------
async def test_mark_all_read_is_one_undo_step(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = main(app)
        week = list(screen.visible_ids)
        await pilot.press("A")
        await settle(pilot)
        assert all(Library(library.data_dir).state(i).read for i in week)
        assert len(Library(library.data_dir).history()) == 1
        await pilot.press("u")
        await settle(pilot, rounds=3)
        assert not any(Library(library.data_dir).state(i).read for i in week)
        assert not any(screen.snapshot.state(i).read for i in week)


async def test_undo_after_restart(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("A")
        await settle(pilot)
        week = list(main(app).visible_ids)
    assert all(Library(library.data_dir).state(i).read for i in week)
    again = ReaderApp(Library(library.data_dir))
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert all(main(again).snapshot.state(i).read for i in week)
        await pilot.press("u")
        await settle(pilot, rounds=3)
        assert not any(main(again).snapshot.state(i).read for i in week)
    assert not any(Library(library.data_dir).state(i).read for i in week)


async def test_help_lists_the_new_keys(library):
    app = ReaderApp(library)
    async with app.run_test(size=(120, 60)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        text = _plain(app)
        assert "Search the library" in text and "Mark every paper of this view read" in text
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await type_text(pilot, "search the library")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))


def test_library_search_follows_notes_texts_and_reloads(library):
    """Notes come from the snapshot given, texts arrive later, a new catalogue is indexed again."""
    from reader.core.query import parse
    from reader.tui.library_search import LibrarySearch

    class Service:  # the compute thread, run at once
        def compute(self, fn, *args):
            fn(*args)

    class Screen:
        def post_message(self, message):
            search.install(message)

    search = LibrarySearch(Service())
    snap = Snapshot.load(library)
    search.start(Screen(), snap)
    assert search.ready.is_set()
    noted = snap.with_changes(notes={**snap.notes, "2007.00001": "quokka"})
    assert [h.arxiv_id for h in search.search(noted, parse("quokka"), 10)[0]] == ["2007.00001"]
    search.add_text("2007.03898", "the platypus appears in the paper text only")
    hits, _ = search.search(snap, parse("platypus"), 10)
    assert [(h.arxiv_id, h.matches[0].field) for h in hits] == [("2007.03898", "text")]
    assert search.filter(snap, snap.all_ids(), parse("is:downloaded")) == ["2007.03898"]
    library.set_note("2007.00002", "wombat")
    reloaded = Snapshot.load(library)
    search.start(Screen(), reloaded)  # a new catalogue: indexed again, the paper text kept
    assert search.engine.index.same_catalog(reloaded)
    assert [h.arxiv_id for h in search.search(reloaded, parse("wombat"), 10)[0]] == ["2007.00002"]
    assert search.search(reloaded, parse("quokka"), 10)[0] == []  # the reloaded notes are the truth
    assert [h.arxiv_id for h in search.search(reloaded, parse("platypus"), 10)[0]] == ["2007.03898"]
