"""Where entries start: on each text, heading or list line with arXiv links, which link (if
any) starts an entry, and what title and authors its line gives it.

The shapes read (each a test in ``tests/test_digest_layouts.py``/``test_digest_fidelity.py``):
a line starting with a link (``URL``, ``URL Title (Authors)``, ``URL *Title*``, ``URL Title``,
``[Title](URL)``, ``[arXiv](URL) · [PDF](…)``), a title before the link (``1. Title URL``,
``Title (Authors) URL``, ``- Title [[arXiv](URL)]``, a note's first line ``Title URL``), flattened
posts (``… URL Title (Authors) …`` mid-line, or links side by side), and ``description (URL)``
lines. A link glued to text (``URL와``) or followed by a particle or running text (``URL 과 비슷한``,
``URL is similar``) is a reference; so is "URL + commentary" unless that is the file's layout.
"""

from __future__ import annotations

import re

from msgspec import Struct, field

from reader.core.ids import Link

from .lines import BLANK, CAN_START, HEADING, LINE_PREFIX, META, TABLE, TEXT, Doc
from .markup import Unit, link_spans, md_links, only_links, title_before, units
from .names import (
    SENTENCE_END,
    SEPARATORS,
    group_at,
    is_generic_label,
    is_title_line,
    lenient_authors,
    skip,
    starts_like_title,
    title_and_authors,
    title_ok,
    titleish,
    whole_line_header,
)

# A word right after a link that makes the link part of a sentence: Korean particles written
# apart from the URL, and English words that continue a sentence about it.
_CONNECTORS = frozenset(
    """과 와 은 는 이 가 을 를 에 에서 에서는 에서도 의 도 처럼 같은 같이 보다 하고 이랑 랑 로 으로 와는 과는
    이나 나 까지 부터 만 에게 에는 과의 와의 is are was were and or also which that as vs vs. like did does do
    has had have can could would will seems seem looks look""".split()
)
_LEADING_PUNCT = ",;:)]"


class Start(Struct):
    """Where one entry starts and what its header says."""

    link: Link
    line: int  # 0-based line of the entry's link
    begin: tuple[int, int]  # (line, column) where the entry's text begins: the previous one ends here
    body: tuple[int, int]  # (line, column) where its commentary begins
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    title_source: str = "digest"  # "digest" (written as a title), "link" (a link's text), "file"
    bare: bool = False  # only links on its line: its title may sit on a line before or after
    plain: bool = False  # ... and it has no list or heading marker
    export: bool = False  # a ``## [Title](link)`` heading, as our own export writes them
    header_end: int = 0  # last line the header uses
    weak: bool = False  # "URL commentary": an entry only where that is the file's layout
    paren: bool = False  # "description (URL)": an entry only in a file of such lines
    listed: bool = False  # a list item: its text ends where the next item of its list starts
    lead: str = ""  # commentary written before the link on its line ("description (URL)")
    unit: tuple[int, int] = (0, 0)  # the markup the entry's link takes up on its line
    stop: tuple[int, int] | None = None  # where its text ends when that is before the next entry
    level: int = 0  # its header is a heading of this level: a heading as high ends its text


def _glued(line: str, pos: int) -> bool:
    """Text continues right at ``pos`` with a letter or digit (``…/2007.05869와``)."""
    return pos < len(line) and line[pos].isalnum()


def _inside_parens(line: str, lo: int, hi: int) -> bool:
    """An unclosed ``(`` between ``lo`` and ``hi``."""
    opening = line.rfind("(", lo, hi)
    return opening != -1 and line.find(")", opening, hi) == -1


def _running_text(line: str, pos: int, stop: int) -> bool:
    """The text at ``pos`` continues a sentence about the link before it."""
    words = line[pos : min(stop, pos + 40)].lstrip(" \t" + _LEADING_PUNCT).split(maxsplit=1)
    return bool(words) and words[0].lower().rstrip(",.") in _CONNECTORS


