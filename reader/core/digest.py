"""Parse a weekly arXiv digest (markdown or plain text, often Korean) into a ``ParsedDigest``.

``parse_text`` is pure and never raises on a ``str``; ``read_digest_file``/``parse_file`` do the I/O.

How a digest is read, in passes over its lines (each pass linear in the text):

1. Lines are classified: blank, text, ``>`` quote, fenced code, ``#`` heading, ``#tag`` line, and
   ``Notes`` sections (from a ``Notes`` heading to the next heading of the same or higher level).
   Quotes, code and notes never start entries; their links are references.
2. Entry starts are found on text and heading lines: a line starting with a link (after an optional
   ``#``/list marker), ``[Title](link)`` there, ``1. Title link``, ``Title (Authors) link``, and a
   mid-line link that follows whitespace outside parentheses and is followed by ``Title (Authors)``
   (or directly follows another entry's link). A link glued to the text after it (``URL와``) is a
   reference.
3. A link alone on its line takes its title from the next line (``Title (Authors)`` or a title-like
   line), or, when most such links in the file are preceded by a title-like paragraph, from the line
   before it ("title before link" posts).
4. Each entry's commentary is the text from the end of its title/authors to the next entry, with tag
   lines, notes, read-state lines, dated digest headings and empty headings left out.

Warnings carry the 1-based line they are on; warnings about the whole file use line 0.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.digest_file import DigestReadError, _normalise, read_digest_file
from reader.core.ids import ZERO_WIDTH, Link, find_links, parse_id
from reader.core.models import Entry, ParsedDigest, ParseWarning

__all__ = [
    "DigestReadError",
    "digest_date",
    "digest_title",
    "parse_file",
    "parse_text",
    "read_digest_file",
]

MAX_TITLE = 300  # characters; a longer run of text before "(Authors)" is commentary, not a title
MAX_AUTHOR_GROUP = 3000  # characters inside one "(Authors)" group
MAX_TITLE_WORDS = 40
_FRONT_MATTER_MAX_LINES = 200

# --- line shapes ---------------------------------------------------------------------------------

_BLANK = re.compile(rf"[\s{ZERO_WIDTH}]*")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"[ \t]{0,3}>")
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}> ?")
_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_BOLD_NOTES = re.compile(r"[ \t]*(\*\*|__)(?:my[ \t]+)?notes:?\1:?[ \t]*", re.IGNORECASE)
_NOTES_TITLES = frozenset({"notes", "my notes", "notes:", "my notes:"})
# A line of ``#tag`` words only. A tag is anything up to the next space (as the library stores tags),
# but ``# Heading`` (hash, space) and ``##…`` are headings.
_TAG_LINE = re.compile(r"[ \t]*#[^\s#]\S*(?:[ \t]+#[^\s#]\S*)*[ \t]*")
_TAG = re.compile(r"#([^\s#]\S*)")
_READ_STATE = re.compile(
    r"[ \t]*(?:(?:read|status):[ \t]|[-*+][ \t]+\[[ xX]\][ \t]*(?:read|unread|done)?[ \t]*$)", re.IGNORECASE
)
# An optional heading marker, then an optional list marker (``-``, ``*``, ``+``, ``1.``, ``1)``).
_LINE_PREFIX = re.compile(r"[ \t]{0,3}(?P<head>#{1,6}[ \t]+)?(?P<list>(?:[-*+]|\d{1,3}[.)])[ \t]+)?")
_MD_LINK = re.compile(r"\[(?P<text>(?:\\.|[^\[\]\\\n]){0,2000})\]\((?P<url>[^()\s]{1,2000})\)")
_MD_ESCAPE = re.compile(r"\\(.)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(?P<text>[^\n]{1,300}?)(?<=\S)\1(?![\w*])")

# --- titles and authors --------------------------------------------------------------------------

_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_SEPARATORS = " \t-\u2013\u2014:|" + ZERO_WIDTH
_SENTENCE_END = (".", ",", ";", ":", "\u3002")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_ET_AL = re.compile(r"(?:^|\s+)et\.?\s+al\.?$", re.IGNORECASE)
_INITIALS = re.compile(r"[^\W\d_]\.(?:-?[^\W\d_]\.)*")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*\.?")
_PARTICLES = frozenset(
    "van von de der den da di del della la le du dos das do ter ten bin al el zu y".split()
)

# --- dates ---------------------------------------------------------------------------------------

_DATE_TOKEN = r"(?P<date>\d{6}|\d{4}-\d{2}-\d{2})(?!\d)"
_DATED_TEXT = re.compile(_DATE_TOKEN + r"(?:[ \t]+(?P<title>.*))?")
_FILE_DATE = re.compile(_DATE_TOKEN)

# line kinds
BLANK, TEXT, QUOTE, CODE, HEADING, TAG, NOTES, META = range(8)
_NOT_COMMENTARY = frozenset({TAG, NOTES, META})


# =================================================================================================
# Dates and titles


def _date_from_token(token: str) -> dt.date | None:
    """``191210`` -> 2019-12-10, ``2020-07-12`` -> 2020-07-12; None for an impossible date."""
    try:
        if len(token) == 6:
            yy, month, day = int(token[:2]), int(token[2:4]), int(token[4:])
            return dt.date(1900 + yy if yy >= 90 else 2000 + yy, month, day)
        return dt.date.fromisoformat(token)
    except ValueError:
        return None


def _heading(line: str) -> tuple[int, str] | None:
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


def _dated_heading(line: str) -> tuple[dt.date, str | None] | None:
    """``(date, title)`` of a level-1 ``# YYMMDD title`` / ``# YYYY-MM-DD title`` heading."""
    h = _heading(line)
    if h is None or h[0] != 1:
        return None
    m = _DATED_TEXT.fullmatch(h[1])
    day = _date_from_token(m.group("date")) if m else None
    if day is None:
        return None
    return day, (m.group("title") or "").strip() or None


