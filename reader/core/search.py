"""Full-text search over the library: titles, authors, notes, commentary, abstracts, paper text.

Build a :class:`SearchIndex` once per snapshot (``SearchIndex.build``), then query it as often as
you like and keep it current with the ``update_*`` / ``add_text`` / ``refresh`` methods instead of
building it again.

Queries: words are ANDed (every word must occur in the paper, in any field); ``"a phrase"`` must
occur as written (whitespace-insensitive); matching is substring, case-insensitive and
NFC-normalised, so ``인코더`` finds ``인코더와`` and ``gan`` finds ``GANs``. Typographic quotes
(``“…”``) work as quotes.

Ranking: each field a paper matched in adds its weight (title 10, authors 6, note 4,
commentary 3, abstract 2, paper text 1), so a match in a better field ranks higher and a match in
more fields ranks higher than the same match in fewer; ties go to the paper with more matches at
the start of a word, then to library order.

How it is fast (numbers from ``tests/bench_search.py``): short fields (title, authors, note,
commentary, abstract) keep their papers' lowercased text joined, ``\\0``-separated, into one
string per block of 256 papers, with the offset where each paper starts; a term is found with
``str.find`` over those strings (C speed) and after a hit the scan jumps to the next paper, so the
Python work per term is one step per *matching paper*, not per occurrence or per paper. Paper texts
(few and long) are searched one by one. Terms after the first are looked for only in the papers
still in the running, and only the papers that can reach the first ``limit`` places have their
matches located for snippets. An update re-joins one block, lazily, on the next search. Not
thread-safe: build in a worker, then hand the index over.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["FIELDS", "WEIGHTS", "FieldMatch", "SearchHit", "SearchIndex", "parse_query"]

FIELDS = ("title", "authors", "note", "commentary", "abstract", "text")
WEIGHTS = {"title": 10, "authors": 6, "note": 4, "commentary": 3, "abstract": 2, "text": 1}
BLOCK = 256
SNIPPET_BEFORE = 40
SNIPPET_WIDTH = 120

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u300c": '"', "\u300d": '"'})
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """Where a paper matched in one field: a one-line ``snippet`` around the first match, with
    ``snippet[start:end]`` the matched text; ``page`` (1-based) for a match in the paper text."""

    field: str
    snippet: str
    start: int
    end: int
    page: int | None = None

    def to_json(self) -> dict:
        data = {"field": self.field, "snippet": self.snippet, "start": self.start, "end": self.end}
        if self.page is not None:
            data["page"] = self.page
        return data


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One paper that matched every word of a query; ``matches`` in field order."""

    arxiv_id: str
    score: float
    matches: list[FieldMatch] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"arxiv_id": self.arxiv_id, "score": self.score, "matches": [m.to_json() for m in self.matches]}


def _display(text: str) -> str:
    """Text as it is searched and shown: NFC, no control characters, whitespace folded."""
    if not text:
        return ""
    return " ".join(_CONTROLS.sub(" ", unicodedata.normalize("NFC", text)).split())


def _fold(text: str) -> str:
    """Lower case, keeping every character at its offset (so snippets line up)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(low_ch if len(low_ch := ch.lower()) == 1 else ch for ch in text)


def parse_query(query: str) -> list[str]:
    """The query's terms, folded: words, and ``"quoted phrases"`` as one term each."""
    query = _display(query.translate(_QUOTES).replace("\x00", " ")) if query else ""
    terms: list[str] = []
    for m in _TERM.finditer(query):
        term = _fold(" ".join((m.group(1) if m.group(1) is not None else m.group(2)).split()))
        if term and term not in terms:
            terms.append(term)
    return terms


class _Block:
    __slots__ = ("dirty", "hay", "starts")

    def __init__(self) -> None:
        self.hay = ""
        self.starts: list[int] = []
        self.dirty = True


