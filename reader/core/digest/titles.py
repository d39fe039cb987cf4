"""Titles of entries whose link stands alone on its line: the heading right above it (a
machine-written digest's ``### Title``), the line after it (``Title (Authors)``, a title line,
one wrapped onto an indented second line), or, in a "title before link" post, the line before."""

from __future__ import annotations

import re

from .dates import heading_date
from .lines import AUTHORS, BLANK, CODE, HEADING, QUOTE, TEXT, Doc, heading, indent, list_marker
from .markup import title_before
from .names import (
    EMPHASIS,
    Header,
    authors,
    is_generic_label,
    is_title_line,
    title_and_authors,
    titleish,
    unemphasise,
    whole_line_header,
)
from .starts import Start

# Section headings that are not a paper's title, even right above a link.
_SECTIONS = frozenset(
    {"highlights", "also new", "new", "today", "this week", "links", "references", "related", "related work",
     "resources", "reading", "readings", "misc", "other", "others", "more", "background", "abstract", "summary",
     "tl;dr", "tldr", "notes", "papers", "introduction", "overview", "top picks", "picks", "must read",
     "honorable mentions", "further reading", "see also", "new papers", "paper list", "reading list"}
)
_WORDS = re.compile(r"[^\w;]+")


def _alone(doc: Doc, j: int) -> bool:
    """Line ``j`` does not continue a paragraph: outside the document, not text, or a list item."""
    if not 0 <= j < len(doc.lines):
        return True
    kind = doc.kinds[j]
    return kind not in (TEXT, QUOTE, CODE) or (kind == TEXT and list_marker(doc.lines[j]) is not None)


def _candidate_title_line(doc: Doc, j: int) -> bool:
    """A plain text line without links or list marker."""
    return doc.kinds[j] == TEXT and j not in doc.links and list_marker(doc.lines[j]) is None


def _continuation(doc: Doc, j: int) -> bool:
    """Line ``j + 1`` continues line ``j`` as a wrapped title: indented deeper, text, no links."""
    k = j + 1
    return (
        k < len(doc.lines)
        and _candidate_title_line(doc, k)
        and indent(doc.lines[k]) > indent(doc.lines[j])
        and not doc.lines[j].rstrip().endswith((".", ":", ";"))
    )


def _title_after(doc: Doc, start: Start, limit: int) -> tuple[Header, int] | None:
    """``(header, last line)`` of the title on the next non-blank line after a bare link."""
    j = start.line + 1
    while j < limit and doc.kinds[j] == BLANK:
        j += 1
    if j >= limit or not _candidate_title_line(doc, j):
        return None
    last = j + 1 if j + 1 < limit and _continuation(doc, j) else j
    text = _unlabelled(" ".join(doc.lines[n].strip() for n in range(j, last + 1)))
    header = title_and_authors(text, 0, len(text), single=True)
    if header is not None and header.authors:
        return Header(header.title, header.authors, len(doc.lines[last]) if last > j else header.end), last
    byline = _names_line(doc, last + 1, limit)
    if byline is not None and is_title_line(text):  # the title, then its authors on a line of their own
        return Header(" ".join(unemphasise(text).split()), byline, len(doc.lines[last + 1])), last + 1
    emphasised = EMPHASIS.fullmatch(text) is not None
    one_line = (j - 1 == start.line or _alone(doc, j - 1)) and _alone(doc, last + 1)
    if is_title_line(text) and (emphasised or one_line):
        return Header(" ".join(unemphasise(text).split()), [], len(doc.lines[last])), last
    return None


def _title_before(doc: Doc, start: Start, floor: int) -> tuple[Header, int] | None:
    """``(header, line)`` of a title-like one-line paragraph right above a bare link, after ``floor``."""
    p = start.line - 1
    while p > floor and doc.kinds[p] == BLANK:
        p -= 1
    if p <= floor or not _candidate_title_line(doc, p):
        return None
    if not _alone(doc, p - 1):
        return None  # part of a longer paragraph
    line = _unlabelled(doc.lines[p].strip())
    header = whole_line_header(line)
    if header is not None:
        return header, p
    if is_title_line(line):
        return Header(unemphasise(line), [], len(doc.lines[p])), p
    return None


