"""Plain data shared by the parser, the library, export and the UI.

These are small, immutable-by-convention dataclasses. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something odd in a digest file, with the 1-based line it is on."""

    line: int
    message: str

    def to_json(self) -> dict:
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

    def to_json(self) -> dict:
        return {
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "authors": list(self.authors),
            "commentary": self.commentary,
            "references": list(self.references),
            "tags": list(self.tags),
        }

    @classmethod
    def from_json(cls, data: dict, commentary: str | None = None) -> Entry:
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
        )


@dataclass(slots=True)
class ParsedDigest:
    """What the parser makes of one file: the week's entries in order, plus warnings."""

    source: str
    date: dt.date | None = None
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # links before the first entry
    tags: list[str] = field(default_factory=list)  # a trailing #tag line of a many-paper post

    def to_json(self) -> dict:
        """The exact shape ``reader parse --json`` prints."""
        return {
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "entries": [entry.to_json() for entry in self.entries],
            "warnings": [warning.to_json() for warning in self.warnings],
        }


def iso_week(day: dt.date) -> str:
    """``2020-W28`` for a date in that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
