"""The demo library: the bundled sample digest, imported into a throwaway folder.

Importing means loading the parser and three fsync'd writes, a good part of the demo's
startup; so the imported files are kept in the cache folder (``demo/``), one copy per
version of the digest, of the file format and of reader, and later demos copy them
instead. A copy that does not read is replaced.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .. import __version__
from .library import Library
from .locations import demo_digest
from .storage import FORMAT_VERSION, FORMATS, LibraryError

FILES = ("catalog.json", "commentary.json", "state.json")


def _prepared_dir(cache: Path) -> Path:
    digest = demo_digest().read_bytes()
    key = hashlib.sha256(digest).hexdigest()[:16]
    newest = max(FORMAT_VERSION, *FORMATS.values())  # (a copy another version made is not used)
    return cache / "demo" / f"{key}-format{newest}"


def demo_library(folder: Path, cache: Path) -> Library:
    """A library in ``folder`` (made if missing) holding the demo digest."""

    prepared = _prepared_dir(cache) / __version__
    folder.mkdir(parents=True, exist_ok=True)
    if all((prepared / name).is_file() for name in FILES if name != "state.json"):
        for name in FILES:
            if (prepared / name).is_file():
                shutil.copyfile(prepared / name, folder / name)
        library = Library(folder)
        try:
            library.load_all()  # a few kilobytes: checked, so a damaged copy never stops the demo
            return library
        except LibraryError:
            shutil.rmtree(prepared, ignore_errors=True)
            for name in FILES:
                (folder / name).unlink(missing_ok=True)
    from .importer import import_paths  # (lazy: ~43 ms, only when it is used)

    library = Library(folder)
    import_paths(library, [demo_digest()])
    _keep(folder, prepared)
    return library


def _keep(folder: Path, prepared: Path) -> None:
    """Copy the imported files to ``prepared``: all or nothing, and never fatal (another
    demo may have kept them first; a read-only cache just means importing next time)."""
    scratch: Path | None = None
    try:
        prepared.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".demo-", dir=prepared.parent))
        for name in FILES:
            if (folder / name).is_file():
                shutil.copyfile(folder / name, scratch / name)
        os.replace(scratch, prepared)
        scratch = None
    except OSError:
        pass
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
