"""What arXiv says about a paper, as reader keeps it: ``ArxivMetadata`` and ``FetchOutcome``,
and the normalising of an ``arxiv.Result`` into them (whitespace folded, mojibake repaired,
dates as ISO 8601 UTC, the DOI found in old feeds' links, https PDF links).

Nothing here touches the network or imports the arxiv package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from msgspec import Struct

if TYPE_CHECKING:  # pragma: no cover
    import arxiv

REJECTED_400 = "arXiv rejected the id (HTTP 400)"
INVALID_ID = "not a valid arXiv id"

_ABS_RE = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?/?$")
_WS_RE = re.compile(r"\s+")
_DOI_RE = re.compile(r"(10\.\d{4,9}/\S+)$")


@dataclass(frozen=True)
class ArxivMetadata:
    """What arXiv says about one paper (its latest version)."""

    arxiv_id: str  # without version: "2007.01758", "hep-th/9901001"
    version: int | None  # the latest version arXiv reported
    title: str
    authors: list[str] = field(default_factory=list, hash=False)
    abstract: str = ""
    categories: list[str] = field(default_factory=list, hash=False)
    primary_category: str | None = None
    published: str = ""  # ISO 8601 UTC, "2017-07-27T08:18:33Z"
    updated: str = ""
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    pdf_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "categories": list(self.categories),
            "primary_category": self.primary_category,
            "published": self.published,
            "updated": self.updated,
            "doi": self.doi,
            "journal_ref": self.journal_ref,
            "comment": self.comment,
            "pdf_url": self.pdf_url,
            "version": self.version,
            "arxiv_id": self.arxiv_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArxivMetadata:
        version = data.get("version")
        return cls(
            arxiv_id=str(data["arxiv_id"]),
            version=int(version) if version is not None else None,
            title=str(data.get("title") if data.get("title") is not None else ""),
            authors=[str(a) for a in data.get("authors") or []],
            abstract=str(data.get("abstract") or ""),
            categories=[str(c) for c in data.get("categories") or []],
            primary_category=data.get("primary_category"),
            published=str(data.get("published") or ""),
            updated=str(data.get("updated") or ""),
            doi=data.get("doi"),
            journal_ref=data.get("journal_ref"),
            comment=data.get("comment"),
            pdf_url=data.get("pdf_url"),
        )


Status = Literal["ok", "not_found", "error"]


class FetchOutcome(Struct):
    """The result for one requested id.

    ``error`` is a short reason meant to be shown to the user, e.g.
    ``f"arXiv unreachable: {outcome.error}; working offline"``.
    ``transient`` is True when the failure is about the network or arXiv being
    down (worth retrying later), False when it is about the id itself.
    """

    arxiv_id: str
    status: Status
    metadata: ArxivMetadata | None = None
    error: str | None = None
    transient: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ------------------------------------------------------------------- ids


def entry_id(url: str) -> tuple[str, int | None] | None:
    """``(id, version)`` of an entry's ``https://arxiv.org/abs/ID[vN]``; None for anything else
    (arXiv's error entries, say)."""
    m = _ABS_RE.match(url.strip())
    if not m:
        return None
    return m["id"], int(m["v"]) if m["v"] else None


def lookup_keys(arxiv_id: str) -> list[str]:
    """Keys under which arXiv may answer for a requested id.

    An old-style id with a subject class, ``math.GT/0309136``, comes back as
    ``math/0309136``.
    """
    keys = [arxiv_id.lower()]
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/", 1)
        if "." in archive:
            keys.append(f"{archive.split('.', 1)[0]}/{number}".lower())
    return keys


def with_id(meta: ArxivMetadata, arxiv_id: str) -> ArxivMetadata:
    """``meta`` filed under the id it was asked for (``math.GT/0309136``, not ``math/0309136``)."""
    return meta if meta.arxiv_id == arxiv_id else replace(meta, arxiv_id=arxiv_id)


# ------------------------------------------------------------------ normalising


_MOJIBAKE_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")  # noqa: E501 (one table, read whole)


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1/cp1252 ("WÃ¼bben" -> "Wübben").

    Only when the whole string round-trips to valid UTF-8, which ordinary text
    with accents (a lone "ã" before ASCII, say) never does.
    """
    if not _MOJIBAKE_RE.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(fixed) < len(text):
            return fixed
    return text


def _ws(text: str | None) -> str:
    return _fix_mojibake(_WS_RE.sub(" ", text or "").strip())


def _opt(text: str | None) -> str | None:
    cleaned = _ws(text)
    return cleaned or None


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _ws(value if isinstance(value, str) else "")


def _doi_from_links(links: Iterable[tuple[str | None, str | None]]) -> str | None:
    """The pre-2025 feed may give the DOI only as ``<link title="doi" href="http://dx.doi.org/…">``."""
    for title, href in links:
        if title == "doi" and href:
            m = _DOI_RE.search(href.strip())
            if m:
                return unquote(m.group(1))
    return None


def _https(url: str | None) -> str | None:
    if url and url.startswith("http://arxiv.org/"):
        return "https://" + url[len("http://"):]
    return url


def from_result(result: arxiv.Result) -> ArxivMetadata | None:
    """reader's metadata from one of the arxiv package's results; None for an entry that is
    not a paper (arXiv's error entries)."""
    ident = entry_id(result.entry_id)
    if ident is None:
        return None
    arxiv_id, version = ident
    cats = list(dict.fromkeys(c for c in (_ws(c) for c in result.categories) if c))
    published, updated = _iso(result.published), _iso(result.updated)
    pdf_url = result.pdf_url or f"https://arxiv.org/pdf/{arxiv_id}" + (f"v{version}" if version else "")
    links = [(link.title, link.href) for link in result.links]
    return ArxivMetadata(
        arxiv_id=arxiv_id,
        version=version,
        title=_ws(result.title),  # a title of "0" stays "0"
        authors=[a for a in (_ws(author.name) for author in result.authors) if a],
        abstract=_ws(result.summary),
        categories=cats,
        primary_category=_opt(result.primary_category) or (cats[0] if cats else None),
        published=published or updated,
        updated=updated or published,
        doi=_opt(result.doi) or _doi_from_links(links),
        journal_ref=_opt(result.journal_ref),
        comment=_opt(result.comment),
        pdf_url=_https(pdf_url),
    )
