"""From entry starts to entries: each entry's text runs from its header to the next entry (or
the end of its list item, table row or section); in it are its commentary, its tags, its
``Authors:`` line, its ``Notes`` section and its references. Repeated entries of one paper merge."""

from __future__ import annotations

import re
from bisect import bisect_right

from msgspec import Struct, field

from reader.core.models import Entry

from .bounds import Warnings
from .dates import heading_date
from .lines import (
    AUTHORS,
    AUTHORS_RE,
    BLANK,
    HEADING,
    META,
    NOT_COMMENTARY,
    NOTES,
    QUOTE_MARK,
    QUOTE_RE,
    TAG,
    Doc,
    heading,
    list_marker,
    tags,
)
from .names import lenient_authors
from .starts import Start

_READ_STATE = re.compile(
    r"[ \t]*(?:(?:read|status):[ \t]|[-*+][ \t]+\[[ xX]\][ \t]*(?:read|unread|done)?[ \t]*$)", re.IGNORECASE
)
_RULE = re.compile(r"[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_LEADING_JUNK = " \t:;,\u2013\u2014|·-"
# A line the export escaped so it would not end the Notes section: ``\# heading`` (and ``\\#`` for
# a line that had a backslash of its own).
_ESCAPED_NOTE_HEADING = re.compile(r"^([ \t]{0,3})\\(\\*#{1,3}(?:[ \t]|$))")


class Piece(Struct):
    """An entry as its text in the file gives it, before entries of one paper merge."""

    entry: Entry
    start: Start
    end: tuple[int, int]
    section: int = 0


def mark_skipped_headings(doc: Doc, start_lines: set[int]) -> None:
    """Leave dated digest headings and empty headings (``# Links``) out of commentary."""
    next_content = len(doc.lines)
    for i in range(len(doc.lines) - 1, -1, -1):
        kind = doc.kinds[i]
        if kind == HEADING and i not in start_lines:
            empty = next_content >= len(doc.lines) or doc.kinds[next_content] in (HEADING, NOTES)
            head = heading(doc.lines[i])
            if empty or (head is not None and head[0] == 1 and heading_date(head[1]) is not None):
                doc.skip.add(i)
        if kind != BLANK and i not in doc.skip:
            next_content = i


def counts(doc: Doc, i: int) -> bool:
    """Line ``i`` is part of the commentary text."""
    return doc.kinds[i] not in NOT_COMMENTARY and i not in doc.skip


def _slice(doc: Doc, begin: tuple[int, int], end: tuple[int, int], cap: int) -> tuple[list[str], bool]:
    """The commentary lines between two positions, without tag/notes/skipped lines, and whether
    more than ``cap`` characters had to be left out."""
    (first, col), (last, last_col) = begin, end
    pieces, size = [], 0
    for i in range(first, min(last, len(doc.lines) - 1) + 1):
        if i == last and last_col == 0:
            break
        if not counts(doc, i):
            continue
        line = doc.lines[i]
        lo, hi = (col if i == first else 0), (last_col if i == last else len(line))
        if hi - lo > cap - size:
            pieces.append(line[lo : lo + max(0, cap - size)])
            return pieces, True
        piece = line[lo:hi]
        pieces.append(piece.lstrip(_LEADING_JUNK).strip() if i == first and col else piece)
        size += hi - lo + 1
    return pieces, False


def tidy(pieces: list[str], unquote: bool) -> str:
    """Trim, drop a leading read-state line, one blank line between paragraphs."""
    lines = [piece.rstrip() for piece in pieces]
    content = [k for k, line in enumerate(lines) if line.strip()]
    if content and _READ_STATE.match(lines[content[0]]):
        del lines[content[0]]
    if unquote and all(QUOTE_RE.match(line) for line in lines if line.strip()):
        lines = [QUOTE_MARK.sub("", line, count=1) for line in lines]
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    while out and (not out[-1] or _RULE.fullmatch(out[-1])):
        out.pop()  # a trailing "---" separates entries, it says nothing
    return "\n".join(out).strip()


def _headings_by_level(doc: Doc) -> dict[int, list[int]]:
    """For each level 1-6, the lines of the headings of that level or higher, in order."""
    found: dict[int, list[int]] = {level: [] for level in range(1, 7)}
    for i, kind in enumerate(doc.kinds):
        if kind == HEADING:  # (a "## Notes" section under an entry is the entry's)
            head = heading(doc.lines[i])
            if head is not None:
                for level in range(head[0], 7):
                    found[level].append(i)
    return found


def _list_end(doc: Doc, start: Start, limit: tuple[int, int], *, any_item: bool) -> tuple[int, int]:
    """Where a list item's text ends: at a heading or the next item of its list (same kind, no
    deeper) — with ``any_item`` false, only an item with a link of its own (a note's
    ``- Link: URL`` is followed by more about the paper; a link list's next item is another
    project)."""
    marker = list_marker(doc.lines[start.line])
    if marker is None:
        return limit
    depth, kind = marker
    for j in range(start.line + 1, min(limit[0] + 1, len(doc.lines))):
        if doc.kinds[j] == HEADING:
            return min((j, 0), limit)
        other = list_marker(doc.lines[j])
        if (
            other is not None
            and other[0] <= depth
            and other[1] == kind
            and (any_item or j in doc.links or _ANY_LINK.search(doc.lines[j]))
        ):
            return min((j, 0), limit)
    return limit


_ANY_LINK = re.compile(r"\]\(|https?://")


def pieces_of(doc: Doc, starts: list[Start], barriers: list[int], warnings: Warnings) -> list[Piece]:
    """Each start's entry, its text bounded by the next start, its list item or table row, and
    the next section heading (``barriers``, sorted line numbers)."""
    n = len(doc.lines)
    out = []
    lists = sum(1 for start in starts if start.listed) >= 2  # a list of papers, not a note's one bullet
    heads = _headings_by_level(doc)
    for k, start in enumerate(starts):
        end = starts[k + 1].begin if k + 1 < len(starts) else (n, 0)
        if start.level:  # "### Title" over its links: "## Next session" ends its text
            found = heads[start.level]
            h = bisect_right(found, max(start.line, start.header_end))
            if h < len(found):
                end = min(end, (found[h], 0))
        b = bisect_right(barriers, start.line)
        if b < len(barriers):
            end = min(end, (barriers[b], 0))
        if start.stop is not None:
            end = min(end, start.stop)
        if start.listed:
            end = _list_end(doc, start, end, any_item=lists)
        pieces, cut = _slice(doc, start.body, end, doc.limits.commentary)
        if cut:
            warnings.add(start.line + 1, f"commentary on {start.link.arxiv_id} cut at {doc.limits.commentary:,} characters",
                         kind="cut", plural="commentaries cut")
        text = tidy(pieces, unquote=start.export)
        if start.lead:
            text = f"{start.lead}\n{text}".strip() if text else start.lead
        entry = Entry(start.link.arxiv_id, start.link.version, start.title, list(start.authors), text,
                      line=start.begin[0] + 1, title_source=start.title_source if start.title else None)
        out.append(Piece(entry, start, end, b))
    return out


def _owner(regions: list[tuple[tuple[int, int], tuple[int, int]]], begins: list[tuple[int, int]],
           pos: tuple[int, int]) -> int:
    """Index of the piece whose text holds ``pos``; -1 when none does."""
    k = bisect_right(begins, pos) - 1
    if k >= 0 and pos < regions[k][1]:
        return k
    return -1


class Loose(Struct):
    """What lies outside every entry: references and tags of the digest (by section)."""

    references: dict[int, list[str]] = field(default_factory=dict)
    tags: dict[int, list[str]] = field(default_factory=dict)


def attach(doc: Doc, pieces: list[Piece], barriers: list[int]) -> Loose:
    """Tags, references, ``Authors:`` lines and notes to the entry whose text holds them."""
    loose = Loose()
    if not pieces:
        return loose
    begins = [p.start.begin for p in pieces]
    regions = [(p.start.begin, p.end) for p in pieces]
    own = {(p.start.line, p.start.link.start) for p in pieces}
    for i in sorted(doc.links):
        if doc.kinds[i] == META:
            continue
        for link in doc.links[i]:
            if link.malformed or (i, link.start) in own:
                continue
            k = _owner(regions, begins, (i, link.start))
            if k >= 0:
                pieces[k].entry.references.append(link.arxiv_id)
            else:
                loose.references.setdefault(bisect_right(barriers, i), []).append(link.arxiv_id)
    trailing = _trailing_tag_lines(doc)
    every = _trailing_tags_are_the_digests(doc, pieces, trailing)
    notes: dict[int, list[int]] = {}
    for i, kind in enumerate(doc.kinds):
        if kind not in (TAG, AUTHORS, NOTES):
            continue
        k = _owner(regions, begins, (i, 0))
        if kind == TAG:
            if k < 0 or (i in trailing and every):
                loose.tags.setdefault(bisect_right(barriers, i), []).extend(tags(doc.lines[i]))
            else:
                pieces[k].entry.tags.extend(tags(doc.lines[i]))
        elif kind == AUTHORS and k >= 0 and not pieces[k].entry.authors:
            m = AUTHORS_RE.match(doc.lines[i])
            names = lenient_authors(m.group("names").strip().strip("*_").strip()) if m else None
            pieces[k].entry.authors = names or []
        elif kind == NOTES and k >= 0:
            notes.setdefault(k, []).append(i)
    for k, lines in notes.items():
        pieces[k].entry.note = _note_text(doc, lines)
    for piece in pieces:
        entry = piece.entry
        entry.references = unique(entry.references, exclude=entry.arxiv_id)
        entry.tags = unique(entry.tags)
    return loose


def _note_text(doc: Doc, lines: list[int]) -> str:
    """The text of a ``Notes`` section: its lines without its heading, the export's escapes undone."""
    first = doc.lines[lines[0]]
    if heading(first) is not None or first.strip().strip("*_").strip(": ").lower() in ("notes", "my notes"):
        lines = lines[1:]
    body = [_ESCAPED_NOTE_HEADING.sub(r"\1\2", doc.lines[i]) for i in lines]
    return "\n".join(body).strip("\n").rstrip()


def _trailing_tag_lines(doc: Doc) -> set[int]:
    """Tag lines after the last line of other content."""
    trailing = set()
    for i in range(len(doc.lines) - 1, -1, -1):
        kind = doc.kinds[i]
        if kind == TAG:
            trailing.add(i)
        elif kind != BLANK and kind != META and i not in doc.skip:
            break
    return trailing


def _trailing_tags_are_the_digests(doc: Doc, pieces: list[Piece], trailing: set[int]) -> bool:
    """A tag line at the end of a many-paper digest tags every entry: after commentary on the
    last paper, or after a list of papers none of which has any."""
    if len(pieces) < 2 or not trailing:
        return False
    if _first_commentary_line(doc, pieces[-1].start) < min(trailing):
        return True
    return all(p.start.bare and not p.entry.commentary for p in pieces)


def _first_commentary_line(doc: Doc, start: Start) -> int:
    """The first line with commentary text at or after the start's body (``len(lines)`` if none)."""
    line, col = start.body
    first = True
    for i in range(line, len(doc.lines)):
        text = doc.lines[i][col if i == line else 0 :]
        if counts(doc, i) and text.strip():
            if first and _READ_STATE.match(text):  # "Read: yes" is state, not commentary (see tidy)
                first = False
                continue
            return i
    return len(doc.lines)


def unique(items: list[str], exclude: str | None = None) -> list[str]:
    return [item for item in dict.fromkeys(items) if item != exclude]


def merge(entries: list[Entry], warnings: Warnings | None) -> list[Entry]:
    """Keep the first entry of each paper; fold later ones into it (with a warning, if given)."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.arxiv_id, []).append(entry)
    out = []
    for first, *later in groups.values():
        if not later:
            out.append(first)
            continue
        if warnings is not None:
            for e in later:
                warnings.add(e.line, f"duplicate entry for {e.arxiv_id} (first at line {first.line}); merged",
                             kind="duplicate", plural="duplicate entries")
        group = [first, *later]
        titled = next((e for e in group if e.title), None)
        merged = Entry(
            first.arxiv_id,
            next((e.version for e in group if e.version), None),
            titled.title if titled else None,
            next((list(e.authors) for e in group if e.authors), []),
            "\n\n".join(e.commentary for e in group if e.commentary),
            unique([ref for e in group for ref in e.references], exclude=first.arxiv_id),
            unique([tag for e in group for tag in e.tags]),
            first.line,
            titled.title_source if titled else None,
            "\n\n".join(unique([e.note for e in group if e.note])),
        )
        out.append(merged)
    return out
