"""What the query engine needs from the PDF cache, read once when an index is built.

``is:downloaded`` asks which papers have their PDF in the cache, and words (and ``text:``)
look in the text extracted from them. Both come from here, read when the engine's index is
built (off the UI thread in the app), never while a query runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .ids import id_from_filename
from .pdf import cached_text, pdf_path, text_cache_path
from .search_index import PreparedText, prepare_text

__all__ = ["cached_texts", "downloaded_ids"]

_ANY_ID = "0704.0001"  # any valid id: its cache paths name the cache's folders


def _ids_in(folder: Path, suffix: str) -> set[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    found = set()
    for name in names:
        if name.endswith(suffix) and not name.startswith("."):
            arxiv_id = id_from_filename(name[: -len(suffix)])
            if arxiv_id:
                found.add(arxiv_id)
    return found


def downloaded_ids(cache_dir: Path) -> set[str]:
    """Ids of the papers whose PDF is in the cache (one directory listing)."""
    return _ids_in(pdf_path(Path(cache_dir), _ANY_ID).parent, ".pdf")


def cached_texts(cache_dir: Path, ids: Iterable[str]) -> dict[str, PreparedText]:
    """The extracted text of those of ``ids`` that have one in the cache, still matching
    their PDF, ready for the index. A broken cache file is skipped, never raised."""
    cache_dir = Path(cache_dir)
    wanted = set(ids) & _ids_in(text_cache_path(cache_dir, _ANY_ID).parent, ".json")
    texts = {}
    for arxiv_id in sorted(wanted):
        try:
            text = cached_text(arxiv_id, cache_dir)
        except (OSError, ValueError):
            continue
        if text is not None and not text.error and any(text.pages):
            texts[arxiv_id] = prepare_text(text)
    return texts
