"""Markdown tables of papers, one per row (weekly-table READMEs, awesome lists in tables):
``| 1) **Title** - description | [Paper](URL), [Tweet](…) |``. The title is in the first cell,
the rest of that cell is commentary, and the paper is the first arXiv link in a cell of links;
links inside the description are references."""

from __future__ import annotations

import itertools
import re

from .lines import TABLE, Doc
from .markup import link_spans, md_links, only_links, title_before, units
from .names import EMPHASIS, MD_ESCAPE, SEPARATORS, is_title_line
from .starts import Start

_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SEPARATOR_ROW = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?[ \t]*)?")
_NUMBER = re.compile(r"^[ \t]*(?:#?\d{1,3}[.):]|\(\d{1,3}\))[ \t]*")
_BR = re.compile(r"[ \t]*<br\s*/?>[ \t]*", re.IGNORECASE)
# How a description's first sentence starts, after a title run into it with one space.
_STARTER = re.compile(
    r"[ \t]+(?=(?:This|These|We|Our|In this|Here|Introduces|Proposes|Presents|Shows|Describes|Develops|Releases"
    r"|Trains|Studies|Explores|Investigates|Provides|Demonstrates|Finds|Reports|Evaluates|Surveys|Analyzes|Analyses)"
    r"[ \t]+[a-z])"
)
_TITLE_SPLIT = re.compile(r"[ \t]{2,}|[ \t]+[-–—][ \t]+|<br\s*/?>", re.IGNORECASE)


def _cells(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each cell of a table row, without the outer bars."""
    bars = [m.start() for m in _CELL_SPLIT.finditer(line)]
    cells = []
    for a, b in itertools.pairwise(bars):
        cells.append((a + 1, b))
    return cells


def _title_and_description(text: str) -> tuple[str | None, str]:
    """A first cell: ``1) **Title** - description`` or ``1) Title  description``."""
    text = _NUMBER.sub("", text.strip())
    em = EMPHASIS.match(text)
    if em is not None and em.start() == 0:
        title, rest = em.group("text").strip(), text[em.end() :]
    else:
        split = _TITLE_SPLIT.search(text)
        title, rest = (text[: split.start()], text[split.end() :]) if split else (text, "")
        starter = _STARTER.search(title)
        if starter is not None and starter.start() > 0:
            # "Title This paper presents …": one space where two were meant
            title, rest = text[: starter.start()], text[starter.end() :]
        elif split is None and not is_title_line(title):
            return None, text
    found = title_before(title)
    title = found[0] if found else None
    description = _BR.sub("\n", rest.strip().lstrip(SEPARATORS).strip())
    lines = [" ".join(MD_ESCAPE.sub(r"\1", line).split()) for line in description.split("\n")]
    return title, "\n".join(line for line in lines if line)


def table_starts(doc: Doc) -> list[Start]:
    """An entry for each table row with a paper's link in a cell of links."""
    starts = []
    for i in sorted(doc.links):
        if doc.kinds[i] != TABLE or _SEPARATOR_ROW.fullmatch(doc.lines[i]):
            continue
        found = _row(doc, i)
        if found is not None:
            starts.append(found)
    return starts


def _row(doc: Doc, i: int) -> Start | None:
    line, links = doc.lines[i], doc.links[i]
    cells = _cells(line)
    if len(cells) < 2:
        return None
    mds = md_links(line)
    spans = link_spans(mds, links)
    row_units = units(links, mds)
    title_cell = next((c for c in cells if line[c[0] : c[1]].strip() and not only_links(line, c[0], spans, c[1])), None)
    for k, link in enumerate(links):
        if link.malformed:
            continue
        unit = row_units[k]
        cell = next((c for c in cells if c[0] <= unit.start and unit.end <= c[1]), None)
        if cell is None:
            continue
        if cell == title_cell:
            if unit.label is None or line[cell[0] : unit.start].strip(" \t*_"):
                continue  # a link inside the description: a reference
            title, description = unit.label, _title_and_description(line[unit.end : cell[1]])[1]
        elif only_links(line, cell[0], spans, cell[1]):
            if unit.label is not None:  # ``| 2017-06 | Transformers | [Attention Is All You Need](…) |``
                title, description = unit.label, ""
            elif title_cell is None:
                title, description = None, ""
            else:
                title, description = _title_and_description(line[title_cell[0] : title_cell[1]])
        else:
            continue
        start = Start(link, i, (i, 0), (i, len(line)), title=title, unit=(unit.start, unit.end), header_end=i)
        start.lead, start.stop = description, (i + 1, 0)
        return start
    return None