class _Line:
    """One line's links, their markup and what the line starts with."""

    def __init__(self, doc: Doc, i: int) -> None:
        self.doc = doc
        self.i = i
        self.line = line = doc.lines[i]
        self.links = doc.links[i]
        self.mds = md_links(line) if "](" in line else []
        self.units = units(self.links, self.mds)
        self.spans = link_spans(self.mds, self.links)
        prefix = LINE_PREFIX.match(line)
        assert prefix is not None
        self.prefix_end = prefix.end()
        self.listed = bool(prefix.group("list") or prefix.group("head"))
        self.heading = bool(prefix.group("head"))
        self.level = len(prefix.group("head").strip()) if prefix.group("head") else 0
        self.first = self.prefix_end + 1 if line.startswith("<", self.prefix_end) else self.prefix_end

    def only_links_after(self, pos: int) -> bool:
        return only_links(self.line, pos, self.spans)

    def commentary_follows(self) -> bool:
        """The next line is text of its own (no link, no list item): commentary under a title."""
        j = self.i + 1
        if j >= len(self.doc.lines) or self.doc.kinds[j] not in (TEXT, BLANK):
            return False
        if self.doc.kinds[j] == BLANK:
            j += 1
            while j < len(self.doc.lines) and self.doc.kinds[j] == BLANK:
                j += 1
        if j >= len(self.doc.lines) or self.doc.kinds[j] != TEXT:
            return False
        links, line = self.doc.links.get(j), self.doc.lines[j]
        if not links or line[: links[0].start].strip(" \t<["):
            return True
        return _glued(line, links[0].end) or _running_text(line, links[0].end, len(line))  # "URL와 비슷"

    def start(self, k: int, begin: int, body: int, **kw: object) -> Start:
        unit = self.units[k]
        return Start(self.links[k], self.i, (self.i, begin), (self.i, body), unit=(unit.start, unit.end),
                     header_end=self.i, listed=self.listed and not self.heading, **kw)  # type: ignore[arg-type]


def line_starts(doc: Doc, i: int, paragraph_start: bool) -> list[Start]:
    """The entries that start on line ``i`` (a text, heading or table line with links)."""
    if doc.kinds[i] not in CAN_START or doc.kinds[i] == TABLE:
        return []
    ln = _Line(doc, i)
    valid = [k for k, link in enumerate(ln.links) if not link.malformed]
    if not valid:
        return []
    k0 = valid[0]
    unit0 = ln.units[k0]
    if unit0.md is not None and ln.links[k0].start < unit0.md.url_start:
        # ``[Comment on arXiv:2001.00001](URL)``: the paper is the one the URL names
        k0 = next((k for k in valid if ln.units[k] == unit0 and ln.links[k].start >= unit0.md.url_start), k0)
    starts: list[Start] = []
    if unit0.start <= ln.first:
        found = _link_first(ln, k0, _next_stop(ln, k0))
    else:
        found = _title_first(ln, k0, paragraph_start)
    if found is not None:
        starts.append(found)
    _flattened(ln, k0 if found is not None else k0 - 1, starts)
    return starts


def _next_stop(ln: _Line, k: int) -> int:
    """Where the text that belongs to link ``k`` ends on its line: the next valid link's markup."""
    for j in range(k + 1, len(ln.links)):
        if not ln.links[j].malformed and ln.units[j].start >= ln.units[k].end:
            return ln.units[j].start
    return len(ln.line)


def _link_first(ln: _Line, k: int, stop: int) -> Start | None:
    """A line that starts with the paper's link (or ``[Title](link)``)."""
    line, unit = ln.line, ln.units[k]
    md_first = unit.md is not None and unit.md.url_start <= ln.links[k].start
    if md_first and (unit.label is not None or ln.heading):
        label = unit.heading_label if ln.heading else unit.label
        end, names = unit.end, []
        group = group_at(line, skip(line, end, len(line), " \t"), len(line))
        if group is not None:
            found = lenient_authors(group[0])
            if found:
                names, end = found, group[1]
        rest_links = ln.only_links_after(end)
        if not (ln.listed or names or rest_links or titleish(label or "")):
            return None  # "[earlier work](URL) 과 비슷하다": a sentence that starts with a link
        body = len(line) if rest_links else end
        return ln.start(k, 0, body, title=label, authors=names, title_source="link", export=ln.heading,
                        level=ln.level)
    if _glued(line, unit.end):
        return None
    if ln.only_links_after(unit.end):
        s = ln.start(k, 0, len(line), bare=True, plain=not ln.listed)
        s.body = (ln.i + 1, 0)
        return s
    header = title_and_authors(line, unit.end, stop, single=True)
    if header is not None and (header.authors or not line[header.end : stop].strip()):
        return ln.start(k, 0, header.end, title=header.title, authors=header.authors)
    rest = line[unit.end : stop].strip(SEPARATORS)
    if stop == len(line) and (titleish(rest) or (is_title_line(rest) and ln.commentary_follows())):
        return ln.start(k, 0, len(line), title=" ".join(rest.split()))  # "URL Title", commentary below
    if _running_text(line, unit.end, stop):
        return None
    return ln.start(k, 0, unit.end, weak=not ln.listed)


