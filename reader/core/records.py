"""The records the library keeps: digests, papers, the reader's state of a paper, and
what an import or a note save did. Plain data with their JSON form; no file access."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

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


#: A stored entry, compact: (arxiv_id, version, title, title_source, authors, references,
#: tags, line). 100,000 of them take ~15 MB this way, ~90 MB as parsed JSON objects.
Item = tuple[str, "int | None", "str | None", "str | None", tuple[str, ...], tuple[str, ...], tuple[str, ...], int]
#: Where a digest's commentary comes from: paper id -> text, or a function that reads it
#: when it is asked for (core/catalog.py: the commentary file is not kept in memory).
Texts = Mapping[str, str] | Callable[[], Mapping[str, str]] | None


class Interner:
    """One object for equal strings and tuples of strings while a file is read: authors,
    tags, title sources and import times repeat across thousands of records, and a
    paper's title is the same string as its digest entry's."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if value is None or value.__class__ is not str:
            return value
        return self._seen.setdefault(value, value)

    def strings(self, values: Any) -> tuple[str, ...]:
        """A tuple of the strings in ``values`` (a JSON list), itself shared."""
        if not values or values.__class__ is not list:
            return ()
        setdefault = self._seen.setdefault
        found = tuple([setdefault(v, v) if v.__class__ is str else None for v in values])
        if None in found:  # (anything but a string is left out)
            found = tuple(v for v in found if v is not None)
        return setdefault(found, found)


def item_from_json(data: dict[str, Any], intern: Interner | None = None) -> Item:
    """A stored entry's document (catalog.json) as a compact tuple (read 100,000 times
    when the library is opened: kept to a few steps)."""
    intern = intern or Interner()
    setdefault = intern._seen.setdefault
    get = data.get
    title = get("title")
    source = get("title_source") or ("digest" if title else None)
    version = get("version")
    arxiv_id = data["arxiv_id"]
    return (
        setdefault(arxiv_id, arxiv_id) if arxiv_id.__class__ is str else str(arxiv_id),
        version if version.__class__ is int else None,
        setdefault(title, title) if title.__class__ is str else None,
        setdefault(source, source) if source.__class__ is str else None,
        intern.strings(get("authors")),
        intern.strings(get("references")) if get("references") else (),
        intern.strings(get("tags")) if get("tags") else (),
        int(get("line") or 0),
    )


def item_of(entry: Entry) -> Item:
    return (entry.arxiv_id, entry.version, entry.title, entry.title_source, tuple(entry.authors),
            tuple(entry.references), tuple(entry.tags), entry.line)


def item_json(item: Item) -> dict[str, Any]:
    """An entry's document as catalog.json keeps it (the glance keeps some the same way)."""
    arxiv_id, version, title, source, authors, references, tags, line = item
    return {"arxiv_id": arxiv_id, "version": version, "title": title, "title_source": source if title else None,
            "authors": list(authors), "references": list(references), "tags": list(tags), "line": line}


_COMMENTARY: Any = Entry.__dict__["commentary"]  # the slot Entry keeps its commentary in


class StoredEntry(Entry):
    """An entry read from the library: its commentary is read when it is asked for (and
    not kept), so a digest's entries cost no more than their titles until one is shown."""

    __slots__ = ("_texts",)
    _texts: Texts

    @property  # (the slot of Entry, read through)
    def commentary(self) -> str:
        text = _COMMENTARY.__get__(self)
        if text is not None:
            return text
        texts = self._texts
        found = texts() if callable(texts) else texts
        return (found or {}).get(self.arxiv_id, "")

    @commentary.setter
    def commentary(self, value: str | None) -> None:
        _COMMENTARY.__set__(self, value)


def _build(item: Item, texts: Texts) -> Entry:
    arxiv_id, version, title, source, authors, references, tags, line = item
    entry = StoredEntry(arxiv_id, version, title, list(authors), None, list(references), list(tags), line, source)  # type: ignore[arg-type]
    entry._texts = texts
    return entry


