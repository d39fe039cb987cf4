"""The app and the saved query index (core/saved_index.py): made as soon as the whole library
is read, saved after a build, read (not built) at the next start, a note edit in between."""

from __future__ import annotations

from reader.core import saved_index, search_index
from reader.core.library import Library
from reader.core.query import parse
from reader.core.snapshot import Read, Snapshot
from reader.tui import library_search
from reader.tui.app import ReaderApp
from reader.tui.library_search import LibrarySearch
from reader.tui.startup import LoadPhase, Startup

from .conftest import ready, type_text
from .test_collaborators import FakeHost
from .test_query import SIZE, until


def no_build(*args, **kwargs):
    raise AssertionError("the catalogue was indexed again")


def test_the_indexes_are_made_as_soon_as_the_whole_library_is_read():
    host = FakeHost()
    startup = Startup(host)
    startup.shown(Snapshot((), {}, {}, {}, {}, read=Read.LISTS))
    host.run_pending()  # the first paint, the background work, settling
    startup.shown(Snapshot((), {}, {}, {}, {}, read=Read.ALL))
    assert host.calls[-2:] == ["all", "indexes"]  # not a timer's second later
    assert host.pending == []


def test_a_first_snapshot_of_the_whole_library_waits_for_the_first_paint():
    host = FakeHost()
    startup = Startup(host)
    startup.shown(Snapshot((), {}, {}, {}, {}, read=Read.ALL))
    assert host.phase is LoadPhase.ALL and "indexes" not in host.calls
    host.run_pending()
    assert host.calls.index("first paint") < host.calls.index("indexes")


class Service:
    """The compute thread (jobs in the order asked) and the UI thread (messages delivered
    between jobs), run by :meth:`drain`."""

    def __init__(self) -> None:
        self.jobs: list[str] = []
        self.queue: list = []
        self.messages: list = []

    def compute(self, fn, *args):
        self.queue.append((fn, args))

    def drain(self, search: LibrarySearch) -> None:
        while self.queue:
            fn, args = self.queue.pop(0)
            self.jobs.append(fn.__name__)
            fn(*args)
            while self.messages:
                search.install(self.messages.pop(0))


def searcher(folder) -> tuple[LibrarySearch, Service]:
    service = Service()
    search = LibrarySearch(service, folder)

    class Screen:
        def post_message(self, message):
            service.messages.append(message)

    search.screen = Screen()  # type: ignore[attr-defined]
    return search, service


def test_a_build_is_saved_after_the_jobs_queued_and_read_at_the_next_start(library, monkeypatch):
    monkeypatch.setattr(library_search, "SMALL", 0)
    path = library.data_dir / saved_index.NAME
    search, service = searcher(library.data_dir)
    search.start(search.screen, Snapshot.load(library))  # type: ignore[attr-defined]
    service.drain(search)
    assert service.jobs == ["_build", "_read_texts", "_save"] and path.exists()
    library.set_note("2007.00003", "a platypus note")  # notes.json moves on; the index does not

    monkeypatch.setattr(search_index, "catalog_words", no_build)
    search, service = searcher(Library(library.data_dir).data_dir)
    snap = Snapshot.load(Library(library.data_dir))
    search.start(search.screen, snap)  # type: ignore[attr-defined]
    service.drain(search)
    assert service.jobs == ["_build", "_read_texts"]  # read, so not saved again
    assert search.filter(snap, snap.all_ids(), parse("platypus")) == ["2007.00003"]
    assert search.filter(snap, snap.all_ids(), parse("clustered attention")) == ["2007.04825"]


def test_without_a_folder_nothing_is_read_or_saved(library, monkeypatch):
    monkeypatch.setattr(library_search, "SMALL", 0)
    search, service = searcher(None)
    search.start(search.screen, Snapshot.load(library))  # type: ignore[attr-defined]
    service.drain(search)
    assert service.jobs == ["_build", "_read_texts"]
    assert not (library.data_dir / saved_index.NAME).exists()


async def test_the_app_saves_the_index_and_answers_from_it_at_the_next_start(library, monkeypatch):
    monkeypatch.setattr(library_search, "SMALL", 0)  # as for a big library: in the background
    path = library.data_dir / saved_index.NAME
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await until(pilot, path.exists)
    library.set_note("2007.00003", "a platypus note")

    monkeypatch.setattr(search_index, "catalog_words", no_build)
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        await pilot.press("slash")
        await type_text(pilot, "platypus")
        await until(pilot, lambda: main.visible_ids == ["2007.00003"])
