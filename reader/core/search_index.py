"""The text index behind every query: each paper's fields, normalised, in compact form.

Fields, best first (the order search ranks in): ``title``, ``authors``, ``tags``, ``note``,
``commentary``, ``abstract``, and ``text`` (the paper's text, from the PDF text cache).

How they are kept depends on how they change:

* the snapshot's fields are an inverted index over word ids (``reader/core/word_index.py``):
  a sorted vocabulary, each paper's words as ids (for phrases), and per word the papers it is
  in, so the papers with a word starting with a prefix are one slice of an array. A keystroke
  costs microseconds to a few milliseconds at 100,000 papers, whatever the prefix. The
  catalogue's fields (``CATALOG``: they change only with a new catalogue) are one such index,
  the slow part of a build, which ``reader/core/saved_index.py`` keeps on disk; the reader's
  own fields (``tags`` and ``note``: ``EDITED``, on a few papers) are another, made anew with
  every index in a fraction of that time, so a note edit never makes the saved part stale.
* ``tags`` and ``note`` also change with the reader's edits: a paper edited since
  the build is looked at in an overlay (its slot -> its normalised text, ``reader/core/words.py``:
  each folded word after a space, where a word start is ``" word" in text``), and its bit in the
  word index's answer is replaced by the overlay's. An edit copies the overlay (a few entries),
  never the index.
* a paper's text (long, and few of them) is kept whole for phrases and snippets, and as its
  vocabulary (each word once) for words.

The original text is not kept: snippets are cut from the snapshot's own text when a search
shows them.

An index is never changed in place: :meth:`TextIndex.synced` (a note edited, a tag added) and
:meth:`TextIndex.with_text` return a new index that shares everything unchanged, so a search
running in another thread keeps a consistent index, and building one (``build``, a few seconds
at 100,000 papers) can run off the UI thread. The papers a needle is found in are cached per
index as a bitset (a Python int: 12.5 KB at 100,000 papers), and a longer needle is looked for
only among the papers a shorter one matched.
"""

from __future__ import annotations

import itertools
import sys
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace

from .bitsets import bits_of, bits_of_mask, mask_of, slots_in
from .state_indexes import changed_ids
from .words import SEPARATOR, display, normalise, normalise_items

if TYPE_CHECKING:
    from .library import DigestRecord, PaperRecord, PaperState
    from .pdf import PaperText
    from .snapshot import Snapshot
    from .word_index import SparseWordIndex, WordIndex

__all__ = [
    "CATALOG", "EDITED", "FIELDS", "INDEXED", "PreparedText", "TextIndex", "catalog_words", "field_items",
    "personal_words", "prepare_text",
]

INDEXED = ("title", "authors", "tags", "note", "commentary", "abstract")  # from the snapshot
FIELDS = (*INDEXED, "text")
EDITED = ("tags", "note")  # the reader's: they change without a new catalogue
CATALOG = tuple(name for name in INDEXED if name not in EDITED)  # the catalogue's: saved on disk
CHUNK = 4096  # papers normalised at a time while building (bounds the build's extra memory)
CACHE_BYTES = 8_000_000  # the cached needles' bitsets, per index (~640 at 100,000 papers)
MAX_TEXT = 4_000_000  # characters of one paper's text that are indexed (a 1,000-page book's worth)

_serial = itertools.count()


# --------------------------------------------------------------------------- paper texts


class PreparedText(Struct, frozen=True):
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


