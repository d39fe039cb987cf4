"""A read-only view of the whole library at one moment, with the indexes views need.

The UI, ``reader list``, ``reader show`` and export all read from a :class:`Snapshot`
rather than from the files: it is built once (in a worker, for the UI) and then answers
every question from memory. Derived indexes are computed on first use.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from .library import GUESSED_TITLES, UNTOUCHED, DigestRecord, PaperRecord, PaperState
from .models import Entry

if TYPE_CHECKING:
    from .library import Library


@dataclass(frozen=True, slots=True)
class Appearance:
    """A paper as one digest lists it."""

    digest: DigestRecord
    entry: Entry


class Appearances(Mapping):
    """Paper id -> every digest entry for it, newest digest first.

    Built a paper at a time, on first ask: the index of which digests list which ids
    comes from the digests' id lists (cheap), and only those digests make their
    ``Entry`` objects (building all 10,000 of a big library costs ~100 ms).
    """

    def __init__(self, digests: tuple[DigestRecord, ...]) -> None:
        self._digests = digests
        self._where: dict[str, list[DigestRecord]] | None = None
        self._found: dict[str, list[Appearance]] = {}

    def _index(self) -> dict[str, list[DigestRecord]]:
        where = self._where
        if where is None:
            where = {}
            for digest in self._digests:
                for arxiv_id in dict.fromkeys(digest.paper_ids):
                    where.setdefault(arxiv_id, []).append(digest)
            self._where = where
        return where

    def __getitem__(self, arxiv_id: str) -> list[Appearance]:
        found = self._found.get(arxiv_id)
        if found is None:
            digests = self._index()[arxiv_id]  # KeyError for a paper no digest lists
            found = [Appearance(d, e) for d in digests for e in d.entries if e.arxiv_id == arxiv_id]
            self._found[arxiv_id] = found
        return found

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())


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
    metadata: dict[str, dict]
    read: Read = Read.ALL  # how much of the library it holds (the app's first loads hold less)

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
            snapshot = cls(
                read=Read.ALL if commentary else Read.LISTS,
                digests=tuple(library.digests(commentary=commentary)),
                papers=library.papers(),
                states=library.states(),
                notes=library.notes(),
                metadata=library.metadata(),
            )
            versions = library.versions()
        if not commentary:
            versions.pop("commentary")
        versions.pop("history")  # not shown; steps are read when undoing
        library.acknowledge(versions)
        return snapshot

    @classmethod
    def empty(cls) -> Snapshot:
        return cls((), {}, {}, {}, {})

    # Indexes that depend only on the digests, not on states, notes or metadata.
    DIGEST_INDEXES = ("digest_by_id", "appearances", "mentioned_in", "mentioned_by_digests")

    def with_changes(self, **changes) -> Snapshot:
        """A copy with some fields replaced, keeping the digest-only indexes already
        computed when the digests are unchanged (a toggle must not rebuild them)."""
        new = replace(self, **changes)
        if "digests" not in changes:
            for name in self.DIGEST_INDEXES:
                if name in self.__dict__:
                    new.__dict__[name] = self.__dict__[name]
        return new

    def with_digests_from(self, other: Snapshot) -> Snapshot:
        """A copy with ``other``'s digests (and ``read``), keeping the digest-only
        indexes ``other`` has computed: how the full digests, read in the background,
        join the snapshot the UI has been changing meanwhile."""
        new = replace(self, digests=other.digests, read=other.read)
        for name in self.DIGEST_INDEXES:
            if name in other.__dict__:
                new.__dict__[name] = other.__dict__[name]
        if "tag_counts" in self.__dict__:  # the states are the same
            new.__dict__["tag_counts"] = self.__dict__["tag_counts"]
        return new

    # --- indexes ----------------------------------------------------------
    @cached_property
    def digest_by_id(self) -> dict[str, DigestRecord]:
        return {digest.id: digest for digest in self.digests}

    @cached_property
    def appearances(self) -> Appearances:
        """Paper id -> every digest entry for it, newest digest first (a read-only
        mapping, filled in as papers are asked for)."""
        return Appearances(self.digests)

    @cached_property
    def mentioned_in(self) -> dict[str, list[str]]:
        """Paper id -> ids of the papers whose commentary references it, in order."""
        found: dict[str, dict[str, None]] = {}
        for digest in self.digests:
            for entry in digest.entries:
                for ref in entry.references:
                    found.setdefault(ref, {})[entry.arxiv_id] = None
        return {ref: list(ids) for ref, ids in found.items()}

    @cached_property
    def mentioned_by_digests(self) -> dict[str, list[str]]:
        """Paper id -> ids of digests that mention it (in an entry or the preface)."""
        found: dict[str, dict[str, None]] = {}
        for digest in self.digests:
            refs = [*digest.references]
            for entry in digest.entries:
                refs.extend(entry.references)
            for ref in refs:
                found.setdefault(ref, {})[digest.id] = None
        return {ref: list(ids) for ref, ids in found.items()}

    @cached_property
    def tag_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for state in self.states.values():
            counts.update(state.tags)
        return counts

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

    def arxiv(self, arxiv_id: str) -> dict | None:
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

    def _title(self, arxiv_id: str) -> tuple[str | None, str | None]:
        paper = self.papers.get(arxiv_id)
        guessed = None
        if paper and paper.title:
            if not paper.title_guessed:
                return paper.title, "digest"
            guessed = paper.title
        for appearance in self.appearances.get(arxiv_id, ()) if guessed is None else ():
            if appearance.entry.title:
                if appearance.entry.title_source not in GUESSED_TITLES:
                    return appearance.entry.title, "digest"
                guessed = guessed or appearance.entry.title
        meta = self.arxiv(arxiv_id)
        if meta and meta.get("title"):
            return meta["title"], "arxiv"
        return (guessed, "digest") if guessed else (None, None)

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
        return sum(self.state(arxiv_id).read for arxiv_id in ids), len(ids)

    # --- selections -------------------------------------------------------
    def all_ids(self) -> list[str]:
        """Every paper: by digest, newest digest first, then papers no digest lists."""
        ordered: dict[str, None] = {}
        for digest in self.digests:
            for entry in digest.entries:
                ordered[entry.arxiv_id] = None
        for arxiv_id in self.papers:
            ordered.setdefault(arxiv_id, None)
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
                for entry in digest.entries:
                    ordered[entry.arxiv_id] = None
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
