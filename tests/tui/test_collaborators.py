"""The main screen's collaborators, without an app: the load phase (Startup), the writer
(LibraryWriter), the arXiv and PDF jobs (ArxivJobs), the views (core/views.py) and the
snapshot's indexes carried from snapshot to snapshot."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest
from textual.message import Message

from reader.core.library import Library, PaperState
from reader.core.pdf_text import PaperText
from reader.core.snapshot import Read, Snapshot
from reader.core.views import ALL, MENTIONED, QUEUE, UNREAD, View, first_view
from reader.tui.jobs import ArxivJobs, JobsState, to_fetch
from reader.tui.messages import (
    NoteFailed,
    NoteWritten,
    PageExtracted,
    PdfDownloaded,
    PdfFailed,
    PdfProgress,
    TextDone,
    UndoDone,
    WriteFailed,
)
from reader.tui.service import LibraryService
from reader.tui.startup import LoadPhase, Startup
from reader.tui.widgets.status import status_text
from reader.tui.writer import LibraryWriter, NoteDraft

from .helpers import make_library, sample_digests


# --- Startup ---------------------------------------------------------------------------
class FakeHost:
    """Records what Startup asks of the screen; timers and refreshes run when told."""

    def __init__(self) -> None:
        self.phase = LoadPhase.NOTHING
        self.settled = False
        self.calls: list[str] = []
        self.pending: list[Callable[[], Any]] = []

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> None:
        self.pending.append(callback)

    def call_after_refresh(self, callback: Callable[[], Any]) -> None:
        self.pending.append(callback)

    def run_pending(self) -> None:
        while self.pending:
            self.pending.pop(0)()

    def load(self, future: Future[Any]) -> None:
        self.calls.append("load")

    def first_paint_done(self) -> None:
        self.calls.append("first paint")

    def start_background_work(self) -> None:
        self.calls.append("background")

    def settle(self) -> None:
        self.calls.append("settle")

    def build_indexes(self) -> None:
        self.calls.append("indexes")

    def loaded_all(self) -> None:
        self.calls.append("all")


def snapshot(read: Read) -> Snapshot:
    return Snapshot((), {}, {}, {}, {}, read=read)


def test_startup_goes_from_the_glance_to_the_indexes_in_order():
    host = FakeHost()
    startup = Startup(host)
    startup.shown(snapshot(Read.GLANCE))
    assert host.phase is LoadPhase.GLANCE and host.calls == []
    host.run_pending()  # the first paint, then the first input's moment, then settling
    assert host.calls == ["first paint", "background", "settle"] and host.settled
    startup.shown(snapshot(Read.ALL))
    assert host.phase is LoadPhase.ALL and host.calls[-2:] == ["all", "indexes"]  # the indexes at once
    startup.indexed()
    assert host.phase is LoadPhase.INDEXED
    startup.shown(snapshot(Read.ALL))  # a reload: the phase never goes back, nothing runs again
    host.run_pending()
    assert host.phase is LoadPhase.INDEXED and host.calls.count("indexes") == 1 and host.calls.count("all") == 1


def test_an_action_waits_for_the_phase():
    async def scenario() -> list[str]:
        host = FakeHost()
        startup = Startup(host)
        done: list[str] = []

        async def export() -> None:
            await startup.reached(LoadPhase.ALL)
            done.append("exported")

        task = asyncio.create_task(export())
        startup.shown(snapshot(Read.LISTS))
        await asyncio.sleep(0)
        assert done == []
        startup.shown(snapshot(Read.ALL))
        await asyncio.wait_for(task, 1)
        return done

    assert asyncio.run(scenario()) == ["exported"]


def test_the_filter_builds_the_indexes_only_once_the_library_is_read():
    host = FakeHost()
    startup = Startup(host)
    startup.shown(snapshot(Read.LISTS))
    startup.index()
    assert "indexes" not in host.calls
    startup.shown(snapshot(Read.ALL))
    startup.index()
    startup.index()
    assert host.calls.count("indexes") == 1


# --- LibraryWriter ------------------------------------------------------------------------
@pytest.fixture
def writer(tmp_path):
    library = make_library(tmp_path / "lib", sample_digests())
    service = LibraryService(library)
    posted: list[Message] = []
    arrived = threading.Event()

    def post(message: Message) -> None:
        posted.append(message)
        arrived.set()

    writer = LibraryWriter(service, library, post)
    writer.posted = posted  # type: ignore[attr-defined]
    writer.arrived = arrived  # type: ignore[attr-defined]
    yield writer
    service.close()


def wait_posted(writer: LibraryWriter, count: int) -> list[Message]:
    posted: list[Message] = writer.posted  # type: ignore[attr-defined]
    for _ in range(200):
        if len(posted) >= count:
            break
        writer.arrived.wait(0.05)  # type: ignore[attr-defined]
        writer.arrived.clear()  # type: ignore[attr-defined]
    return posted


def test_set_read_returns_the_change_and_writes_absolute_values(writer):
    snap = Snapshot.load(writer.library)
    ids = ["2007.00001", "2007.00002"]
    new = writer.set_read(snap, ids, True)
    assert set(new) == set(ids) and all(state.read and state.read_at for state in new.values())
    writer.service.submit(lambda: None).result(5)
    assert writer.submitted == 1
    fresh = Library(writer.library.data_dir)
    assert all(fresh.states()[i].read for i in ids)
    assert writer.set_read(snap.with_changes(states={**snap.states, **new}), ids, True) == {}


def test_change_tags_normalizes_and_skips_what_changes_nothing(writer):
    snap = Snapshot.load(writer.library)
    snap = snap.with_changes(states={"2007.00001": PaperState(tags=("gan",))})
    new = writer.change_tags(snap, ["2007.00001", "2007.00002"], add=["#gan"])
    assert list(new) == ["2007.00002"] and new["2007.00002"].tags == ("gan",)
    assert writer.change_tags(snap, ["2007.00001"], add=["gan"]) == {}  # nothing to write
    with pytest.raises(ValueError):
        writer.change_tags(snap, ["2007.00001"], add=["#"])


def test_a_failed_write_posts_why(writer):
    def broken() -> None:
        raise OSError("disk full")

    writer.write(broken)
    (message,) = wait_posted(writer, 1)
    assert isinstance(message, WriteFailed) and message.error == "disk full"


def test_undo_posts_its_outcome(writer):
    writer.undo()
    (message,) = wait_posted(writer, 1)
    assert isinstance(message, UndoDone) and message.outcome is None  # nothing of this window's


def test_notes_save_one_at_a_time_and_gather_what_is_typed_meanwhile(writer):
    writer.edit_note("2007.00001", "", "a")
    assert writer.note_in_flight == NoteDraft("2007.00001", "", "a")
    writer.edit_note("2007.00001", "a", "ab")
    writer.edit_note("2007.00001", "ab", "abc")
    assert writer.pending_note == NoteDraft("2007.00001", "a", "abc")  # the base the flight sends
    (first,) = wait_posted(writer, 1)
    assert isinstance(first, NoteWritten) and writer.is_current(first.draft)
    writer.note_stored(first.draft, first.saved)
    writer.flush_note()
    second = wait_posted(writer, 2)[1]
    assert isinstance(second, NoteWritten) and second.saved.text == "abc"
    assert Library(writer.library.data_dir).notes()["2007.00001"] == "abc"


def test_a_failed_note_save_keeps_the_text_to_retry(writer):
    draft = NoteDraft("2007.00001", "", "kept")
    writer.note_in_flight = draft
    assert writer.is_current(draft) and not writer.is_current(draft)  # once
    writer.keep_failed(draft)
    assert writer.pending_note == draft
    _, error = writer.flush_now()
    assert error is None and Library(writer.library.data_dir).notes()["2007.00001"] == "kept"


def test_a_note_failure_message_names_its_draft():
    draft = NoteDraft("x", "", "y")
    assert NoteFailed(draft, "why").draft is draft


# --- ArxivJobs --------------------------------------------------------------------------
def jobs_for_test(tmp_path) -> tuple[ArxivJobs, list[JobsState], list[Callable[[], None]]]:
    published: list[JobsState] = []
    started: list[Callable[[], None]] = []
    jobs = ArxivJobs(None, lambda: tmp_path, lambda m: None, published.append, started.append)  # type: ignore[arg-type]
    return jobs, published, started


def test_a_text_job_goes_from_download_to_pages_to_done(tmp_path):
    jobs, published, started = jobs_for_test(tmp_path)
    jobs.start_text("2007.00001", download=True)
    assert len(started) == 1
    text = jobs.state.text
    assert text is not None and text.stage == "downloading" and "2007.00001" in jobs.state.downloads
    jobs.pdf_progress(PdfProgress("2007.00001", 512, 1024))
    assert jobs.state.downloads["2007.00001"] == (512, 1024)
    assert "PDF 2007.00001: 512 B of 1 kB (50%)" in status_text(jobs.state).plain
    assert jobs.pdf_downloaded(PdfDownloaded("2007.00001"), shown="2007.00001") is False
    assert jobs.state.text.stage == "extracting" and not jobs.state.downloads
    job = jobs.state.text.job
    jobs.page_extracted(PageExtracted("2007.00001", job, 0, 2, "page one"))
    jobs.page_extracted(PageExtracted("2007.00001", job - 1, 1, 2, "an older job's page"))
    assert jobs.state.text.pages == ("page one",)
    assert "text of 2007.00001: page 1 of 2" in status_text(jobs.state).plain
    assert jobs.text_done(TextDone("2007.00001", job, PaperText(pages=["page one", "page two"])))
    assert jobs.state.text.stage == "done" and jobs.showing("2007.00001")
    assert status_text(jobs.state).plain == ""
    assert len(published) == 5  # each change published once; the older job's page changed nothing


def test_a_new_paper_stops_the_old_text_job_and_a_failed_download_is_said(tmp_path):
    jobs, _, _ = jobs_for_test(tmp_path)
    jobs.start_text("2007.00001", download=True)
    first_job = jobs.state.text.job
    jobs.start_text("2007.00002", download=False)
    assert jobs.state.text.arxiv_id == "2007.00002" and "2007.00001" in jobs.state.downloads
    assert not jobs.text_done(TextDone("2007.00001", first_job, PaperText()))  # not the current job
    assert jobs.pdf_downloaded(PdfDownloaded("2007.00001"), shown="2007.00002") is True  # say so
    jobs.start_text("2007.00003", download=True)
    jobs.pdf_failed(PdfFailed("2007.00003", "HTTP 404"))
    assert jobs.state.text.stage == "failed" and "HTTP 404" in jobs.state.text.message


def test_a_second_fetch_waits_for_the_first(tmp_path):
    jobs, _, started = jobs_for_test(tmp_path)
    assert jobs.fetch(["2007.00001"])
    assert not jobs.fetch(["2007.00002"])
    assert len(started) == 1 and jobs.state.fetch is not None and jobs.state.fetch.count == 1
    jobs.fetch_done()
    assert jobs.state.fetch is None


def test_to_fetch_asks_again_only_after_a_passing_failure():
    snap = Snapshot((), {}, {}, {}, {
        "a": {"status": "ok"},
        "b": {"status": "error", "transient": True},
        "c": {"status": "not_found"},
    })
    assert to_fetch(snap, ["a", "b", "c", "d"]) == (["b", "d"], False)
    assert to_fetch(snap, ["a", "c"]) == (["a", "c"], True)


# --- views and indexes -----------------------------------------------------------------------
def test_views_are_values_with_their_own_ids_and_labels(tmp_path):
    library = make_library(tmp_path / "lib", sample_digests())
    library.set_read(["2007.00001"], True)
    snap = Snapshot.load(library)
    newest = snap.digests[0]
    assert first_view(snap) == View.digest(newest.id)
    assert View.digest(newest.id).ids(snap) == list(dict.fromkeys(newest.paper_ids))
    assert "2007.00001" not in UNREAD.ids(snap) and "2007.00001" in ALL.ids(snap)
    assert View.tag("[bold]x").label(snap) == "#[bold]x"
    assert ALL.label(snap) == "All papers" and QUEUE.ids(snap) == []
    assert "1706.03762" in MENTIONED.ids(snap)
    assert len({View.tag("a").token, View.digest("a").token, ALL.token}) == 3


def test_indexes_are_carried_while_the_digests_are_the_same(tmp_path):
    library = make_library(tmp_path / "lib", sample_digests())
    snap = Snapshot.load(library)
    snap.indexes.warm(mentions=True)
    toggled = snap.with_changes(states={"2007.00001": PaperState(read=True)})
    assert toggled.indexes is snap.indexes and toggled.indexes.mentions_known
    assert toggled.state_indexes is not snap.state_indexes  # the tag counts follow the states
    reloaded = Snapshot.load(library)  # the same digests, new objects
    assert reloaded.indexes is not snap.indexes and not reloaded.indexes.mentions_known
    reloaded.indexes.adopt_mentions(snap.indexes)
    assert reloaded.indexes.mentions_known and reloaded.mentioned_in == snap.mentioned_in
    joined = toggled.with_digests_from(reloaded)
    assert joined.indexes is reloaded.indexes and joined.states is toggled.states


def test_every_key_of_the_main_screen_has_its_action():
    from reader.tui.screens.main import MainScreen

    missing = [b.action for b in MainScreen.BINDINGS if not hasattr(MainScreen, "action_" + b.action.split("(")[0])]
    assert missing == []