class _Joined:
    """A field of short texts (titles, commentary…): display texts by slot, and their folded
    forms joined (``\\0``-separated) per block of ``BLOCK`` papers, so one ``str.find`` crosses
    many papers at C speed."""

    __slots__ = ("blocks", "display")

    def __init__(self) -> None:
        self.display: list[str] = []
        self.blocks: list[_Block] = []

    def ensure(self, slots: int) -> None:
        while len(self.display) < slots:
            self.display.append("")
        while len(self.blocks) * BLOCK < slots:
            self.blocks.append(_Block())
        self.blocks[(slots - 1) // BLOCK].dirty = True

    def set(self, slot: int, text: str) -> bool:
        if self.display[slot] == text:
            return False
        self.display[slot] = text
        self.blocks[slot // BLOCK].dirty = True
        return True

    def refresh(self) -> None:
        for b, block in enumerate(self.blocks):
            if not block.dirty:
                continue
            texts = [_fold(t) for t in self.display[b * BLOCK : (b + 1) * BLOCK]]
            starts, pos = [], 0
            for text in texts:
                starts.append(pos)
                pos += len(text) + 1
            block.hay, block.starts, block.dirty = "\x00".join(texts), starts, False

    def _bounds(self, slot: int) -> tuple[_Block, int, int]:
        block = self.blocks[slot // BLOCK]
        i = slot % BLOCK
        start = block.starts[i]
        end = block.starts[i + 1] - 1 if i + 1 < len(block.starts) else len(block.hay)
        return block, start, end

    def slots_with(self, term: str, only: set[int] | None) -> set[int]:
        """The papers whose text holds ``term`` (among ``only``, when given)."""
        if only is not None and len(only) * 4 < len(self.display):
            return {slot for slot in only if self.locate(slot, term) != -1}
        found: list[int] = []
        add = found.append
        for b, block in enumerate(self.blocks):
            find, starts, base = block.hay.find, block.starts, b * BLOCK
            last = len(starts) - 1
            pos = find(term)
            while pos != -1:
                i = bisect_right(starts, pos) - 1
                add(base + i)
                if i >= last:
                    break
                pos = find(term, starts[i + 1])
        return set(found) if only is None else only.intersection(found)

    def locate(self, slot: int, term: str) -> int:
        """Offset of the first ``term`` in the paper's folded text, or -1."""
        if slot >= len(self.display) or not self.display[slot]:
            return -1
        block, start, end = self._bounds(slot)
        pos = block.hay.find(term, start, end)
        return -1 if pos == -1 else pos - start

    def word_start(self, slot: int, offset: int) -> bool:
        if offset == 0:
            return True
        block, start, _ = self._bounds(slot)
        return not block.hay[start + offset - 1].isalnum()


class _Separate:
    """The paper text: few, long texts, each kept and searched on its own (a text without
    Korean stays a one-byte-per-character string, which ``str.find`` scans fastest)."""

    __slots__ = ("display_by_slot", "folded")

    def __init__(self) -> None:
        self.display_by_slot: dict[int, str] = {}
        self.folded: dict[int, str] = {}

    def ensure(self, slots: int) -> None:
        pass

    def refresh(self) -> None:
        pass

    @property
    def display(self) -> _DisplayView:
        return _DisplayView(self.display_by_slot)

    def set(self, slot: int, text: str) -> bool:
        if self.display_by_slot.get(slot, "") == text:
            return False
        if text:
            self.display_by_slot[slot], self.folded[slot] = text, _fold(text)
        else:
            self.display_by_slot.pop(slot, None)
            self.folded.pop(slot, None)
        return True

    def slots_with(self, term: str, only: set[int] | None) -> set[int]:
        folded = self.folded
        if only is None or len(only) > len(folded):
            return {slot for slot, text in folded.items() if (only is None or slot in only) and term in text}
        return {slot for slot in only if term in folded.get(slot, "")}

    def locate(self, slot: int, term: str) -> int:
        return self.folded.get(slot, "").find(term)

    def word_start(self, slot: int, offset: int) -> bool:
        return offset == 0 or not self.folded[slot][offset - 1].isalnum()


class _DisplayView:
    """``display[slot]`` for a ``_Separate`` field: "" for a paper without text."""

    __slots__ = ("texts",)

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts

    def __getitem__(self, slot: int) -> str:
        return self.texts.get(slot, "")


def _snippet(text: str, offset: int, length: int) -> tuple[str, int, int]:
    """A one-line window of ``text`` around ``text[offset:offset+length]``, ellipsised."""
    if len(text) <= SNIPPET_WIDTH:
        return text, offset, offset + length
    start = max(0, offset - SNIPPET_BEFORE)
    if start > 0:
        space = text.find(" ", start, offset)
        if space != -1 and space - start < 15:
            start = space + 1
    end = min(len(text), max(offset + length, start + SNIPPET_WIDTH))
    if end < len(text):
        space = text.rfind(" ", offset + length, end)
        if space != -1 and end - space < 15:
            end = space
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet = prefix + text[start:end] + suffix
    first = len(prefix) + offset - start
    return snippet, first, first + length


class SearchIndex:
    """An in-memory index of the library's text; see the module docstring."""

    def __init__(self) -> None:
        self._slot: dict[str, int] = {}
        self._ids: list[str] = []
        self._alive: list[bool] = []
        self._fields: dict[str, _Joined | _Separate] = {name: _Joined() for name in FIELDS}
        self._fields["text"] = _Separate()
        self._pages: dict[int, list[int]] = {}  # slot -> display offset where each page starts

    # --- building ---------------------------------------------------------
    @classmethod
    def build(cls, snapshot: Snapshot, cache_dir: Path | None = None) -> SearchIndex:
        """Index every paper of ``snapshot``, and the paper text cached in ``cache_dir`` (if given)."""
        index = cls()
        for arxiv_id in snapshot.all_ids():
            index._set_fields(index._slot_for(arxiv_id), _snapshot_fields(snapshot, arxiv_id))
        if cache_dir is not None:
            for arxiv_id in _cached_text_ids(Path(cache_dir), index._slot):
                text = _load_text(arxiv_id, Path(cache_dir))
                if text is not None:
                    index.add_text(arxiv_id, text)
        for f in index._fields.values():
            f.refresh()  # join the blocks now, in the builder's thread, not on the first search
        return index

    def _slot_for(self, arxiv_id: str) -> int:
        slot = self._slot.get(arxiv_id)
        if slot is None:
            slot = self._slot[arxiv_id] = len(self._ids)
            self._ids.append(arxiv_id)
            self._alive.append(True)
            for f in self._fields.values():
                f.ensure(slot + 1)
        else:
            self._alive[slot] = True
        return slot

    def _set_fields(self, slot: int, values: dict[str, str]) -> None:
        for name, value in values.items():
            self._fields[name].set(slot, _display(value))

    # --- keeping it current -----------------------------------------------
    def update_paper(
        self,
        arxiv_id: str,
        *,
        title: str | None = None,
        authors: Iterable[str] | str | None = None,
        commentary: Iterable[str] | str | None = None,
        abstract: str | None = None,
        note: str | None = None,
    ) -> None:
        """Set the given fields of a paper (adding it when new); fields left None stay as they are."""
        values: dict[str, str] = {}
        if title is not None:
            values["title"] = title
        if authors is not None:
            values["authors"] = authors if isinstance(authors, str) else ", ".join(authors)
        if commentary is not None:
            values["commentary"] = commentary if isinstance(commentary, str) else "\n\n".join(commentary)
        if abstract is not None:
            values["abstract"] = abstract
        if note is not None:
            values["note"] = note
        self._set_fields(self._slot_for(arxiv_id), values)

    def update_note(self, arxiv_id: str, text: str) -> None:
        self.update_paper(arxiv_id, note=text)

    def add_text(self, arxiv_id: str, text) -> None:
        """Index a paper's text: a string, or a ``PaperText`` (then matches know their page)."""
        slot = self._slot_for(arxiv_id)
        pages = getattr(text, "pages", None)
        if pages is None:
            self._pages.pop(slot, None)
            self._fields["text"].set(slot, _display(str(text or "")))
            return
        parts, starts, pos = [], [], 0
        for page in pages:
            shown = _display(page)
            starts.append(pos)
            if shown:
                parts.append(shown)
                pos += len(shown) + 1
        self._pages[slot] = starts
        self._fields["text"].set(slot, " ".join(parts))

    def remove_text(self, arxiv_id: str) -> None:
        slot = self._slot.get(arxiv_id)
        if slot is not None:
            self._pages.pop(slot, None)
            self._fields["text"].set(slot, "")

    def remove_paper(self, arxiv_id: str) -> None:
        slot = self._slot.get(arxiv_id)
        if slot is None:
            return
        self._alive[slot] = False
        self._pages.pop(slot, None)
        for f in self._fields.values():
            f.set(slot, "")

    def refresh(self, snapshot: Snapshot, ids: Iterable[str] | None = None) -> int:
        """Bring papers' fields (all but the paper text) in line with a newer snapshot.

        ``ids`` None checks every paper (new ones are added, gone ones removed): that costs
        about what a build without paper texts does (~0.25 s at 10,000 papers), but keeps the
        paper texts, which are most of a build. Pass the ids you know changed to pay only for
        them. Only blocks whose text changed are re-joined. Returns how many papers changed.
        """
        changed = 0
        wanted = snapshot.all_ids() if ids is None else list(ids)
        for arxiv_id in wanted:
            slot = self._slot_for(arxiv_id)
            before = [f.display[slot] for f in self._fields.values()]
            self._set_fields(slot, _snapshot_fields(snapshot, arxiv_id))
            changed += before != [f.display[slot] for f in self._fields.values()]
        if ids is None:
            keep = set(wanted)
            for arxiv_id in [i for i in self._ids if i not in keep and self._alive[self._slot[i]]]:
                self.remove_paper(arxiv_id)
                changed += 1
        return changed

    def __len__(self) -> int:
        return sum(self._alive)

    def __contains__(self, arxiv_id: object) -> bool:
        slot = self._slot.get(arxiv_id)  # type: ignore[arg-type]
        return slot is not None and self._alive[slot]

    # --- searching --------------------------------------------------------
    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Papers matching every term of ``query``, best first, at most ``limit``."""
        terms = parse_query(query)
        if not terms or limit <= 0:
            return []
        for f in self._fields.values():
            f.refresh()
        in_field: dict[str, set[int]] = {name: set() for name in FIELDS}
        candidates: set[int] | None = None
        for term in sorted(terms, key=len, reverse=True):  # longer terms are rarer: narrow first
            matched: set[int] = set()
            for name, f in self._fields.items():
                slots = f.slots_with(term, candidates)
                if slots:
                    in_field[name] |= slots
                    matched |= slots
            candidates = matched if candidates is None else candidates & matched
            if not candidates:
                return []
        assert candidates is not None
        score = dict.fromkeys(candidates, 0)
        for name, slots in in_field.items():
            weight = WEIGHTS[name]
            for slot in slots & candidates:
                score[slot] += weight
        tiers: dict[int, list[int]] = {}
        for slot, points in score.items():
            if self._alive[slot]:
                tiers.setdefault(points, []).append(slot)
        # Best score first; within a score, more fields matched at a word start, then library
        # order. Only the tiers that reach into the first ``limit`` need their matches located.
        details: dict[int, list[tuple[str, str, int, bool]]] = {}
        picked: list[tuple[int, int]] = []
        for points in sorted(tiers, reverse=True):
            if len(picked) >= limit:
                break
            ranked = []
            for slot in tiers[points]:
                found = details[slot] = self._locate(slot, terms, in_field)
                ranked.append((-sum(word for *_, word in found), slot))
            ranked.sort()
            picked.extend((points, slot) for _, slot in ranked[: limit - len(picked)])
        return [self._hit(slot, points, details[slot]) for points, slot in picked]

    def _locate(self, slot: int, terms: list[str], in_field: dict[str, set[int]]) -> list[tuple[str, str, int, bool]]:
        """``(field, term, offset, at word start)`` of the match to show in each field the paper
        matched: the first, preferring one at the start of a word ("vae", not the VAE in NVAE)."""
        found = []
        for name in FIELDS:
            if slot not in in_field[name]:
                continue
            f = self._fields[name]
            best = None
            for term in terms:
                offset = f.locate(slot, term)
                if offset == -1:
                    continue
                key = (not f.word_start(slot, offset), offset, -len(term))
                if best is None or key < best[0]:
                    best = (key, term, offset)
            if best is not None:
                found.append((name, best[1], best[2], not best[0][0]))
        return found

    def _hit(self, slot: int, points: int, found: list[tuple[str, str, int, bool]]) -> SearchHit:
        matches = []
        for name, term, offset, _ in found:
            text = self._fields[name].display[slot]
            snippet, start, end = _snippet(text, offset, len(term))
            page = bisect_right(self._pages[slot], offset) if name == "text" and slot in self._pages else None
            matches.append(FieldMatch(name, snippet, start, end, page))
        return SearchHit(self._ids[slot], float(points), matches)


def _snapshot_fields(snapshot: Snapshot, arxiv_id: str) -> dict[str, str]:
    title = snapshot.title(arxiv_id) or ""
    meta = snapshot.arxiv(arxiv_id) or {}
    arxiv_title = str(meta.get("title") or "")
    if arxiv_title and " ".join(arxiv_title.split()).lower() != " ".join(title.split()).lower():
        title = f"{title} · {arxiv_title}" if title else arxiv_title
    commentary = dict.fromkeys(
        a.entry.commentary.strip() for a in snapshot.appearances.get(arxiv_id, ()) if a.entry.commentary.strip()
    )
    return {
        "title": title,
        "authors": ", ".join(snapshot.authors(arxiv_id)),
        "note": snapshot.note(arxiv_id),
        "commentary": "\n\n".join(commentary),
        "abstract": str(meta.get("abstract") or ""),
    }


def _cached_text_ids(cache_dir: Path, known: dict[str, int]) -> list[str]:
    """Ids of known papers that have a text cache file, without touching the others."""
    from .ids import id_from_filename

    try:
        names = sorted(p.name for p in (cache_dir / "text").iterdir())
    except OSError:
        return []
    ids = []
    for name in names:
        if name.endswith(".json"):
            arxiv_id = id_from_filename(name[: -len(".json")])
            if arxiv_id is not None and arxiv_id in known:
                ids.append(arxiv_id)
    return ids


def _load_text(arxiv_id: str, cache_dir: Path):
    from .pdf import cached_text

    try:
        text = cached_text(arxiv_id, cache_dir)
    except ValueError:
        return None
    if text is None or text.error or not any(text.pages):
        return None
    return text
