"""Lines and what they are: blank, text, quote, code, heading, ``#tag`` line, notes, front
matter, table row, ``Authors:`` line; and the arXiv links on each (``find_links``)."""

from __future__ import annotations

import re

from msgspec import Struct, field

from reader.core.ids import Link, find_links

from .bounds import Limits

# line kinds
BLANK, TEXT, QUOTE, CODE, HEADING, TAG, NOTES, META, TABLE, AUTHORS = range(10)
NOT_COMMENTARY = frozenset({TAG, NOTES, META, AUTHORS})
CAN_START = frozenset({TEXT, HEADING, TABLE})  # links on other lines are references

FRONT_MATTER_MAX_LINES = 200

BLANK_RE = re.compile(r"[ \t]*")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
QUOTE_RE = re.compile(r"[ \t]{0,3}>")
QUOTE_MARK = re.compile(r"^[ \t]{0,3}> ?")
_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_BOLD_NOTES = re.compile(r"[ \t]*(\*\*|__)(?:my[ \t]+)?notes:?\1:?[ \t]*", re.IGNORECASE)
NOTES_TITLES = frozenset({"notes", "my notes", "notes:", "my notes:"})
# A line of ``#tag`` words only. A tag is anything up to the next space (as the library stores tags),
# but ``# Heading`` (hash, space) and ``##…`` are headings.
_TAG_LINE = re.compile(r"[ \t]*#[^\s#]\S*(?:[ \t]+#[^\s#]\S*)*[ \t]*")
_TAG = re.compile(r"#([^\s#]\S*)")
# An optional heading marker, then an optional list marker (``-``, ``*``, ``+``, ``1.``, ``1)``).
LINE_PREFIX = re.compile(r"(?P<indent>[ \t]{0,12})(?P<head>#{1,6}[ \t]+)?(?P<list>(?:[-*+]|\d{1,3}[.)])[ \t]+)?")
_TABLE = re.compile(r"[ \t]{0,3}\|.*\|[ \t]*")
# ``**Authors:** A, B`` / ``*Authors*: A`` / ``Authors: A`` (a machine-written digest's byline)
AUTHORS_RE = re.compile(
    r"[ \t]*(?:[-*+][ \t]+)?(?P<em>\*\*|__|\*|_)?(?:authors?|by|저자)(?P=em)?[ \t]*:[ \t]*(?:\*\*|__|\*|_)?[ \t]*"
    r"(?P<names>[^\n]{1,3000})",
    re.IGNORECASE,
)


class Doc(Struct):
    """A digest split into lines, with what each line is and the links on it."""

    lines: list[str]
    kinds: bytearray
    links: dict[int, list[Link]]  # line -> its links, for lines that have any
    source: str = "<text>"
    front: dict[str, str] = field(default_factory=dict)
    front_lines: int = 0
    skip: set[int] = field(default_factory=set)  # headings left out of commentary
    limits: Limits = field(default_factory=Limits)

    def __len__(self) -> int:
        return len(self.lines)


def heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of a ``# Heading`` line (closing hashes dropped), else None."""
    m = _HEADING.match(line)
    if m is None:
        return None
    text = line[m.end() :].strip()
    if text.endswith("#"):
        bare = text.rstrip("#")
        if not bare or bare[-1] in " \t":
            text = bare.strip()
    return len(m.group(1)), text


def front_matter(lines: list[str]) -> tuple[int, dict[str, str]]:
    """``(number of lines, {key: value})`` of a leading ``---`` YAML block, or ``(0, {})``."""
    if not lines or lines[0].strip() != "---":
        return 0, {}
    for end in range(1, min(len(lines), FRONT_MATTER_MAX_LINES)):
        if lines[end].strip() in ("---", "..."):
            fields = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    fields[key.strip().lower()] = value.strip().strip("'\"")
            return end + 1, fields
    return 0, {}


def tags(line: str) -> list[str]:
    return _TAG.findall(line)


def is_tag_line(line: str) -> bool:
    return _TAG_LINE.fullmatch(line) is not None


def list_marker(line: str) -> tuple[int, str] | None:
    """``(indent, kind)`` of a list item (kind ``-`` for bullets, ``1`` for numbers), else None."""
    m = LINE_PREFIX.match(line)
    if m is None or not m.group("list") or m.group("head"):
        return None
    return len(m.group("indent").expandtabs(4)), "1" if m.group("list")[0].isdigit() else "-"


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def classify(lines: list[str], source: str, limits: Limits) -> Doc:
    """Give each line a kind and find the links on it (at most ``limits.links`` in all)."""
    front_lines, front = front_matter(lines)
    kinds = bytearray(len(lines))
    for i in range(front_lines):
        kinds[i] = META
    notes_level: int | None = None
    fence: str | None = None
    for i in range(front_lines, len(lines)):
        line = lines[i]
        head = heading(line) if _HEADING.match(line) else None
        if notes_level is not None:
            if head is None or head[0] > notes_level:
                kinds[i] = NOTES
                continue
            notes_level = None
        fence_match = _FENCE.match(line)
        if fence is not None:
            kinds[i] = CODE
            if fence_match and fence_match.group(1)[0] == fence:
                fence = None
            continue
        if fence_match:
            kinds[i] = CODE
            fence = fence_match.group(1)[0]
        elif BLANK_RE.fullmatch(line):
            kinds[i] = BLANK
        elif QUOTE_RE.match(line):
            kinds[i] = QUOTE
        elif head is not None:
            if head[1].lower() in NOTES_TITLES:
                kinds[i] = NOTES
                notes_level = head[0]
            else:
                kinds[i] = HEADING
        elif _BOLD_NOTES.fullmatch(line):
            kinds[i] = NOTES
            notes_level = 7  # ends at any heading
        elif _TAG_LINE.fullmatch(line):
            kinds[i] = TAG
        elif _TABLE.fullmatch(line):
            kinds[i] = TABLE
        elif _is_authors_line(line):
            kinds[i] = AUTHORS
        else:
            kinds[i] = TEXT
    doc = Doc(lines, kinds, {}, source, front, front_lines, limits=limits)
    _find_links(doc)
    return doc


def _is_authors_line(line: str) -> bool:
    m = AUTHORS_RE.match(line)
    if m is None:
        return False
    names = _ET_AL.sub("", m.group("names").rstrip(" \t*_"))
    return "://" not in names and not names.endswith((".", "?", "!")) and any(c.isupper() for c in names)


_ET_AL = re.compile(r"\s+et\.?\s+al\.?$", re.IGNORECASE)


def _find_links(doc: Doc) -> None:
    """Links on every line (front matter too: a malformed id there is warned about as well)."""
    budget = doc.limits.links
    for i, line in enumerate(doc.lines):
        if budget <= 0:
            if "arxiv" in line.lower() or "ar5iv" in line.lower():
                doc.limits.unread_from = i
                break
            continue
        if not _might_link(line):
            continue
        found = find_links(line, limit=budget)
        if found:
            doc.links[i] = found
            budget -= len(found)
            if budget <= 0 and _HINT.search(line, found[-1].end) is not None:
                doc.limits.unread_from = i


_HINT = re.compile(r"ar[x5]iv|alphaxiv|huggingface\.co/|hf\.co/|%(?:25)?3a", re.IGNORECASE)


def _might_link(line: str) -> bool:
    return _HINT.search(line) is not None
