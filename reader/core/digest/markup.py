"""Markdown around links on one line: ``[text](url)`` spans (wrapped as ``[[arXiv](…)]`` or
``[[pdf]](…)``), the markup a paper's link takes up, whether the rest of a line is only more
links, and the title in the text before a link (``- Title, [[arXiv](…)] [[code](…)]``)."""

from __future__ import annotations

import re
from bisect import bisect_left

from msgspec import Struct

from reader.core.ids import Link, find_links, parse_id

from .names import EMPHASIS, MD_ESCAPE, SENTENCE_END, SEPARATORS, is_generic_label, title_ok, unemphasise

_MD_LINK = re.compile(
    r"\[(?P<text>(?:\\.|[^\[\]\\\n]|\[[^\[\]\n]{0,200}\]){0,2000})\]"
    r"\((?P<url><[^<>\n]{1,2000}>|[^()\s]{1,2000})(?:[ \t]+\"[^\"\n]{0,300}\")?\)"
)
_LETTER = re.compile(r"[^\W\d_]")
_RAW_URL = re.compile(r"(?:https?://|www\.)\S+")
_JUNK = re.compile(r"[\s·•|,;/\\\-–—()\[\]<>*_:!.]+")
_NOT_JUNK = re.compile(r"[^\s·•|,;/\\\-–—()\[\]<>*_:!.]")
_NUMBERING = re.compile(r"^(?:#?\d{1,3}[.):]|\(\d{1,3}\)|\[\d{1,3}\])[ \t]+")
# A trailing "(NeurIPS 2020)", "[ICLR 2021]", "(2020)": where and when, not the title.
_VENUE_TAIL = re.compile(r"[ \t]*[(\[][^()\[\]]{0,40}(?:(?:19|20)\d\d|arXiv|preprint)[^()\[\]]{0,20}[)\]][ \t]*$", re.I)
# A trailing ", A. Author et al., 2020" / " - Author et al.": a byline.
_NOTE_AFTER = re.compile(r"[ \t]+[-–—|:][ \t]+")
# A trailing ", M. Luong and C. Manning.": initials and surnames.
_INITIALS_TAIL = re.compile(
    r"[ \t]*,[ \t]*(?:[A-Z]\.(?:[ \t]?-?[A-Z]\.)*[ \t]?[A-Z][\w'’-]+(?:[ \t]*(?:,|and|&)[ \t]*)?)+\.?[ \t]*$"
)
# "Title (2017), S. Ioffe." / "Title(2017): A Tutorial": the year ends the title.
_YEAR_SPLIT = re.compile(r"[ \t]*[(\[](?:19|20)\d\d[a-z]?[)\]](?=[,.:;]|[ \t]*$|[ \t]+[A-Z])")
_BYLINE_TAIL = re.compile(r"[ \t]*[,\-–—][ \t]*[A-Z][^,()\[\]]{0,60}?\bet[ \t]+al\.?(?:,?[ \t]*\(?(?:19|20)\d\d\)?)?[ \t]*$")


class MdLink(Struct, frozen=True):
    start: int  # of the whole link, wrapper brackets included
    end: int
    text_start: int
    text_end: int
    url_start: int
    url_end: int
    text: str  # the link text, unescaped and without emphasis


def md_links(line: str) -> list[MdLink]:
    """Every ``[text](url)`` on the line, in order."""
    found = []
    for m in _MD_LINK.finditer(line):
        start, end = m.start(), m.end()
        if start > 0 and end < len(line) and line[start - 1] + line[end] in ("[]", "()"):
            start, end = start - 1, end + 1  # ``[[arXiv](…)]``
        text = m.group("text")
        if text.startswith("[") and text.endswith("]") and "[" not in text[1:-1]:
            text = text[1:-1]  # ``[[pdf]](…)``
        text = MD_ESCAPE.sub(r"\1", unemphasise(text.strip())).strip()
        found.append(MdLink(start, end, m.start("text"), m.end("text"), m.start("url"), m.end("url"), text))
    return found


class Unit(Struct, frozen=True):
    """The markup a link takes up on its line: itself, or the markdown link it is part of."""

    start: int
    end: int
    md: MdLink | None = None

    @property
    def label(self) -> str | None:
        """The markdown link's text when it could be a title (not a label, URL or bare id)."""
        text = self.md.text if self.md is not None else ""
        if not text or len(text) > 2000 or "](" in text or not _LETTER.search(text):
            return None
        if is_generic_label(text) or only_ids(text):
            return None
        return text

    @property
    def heading_label(self) -> str | None:
        """The text of a ``## [Title](link)`` heading (our export's): any text but ids or a URL."""
        text = self.md.text if self.md is not None else ""
        return text if text and not only_ids(text) else None


def units(links: list[Link], mds: list[MdLink]) -> list[Unit]:
    """For each link, the markup it takes up (the markdown link whose text or URL holds it)."""
    out, j = [], 0
    for link in links:
        while j < len(mds) and mds[j].end <= link.start:
            j += 1
        md = mds[j] if j < len(mds) and mds[j].start <= link.start and link.end <= mds[j].end else None
        out.append(Unit(md.start, md.end, md) if md else Unit(link.start, link.end))
    return out


