"""Saved views: named queries, kept in the library's ``views.json``.

A saved view is a name and a query in the one query language (core/query.py); its papers
are those the query matches. The file is a library file like the others (a format version
and a change counter in ``_meta``, written atomically under the library lock, backed up,
checked by ``reader doctor``). Each change is an operation on the file as it is on disk
now: two processes that each add a view keep both.

Names are the user's text: kept as typed (spaces around them dropped), one line, at most
:data:`MAX_NAME` characters, without control characters.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from msgspec import Struct

from .records import now_iso
from .storage import LibraryError

if TYPE_CHECKING:
    from .library import Library
    from .store import Store

FILE = "views"
TABLE = "views"
#: The format of a saved view's record this reader writes and reads.
RECORD_FORMAT = 1
MAX_NAME = 80  # characters
MAX_VIEWS = 500  # a file holding more is read up to this many
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ViewError(LibraryError):
    """A saved view could not be added or removed; ``str()`` is one line."""


class SavedView(Struct, frozen=True):
    """A named query (the query's text as typed)."""

    name: str
    query: str


def check_name(raw: str) -> str:
    """The name as stored (spaces around it dropped), or ViewError saying what is wrong."""
    name = raw.strip()
    if not name:
        raise ViewError("a view needs a name")
    if _CONTROL.search(name):
        raise ViewError("a view's name is one line of text, without control characters")
    if len(name) > MAX_NAME:
        raise ViewError(f"a view's name holds at most {MAX_NAME} characters")
    return name


def check_query(text: str) -> str:
    """The query as stored, or ViewError showing where it is wrong (one line)."""
    from .query import parse

    query = parse(text)
    if query.error is not None:
        raise ViewError(f"bad query at {query.error.describe()}")
    if query.empty:
        raise ViewError("a view needs a query (every paper is 'All papers' already)")
    return text.strip()


def _record(name: str, doc: object) -> SavedView | None:
    """The view a stored document holds; None for one this reader cannot read."""
    if not isinstance(doc, dict):
        return None
    version, query = doc.get("format", RECORD_FORMAT), doc.get("query")
    if not isinstance(version, int) or version > RECORD_FORMAT or not isinstance(query, str):
        return None
    return SavedView(name, query)


def saved_views(store: Store) -> tuple[SavedView, ...]:
    """The saved views, by name (case ignored). A record of a newer reader is left out."""
    rows = store.raw_rows(FILE, TABLE)
    found = [view for name, doc in list(rows.items())[:MAX_VIEWS] if (view := _record(name, doc)) is not None]
    return tuple(sorted(found, key=lambda view: (view.name.casefold(), view.name)))


def find(views: tuple[SavedView, ...], name: str) -> SavedView | None:
    return next((view for view in views if view.name == name), None)


def add_view(library: Library, name: str, query: str) -> bool:
    """Save ``query`` as the view ``name`` (checked first); returns True when it replaced
    a view of that name."""
    name, query = check_name(name), check_query(query)
    with library.transaction(FILE):
        replaced = name in library.raw_rows(FILE, TABLE)
        doc = {"format": RECORD_FORMAT, "query": query, "saved": now_iso()}
        library.put(FILE, {TABLE: {name: doc}})
    return replaced


def remove_view(library: Library, name: str) -> SavedView:
    """Remove the view ``name``; returns it. ViewError when there is none of that name."""
    name = name.strip()
    with library.transaction(FILE):
        doc = library.raw_rows(FILE, TABLE).get(name)
        if doc is None:
            raise ViewError(f"no saved view named {name!r} (see 'reader views')")
        library.put(FILE, {TABLE: {name: None}})
    return _record(name, doc) or SavedView(name, "")


__all__ = ["MAX_NAME", "SavedView", "ViewError", "add_view", "check_name", "check_query", "find", "remove_view", "saved_views"]
