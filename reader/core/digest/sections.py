"""Files of several digests: dated sections (``# 200708 …``, ``## 2018-02``, ``## Top Papers of
the Week (Feb 6 - 12)``) and our own export (a section per ``#`` heading). Each section is a
digest of its own; its entries' text never runs into the next section."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter

from msgspec import Struct

from .dates import HeadingDate, heading_date, year_for
from .lines import HEADING, Doc, heading
from .starts import Start

LOOSE_HEADING = "papers in no digest"  # the export's section of papers no digest lists


class Section(Struct):
    """A stretch of lines ``[line, end)``; ``line`` is its heading, or -1 outside any section."""

    line: int
    end: int
    text: str = ""  # the heading's text
    when: HeadingDate | None = None
    date: dt.date | None = None

    @property
    def title(self) -> str | None:
        if self.when is not None and self.when.prefix:
            return self.when.title
        return self.text or None

    @property
    def name(self) -> str | None:
        return self.title or self.text or None


def plan(doc: Doc, starts: list[Start]) -> list[Section]:
    """The file's sections, covering every line in order (stretches outside any section have
    ``line == -1``); empty when the file is one digest."""
    start_lines = {s.line for s in starts}
    headings = []
    for i, kind in enumerate(doc.kinds):
        if kind == HEADING and i not in start_lines:
            head = heading(doc.lines[i])
            if head is not None:
                headings.append((i, head[0], head[1], heading_date(head[1])))
    if any(s.export for s in starts):
        heads = [(i, level, text, when) for i, level, text, when in headings if level == 1]
        level = 1
    else:
        dated = Counter(level for _, level, _, when in headings if when is not None)
        if not dated:
            return []
        level, count = max(dated.items(), key=lambda item: (item[1], -item[0]))
        if count < 2:
            return []
        heads = [(i, lv, text, when) for i, lv, text, when in headings if lv == level and when is not None]
    ends = sorted(i for i, lv, _, _ in headings if lv <= level)
    sections: list[Section] = []
    cursor = 0
    for i, _, text, when in heads:
        if i > cursor:
            sections.append(Section(-1, i))
        nxt = ends[bisect_right(ends, i)] if bisect_right(ends, i) < len(ends) else len(doc.lines)
        sections.append(Section(i, nxt, text, when))
        cursor = nxt
    if cursor < len(doc.lines):
        sections.append(Section(-1, len(doc.lines)))
    bounds = barriers(sections)
    filled = {bisect_right(bounds, s.line) for s in starts}
    if sum(1 for k in filled if sections[k].line >= 0) < 2:
        return []
    _date_sections(sections, starts)
    return sections


def barriers(sections: list[Section]) -> list[int]:
    """The first line of every section but the first: where an entry's text must stop."""
    return [s.line if s.line >= 0 else _start_line(sections, k) for k, s in enumerate(sections)][1:]


def _start_line(sections: list[Section], k: int) -> int:
    return sections[k - 1].end if k > 0 else 0


def index_of(sections: list[Section], line: int) -> int:
    return bisect_right(barriers(sections), line) if sections else 0


def _date_sections(sections: list[Section], starts: list[Start]) -> None:
    """Each dated section's date; a week without a year takes it from its papers' ids or the
    nearest dated sections."""
    ids: dict[int, list[str]] = {}
    bounds = barriers(sections)
    for s in starts:
        ids.setdefault(bisect_right(bounds, s.line), []).append(s.link.arxiv_id)
    for section in sections:
        if section.when is not None and section.when.year is not None:
            section.date = section.when.date()
    for k, section in enumerate(sections):
        when = section.when
        if when is None or when.year is not None:
            continue
        near = [sections[j].date for j in _neighbours(k, len(sections)) if sections[j].date is not None]
        year = year_for(when, ids.get(k, []), [d for d in near if d is not None][:1])
        section.date = when.date(year) if year is not None else None


def _neighbours(k: int, n: int) -> list[int]:
    out = []
    for step in range(1, min(n, 12)):
        for j in (k - step, k + step):
            if 0 <= j < n:
                out.append(j)
    return out