_TITLE_LABEL = re.compile(r"[*_]{0,2}(?:title|paper title|제목)[*_]{0,2}[ \t]*:[*_]{0,2}[ \t]*(?P<title>.+)", re.IGNORECASE)


def _unlabelled(text: str) -> str:
    """``**Title:** XLNet: …`` -> ``XLNet: …``."""
    m = _TITLE_LABEL.fullmatch(text.strip())
    return m.group("title").strip().strip("*_").strip() if m else text


def _names_line(doc: Doc, j: int, limit: int) -> list[str] | None:
    """The names on line ``j`` when it is nothing but an author list (``A. Vaswani, N. Shazeer``)."""
    if j >= limit or not _candidate_title_line(doc, j):
        return None
    return authors(doc.lines[j].strip().rstrip("."))


def _heading_above(doc: Doc, start: Start, floor: int, alone: bool) -> tuple[str, str, int, int] | None:
    """``(title, source, line)`` of a heading right above a link line (blank and ``Authors:``
    lines between): a machine-written digest's ``### Title``."""
    p = start.line - 1
    while p > floor and doc.kinds[p] in (BLANK, AUTHORS):
        p -= 1
    if p <= floor or doc.kinds[p] != HEADING or p in doc.links:
        return None
    head = heading(doc.lines[p])
    if head is None or heading_date(head[1]) is not None:
        return None
    found = title_before(head[1])
    if found is None or is_generic_label(found[0]) or _WORDS.sub(" ", found[0].lower()).strip() in _SECTIONS:
        return None
    if head[0] == 1 and not titleish(found[0]) and not alone:
        return None  # "# Reading group, spring" over one of several papers: the digest's heading
    return found[0], found[1], p, head[0]


def resolve_bare_titles(doc: Doc, starts: list[Start]) -> None:
    """Give links alone on their line a title from the heading above, the line after, or (per
    file) the line before.

    The file is a "title before link" post when most bare links are preceded by a title-like
    paragraph, and more of them than are followed by ``Title (Authors)``.
    """
    n = len(doc.lines)
    bare = [k for k, s in enumerate(starts) if s.bare and s.title is None]
    before: dict[int, tuple[Header, int]] = {}
    after: dict[int, tuple[Header, int]] = {}
    for k in list(bare):
        floor = starts[k - 1].header_end if k > 0 else doc.front_lines - 1
        above = _heading_above(doc, starts[k], floor, len(starts) == 1)
        if above is not None:
            start = starts[k]
            start.title, start.title_source, start.begin, start.level = above[0], above[1], (above[2], 0), above[3]
            bare.remove(k)
            continue
        limit = starts[k + 1].line if k + 1 < len(starts) else n
        if starts[k].plain:
            found = _title_before(doc, starts[k], floor)
            if found is not None:
                before[k] = found
        found = _title_after(doc, starts[k], limit)
        if found is not None:
            after[k] = found
    strong_after = sum(1 for header, _ in after.values() if header.authors)
    title_first = bool(before) and 2 * len(before) > len(bare) and len(before) > strong_after
    for k in bare:
        start = starts[k]
        if title_first and k in before:
            header, p = before[k]
            start.title, start.authors, start.begin = header.title, header.authors, (p, 0)
        elif k in after and (not title_first or after[k][0].authors):
            header, j = after[k]
            next_begin = starts[k + 1].begin[0] if k + 1 < len(starts) else n
            if title_first and k + 1 in before:
                next_begin = before[k + 1][1]
            if j < next_begin:
                start.title, start.authors = header.title, header.authors
                start.body, start.header_end = (j, header.end), j
