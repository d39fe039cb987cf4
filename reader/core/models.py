"""Plain data shared by the parser, the library, export and the UI.

Records throughout reader are msgspec ``Struct``s: Python 3.11 compiles five or six
methods for each dataclass as its module is imported (~0.6 ms a frozen one, and dozens are
imported before the app's first paint); a Struct's are made in C, and its instances are
made about four times as fast. ``Entry`` stays a dataclass: ``StoredEntry`` (records.py)
adds a slot of its own to it, which a Struct's subclass cannot. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import Struct


class ParseWarning(Struct, frozen=True):
    """Something odd in a digest file, with the 1-based line it is on."""

    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass(slots=True)
class Entry:
    """One paper as a digest lists it: the digest author's view of it."""

    arxiv_id: str
    version: int | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    commentary: str = ""
    references: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int = 0  # where the entry starts in its file (1-based), 0 when unknown
    # Where the title comes from: "digest" (written as a title), "link" (a link's text), "heading"
    # (a one-paper note's dated heading) or "file" (its file name). All but the first are guesses
    # that arXiv's title replaces.
    title_source: str | None = None
    note: str = ""  # a ``Notes`` section under the entry (as the export writes the reader's notes)

    def __post_init__(self) -> None:
        if self.title and self.title_source is None:
            self.title_source = "digest"

    def to_json(self) -> dict[str, Any]:
        return {
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "title_source": self.title_source if self.title else None,
            "authors": list(self.authors),
            "commentary": self.commentary,
            "references": list(self.references),
            "tags": list(self.tags),
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], commentary: str | None = None) -> Entry:
        """An entry from its JSON; ``commentary`` when it is kept elsewhere."""
        return cls(
            arxiv_id=data["arxiv_id"],
            version=data.get("version"),
            title=data.get("title"),
            authors=list(data.get("authors") or []),
            commentary=commentary if commentary is not None else data.get("commentary") or "",
            references=list(data.get("references") or []),
            tags=list(data.get("tags") or []),
            line=int(data.get("line") or 0),
            title_source=data.get("title_source"),
        )


class ParsedDigest(Struct):
    """What the parser makes of one file: the week's entries in order, plus warnings."""

    source: str
    date: dt.date | None = None
    title: str | None = None
    entries: list[Entry] = msgspec.field(default_factory=list)
    warnings: list[ParseWarning] = msgspec.field(default_factory=list)
    references: list[str] = msgspec.field(default_factory=list)  # links before the first entry
    tags: list[str] = msgspec.field(default_factory=list)  # a trailing #tag line: every entry's
    name: str | None = None  # readable: its heading, else its file's stem
    # A file of several dated sections (or our own export) is several digests: one per section,
    # each with its own entries; ``entries`` above are all of them, merged by paper.
    sections: list[ParsedDigest] = msgspec.field(default_factory=list)
    section: str = ""  # for a section: what tells it apart from the file's other sections
    loose: bool = False  # the export's "Papers in no digest": papers to keep, in no digest

    def to_json(self) -> dict[str, Any]:
        """The exact shape ``reader parse --json`` prints."""
        data = {
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "name": self.name,
            "entries": [entry.to_json() for entry in self.entries],
            "warnings": [warning.to_json() for warning in self.warnings],
        }
        if self.sections:
            data["sections"] = [
                {"name": s.name, "date": s.date.isoformat() if s.date else None, "title": s.title,
                 "papers": [e.arxiv_id for e in s.entries], "loose": s.loose}
                for s in self.sections
            ]
        return data


def iso_week(day: dt.date) -> str:
    """``2020-W28`` for a date in that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