def _front_matter(lines: list[str]) -> tuple[int, dict[str, str]]:
    """``(number of lines, {key: value})`` of a leading ``---`` YAML block, or ``(0, {})``."""
    if not lines or lines[0].strip() != "---":
        return 0, {}
    for end in range(1, min(len(lines), _FRONT_MATTER_MAX_LINES)):
        if lines[end].strip() in ("---", "..."):
            fields = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    fields[key.strip().lower()] = value.strip().strip("'\"")
            return end + 1, fields
    return 0, {}


def _date_and_title(lines: list[str], front: dict[str, str]) -> tuple[dt.date | None, str | None]:
    """Date and title from the first dated ``#`` heading, else from front matter."""
    for line in lines:
        if line.startswith("#"):
            dated = _dated_heading(line)
            if dated is not None:
                return dated[0], dated[1] or front.get("title") or None
    fm_date = _date_from_token(front["date"][:10]) if front.get("date") else None
    return fm_date, front.get("title") or None


def _file_date(path: str | os.PathLike[str] | None) -> dt.date | None:
    """A ``YYMMDD`` or ``YYYY-MM-DD`` prefix of the file name, as a date."""
    if path is None:
        return None
    m = _FILE_DATE.match(Path(os.fspath(path)).name)
    return _date_from_token(m.group("date")) if m else None


def digest_date(
    text: str, path: str | os.PathLike[str] | None = None, date: dt.date | None = None
) -> dt.date | None:
    """The digest's date: ``date`` if given, else a dated ``#`` heading, front matter ``date:``,
    a ``YYMMDD``/``YYYY-MM-DD`` file-name prefix, else None."""
    if date is not None:
        return date
    lines = _normalise(text).split("\n")
    heading_date, _ = _date_and_title(lines, _front_matter(lines)[1])
    return heading_date or _file_date(path)


def digest_title(text: str) -> str | None:
    """The digest's title: the text after the date of its first dated heading, or front matter
    ``title:``, else None."""
    lines = _normalise(text).split("\n")
    return _date_and_title(lines, _front_matter(lines)[1])[1]


# =================================================================================================
# Titles and author lists


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _title_ok(title: str) -> bool:
    """Could be a paper title: short, has a letter, no Hangul/CJK, no URL."""
    return (
        0 < len(title) <= MAX_TITLE
        and _LETTER.search(title) is not None
        and not _has_cjk(title)
        and "://" not in title
    )


def _starts_like_title(title: str) -> bool:
    """Not prose like "by Vaswani et al.": no lowercase start unless the first word has a capital."""
    first = title.split(maxsplit=1)[0]
    return not first[0].islower() or any(c.isupper() for c in first)


