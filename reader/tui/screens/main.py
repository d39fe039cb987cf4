"""The main screen: weeks, papers, detail. It holds the state; panes only display it.

State flows one way: the screen's reactive vars (snapshot, view, filter, current paper,
selection, load phase, jobs) are bound into the panes with ``data_bind``; panes post
messages up; the handlers here change the vars. The screen owns three collaborators:

* :class:`~reader.tui.startup.Startup`: the load phase and the steps after the first paint;
* :class:`~reader.tui.writer.LibraryWriter`: the changes shown at once and written on the
  library thread (``service.py``), and the note being typed;
* :class:`~reader.tui.jobs.ArxivJobs`: arXiv fetches, PDF downloads and text extraction.

Background work reports only by posting messages (``messages.py``). How the library is
read and kept current (the loads, the steps after the first paint, the indexes, the poll) is
in ``loading.py``; the library's actions (read, tags, notes, undo, import, export) and the
arXiv ones (fetch, download) are in ``library_actions.py`` and ``arxiv_actions.py``: all
functions of this screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from importlib import import_module
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from reader.core.library import Library, PaperState
from reader.core.locations import cache_dir
from reader.core.snapshot import Snapshot
from reader.core.text import one_line
from reader.core.views import View

from .. import messages as m
from ..jobs import ArxivJobs, JobsState, in_background
from ..library_search import LibrarySearch, SearchIndexed, shorten
from ..service import LibraryService
from ..startup import LoadPhase, Startup
from ..trace import trace
from ..visible import VisiblePapers
from ..widgets.citations import Citations
from ..widgets.detail import DetailPane
from ..widgets.line_list import LineList
from ..widgets.papers import PapersList
from ..widgets.status import StatusLine
from ..widgets.weeks import WeeksSidebar
from ..writer import LibraryWriter
from . import loading, view_actions
from .main_keys import BINDINGS, DESCRIPTIONS, FOOTER_PRIORITY
from .session import SessionKeeper

POLL_SECONDS = 1.0


class _Later:
    """``name`` of the module ``module`` (relative to this one's package), imported when first called: the
    action modules (keys, menus, the outcomes of writes and jobs) are not loaded before the
    first paint (importing a module costs ~0.3 ms). tests/test_import_hygiene.py resolves each."""

    __slots__ = ("module", "name")
    every: ClassVar[list[_Later]] = []

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        _Later.every.append(self)

    def resolve(self) -> Callable[..., Any]:
        return getattr(import_module(self.module, __package__), self.name)

    def __call__(self, *args: Any) -> Any:
        return self.resolve()(*args)


def _delegate(action: Callable[..., None]) -> Callable[..., None]:
    """A method of the screen that runs ``action(screen, *args)``."""

    def method(self: MainScreen, *args: Any) -> None:
        action(self, *args)

    method.__doc__ = action.__doc__
    return method


class MainScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#papers"

    BINDINGS = BINDINGS
    DESCRIPTIONS = DESCRIPTIONS
    FOOTER_PRIORITY = FOOTER_PRIORITY

    snapshot: var[Snapshot] = var(Snapshot.empty, always_update=True)
    view: var[View | None] = var(None)
    query_text: var[str] = var("")
    # (not ``visible``: that is every widget's DOM visibility, which children look up)
    visible_ids: var[list[str]] = var(list, always_update=True)
    paper_id: var[str | None] = var(None)
    selection: var[frozenset[str]] = var(frozenset)
    phase: var[LoadPhase] = var(LoadPhase.NOTHING)
    settled: var[bool] = var(False)  # the first moments are over: the footer and the tabs may come
    jobs: var[JobsState] = var(JobsState)
    # Who cites whom, from the papers' texts (None until built); a new Citations when it grows.
    citations: var[Citations] = var(Citations.none)

    def __init__(
        self,
        service: LibraryService,
        library: Library,
        *,
        initial_load: Future[Any] | None = None,
        width: int = 120,
        cache: Callable[[], Any] | None = None,
    ) -> None:
        # The width's class from the start, for the first paint (Textual sets it on the
        # first resize event, which comes after it: a second layout, and at 80 columns a
        # flash of the sidebar).
        breakpoint = [name for threshold, name in self.HORIZONTAL_BREAKPOINTS if width >= threshold][-1]
        super().__init__(classes=breakpoint)
        self.service = service
        self.library = library
        self.initial_load = initial_load
        self.startup = Startup(self)
        self.writer = LibraryWriter(service, library, self.post_message)
        self.arxiv = ArxivJobs(service, cache or _cache_dir, self.post_message, self._publish_jobs, self.in_background)
        self.search = LibrarySearch(service, library.data_dir)
        self.papers = VisiblePapers(self.search)
        self._filter_state: Text | None = None  # for the list's subtitle: an error, or "indexing…"
        self.polling_disk = False  # a look at the disk is under way (loading.poll)
        self.session_keeper = SessionKeeper(self)  # where the app was left (screens/session.py)

    @property
    def loaded(self) -> bool:
        """Is a snapshot on screen?"""
        return self.phase > LoadPhase.NOTHING

    def compose(self) -> ComposeResult:
        # One container: the sidebar is docked at its left, the list and the detail fill the
        # rest, one above the other (a container more is a widget more to style and lay out
        # before the first paint, ~2 ms).
        with Vertical(id="body"):
            yield WeeksSidebar(id="weeks").data_bind(MainScreen.snapshot, MainScreen.view)
            yield PapersList(id="papers").data_bind(
                MainScreen.snapshot,
                MainScreen.paper_id,
                MainScreen.selection,
                MainScreen.phase,
                ids=MainScreen.visible_ids,
            )
            yield DetailPane(id="detail").data_bind(
                MainScreen.snapshot, MainScreen.paper_id, MainScreen.phase, MainScreen.settled, MainScreen.jobs,
                MainScreen.citations,
            )
        yield StatusLine(id="status").data_bind(MainScreen.jobs)
        # The footer comes after the first paint (Startup): its widgets and styles are
        # not needed to show the list.

    def on_mount(self) -> None:
        trace("main screen mounted")
        sidebar = self.query_one(WeeksSidebar)
        sidebar.border_title = "Reading list"
        sidebar.count_saved = lambda snap, view: view_actions.count_saved(self, snap, view)
        papers = self.query_one(PapersList)
        papers.border_title = "Loading…"
        papers.empty_text = "Loading the library…"
        papers.focus()
        initial, self.initial_load = self.initial_load, None
        if initial is not None and initial.done() and initial.exception() is None:
            loading.snapshot_loaded(self, m.SnapshotLoaded(initial.result()))  # already read: show it in the first paint
        else:
            loading.load(self, initial)
        self.set_interval(POLL_SECONDS, lambda: loading.poll(self))  # another process's changes
        self.call_after_refresh(self._update_titles)

    # --- the library read and kept current: screens/loading.py -----------------------------
    load = _delegate(loading.load)  # (default: read it all again)
    # Startup's host (see startup.StartupHost): the steps after the first paint.
    first_paint_done = _delegate(loading.first_paint_done)
    start_background_work = _delegate(loading.start_background_work)
    settle = _delegate(loading.settle)
    loaded_all = _delegate(loading.loaded_all)
    build_indexes = _delegate(loading.build_indexes)

    # What that work reports: the handlers put it on the screen.
    _loaded = on(m.SnapshotLoaded)(_delegate(loading.snapshot_loaded))
    _load_failed = on(m.LoadFailed)(_delegate(loading.load_failed))
    _indexes_built = on(m.IndexesBuilt)(_delegate(loading.indexes_built))
    _search_indexed = on(SearchIndexed)(_delegate(loading.search_indexed))
    _mentions_counted = on(m.MentionsCounted)(_delegate(loading.mentions_counted))
    _citations_indexed = on(m.CitationsIndexed)(_delegate(loading.citations_indexed))
    _polled = on(m.DiskPolled)(_delegate(loading.polled))

    # --- background work: one way back, as messages ---------------------------------------
    @staticmethod
    def preload_actions() -> None:
        """Import the action modules (on the library thread, after the first paint)."""
        for later in _Later.every:
            later.resolve()

    def in_background(self, fn: Callable[[], None]) -> None:
        """Run a blocking job (network, extraction) that reports by posting messages."""
        self._background(fn)

    @work(exit_on_error=False, group="jobs")
    async def _background(self, fn: Callable[[], None]) -> None:
        await asyncio.wrap_future(in_background(fn))  # (cancelled when the app exits)

    def _publish_jobs(self, jobs: JobsState) -> None:
        self.jobs = jobs

    # --- derived state ----------------------------------------------------------------------
    def refresh_visible(self) -> None:
        """The view's papers through the filter (``visible_ids``); the current paper kept, or
        the next one that is still shown; the selection trimmed to what is shown."""
        if not self.loaded or self.view is None:
            return
        shown = self.papers.shown(self.snapshot, self.view, self.query_text)
        self._filter_state = shown.state
        if shown.waiting:
            self.search.start(self, self.snapshot)
        ids = shown.ids
        old = self.visible_ids
        current = self.paper_id
        kept: set[str] | None = None  # (made only when needed, once: a view can hold 100,000 papers)
        if current is None or current not in ids:  # (in C, stopping at the paper: most keystrokes keep it)
            position, survivor = 0, None
            if current is not None and current in old:  # the next one of the old list still shown
                kept = set(ids)
                position = old.index(current)
                survivor = next((i for i in old[position:] if i in kept), None)
            current = survivor or (ids[min(position, len(ids) - 1)] if ids else None)
            self.paper_id = current
        if ids != old:  # a toggle in a 10k view changes no rows: don't rebuild them
            self.visible_ids = ids
        if self.selection:
            kept = kept if kept is not None else set(ids)
            if not self.selection <= kept:
                self.selection = self.selection & frozenset(ids)
        self.session_keeper.visible_changed(shown.waiting)
        self._update_titles()

    def watch_snapshot(self) -> None:
        view_actions.view_gone(self)  # (a removed digest or saved view: the default view)
        self.refresh_visible()

    def watch_view(self) -> None:
        self.selection = frozenset()
        self.refresh_visible()

    def watch_query_text(self) -> None:
        self.refresh_visible()

    def watch_selection(self) -> None:
        self._update_titles()

    def view_label(self) -> str:
        return self.view.label(self.snapshot) if self.view is not None else ""

    def _update_titles(self) -> None:
        if not self.is_mounted or not self.loaded:
            return
        papers = self.query_one(PapersList)
        papers.border_title = Text(self.view_label())  # (a str would be read as markup)
        ids = self.visible_ids
        read = self.papers.read_count(self.snapshot, ids)
        subtitle = Text(f"{read}/{len(ids)} read")
        if self.query_text.strip():
            subtitle.append(" · ")
            if self._filter_state is not None:
                subtitle.append_text(self._filter_state)
            else:
                subtitle.append("filter: ")
                subtitle.append(shorten(one_line(self.query_text), 40))  # as text, never markup
        if self.selection:
            subtitle.append(f" · {len(self.selection)} selected")
        papers.border_subtitle = subtitle
        papers.empty_text = "No papers match the filter." if self.query_text.strip() else "No papers here."

    def replace_snapshot(self, **changes: Any) -> None:
        """Show a change at once (before the library thread has written it)."""
        self.snapshot = self.snapshot.with_changes(**changes)

    def set_states(self, new: dict[str, PaperState]) -> None:
        """Show new states at once: the snapshot's with these papers changed (the work of
        the papers changed, not of the library: core/snapshot.py ChangedStates)."""
        if new:
            self.snapshot = self.snapshot.with_states(new)

    # --- pane messages ----------------------------------------------------------------------
    @on(PapersList.Highlighted)
    def _highlighted(self, message: PapersList.Highlighted) -> None:
        # The cursor may have moved on since the message was sent: follow where it is
        # now, never back to where it was (that would move the cursor back).
        self.follow_cursor()

    def follow_cursor(self) -> str | None:
        """Make the current paper the one under the list's cursor, and return it.

        The list's cursor is the truth: a key moves it at once, while the message that
        tells this screen arrives later, after keys typed ahead (``j`` then space in one
        read) have been handled. So the app calls this before every action
        (``ReaderApp.run_action``), and the detail pane follows from here.
        """
        if not self.is_mounted:
            return self.paper_id
        key = self.query_one(PapersList).cursor_key
        if key is not None and key != self.paper_id:
            self.paper_id = key
        return self.paper_id

    @on(WeeksSidebar.ViewChosen)
    def _view_chosen(self, message: WeeksSidebar.ViewChosen) -> None:
        self.view = message.view

    @on(LineList.Chosen)
    def _chosen(self, message: LineList.Chosen) -> None:
        if isinstance(message.list, WeeksSidebar):
            self.action_focus_papers()
        else:
            self.follow_cursor()
            self.query_one(DetailPane).focus_content()

    # (The detail's tabs are imported after the first paint: their messages are handled
    # by name, which needs no import of their classes.)
    def on_commentary_pane_jump_to(self, message: Any) -> None:
        self.jump_to(message.arxiv_id)

    def on_backlinks_open(self, message: Any) -> None:
        from . import navigation  # (lazy, as _Later)

        navigation.open_backlink(self, message.kind, message.key, message.paper_id)

    show_view = _delegate(_Later(".navigation", "show_view"))
    show_in_all = _delegate(_Later(".navigation", "show_in_all"))
    jump_to = _delegate(_Later(".navigation", "jump_to"))

    apply_filter = _delegate(_Later(".navigation", "apply_filter"))

    def on_unmount(self) -> None:
        self.session_keeper.save()
        self.arxiv.stop()
        self.flush_note(wait=True)

    # --- navigation -------------------------------------------------------------------------
    set_filter = _delegate(_Later(".navigation", "set_filter"))
    action_focus_papers = _delegate(_Later(".navigation", "focus_papers"))

    async def action_filter(self) -> None:
        from . import navigation  # (lazy, as _Later)

        await navigation.open_filter(self)

    action_cycle = _delegate(_Later(".navigation", "cycle"))
    action_back = _delegate(_Later(".navigation", "back"))
    action_toggle_sidebar = _delegate(_Later(".navigation", "toggle_sidebar"))
    action_select = _delegate(_Later(".navigation", "select"))
    action_extend = _delegate(_Later(".navigation", "extend"))
    action_show_tab = _delegate(_Later(".navigation", "show_tab"))

    def action_prev_week(self) -> None:
        from . import navigation  # (lazy, as _Later)

        navigation.step_week(self, 1)  # older

    def action_next_week(self) -> None:
        from . import navigation  # (lazy, as _Later)

        navigation.step_week(self, -1)  # newer

    def action_help(self) -> None:
        from .help import HelpScreen  # opened on ?, not at startup

        self.app.push_screen(HelpScreen(self))

    # --- the library's keys and the arXiv ones (screens/library_actions.py, arxiv_actions.py) --
    action_toggle_read = _delegate(_Later(".library_actions", "toggle_read"))
    action_mark_all_read = _delegate(_Later(".library_actions", "mark_all_read"))
    action_add_tag = _delegate(_Later(".library_actions", "add_tag"))
    action_remove_tag = _delegate(_Later(".library_actions", "remove_tag"))
    action_toggle_top_tag = _delegate(_Later(".library_actions", "toggle_top_tag"))
    def action_edit_note(self) -> None:
        if self.paper_id is None:
            self.notify("No paper selected.", severity="warning")
            return
        detail = self.query_one(DetailPane)
        detail.show("notes")
        detail.focus_content()

    action_undo = _delegate(_Later(".library_actions", "undo"))

    action_triage = loading.when_loaded(lambda screen: _triage().start_triage(screen), "triage")
    action_import = _delegate(_Later(".library_actions", "import_digest"))
    action_update_folders = _delegate(_Later("..followed", "update"))
    import_path = _delegate(_Later(".library_actions", "import_path"))
    queue_paper = _delegate(_Later(".library_actions", "queue_paper"))

    def flush_note(self, wait: bool = False) -> str | None:
        from . import library_actions  # (lazy, as _Later)

        return library_actions.flush_note(self, wait)

    action_open = _delegate(_Later(".share_actions", "open_on_arxiv"))
    action_open_pdf = _delegate(_Later(".share_actions", "open_pdf"))
    action_copy = _delegate(_Later(".share_actions", "copy_menu"))

    action_download = _delegate(_Later(".arxiv_actions", "download"))
    # Keys that need the whole library: at once, or as soon as it is read (the last press).
    action_export = loading.when_loaded(_Later(".library_actions", "export_view"), "export")
    action_fetch = loading.when_loaded(_Later(".arxiv_actions", "fetch_view"), "fetch")
    action_search = loading.when_loaded(_Later(".library_actions", "open_search"), "search")
    action_stats = loading.when_loaded(_Later(".library_actions", "open_stats"), "stats")

    @on(m.NoteWritten)
    @on(m.NoteFailed)
    @on(m.WriteFailed)
    @on(m.UndoDone)
    @on(m.Imported)
    @on(m.Exported)
    @on(m.Written)
    def _written(self, message: Message) -> None:
        from . import library_actions  # (lazy, as _Later)

        library_actions.outcome(self, message)

    @on(m.FoldersPending)
    def _folders_pending(self, message: m.FoldersPending) -> None:
        from .. import followed  # (lazy, as _Later)

        self.notify(followed.notice(message.pending), title="Followed folders", timeout=followed.NOTICE_SECONDS)

    @on(m.FoldersUpdated)
    def _folders_updated(self, message: m.FoldersUpdated) -> None:
        from .. import followed  # (lazy, as _Later)

        followed.updated(self, message)

    @on(m.FetchProgress)
    @on(m.FetchDone)
    @on(m.PdfProgress)
    @on(m.PdfDownloaded)
    @on(m.PdfFailed)
    @on(m.PageExtracted)
    @on(m.TextDone)
    def _job_reported(self, message: Message) -> None:
        from . import arxiv_actions  # (lazy, as _Later)

        arxiv_actions.outcome(self, message)

    # (The notes pane is imported after the first paint: its messages are handled by name.)
    def on_notes_pane_edited(self, message: Any) -> None:
        from . import library_actions  # (lazy, as _Later)

        library_actions.note_edited(self, message.arxiv_id, message.base, message.text)

    def on_notes_pane_entered(self, message: Any) -> None:
        self.writer.note_entered()

    def on_notes_pane_left(self, message: Any) -> None:
        self.writer.note_left()

    def on_paper_pane_wanted(self, message: Any) -> None:
        from . import arxiv_actions  # (lazy, as _Later)

        arxiv_actions.paper_wanted(self, message.arxiv_id)

    def targets(self) -> list[str]:
        """The papers an action applies to: the selection, else the current paper."""
        if self.selection:
            return [i for i in self.visible_ids if i in self.selection]
        return [self.paper_id] if self.paper_id else []


def _triage() -> Any:
    from . import triage  # (lazy: opened on T, not at startup)

    return triage


def _cache_dir() -> Any:
    return cache_dir()