class Sources(Struct, frozen=True):
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
        words: WordIndex,
        personal: SparseWordIndex,
        edited: dict[str, dict[int, str]],
        texts: Mapping[str, PreparedText],
        sources: Sources,
    ) -> None:
        self.ids = ids  # slot -> paper id (shared between derived indexes: never changed)
        self.slot = ids.slot
        # The CATALOG fields and the EDITED ones, as built (shared between derived indexes:
        # never changed).
        self.words = words
        self.personal = personal
        self._field_words: dict[str, WordIndex | SparseWordIndex] = {
            **dict.fromkeys(CATALOG, words), **dict.fromkeys(EDITED, personal)}
        # The EDITED fields of the papers edited since the build: field -> slot -> normalised text
        self.edited = edited
        self._edited_bits = {name: bits_of(slots) for name, slots in edited.items()}
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
        return cls.with_catalog(snapshot, ids, catalog_words(snapshot, ids), texts)

    @classmethod
    def with_catalog(cls, snapshot: Snapshot, ids: list[str], words: WordIndex,
                     texts: Mapping[str, PreparedText] | None = None) -> TextIndex:
        """An index of ``snapshot`` from its catalogue's word index (``words``, built by
        :func:`catalog_words` over ``ids``, the snapshot's ``all_ids()``, now or earlier and
        saved): the reader's fields are indexed here, in a fraction of the catalogue's time."""
        shared = _Shared(ids)
        kept = {i: t for i, t in (texts or {}).items() if i in shared.slot}
        return cls(shared, words, personal_words(snapshot, shared), {name: {} for name in EDITED}, kept,
                   Sources.of(snapshot))

    def _derive(self, edited: dict[str, dict[int, str]], texts: Mapping[str, PreparedText], sources: Sources,
                changed: Iterable[str]) -> TextIndex:
        new = TextIndex(self.ids, self.words, self.personal, edited, texts, sources)
        changed = set(changed)
        if changed:
            changed.add("*")  # a search of every field
        new._cache = {key: value for key, value in self._cache.items() if key[0] not in changed}
        new._cache_bytes = sum(value.bit_length() // 8 + 64 for value in new._cache.values())
        return new

    def same_catalog(self, snapshot: Snapshot) -> bool:
        """Was this index made from ``snapshot``'s digests, papers and arXiv records?"""
        mine = self.sources
        return mine.digests is snapshot.digests and mine.papers is snapshot.papers and mine.metadata is snapshot.metadata

    def synced(self, snapshot: Snapshot) -> TextIndex:
        """This index with ``snapshot``'s notes and tags (the catalogue is taken as the same):
        itself when they are the objects it has, else a new index whose overlay has the
        papers that changed (a note or a tag edit: well under a millisecond)."""
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
            for arxiv_id in changed_ids(states, new_states):  # (a toggle's papers, not the library's)
                old, new = states.get(arxiv_id), new_states.get(arxiv_id)
                if old is not new and (old.tags if old else ()) != (new.tags if new else ()) and arxiv_id in slot:
                    changed["tags"].add(slot[arxiv_id])
        edited = dict(self.edited)
        for name, slots in changed.items():
            if slots:
                edited[name] = {**edited[name], **{s: _norm(field_items(snapshot, self.ids[s], ())[name]) for s in slots}}
        sources = replace(self.sources, states=snapshot.states, notes=snapshot.notes)
        return self._derive(edited, self.texts, sources, [name for name, slots in changed.items() if slots])

    def with_text(self, arxiv_id: str, text: PreparedText | None) -> TextIndex:
        """A new index with ``arxiv_id``'s paper text set (None: removed)."""
        texts = dict(self.texts)
        if text is None or not text.norm:
            texts.pop(arxiv_id, None)
        else:
            texts[arxiv_id] = text
        return self._derive(self.edited, texts, self.sources, ["text"])

    def with_texts(self, texts: Mapping[str, PreparedText]) -> TextIndex:
        merged = {**self.texts, **{i: t for i, t in texts.items() if t.norm}}
        return self._derive(self.edited, merged, self.sources, ["text"])

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
        return self._has_slot(field, slot, needle)

    def _has_slot(self, field: str, slot: int, needle: str) -> bool:
        if field == "text":
            text = self.texts.get(self.ids[slot])
            return text is not None and text.holds(needle)
        if field in EDITED and slot in self.edited[field]:
            return needle in self.edited[field][slot]
        return self._field_words[field].holds(field, slot, needle[1:].split(" "))

    def cached(self, field: str, needle: str) -> bool:
        """Has ``bits_with(field, needle)`` been answered already?"""
        return (field, needle) in self._cache

    def bits_with(self, field: str, needle: str) -> int:
        """The papers whose ``field`` (``"*"``: any field) holds ``needle``
        (``words.needle``), as a bitset over slots (bit ``n`` is ``ids[n]``); cached."""
        key = (field, needle)
        found = self._cache.get(key)
        if found is not None:
            return found
        bound = None  # a shorter needle's papers: the longer one can only be among them
        for k in range(len(needle) - 1, 1, -1):
            bound = self._cache.get((field, needle[:k]))
            if bound is not None:
                break
        if field == "*":
            found = 0
            for name in FIELDS:
                found |= self.bits_with(name, needle)
        elif field != "text":
            found = self._indexed(field, needle, bound)
        elif bound is not None and bound.bit_count() * 8 < len(self.ids):
            found = bits_of(s for s in slots_in(bound) if self._has_slot(field, s, needle))
        else:
            slot = self.slot
            found = bits_of(slot[i] for i, text in self.texts.items() if i in slot and text.holds(needle))
        with self._lock:
            self._cache_bytes += found.bit_length() // 8 + 64
            if self._cache_bytes > CACHE_BYTES:
                self._cache.clear()
                self._cache_bytes = found.bit_length() // 8 + 64
            self._cache[key] = found
        return found

    def _indexed(self, field: str, needle: str, bound: int | None) -> int:
        """``bits_with`` for a field of the word index (among ``bound``'s papers, for a phrase,
        whose words are checked in order), with the overlay's edits in place of the built text."""

        tokens = needle[1:].split(" ")
        within = mask_of(bound, len(self.ids)) if bound is not None and len(tokens) > 1 else None
        found = bits_of_mask(self._field_words[field].mask(field, tokens, within))
        edited = self.edited.get(field)
        if edited:
            found &= ~self._edited_bits[field]
            found |= bits_of(s for s, text in edited.items() if needle in text)
        return found

    def ids_in(self, bits: int) -> list[str]:
        """The paper ids of a bitset from :meth:`bits_with`."""
        ids = self.ids
        return [ids[s] for s in slots_in(bits)]

    def normalised(self, field: str, arxiv_id: str) -> str:
        """The indexed text of one field of one paper (for tests and snippets)."""
        if field == "text":
            text = self.texts.get(arxiv_id)
            return text.norm if text else ""
        slot = self.slot.get(arxiv_id)
        if slot is None:
            return ""
        if field in EDITED and slot in self.edited[field]:
            return self.edited[field][slot]

        return self._field_words[field].text(field, slot, SEPARATOR)

    def memory(self) -> int:
        """Bytes held by the index's own strings and arrays (not the snapshot's)."""

        total = sys.getsizeof(self.ids) + sys.getsizeof(self.slot) + self.words.memory() + self.personal.memory()
        for edited in self.edited.values():
            total += sys.getsizeof(edited) + sum(map(sys.getsizeof, edited.values()))
        for text in self.texts.values():
            total += sum(map(sys.getsizeof, (text.norm, text.ascii_words, text.other_words, text.page_starts)))
            total += sum(map(sys.getsizeof, text.pages))
        return total


def catalog_words(snapshot: Snapshot, ids: list[str]) -> WordIndex:
    """The CATALOG fields of the papers ``ids`` (slot order) as a word index: the slow part of
    a build (every paper's text normalised: seconds at 100,000 papers)."""
    from .word_index import WordIndexBuilder  # (lazy: not loaded before the first paint)

    commentary: dict[str, list[str]] = {}
    for digest in snapshot.digests:
        for entry in digest.entries:
            if entry.commentary:
                commentary.setdefault(entry.arxiv_id, []).append(entry.commentary)
    words = WordIndexBuilder(CATALOG, SEPARATOR)
    for c in range(0, len(ids), CHUNK):  # a chunk at a time: no second copy of it all
        columns: dict[str, list[str]] = {name: [] for name in CATALOG}
        for arxiv_id in ids[c : c + CHUNK]:
            items = field_items(snapshot, arxiv_id, commentary.pop(arxiv_id, ()))
            for name in CATALOG:
                columns[name].append(_norm(items[name]))
        words.add(columns)
    return words.build()


def personal_words(snapshot: Snapshot, ids: list[str]) -> SparseWordIndex:
    """The EDITED fields (tags, note) of the papers ``ids`` as a word index of the papers that
    have any (each distinct set of tags normalised once): it costs what the tags and notes
    cost, not what the library's size costs. Most of that is the notes' words: ~0.35 s of CPU
    for 6,600 notes of ~1 KB (a million words), ~20 ms for tags alone on 13,000 papers."""
    import numpy as np  # (lazy: not loaded before the first paint)

    from .word_index import SparseWordIndex, WordIndexBuilder  # (lazy: not loaded before the first paint)

    slot = ids.slot if isinstance(ids, _Shared) else {arxiv_id: n for n, arxiv_id in enumerate(ids)}
    tags: dict[int, str] = {}
    notes: dict[int, str] = {}
    normalised: dict[tuple[str, ...], str] = {}
    for arxiv_id, state in snapshot.states.items():
        n = slot.get(arxiv_id)
        if n is not None and state.tags:
            key = tuple(state.tags)
            found = normalised.get(key)
            if found is None:
                found = normalised[key] = _norm(list(key))
            if found:
                tags[n] = found
    for arxiv_id, note in snapshot.notes.items():
        n = slot.get(arxiv_id)
        if n is not None and note:
            found = _norm([note])
            if found:
                notes[n] = found
    rows = sorted(tags.keys() | notes.keys())
    words = WordIndexBuilder(EDITED, SEPARATOR)
    for c in range(0, len(rows), CHUNK):
        chunk = rows[c : c + CHUNK]
        words.add({"tags": [tags.get(n, "") for n in chunk], "note": [notes.get(n, "") for n in chunk]})
    return SparseWordIndex(len(ids), np.array(rows, dtype=np.int64), words.build())


class _Shared(list[str]):
    """The slot -> id list and its inverse, made once and shared by derived indexes."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids)
        self.slot = {arxiv_id: n for n, arxiv_id in enumerate(ids)}