class LazyEntries(Sequence[Entry]):
    """A digest's entries as stored: compact tuples (:data:`Item`), made into
    :class:`Entry` objects each time they are asked for (never kept: at 100,000 papers
    they would take ~40 MB), their commentary read only when it is asked for."""

    __slots__ = ("_ids", "_items", "_texts")

    def __init__(self, items: Sequence[Item], texts: Texts = None) -> None:
        self._items: tuple[Item, ...] | None = tuple(items)
        self._texts = texts
        self._ids: tuple[str, ...] | None = None

    @classmethod
    def from_json(cls, raw: list[dict[str, Any]], texts: Texts = None, intern: Interner | None = None) -> LazyEntries:
        intern = intern or Interner()
        return cls([item_from_json(item, intern) for item in raw if isinstance(item, dict)], texts)

    @property
    def items(self) -> tuple[Item, ...]:
        return self._items or ()

    def ids(self) -> tuple[str, ...]:
        found = self._ids
        if found is None:
            found = self._ids = tuple(item[0] for item in self.items)
        return found

    def references(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(paper id, the papers its commentary references) for each entry, without
        making entries."""
        for item in self.items:
            yield item[0], item[5]

    def of(self, arxiv_id: str) -> list[Entry]:
        """The entries for one paper (usually one), made without making the others."""
        return [_build(item, self._texts) for item in self.items if item[0] == arxiv_id]

    def __getitem__(self, index: Any) -> Any:  # (an index gives an Entry, a slice a list of them)
        if isinstance(index, slice):
            return [_build(item, self._texts) for item in self.items[index]]
        return _build(self.items[index], self._texts)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Entry]:
        texts = self._texts
        return (_build(item, texts) for item in self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # (entries are mutable)

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"


class DigestRecord(Struct, frozen=True):
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

    def entry_references(self) -> Iterator[tuple[str, Sequence[str]]]:
        """(paper id, the papers its commentary references) for each entry."""
        if isinstance(self.entries, LazyEntries):
            return self.entries.references()
        return ((entry.arxiv_id, entry.references) for entry in self.entries)

    def to_doc(self) -> dict[str, Any]:
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

    def commentary_doc(self) -> dict[str, Any]:
        """What ``commentary.json`` keeps for this digest: paper id -> commentary."""
        return {entry.arxiv_id: entry.commentary for entry in self.entries if entry.commentary}

    @classmethod
    def from_doc(cls, doc_id: str, doc: dict[str, Any], commentary: Texts = None, intern: Interner | None = None) -> DigestRecord:
        """A record from its catalog document; ``commentary``: its entries' commentary
        (paper id -> text, or a function that reads it when asked)."""
        intern = intern or Interner()
        date = doc.get("date")
        return cls(
            id=doc_id,
            date=dt.date.fromisoformat(date) if date else None,
            title=doc.get("title"),
            source=doc.get("source", ""),
            sha256=doc.get("sha256", ""),
            imported_at=intern(doc.get("imported_at", "")),
            entries=LazyEntries.from_json(doc.get("entries") or [], commentary, intern),
            references=intern.strings(doc.get("references")),
            tags=intern.strings(doc.get("tags")),
            warnings=tuple(
                ParseWarning(int(w.get("line", 0)), str(w.get("message", "")))
                for w in doc.get("warnings", ())
            ),
            name=doc.get("name"),
            section=doc.get("section") or "",
        )


class PaperRecord(Struct, frozen=True):
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

    def to_doc(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "added": self.added,
            "origin": self.origin,
            "title_source": self.title_source if self.title else None,
        }

    @classmethod
    def from_doc(cls, doc_id: str, doc: dict[str, Any], intern: Interner | None = None) -> PaperRecord:
        """A record from its catalog document, its strings shared through ``intern`` (the
        id and title with its entries'; read 100,000 times when the library is opened)."""
        intern = intern or Interner()
        setdefault = intern._seen.setdefault
        get = doc.get
        title, added, origin = get("title"), get("added", ""), get("origin", "digest")
        source = get("title_source") or ("digest" if title else None)
        return cls(
            setdefault(doc_id, doc_id),
            setdefault(title, title) if title.__class__ is str else title,
            intern.strings(get("authors")),
            setdefault(added, added) if added.__class__ is str else added,
            setdefault(origin, origin) if origin.__class__ is str else origin,
            setdefault(source, source) if source.__class__ is str else source,
        )

    @property
    def title_guessed(self) -> bool:
        """The title is a guess from a link's text or a file name, not one written as a title."""
        return bool(self.title) and self.title_source in GUESSED_TITLES


class PaperState(Struct, frozen=True):
    """What the reader did with a paper."""

    read: bool = False
    tags: tuple[str, ...] = ()
    read_at: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {"read": self.read, "tags": list(self.tags), "read_at": self.read_at}

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> PaperState:
        if not doc:
            return UNTOUCHED
        return cls(
            read=bool(doc.get("read")), tags=tuple(doc.get("tags") or ()), read_at=doc.get("read_at")
        )


UNTOUCHED = PaperState()
GUESSED_TITLES = frozenset({"link", "heading", "file"})


class ImportResult(Struct, frozen=True):
    """What importing one parsed digest did."""

    digest_id: str
    status: str  # "new", "updated" or "unchanged"
    entries: int
    new_papers: int
    warnings: tuple[ParseWarning, ...] = ()
    digests: int = 1  # a file of several sections imports as several digests
    same_as: str | None = None  # "unchanged": the source of the digest with the same content


class PaperEdit(Struct, frozen=True):
    """A change made to a paper elsewhere (in a note folder): ``note``, an edit of ``base``
    (None: the note is left as it is), kept with ``marks`` around both versions where it
    clashes with a change made meanwhile; tags to ``add`` and to ``remove``."""

    note: str | None = None
    base: str = ""
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    marks: tuple[str, str] | None = None


class NoteSaved(Struct, frozen=True):
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
    import hashlib  # (lazy: ~2.5 ms, and the app's first screen never needs it)

    return "d" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:12]