def only_ids(text: str) -> bool:
    """Nothing but arXiv ids or links: ``2007.01758``, ``arXiv:2007.01758``, a URL, several.
    ``Comment on arXiv:2001.00001`` is a title."""
    if parse_id(text) is not None:
        return True
    if "://" in text:
        return True
    links = find_links(text)
    if not links:
        return False
    rest, pos = [], 0
    for link in links:
        rest.append(text[pos : link.start])
        pos = link.end
    rest.append(text[pos:])
    return not rest[0].strip() and not rest[-1].strip() and not "".join(rest).strip(" \t,;&|")


def only_links(line: str, pos: int, spans: list[tuple[int, int]], end: int | None = None) -> bool:
    """``line[pos:end]`` holds nothing but links (markdown or raw), separators and labels such as
    "PDF" or "code": ``· [PDF](…) | [Code](…)``. ``spans`` are the links' spans, sorted; the cost
    is that of the first gap with something else in it."""
    end = len(line) if end is None else end
    k = max(0, bisect_left(spans, (pos, pos)) - 1)
    cursor = pos
    while cursor < end:
        while k < len(spans) and spans[k][1] <= cursor:
            k += 1
        gap_end = min(end, spans[k][0]) if k < len(spans) else end
        if gap_end > cursor and not _junk(line, cursor, gap_end):
            return False
        if k >= len(spans) or spans[k][0] >= end:
            return True
        cursor = max(cursor, spans[k][1])
    return True


def _junk(line: str, start: int, end: int) -> bool:
    """``line[start:end]`` is separators, raw URLs and labels only. Long text is never that: it is
    not copied to find out."""
    if _NOT_JUNK.search(line, start, end) is None:
        return True
    if end - start > 400:
        return False
    rest = _JUNK.sub(" ", _RAW_URL.sub(" ", line[start:end])).strip()
    return not rest or is_generic_label(rest)


def link_spans(mds: list[MdLink], links: list[Link]) -> list[tuple[int, int]]:
    return sorted([(m.start, m.end) for m in mds] + [(lk.start, lk.end) for lk in links])


def title_before(text: str) -> tuple[str, str] | None:
    """``(title, source)`` in the text before a paper's link on a list line or title line:
    markdown links become their text (source ``link`` when that is all there is), numbering,
    emphasis, a trailing venue or byline and separators go. None when nothing title-like is left."""
    text = text.strip()
    source = "digest"
    mds = md_links(text)
    if mds:
        if len(mds) == 1 and not (text[: mds[0].start] + text[mds[0].end :]).strip(SEPARATORS + "*_[]()"):
            source = "link"
        pieces, cursor = [], 0
        for md in mds:
            pieces.append(text[cursor : md.start])
            pieces.append("" if is_generic_label(md.text) or only_ids(md.text) else md.text)
            cursor = md.end
        pieces.append(text[cursor:])
        text = "".join(pieces)
    text = _NUMBERING.sub("", _NUMBERING.sub("", text.strip()).strip(SEPARATORS + ",;/·•[(<"))
    lead = EMPHASIS.match(text)
    if lead is not None and lead.start() == 0 and (lead.end() == len(text) or not text[lead.end()].isalnum()):
        text = lead.group("text")  # "*Title*, A. Author et al." -> "Title"
    text = _without_byline(text)
    text = unemphasise(MD_ESCAPE.sub(r"\1", text.strip(SEPARATORS + ",;/·•[(<")).strip())
    text = " ".join(text.split())
    if text.endswith(SENTENCE_END) and ". " in text:
        head = text.split(". ", 1)[0]  # "Title. A. Author, B. Author. Venue 2020."
        if len(head.split()) >= 2:
            text = head
    elif text.endswith(".") and text.count(".") == 1 and len(text.split()) >= 2:
        text = text[:-1]  # "[1] Title." in a list of references
    if not title_ok(text):
        # "Attention Is All You Need — 트랜스포머의 시작": the title, then a note in another script
        head = _NOTE_AFTER.split(text, 1)[0].strip()
        text = head if head != text and title_ok(head) and len(head.split()) >= 2 else ""
    if not text or only_ids(text) or is_generic_label(text):
        return None
    return text, source


def _without_byline(text: str) -> str:
    """``Title (2017), A. Author et al.`` -> ``Title``: a year, venue or byline after a title."""
    for _ in range(3):
        cut = _VENUE_TAIL.sub("", _BYLINE_TAIL.sub("", _INITIALS_TAIL.sub("", text)))
        if cut == text:
            break
        text = cut
    year = _YEAR_SPLIT.search(text)
    if year is not None and year.start() > 0 and len(text[: year.start()].split()) >= 1:
        text = text[: year.start()]
    return text


def ends_like_sentence(text: str) -> bool:
    return text.endswith(SENTENCE_END)
