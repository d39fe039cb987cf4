"""Markdown export of the library: readable on its own, and itself a valid digest.

Layout (``reader parse`` on it gives back the same papers)::

    # 2020-07-12 Papers that stood out

    ## [Title](https://arxiv.org/abs/2007.01758) (Author One, Author Two)

    Read: yes
    #gan #inversion

    > the digest author's commentary, quoted

    ### Notes

    my note, verbatim
"""

from __future__ import annotations

import re

from .ids import abs_url
from .library import DigestRecord
from .models import Entry
from .snapshot import Snapshot
from .text import one_line, printable


def _escape_title(title: str) -> str:
    # ``*`` and ``_`` too, so ``*Attention*`` is not read back as emphasis around ``Attention``.
    return re.sub(r"([\\\[\]*_])", r"\\\1", title)


# A line the parser would read as a heading of level 1-3: it would end the ``### Notes`` section;
# and one that already starts with backslashes before such a ``#`` (so the parser, which takes one
# backslash away, gives the note back exactly).
_NOTE_HEADING = re.compile(r"^([ \t]{0,3})(\\*#{1,3}(?:[ \t]|$))")


def _note_text(note: str) -> str:
    """A note, verbatim but for line ends (a lone CR also starts a line for the parser),
    control characters, and a backslash before a ``#`` that would make a line a heading and
    end the Notes section."""
    lines = re.split(r"\r\n|\r|\n", note.rstrip("\r\n"))
    return "\n".join(_NOTE_HEADING.sub(r"\1\\\2", printable(line)) for line in lines)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in printable(text).strip().splitlines())


def _digest_heading(digest: DigestRecord) -> str:
    """``# DATE TITLE``, or ``# NAME`` for a digest without a date: reading the export back gives
    the same digests, dates and names."""
    parts = [digest.date.isoformat()] if digest.date else []
    if digest.title:
        parts.append(digest.title)
    if not parts:
        parts.append(digest.display_name)
    text = one_line(" ".join(parts))  # one line, whatever the title holds
    if text.lower() in ("notes", "my notes", "notes:", "my notes:"):
        text = f"Digest: {text}"  # "# Notes" would hide the papers under it as notes
    return f"# {text or digest.id}"


def _paper_section(snapshot: Snapshot, entry: Entry) -> str:
    arxiv_id = entry.arxiv_id
    title = snapshot.title(arxiv_id) or entry.title or arxiv_id
    authors = snapshot.authors(arxiv_id) or tuple(entry.authors)
    heading = f"## [{_escape_title(one_line(title))}]({abs_url(arxiv_id)})"
    if authors:
        heading += f" ({', '.join(one_line(author) for author in authors)})"
    state = snapshot.state(arxiv_id)
    lines = [heading, "", f"Read: {'yes' if state.read else 'no'}"]
    if state.tags:
        lines.append(" ".join(f"#{one_line(tag)}" for tag in state.tags))
    if entry.commentary.strip():
        lines += ["", _quote(entry.commentary)]
    note = snapshot.note(arxiv_id)
    if note.strip():
        lines += ["", "### Notes", "", _note_text(note)]
    return "\n".join(lines)


def export_markdown(snapshot: Snapshot, ids: list[str] | None = None) -> str:
    """Markdown for the papers ``ids`` (all when None): a section per digest, newest first.

    Returns an empty string when nothing matches.
    """
    wanted = None if ids is None else set(ids)
    sections = []
    for digest in snapshot.digests:
        entries = [e for e in digest.entries if wanted is None or e.arxiv_id in wanted]
        if not entries:
            continue
        body = "\n\n".join(_paper_section(snapshot, entry) for entry in entries)
        sections.append(f"{_digest_heading(digest)}\n\n{body}\n")
    listed = {e.arxiv_id for d in snapshot.digests for e in d.entries}
    loose = [
        arxiv_id
        for arxiv_id in (snapshot.papers if wanted is None else ids or [])
        if arxiv_id not in listed and arxiv_id in snapshot.papers
    ]
    if loose:
        body = "\n\n".join(_paper_section(snapshot, Entry(arxiv_id)) for arxiv_id in loose)
        sections.append(f"# Papers in no digest\n\n{body}\n")
    return "\n".join(sections)
