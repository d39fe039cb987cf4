"""Who cites whom in the library, from the papers' own text.

When a paper's text is extracted (``reader.core.pdf_worker``), the arXiv ids it names are
kept with the text (``PaperText.cites``). ``cites_index(snapshot, cache_dir)`` gathers them
for the library in one object:

* ``index.cites(ID)``: the library's papers ``ID`` cites, in the order it cites them, and how
  many other arXiv ids it names; None when its text has not been read;
* ``index.cited_by(ID)``: the library's papers whose text cites ``ID``, in library order;
* ``index.add(ID, ids)``: what an extraction has just found, without reading the cache again.

The query language's ``cites:ID`` is ``index.cited_by(ID)``; ``cited-by:ID`` is
``index.cites(ID).in_library`` (none when ``cites`` is None): reader/core/engine.py.

Reading every cached text (megabytes of JSON) for a few ids each would be slow, so the ids
are also kept in ``cache_dir/cites.json``, each paper's entry keyed on the size and mtime
of its text cache and of its PDF. Loading the index costs two ``stat`` calls per cached
paper; only a text that changed since is read again. That file is a cache: a damaged one is
made again, and two processes writing it at once only cost the loser's work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from .cite_ids import canonical
from .fs import atomic_write
from .ids import id_from_filename
from .pdf_paths import pdf_path
from .pdf_text import cached_text

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["INDEX_FORMAT", "INDEX_NAME", "Cites", "CitesIndex", "cites_index", "unread_text"]

INDEX_NAME = "cites.json"
INDEX_FORMAT = 1


class Cites(Struct, frozen=True):
    """What one paper's text cites: the library's papers, and how many other arXiv ids."""

    in_library: list[str]
    others: int

    def to_json(self) -> dict[str, Any]:
        return {"in_library": list(self.in_library), "others": self.others}


class CitesIndex:
    """The citations among a snapshot's papers; see the module docstring."""

    def __init__(self, snapshot: Snapshot, cited: dict[str, list[str]]) -> None:
        self._order = {arxiv_id: n for n, arxiv_id in enumerate(snapshot.all_ids())}
        self._library: dict[str, str] = {}  # canonical id -> the library's id
        for arxiv_id in self._order:
            self._library.setdefault(canonical(arxiv_id), arxiv_id)
        self._cited: dict[str, list[str]] = {}  # the library's id -> canonical ids its text names
        self._citing: dict[str, set[str]] = {}  # canonical id -> library papers whose text names it
        for arxiv_id, ids in cited.items():
            self.add(arxiv_id, ids)

    def _own(self, arxiv_id: str) -> str | None:
        return self._library.get(canonical(arxiv_id))

    def add(self, arxiv_id: str, ids: Iterable[str]) -> None:
        """Record that the text of ``arxiv_id`` names ``ids`` (replacing what it named before)."""
        own = self._own(arxiv_id)
        if own is None:
            return  # not a paper of this library
        for old in self._cited.get(own, []):
            self._citing.get(old, set()).discard(own)
        names = [c for c in dict.fromkeys(canonical(i) for i in ids) if c != canonical(own)]
        self._cited[own] = names
        for name in names:
            self._citing.setdefault(name, set()).add(own)

    def read(self, arxiv_id: str) -> bool:
        """Has the text of ``arxiv_id`` been read (so that ``cites`` knows)?"""
        own = self._own(arxiv_id)
        return own is not None and own in self._cited

    def cites(self, arxiv_id: str) -> Cites | None:
        own = self._own(arxiv_id)
        if own is None or own not in self._cited:
            return None
        names = self._cited[own]
        in_library = [self._library[name] for name in names if name in self._library]
        return Cites(in_library, len(names) - len(in_library))

    def cited_by(self, arxiv_id: str) -> list[str]:
        citing = self._citing.get(canonical(arxiv_id), set())
        return sorted(citing, key=lambda i: self._order.get(i, len(self._order)))


def cites_index(snapshot: Snapshot, cache_dir: Path) -> CitesIndex:
    """The citations among ``snapshot``'s papers, from the text cache in ``cache_dir``."""
    cache_dir = Path(cache_dir)
    stored = _read_index(cache_dir / INDEX_NAME)
    fresh: dict[str, dict[str, Any]] = {}
    try:
        names = sorted(p.name for p in (cache_dir / "text").iterdir())
    except OSError:
        names = []
    for name in names:
        if not name.endswith(".json"):
            continue
        arxiv_id = id_from_filename(name[: -len(".json")])
        if arxiv_id is None:
            continue
        key = [_stat(cache_dir / "text" / name), _stat(pdf_path(cache_dir, arxiv_id))]
        if key[0] is None or key[1] is None:
            continue
        entry = stored.get(arxiv_id)
        if isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("cites"), list):
            fresh[arxiv_id] = entry
            continue
        text = cached_text(arxiv_id, cache_dir)
        if text is not None and text.error is None:
            fresh[arxiv_id] = {"key": key, "cites": list(text.cites)}
    if fresh != stored:
        try:
            atomic_write(cache_dir / INDEX_NAME, json.dumps({"format": INDEX_FORMAT, "papers": fresh}))
        except OSError:
            pass  # only slower next time
    cited = {arxiv_id: [str(c) for c in entry["cites"]] for arxiv_id, entry in fresh.items()}
    return CitesIndex(snapshot, cited)


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _read_index(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or not isinstance(data.get("papers"), dict):
        return {}
    return data["papers"]


def unread_text(arxiv_id: str, cache_dir: Path) -> str:
    """One line for a paper whose text has not been read (so what it cites is not known),
    saying what to do."""
    todo = f"run 'reader text {arxiv_id}'"
    try:
        if not pdf_path(cache_dir, arxiv_id).exists():
            todo = f"run 'reader fetch --pdf {arxiv_id}', then 'reader text {arxiv_id}'"
    except ValueError:
        pass
    return f"the text of {arxiv_id} has not been read: {todo}"
