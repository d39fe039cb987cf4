"""How the main screen gets its library and keeps it current (functions of the screen).

* reading it: :func:`load` waits for a read on the library thread and posts
  ``SnapshotLoaded`` (or ``LoadFailed``); :func:`snapshot_loaded` puts the snapshot on the
  screen and tells :class:`~reader.tui.startup.Startup`;
* the steps :class:`~reader.tui.startup.Startup` drives after the first paint (the screen is
  its ``StartupHost``): the rest of the read, the footer, the indexes;
* the indexes built off the UI thread (query, mentions, citations), each reported by a
  message whose handler here installs it;
* the poll that reads the library again when another process changed it, and the welcome
  screen while the library is empty;
* keys that need the whole library (:func:`when_loaded`): at once, or once it is read.

Background work reports only by posting messages; the handlers set the screen's vars.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from textual.worker import WorkType

from reader.core.snapshot import Snapshot
from reader.core.views import ViewKind

from .. import messages as m
from ..library_search import SearchIndexed
from ..messages import describe_error
from ..startup import LoadPhase
from ..trace import trace
from ..widgets.citations import Citations
from ..widgets.detail import preload_detail
from ..widgets.papers import PapersList
from ..widgets.weeks import WeeksSidebar
from . import view_actions

if TYPE_CHECKING:
    from .main import MainScreen


# --- reading the library: one way back, as messages -----------------------------------------
def load(screen: MainScreen, future: Future[Any] | None = None) -> None:
    """Show the library as ``future`` reads it (default: read it all again)."""
    reading = future if future is not None else screen.service.load()

    async def waiting() -> None:
        await _await_load(screen, reading)

    wait: WorkType[None] = waiting

    # Exclusive in its group: a newer read replaces the wait for an older one. (A function,
    # not a coroutine: a worker cancelled before it starts leaves no coroutine unawaited.)
    screen.run_worker(wait, name="load", group="load", exclusive=True, exit_on_error=False)


async def _await_load(screen: MainScreen, future: Future[Any]) -> None:
    try:
        loaded = await asyncio.wrap_future(future)
    except Exception as exc:
        screen.post_message(m.LoadFailed(describe_error(exc)))
        return
    screen.post_message(m.SnapshotLoaded(loaded))


def snapshot_loaded(screen: MainScreen, message: m.SnapshotLoaded) -> None:
    loaded = message.loaded
    if loaded.join:  # the commentary, read after the first paint
        if screen.snapshot.complete:
            return  # a full load got here first
        snapshot = screen.snapshot.with_digests_from(loaded.snapshot)
    elif loaded.writes_done < screen.writer.submitted:
        load(screen)  # our own later writes are not in it yet: read again after
        return
    else:
        snapshot = loaded.snapshot
    first = not screen.loaded
    trace(f"snapshot received ({snapshot.read.name})")
    if not first:
        snapshot.indexes.adopt_mentions(screen.snapshot.indexes)  # same digests: keep the index
    screen.snapshot = snapshot
    screen.startup.shown(snapshot)
    if first:
        # Chosen once the screen counts as loaded (above), so that its watchers draw the
        # view's papers now, whether this snapshot came in on_mount or by message later.
        screen.view = screen.session_keeper.first_view(snapshot)
    if screen.search.indexed:
        screen.search.start(screen, snapshot)  # a new catalogue: index it again (in the background)
    if screen.phase >= LoadPhase.INDEXED:
        count_mentions(screen)  # the reload's digests are new objects: count again
    if snapshot.complete and (first or not screen.citations.follows(snapshot)):
        index_citations(screen, snapshot)
    check_empty(screen)


def load_failed(screen: MainScreen, message: m.LoadFailed) -> None:
    if screen.phase < LoadPhase.ALL:
        # Never read whole (a damaged file, say): without it the app can't work; the
        # command line says which file and what to do.
        screen.app.fail(message.error)  # type: ignore[attr-defined]
        return
    screen.notify(message.error, title="Could not read the library", severity="error", timeout=10)


# --- Startup's host (see startup.StartupHost) ------------------------------------------------
def first_paint_done(screen: MainScreen) -> None:
    screen.app.resume_gc()  # type: ignore[attr-defined]


def start_background_work(screen: MainScreen) -> None:
    if screen.phase is LoadPhase.GLANCE:  # drawn from the glance: now read the whole library
        load(screen, screen.service.load())
    elif screen.phase is LoadPhase.LISTS:
        load(screen, screen.service.load_commentary(screen.snapshot))
    screen.service.submit(preload_detail)  # the tabs' modules, imported off the UI thread
    screen.service.submit(screen.preload_actions)  # and the keys' (loaded on first use until then)
    screen.query_one(PapersList).reload_pdf_marks()


def settle(screen: MainScreen) -> None:
    from ..widgets.footer import KeysFooter  # (lazy: not on the first screen, ~10 ms of startup)

    if screen.is_attached and not screen.query(KeysFooter):  # (not when the app is stopping)
        screen.mount(KeysFooter())
        screen.call_after_refresh(screen.refresh_bindings)  # the footer shows keys once told


def loaded_all(screen: MainScreen) -> None:
    screen.app.freeze_heap("full read")  # type: ignore[attr-defined]
    from .. import followed  # (lazy: not loaded before the first paint)

    followed.check(screen)  # new digests in the followed folders? (hashed in the background)


def build_indexes(screen: MainScreen) -> None:
    """The query engine's index and the mention index, in the background (one compute
    thread, in order), then m.IndexesBuilt."""
    screen.search.start(screen, screen.snapshot)
    count_mentions(screen)
    future = screen.service.compute(lambda: None)
    future.add_done_callback(lambda f: None if f.cancelled() else screen.post_message(m.IndexesBuilt()))


def indexes_built(screen: MainScreen, message: m.IndexesBuilt) -> None:
    screen.startup.indexed()
    screen.app.freeze_heap("indexes")  # type: ignore[attr-defined]


# --- the indexes, built off the UI thread ----------------------------------------------------
def index_citations(screen: MainScreen, snapshot: Snapshot) -> None:
    """Who cites whom among ``snapshot``'s papers (the cached texts' ids; two stats a
    paper), off the UI thread, then m.CitationsIndexed."""
    from reader.core.citations import cites_index  # (lazy: ~19 ms, not loaded before the first paint)

    cache = screen.arxiv.cache
    future = screen.service.compute(lambda: cites_index(snapshot, cache()))
    future.add_done_callback(
        lambda f: None if f.cancelled() or f.exception() else screen.post_message(m.CitationsIndexed(snapshot, f.result()))
    )


def citations_indexed(screen: MainScreen, message: m.CitationsIndexed) -> None:
    screen.citations = Citations(message.index, message.snapshot.digests, message.snapshot.papers)
    screen.search.engine.citations = message.index  # (an extraction grows it in place)
    if "cite" in screen.query_text.lower():
        screen.refresh_visible()  # the filter's cites:/cited-by: answer from it now


def count_mentions(screen: MainScreen) -> None:
    """Build the snapshot's mention index off the UI thread (for the sidebar's
    "Mentioned" count: ~0.1 s at 10,000 papers), then repaint the sidebar."""
    snapshot = screen.snapshot
    if snapshot.indexes.mentions_known:
        return
    future = screen.service.compute(lambda: snapshot.indexes.warm(mentions=True))
    future.add_done_callback(lambda f: screen.post_message(m.MentionsCounted(snapshot)))


def mentions_counted(screen: MainScreen, message: m.MentionsCounted) -> None:
    """The sidebar's "Mentioned, not in a digest" count, once it is known."""
    screen.snapshot.indexes.adopt_mentions(message.snapshot.indexes)
    screen.query_one(WeeksSidebar).refresh_changed()


