"""Opening the app: on the user's library, or on a throwaway demo library."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path


def open_app(args: argparse.Namespace) -> int:
    from ..core.library import Library
    from ..core.locations import data_dir

    if not args.demo:
        library = Library(data_dir(args.data_dir))
        library.load_all()
        _run(library, demo=False)
        return 0
    from ..core.importer import import_paths
    from ..core.locations import demo_digest

    scratch = Path(tempfile.mkdtemp(prefix="reader-demo-"))
    os.environ["READER_CACHE_DIR"] = str(scratch / "cache")
    os.environ.setdefault("READER_EXPORT_DIR", str(Path.cwd()))
    try:
        library = Library(scratch / "data")
        import_paths(library, [demo_digest()])
        _run(library, demo=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _run(library, *, demo: bool) -> None:
    from ..tui import run_app

    run_app(library, demo=demo)