def _unemphasise(text: str) -> str:
    """``*Title*``, ``_Title_``, ``**Title**`` -> ``Title``."""
    m = _EMPHASIS.fullmatch(text)
    return m.group("text").strip() if m else text


def _is_title_line(text: str) -> bool:
    """A line that is a title on its own: title-like, a few words, not ending like a sentence."""
    text = _unemphasise(text.strip())
    return _title_ok(text) and len(text.split()) <= MAX_TITLE_WORDS and not text.endswith(_SENTENCE_END)


def _name_ok(name: str) -> bool:
    """A personal name: capitalised words, initials (``W.``), hyphens, apostrophes, particles."""
    tokens = name.split()
    if not 1 <= len(tokens) <= 6 or tokens[-1] in _PARTICLES:
        return False
    capitalised = 0
    for token in tokens:
        if token in _PARTICLES:
            continue
        if _INITIALS.fullmatch(token):
            if not token.replace(".", "").replace("-", "").isupper():
                return False
        elif _NAME_WORD.fullmatch(token):
            if not token[0].isupper() or (token.isupper() and len(token) >= 3):  # "GAN" is no name
                return False
        else:
            return False
        capitalised += 1
    return capitalised > 0


def _split_authors(group: str) -> tuple[list[str], bool]:
    """Split ``A, B and C et al.`` into names; the flag says whether ``et al.`` was there."""
    group = group.strip()
    et_al = _ET_AL.search(group)
    if et_al:
        group = group[: et_al.start()]
    names = [part.strip() for part in _AUTHOR_SPLIT.split(group)]
    return [name for name in names if name], et_al is not None


def _authors(group: str) -> list[str] | None:
    """The names in a ``(…)`` group that really is an author list, else None.

    ``(밑의 nvae를 보자!)``, ``(diversity condition)`` and ``(https://…)`` are not author lists; a
    single name needs at least two words (``(Transformer-XL)`` is not an author).
    """
    if not group.strip() or "://" in group or _has_cjk(group):
        return None
    names, et_al = _split_authors(group)
    if not names or not all(_name_ok(name) for name in names):
        return None
    if len(names) == 1 and len(names[0].split()) < 2 and not et_al:
        return None
    return names


def _lenient_authors(group: str) -> list[str] | None:
    """Authors in the unambiguous spot right after ``[Title](link)``: any names with a capital."""
    if "://" in group:
        return None
    names, _ = _split_authors(group)
    if not names or not all(len(n) <= 100 and (any(c.isupper() for c in n) or _has_cjk(n)) for n in names):
        return None
    return names


def _skip(text: str, pos: int, stop: int, chars: str = _SEPARATORS) -> int:
    while pos < stop and text[pos] in chars:
        pos += 1
    return pos


def _group_at(text: str, pos: int, stop: int) -> tuple[str, int] | None:
    """The ``(…)`` group (no nesting) starting at ``pos``: ``(inside, end)``."""
    if pos >= stop or text[pos] != "(":
        return None
    close = text.find(")", pos + 1, min(stop, pos + 1 + MAX_AUTHOR_GROUP))
    if close == -1 or "(" in text[pos + 1 : close]:
        return None
    return text[pos + 1 : close], close + 1


@dataclass(slots=True)
class _Header:
    """A title (and authors, maybe none) read from text, and the offset where it ends."""

    title: str
    authors: list[str]
    end: int


