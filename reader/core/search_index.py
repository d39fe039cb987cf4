"""The text index behind every query: each paper's fields, normalised, in compact blocks.

Fields, best first (the order search ranks in): ``title``, ``authors``, ``tags``, ``note``,
``commentary``, ``abstract``, and ``text`` (the paper's text, from the PDF text cache).

How it is stored: a field's normalised texts (``reader/core/words.py``: each folded word after a
space) are joined, ``\\0``-separated, into one string per block of ``BLOCK`` papers, with an
``array`` of where each paper starts; the papers whose text is ASCII apart from the others, so
one Korean commentary doesn't make 255 English ones two bytes a character. A word-start match
is one ``str.find`` of ``" word"`` over a block, at C speed, and the Python work is one step
per *matching paper*. At 10,000 papers that is a few hundred strings in all instead of 60,000,
and no set or dict per paper. The original text is not kept: snippets are cut from the
snapshot's own text when a search shows them. A paper's text (long, and few of them) is kept
whole for phrases and snippets, and as its vocabulary (each word once) for words.

An index is never changed in place: :meth:`TextIndex.synced` (a note edited, a tag added) and
:meth:`TextIndex.with_text` return a new index that shares every unchanged block, so a search
running in another thread keeps a consistent index, and building one (``build``, seconds at
100,000 papers, a block at a time) can run off the UI thread. The papers a word is found in
are cached per index as a bitset (a Python int: 1.25 KB at 10,000 papers), so a keystroke
re-scans only the word being typed, and a longer word is looked for only among the papers the
shorter one matched.
"""

from __future__ import annotations

import itertools
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .bitsets import bits_of, slots_in
from .words import display, normalise, normalise_items

if TYPE_CHECKING:
    from .library import DigestRecord, PaperRecord, PaperState
    from .pdf import PaperText
    from .snapshot import Snapshot

__all__ = ["BLOCK", "FIELDS", "INDEXED", "PreparedText", "TextIndex", "field_items", "prepare_text"]

INDEXED = ("title", "authors", "tags", "note", "commentary", "abstract")  # from the snapshot
FIELDS = (*INDEXED, "text")
BLOCK = 256
CACHE_BYTES = 4_000_000  # the cached scans' bitsets, per index (~3,000 at 10,000 papers)
MAX_TEXT = 4_000_000  # characters of one paper's text that are indexed (a 1,000-page book's worth)

_serial = itertools.count()


# --------------------------------------------------------------------------- blocks


class _Run:
    """Some papers' normalised texts joined by ``\\0``, with where each starts and which
    paper of the block it is."""

    __slots__ = ("hay", "members", "starts")

    def __init__(self, texts: list[str], members: array[int] | None) -> None:
        self.members = members  # None: the run is the whole block, in order
        self.starts: array[int] | None = None  # None: every text is empty (notes, tags)
        self.hay = ""
        if not any(texts):
            return
        starts = array("I")
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + 1
        self.hay = "\x00".join(texts)
        self.starts = starts

    def bounds(self, k: int) -> tuple[int, int]:
        starts = self.starts
        if starts is None:
            return 0, 0
        return starts[k], starts[k + 1] - 1 if k + 1 < len(starts) else len(self.hay)

    def find_all(self, needle: str) -> list[int]:
        """The block positions of the papers whose text holds ``needle``."""
        found: list[int] = []
        find, starts, members = self.hay.find, self.starts, self.members
        if starts is None:
            return found
        last = len(starts) - 1
        pos = find(needle)
        while pos != -1:
            k = bisect_right(starts, pos) - 1
            found.append(k if members is None else members[k])
            if k >= last:
                break
            pos = find(needle, starts[k + 1])
        return found


