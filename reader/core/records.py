"""The records the library keeps: digests, papers, the reader's state of a paper, and
what an import or a note save did. Plain data with their JSON form; no file access."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import Entry, ParseWarning, iso_week
from .text import one_line


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def normalize_tag(raw: str) -> str:
    """A tag as stored: no leading '#', no control characters, spaces become '-'.

    Raises ValueError for a tag with nothing in it.
    """
    cleaned = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    cleaned = "-".join(cleaned.split()).lstrip("#")
    if not cleaned:
        raise ValueError(f"empty tag {raw!r}")
    return cleaned


class LazyEntries(Sequence):
    """A digest's entries, made into :class:`Entry` objects only when first used.

    Loading a library of 10,000 papers makes 10,000 entries; the lists on screen need
    a few dozen of them, so the rest wait until a view asks for them.
    """

    __slots__ = ("_raw", "_commentary", "_built")

    def __init__(self, raw: list[dict], commentary: dict | None) -> None:
        self._raw = raw
        self._commentary = commentary or {}
        self._built: tuple[Entry, ...] | None = None

    def _all(self) -> tuple[Entry, ...]:
        if self._built is None:
            texts = self._commentary
            self._built = tuple(
                Entry.from_json(item, texts.get(item["arxiv_id"], "")) for item in self._raw
            )
        return self._built

    def ids(self) -> tuple[str, ...]:
        return tuple(item["arxiv_id"] for item in self._raw)

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """One imported digest: a week's post."""

    id: str
    date: dt.date | None
    title: str | None
    source: str
    sha256: str
    imported_at: str
    entries: Sequence[Entry] = ()
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
    name: str | None = None  # its heading, else its file's stem (see ``display_name``)
    section: str = ""  # which of its file's sections it is ("" for a file of one digest)

    @property
    def week(self) -> str | None:
        return iso_week(self.date) if self.date else None

    @property
    def display_name(self) -> str:
        """A readable name: the digest's heading, else its file's stem (with its folder when the
        stem says nothing, as ``2026-W06/README``). One line, safe to show."""
        name = self.name or self.title
        if not name:
            path = Path(self.source)
            stem = path.stem or path.name
            generic = stem.lower() in ("readme", "index", "notes", "digest", "week", "weekly")
            name = f"{path.parent.name}/{stem}" if generic and path.parent.name else stem
        # Shown on screen: no escape sequences, no undecodable bytes of a file name.
        return one_line(name.encode("utf-8", "replace").decode("utf-8")) or self.id

    @property
    def label(self) -> str:
        """``2020-07-12 · 2020-W28``, or the digest's name when it has no date."""
        if self.date:
            return f"{self.date.isoformat()} · {self.week}"
        return self.display_name

    @property
    def paper_ids(self) -> tuple[str, ...]:
        if isinstance(self.entries, LazyEntries):
            return self.entries.ids()
        return tuple(entry.arxiv_id for entry in self.entries)

    def to_doc(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "source": self.source,
            "sha256": self.sha256,
            "imported_at": self.imported_at,
            "entries": [
                {key: value for key, value in entry.to_json().items() if key not in ("commentary", "note")}
                | {"line": entry.line}
                for entry in self.entries
            ],
            "references": list(self.references),
            "tags": list(self.tags),
            "warnings": [warning.to_json() for warning in self.warnings],
            "name": self.name,
            "section": self.section,
        }

    def commentary_doc(self) -> dict:
        """What ``commentary.json`` keeps for this digest: paper id -> commentary."""
        return {entry.arxiv_id: entry.commentary for entry in self.entries if entry.commentary}

    @classmethod
    def from_doc(cls, doc_id: str, doc: dict, commentary: dict | None = None) -> DigestRecord:
        """A record from its catalog document and (when loaded) its commentary document."""
        date = doc.get("date")
        return cls(
            id=doc_id,
            date=dt.date.fromisoformat(date) if date else None,
            title=doc.get("title"),
            source=doc.get("source", ""),
            sha256=doc.get("sha256", ""),
            imported_at=doc.get("imported_at", ""),
            entries=LazyEntries(doc.get("entries", []), commentary),
            references=tuple(doc.get("references", ())),
            tags=tuple(doc.get("tags", ())),
            warnings=tuple(
                ParseWarning(int(w.get("line", 0)), str(w.get("message", "")))
                for w in doc.get("warnings", ())
            ),
            name=doc.get("name"),
            section=doc.get("section") or "",
        )


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """A paper, stored once. ``origin`` is ``digest``, or ``commentary`` for a paper
    queued because a commentary mentioned it."""

    arxiv_id: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    added: str = ""
    origin: str = "digest"
    # Where the digest's title came from (see ``Entry.title_source``): "link", "heading" and
    # "file" titles are guesses that arXiv's title replaces once fetched.
    title_source: str | None = None

    def to_doc(self) -> dict:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "added": self.added,
            "origin": self.origin,
            "title_source": self.title_source if self.title else None,
        }

    @classmethod
    def from_doc(cls, doc_id: str, doc: dict) -> PaperRecord:
        return cls(
            arxiv_id=doc_id,
            title=doc.get("title"),
            authors=tuple(doc.get("authors") or ()),
            added=doc.get("added", ""),
            origin=doc.get("origin", "digest"),
            title_source=doc.get("title_source") or ("digest" if doc.get("title") else None),
        )

    @property
    def title_guessed(self) -> bool:
        """The title is a guess from a link's text or a file name, not one written as a title."""
        return bool(self.title) and self.title_source in GUESSED_TITLES


@dataclass(frozen=True, slots=True)
class PaperState:
    """What the reader did with a paper."""

    read: bool = False
    tags: tuple[str, ...] = ()
    read_at: str | None = None

    def to_doc(self) -> dict:
        return {"read": self.read, "tags": list(self.tags), "read_at": self.read_at}

    @classmethod
    def from_doc(cls, doc: dict | None) -> PaperState:
        if not doc:
            return UNTOUCHED
        return cls(
            read=bool(doc.get("read")), tags=tuple(doc.get("tags") or ()), read_at=doc.get("read_at")
        )


UNTOUCHED = PaperState()
GUESSED_TITLES = frozenset({"link", "heading", "file"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one parsed digest did."""

    digest_id: str
    status: str  # "new", "updated" or "unchanged"
    entries: int
    new_papers: int
    warnings: tuple[ParseWarning, ...] = ()
    digests: int = 1  # a file of several sections imports as several digests
    same_as: str | None = None  # "unchanged": the source of the digest with the same content


@dataclass(frozen=True, slots=True)
class PaperEdit:
    """A change made to a paper elsewhere (in a note folder): ``note``, an edit of ``base``
    (None: the note is left as it is), kept with ``marks`` around both versions where it
    clashes with a change made meanwhile; tags to ``add`` and to ``remove``."""

    note: str | None = None
    base: str = ""
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    marks: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class NoteSaved:
    """What a note edit stored: ``text``, and whether it had to be ``merged`` with a
    change made meanwhile (``conflicts``: places where both versions were kept, marked).
    ``step`` is the history step it is part of (None: nothing changed)."""

    text: str
    merged: bool = False
    conflicts: int = 0
    step: int | None = None
    changed: bool = True


def digest_id_for(source: str) -> str:
    """A short, stable id for the digest imported from ``source``."""
    import hashlib

    return "d" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:12]
