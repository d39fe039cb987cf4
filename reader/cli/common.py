"""What the command modules share: the one-line error, and opening and reading the library."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from ..core import glance
from ..core.history import Origin
from ..core.ids import parse_id
from ..core.library import Library
from ..core.library_errors import LibraryError
from ..core.locations import data_dir
from ..core.snapshot import Snapshot
from .errors import CliError

if TYPE_CHECKING:
    import argparse  # (annotations only: opening the app imports no argparse)


def open_library(args: argparse.Namespace):
    # Changes are recorded in the shared history as this command's (core/history.py).
    return Library(data_dir(args.data_dir), origin=Origin.new("command", args.command or ""))


def keep_glance(library) -> None:
    """After a change to what the app's first screen shows (the catalogue, the arXiv
    records): write the glance (core/glance.py), creating it when missing, so that the
    app's next start is as fast as any. Never fatal: without a glance the app reads the
    catalogue first, and writes one."""

    try:
        glance.write(library)
    except LibraryError:
        pass


def load_snapshot(library):
    """The whole library, for a command that reads it once. The garbage collector is off
    while it loads (parsing makes hundreds of thousands of objects and no cycles:
    collections would more than double the time), and what the load made is frozen
    (``gc.freeze``), so no full collection walks it again before the command ends."""

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        snapshot = Snapshot.load(library)
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return snapshot


def canonical_ids(raw_ids: list[str]) -> list[str]:
    """Ids from what a user typed (ids, URLs, arXiv:...), or a CliError naming the bad one."""

    ids = []
    for raw in raw_ids:
        parsed = parse_id(raw)
        if parsed is None:
            raise CliError(f"not an arXiv id: {raw!r}")
        ids.append(parsed[0])
    return ids


def known_ids(library, raw_ids: list[str]) -> list[str]:
    """Ids from what a user typed, each in the library, or a CliError naming those that
    are not. Checked against the glance when it is current: the catalogue is not read
    (see :func:`glance_after_check`)."""
    ids = canonical_ids(raw_ids)
    missing = library.unknown(ids)
    if missing:
        raise CliError(f"not in the library: {', '.join(missing)}")
    return ids


def glance_after_check(library) -> None:
    """After a change checked with :func:`known_ids`: if the glance could not answer (so
    the catalogue was read), write it, so that the next command need not read it."""
    if library.storage("catalog").signature is not None:
        keep_glance(library)