def _title_first(ln: _Line, k: int, paragraph_start: bool) -> Start | None:
    """A line with text before the paper's link: ``1. Title URL``, ``Title (Authors) URL``,
    ``- Title [[arXiv](URL)]``, ``Title URL`` opening a note, ``description (URL)``."""
    line, unit = ln.line, ln.units[k]
    if _glued(line, unit.end):
        return None
    pre = line[ln.first : unit.start]
    rest_links = ln.only_links_after(unit.end)
    body = len(line) if rest_links else unit.end
    if rest_links and pre.strip() and is_generic_label(pre.strip(SEPARATORS + ",;*_")):
        # "Paper: URL", "- 논문: URL", "**URL:** [Title](URL)": the title, if not here, is nearby
        found_label = unit.label
        s = ln.start(k, 0, len(line), title=found_label, title_source="link",
                     bare=found_label is None, plain=not ln.listed)
        return s
    header = whole_line_header(pre.strip(SEPARATORS + ",;"))
    if header is not None:
        return ln.start(k, 0, body, title=header.title, authors=header.authors)
    found = title_before(pre)
    if found is None and unit.label is not None and not pre.strip(" \t*_"):
        found = (unit.label, "link")  # "- **[Title](link)**"
    if found is not None and ln.listed and not found[0].endswith(SENTENCE_END):
        return ln.start(k, 0, body, title=found[0], title_source=found[1])
    if ln.listed and unit.md is not None and unit.label is None and rest_links:
        return ln.start(k, 0, body)  # "- 트랜스포머의 시작 [[논문](URL)]": the item's paper, untitled
    if not ln.listed and _in_closing_parens(line, unit):
        lead = pre.rstrip().rstrip("(").strip()
        if lead:
            if found is not None and titleish(found[0]):
                return ln.start(k, 0, len(line), title=found[0], paren=True)
            return ln.start(k, 0, len(line), paren=True, lead=lead)
    if found is not None and paragraph_start and rest_links and titleish(found[0]):
        return ln.start(k, 0, body, title=found[0], title_source=found[1])
    return None


def _in_closing_parens(line: str, unit: Unit) -> bool:
    """``… (URL)`` ending the line."""
    return line[: unit.start].rstrip().endswith("(") and line[unit.end :].strip() in (")", ").", "),", ");")


def _flattened(ln: _Line, k0: int, starts: list[Start]) -> None:
    """More entries on the same line: links side by side after an entry's link, or a mid-line
    link after a space followed by ``Title (Authors)`` (the flattened posts of a social feed)."""
    line = ln.line
    consumed = starts[0].unit[1] if starts else 0
    previous_end = ln.units[k0].end if k0 >= 0 else 0
    for k in range(k0 + 1, len(ln.links)):
        link, unit = ln.links[k], ln.units[k]
        if link.malformed or unit.start < consumed:
            previous_end = max(previous_end, unit.end)
            continue
        if (
            starts
            and link.arxiv_id == starts[-1].link.arxiv_id
            and unit.start - previous_end <= 40
            and only_links(line, previous_end, ln.spans, unit.start)
        ):
            previous_end = consumed = unit.end  # ``[arXiv](…) · [PDF](…)`` of the same paper
            continue
        start = None
        if unit.start > 0 and line[unit.start - 1].isspace():
            gap_after_entry = starts and starts[-1].unit[1] == previous_end
            if gap_after_entry and not line[previous_end : unit.start].strip():
                plain_link = unit.md is None or titleish(unit.label or "")
                if plain_link and not (_glued(line, unit.end) or _running_text(line, unit.end, len(line))):
                    start = _after_link(ln, k, _next_stop(ln, k), mid_line=False)
            elif not _inside_parens(line, previous_end, unit.start):
                start = _after_link(ln, k, _next_stop(ln, k), mid_line=True)
        if start is not None:
            starts.append(start)
            consumed = unit.end
        previous_end = unit.end


