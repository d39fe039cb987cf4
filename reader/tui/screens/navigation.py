"""The main screen's moves between panes, weeks and papers (functions of the screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from reader.core.views import ALL, View, week_groups, week_of

from ..startup import LoadPhase
from ..styles import read_later_css
from ..widgets.detail import DetailPane
from ..widgets.filter_input import FILTER_PLACEHOLDER, FilterInput
from ..widgets.papers import PapersList
from ..widgets.weeks import WeeksSidebar

if TYPE_CHECKING:
    from .main import MainScreen


def pane_of_focus(screen: MainScreen) -> str:
    node: DOMNode | None = screen.focused
    while node is not None:
        if node.id in ("weeks", "papers", "detail", "filter"):
            return node.id
        node = node.parent
    return "papers"


def cycle(screen: MainScreen, step: int) -> None:
    panes = ["weeks", "papers", "detail"]
    if not screen.query_one(WeeksSidebar).display:
        panes.remove("weeks")
    current = pane_of_focus(screen)
    current = "papers" if current == "filter" else current
    target = panes[(panes.index(current) + step) % len(panes)]
    if target == "detail":
        screen.query_one(DetailPane).focus_content()
    else:
        screen.set_focus(screen.query_one(f"#{target}"))


def back(screen: MainScreen) -> None:
    pane = pane_of_focus(screen)
    if pane in ("detail", "weeks"):
        screen.action_focus_papers()
    elif screen.selection:
        screen.selection = frozenset()
    elif screen.query_text:
        screen.set_filter("")
        screen.action_focus_papers()


def show_tab(screen: MainScreen, tab: str) -> None:
    screen.query_one(DetailPane).show(tab)


def step_week(screen: MainScreen, step: int) -> None:
    """The next week (``step`` 1: older; -1: newer), as the sidebar lists them: a week of
    several digests is one step, and so is each undated digest after the weeks."""
    groups = week_groups(screen.snapshot)
    if groups:
        current = week_of(groups, screen.view)
        index = min(max(current + step, 0), len(groups) - 1) if current >= 0 else 0
        screen.view = groups[index].view


def toggle_sidebar(screen: MainScreen) -> None:
    sidebar = screen.query_one(WeeksSidebar)
    if screen.has_class("-narrow"):
        screen.toggle_class("-show-sidebar")
        screen.remove_class("-hide-sidebar")
    else:
        screen.toggle_class("-hide-sidebar")
        screen.remove_class("-show-sidebar")
    if not sidebar.display and sidebar.has_focus:
        screen.action_focus_papers()


def select(screen: MainScreen) -> None:
    if screen.paper_id is not None:
        screen.selection = screen.selection ^ {screen.paper_id}


def extend(screen: MainScreen, step: int) -> None:
    if screen.paper_id is None:
        return
    papers = screen.query_one(PapersList)
    chosen = set(screen.selection) | {screen.paper_id}
    papers.action_cursor_down() if step > 0 else papers.action_cursor_up()
    if papers.cursor_key:
        chosen.add(papers.cursor_key)
        screen.paper_id = papers.cursor_key
    screen.selection = frozenset(chosen)


def show_view(screen: MainScreen, view: View, paper_id: str | None) -> None:
    """Show ``view`` unfiltered, at ``paper_id``."""
    screen.query_text = ""
    screen.set_filter("")
    if paper_id is not None:
        screen.paper_id = paper_id
    screen.view = view
    if paper_id is not None:
        screen.paper_id = paper_id
    screen.action_focus_papers()


def show_in_all(screen: MainScreen, arxiv_id: str) -> None:
    """Show ``arxiv_id`` in the All papers view (where search results open)."""
    show_view(screen, ALL, arxiv_id)


def jump_to(screen: MainScreen, arxiv_id: str) -> None:
    """Show ``arxiv_id`` in the list (switching to All papers if it is not in view)."""
    if arxiv_id not in screen.snapshot.papers:
        screen.queue_paper(arxiv_id)
    elif arxiv_id not in screen.visible_ids:
        show_view(screen, ALL, arxiv_id)
    else:
        screen.paper_id = arxiv_id
        screen.action_focus_papers()


# --- the filter field ---------------------------------------------------------------------


def filter_input(screen: MainScreen) -> FilterInput | None:
    found = screen.query("#filter")
    return found.first(FilterInput) if found else None


def set_filter(screen: MainScreen, value: str) -> None:
    field = filter_input(screen)
    if field is not None:
        field.value = value


def apply_filter(screen: MainScreen) -> None:
    """Filter by what the filter field holds now (a ``Changed`` message may be older)."""
    field = filter_input(screen)
    screen.query_text = field.value if field is not None else ""


def focus_papers(screen: MainScreen) -> None:
    field = filter_input(screen)
    if field is not None:
        field.display = bool(field.value.strip())
    # Focus moves before the next key is handled (``focus()`` waits for the app's
    # queue, behind keys typed ahead, which would then go to the old widget).
    screen.set_focus(screen.query_one(PapersList))


async def open_filter(screen: MainScreen) -> None:
    field = filter_input(screen)
    if field is None:  # made on first use: it is not on the first screen

        def done() -> None:
            apply_filter(screen)
            focus_papers(screen)

        def changed(value: str) -> None:
            screen.query_text = value  # (filtered now: painted with the field in one frame)

        read_later_css(screen.app)  # the field's rules
        field = FilterInput(done, changed, placeholder=FILTER_PLACEHOLDER, id="filter")
        # Awaited: the keys typed right after / wait for the field, and go into it.
        await screen.query_one("#body").mount(field, after=screen.query_one(PapersList))
    field.display = True
    screen.set_focus(field)
    screen.startup.index()
    if screen.view is not None and screen.phase >= LoadPhase.INDEXED:
        screen.call_after_refresh(screen.papers.prepare_filter, screen.snapshot, screen.view)


def open_backlink(screen: MainScreen, kind: str, key: str, paper_id: str) -> None:
    """Enter on a "Mentioned in" line: the paper, or the digest (at the entry that
    mentions the paper, when it is an entry and not the digest's preface)."""
    if kind == "paper":
        jump_to(screen, key)
        return
    from ..widgets.backlinks import mentioning_entry  # (lazy: loaded with the detail's tabs)

    show_view(screen, View.digest(key), mentioning_entry(screen.snapshot, key, paper_id))
