"""A read-only view of the whole library at one moment, with the indexes views need.

The UI, ``reader list``, ``reader show`` and export all read from a :class:`Snapshot`
rather than from the files: it is built once (in a worker, for the UI) and then answers
every question from memory. Derived indexes are computed on first use.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from .models import Entry
from .records import GUESSED_TITLES, UNTOUCHED, DigestRecord, LazyEntries, PaperRecord, PaperState
from .saved_views import SavedView, saved_views
from .state_indexes import ChangedStates, StateIndexes, changed_ids

__all__ = ["Appearance", "Appearances", "ChangedStates", "Mentions", "Read", "Snapshot", "SnapshotIndexes",
           "StateIndexes", "changed_ids"]

if TYPE_CHECKING:
    from .library import Library
    from .storage import Version

# The library files each part of a snapshot is read from (see Snapshot.versions).
_FILES_OF = {"digests": ("catalog", "commentary"), "papers": ("catalog",), "metadata": ("arxiv",),
             "states": ("state",), "notes": ("notes",)}


class Appearance(Struct, frozen=True):
    """A paper as one digest lists it."""

    digest: DigestRecord
    entry: Entry


class Appearances(Mapping[str, Any]):
    """Paper id -> every digest entry for it, newest digest first.

    Built a paper at a time, on first ask: the index of which digests list which ids
    comes from the digests' id lists (cheap), and only those digests make their
    ``Entry`` objects (building all 10,000 of a big library costs ~100 ms).
    """

    def __init__(self, digests: tuple[DigestRecord, ...]) -> None:
        self._digests = digests
        # paper id -> its digest, or a tuple of them (most papers are in one: no list each)
        self._where: dict[str, DigestRecord | tuple[DigestRecord, ...]] | None = None
        self._found: dict[str, list[Appearance]] = {}

    def _index(self) -> dict[str, DigestRecord | tuple[DigestRecord, ...]]:
        where = self._where
        if where is None:
            where = {}
            for digest in self._digests:
                for arxiv_id in dict.fromkeys(digest.paper_ids):
                    found = where.get(arxiv_id)
                    if found is None:
                        where[arxiv_id] = digest
                    else:
                        where[arxiv_id] = (*found, digest) if isinstance(found, tuple) else (found, digest)
            self._where = where
        return where

    def __getitem__(self, arxiv_id: str) -> list[Appearance]:
        found = self._found.get(arxiv_id)
        if found is None:
            listed = self._index()[arxiv_id]  # KeyError for a paper no digest lists
            digests = listed if isinstance(listed, tuple) else (listed,)
            found = [Appearance(d, e) for d in digests for e in _entries_of(d, arxiv_id)]
            self._found[arxiv_id] = found
        return found

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())


def _entries_of(digest: DigestRecord, arxiv_id: str) -> list[Entry]:
    """A digest's entries for one paper, made without making the others."""
    entries = digest.entries
    if isinstance(entries, LazyEntries):
        return entries.of(arxiv_id)
    return [e for e in entries if e.arxiv_id == arxiv_id]


class SnapshotIndexes:
    """The indexes that depend only on a snapshot's digests, each built on first use.

    Made once per ``digests`` tuple and carried by identity from snapshot to snapshot
    (:meth:`Snapshot.with_changes` keeps it while the digests are the same object): a
    toggle, a note or a fetch never rebuilds them. Thread-safe to read while one thread
    builds them: each index is assigned whole.
    """

    def __init__(self, digests: tuple[DigestRecord, ...]) -> None:
        self.digests = digests
        self._digest_by_id: dict[str, DigestRecord] | None = None
        self._appearances: Appearances | None = None
        self._mentions: Mentions | None = None

    @property
    def digest_by_id(self) -> dict[str, DigestRecord]:
        found = self._digest_by_id
        if found is None:
            found = self._digest_by_id = {digest.id: digest for digest in self.digests}
        return found

    @property
    def appearances(self) -> Appearances:
        found = self._appearances
        if found is None:
            found = self._appearances = Appearances(self.digests)
        return found

    @property
    def mentions(self) -> Mentions:
        found = self._mentions
        if found is None:
            found = self._mentions = Mentions.build(self.digests)
        return found

    @property
    def mentions_known(self) -> bool:
        """Is the mention index built (asking for it would cost nothing)?"""
        return self._mentions is not None

    def warm(self, *, mentions: bool = False) -> None:
        """Build the indexes now (off the UI thread): the sidebar's first, then the index
        of which digest lists which paper (~3 ms at 10,000 papers); with ``mentions``, the
        mention index too (~0.1 s)."""
        self.digest_by_id  # noqa: B018 - built on first use
        len(self.appearances)
        if mentions:
            self.mentions  # noqa: B018 - built on first use

    def key(self) -> tuple[tuple[str, str, str], ...]:
        """What the digests are, as stored: equal keys, equal indexes."""
        return tuple((d.id, d.sha256, d.imported_at) for d in self.digests)

    def adopt_mentions(self, other: SnapshotIndexes) -> None:
        """Take ``other``'s mention index when both hold the same digests (a reload after an
        undo, a fetch, a queued paper…: ~30 ms saved at 10,000 papers)."""
        if other is self or other._mentions is None or self._mentions is not None:
            return
        if self.key() == other.key():
            self._mentions = other._mentions


