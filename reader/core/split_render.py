"""What a note folder's file says about a paper: its front matter and its generated part.

The generated part is the paper's title, authors and arXiv line, its abstract, every digest's
commentary on it, ``[[links]]`` to the files of the papers that commentary references and of
the papers whose commentary references it (so a note app's graph shows the commentary's links),
and last the note, under ``## My note`` (core/note_folder.py reads it back from there).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .ids import abs_url, find_links
from .library import DigestRecord
from .note_folder import NOTE_HEADING, escape_markers, note_as_written
from .snapshot import Snapshot
from .split_format import file_name_for
from .text import one_line, printable

__all__ = ["Links", "default_links", "front_matter_items", "head", "note_section", "referenced_ids", "render_paper"]

#: Paper id -> the name (no ``.md``) of its file in the folder, for ``[[links]]``.
Links = Callable[[str], str]
# A line of the abstract that reads as the note's heading would be taken for it.
_HEADING_LIKE = re.compile(r"^(\s*)(" + re.escape(NOTE_HEADING) + r"[ \t]*)$", re.MULTILINE)


def _date_label(digest: DigestRecord) -> str:
    parts = [digest.date.isoformat()] if digest.date else []
    if digest.title:
        parts.append(one_line(digest.title))
    return " ".join(parts) or one_line(Path(digest.source).name) or digest.id


def front_matter_items(snapshot: Snapshot, arxiv_id: str) -> list[tuple[str, object]]:
    state = snapshot.state(arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    appearances = snapshot.appearances.get(arxiv_id, [])
    items: list[tuple[str, object]] = [
        ("title", one_line(snapshot.title(arxiv_id) or arxiv_id)),
        ("authors", [one_line(a) for a in snapshot.authors(arxiv_id)]),
        ("arxiv_id", arxiv_id),
        ("url", abs_url(arxiv_id)),
        ("tags", [one_line(t) for t in state.tags]),
        ("read", state.read),
    ]
    if state.read and state.read_at:
        items.append(("read_at", state.read_at))
    items.append(("digests", [_date_label(a.digest) for a in appearances]))
    items.append(("digest_dates", [a.digest.date.isoformat() for a in appearances if a.digest.date]))
    published = one_line(str(meta.get("published") or ""))[:10]
    if published:
        items.append(("published", published))
    if meta.get("primary_category"):
        items.append(("primary_category", one_line(str(meta["primary_category"]))))
    return items


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def referenced_ids(snapshot: Snapshot, arxiv_id: str) -> list[str]:
    """The papers the commentary on ``arxiv_id`` references (each digest's links for it, and
    any arXiv link in its text), first mention first, never the paper itself."""

    refs: dict[str, None] = {}
    for appearance in snapshot.appearances.get(arxiv_id, ()):
        for ref in appearance.entry.references:
            refs[ref] = None
        for link in find_links(appearance.entry.commentary or ""):
            if not link.malformed:
                refs[link.arxiv_id] = None
    refs.pop(arxiv_id, None)
    return list(refs)


def default_links(snapshot: Snapshot) -> Links:
    """Links to the names reader gives files (for papers with no file in the folder)."""
    return lambda arxiv_id: file_name_for(arxiv_id, snapshot.title(arxiv_id))[: -len(".md")]


def _link_lines(ids: list[str], link: Links) -> list[str]:
    lines = []
    for arxiv_id in ids:
        try:
            lines.append(f"- [[{link(arxiv_id)}]]")
        except ValueError:  # not an id a file can be named after
            continue
    return lines


def head(snapshot: Snapshot, arxiv_id: str, link: Links) -> str:
    """The generated part above the note (ends with a blank line)."""
    title = one_line(snapshot.title(arxiv_id) or arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    lines = [f"# {title}", ""]
    authors = ", ".join(one_line(a) for a in snapshot.authors(arxiv_id))
    if authors:
        lines.append(f"**Authors:** {authors}  ")
    about = [f"[arXiv:{arxiv_id}]({abs_url(arxiv_id)})"]
    if meta.get("primary_category"):
        about.append(one_line(str(meta["primary_category"])))
    if meta.get("published"):
        about.append(f"published {one_line(str(meta['published']))[:10]}")
    lines.append("**arXiv:** " + " · ".join(about))
    abstract = printable(str(meta.get("abstract") or "")).strip()
    if abstract:
        lines += ["", "## Abstract", "", _HEADING_LIKE.sub(r"\1\\\2", abstract)]
    commented = [a for a in snapshot.appearances.get(arxiv_id, []) if a.entry.commentary.strip()]
    if commented:
        lines += ["", "## Commentary"]
        for appearance in commented:
            lines += ["", f"### {_date_label(appearance.digest)}", "", _quote(printable(appearance.entry.commentary))]
    refs = _link_lines(referenced_ids(snapshot, arxiv_id), link)
    if refs:
        lines += ["", "## Referenced papers", "", *refs]
    backlinks = _link_lines([p for p in snapshot.mentioned_in.get(arxiv_id, ()) if p != arxiv_id], link)
    if backlinks:
        lines += ["", "## Mentioned by", "", *backlinks]
    return escape_markers("\n".join(lines) + "\n\n")


def note_section(note: str) -> str:
    written = note_as_written(note)
    return f"{NOTE_HEADING}\n\n{written}\n" if written else f"{NOTE_HEADING}\n\n"


def render_paper(snapshot: Snapshot, arxiv_id: str, link: Links | None = None) -> tuple[list[tuple[str, object]], str]:
    """``(front matter items, generated markdown)`` for one paper; ``link`` names the files
    of other papers (default: the names reader gives them)."""
    above = head(snapshot, arxiv_id, link or default_links(snapshot))
    return front_matter_items(snapshot, arxiv_id), above + note_section(snapshot.note(arxiv_id))