def _title_and_authors(text: str, pos: int, stop: int) -> _Header | None:
    """``Title (Authors)`` (or ``*Title* (Authors)``, or just ``*Title*``) at ``text[pos:stop]``.

    The title is what precedes the first ``(…)`` group that is an author list; it may itself
    contain parentheses. Bounded: looks at most ``MAX_TITLE`` + ``MAX_AUTHOR_GROUP`` characters.
    """
    pos = _skip(text, pos, stop)
    em = _EMPHASIS.match(text, pos, stop)
    if em is not None:
        title = em.group("text").strip()
        group = _group_at(text, _skip(text, em.end(), stop, " \t"), stop)
        authors = _authors(group[0]) if group else None
        if authors and _title_ok(title):
            return _Header(title, authors, group[1])
        alone = not text[em.end() : stop].strip()  # "*very* good" starts a sentence, not a title
        return _Header(title, [], em.end()) if alone and _title_ok(title) else None
    limit = min(stop, pos + MAX_TITLE + 1)
    cjk = _CJK.search(text, pos, limit)
    if cjk is not None:
        limit = cjk.start()  # a title never runs into Hangul
    opening = text.find("(", pos, limit)
    while opening != -1:
        close = text.find(")", opening + 1, min(stop, opening + 1 + MAX_AUTHOR_GROUP))
        if close == -1:
            return None
        inner_open = text.rfind("(", opening, close)
        title = text[pos:inner_open].strip(_SEPARATORS)
        if inner_open < limit and _title_ok(title):
            authors = _authors(text[inner_open + 1 : close])
            if authors:
                return _Header(_unemphasise(title), authors, close + 1)
        opening = text.find("(", close + 1, limit)
    return None


def _whole_line_header(text: str) -> _Header | None:
    """A line that is only ``Title (Authors)`` or ``*Title* (Authors)``."""
    header = _title_and_authors(text, 0, len(text))
    if header is None or not header.authors or text[header.end :].strip():
        return None
    return header


# =================================================================================================
# The document model


@dataclass(slots=True)
class _Start:
    """Where one entry starts and what its header says."""

    link: Link
    line: int  # 0-based line of the entry's link
    begin: tuple[int, int]  # (line, column) where the entry's text begins: the previous one ends here
    body: tuple[int, int]  # (line, column) where its commentary begins
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    bare: bool = False  # the link is alone on its line: its title may sit on a line before or after
    plain: bool = False  # ... and it has no list or heading marker
    export: bool = False  # a ``## [Title](link)`` heading, as our own export writes them
    header_end: int = 0  # last line the header uses


@dataclass(slots=True)
class _Doc:
    """A digest split into lines, with what each line is and the links on it."""

    lines: list[str]
    kinds: list[int]
    links: dict[int, list[Link]]  # line -> its links, for lines that have any
    skip: set[int] = field(default_factory=set)  # headings left out of commentary


def _classify(lines: list[str], front_lines: int) -> _Doc:
    """Give each line a kind (see the module docstring) and find the links on it."""
    kinds = [META] * front_lines
    notes_level: int | None = None
    fence: str | None = None
    for i in range(front_lines, len(lines)):
        line = lines[i]
        heading = _heading(line) if line.lstrip(" \t").startswith("#") else None
        if notes_level is not None:
            if heading is None or heading[0] > notes_level:
                kinds.append(NOTES)
                continue
            notes_level = None
        fence_match = _FENCE.match(line)
        if fence is not None:
            kinds.append(CODE)
            if fence_match and fence_match.group(1)[0] == fence:
                fence = None
            continue
        if fence_match:
            kinds.append(CODE)
            fence = fence_match.group(1)[0]
        elif _BLANK.fullmatch(line):
            kinds.append(BLANK)
        elif _QUOTE.match(line):
            kinds.append(QUOTE)
        elif heading is not None:
            if heading[1].lower() in _NOTES_TITLES:
                kinds.append(NOTES)
                notes_level = heading[0]
            else:
                kinds.append(HEADING)
        elif _BOLD_NOTES.fullmatch(line):
            kinds.append(NOTES)
            notes_level = 7  # ends at any heading
        elif _TAG_LINE.fullmatch(line):
            kinds.append(TAG)
        else:
            kinds.append(TEXT)
    links = {}
    for i, line in enumerate(lines):
        if kinds[i] != META:
            found = find_links(line)
            if found:
                links[i] = found
    return _Doc(lines, kinds, links)


# =================================================================================================
# Finding entry starts


def _glued(line: str, pos: int) -> bool:
    """Text continues right at ``pos`` with a letter or digit (``…/2007.05869와``)."""
    return pos < len(line) and line[pos].isalnum()


def _rest_is_empty(line: str, pos: int) -> bool:
    """Nothing but spaces (or the ``>`` of an ``<autolink>``) after ``pos``."""
    return line[pos:].strip(" \t>" + ZERO_WIDTH) == ""