class Mentions(Struct, frozen=True):
    """Which papers the digests' commentary references."""

    in_papers: dict[str, list[str]]  # paper id -> ids of the papers whose commentary references it
    by_digests: dict[str, list[str]]  # paper id -> ids of digests that mention it (entry or preface)

    @classmethod
    def build(cls, digests: tuple[DigestRecord, ...]) -> Mentions:
        in_papers: dict[str, dict[str, None]] = {}
        by_digests: dict[str, dict[str, None]] = {}
        for digest in digests:
            refs = [*digest.references]
            for arxiv_id, references in digest.entry_references():  # (no entries made)
                refs.extend(references)
                for ref in references:
                    in_papers.setdefault(ref, {})[arxiv_id] = None
            for ref in refs:
                by_digests.setdefault(ref, {})[digest.id] = None
        return cls(_lists(in_papers), _lists(by_digests))


def _lists(found: dict[str, dict[str, None]]) -> dict[str, list[str]]:
    """Each set as a list, the sets let go one by one (freed all at once, 100,000 of them
    hold the interpreter for ~30 ms: the app's keys would wait)."""
    out: dict[str, list[str]] = {}
    for ref in list(found):
        out[ref] = list(found.pop(ref))
    return out


class Read(enum.Enum):
    """How much of the library a snapshot holds."""

    GLANCE = "glance"  # the first screen's: every id, but full records only for some (core/glance.py)
    LISTS = "lists"  # every record, but no commentary (read without commentary.json)
    ALL = "all"  # everything