def search_indexed(screen: MainScreen, message: SearchIndexed) -> None:
    """The query engine's index (or the cache's paper texts) is ready: filter again."""
    screen.search.install(message)
    view_actions.index_arrived(screen)
    if screen.query_text.strip() or (screen.view is not None and screen.view.kind is ViewKind.SAVED):
        screen.refresh_visible()


# --- keeping it current ----------------------------------------------------------------------
def poll(screen: MainScreen) -> None:
    """Ask the library thread whether another process changed the library (m.DiskPolled)."""
    if screen.polling_disk or screen.phase < LoadPhase.ALL:
        return
    screen.polling_disk = True
    future = screen.service.changed_on_disk()
    future.add_done_callback(
        lambda f: screen.post_message(m.DiskPolled(not f.exception() and bool(f.result())))
    )


def polled(screen: MainScreen, message: m.DiskPolled) -> None:
    screen.polling_disk = False
    if message.changed:
        load(screen)


def check_empty(screen: MainScreen) -> None:
    """The welcome screen over this one while the library is empty, and not after."""
    empty = not screen.snapshot.digests and not screen.snapshot.papers
    if not empty and screen.app.screen is screen:
        return  # the usual case: not even the welcome screen's module is needed
    from .welcome import WelcomeScreen  # (lazy: only for an empty library)

    welcome = isinstance(screen.app.screen, WelcomeScreen)
    if empty and not welcome and screen.app.screen is screen:
        screen.app.push_screen(WelcomeScreen(screen.action_import, screen.action_help))
    elif not empty and welcome:
        screen.app.pop_screen()


# --- keys that need the whole library --------------------------------------------------------
async def needs_everything(screen: MainScreen) -> None:
    """Return once the whole library is read (at once, but in the first moments after
    startup): export, search, stats and fetch need every paper."""
    if screen.phase < LoadPhase.ALL:
        screen.notify("Reading the library… one moment.", timeout=2)
        await screen.startup.reached(LoadPhase.ALL)


def when_loaded(action: Callable[[MainScreen], None], name: str) -> Callable[[MainScreen], None]:
    """A key's method that runs ``action(screen)`` once the whole library is read: at once,
    or as soon as it is (pressed twice meanwhile, it runs once)."""

    def method(screen: MainScreen) -> None:
        if screen.phase >= LoadPhase.ALL:
            action(screen)
            return

        async def after_load() -> None:
            await needs_everything(screen)
            action(screen)

        wait: WorkType[None] = after_load
        # Exclusive in its group: pressed twice while loading, it runs once. (A function, as
        # in load(): the press it replaces may not have started.)
        screen.run_worker(wait, group=f"wait-{name}", exclusive=True, exit_on_error=False)

    method.__doc__ = action.__doc__
    return method