def _inside_parens(line: str, lo: int, hi: int) -> bool:
    """An unclosed ``(`` between ``lo`` and ``hi``."""
    opening = line.rfind("(", lo, hi)
    return opening != -1 and line.find(")", opening, hi) == -1


def _entry_after_link(i: int, line: str, link: Link, stop: int, begin: int, *, mid_line: bool) -> _Start | None:
    """An entry whose link is at ``link``; its title/authors may follow up to ``stop``."""
    header = _title_and_authors(line, link.end, stop) if not _glued(line, link.end) else None
    if header is not None and header.authors and (not mid_line or _starts_like_title(header.title)):
        return _Start(link, i, (i, begin), (i, header.end), header.title, header.authors, header_end=i)
    if mid_line:
        return None
    if header is not None:  # an emphasised title without authors
        return _Start(link, i, (i, begin), (i, header.end), header.title, header_end=i)
    return _Start(link, i, (i, begin), (i, link.end), header_end=i)


def _markdown_entry(i: int, line: str, links: list[Link], prefix_end: int, heading: bool) -> _Start | None:
    """``[Title](arXiv link) (Authors)`` at the start of a line, list item or heading."""
    md = _MD_LINK.match(line, prefix_end)
    if md is None:
        return None
    link = next((lk for lk in links if lk.start == md.start("url") and not lk.malformed), None)
    if link is None or line[md.start("url") : md.end("url")] != link.raw:
        return None
    # Emphasis first, escapes second: ``[\*Title\*](…)`` keeps its stars, ``[*Title*](…)`` does not.
    title = _MD_ESCAPE.sub(r"\1", _unemphasise(md.group("text").strip())).strip() or None
    if title is not None and _only_ids(title):
        title = None  # ``[2007.01758](…)`` or ``[arXiv:2007.01758](…)`` names no title
    end, authors = md.end(), []
    group = _group_at(line, _skip(line, end, len(line), " \t"), len(line))
    if group is not None:
        names = _lenient_authors(group[0])
        if names:
            authors, end = names, group[1]
    return _Start(link, i, (i, 0), (i, end), title, authors, export=heading, header_end=i)


def _only_ids(text: str) -> bool:
    """Nothing but arXiv ids or links: ``2007.01758``, ``arXiv:2007.01758``, a URL, several.
    ``Comment on arXiv:2001.00001`` is a title."""
    if parse_id(text) is not None:
        return True
    links = find_links(text)
    if not links:
        return False
    rest, pos = [], 0
    for link in links:
        rest.append(text[pos : link.start])
        pos = link.end
    rest.append(text[pos:])
    blank = " \t" + ZERO_WIDTH
    return not rest[0].strip(blank) and not rest[-1].strip(blank) and not "".join(rest).strip(blank + ",;&|")


def _entry_with_title_before_link(i: int, line: str, link: Link, prefix_end: int, listed: bool) -> _Start | None:
    """``1. Title link`` (list item or heading) or ``Title (Authors) link`` (any line)."""
    pre = line[prefix_end : link.start]
    if _glued(line, link.end):
        return None
    header = _whole_line_header(pre.strip(_SEPARATORS))
    if header is not None:
        return _Start(link, i, (i, 0), (i, link.end), header.title, header.authors, header_end=i)
    title = _unemphasise(pre.strip(_SEPARATORS))
    if listed and _title_ok(title) and not title.endswith(_SENTENCE_END):
        return _Start(link, i, (i, 0), (i, link.end), title, header_end=i)
    return None