def _after_link(ln: _Line, k: int, stop: int, *, mid_line: bool) -> Start | None:
    """An entry whose link is ``k``, mid-line; its title and authors may follow up to ``stop``."""
    line, unit = ln.line, ln.units[k]
    header = title_and_authors(line, unit.end, stop) if not _glued(line, unit.end) else None
    if header is not None and header.authors and (not mid_line or starts_like_title(header.title)):
        return ln.start(k, unit.start, header.end, title=header.title, authors=header.authors)
    if mid_line:
        return None
    if header is not None:  # an emphasised title without authors
        return ln.start(k, unit.start, header.end, title=header.title)
    return ln.start(k, unit.start, unit.end)


def find_starts(doc: Doc) -> list[Start]:
    """Every entry start in the file, in order, before the file-wide choices (``choose``)."""
    starts: list[Start] = []
    previous_line_started = False
    for i in sorted(doc.links):
        kind = doc.kinds[i]
        if kind not in CAN_START:
            continue
        before = doc.kinds[i - 1] if i > doc.front_lines else META
        paragraph_start = before in (BLANK, HEADING, META) or (previous_line_started and starts[-1].line == i - 1)
        found = line_starts(doc, i, paragraph_start)
        starts.extend(found)
        previous_line_started = bool(found)
    return starts


def choose(starts: list[Start], named: bool = False) -> list[Start]:
    """The file-wide choices: "URL + commentary" lines start entries only where most entries are
    written so (else they are references in the entry being read); ``description (URL)`` lines
    only in a file that opens with several such lines and has no other entries and no paper
    ``named`` in its front matter."""
    weak = sum(1 for s in starts if s.weak)
    paren = sum(1 for s in starts if s.paren)
    others = len(starts) - weak - paren
    keep_weak = weak > len(starts) - weak
    keep_paren = paren >= 2 and others == 0 and not named and (weak == 0 or not keep_weak) and starts[0].paren
    return [s for s in starts if (not s.weak or keep_weak) and (not s.paren or keep_paren)]


def leading_link_start(doc: Doc) -> Start | None:
    """A file with links but no entry: a link in its first lines still starts one (a note
    that opens with "Paper: URL", "논문 URL" …)."""
    seen = 0
    for i in range(doc.front_lines, min(len(doc.lines), doc.front_lines + 50)):
        kind = doc.kinds[i]
        if kind == BLANK:
            continue
        seen += 1
        if seen > 3:
            break
        links = [lk for lk in doc.links.get(i, ()) if not lk.malformed]
        if links and kind in CAN_START:
            ln = _Line(doc, i)
            k = ln.links.index(links[0])
            unit = ln.units[k]
            title = unit.label
            pre = re.sub(r"^[^\w]*", "", ln.line[ln.first : unit.start])
            guess = title_before(pre) if pre else None
            if title is None and guess is not None and titleish(guess[0]) and not is_generic_label(guess[0]):
                title = guess[0]
            return ln.start(k, 0, unit.end, title=title, title_source="link" if unit.label else "digest")
    return None


_PAPER_KEYS = frozenset("url source link arxiv arxiv_url paper paper_url pdf doi".split())


def front_matter_start(doc: Doc) -> Start | None:
    """A note whose front matter names its paper (``url: https://arxiv.org/abs/…``), titled by
    its ``title:``; the links in its text are then references."""
    for i in range(doc.front_lines):
        key = doc.lines[i].partition(":")[0].strip().lower()
        links = [lk for lk in doc.links.get(i, ()) if not lk.malformed]
        if links and key in _PAPER_KEYS:
            title = doc.front.get("title") or None
            if title is not None and not title_ok(title):
                title = None
            return Start(links[0], i, (i, 0), (doc.front_lines, 0), title=title, header_end=i, bare=True)
    return None


__all__ = ["Start", "choose", "find_starts", "front_matter_start", "leading_link_start", "title_ok"]
