"""Saved views in the app (functions of the main screen): save the ``/`` filter as a view,
go to one, remove one, and count their papers for the sidebar.

A saved view is written on the library thread (core/saved_views.py: an operation on
``views.json`` as it is on disk now); the snapshot then takes the views as they are on disk,
so a view saved meanwhile from the command line is kept too. One saved from the command
line while the app runs arrives with the next poll (the snapshot is read again).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reader.core.saved_views import SavedView, add_view, find, remove_view, saved_views
from reader.core.snapshot import Snapshot
from reader.core.text import one_line
from reader.core.views import View, ViewKind, first_view

from ..messages import describe_error
from ..widgets.weeks import WeeksSidebar

if TYPE_CHECKING:
    from reader.core.library import Library

    from .main import MainScreen


def count_saved(screen: MainScreen, snap: Snapshot, view: View) -> tuple[int, int] | None:
    """(matching, unread) papers of a saved view, from the screen's engine; None while the
    index its words need is being built."""
    papers = screen.papers
    saved = find(snap.saved_views, view.key)
    if saved is None:
        return (0, 0)
    from reader.core.query import parse

    ids = papers.saved_ids(snap, parse(saved.query))
    if ids is None:
        return None
    return len(ids), sum(1 for i in ids if not snap.state(i).read)


def _added(library: Library, name: str, query: str) -> tuple[bool, tuple[SavedView, ...]]:
    """(Library thread.) Save the view; the views as they are on disk now."""
    replaced = add_view(library, name, query)
    return replaced, saved_views(library)


def _removed(library: Library, name: str) -> tuple[SavedView, tuple[SavedView, ...]]:
    removed = remove_view(library, name)
    return removed, saved_views(library)


def save_filter(screen: MainScreen) -> None:
    """The palette's "Save filter as view…": ask for a name, save the ``/`` filter."""
    from reader.core.query import parse

    query = screen.query_text.strip()
    if not query:
        screen.notify("Type a filter with / first: the filter is what a view saves.", severity="warning")
        return
    if parse(query).error is not None:
        screen.notify("The filter has a mistake: fix it before saving it as a view.", severity="warning")
        return
    if screen.view is not None and screen.view.kind is ViewKind.SAVED:
        saved = find(screen.snapshot.saved_views, screen.view.key)
        if saved is not None:  # the filter narrows the saved view: save both together
            query = f"({saved.query}) ({query})"
    from .prompts import ViewNamePrompt  # opened from the palette, not at startup

    def chosen(name: str | None) -> None:
        if name:
            screen.run_worker(_save(screen, name, query), group="views", exit_on_error=False)

    screen.app.push_screen(ViewNamePrompt(query, [v.name for v in screen.snapshot.saved_views]), chosen)


async def _save(screen: MainScreen, name: str, query: str) -> None:
    try:
        replaced, views = await asyncio.wrap_future(screen.service.write(_added, screen.library, name, query))
    except Exception as exc:  # (a notification: one line, never a traceback)
        screen.notify(describe_error(exc), title="View not saved", severity="error", timeout=8)
        return
    screen.replace_snapshot(saved_views=views)
    name = name.strip()
    show_saved(screen, name)
    screen.notify(f"{'Replaced' if replaced else 'Saved'} view {one_line(name)}", timeout=3)


def show_saved(screen: MainScreen, name: str) -> None:
    """Show the saved view ``name`` (unfiltered: its query is the filter)."""
    if find(screen.snapshot.saved_views, name) is None:
        screen.notify(f"No saved view named {one_line(name)}.", severity="warning")
        return
    screen.show_view(View.saved(name), None)


def remove_saved(screen: MainScreen, name: str) -> None:
    screen.run_worker(_remove(screen, name), group="views", exit_on_error=False)


async def _remove(screen: MainScreen, name: str) -> None:
    try:
        removed, views = await asyncio.wrap_future(screen.service.write(_removed, screen.library, name))
    except Exception as exc:  # (a notification: one line, never a traceback)
        screen.notify(describe_error(exc), title="View not removed", severity="error", timeout=8)
        return
    screen.replace_snapshot(saved_views=views)
    screen.notify(f"Removed view {one_line(removed.name)} ({one_line(removed.query)})", timeout=4)


def view_gone(screen: MainScreen) -> None:
    """After a new snapshot: the view on screen was removed (a digest, a saved view)? Then
    the default view."""
    view = screen.view
    if view is not None and screen.snapshot.complete and not view.exists(screen.snapshot):
        screen.view = first_view(screen.snapshot)


def index_arrived(screen: MainScreen) -> None:
    """The query index arrived: count the saved views, and show the one on screen."""
    screen.query_one(WeeksSidebar).recount()