def _line_starts(doc: _Doc, i: int) -> list[_Start]:
    """The entries that start on line ``i`` (a text or heading line)."""
    line, links = doc.lines[i], doc.links.get(i, [])
    prefix = _LINE_PREFIX.match(line)
    prefix_end = prefix.end()
    listed = bool(prefix.group("list") or prefix.group("head"))
    first = prefix_end + 1 if line.startswith("<", prefix_end) else prefix_end
    starts: list[_Start] = []
    md = _markdown_entry(i, line, links, prefix_end, bool(prefix.group("head")))
    if md is not None:
        starts.append(md)
    previous_end = 0  # end of the previous link on this line
    for k, link in enumerate(links):
        stop = links[k + 1].start if k + 1 < len(links) else len(line)
        start = None
        if link.malformed or (md is not None and link.start < md.body[1]):
            pass
        elif link.start == first:
            if not _glued(line, link.end):
                start = _entry_after_link(i, line, link, stop, 0, mid_line=False)
                if _rest_is_empty(line, link.end):
                    start.bare, start.plain = True, not listed
                    start.body = (i + 1, 0)
        elif k == 0:
            start = _entry_with_title_before_link(i, line, link, first, listed)
        if start is None and not link.malformed and link.start > 0 and (
            line[link.start - 1].isspace() or line[link.start - 1] in ZERO_WIDTH
        ):
            gap_after_entry = starts and starts[-1].link.end == previous_end
            if gap_after_entry and _BLANK.fullmatch(line, previous_end, link.start):
                start = _entry_after_link(i, line, link, stop, link.start, mid_line=False)
            elif not _inside_parens(line, previous_end, link.start):
                start = _entry_after_link(i, line, link, stop, link.start, mid_line=True)
        if start is not None:
            starts.append(start)
        previous_end = link.end
    return starts


def _find_starts(doc: _Doc) -> list[_Start]:
    starts: list[_Start] = []
    for i in sorted(doc.links):
        if doc.kinds[i] in (TEXT, HEADING):
            starts.extend(_line_starts(doc, i))
    return starts


# =================================================================================================
# Titles of links alone on their line


def _alone(doc: _Doc, j: int) -> bool:
    """Line ``j`` is not a text line, quote or code (or lies outside the document)."""
    return not 0 <= j < len(doc.lines) or doc.kinds[j] not in (TEXT, QUOTE, CODE)


def _candidate_title_line(doc: _Doc, j: int) -> bool:
    """A plain text line without links or list marker."""
    return doc.kinds[j] == TEXT and j not in doc.links and not _LINE_PREFIX.match(doc.lines[j]).group("list")


def _title_after(doc: _Doc, start: _Start, limit: int) -> tuple[_Header, int] | None:
    """``(header, line)`` of the title on the next non-blank line after a bare link, before ``limit``."""
    j = start.line + 1
    while j < limit and doc.kinds[j] == BLANK:
        j += 1
    if j >= limit or not _candidate_title_line(doc, j):
        return None
    line = doc.lines[j]
    header = _title_and_authors(line, 0, len(line))
    if header is not None and header.authors:
        return header, j
    text = line.strip()
    emphasised = _EMPHASIS.fullmatch(text) is not None
    one_line = (j - 1 == start.line or _alone(doc, j - 1)) and _alone(doc, j + 1)
    if _is_title_line(text) and (emphasised or one_line):
        return _Header(_unemphasise(text), [], len(line)), j
    return None


def _title_before(doc: _Doc, start: _Start, floor: int) -> tuple[_Header, int] | None:
    """``(header, line)`` of a title-like one-line paragraph right above a bare link, after ``floor``."""
    p = start.line - 1
    while p > floor and doc.kinds[p] == BLANK:
        p -= 1
    if p <= floor or not _candidate_title_line(doc, p):
        return None
    if not _alone(doc, p - 1):
        return None  # part of a longer paragraph
    line = doc.lines[p]
    header = _whole_line_header(line.strip())
    if header is not None:
        return header, p
    if _is_title_line(line):
        return _Header(_unemphasise(line.strip()), [], len(line)), p
    return None


def _resolve_bare_titles(doc: _Doc, starts: list[_Start]) -> None:
    """Give links alone on their line a title from the line after, or (per file) the line before.

    The file is a "title before link" post when most bare links are preceded by a title-like
    paragraph, and more of them than are followed by ``Title (Authors)``.
    """
    n = len(doc.lines)
    bare = [k for k, s in enumerate(starts) if s.bare and s.title is None]
    before: dict[int, tuple[_Header, int]] = {}
    after: dict[int, tuple[_Header, int]] = {}
    for k in bare:
        floor = starts[k - 1].header_end if k > 0 else -1
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


# =================================================================================================
# Commentary, tags and references


def _mark_skipped_headings(doc: _Doc, start_lines: set[int]) -> None:
    """Leave dated ``# YYMMDD`` digest headings and empty headings (``# Links``) out of commentary."""
    next_content = len(doc.lines)
    for i in range(len(doc.lines) - 1, -1, -1):
        kind = doc.kinds[i]
        if kind == HEADING and i not in start_lines:
            empty = next_content >= len(doc.lines) or doc.kinds[next_content] in (HEADING, NOTES)
            if empty or _dated_heading(doc.lines[i]) is not None:
                doc.skip.add(i)
        if kind != BLANK and i not in doc.skip:
            next_content = i


