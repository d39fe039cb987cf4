"""The text index behind every query: each paper's fields, normalised, in compact blocks.

Fields, best first (the order search ranks in): ``title``, ``authors``, ``tags``, ``note``,
``commentary``, ``abstract``, and ``text`` (the paper's text, from the PDF text cache).

How it is stored: a field's normalised texts (``reader/core/words.py``: each folded word after a
space) are joined, ``\\0``-separated, into one string per block of ``BLOCK`` papers, with an
``array`` of where each paper starts. A word-start match is one ``str.find`` of ``" word"``
over a block, at C speed, and the Python work is one step per *matching paper*. At 10,000
papers that is ~70 strings in all instead of 60,000, and no set or dict per paper. The original
text is not kept: snippets are cut from the snapshot's own text when a search shows them (paper
texts, which no snapshot holds, keep their pages).

An index is never changed in place: :meth:`TextIndex.synced` (a note edited, a tag added) and
:meth:`TextIndex.with_text` return a new index that shares every unchanged block, so a search
running in another thread keeps a consistent index, and building or refreshing one (``build``,
seconds at 100,000 papers) can run off the UI thread. Results of a word's scan are cached per
index (a keystroke re-scans only the word being typed) and each scan of a longer word looks
only at the papers the shorter word matched.
"""

from __future__ import annotations

import itertools
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .words import display, normalise, normalise_items

if TYPE_CHECKING:
    from .library import DigestRecord, PaperRecord, PaperState
    from .pdf import PaperText
    from .snapshot import Snapshot

__all__ = ["BLOCK", "FIELDS", "INDEXED", "PreparedText", "TextIndex", "field_items", "prepare_text"]

INDEXED = ("title", "authors", "tags", "note", "commentary", "abstract")  # from the snapshot
FIELDS = (*INDEXED, "text")
BLOCK = 256
CACHE_SIZE = 256  # cached scans per index
MAX_TEXT = 4_000_000  # characters of one paper's text that are indexed (a 1,000-page book's worth)

_serial = itertools.count()


# --------------------------------------------------------------------------- blocks


class _Block:
    """``BLOCK`` papers' normalised texts of one field, joined; immutable."""

    __slots__ = ("hay", "starts")

    def __init__(self, texts: Sequence[str]) -> None:
        starts = array("I")
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + 1
        self.hay = "\x00".join(texts)
        self.starts = starts

    def text(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.hay)
        return self.hay[self.starts[i] : end]

    def texts(self) -> list[str]:
        return self.hay.split("\x00")

    def contains(self, i: int, needle: str) -> bool:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.hay)
        return self.hay.find(needle, self.starts[i], end) != -1

    def find_all(self, needle: str) -> list[int]:
        """Positions (in the block) of the papers whose text holds ``needle``."""
        found: list[int] = []
        find, starts = self.hay.find, self.starts
        last = len(starts) - 1
        pos = find(needle)
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            found.append(i)
            if i >= last:
                break
            pos = find(needle, starts[i + 1])
        return found


def _blocks(texts: Sequence[str]) -> list[_Block]:
    return [_Block(texts[b : b + BLOCK]) for b in range(0, max(len(texts), 1), BLOCK)]


# --------------------------------------------------------------------------- paper texts


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A paper's text as the index keeps it: its pages as shown (for snippets) and the
    normalised whole, with where each page starts in it."""

    pages: tuple[str, ...]
    norm: str
    page_starts: array[int]

    def page_of(self, offset: int) -> int:
        """The 1-based page that ``offset`` (in ``norm``) falls in."""
        return max(1, bisect_right(self.page_starts, offset))


def prepare_text(text: PaperText | str) -> PreparedText:
    """Normalise a paper's text for the index (the slow part; any thread). Pages past the
    first ``MAX_TEXT`` characters are left out."""
    pages = [text] if isinstance(text, str) else list(getattr(text, "pages", ()) or ())
    shown_pages: list[str] = []
    total = 0
    for page in pages:
        total += len(page)
        if total > MAX_TEXT:
            break
        shown_pages.append(display(page))
    shown = tuple(shown_pages)
    parts: list[str] = []
    starts = array("I")
    pos = 0
    for page in shown:
        starts.append(pos)
        norm = normalise(page)
        if norm:
            parts.append(norm)
            pos += len(norm)
    return PreparedText(shown, "".join(parts), starts)


# --------------------------------------------------------------------------- fields of a paper


def field_items(snapshot: Snapshot, arxiv_id: str, commentary: Iterable[str] | None = None) -> dict[str, list[str]]:
    """What each field of a paper says, as the snapshot has it (several items for authors,
    tags and the commentary of several digests). ``commentary`` when the caller has it at
    hand (a build collects it digest by digest); else from the snapshot's appearances."""
    title = snapshot.title(arxiv_id) or ""
    meta = snapshot.arxiv(arxiv_id) or {}
    arxiv_title = str(meta.get("title") or "")
    if arxiv_title and " ".join(arxiv_title.split()).lower() != " ".join(title.split()).lower():
        title = f"{title} · {arxiv_title}" if title else arxiv_title
    if commentary is None:
        commentary = (a.entry.commentary for a in snapshot.appearances.get(arxiv_id, ()))
    return {
        "title": [title],
        "authors": [str(a) for a in snapshot.authors(arxiv_id)],
        "tags": list(snapshot.state(arxiv_id).tags),
        "note": [snapshot.note(arxiv_id)],
        "commentary": list(dict.fromkeys(c.strip() for c in commentary if c and c.strip())),
        "abstract": [str(meta.get("abstract") or "")],
    }


