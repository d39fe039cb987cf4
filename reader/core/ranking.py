"""Ranked search results with snippets: what ``s`` and ``reader search`` show.

``Engine.search`` (``reader/core/engine.py``) finds the papers that match a query; :func:`rank`
orders them and says where each matched.

Ranking: each word of the query (those not under a NOT) adds, for every field it matched in,
that field's weight: title 64, authors 32, tags 16, note 8, commentary 4, abstract 2, paper
text 1. A field outweighs all the fields below it together, so a title hit always ranks above
hits elsewhere, and among papers whose best field is the same, more fields rank higher; ties
keep library order (newest digest first).

Snippets: only for the papers shown (``limit``), one per field that matched, cut from the
field's text as written (the snapshot's, or the paper text's page) around the first match, with
``snippet[start:end]`` the matched characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .bitsets import mask_of
from .search_index import FIELDS, TextIndex, field_items
from .words import locate, needle, snippet

if TYPE_CHECKING:
    from .query import Query, Words
    from .snapshot import Snapshot

__all__ = ["FIELDS", "WEIGHTS", "FieldMatch", "SearchHit", "rank"]

WEIGHTS = {"title": 64, "authors": 32, "tags": 16, "note": 8, "commentary": 4, "abstract": 2, "text": 1}
_JOIN = {"authors": ", ", "tags": " "}


class FieldMatch(Struct, frozen=True):
    """Where a paper matched in one field: a one-line ``snippet`` around the first match, with
    ``snippet[start:end]`` the matched text; ``page`` (1-based) for a match in the paper text."""

    field: str
    snippet: str
    start: int
    end: int
    page: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "snippet": self.snippet, "start": self.start, "end": self.end}
        if self.page is not None:
            data["page"] = self.page
        return data


class SearchHit(Struct, frozen=True):
    """One paper that matched a query; ``matches`` in field order."""

    arxiv_id: str
    score: float
    matches: list[FieldMatch] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"arxiv_id": self.arxiv_id, "score": self.score, "matches": [m.to_json() for m in self.matches]}


def rank(
    snapshot: Snapshot,
    index: TextIndex,
    query: Query,
    found: int,
    others: list[str],
    position: Mapping[str, int],
    limit: int,
) -> list[SearchHit]:
    """The papers that match ``query`` best first, at most ``limit``, with snippets: ``found``
    (a bitset over the index's slots) and ``others`` (papers the index does not know, such as
    a digest imported a moment ago: no words, so last). ``position`` is each paper's place in
    library order, for ties among ``others``.

    Scores are added up a field at a time over the whole set (numpy, whole bitsets), and only
    the ``limit`` papers shown get snippets."""
    import numpy as np  # (lazy: ~119 ms, only when it is used)

    leaves = query.positive_words()
    size = len(index)
    score = np.zeros(size, dtype=np.int32)
    cached: dict[tuple[Words, str], int] = {}  # (leaf, field) -> the papers, asked for in whole
    for leaf in leaves:
        look = needle(leaf.tokens)
        for name in FIELDS if leaf.field is None else (leaf.field,):
            bits = cached[leaf, name] = index.bits_with(name, look)
            if bits & found:
                score[mask_of(bits & found, size)] += WEIGHTS[name]
    slots = np.flatnonzero(mask_of(found, size)) if found else np.zeros(0, dtype=np.int64)
    # Best score first; ties in library order (the order slots were given in): a stable sort.
    best_slots = slots[np.argsort(-score[slots], kind="stable")[:limit]]
    ids = index.ids
    best: list[tuple[str, int]] = [(ids[s], int(score[s])) for s in best_slots.tolist()]
    if len(best) < limit and others:
        best.extend((i, 0) for i in sorted(others, key=lambda i: position.get(i, 0))[: limit - len(best)])
    return [SearchHit(i, float(points), _matches(snapshot, index, i, leaves, cached)) for i, points in best]


def _matches(
    snapshot: Snapshot, index: TextIndex, arxiv_id: str, leaves: list[Words], cached: dict[tuple[Words, str], int]
) -> list[FieldMatch]:
    fields: dict[str, list[Words]] = {}
    slot = index.slot.get(arxiv_id)
    for leaf in leaves:
        look = needle(leaf.tokens)
        for name in FIELDS if leaf.field is None else (leaf.field,):
            bits = cached.get((leaf, name))
            if (bits >> slot & 1 if bits is not None and slot is not None else index.has(name, arxiv_id, look)):
                fields.setdefault(name, []).append(leaf)
    items = field_items(snapshot, arxiv_id) if any(name != "text" for name in fields) else {}
    matches = []
    for name in FIELDS:
        found = fields.get(name)
        if not found:
            continue
        if name == "text":
            match = _text_match(index, arxiv_id, found)
        else:
            shown = items[name]
            if name == "tags":
                shown = [f"#{tag}" for tag in shown]
            match = _field_match(name, _JOIN.get(name, " / ").join(s for s in shown if s), found)
        if match is not None:
            matches.append(match)
    return matches


def _field_match(name: str, text: str, leaves: list[Words], page: int | None = None) -> FieldMatch | None:
    spans = [span for leaf in leaves if (span := locate(text, leaf.tokens)) is not None]
    if not spans:
        return None
    start, end = min(spans)
    cut, first, last = snippet(text, start, end)
    return FieldMatch(name, cut, first, last, page)


def _text_match(index: TextIndex, arxiv_id: str, leaves: list[Words]) -> FieldMatch | None:
    text = index.texts.get(arxiv_id)
    if text is None:
        return None
    offsets = [pos for leaf in leaves if (pos := text.norm.find(needle(leaf.tokens))) != -1]
    if not offsets:
        return None
    page = text.page_of(min(offsets))
    shown = text.pages[page - 1] if page <= len(text.pages) else ""
    match = _field_match("text", shown, leaves, page)
    if match is None and page < len(text.pages):  # a phrase that runs onto the next page
        match = _field_match("text", f"{shown} {text.pages[page]}", leaves, page)
    return match