def _counts(doc: _Doc, i: int) -> bool:
    """Line ``i`` is part of the commentary text."""
    return doc.kinds[i] not in _NOT_COMMENTARY and i not in doc.skip


def _slice(doc: _Doc, begin: tuple[int, int], end: tuple[int, int]) -> list[str]:
    """The commentary lines between two positions, without tag/notes/skipped lines."""
    (first, col), (last, last_col) = begin, end
    pieces = []
    for i in range(first, min(last, len(doc.lines) - 1) + 1):
        if i == last and last_col == 0:
            break
        if not _counts(doc, i):
            continue
        line = doc.lines[i]
        piece = line[col if i == first else 0 : last_col if i == last else len(line)]
        pieces.append(piece.strip() if i == first and col else piece)
    return pieces


def _tidy(pieces: list[str], unquote: bool) -> str:
    """Trim, drop a leading read-state line, one blank line between paragraphs."""
    lines = [piece.rstrip() for piece in pieces]
    content = [k for k, line in enumerate(lines) if line.strip()]
    if content and _READ_STATE.match(lines[content[0]]):
        del lines[content[0]]
    if unquote and all(_QUOTE.match(line) for line in lines if line.strip()):
        lines = [_QUOTE_MARK.sub("", line, count=1) for line in lines]
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    return "\n".join(out).strip()


def _tags(line: str) -> list[str]:
    return _TAG.findall(line)


def _trailing_tag_lines(doc: _Doc) -> set[int]:
    """Tag lines after the last line of other content."""
    trailing = set()
    for i in range(len(doc.lines) - 1, -1, -1):
        kind = doc.kinds[i]
        if kind == TAG:
            trailing.add(i)
        elif kind != BLANK and kind != META and i not in doc.skip:
            break
    return trailing


def _first_commentary_line(doc: _Doc, start: _Start) -> int:
    """The first line with commentary text at or after the start's body (``len(lines)`` if none)."""
    line, col = start.body
    first = True
    for i in range(line, len(doc.lines)):
        text = doc.lines[i][col if i == line else 0 :]
        if _counts(doc, i) and text.strip():
            if first and _READ_STATE.match(text):  # "Read: yes" is state, not commentary (see _tidy)
                first = False
                continue
            return i
    return len(doc.lines)


def _unique(items: list[str], exclude: str | None = None) -> list[str]:
    return [item for item in dict.fromkeys(items) if item != exclude]


# =================================================================================================
# Putting it together


