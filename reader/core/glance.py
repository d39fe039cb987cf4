"""A glance at the library: what the app's first screen needs, in one small file.

Reading a library of 10,000 papers takes ~100 ms of CPU (``catalog.json`` alone is
~4 MB), most of the app's startup. ``glance.json`` holds the digest list with each
digest's paper ids, the papers of the newest few digests (with their notes and arXiv
records) and the papers no digest lists: some 200 KB at that size, read in a few
milliseconds. The first screen is drawn from it and ``state.json`` (read whole) while
the app reads everything else.

It is derived data. The app writes it after reading the library; it is trusted only
while ``catalog``, ``notes`` and ``arxiv`` are exactly the files it was
made from (same size, mtime, ctime and inode), and deleting it loses nothing. The
commentary is not in it: the app reads that after the first paint in any case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .fs import atomic_write
from .models import Entry
from .records import DigestRecord, LazyEntries, PaperRecord
from .storage import load_json

if TYPE_CHECKING:
    from .library import Library
    from .snapshot import Snapshot

FORMAT = 1
NAME = "glance.json"
SOURCES = ("catalog", "notes", "arxiv")
HOT_DIGESTS = 3  # the newest digests whose papers the glance holds in full


class IdOnlyEntries(LazyEntries):
    """A digest's entries known only by paper id (a digest the glance does not hold)."""

    __slots__ = ("_ids",)

    def __init__(self, ids: list[str]) -> None:
        super().__init__([], None)
        self._ids = tuple(ids)

    def _all(self) -> tuple[Entry, ...]:
        if self._built is None:
            self._built = tuple(Entry(arxiv_id) for arxiv_id in self._ids)
        return self._built

    def ids(self) -> tuple[str, ...]:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)


class GlancePapers(Mapping):
    """Every paper id of the library; the full record of the papers the glance holds,
    a record with no title for the others (until the whole library is read)."""

    def __init__(self, ids: dict[str, None], known: dict[str, PaperRecord]) -> None:
        self._ids = ids
        self._known = known
        self._stubs: dict[str, PaperRecord] = {}

    def __getitem__(self, arxiv_id: str) -> PaperRecord:
        found = self._known.get(arxiv_id) or self._stubs.get(arxiv_id)
        if found is None:
            if arxiv_id not in self._ids:
                raise KeyError(arxiv_id)
            found = self._stubs[arxiv_id] = PaperRecord(arxiv_id)
        return found

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def with_origin(self, origin: str) -> list[str]:
        """Ids of the papers with that origin (the glance holds every non-digest paper)."""
        return [i for i, paper in self._known.items() if paper.origin == origin]


def _listed(signature: tuple | None) -> list | None:
    return list(signature) if signature is not None else None


def sources(library: Library) -> dict[str, list | None]:
    """The glance's files as the library last read or wrote them (no disk access)."""
    storages = library.storages()
    return {name: _listed(storages[name].signature) for name in SOURCES}


def disk_sources(library: Library) -> dict[str, list | None]:
    """The glance's files as they are on disk now (three stats)."""
    storages = library.storages()
    return {name: _listed(storages[name].disk_signature()) for name in SOURCES}


def _newest_first(item: tuple[str, dict]) -> tuple:
    """As :meth:`Library.digests` orders them (reversed): undated ones sort last."""
    return (item[1].get("date") or "", item[1].get("imported_at", ""))


