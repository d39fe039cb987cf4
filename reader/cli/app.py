"""Opening the app: on the user's library, or on a throwaway demo library."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.library import Library
from ..core.locations import cache_dir, data_dir
from .errors import CliError

if TYPE_CHECKING:
    from ..tui.heap import HeapKeeper


def open_app(args, heap: HeapKeeper | None = None) -> int:
    """``args``: ``data_dir`` and ``demo`` (argparse's, or ``app_options``); ``heap``: the
    collector's keeper, already paused (else the app starts one)."""

    if not args.demo:
        # Not read here: the app draws its first screen from the glance (core/glance.py)
        # and reads the rest in the background; a damaged file stops it with the error.
        _run(Library(data_dir(args.data_dir)), demo=False, heap=heap)
        return 0
    from ..core.demo import demo_library  # (lazy: only when it is used)

    scratch = Path(tempfile.mkdtemp(prefix="reader-demo-"))
    prepared = cache_dir()  # the imported demo is kept there (core/demo.py)
    os.environ["READER_CACHE_DIR"] = str(scratch / "cache")
    try:
        library = demo_library(scratch / "data", prepared)
        _run(library, demo=True, heap=heap)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _run(library, *, demo: bool, heap: HeapKeeper | None) -> None:
    from ..tui import run_app  # (lazy: the app's package only when the app opens)

    error = run_app(library, demo=demo, heap=heap)
    if error:
        raise CliError(error)