@dataclass(frozen=True)
class Snapshot:
    digests: tuple[DigestRecord, ...]  # newest first
    papers: dict[str, PaperRecord]
    states: dict[str, PaperState]
    notes: dict[str, str]
    metadata: dict[str, dict[str, Any]]
    read: Read = Read.ALL  # how much of the library it holds (the app's first loads hold less)
    # The papers with a note, when ``notes`` is not read yet (a glance: see has_note).
    noted: frozenset[str] | None = None
    # The saved views (core/saved_views.py), by name.
    saved_views: tuple[SavedView, ...] = ()
    # Carried from snapshot to snapshot while ``digests`` / ``states`` are the same objects
    # (made in __post_init__ otherwise).
    indexes: SnapshotIndexes = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    state_indexes: StateIndexes = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    # Which write of each library file the parts were read from (``_meta``'s change counter
    # and mark): derived data saved from a snapshot is keyed by them (core/saved_index.py).
    # A part replaced by ``with_changes`` loses its files' entries.
    versions: Mapping[str, Version | None] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # (frozen: the two index holders are set here, as a constructor would)
        if self.indexes is None or self.indexes.digests is not self.digests:
            object.__setattr__(self, "indexes", SnapshotIndexes(self.digests))
        if self.state_indexes is None or self.state_indexes.states is not self.states:
            # (changed states: derived from the indexes of their base, when those are at hand)
            previous = self.state_indexes
            base = previous if previous is None or previous.base is None else previous.base
            object.__setattr__(self, "state_indexes", StateIndexes(self.states, base))

    @property
    def complete(self) -> bool:
        """Everything: what export, search and the detail pane need."""
        return self.read is Read.ALL

    @property
    def partial(self) -> bool:
        """Drawn from the glance: paper records, notes and arXiv records only for some."""
        return self.read is Read.GLANCE

    @classmethod
    def load(cls, library: Library, *, commentary: bool = True) -> Snapshot:
        """Everything in the library; ``commentary=False`` skips the commentary file,
        for drawing the lists sooner (load again with it afterwards).

        Each file is read once (a consistent view of it), and the library acknowledges
        the versions it was built from: ``library.changed_on_disk()`` then reports only
        changes this snapshot does not hold."""
        with library.pinned():
            # The catalogue as compact records (read a document at a time; kept by the
            # library while the file is unchanged); the commentary read when shown.
            snapshot = cls(
                read=Read.ALL if commentary else Read.LISTS,
                digests=tuple(library.digests(commentary=commentary)),
                papers=library.papers(),
                states=library.states(),
                notes=library.notes(),
                metadata=library.metadata(),
                saved_views=saved_views(library),
            )
            versions = library.versions()
            # The catalogue's records are kept by the store while the file is unchanged:
            # theirs is the write they were read from (the storage's may have been forgotten
            # since, by a change that was given up), if they are the ones read above (the
            # file may have changed in between: then which write is not known).
            found = library.catalog()
            same = found.papers is snapshot.papers and len(found.digests) == len(snapshot.digests) and all(
                map(operator.is_, found.digests, snapshot.digests))
            read_from = {**versions, "catalog": found.version} if same else {
                name: version for name, version in versions.items() if name != "catalog"}
        if not commentary:
            versions.pop("commentary")
            read_from.pop("commentary")
        versions.pop("history")  # not shown; steps are read when undoing
        read_from.pop("history")
        library.acknowledge(versions)
        # (frozen: set as a constructor would)
        object.__setattr__(snapshot, "versions", read_from)
        return snapshot

    @classmethod
    def empty(cls) -> Snapshot:
        return cls((), {}, {}, {}, {})

    def with_changes(self, **changes: object) -> Snapshot:
        """A copy with some fields replaced. The digest-only indexes already built are
        kept while the digests are unchanged (a toggle must not rebuild them). The
        versions of the files a replaced part was read from are dropped, unless given."""
        if "versions" not in changes:
            stale = {name for part in changes for name in _FILES_OF.get(part, ())}
            if stale:
                changes["versions"] = {k: v for k, v in self.versions.items() if k not in stale}
        return replace(self, **changes)  # type: ignore[arg-type]

    def with_states(self, new: Mapping[str, PaperState]) -> Snapshot:
        """A copy with the states of the papers in ``new`` replaced: made, and answered from,
        in proportion to the papers changed (see :class:`ChangedStates`)."""
        return self.with_changes(states=ChangedStates(self.states, new)) if new else self

    def with_digests_from(self, other: Snapshot) -> Snapshot:
        """A copy with ``other``'s digests (and ``read``) and the indexes ``other`` has
        built: how the full digests, read in the background, join the snapshot the UI
        has been changing meanwhile."""
        versions = {k: v for k, v in self.versions.items() if k not in ("catalog", "commentary", "arxiv")}
        if other.papers is self.papers and other.metadata is self.metadata:  # (the same reads)
            versions.update((k, v) for k, v in other.versions.items() if k in ("catalog", "commentary", "arxiv"))
        return replace(self, digests=other.digests, read=other.read, indexes=other.indexes, versions=versions)

    # --- indexes ----------------------------------------------------------
    @property
    def digest_by_id(self) -> dict[str, DigestRecord]:
        return self.indexes.digest_by_id

    @property
    def appearances(self) -> Appearances:
        """Paper id -> every digest entry for it, newest digest first (a read-only
        mapping, filled in as papers are asked for)."""
        return self.indexes.appearances

    @property
    def mentioned_in(self) -> dict[str, list[str]]:
        """Paper id -> ids of the papers whose commentary references it, in order."""
        return self.indexes.mentions.in_papers

    @property
    def mentioned_by_digests(self) -> dict[str, list[str]]:
        """Paper id -> ids of digests that mention it (in an entry or the preface)."""
        return self.indexes.mentions.by_digests

    @property
    def tag_counts(self) -> Counter[str]:
        """How many of the library's papers have each tag (the state of a removed digest's
        papers is kept for a re-import, but they are not counted: core/digest_removal.py)."""
        return self.state_indexes.counts_within(self.papers)

    def queued_ids(self) -> list[str]:
        """Papers added because a commentary mentioned them, in the order they were added."""
        with_origin = getattr(self.papers, "with_origin", None)  # a glance knows them all
        if with_origin is not None:
            return with_origin("commentary")
        return [arxiv_id for arxiv_id, paper in self.papers.items() if paper.origin == "commentary"]

    def top_tags(self, limit: int = 9) -> list[str]:
        """The most used tags, most used first, ties by name."""
        ranked = sorted(self.tag_counts.items(), key=lambda item: (-item[1], item[0]))
        return [tag for tag, count in ranked[:limit] if count > 0]

    # --- per-paper answers ------------------------------------------------
    def state(self, arxiv_id: str) -> PaperState:
        return self.states.get(arxiv_id, UNTOUCHED)

    def note(self, arxiv_id: str) -> str:
        return self.notes.get(arxiv_id, "")

    def has_note(self, arxiv_id: str) -> bool:
        """Is there a note on the paper (known before the notes are read: a glance)?"""
        return bool(self.notes.get(arxiv_id)) or (self.noted is not None and arxiv_id in self.noted)

    def read_count(self) -> int:
        """How many of the library's papers are read."""
        return self.state_indexes.read_within(self.papers)

    def read_among(self, ids: Iterable[str]) -> int:
        """How many of ``ids`` are read (in C: a view of 100,000 papers in a few ms)."""
        return sum(map(self.state_indexes.read_ids.__contains__, ids))

    def arxiv(self, arxiv_id: str) -> dict[str, Any] | None:
        """The fetched arXiv metadata, when the fetch succeeded."""
        record = self.metadata.get(arxiv_id)
        if record and record.get("status") == "ok":
            return record.get("metadata")
        return None

    def fetch_status(self, arxiv_id: str) -> str:
        record = self.metadata.get(arxiv_id)
        return record.get("status", "error") if record else "not_fetched"

    def title(self, arxiv_id: str) -> str | None:
        """The title a digest gave, else arXiv's, else None. A title the digest only hinted at
        (a link's text, a note's file name) gives way to arXiv's once it is fetched."""
        return self._title(arxiv_id)[0]

    def title_source(self, arxiv_id: str) -> str | None:
        """Where ``title`` comes from: ``digest`` or ``arxiv`` (None: no title)."""
        return self._title(arxiv_id)[1]

    def title_guessed(self, arxiv_id: str) -> bool:
        """Is ``title`` only guessed (from a link's text, a heading or a file name)? arXiv's
        title replaces it once fetched."""
        return self._title(arxiv_id)[2]

    def _title(self, arxiv_id: str) -> tuple[str | None, str | None, bool]:
        paper = self.papers.get(arxiv_id)
        guessed = None
        if paper and paper.title:
            if not paper.title_guessed:
                return paper.title, "digest", False
            guessed = paper.title
        for appearance in self.appearances.get(arxiv_id, ()) if guessed is None else ():
            if appearance.entry.title:
                if appearance.entry.title_source not in GUESSED_TITLES:
                    return appearance.entry.title, "digest", False
                guessed = guessed or appearance.entry.title
        meta = self.arxiv(arxiv_id)
        if meta and meta.get("title"):
            return meta["title"], "arxiv", False
        return (guessed, "digest", True) if guessed else (None, None, False)

    def authors(self, arxiv_id: str) -> tuple[str, ...]:
        paper = self.papers.get(arxiv_id)
        if paper and paper.authors:
            return paper.authors
        meta = self.arxiv(arxiv_id)
        return tuple(meta.get("authors") or ()) if meta else ()

    def digest_dates(self, arxiv_id: str) -> list[str]:
        """The dates of the digests that list the paper; a digest's name when it has no date."""
        return [
            a.digest.date.isoformat() if a.digest.date else a.digest.display_name
            for a in self.appearances.get(arxiv_id, ())
        ]

    def progress(self, digest: DigestRecord) -> tuple[int, int]:
        """(read, total) papers of a digest."""
        ids = digest.paper_ids
        return self.read_among(ids), len(ids)

    # --- selections -------------------------------------------------------
    def all_ids(self) -> list[str]:
        """Every paper: by digest, newest digest first, then papers no digest lists. (In C:
        the All view restored at startup, 100,000 papers, in ~15 ms rather than ~55.)"""
        papers = self.papers
        if self.read is Read.GLANCE and getattr(papers, "IN_LIBRARY_ORDER", False):
            return list(papers)  # (the glance's own digests: its papers are kept in their order)
        ordered = dict.fromkeys(chain.from_iterable(digest.paper_ids for digest in self.digests))
        ordered.update(dict.fromkeys(papers))  # (the others after, in their order; the rest stay put)
        return list(ordered)

    def select(
        self,
        *,
        digest_ids: list[str] | None = None,
        week: str | None = None,
        tag: str | None = None,
        read: bool | None = None,
    ) -> list[str]:
        """Paper ids matching every given condition, in library order."""
        if digest_ids is not None or week is not None:
            ordered: dict[str, None] = {}
            for digest in self.digests:
                if digest_ids is not None and digest.id not in digest_ids:
                    continue
                if week is not None and digest.week != week:
                    continue
                ordered.update(dict.fromkeys(digest.paper_ids))
            ids = list(ordered)
        else:
            ids = self.all_ids()
        if tag is not None:
            ids = [i for i in ids if tag in self.state(i).tags]
        if read is not None:
            ids = [i for i in ids if self.state(i).read == read]
        return ids

    def digests_on(self, date: dt.date) -> list[DigestRecord]:
        return [digest for digest in self.digests if digest.date == date]
