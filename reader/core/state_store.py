"""Read flags and tags as ``state.json`` keeps them (format 2): sets of paper ids.

Format 1 kept a document per paper (``{"read", "tags", "read_at"}``). At 100,000 papers
that is some 50,000 documents: ~100 ms to parse when the app starts, and as long to
write back on every toggle. Format 2 keeps the state the way it is made, a set of papers
at a time:

``read``  a document per moment papers were marked read, keyed by that moment
          (``read_at``; "" when unknown): ``{"papers": "id id ..."}``;
``tags``  a document per tag, in the order tags were first used:
          ``{"papers": "id id ..."}``, in the order they were tagged;
``order`` for the few papers whose tags are not in the order of the ``tags`` table, a
          document with them in the paper's order: ``{"tags": [tags]}``.
 Ids are kept as one string per document, separated by spaces (arXiv ids have none): a
string of 40,000 ids is written and read in a millisecond, a list of them takes several.
A format 1 file is read as it is
and written in format 2 by the first change made to it (the migration); a reader that
knows only format 1 refuses a format 2 file as written by a newer reader.

:class:`StateFile` is one version of the file, never changed: :meth:`StateFile.changed`
makes the next one. It is also the read-only mapping (paper id -> :class:`PaperState`)
the app's first screen uses, answering per paper without making every state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from .records import UNTOUCHED, PaperState

READ = "read"
TAGS = "tags"
ORDER = "order"
LEGACY = "papers"  # format 1's table: a document per paper
UNKNOWN_MOMENT = ""  # the ``read`` document of papers read at a moment not recorded
WHOLE_AFTER_MONTHS = 6  # a tag's papers of this many months picked out: make its whole set


def _joined(doc: Any) -> str:
    """A document's ids, as stored: one string (a list, as a hand edit may leave, is read too)."""
    papers = doc.get("papers") if isinstance(doc, dict) else None
    if isinstance(papers, list):
        return " ".join(i for i in papers if isinstance(i, str) and i and " " not in i)
    return papers.strip() if isinstance(papers, str) else ""


def _count(joined: str) -> int:
    return joined.count(" ") + 1 if joined else 0


