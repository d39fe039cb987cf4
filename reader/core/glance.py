"""A glance at the library: what the app's first screen needs, in one small file.

Reading the catalogue of 100,000 papers takes about a second. ``glance.json`` holds the
digest list, each digest's paper ids as one string (a thousand strings parse in about a
millisecond, where a hundred thousand would take twenty), the records of the newest few
digests' papers with their arXiv records, and the papers no digest lists. The first
screen is drawn from it, ``state.json`` (read flags and tags: sets of ids) and the note
index in ``notes.json``, a few milliseconds at 100,000 papers, while the app reads
everything else. The command line checks ids against it (:func:`known_ids`) instead of
reading the catalogue.

It is derived data, trusted only while ``catalog.json`` and ``arxiv.json`` hold the very
writes it was made from: each file's write counter and random mark (``_meta``, read from
the file's last kilobytes) and its size. A copy of the library keeps it; a toggle or a
note never makes it stale. ``reader import``, ``fetch`` and the app write it after changing those
files; deleting it loses nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fs import atomic_write
from .records import DigestRecord, Interner, Item, LazyEntries, PaperRecord, item_from_json, item_json, item_of
from .snapshot import Read, Snapshot
from .storage import Version, load_json, tail_version

if TYPE_CHECKING:
    from .snapshot import Snapshot
    from .store import Store

FORMAT = 2
NAME = "glance.json"
SOURCES = ("catalog", "arxiv")
HOT_DIGESTS = 3  # the newest digests whose papers the glance holds in full


class IdEntries(LazyEntries):
    """A digest's entries known only by paper id (a digest the glance does not hold)."""

    __slots__ = ("_joined",)

    def __init__(self, joined: str) -> None:  # (a thousand at 100,000 papers: kept to the slots)
        self._items = None
        self._texts = None
        self._ids = None
        self._joined = joined

    @property
    def items(self) -> tuple[Item, ...]:
        if self._items is None:
            self._items = tuple((i, None, None, None, (), (), (), 0) for i in self.ids())
        return self._items

    def ids(self) -> tuple[str, ...]:
        if self._ids is None:
            self._ids = tuple(self._joined.split())
        return self._ids

    def __len__(self) -> int:
        return len(self.ids())


class GlancePapers(Mapping[str, PaperRecord]):
    """Every paper of the library; the full record of the papers the glance holds, a record
    with no title for the others (until the whole library is read). Its set of ids is made
    when first needed (~10 ms at 100,000 papers): counting them is free. It iterates in the
    library's order (the digests' papers, newest digest first, then the others): the All
    view's (Snapshot.all_ids)."""

    IN_LIBRARY_ORDER = True

    def __init__(self, count: int, joined: Iterable[str], known: dict[str, PaperRecord]) -> None:
        self._count = count
        self._joined = list(joined)
        self._known = known
        self._ids: dict[str, None] | None = None
        self._stubs: dict[str, PaperRecord] = {}

    def _all(self) -> dict[str, None]:
        if self._ids is None:
            self._ids = dict.fromkeys(" ".join(self._joined).split())
        return self._ids

    def __getitem__(self, arxiv_id: str) -> PaperRecord:
        found = self._known.get(arxiv_id) or self._stubs.get(arxiv_id)
        if found is None:
            if arxiv_id not in self._all():
                raise KeyError(arxiv_id)
            found = self._stubs[arxiv_id] = PaperRecord(arxiv_id)
        return found

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self._known or arxiv_id in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return self._count

    def with_origin(self, origin: str) -> list[str]:
        """Ids of the papers with that origin (the glance holds every non-digest paper)."""
        return [i for i, paper in self._known.items() if paper.origin == origin]


class KnownIds:
    """Every paper id of the library, as the glance lists them: asked one id at a time
    (a search of the joined ids: no set of 100,000 strings is made)."""

    def __init__(self, joined: Iterable[str]) -> None:
        self._text = " " + " ".join(joined) + " "

    def __contains__(self, arxiv_id: object) -> bool:
        return isinstance(arxiv_id, str) and bool(arxiv_id) and " " not in arxiv_id and f" {arxiv_id} " in self._text


def _listed(version: Version | None, signature: tuple[Any, ...] | None) -> list[Any] | None:
    """``[change, mark, size]`` of a file read or written (None: no file)."""
    if signature is None:
        return None
    change, mark = version or (0, "")
    return [change, mark, signature[2]]


def sources(library: Store) -> dict[str, list[Any] | None]:
    """The glance's files as the library last read or wrote them (no disk access)."""
    return {name: _listed(library.storage(name).version, library.storage(name).signature) for name in SOURCES}


def disk_sources(library: Store) -> dict[str, list[Any] | None]:
    """The glance's files as they are on disk now (the end of each is read)."""
    found = {name: tail_version(library.storage(name).path) for name in SOURCES}
    return {name: list(version) if version is not None else None for name, version in found.items()}


