"""The main screen: weeks, papers, detail. It holds the state; panes only display it.

State flows one way: the screen's reactive vars (snapshot, view, filter, current paper,
selection) are bound into the panes with ``data_bind``; panes post messages up; the
handlers here change the vars. Library I/O runs on the library thread (see service.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.core.snapshot import Snapshot
from reader.core.text import one_line

if TYPE_CHECKING:
    from reader.core.query import Query

    from ..library_search import LibrarySearch, SearchIndexed

from ..actions import LibraryActions
from ..actions_arxiv import ArxivActions
from ..messages import DiskPolled, LoadFailed, SnapshotLoaded, describe_error
from ..widgets.detail import DetailPane
from ..widgets.line_list import LineList
from ..widgets.papers import PapersList
from ..widgets.weeks import ALL, MENTIONED, QUEUE, UNREAD, WeeksSidebar, digest_view

POLL_SECONDS = 1.0
WARM_AFTER = 1.0  # seconds after the full load: the filter's index is built then
INPUT_FIRST = 0.05  # seconds after the first paint before the background work starts
DETAIL_AFTER = 0.08  # seconds after that: the footer and the detail's tabs
FILTER_PLACEHOLDER = 'filter: words  "a phrase"  tag:x  is:unread  author:y  date:>=2020-07  OR  -x  ( )   ? for more'


def preload_detail() -> None:
    """Import what the detail pane needs (on the library thread, after the first paint)."""
    import rich.markdown  # noqa: F401 - the commentary's renderer (~25 ms)
    import textual.widgets._tabbed_content  # noqa: F401

    from ..widgets import abstract, commentary, notes, paper_text  # noqa: F401


class FilterInput(Input):
    """The ``/`` filter; enter goes back to the list, escape clears it.

    Both apply the filter at once, before the next key: a key typed ahead (``/nvae``,
    enter, space) acts on the filtered list, not on the list the ``Changed`` messages
    still on their way would leave behind.
    """

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("enter", "done", "Back to the list", show=False),
    ]

    def action_clear(self) -> None:
        self.value = ""
        self.action_done()

    def action_done(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.apply_filter()
            screen.action_focus_papers()


class MainScreen(LibraryActions, ArxivActions, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#papers"

    BINDINGS = [
        Binding("space", "toggle_read", "Read"),
        Binding("t", "add_tag", "Tag"),
        Binding("T", "remove_tag", "Untag", show=False),
        Binding("n", "edit_note", "Note"),
        Binding("slash", "filter", "Filter"),
        Binding("u", "undo", "Undo"),
        Binding("s", "search", "Search", show=False),
        Binding("A", "mark_all_read", "Mark all read", show=False),
        Binding("S", "stats", "Reading stats", show=False),
        Binding("f", "fetch", "Fetch arXiv"),
        Binding("d", "download", "PDF"),
        Binding("question_mark", "help", "Keys"),
        Binding("left_square_bracket", "prev_week", "Previous week", show=False),
        Binding("right_square_bracket", "next_week", "Next week", show=False),
        Binding("v", "select", "Select / unselect paper", show=False),
        Binding("shift+down", "extend(1)", "Extend selection down", show=False),
        Binding("shift+up", "extend(-1)", "Extend selection up", show=False),
        Binding("o", "open", "Open on arXiv", show=False),
        Binding("e", "export", "Export notes of this view", show=False),
        Binding("i", "import", "Import a digest", show=False),
        Binding("tab", "cycle(1)", "Next pane", show=False),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False),
        Binding("w", "toggle_sidebar", "Show / hide weeks", show=False),
        Binding("c", "show_tab('commentary')", "Commentary tab", show=False),
        Binding("a", "show_tab('abstract')", "Abstract tab", show=False),
        Binding("p", "show_tab('paper')", "Paper tab", show=False),
        Binding("escape", "back", "Back to the list / clear", show=False),
        *[
            Binding(str(n), f"toggle_top_tag({n})", f"Toggle most used tag {n}", show=False)
            for n in range(1, 10)
        ],
    ]
    # Longer descriptions for ? and the command palette (the footer shows the short ones).
    DESCRIPTIONS = {
        "fetch": "Fetch arXiv metadata for the papers of this view",
        "download": "Download the PDF and show its text (Paper tab)",
        "search": "Search the library: titles, authors, notes, commentary, paper text",
        "mark_all_read": "Mark every paper of this view read (one undo step)",
        "stats": "Reading stats: papers read per week, tags, backlog by age",
    }

    snapshot: var[Snapshot] = var(Snapshot.empty, always_update=True)
    view: var[str] = var("")
    query_text: var[str] = var("")
    # (not ``visible``: that is every widget's DOM visibility, which children look up)
    visible_ids: var[list[str]] = var(list, always_update=True)
    paper_id: var[str | None] = var(None)
    selection: var[frozenset[str]] = var(frozenset)
    loaded: var[bool] = var(False)

    def __init__(self) -> None:
        # The width's class from the start, for the first paint (Textual sets it on the
        # first resize event, which comes after it: a second layout, and at 80 columns a
        # flash of the sidebar).
        from ..textual_compat import current_app

        app = current_app()
        width = app.size.width if app is not None else 120
        breakpoint = [name for threshold, name in self.HORIZONTAL_BREAKPOINTS if width >= threshold][-1]
        super().__init__(classes=breakpoint)
        self._writes_submitted = 0
        self._polling = False
        self._ids_cache: tuple[tuple, list[str]] | None = None
        self._warmed = False
        self._search: LibrarySearch | None = None  # the query engine of the filter and search (on mount)
        self._query: Query | None = None  # the filter's text, parsed
        self._good_query: Query | None = None  # the last one without a mistake
        self._filter_state: Text | None = None  # for the list's subtitle: an error, or "indexing…"
        self._detail_waiting = False  # the detail is built once the whole library is read
        self._after_load: dict[str, object] = {}  # actions waiting for the whole library
        self._init_actions()
        self._init_arxiv()

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield WeeksSidebar(id="weeks").data_bind(MainScreen.snapshot, MainScreen.view)
            with Vertical(id="main"):
                yield PapersList(id="papers").data_bind(
                    MainScreen.snapshot,
                    MainScreen.paper_id,
                    MainScreen.selection,
                    ids=MainScreen.visible_ids,
                )
                yield DetailPane(id="detail").data_bind(MainScreen.snapshot, MainScreen.paper_id)
        yield Static(id="status")
        # The footer comes after the first paint (see _after_first_paint): its widgets
        # and styles are not needed to show the list.

    def on_mount(self) -> None:
        from .. import trace

        trace("main screen mounted")
        self._library_search()
        self.query_one("#weeks").border_title = "Reading list"
        papers = self.query_one(PapersList)
        papers.border_title = "Loading…"
        papers.empty_text = "Loading the library…"
        self.query_one("#status").display = False
        papers.focus()
        initial = self.app.take_initial_load()
        if initial is not None and initial.done() and initial.exception() is None:
            self._loaded(SnapshotLoaded(initial.result()))  # already read: show it in the first paint
        else:
            self.load_snapshot(initial)
        self.set_interval(POLL_SECONDS, self._poll)
        self.call_after_refresh(self._update_titles)

    # --- loading ------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_snapshot(self, future=None) -> None:
        """Read the whole library (or wait for ``future``) and post it as SnapshotLoaded."""
        worker = get_current_worker()
        future = future if future is not None else self.app.service.load()
        try:
            loaded = future.result()
        except Exception as exc:  # noqa: BLE001 - becomes a notification
            if not worker.is_cancelled:
                self.post_message(LoadFailed(describe_error(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(SnapshotLoaded(loaded))

    @on(SnapshotLoaded)
    def _loaded(self, message: SnapshotLoaded) -> None:
        from .. import trace

        loaded = message.loaded
        if loaded.join:  # the commentary, read after the first paint
            if self.snapshot.complete:
                return  # a full load got here first
            snapshot = self.snapshot.with_digests_from(loaded.snapshot)
        elif loaded.writes_done < self._writes_submitted:
            self.load_snapshot()  # our own later writes are not in it yet: read again after
            return
        else:
            snapshot = loaded.snapshot
        first = not self.loaded
        was_complete = self.loaded and self.snapshot.complete
        trace(f"snapshot received (complete={snapshot.complete})")
        if self.loaded:
            from .queue import carry_mentions

            carry_mentions(self.snapshot, snapshot)  # same digests: keep the backlink indexes
        self.snapshot = snapshot
        self.loaded = True
        if self._library_search().engine.index is not None:
            self._library_search().start(self, snapshot)  # a new catalogue: index it again (in the background)
        if self._warmed and snapshot.complete:
            self._count_mentions()  # the reload's digests are new objects: count again
        if first:
            self.view = digest_view(snapshot.digests[0].id) if snapshot.digests else ALL
            # After the list's first paint: the commentary, the footer, the detail's tabs.
            self.call_after_refresh(self._after_first_paint)
        if snapshot.complete:
            self.app.freeze_heap("full read")
        if snapshot.complete and not was_complete:
            self.set_timer(WARM_AFTER, self._warm)
        if self._detail_waiting and not snapshot.partial:
            self._detail_waiting = False
            self.call_after_refresh(self.query_one(DetailPane).build)
        if snapshot.complete and self._after_load:
            waiting, self._after_load = self._after_load, {}
            for action in waiting.values():
                action()
        self._check_empty()

    def when_loaded(self, name: str, action) -> None:
        """Run ``action`` now if the whole library is read, else as soon as it is (the
        first moments after startup): export, search and stats need every paper."""
        if self.snapshot.complete:
            action()
            return
        self._after_load[name] = action
        self.notify("Reading the library… one moment.", timeout=2)

    def _after_first_paint(self) -> None:
        from .. import trace

        trace("after first paint")
        self.app.resume_gc()
        # Keys typed ahead (or at once) are answered before the background work starts.
        self.set_timer(INPUT_FIRST, self._after_first_input)

    def _after_first_input(self) -> None:
        service = self.app.service
        if self.snapshot.partial:  # drawn from the glance: now read the whole library
            self.load_snapshot(service.load())
        elif not self.snapshot.complete:
            self.load_snapshot(service.load_commentary(self.snapshot))
        service.submit(preload_detail)  # the tabs' modules, imported off the UI thread
        self.query_one(PapersList).reload_pdf_marks()
        # The footer and the tabs a moment later: a key pressed as soon as the list shows
        # is answered first, and the commentary is on its way meanwhile.
        self.set_timer(DETAIL_AFTER, self._build_rest)

    def _build_rest(self) -> None:
        from ..widgets.footer import KeysFooter

        if not self.query(KeysFooter):
            self.mount(KeysFooter())
            self.call_after_refresh(self.refresh_bindings)  # the footer shows keys once told
        if self.snapshot.partial:
            self._detail_waiting = True  # its notes must be the stored ones: wait for them
        else:
            self.call_after_refresh(self.query_one(DetailPane).build)

    def _warm(self) -> None:
        """Build the query engine's index in the background (once the first moments are over)."""
        if not self._warmed:
            self._warmed = True
            self._library_search().start(self, self.snapshot)
            self._count_mentions()
            # After both (one compute thread, in order): keep the collector off what they built.
            self.app.service.compute(lambda: None).add_done_callback(self._indexes_built)

    def _indexes_built(self, future) -> None:
        """(On the compute thread.) Keep the collector off the indexes, unless quitting."""
        if not future.cancelled() and self.app.is_running:
            try:
                self.app.call_from_thread(self.app.freeze_heap, "indexes")
            except RuntimeError:
                pass  # the app stopped meanwhile

    def _count_mentions(self) -> None:
        """Build the snapshot's mention index off the UI thread (for the sidebar's
        "Mentioned" count: ~0.1 s at 10,000 papers), then repaint the sidebar."""
        from .queue import MENTION_INDEXES, MentionsCounted

        snapshot = self.snapshot
        if all(name in snapshot.__dict__ for name in MENTION_INDEXES):
            return
        future = self.app.service.compute(lambda: (snapshot.mentioned_by_digests, snapshot.mentioned_in))
        future.add_done_callback(lambda f: self.post_message(MentionsCounted(snapshot)))

    def _library_search(self) -> LibrarySearch:
        """The query engine of the filter and of search (made on mount)."""
        if self._search is None:
            from ..library_search import LibrarySearch

            self._search = LibrarySearch(self.app.service)
        return self._search

    def on_search_indexed(self, message: SearchIndexed) -> None:
        """The query engine's index (or the cache's paper texts) is ready: filter again."""
        self._library_search().install(message)
        if self.query_text.strip():
            self._refresh_visible()

    def on_mentions_counted(self, message) -> None:
        """The sidebar's "Mentioned, not in a digest" count, once it is known."""
        from .queue import carry_mentions

        counted = message.snapshot
        carry_mentions(counted, self.snapshot)
        self.query_one(WeeksSidebar).refresh_changed()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if not (self.loaded and self.snapshot.complete):
            # Never read whole (a damaged file, say): without it the app can't work; the
            # command line says which file and what to do.
            self.app.fail(message.error)
            return
        self.notify(message.error, title="Could not read the library", severity="error", timeout=10)
        if not self.loaded:
            self.query_one(PapersList).empty_text = f"Could not read the library: {message.error}"

    def _check_empty(self) -> None:
        empty = not self.snapshot.digests and not self.snapshot.papers
        if not empty and self.app.screen is self:
            return  # the usual case: not even the welcome screen's module is needed
        from .welcome import WelcomeScreen

        welcome = isinstance(self.app.screen, WelcomeScreen)
        if empty and not welcome and self.app.screen is self:
            self.app.push_screen(WelcomeScreen())
        elif not empty and welcome:
            self.app.pop_screen()

    def _poll(self) -> None:
        if self._polling or not self.loaded or not self.snapshot.complete:
            return
        self._polling = True
        future = self.app.service.changed_on_disk()
        future.add_done_callback(
            lambda f: self.post_message(DiskPolled(not f.exception() and bool(f.result())))
        )

    @on(DiskPolled)
    def _polled(self, message: DiskPolled) -> None:
        self._polling = False
        if message.changed:
            self.load_snapshot()

    # --- derived state ------------------------------------------------------
    def _view_ids(self) -> list[str]:
        snap, view = self.snapshot, self.view
        key = (snap.digests, snap.papers, snap.states if view == UNREAD or view.startswith("tag:") else None, view)
        if self._ids_cache and all(a is b for a, b in zip(self._ids_cache[0], key)):
            return self._ids_cache[1]
        if view == ALL:
            ids = snap.all_ids()
        elif view == UNREAD:
            ids = [i for i in snap.all_ids() if not snap.state(i).read]
        elif view in (QUEUE, MENTIONED):
            from .queue import mentioned_ids, queue_ids

            ids = queue_ids(snap) if view == QUEUE else mentioned_ids(snap)
        elif view.startswith("tag:"):
            ids = snap.select(tag=view[4:])
        elif view.startswith("digest:"):
            digest = snap.digest_by_id.get(view[7:])
            ids = list(dict.fromkeys(digest.paper_ids)) if digest else []
        else:
            ids = []
        self._ids_cache = (key, ids)
        return ids

    def _filtered(self, ids: list[str]) -> list[str]:
        """The view's ids the filter keeps. A bad query says where it is wrong (in the list's
        subtitle) and keeps the last good one's papers; words wait for the index."""
        from reader.core.query import parse

        text = self.query_text
        if self._query is None or self._query.text != text:
            self._query = parse(text)
        query, self._filter_state = self._query, None
        if query.error is not None:
            from ..library_search import describe_error as describe_query_error

            self._filter_state = describe_query_error(query, "bad filter: ", context=20)
            good = self._good_query
            query = good if good is not None else parse("")
        else:
            self._good_query = query
        search = self._library_search()
        found = search.filter(self.snapshot, ids, query)
        if found is None:
            self._filter_state = self._filter_state or Text("indexing the library…", style="italic")
            search.start(self, self.snapshot)
            return ids
        return found

    def _refresh_visible(self) -> None:
        if not self.loaded:
            return
        ids = self._view_ids()
        if self.query_text.strip():
            ids = self._filtered(ids)
        else:
            self._filter_state = None
            self._good_query = None
        old = self.visible_ids
        current = self.paper_id
        shown = set(ids)  # (once: a view can hold 100,000 papers)
        if current not in shown:
            position = old.index(current) if current in old else 0
            survivor = next((i for i in old[position:] if i in shown), None) if current in old else None
            current = survivor or (ids[min(position, len(ids) - 1)] if ids else None)
            self.paper_id = current
        if ids != old:  # a toggle in a 10k view changes no rows: don't rebuild them
            self.visible_ids = ids
        if self.selection and not self.selection <= shown:
            self.selection = self.selection & frozenset(ids)
        self._update_titles()

    def watch_snapshot(self) -> None:
        self._refresh_visible()

    def watch_view(self) -> None:
        self.selection = frozenset()
        self._refresh_visible()

    def watch_query_text(self) -> None:
        self._refresh_visible()

    def watch_selection(self) -> None:
        self._update_titles()

    def view_label(self) -> str:
        view, snap = self.view, self.snapshot
        if view == ALL:
            return "All papers"
        if view == UNREAD:
            return "Unread"
        if view in (QUEUE, MENTIONED):
            from .queue import MENTIONED_LABEL, QUEUE_LABEL

            return QUEUE_LABEL if view == QUEUE else MENTIONED_LABEL
        if view.startswith("tag:"):
            return "#" + one_line(view[4:])
        digest = snap.digest_by_id.get(view[7:]) if view.startswith("digest:") else None
        if digest:
            return one_line(f"{digest.label} · {digest.title or ''}").rstrip(" ·")
        return ""

    def _update_titles(self) -> None:
        if not self.is_mounted or not self.loaded:
            return
        papers = self.query_one(PapersList)
        papers.border_title = Text(self.view_label())  # (a str would be read as markup)
        ids = self.visible_ids
        read = sum(1 for i in ids if self.snapshot.state(i).read)
        subtitle = Text(f"{read}/{len(ids)} read")
        if self.query_text.strip():
            subtitle.append(" · ")
            if self._filter_state is not None:
                subtitle.append_text(self._filter_state)
            else:
                subtitle.append("filter: ")
                from ..library_search import shorten

                subtitle.append(shorten(one_line(self.query_text), 40))  # as text, never markup
        if self.selection:
            subtitle.append(f" · {len(self.selection)} selected")
        papers.border_subtitle = subtitle
        papers.empty_text = "No papers match the filter." if self.query_text.strip() else "No papers here."

    # --- pane messages ------------------------------------------------------
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
        self.view = message.key

    @on(LineList.Chosen)
    def _chosen(self, message: LineList.Chosen) -> None:
        if isinstance(message.list, WeeksSidebar):
            self.action_focus_papers()
        else:
            self.follow_cursor()
            self.query_one(DetailPane).focus_content()

    def on_commentary_pane_jump_to(self, message) -> None:
        self.jump_to(message.arxiv_id)

    def on_backlinks_open(self, message) -> None:
        """Enter on a "Mentioned in" line: the paper, or the digest (at the entry that
        mentions the paper, when it is an entry and not the digest's preface)."""
        if message.kind == "paper":
            self.jump_to(message.key)
            return
        from ..widgets.backlinks import mentioning_entry

        target = mentioning_entry(self.snapshot, message.key, message.paper_id)
        self.query_text = ""
        self._set_filter("")
        self.view = digest_view(message.key)
        if target is not None:
            self.paper_id = target
        self.action_focus_papers()

    def show_in_all(self, arxiv_id: str) -> None:
        """Show ``arxiv_id`` in the All papers view (where search results open)."""
        self.query_text = ""
        self._set_filter("")
        self.paper_id = arxiv_id
        self.view = ALL
        self.paper_id = arxiv_id
        self.action_focus_papers()

    def action_search(self) -> None:
        self.when_loaded("search", self._open_search)

    def _open_search(self) -> None:
        from .search import SearchScreen

        search = self._library_search()
        search.start(self, self.snapshot)

        def chosen(arxiv_id: str | None) -> None:
            if arxiv_id:
                self.show_in_all(arxiv_id)

        self.app.push_screen(SearchScreen(search, self.snapshot), chosen)

    def action_stats(self) -> None:
        self.when_loaded("stats", self._open_stats)

    def _open_stats(self) -> None:
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen(self.snapshot))

    def jump_to(self, arxiv_id: str) -> None:
        """Show ``arxiv_id`` in the list (switching to All papers if it is not in view)."""
        if arxiv_id not in self.snapshot.papers:
            self.queue_paper(arxiv_id)
            return
        if arxiv_id not in self.visible_ids:
            self.query_text = ""
            self._set_filter("")
            self.paper_id = arxiv_id
            self.view = ALL
        self.paper_id = arxiv_id
        self.action_focus_papers()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter()

    def apply_filter(self) -> None:
        """Filter by what the filter field holds now (a ``Changed`` message may be older)."""
        filter_input = self._filter_input()
        self.query_text = filter_input.value if filter_input is not None else ""

    # --- navigation actions -------------------------------------------------
    def _filter_input(self) -> FilterInput | None:
        found = self.query("#filter")
        return found.first(FilterInput) if found else None

    def _set_filter(self, value: str) -> None:
        filter_input = self._filter_input()
        if filter_input is not None:
            filter_input.value = value

    def action_focus_papers(self) -> None:
        filter_input = self._filter_input()
        if filter_input is not None:
            filter_input.display = bool(filter_input.value.strip())
        # Focus moves before the next key is handled (``focus()`` waits for the app's
        # queue, behind keys typed ahead, which would then go to the old widget).
        self.set_focus(self.query_one(PapersList))

    async def action_filter(self) -> None:
        filter_input = self._filter_input()
        if filter_input is None:  # made on first use: it is not on the first screen
            filter_input = FilterInput(placeholder=FILTER_PLACEHOLDER, id="filter")
            # Awaited: the keys typed right after / wait for the field, and go into it.
            await self.query_one("#main").mount(filter_input, after=self.query_one(PapersList))
        filter_input.display = True
        self.set_focus(filter_input)
        if self.snapshot.complete:
            self._warm()

    def _pane_of_focus(self) -> str:
        node = self.focused
        while node is not None:
            if node.id in ("weeks", "papers", "detail", "filter"):
                return node.id
            node = node.parent
        return "papers"

    def action_cycle(self, step: int) -> None:
        panes = ["weeks", "papers", "detail"]
        if not self.query_one(WeeksSidebar).display:
            panes.remove("weeks")
        current = self._pane_of_focus()
        current = "papers" if current == "filter" else current
        target = panes[(panes.index(current) + step) % len(panes)]
        if target == "detail":
            self.query_one(DetailPane).focus_content()
        else:
            self.set_focus(self.query_one(f"#{target}"))

    def action_back(self) -> None:
        pane = self._pane_of_focus()
        if pane in ("detail", "weeks"):
            self.action_focus_papers()
        elif self.selection:
            self.selection = frozenset()
        elif self.query_text:
            self._set_filter("")
            self.action_focus_papers()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(DetailPane).show(tab)

    def action_edit_note(self) -> None:
        if self.paper_id is None:
            self.notify("No paper selected.", severity="warning")
            return
        detail = self.query_one(DetailPane)
        detail.show("notes")
        detail.focus_content()

    def _step_week(self, step: int) -> None:
        digests = self.snapshot.digests
        if not digests:
            return
        ids = [digest_view(d.id) for d in digests]
        if self.view in ids:
            index = min(max(ids.index(self.view) + step, 0), len(ids) - 1)
        else:
            index = 0
        self.view = ids[index]

    def action_prev_week(self) -> None:
        self._step_week(1)  # older

    def action_next_week(self) -> None:
        self._step_week(-1)  # newer

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(WeeksSidebar)
        if self.has_class("-narrow"):
            self.toggle_class("-show-sidebar")
            self.remove_class("-hide-sidebar")
        else:
            self.toggle_class("-hide-sidebar")
            self.remove_class("-show-sidebar")
        if not sidebar.display and sidebar.has_focus:
            self.action_focus_papers()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_select(self) -> None:
        if self.paper_id is not None:
            self.selection = self.selection ^ {self.paper_id}

    def action_extend(self, step: int) -> None:
        if self.paper_id is None:
            return
        papers = self.query_one(PapersList)
        chosen = set(self.selection) | {self.paper_id}
        papers.action_cursor_down() if step > 0 else papers.action_cursor_up()
        if papers.cursor_key:
            chosen.add(papers.cursor_key)
            self.paper_id = papers.cursor_key
        self.selection = frozenset(chosen)

    def targets(self) -> list[str]:
        """The papers an action applies to: the selection, else the current paper."""
        if self.selection:
            return [i for i in self.visible_ids if i in self.selection]
        return [self.paper_id] if self.paper_id else []

    def _compositor_refresh(self) -> None:
        super()._compositor_refresh()
        if self.app.bench_frame:  # the first paint of the list, for the startup benchmark
            self.app.frame_written()

    def on_unmount(self) -> None:
        self.stop_background()
        self.flush_note(wait=True)

    def replace_snapshot(self, **changes) -> None:
        """Show a change at once (before the library thread has written it)."""
        self.snapshot = self.snapshot.with_changes(**changes)