class _Block:
    """``BLOCK`` papers' normalised texts of one field; immutable. The papers whose text is
    ASCII are joined apart from the others: one Korean commentary would otherwise make the
    whole block two bytes a character (and a word in ASCII is only looked for there)."""

    __slots__ = ("narrow", "size", "where", "wide")

    def __init__(self, texts: Sequence[str]) -> None:
        runs: tuple[list[str], list[str]] = ([], [])
        members = (array("I"), array("I"))
        where = array("i")  # paper -> its place in the narrow run (k), or in the wide one (~k)
        for i, text in enumerate(texts):
            side = 0 if text.isascii() else 1
            where.append(len(runs[side]) if side == 0 else ~len(runs[side]))
            runs[side].append(text)
            members[side].append(i)
        self.size = len(texts)
        if runs[1]:
            self.where: array[int] | None = where
            self.narrow = _Run(runs[0], members[0])
            self.wide: _Run | None = _Run(runs[1], members[1])
        else:  # all ASCII (the usual case): no maps needed
            self.where, self.narrow, self.wide = None, _Run(runs[0], None), None

    def _run(self, i: int) -> tuple[_Run, int]:
        if self.where is None:
            return self.narrow, i
        k = self.where[i]
        if k >= 0:
            return self.narrow, k
        assert self.wide is not None
        return self.wide, ~k

    def text(self, i: int) -> str:
        run, k = self._run(i)
        start, end = run.bounds(k)
        return run.hay[start:end]

    def texts(self) -> list[str]:
        return [self.text(i) for i in range(self.size)]

    def contains(self, i: int, needle: str) -> bool:
        run, k = self._run(i)
        start, end = run.bounds(k)
        return run.hay.find(needle, start, end) != -1

    def find_all(self, needle: str) -> list[int]:
        """Positions (in the block) of the papers whose text holds ``needle``."""
        found = self.narrow.find_all(needle) if needle.isascii() else []
        if self.wide is not None:
            wide = self.wide.find_all(needle)
            if wide:
                found = sorted(found + wide) if found else wide
        return found

    def memory(self) -> int:
        import sys

        runs = [self.narrow] if self.wide is None else [self.narrow, self.wide]
        return sys.getsizeof(self.where) + sum(
            sys.getsizeof(r.hay) + sum(sys.getsizeof(a) for a in (r.starts, r.members) if a is not None) for r in runs
        )