class StateFile(Mapping[str, PaperState]):
    """The read flags and tags of one version of ``state.json``: a mapping of every paper
    with a state (read or tagged) to its :class:`PaperState`, made on demand."""

    def __init__(self, tables: Mapping[str, Any] | None) -> None:
        tables = tables or {}
        self.read: dict[str, str] = {}  # moment -> ids read then (joined)
        self.tags: dict[str, str] = {}  # tag -> ids (joined), tags in order of first use
        self.order: dict[str, tuple[str, ...]] = {}  # id -> its tags, where not in the tags' order
        if LEGACY in tables and READ not in tables and TAGS not in tables:
            self._from_format_1(tables[LEGACY])
        else:
            self.read = {at: ids for at, doc in (tables.get(READ) or {}).items() if (ids := _joined(doc))}
            self.tags = {tag: ids for tag, doc in (tables.get(TAGS) or {}).items() if (ids := _joined(doc))}
            for arxiv_id, doc in (tables.get(ORDER) or {}).items():
                tags = doc.get("tags") if isinstance(doc, dict) else None
                if isinstance(tags, list):
                    self.order[arxiv_id] = tuple(t for t in tags if isinstance(t, str))
        self._read_at: dict[str, str] | None = None
        self._tag_sets: dict[str, frozenset[str]] = {}
        # A tag's papers of one month (see has_tag), until enough months were asked for.
        self._tag_months: dict[str, dict[str, frozenset[str]]] = {}
        self._ids: tuple[str, ...] | None = None
        self._shared: dict[tuple[bool, tuple[str, ...], str | None], PaperState] = {}

    def _from_format_1(self, papers: Any) -> None:
        mine: dict[str, tuple[str, ...]] = {}
        read: dict[str, list[str]] = {}
        tagged: dict[str, list[str]] = {}
        for arxiv_id, doc in (papers or {}).items():
            if not arxiv_id or " " in arxiv_id:
                continue
            state = PaperState.from_doc(doc if isinstance(doc, dict) else None)
            if state.read:
                read.setdefault(state.read_at or UNKNOWN_MOMENT, []).append(arxiv_id)
            tags = tuple(dict.fromkeys(state.tags))
            for tag in tags:
                tagged.setdefault(tag, []).append(arxiv_id)
            if len(tags) > 1:
                mine[arxiv_id] = tags
        self.read = {at: " ".join(ids) for at, ids in read.items()}
        self.tags = {tag: " ".join(ids) for tag, ids in tagged.items()}
        rank = {tag: n for n, tag in enumerate(self.tags)}
        self.order = {i: tags for i, tags in mine.items() if list(tags) != sorted(tags, key=rank.__getitem__)}

    # --- the file -----------------------------------------------------------------------
    def tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The tables to write (format 2)."""
        return {
            READ: {at: {"papers": ids} for at, ids in self.read.items()},
            TAGS: {tag: {"papers": ids} for tag, ids in self.tags.items()},
            ORDER: {arxiv_id: {"tags": list(tags)} for arxiv_id, tags in self.order.items()},
        }

    # --- answers --------------------------------------------------------------------------
    @property
    def read_at(self) -> dict[str, str]:
        """Paper id -> when it was marked read ("" when unknown), for every read paper."""
        found = self._read_at
        if found is None:
            found = {}
            for at, ids in self.read.items():
                found.update(dict.fromkeys(ids.split(), at))
            self._read_at = found
        return found

    def tagged(self, tag: str) -> frozenset[str]:
        found = self._tag_sets.get(tag)
        if found is None:
            found = self._tag_sets[tag] = frozenset(self.tags.get(tag, "").split())
            self._tag_months.pop(tag, None)
        return found

    def has_tag(self, tag: str, arxiv_id: str) -> bool:
        """Is the paper tagged ``tag``? The first screen asks this of a few dozen papers,
        mostly of one or two months; a tag can hold 40,000 (its set: ~8 ms to make). So
        the papers of the month asked for are picked out of the tag's string (a search in
        C: ~0.2 ms), and the whole set is made only once papers of many months are asked."""
        found = self._tag_sets.get(tag)
        if found is not None:
            return arxiv_id in found
        months = self._tag_months.get(tag)
        if months is None:
            if not _single_spaced(self.tags.get(tag, "")):  # (a hand edit's spacing: split it)
                return arxiv_id in self.tagged(tag)
            months = self._tag_months[tag] = {}
        month = month_of(arxiv_id)
        part = months.get(month)
        if part is None:
            if len(months) >= WHOLE_AFTER_MONTHS:
                return arxiv_id in self.tagged(tag)
            part = months[month] = _starting_with(self.tags.get(tag, ""), month)
        return arxiv_id in part

    def is_read(self, arxiv_id: str) -> bool:
        return arxiv_id in self.read_at

    def read_count(self) -> int:
        """How many papers are read (counted in the stored strings: nothing is split)."""
        return len(self._read_at) if self._read_at is not None else sum(map(_count, self.read.values()))

    def tag_counts(self) -> Counter[str]:
        return Counter({tag: _count(ids) for tag, ids in self.tags.items()})

    def state(self, arxiv_id: str) -> PaperState:
        at = self.read_at.get(arxiv_id)
        tags = tuple(tag for tag in self.tags if self.has_tag(tag, arxiv_id))
        if len(tags) > 1 and arxiv_id in self.order:
            tags = _in_order(tags, self.order[arxiv_id])
        return self._share(at is not None, tags, at or None)

    def _share(self, read: bool, tags: tuple[str, ...], at: str | None) -> PaperState:
        """One object per distinct state (most papers share a handful)."""
        key = (read, tags, at)
        found = self._shared.get(key)
        if found is None:
            found = UNTOUCHED if key == (False, (), None) else PaperState(read, tags, at)
            self._shared[key] = found
        return found

    def states(self) -> dict[str, PaperState]:
        """Every paper with a state, made at once (a few ms per 10,000 papers)."""
        tags: dict[str, tuple[str, ...]] = {}
        for tag, ids in self.tags.items():
            for arxiv_id in ids.split():
                tags[arxiv_id] = (*tags.get(arxiv_id, ()), tag)
        for arxiv_id, order in self.order.items():
            if len(tags.get(arxiv_id, ())) > 1:
                tags[arxiv_id] = _in_order(tags[arxiv_id], order)
        read_at = self.read_at
        found = {i: self._share(i in read_at, t, read_at.get(i) or None) for i, t in tags.items()}
        for arxiv_id, at in read_at.items():
            if arxiv_id not in found:
                found[arxiv_id] = self._share(True, (), at or None)
        return found

    # --- Mapping ----------------------------------------------------------------------------
    def _all_ids(self) -> tuple[str, ...]:
        found = self._ids
        if found is None:
            ordered: dict[str, None] = dict.fromkeys(self.read_at)
            for ids in self.tags.values():
                ordered.update(dict.fromkeys(ids.split()))
            found = self._ids = tuple(ordered)
        return found

    def __getitem__(self, arxiv_id: str) -> PaperState:
        state = self.state(arxiv_id)
        if state is UNTOUCHED:
            raise KeyError(arxiv_id)
        return state

    def get(self, arxiv_id: str, default: Any = None) -> Any:  # (faster than Mapping's)
        state = self.state(arxiv_id)
        return default if state is UNTOUCHED else state

    def __contains__(self, arxiv_id: object) -> bool:
        return isinstance(arxiv_id, str) and self.state(arxiv_id) is not UNTOUCHED

    def __iter__(self) -> Iterator[str]:
        return iter(self._all_ids())

    def __len__(self) -> int:
        return len(self._all_ids())

    # --- changing -------------------------------------------------------------------------
    def changed(self, new: Mapping[str, PaperState]) -> StateFile:
        """The next version: ``new`` (paper id -> its new state) applied to this one. Work
        in proportion to the documents touched, whatever the number of papers."""
        read_at = self.read_at
        drop_read: dict[str, set[str]] = {}
        add_read: dict[str, list[str]] = {}
        drop_tag: dict[str, set[str]] = {}
        add_tag: dict[str, list[str]] = {}
        for arxiv_id, state in new.items():
            old_at = read_at.get(arxiv_id)
            new_at = (state.read_at or UNKNOWN_MOMENT) if state.read else None
            if old_at != new_at:
                if old_at is not None:
                    drop_read.setdefault(old_at, set()).add(arxiv_id)
                if new_at is not None:
                    add_read.setdefault(new_at, []).append(arxiv_id)
            old_tags = self.state(arxiv_id).tags
            for tag in old_tags:
                if tag not in state.tags:
                    drop_tag.setdefault(tag, set()).add(arxiv_id)
            for tag in dict.fromkeys(state.tags):
                if tag not in old_tags:
                    add_tag.setdefault(tag, []).append(arxiv_id)
        after = StateFile(None)
        after.read = _apply(self.read, drop_read, add_read)
        after.tags = _apply(self.tags, drop_tag, add_tag)
        after.order = dict(self.order)
        rank = {tag: n for n, tag in enumerate(after.tags)}
        for arxiv_id, state in new.items():
            tags = tuple(dict.fromkeys(state.tags))
            if len(tags) > 1 and list(tags) != sorted(tags, key=rank.__getitem__):
                after.order[arxiv_id] = tags
            else:
                after.order.pop(arxiv_id, None)
        if self._read_at is not None:  # carried over, not rebuilt
            moved = dict(self._read_at)
            for gone in drop_read.values():
                for arxiv_id in gone:
                    moved.pop(arxiv_id, None)
            for at, more in add_read.items():
                moved.update(dict.fromkeys(more, at))
            after._read_at = moved
        for tag, members in self._tag_sets.items():  # carried over too
            if tag in after.tags:
                if tag in drop_tag:
                    members = members - drop_tag[tag]
                if tag in add_tag:
                    members = members.union(add_tag[tag])
                after._tag_sets[tag] = members
        after._shared = self._shared
        return after


def month_of(arxiv_id: str) -> str:
    """What every id of the paper's month starts with: ``2512.`` for 2512.00301, ``hep-th/0601``
    for hep-th/0601001 (an id of no known form: itself)."""
    slash = arxiv_id.find("/")
    if slash >= 0:
        return arxiv_id[: slash + 5]
    dot = arxiv_id.find(".")
    return arxiv_id[: dot + 1] if dot > 0 else arxiv_id


def _single_spaced(joined: str) -> bool:
    """Are the ids separated by single spaces, as this reader writes them (a hand edit may
    leave newlines or runs of spaces, which ``str.split`` takes too)? (~0.5 ms at 40,000 ids)"""
    return joined.isascii() and "  " not in joined and not any(c in joined for c in _OTHER_SPACES)


_OTHER_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # (ASCII's whitespace besides the space)


def _starting_with(joined: str, prefix: str) -> frozenset[str]:
    """The ids in ``joined`` (separated by spaces) that start with ``prefix``, found without
    splitting the string."""
    found = []
    if joined.startswith(prefix):
        end = joined.find(" ")
        found.append(joined if end < 0 else joined[:end])
    needle = " " + prefix
    start = joined.find(needle)
    while start >= 0:
        end = joined.find(" ", start + 1)
        if end < 0:
            found.append(joined[start + 1 :])
            break
        found.append(joined[start + 1 : end])
        start = joined.find(needle, end)
    return frozenset(found)


def _in_order(tags: tuple[str, ...], order: tuple[str, ...]) -> tuple[str, ...]:
    """``tags`` in the paper's own ``order`` (any it does not name after, as they come)."""
    have = set(tags)
    first = tuple(t for t in order if t in have)
    return first + tuple(t for t in tags if t not in first)


def _apply(docs: dict[str, str], drop: dict[str, set[str]], add: dict[str, list[str]]) -> dict[str, str]:
    """``docs`` (key -> joined ids) with ids dropped and added (ids ``add`` names are not in
    their document yet); documents left empty go, new ones come last. A document touched
    is a new string; a few ids are cut out of it without splitting it."""
    out: dict[str, str] = {}
    for key, joined in docs.items():
        gone, more = drop.get(key), add.get(key)
        if gone and len(gone) <= 8:
            padded = f" {joined} "
            for arxiv_id in gone:
                padded = padded.replace(f" {arxiv_id} ", " ", 1)
            joined = padded.strip()
        elif gone:
            joined = " ".join(i for i in joined.split() if i not in gone)
        if more:
            joined = f"{joined} {' '.join(more)}" if joined else " ".join(more)
        if joined:
            out[key] = joined
    for key, ids in add.items():
        if key not in docs and ids:
            out[key] = " ".join(ids)
    return out
