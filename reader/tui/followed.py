"""Followed folders in the app (reader/core/followed_folders.py): a look at them once the
library is read, and ``U``, which imports what is new or changed there.

The look hashes the folders' files in a daemon thread (a stalled network folder never holds
the app, nor its exit) and, when something is new or changed, posts one
:class:`~reader.tui.messages.FoldersPending`; the screen shows one notice saying what and
where, and that ``U`` imports it. ``U`` runs ``reader update``'s import on the library
thread, in order with the other writes, then the screen reads the library again. Importing
is left to the key: an import cannot be undone, so it is the reader's to ask for.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from reader.core.library import Library

from .jobs import in_background
from .messages import FoldersPending, FoldersUpdated

if TYPE_CHECKING:
    from reader.core.followed_folders import Pending

    from .screens.main import MainScreen

NOTICE_SECONDS = 12
MAX_LINES = 8


def check(screen: MainScreen) -> None:
    """Look at the followed folders in the background; post FoldersPending when a file is
    new or changed there (nothing when none is followed, nothing is new, or it fails)."""

    data_dir = screen.service.library.data_dir

    def look() -> None:
        from reader.core.followed_folders import pending  # (lazy: not loaded before the first paint)

        found = pending(Library(data_dir))
        if found:
            screen.post_message(FoldersPending(found))

    in_background(look)


def home(path: str) -> str:
    """``path`` with the home directory as ``~``."""
    user = os.path.expanduser("~")
    return "~" + path[len(user) :] if user not in ("", "/") and (path == user or path.startswith(user + os.sep)) else path


def notice(found: list[Pending]) -> str:
    """One line: ``2 new digests in ~/digests: press U to import`` (paths are the user's:
    the app's notify shows them literally)."""
    from reader.core.importer import shown  # (lazy: not loaded before the first paint)

    new, changed = sum(p.new for p in found), sum(p.changed for p in found)
    parts = []
    if new:
        parts.append(f"{new} new")
    if changed:
        parts.append(f"{changed} changed")
    what = " and ".join(parts) + (" digests" if new + changed != 1 else " digest")
    where = shown(home(found[0].path)) if len(found) == 1 else f"{len(found)} followed folders"
    return f"{what} in {where}: press U to import"


def update(screen: MainScreen) -> None:
    """``U``: import what is new or changed in every followed folder."""
    library = screen.service.library

    def job() -> FoldersUpdated:
        from reader.core.followed_folders import update as update_folders  # (lazy: not loaded before the first paint)

        return FoldersUpdated(update_folders(library))

    screen.notify("Looking at the followed folders…", title="Update", timeout=2)
    screen.writer.write(job, done=lambda message: message)


def updated(screen: MainScreen, message: FoldersUpdated) -> None:
    updates = message.updates
    if not updates:
        screen.notify("No followed folders: import a folder (i) to follow it.", title="Update")
        return
    lines = [found.summary() for found in updates]
    more = f"\n… and {len(lines) - MAX_LINES} more" if len(lines) > MAX_LINES else ""
    failed = any(found.failed for found in updates)
    screen.notify("\n".join(lines[:MAX_LINES]) + more, title="Update", severity="error" if failed else "information", timeout=8)
    if any(found.new or found.changed or found.renamed for found in updates):
        screen.load()