# --------------------------------------------------------------------------- paper texts


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A paper's text as the index keeps it: its pages as shown (for snippets), the
    normalised whole with where each page starts in it (for phrases), and its vocabulary:
    each distinct word once, ASCII words apart from the others (so most of it stays one
    byte a character), which is what a word is looked for in: a paper's 60 KB of text has
    a few thousand distinct words."""

    pages: tuple[str, ...]
    norm: str
    page_starts: array[int]
    ascii_words: str
    other_words: str

    def page_of(self, offset: int) -> int:
        """The 1-based page that ``offset`` (in ``norm``) falls in."""
        return max(1, bisect_right(self.page_starts, offset))

    def holds(self, needle: str) -> bool:
        """Does the text hold ``needle`` (``words.needle``) at a word start?"""
        if needle.count(" ") > 1:  # a phrase: its first word must be there, then the words in order
            first = needle[: needle.index(" ", 1)]
            return self.holds(first) and needle in self.norm
        return needle in (self.ascii_words if needle.isascii() else self.other_words)


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
    whole = "".join(parts)
    vocabulary = dict.fromkeys(whole.split())
    ascii_words = [w for w in vocabulary if w.isascii()]
    other_words = [w for w in vocabulary if not w.isascii()]
    return PreparedText(
        shown, whole, starts,
        " " + " ".join(ascii_words) if ascii_words else "",
        " " + " ".join(other_words) if other_words else "",
    )


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
        self._cache: dict[tuple[str, str], int] = {}  # (field, needle) -> bitset over slots
        self._cache_bytes = 0
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
        fields: dict[str, list[_Block]] = {name: [] for name in INDEXED}
        for b in range(0, max(len(ids), 1), BLOCK):  # a block at a time: no second copy of it all
            columns: dict[str, list[str]] = {name: [] for name in INDEXED}
            for arxiv_id in ids[b : b + BLOCK]:
                items = field_items(snapshot, arxiv_id, commentary.pop(arxiv_id, ()))
                for name in INDEXED:
                    columns[name].append(_norm(items[name]))
            for name in INDEXED:
                fields[name].append(_Block(columns[name]))
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
        new._cache_bytes = sum(value.bit_length() // 8 + 64 for value in new._cache.values())
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
            return text is not None and text.holds(needle)
        slot = self.slot.get(arxiv_id)
        if slot is None:
            return False
        return self._fields[field][slot // BLOCK].contains(slot % BLOCK, needle)

    def _has_slot(self, field: str, slot: int, needle: str) -> bool:
        if field == "text":
            text = self.texts.get(self.ids[slot])
            return text is not None and text.holds(needle)
        return self._fields[field][slot // BLOCK].contains(slot % BLOCK, needle)

    def bits_with(self, field: str, needle: str) -> int:
        """The papers whose ``field`` (``"*"``: any field) holds ``needle``, as a bitset
        over slots (bit ``n`` is ``ids[n]``); cached."""
        key = (field, needle)
        found = self._cache.get(key)
        if found is not None:
            return found
        fields = FIELDS if field == "*" else (field,)
        bound = None  # a shorter needle's papers: the longer one can only be among them
        for k in range(len(needle) - 1, 1, -1):
            bound = self._cache.get((field, needle[:k]))
            if bound is not None:
                break
        if bound is not None and bound.bit_count() * 8 < len(self.ids):
            found = bits_of(s for s in slots_in(bound) if any(self._has_slot(f, s, needle) for f in fields))
        elif field == "*":
            parts = [self._cache.get((f, needle)) for f in FIELDS]
            if all(part is not None for part in parts):  # a search ranked by field just now
                found = 0
                for part in parts:
                    found |= part  # type: ignore[operator]
            else:
                found = self._scan_any(needle)
        elif field == "text":
            slot = self.slot
            found = bits_of(slot[i] for i, text in self.texts.items() if i in slot and text.holds(needle))
        else:
            found = bits_of(
                b * BLOCK + i for b, block in enumerate(self._fields[field]) for i in block.find_all(needle)
            )
        with self._lock:
            self._cache_bytes += found.bit_length() // 8 + 64
            if self._cache_bytes > CACHE_BYTES:
                self._cache.clear()
                self._cache_bytes = found.bit_length() // 8 + 64
            self._cache[key] = found
        return found

    def ids_in(self, bits: int) -> list[str]:
        """The paper ids of a bitset from :meth:`bits_with`."""
        ids = self.ids
        return [ids[s] for s in slots_in(bits)]

    def _scan_any(self, needle: str) -> int:
        """Papers holding ``needle`` in any field. Block by block, the shortest fields first;
        once most of a block's papers have matched, the longer fields are asked only about
        the rest, paper by paper (a common word such as "a" is in nearly every title)."""
        fields = self._fields
        order = ("title", "tags", "authors", "note", "commentary", "abstract")
        hits: list[int] = []
        for b in range(len(fields["title"])):
            base = b * BLOCK
            size = fields["title"][b].size
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
            hits.extend(base + i for i in matched)
        slot = self.slot
        hits.extend(slot[i] for i, text in self.texts.items() if i in slot and text.holds(needle))
        return bits_of(hits)

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
            total += sum(b.memory() for b in blocks)
        for text in self.texts.values():
            total += sum(map(sys.getsizeof, (text.norm, text.ascii_words, text.other_words, text.page_starts)))
            total += sum(map(sys.getsizeof, text.pages))
        return total


class _Shared(list[str]):
    """The slot -> id list and its inverse, made once and shared by derived indexes."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids)
        self.slot = {arxiv_id: n for n, arxiv_id in enumerate(ids)}