def parse_text(text: str, source: str = "<text>", date: dt.date | None = None) -> ParsedDigest:
    """Parse a digest's text. Never raises on a ``str``: oddities become warnings.

    ``source`` names the file (its name may carry the date); ``date`` overrides any date found.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_text expects str, not {type(text).__name__}")
    try:
        return _parse(_normalise(text), source, date)
    except Exception as exc:  # a bug must not take the caller down with it; tests assert it never happens
        return ParsedDigest(source, date, warnings=[ParseWarning(0, f"internal parser error: {exc!r}")])


def parse_file(path: str | os.PathLike[str], date: dt.date | None = None) -> ParsedDigest:
    """Read and parse a digest file (``source`` is ``str(path)``); decoding warnings come first.

    Raises ``DigestReadError`` when the file cannot be read as text.
    """
    text, warnings = read_digest_file(path)
    parsed = parse_text(text, str(path), date)
    parsed.warnings[:0] = warnings
    return parsed


def _parse(text: str, source: str, date: dt.date | None) -> ParsedDigest:
    lines = text.split("\n")
    front_lines, front = _front_matter(lines)
    doc = _classify(lines, front_lines)
    starts = _find_starts(doc)
    _resolve_bare_titles(doc, starts)
    _mark_skipped_headings(doc, {s.line for s in starts})

    heading_date, title = _date_and_title(lines, front)
    digest = ParsedDigest(source, date or heading_date or _file_date(source), title)
    entries = [
        Entry(s.link.arxiv_id, s.link.version, s.title, list(s.authors), line=s.begin[0] + 1) for s in starts
    ]
    begins = [s.begin for s in starts]
    _assign_commentary(doc, starts, entries)
    _assign_tags(doc, starts, entries, begins, digest)
    _assign_references(doc, starts, entries, begins, digest)
    digest.warnings.extend(
        ParseWarning(i + 1, f"malformed arXiv id {link.arxiv_id!r}")
        for i, links in sorted(doc.links.items())
        for link in links
        if link.malformed
    )
    digest.entries = _merge_duplicates(entries, digest.warnings)
    if not doc.links:
        digest.warnings.append(ParseWarning(0, "no arXiv links found"))
    elif not digest.entries:
        digest.warnings.append(ParseWarning(0, "arXiv links found, but none starts an entry"))
    digest.warnings.sort(key=lambda w: w.line)
    return digest


def _region_end(starts: list[_Start], k: int, n: int) -> tuple[int, int]:
    return starts[k + 1].begin if k + 1 < len(starts) else (n, 0)


def _assign_commentary(doc: _Doc, starts: list[_Start], entries: list[Entry]) -> None:
    for k, (start, entry) in enumerate(zip(starts, entries)):
        pieces = _slice(doc, start.body, _region_end(starts, k, len(doc.lines)))
        entry.commentary = _tidy(pieces, unquote=start.export)


def _owner(begins: list[tuple[int, int]], pos: tuple[int, int]) -> int:
    """Index of the entry whose text contains ``pos``; -1 before the first entry."""
    return bisect_right(begins, pos) - 1


def _assign_tags(
    doc: _Doc, starts: list[_Start], entries: list[Entry], begins: list[tuple[int, int]], digest: ParsedDigest
) -> None:
    """Tag lines go to their entry; a trailing one after commentary in a many-paper post to the digest."""
    trailing = _trailing_tag_lines(doc)
    # Trailing tag lines lie in the last entry's text; they are the digest's when it has commentary.
    last_commentary = _first_commentary_line(doc, starts[-1]) if len(starts) > 1 and trailing else len(doc.lines)
    found: dict[int, list[str]] = {}  # entry index (-1: the digest) -> tags in order
    for i, kind in enumerate(doc.kinds):
        if kind != TAG:
            continue
        k = _owner(begins, (i, 0))
        if i in trailing and last_commentary < i:
            k = -1
        found.setdefault(k, []).extend(_tags(doc.lines[i]))
    for k, tags in found.items():
        target = digest.tags if k < 0 else entries[k].tags
        target[:] = _unique(target + tags)


def _assign_references(
    doc: _Doc, starts: list[_Start], entries: list[Entry], begins: list[tuple[int, int]], digest: ParsedDigest
) -> None:
    """Every other link is a reference of the entry whose text it is in (or of the digest)."""
    own = {(s.line, s.link.start) for s in starts}
    refs: list[list[str]] = [[] for _ in entries]
    digest_refs: list[str] = []
    for i in sorted(doc.links):
        for link in doc.links[i]:
            if link.malformed or (i, link.start) in own:
                continue
            k = _owner(begins, (i, link.start))
            (refs[k] if k >= 0 else digest_refs).append(link.arxiv_id)
    for entry, found in zip(entries, refs):
        entry.references = _unique(found, exclude=entry.arxiv_id)
    digest.references = _unique(digest_refs)


def _merge_duplicates(entries: list[Entry], warnings: list[ParseWarning]) -> list[Entry]:
    """Keep the first entry of each id; fold later ones into it, with a warning."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.arxiv_id, []).append(entry)
    for first, *later in groups.values():
        if not later:
            continue
        warnings.extend(
            ParseWarning(e.line, f"duplicate entry for {e.arxiv_id} (first at line {first.line}); merged") for e in later
        )
        group = [first, *later]
        first.title = next((e.title for e in group if e.title), None)
        first.authors = next((e.authors for e in group if e.authors), [])
        first.version = next((e.version for e in group if e.version), None)
        first.commentary = "\n\n".join(e.commentary for e in group if e.commentary)
        first.references = _unique([ref for e in group for ref in e.references], exclude=first.arxiv_id)
        first.tags = _unique([tag for e in group for tag in e.tags])
    return [group[0] for group in groups.values()]
