"""How the command line prints papers: one-line rows, JSON objects, and ``show``."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from ..core.ids import abs_url
from ..core.mismatch import is_mismatched
from ..core.present import versions_text
from ..core.snapshot import Snapshot
from ..core.text import one_line, printable

if TYPE_CHECKING:
    from ..core.citations import CitesIndex

ARXIV_FIELDS = (
    "title", "authors", "abstract", "categories", "published", "updated",
    "doi", "journal_ref", "comment", "pdf_url", "version",
)


def short_authors(authors: tuple[str, ...] | list[str]) -> str:
    if not authors:
        return ""
    return authors[0] + (" et al." if len(authors) > 1 else "")


def paper_line(snapshot: Snapshot, arxiv_id: str) -> str:
    """``✓ 2007.01758  Title — First Author et al.  #tag  [note]``"""
    state = snapshot.state(arxiv_id)
    mark = "✓" if state.read else "·"
    title = one_line(snapshot.title(arxiv_id) or "(no title)")
    parts = [f"{mark} {arxiv_id:<12} {title}"]
    authors = short_authors(snapshot.authors(arxiv_id))
    if authors:
        parts.append(f"— {one_line(authors)}")
    if state.tags:
        parts.append(" ".join(f"#{one_line(tag)}" for tag in state.tags))
    if snapshot.note(arxiv_id).strip():
        parts.append("[note]")
    return "  ".join(parts)


def paper_json(snapshot: Snapshot, arxiv_id: str, *, full: bool = False, citations: CitesIndex | None = None) -> dict:
    """The object ``reader list --json`` prints; ``full`` adds what ``show --json`` needs,
    and ``citations`` what the paper's text cites and which papers' texts cite it."""
    state = snapshot.state(arxiv_id)
    data: dict[str, Any] = {
        "arxiv_id": arxiv_id,
        "title": snapshot.title(arxiv_id),
        "title_source": snapshot.title_source(arxiv_id),
        "authors": list(snapshot.authors(arxiv_id)),
        "read": state.read,
        "tags": list(state.tags),
        "note": snapshot.note(arxiv_id),
        "digests": snapshot.digest_dates(arxiv_id),
        "mentioned_in": snapshot.mentioned_in.get(arxiv_id, []),
    }
    if not full:
        return data
    appearances = snapshot.appearances.get(arxiv_id, [])
    data["url"] = abs_url(arxiv_id)
    data["commentary"] = [
        {
            "digest": a.digest.id,
            "date": a.digest.date.isoformat() if a.digest.date else None,
            "digest_title": a.digest.title,
            "title": a.entry.title,
            "version": a.entry.version,
            "commentary": a.entry.commentary,
            "references": list(a.entry.references),
        }
        for a in appearances
    ]
    data["references"] = list(dict.fromkeys(r for a in appearances for r in a.entry.references))
    meta = snapshot.arxiv(arxiv_id)
    data["arxiv"] = {key: meta.get(key) for key in ARXIV_FIELDS} if meta else None
    data["status"] = snapshot.fetch_status(arxiv_id)
    data["mismatched"] = is_mismatched(snapshot, arxiv_id)
    record = snapshot.metadata.get(arxiv_id) or {}
    if record.get("error"):
        data["error"] = record["error"]
    if citations is not None:
        cites = citations.cites(arxiv_id)
        data["cites"] = cites.to_json() if cites is not None else None
        data["cited_by"] = citations.cited_by(arxiv_id)
    return data


def print_citations(snapshot: Snapshot, arxiv_id: str, citations: CitesIndex) -> None:
    """The "Cites" and "Cited by" parts of ``reader show``."""
    cites = citations.cites(arxiv_id)
    cited_by = citations.cited_by(arxiv_id)
    if cites is not None and (cites.in_library or cites.others):
        print()
        print("Cites, in your library:" if cites.in_library else "Cites:")
        for ref in cites.in_library:
            print(f"  {ref}  {one_line(snapshot.title(ref) or '')}".rstrip())
        if cites.others:
            more = "and " if cites.in_library else ""
            print(f"  {more}{cites.others} other arXiv paper{'s' * (cites.others != 1)}")
    if cited_by:
        print()
        print("Cited by, in your library:")
        for ref in cited_by:
            print(f"  {ref}  {one_line(snapshot.title(ref) or '')}".rstrip())


def print_show(snapshot: Snapshot, arxiv_id: str, citations: CitesIndex | None = None) -> None:
    """Everything about one paper, as readable text."""
    state = snapshot.state(arxiv_id)
    title = one_line(snapshot.title(arxiv_id) or "(no title)")
    print(f"{arxiv_id}  {title}")
    paper = snapshot.papers.get(arxiv_id)
    if paper is not None and paper.title_guessed and snapshot.title_source(arxiv_id) == "digest":
        origins = {"link": "a link's text", "heading": "the note's heading", "file": "the note's file name"}
        print(f"(title from {origins.get(paper.title_source or '', 'the digest')}; 'reader fetch {arxiv_id}' gets arXiv's)")
    authors = snapshot.authors(arxiv_id)
    if authors:
        print(textwrap.fill("Authors: " + ", ".join(one_line(a) for a in authors), 100, subsequent_indent="  "))
    print(f"URL: {abs_url(arxiv_id)}")
    tags = " ".join(f"#{one_line(t)}" for t in state.tags) or "none"
    print(f"Read: {'yes' if state.read else 'no'}    Tags: {tags}")
    status = snapshot.fetch_status(arxiv_id)
    meta = snapshot.arxiv(arxiv_id)
    if meta:
        categories = one_line(", ".join(str(c) for c in meta.get("categories") or []))
        published = one_line(str(meta.get("published") or ""))[:10]
        print(f"arXiv: {versions_text(snapshot, arxiv_id)}, {categories}, published {published}")
        if is_mismatched(snapshot, arxiv_id):
            print(f"Title on arXiv differs from the digest's: {one_line(meta.get('title') or '')}")
        if meta.get("abstract"):
            print()
            print(textwrap.fill(one_line(meta["abstract"]), 100))
    else:
        print(f"arXiv: {status.replace('_', ' ')}")
    for appearance in snapshot.appearances.get(arxiv_id, []):
        digest = appearance.digest
        print()
        digest_title = one_line(digest.title or "")
        print(f"── {digest.label}  {digest_title if digest_title != digest.label else ''}".rstrip())
        for paragraph in printable(appearance.entry.commentary).split("\n"):
            print(textwrap.fill(paragraph, 100) if paragraph.strip() else "")
        if appearance.entry.references:
            print()
            print("References:")
            for ref in appearance.entry.references:
                where = one_line(snapshot.title(ref) or "") if ref in snapshot.papers else "not in the library"
                print(f"  {ref}  {where}")
    mentioned = snapshot.mentioned_in.get(arxiv_id, [])
    if mentioned:
        print()
        print("Mentioned in: " + ", ".join(mentioned))
    if citations is not None:
        print_citations(snapshot, arxiv_id, citations)
    note = snapshot.note(arxiv_id)
    if note.strip():
        print()
        print("Notes:")
        print(printable(note).rstrip())