def _norm(items: list[str]) -> str:
    return normalise(items[0]) if len(items) == 1 else normalise_items(items)


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class Sources:
    """The parts of a snapshot an index was made from (compared by identity)."""

    digests: tuple[DigestRecord, ...]
    papers: Mapping[str, PaperRecord]
    metadata: Mapping[str, dict[str, Any]]
    states: Mapping[str, PaperState]
    notes: Mapping[str, str]

    @classmethod
    def of(cls, snapshot: Snapshot) -> Sources:
        return cls(snapshot.digests, snapshot.papers, snapshot.metadata, snapshot.states, snapshot.notes)



class TextIndex:
    """Every paper's fields, normalised; see the module docstring. Build with :meth:`build`."""

    def __init__(
        self,
        ids: _Shared,
        fields: dict[str, list[_Block]],
        texts: Mapping[str, PreparedText],
        sources: Sources,
    ) -> None:
        self.ids = ids  # slot -> paper id (shared between derived indexes: never changed)
        self.slot = ids.slot
        self._fields = fields
        self.texts = texts  # paper id -> its text
        # What the index was made from: (digests, papers, metadata, states, notes) objects.
        self.sources = sources
        self.serial = next(_serial)
        self._cache: dict[tuple[str, str], frozenset[str]] = {}
        self._lock = threading.Lock()

    # --- making one -------------------------------------------------------------------
    @classmethod
    def build(cls, snapshot: Snapshot, texts: Mapping[str, PreparedText] | None = None) -> TextIndex:
        """Index every paper of ``snapshot`` (and the given paper texts); seconds at 100,000
        papers: run it off the UI thread."""
        ids = snapshot.all_ids()
        commentary: dict[str, list[str]] = {}
        for digest in snapshot.digests:
            for entry in digest.entries:
                if entry.commentary:
                    commentary.setdefault(entry.arxiv_id, []).append(entry.commentary)
        columns: dict[str, list[str]] = {name: [] for name in INDEXED}
        for arxiv_id in ids:
            items = field_items(snapshot, arxiv_id, commentary.get(arxiv_id, ()))
            for name in INDEXED:
                columns[name].append(_norm(items[name]))
        fields = {name: _blocks(columns[name]) for name in INDEXED}
        known = dict.fromkeys(ids)
        kept = {i: t for i, t in (texts or {}).items() if i in known}
        return cls(_Shared(ids), fields, kept, Sources.of(snapshot))

    def _derive(self, fields: dict[str, list[_Block]], texts: Mapping[str, PreparedText], sources: Sources,
                changed: Iterable[str]) -> TextIndex:
        new = TextIndex(self.ids, fields, texts, sources)
        changed = set(changed)
        if changed:
            changed.add("*")  # a scan of every field
        new._cache = {key: value for key, value in self._cache.items() if key[0] not in changed}
        return new

    def same_catalog(self, snapshot: Snapshot) -> bool:
        """Was this index made from ``snapshot``'s digests, papers and arXiv records?"""
        mine = self.sources
        return mine.digests is snapshot.digests and mine.papers is snapshot.papers and mine.metadata is snapshot.metadata

    def synced(self, snapshot: Snapshot) -> TextIndex:
        """This index with ``snapshot``'s notes and tags (the catalogue is taken as the same):
        itself when they are the objects it has, else a new index re-making only the blocks
        whose papers changed (a note or a tag edit: well under a millisecond)."""
        states, notes = self.sources.states, self.sources.notes
        if states is snapshot.states and notes is snapshot.notes:
            return self
        changed: dict[str, set[int]] = {"tags": set(), "note": set()}
        slot = self.slot
        if notes is not snapshot.notes:
            new_notes = snapshot.notes
            for arxiv_id in set(notes).union(new_notes):
                if notes.get(arxiv_id, "") != new_notes.get(arxiv_id, "") and arxiv_id in slot:
                    changed["note"].add(slot[arxiv_id])
        if states is not snapshot.states:
            new_states = snapshot.states
            for arxiv_id in set(states).union(new_states):
                old, new = states.get(arxiv_id), new_states.get(arxiv_id)
                if old is not new and (old.tags if old else ()) != (new.tags if new else ()) and arxiv_id in slot:
                    changed["tags"].add(slot[arxiv_id])
        fields = dict(self._fields)
        for name, slots in changed.items():
            if not slots:
                continue
            blocks = list(fields[name])
            for b in sorted({s // BLOCK for s in slots}):
                texts = blocks[b].texts()
                for s in slots:
                    if s // BLOCK == b:
                        texts[s % BLOCK] = _norm(field_items(snapshot, self.ids[s], ())[name])
                blocks[b] = _Block(texts)
            fields[name] = blocks
        sources = replace(self.sources, states=snapshot.states, notes=snapshot.notes)
        return self._derive(fields, self.texts, sources, [name for name, slots in changed.items() if slots])

    def with_text(self, arxiv_id: str, text: PreparedText | None) -> TextIndex:
        """A new index with ``arxiv_id``'s paper text set (None: removed)."""
        texts = dict(self.texts)
        if text is None or not text.norm:
            texts.pop(arxiv_id, None)
        else:
            texts[arxiv_id] = text
        return self._derive(self._fields, texts, self.sources, ["text"])

    def with_texts(self, texts: Mapping[str, PreparedText]) -> TextIndex:
        merged = {**self.texts, **{i: t for i, t in texts.items() if t.norm}}
        return self._derive(self._fields, merged, self.sources, ["text"])

    # --- looking --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, arxiv_id: object) -> bool:
        return arxiv_id in self.slot

    def has(self, field: str, arxiv_id: str, needle: str) -> bool:
        """Does ``field`` of ``arxiv_id`` hold ``needle`` (``words.needle``)?"""
        if field == "text":
            text = self.texts.get(arxiv_id)
            return text is not None and needle in text.norm
        slot = self.slot.get(arxiv_id)
        if slot is None:
            return False
        return self._fields[field][slot // BLOCK].contains(slot % BLOCK, needle)

    def ids_with(self, field: str, needle: str) -> frozenset[str]:
        """Every paper whose ``field`` (``"*"``: any field) holds ``needle`` (cached)."""
        key = (field, needle)
        found = self._cache.get(key)
        if found is not None:
            return found
        bound = None  # a shorter needle's papers: the longer one can only be among them
        for k in range(len(needle) - 1, 1, -1):
            bound = self._cache.get((field, needle[:k]))
            if bound is not None:
                break
        if bound is not None and len(bound) * 8 < len(self.ids):
            fields = FIELDS if field == "*" else (field,)
            found = frozenset(i for i in bound if any(self.has(f, i, needle) for f in fields))
        elif field == "*":
            parts = [self._cache.get((f, needle)) for f in FIELDS]
            if all(part is not None for part in parts):  # a search ranked by field just now
                found = frozenset().union(*parts)  # type: ignore[arg-type]
            else:
                found = self._scan_any(needle)
        elif field == "text":
            found = frozenset(i for i, text in self.texts.items() if needle in text.norm)
        else:
            ids, hits = self.ids, list[str]()
            for b, block in enumerate(self._fields[field]):
                base = b * BLOCK
                hits.extend(ids[base + i] for i in block.find_all(needle))
            found = frozenset(hits)
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _scan_any(self, needle: str) -> frozenset[str]:
        """Papers holding ``needle`` in any field. Block by block, the longest field first;
        once most of a block's papers have matched, the other fields are asked only about
        the rest (a common word such as "a" matches nearly every paper in the abstract)."""
        ids, fields = self.ids, self._fields
        order = ("abstract", "commentary", "title", "authors", "note", "tags")
        hits: list[str] = []
        for b in range(len(fields["title"])):
            base = b * BLOCK
            size = len(fields["title"][b].starts)
            matched: set[int] = set()
            for name in order:
                block = fields[name][b]
                missing = size - len(matched)
                if missing == 0:
                    break
                if missing * 4 < size:
                    matched.update(i for i in range(size) if i not in matched and block.contains(i, needle))
                else:
                    matched.update(block.find_all(needle))
            hits.extend(ids[base + i] for i in matched)
        found = set(hits)
        found.update(i for i, text in self.texts.items() if i not in found and needle in text.norm)
        return frozenset(found)

    def normalised(self, field: str, arxiv_id: str) -> str:
        """The indexed text of one field of one paper (for tests and snippets)."""
        if field == "text":
            text = self.texts.get(arxiv_id)
            return text.norm if text else ""
        slot = self.slot.get(arxiv_id)
        return "" if slot is None else self._fields[field][slot // BLOCK].text(slot % BLOCK)

    def memory(self) -> int:
        """Bytes held by the index's own strings and arrays (not the snapshot's)."""
        import sys

        total = sys.getsizeof(self.ids) + sys.getsizeof(self.slot)
        for blocks in self._fields.values():
            total += sum(sys.getsizeof(b.hay) + sys.getsizeof(b.starts) for b in blocks)
        for text in self.texts.values():
            total += sys.getsizeof(text.norm) + sum(map(sys.getsizeof, text.pages)) + sys.getsizeof(text.page_starts)
        return total


class _Shared(list[str]):
    """The slot -> id list and its inverse, made once and shared by derived indexes."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids)
        self.slot = {arxiv_id: n for n, arxiv_id in enumerate(ids)}