def _items(digest: DigestRecord) -> tuple[Item, ...]:
    entries = digest.entries
    return entries.items if isinstance(entries, LazyEntries) else tuple(item_of(e) for e in entries)


def build(library: Store) -> dict[str, Any]:
    """The glance of the library's files (read again only where they changed)."""
    catalog = library.catalog()
    arxiv = library.raw_rows("arxiv", "papers")
    storage = library.storage("arxiv")
    found = {"catalog": _listed(catalog.version, catalog.signature), "arxiv": _listed(storage.version, storage.signature)}
    hot: dict[str, None] = {}
    listed: set[str] = set()
    digests = []
    for index, digest in enumerate(catalog.digests):
        ids = digest.paper_ids
        listed.update(ids)
        item: dict[str, Any] = {
            "id": digest.id,
            "date": digest.date.isoformat() if digest.date else None,
            "title": digest.title,
            "name": digest.name,  # (the digest's readable name: see DigestRecord.display_name)
            "source": digest.source,
            "imported_at": digest.imported_at,
            "ids": " ".join(ids),
        }
        if index < HOT_DIGESTS:
            item["entries"] = [item_json(entry) for entry in _items(digest)]
            hot.update(dict.fromkeys(ids))
        digests.append(item)
    extra = [i for i in catalog.papers if i not in listed]
    hot.update((i, None) for i, paper in catalog.papers.items() if paper.origin != "digest")
    hot.update(dict.fromkeys(extra))
    return {
        "format": FORMAT,
        "sources": found,
        "papers": len(catalog.papers),
        "digests": digests,
        "extra": " ".join(extra),
        "records": {i: catalog.papers[i].to_doc() for i in hot if i in catalog.papers},
        "arxiv": {i: arxiv[i] for i in hot if i in arxiv},
    }


def write(library: Store) -> bool:
    """Write the glance if the one on disk is missing or stale; True when written. Not
    durable (no fsync): a glance lost in a crash is made again."""
    path = library.data_dir / NAME
    stored = _stored_sources(path)
    if stored is not None and stored == disk_sources(library):
        return False  # made from the files as they are
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


def _load(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:  # (msgspec first: 1.4 MB at 100,000 papers in ~2 ms; json what it refuses, as a
        # file name's lone surrogate, written as \udcXX)
        glance = load_json(raw)
    except ValueError:  # (nested too deeply to parse is a ValueError too)
        return None
    return glance if isinstance(glance, dict) and glance.get("format") == FORMAT else None


def _stored_sources(path: Path) -> dict[str, Any] | None:
    """The sources recorded in the glance at ``path`` (None when there is none)."""
    glance = _load(path)
    return glance.get("sources") if glance else None


def _current(library: Store) -> dict[str, Any] | None:
    """The glance, when there is one made from the files as they are now."""
    glance = _load(library.data_dir / NAME)
    if glance is None:
        return None
    found = disk_sources(library)
    if glance.get("sources") != found or any(v is not None and not v[1] for v in found.values()):
        return None  # (a file whose end does not say which write it is: never trusted)
    return glance


def known_ids(library: Store) -> KnownIds | None:
    """Every paper id of the library, from the glance (None: no glance matches the files)."""
    glance = _current(library)
    if glance is None:
        return None
    try:
        return KnownIds([*(str(item["ids"]) for item in glance["digests"]), str(glance["extra"])])
    except (KeyError, TypeError):
        return None


def read(library: Store) -> Snapshot | None:
    """A partial snapshot for the first screen, or None when there is no glance or it
    no longer matches the files (then read the library the usual way).

    Reads ``state.json`` and the note index too (read flags, tags and note marks are on
    the first screen); raises what reading them raises (``LibraryCorrupt``).
    """

    glance = _current(library)
    if glance is None:
        return None
    try:
        intern = Interner()
        digests = []
        for item in glance["digests"]:
            if "entries" in item:
                entries: LazyEntries = LazyEntries([item_from_json(e, intern) for e in item["entries"]])
            else:
                entries = IdEntries(str(item["ids"]))
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
        known = {i: PaperRecord.from_doc(i, doc, intern) for i, doc in glance["records"].items()}
        joined = [str(item["ids"]) for item in glance["digests"]] + [str(glance["extra"])]
        papers = GlancePapers(int(glance["papers"]), joined, known)
        metadata = dict(glance["arxiv"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not a glance this version wrote: read the library instead
    return Snapshot(
        digests=tuple(digests),
        papers=papers,  # type: ignore[arg-type]  # (a read-only mapping)
        states=library.state_file(),  # type: ignore[arg-type]  # (a read-only mapping)
        notes={},
        noted=frozenset(library.noted_ids()),
        metadata=metadata,
        read=Read.GLANCE,
    )