def build(library: Library) -> dict:
    """The glance of the library's files (read again only where they changed)."""
    catalog_digests = library.raw_rows("catalog", "digests")
    papers = library.raw_rows("catalog", "papers")
    notes = library.raw_rows("notes", "notes")
    arxiv = library.raw_rows("arxiv", "papers")
    signatures = sources(library)  # of what was just read
    ordered = sorted(catalog_digests.items(), key=_newest_first, reverse=True)
    hot: dict[str, None] = {}
    digests = []
    for index, (digest_id, doc) in enumerate(ordered):
        entries = doc.get("entries", [])
        item = {
            "id": digest_id,
            "date": doc.get("date"),
            "title": doc.get("title"),
            "name": doc.get("name"),  # (the digest's readable name: see DigestRecord.display_name)
            "source": doc.get("source", ""),
            "imported_at": doc.get("imported_at", ""),
        }
        if index < HOT_DIGESTS:
            item["entries"] = entries
            hot.update((entry["arxiv_id"], None) for entry in entries)
        else:
            item["ids"] = [entry["arxiv_id"] for entry in entries]
        digests.append(item)
    listed = {entry_id for doc in catalog_digests.values() for entry_id in
              (entry["arxiv_id"] for entry in doc.get("entries", []))}
    extra = [i for i in papers if i not in listed]
    hot.update((i, None) for i, doc in papers.items() if doc.get("origin", "digest") != "digest")
    hot.update((i, None) for i in extra)
    return {
        "format": FORMAT,
        "sources": signatures,
        "digests": digests,
        "extra": extra,
        "papers": {i: doc for i, doc in papers.items() if i in hot},  # in the catalogue's order
        "notes": {i: notes[i] for i in hot if i in notes},
        "arxiv": {i: arxiv[i] for i in hot if i in arxiv},
    }


def write(library: Library) -> bool:
    """Write the glance if the one on disk is missing or stale; True when written. Not
    durable (no fsync): a glance lost in a crash is made again."""
    path = library.data_dir / NAME
    stored = _stored_sources(path)
    if stored is not None and stored == sources(library):
        return False  # made from the files as this library last read them
    glance = build(library)
    if stored == glance["sources"]:
        return False  # already up to date
    # A lone surrogate (an undecodable byte of a digest's file name) becomes a \udcXX
    # escape, as in the library's own files.
    payload = json.dumps(glance, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")
    try:
        atomic_write(path, payload, durable=False)
    except OSError:
        return False  # a read-only library: the app starts the slow way
    return True


def _load(path) -> dict | None:
    try:
        glance = load_json(path.read_bytes())
    except (OSError, ValueError):  # (nested too deeply to parse is a ValueError too)
        return None
    return glance if isinstance(glance, dict) and glance.get("format") == FORMAT else None


def _stored_sources(path) -> dict | None:
    """The sources recorded in the glance at ``path`` (None when there is none)."""
    glance = _load(path)
    return glance.get("sources") if glance else None




def read(library: Library) -> Snapshot | None:
    """A partial snapshot for the first screen, or None when there is no glance or it
    no longer matches the files (then read the library the usual way).

    Reads ``state.json`` whole (read flags and tags are on the first screen); raises
    what reading it raises (``LibraryCorrupt``).
    """
    from .snapshot import Read, Snapshot

    glance = _load(library.data_dir / NAME)
    if glance is None:
        return None
    if glance.get("sources") != disk_sources(library):
        return None
    try:
        digests = []
        ids: dict[str, None] = {}
        for item in glance["digests"]:
            if "entries" in item:
                entries: LazyEntries = LazyEntries(item["entries"], None)
            else:
                entries = IdOnlyEntries(item["ids"])
            ids.update(dict.fromkeys(entries.ids()))
            date = item["date"]
            digests.append(DigestRecord(
                id=item["id"],
                date=dt.date.fromisoformat(date) if date else None,
                title=item["title"],
                source=item["source"],
                sha256="",
                imported_at=item["imported_at"],
                entries=entries,
                name=item.get("name"),
            ))
        ids.update(dict.fromkeys(glance["extra"]))
        known = {i: PaperRecord.from_doc(i, doc) for i, doc in glance["papers"].items()}
        notes = {i: doc.get("text", "") for i, doc in glance["notes"].items() if doc.get("text")}
        metadata = dict(glance["arxiv"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not a glance this version wrote: read the library instead
    return Snapshot(
        digests=tuple(digests),
        papers=GlancePapers(ids, known),
        states=library.states(),
        notes=notes,
        metadata=metadata,
        read=Read.GLANCE,
    )
