"""Which papers a query matches: one engine for the filter, search, ``reader list`` and ``reader search``.

:class:`Engine` holds a :class:`~reader.core.search_index.TextIndex` (the words of every paper)
and the ids whose PDF is downloaded, and evaluates a parsed query (``reader/core/query.py``)
over a snapshot:

* :meth:`Engine.filter` keeps the given ids (in their order) that match: the ``/`` filter and
  ``reader list``;
* :meth:`Engine.search` ranks the matching papers and cuts snippets (``reader/core/ranking.py``).

Everything but words is answered from the snapshot itself (read state, tags, digests, dates,
arXiv records), or from the citations it is given (``cites:``/``cited-by:``, from the papers'
texts: ``reader/core/citations.py``), so a query without words needs no index at all. Words are looked up in the
index, which follows the snapshot's notes and tags by itself (``TextIndex.synced``); a new
catalogue (an import, a reload) needs a new index, built off the UI thread.

Every set of papers is a bitset (a Python int) over the papers numbered by the index
(``reader/core/query_space.py``), so AND, OR and NOT cost microseconds at 100,000 papers; what
the snapshot answers (read, tags, digests, years...) is made into a bitset once and cached while
the snapshot's parts are the same objects. Evaluation narrows a candidate set: ``a b`` evaluates
the cheaper term first and the other only over what is left; ``NOT a`` is the candidates minus
``a``'s; ``a OR b`` looks for ``b`` only among the candidates ``a`` did not match. No I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .bitsets import bits_of, bits_of_mask, slots_in
from .query import (
    And,
    Cat,
    CitedBy,
    Cites,
    Date,
    Digest,
    Is,
    Node,
    Not,
    Or,
    Query,
    Tag,
    Week,
    Words,
    Year,
    parse,
)
from .query_space import NumberedIds, Space, View
from .search_index import FIELDS, PreparedText, TextIndex
from .words import fold, needle, normalise

if TYPE_CHECKING:
    from .citations import CitesIndex
    from .library import DigestRecord
    from .ranking import SearchHit
    from .snapshot import Snapshot

__all__ = ["Engine", "digests_matching", "universe"]

T = TypeVar("T")
DERIVED_CACHE = 64
_NEW_STYLE = re.compile(r"(\d\d)\d\d\.\d{4,5}")
_OLD_STYLE = re.compile(r"[^/]+/(\d\d)\d{5}")


def universe(snapshot: Snapshot, query: Query | None = None) -> list[str]:
    """The papers a query ranges over: every paper of the library, in library order; and,
    when the query asks about ``is:mentioned``, the papers a digest mentions that are not
    in the library at all (as ``reader list --mentioned`` always listed them)."""
    ids = snapshot.all_ids()
    if query is not None and query.uses(Is, state="mentioned"):
        known = set(ids)
        ids += [i for i in snapshot.mentioned_by_digests if i not in known]
    return ids


def digests_matching(snapshot: Snapshot, node: Digest | Week | Date) -> list[DigestRecord]:
    """The digests a ``digest:``, ``week:`` or ``date:`` term names, newest first."""
    return [digest for digest in snapshot.digests if _digest_matches(node, digest)]


@functools.lru_cache(maxsize=8192)
def _fold_tag(tag: str) -> str:
    return fold(tag.lstrip("#"))


def _id_year(arxiv_id: str) -> int | None:
    m = _NEW_STYLE.fullmatch(arxiv_id) or _OLD_STYLE.fullmatch(arxiv_id)
    if not m:
        return None
    yy = int(m.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy


def _cost(node: Node) -> int:
    """How dear a term is to evaluate: cheap ones narrow the candidates first."""
    if isinstance(node, Not):
        return _cost(node.item)
    if isinstance(node, (And, Or)):
        return max(_cost(item) for item in node.items)
    if isinstance(node, Words):
        return 10
    if isinstance(node, Is) and node.state == "mismatched":
        return 5
    if isinstance(node, (Year, Cat)):
        return 3
    return 1


class Engine:
    """The query engine of one library; see the module docstring. Safe to use from two
    threads at once (the UI's filter and a search worker): the index is replaced, never changed."""

    def __init__(
        self, index: TextIndex | None = None, downloaded: Iterable[str] = (), citations: CitesIndex | None = None
    ) -> None:
        self.index = index
        self.downloaded = frozenset(downloaded)
        # Who cites whom (None: not known yet, and cites:/cited-by: match nothing). It may grow
        # in place (CitesIndex.add), so what it answers is never cached.
        self.citations = citations
        self._synced: tuple[TextIndex, TextIndex] | None = None  # (built index, synced to the last snapshot)
        self._derived: dict[tuple[object, ...], tuple[tuple[object, ...], Any]] = {}
        self._view: tuple[Space, list[str], int, View] | None = None  # the last list filtered
        # The last filter's answer: (its list, its bits, their space, the snapshot), for read_count.
        self._found: tuple[list[str], int, Space, Snapshot] | None = None
        self._lock = threading.Lock()

    @classmethod
    def build(
        cls,
        snapshot: Snapshot,
        texts: Mapping[str, PreparedText] | None = None,
        downloaded: Iterable[str] = (),
        citations: CitesIndex | None = None,
    ) -> Engine:
        return cls(TextIndex.build(snapshot, texts), downloaded, citations)

    # --- the index ----------------------------------------------------------------------
    @staticmethod
    def needs_index(query: Query) -> bool:
        """Does the query have words (which only the index answers)?"""
        return any(isinstance(leaf, Words) for leaf, _ in query.leaves())

    def index_for(self, snapshot: Snapshot) -> TextIndex:
        """The index, with ``snapshot``'s notes and tags (built here if there is none yet).

        ``self.index`` stays the index as built (only its owner replaces it); the synced
        one is remembered beside it, so the next call only diffs what changed since."""
        index = self.index
        if index is None:
            index = self.index = TextIndex.build(snapshot)
        last = self._synced
        synced = (last[1] if last is not None and last[0] is index else index).synced(snapshot)
        self._synced = (index, synced)
        return synced

    def set_text(self, arxiv_id: str, text: PreparedText | None) -> None:
        """A paper's text was extracted (or removed): index it, and count it downloaded."""
        if self.index is not None:
            self.index = self.index.with_text(arxiv_id, text)
            self._synced = None
        if text is not None:
            self.downloaded = self.downloaded | {arxiv_id}

    # --- answering ------------------------------------------------------------------------
    def matching(self, snapshot: Snapshot, query: Query, candidates: Iterable[str]) -> set[str]:
        """The candidates that match ``query`` (none for a query with an error)."""
        ids = list(candidates)
        if query.error is not None:
            return set()
        if query.node is None:
            return set(ids)
        view, found = self._evaluate(snapshot, query, ids)
        return set(view.kept(found))

    def _evaluate(self, snapshot: Snapshot, query: Query, ids: list[str]) -> tuple[View, int]:
        """The bitset of the ``ids`` that match ``query`` (which has a node), and their view."""
        assert query.node is not None
        index = self.index_for(snapshot) if self.needs_index(query) else self.index
        self._forget_other_snapshots(snapshot)
        view = self._view_of(snapshot, index, ids)
        found = _Evaluation(self, snapshot, index, view.space).run(query.node, view.bits)
        return view, found

    def _view_of(self, snapshot: Snapshot, index: TextIndex | None, ids: list[str]) -> View:
        """``ids`` as a :class:`View`: the last one when it is the same list (the filter's
        next keystroke), else made (and its space with it)."""
        last = self._view
        if index is not None:
            base: list[str] = index.ids
            slot: Mapping[str, int] = index.slot
        else:
            shared = self.derived(("all ids",), (snapshot.digests, snapshot.papers), lambda: NumberedIds(snapshot.all_ids()))
            base, slot = shared, shared.slot
        if last is not None and last[1] is ids and last[2] == len(ids) and last[0].base is base:
            return last[3]
        extra = list(dict.fromkeys(i for i, s in zip(ids, map(slot.get, ids), strict=True) if s is None))
        space = self.derived(("space", tuple(extra)), (base,), lambda: Space(base, slot, extra))
        view = View(space, ids)
        self._view = (space, ids, len(ids), view)
        return view

    def prepare(self, snapshot: Snapshot, ids: list[str]) -> None:
        """Make the view of ``ids`` that the next filter of this very list takes (~50 ms at
        100,000 papers: made when the filter opens, not on its first keystroke). Only with
        the index built: a filter's words need it."""
        if self.index is not None:
            view = self._view_of(snapshot, self.index_for(snapshot), ids)
            self.read_bits(snapshot, view.space)  # (and the read papers' bits, for read_count)

    def filter(self, snapshot: Snapshot, ids: Iterable[str], query: Query | str) -> list[str]:
        """The ``ids`` (in their order) whose paper matches ``query``."""
        if isinstance(query, str):
            query = parse(query)
        ids = ids if isinstance(ids, list) else list(ids)
        if query.empty:
            return list(ids)
        if query.error is not None:
            return []
        view, found = self._evaluate(snapshot, query, ids)
        kept = view.kept(found)
        self._found = (kept, found, view.space, snapshot)
        return kept

    def read_count(self, snapshot: Snapshot, ids: list[str]) -> int | None:
        """How many of ``ids`` are read, when ``ids`` is the very list the last filter of
        ``snapshot`` returned: its bits and the read papers' bits, counted in C (a filter of
        95,000 papers at 100,000: ~0.1 ms, where a look at each is ~7). None otherwise."""
        last = self._found
        if last is None or last[0] is not ids or last[3] is not snapshot:
            return None
        _, found, space, _ = last
        return (found & self.read_bits(snapshot, space)).bit_count()

    def read_bits(self, snapshot: Snapshot, space: Space) -> int:
        """The bitset of ``snapshot``'s read papers in ``space`` (made once per states object:
        ``is:read``, ``is:unread`` and read_count share it)."""
        states = snapshot.states
        return self.derived(("read", "bits"), (states, space), lambda: space.bits(i for i, s in states.items() if s.read))

    def search(self, snapshot: Snapshot, query: Query | str, limit: int = 200) -> list[SearchHit]:
        """The papers matching ``query``, best first (title hits, then authors, tags, note,
        commentary, abstract, paper text), with a snippet per field that matched."""
        from .ranking import rank  # (lazy: ~11 ms, not loaded before the first paint)

        if isinstance(query, str):
            query = parse(query)
        if not query.ok or query.empty or limit <= 0:
            return []
        ids = self.derived(("universe", query.uses(Is, state="mentioned")), (snapshot.digests, snapshot.papers),
                           lambda: universe(snapshot, query))
        index = self.index_for(snapshot)
        for leaf in query.positive_words():  # ranking asks field by field: look that way first
            if leaf.field is None:
                for field in FIELDS:
                    index.bits_with(field, needle(leaf.tokens))
        view, found = self._evaluate(snapshot, query, ids)
        space = view.space
        inside = found & ((1 << len(index)) - 1)
        others = [space.id_of(n) for n in slots_in(found >> len(index) << len(index))] if found >> len(index) else []
        position = self.derived(("position",), (snapshot.digests, snapshot.papers),
                                lambda: {arxiv_id: n for n, arxiv_id in enumerate(snapshot.all_ids())}) if others else {}
        return rank(snapshot, index, query, inside, others, position, limit)

    # --- what the snapshot answers, cached while its parts are the same objects -------------
    def _forget_other_snapshots(self, snapshot: Snapshot) -> None:
        """Drop what was derived from other snapshots' parts, another index or another list of
        downloaded papers (so no old catalogue is kept alive)."""
        current = {id(part) for part in (snapshot.digests, snapshot.papers, snapshot.metadata, snapshot.states,
                                         snapshot.notes, self.downloaded)}
        if self.index is not None:
            current.add(id(self.index.ids))
        numbered = self._derived.get(("all ids",))
        if numbered is not None and all(id(s) in current for s in numbered[0]):
            current.add(id(numbered[1]))
        current.update(id(v) for (sources, v) in self._derived.values() if isinstance(v, Space) and id(v.base) in current)
        stale = [k for k, (sources, _) in self._derived.items() if not all(id(s) in current for s in sources)]
        if stale:
            with self._lock:
                for key in stale:
                    self._derived.pop(key, None)

    def derived(self, key: tuple[object, ...], sources: tuple[object, ...], make: Callable[[], T]) -> T:
        hit = self._derived.get(key)
        if hit is not None and len(hit[0]) == len(sources) and all(a is b for a, b in zip(hit[0], sources, strict=True)):
            return hit[1]
        value = make()
        with self._lock:
            if len(self._derived) >= DERIVED_CACHE:
                self._derived.clear()
            self._derived[key] = (sources, value)  # holding the sources keeps their ids unique
        return value


SMALL_CANDIDATES = 24  # papers: fewer are asked one by one about a word not looked up yet


class _Evaluation:
    """One query over one snapshot: every set is a bitset over ``space``."""

    def __init__(self, engine: Engine, snapshot: Snapshot, index: TextIndex | None, space: Space) -> None:
        self.engine = engine
        self.snap = snapshot
        self.index = index
        self.space = space

    def run(self, node: Node, cand: int) -> int:
        if not cand:
            return cand
        if isinstance(node, And):
            for item in sorted(node.items, key=_cost):
                cand = self.run(item, cand)
                if not cand:
                    break
            return cand
        if isinstance(node, Or):
            found = 0
            rest = cand
            for item in sorted(node.items, key=_cost):
                hit = self.run(item, rest)
                found |= hit
                rest &= ~hit
                if not rest:
                    break
            return found
        if isinstance(node, Not):
            return cand & ~self.run(node.item, cand)
        return self.leaf(node, cand)

    def leaf(self, node: Node, cand: int) -> int:
        if isinstance(node, Words):
            return self.words(node, cand)
        if isinstance(node, Tag):
            return cand & self.tagged(node)
        if isinstance(node, Is):
            return self.state(node.state, cand)
        if isinstance(node, (Digest, Week, Date)):
            return cand & self.in_digests(node)
        if isinstance(node, Year):
            return cand & self.in_years(node)
        if isinstance(node, Cat):
            return cand & self.categories(node)
        if isinstance(node, (Cites, CitedBy)):
            return cand & self.citing(node)
        raise TypeError(f"not a query node: {node!r}")  # pragma: no cover

    def words(self, node: Words, cand: int) -> int:
        index = self.index
        if index is None:
            return 0
        look = needle(node.tokens)
        field = node.field or "*"
        cand &= (1 << len(index)) - 1  # papers the index does not know have no words
        if cand.bit_count() <= SMALL_CANDIDATES and not index.cached(field, look):
            fields = FIELDS if node.field is None else (node.field,)
            ids = index.ids
            return bits_of(s for s in slots_in(cand) if any(index.has(f, ids[s], look) for f in fields))
        return cand & index.bits_with(field, look)

    def state(self, state: str, cand: int) -> int:
        if state == "unread":
            return cand & ~self.engine.read_bits(self.snap, self.space)
        if state == "read":
            return cand & self.engine.read_bits(self.snap, self.space)
        if state == "noted":
            return cand & self.bits_of_set(("noted",), (self.snap.notes,), self.noted)
        if state == "fetched":
            return cand & self.bits_of_set(("fetched",), (self.snap.metadata,), self.fetched)
        if state == "downloaded":
            downloaded = self.engine.downloaded
            return cand & self.bits_of_set(("downloaded",), (downloaded,), lambda: downloaded)
        if state == "mentioned":
            return cand & self.bits_of_set(("mentioned",), (self.snap.digests,), self.mentioned)
        return cand & self.bits_of_set(("mismatched",), (self.snap.digests, self.snap.metadata), self.mismatched)

    # --- sets made from the snapshot, cached on the engine as bitsets of the space ------------
    def bits_of_set(self, key: tuple[object, ...], sources: tuple[object, ...], make: Callable[[], Iterable[str]]) -> int:
        space = self.space
        return self.engine.derived((*key, "bits"), (*sources, space), lambda: space.bits(make()))

    def noted(self) -> frozenset[str]:
        return frozenset(i for i, text in self.snap.notes.items() if text.strip())

    def fetched(self) -> frozenset[str]:
        return frozenset(i for i, r in self.snap.metadata.items() if r.get("status") == "ok")

    def tagged(self, node: Tag) -> int:
        snap = self.snap
        value, prefix = node.value, node.prefix

        def make() -> frozenset[str]:
            found = set()
            for arxiv_id, state in snap.states.items():
                for tag in state.tags:
                    folded = _fold_tag(tag)
                    if folded == value or (prefix and folded.startswith(value)):
                        found.add(arxiv_id)
                        break
            return frozenset(found)

        return self.bits_of_set((node,), (snap.states,), make)

    def mentioned(self) -> frozenset[str]:
        snap = self.snap
        listed = snap.appearances
        return frozenset(i for i in snap.mentioned_by_digests if i not in listed)

    def mismatched(self) -> frozenset[str]:
        from .mismatch import is_mismatched  # (lazy: not loaded before the first paint)

        snap = self.snap
        return frozenset(i for i, r in snap.metadata.items() if r.get("status") == "ok" and is_mismatched(snap, i))

    def in_digests(self, node: Digest | Week | Date) -> int:
        snap = self.snap

        def make() -> frozenset[str]:
            found: set[str] = set()
            listed: set[str] = set()
            dated = isinstance(node, Date)
            for digest in snap.digests:
                if dated or _digest_matches(node, digest):
                    ids = digest.paper_ids
                    if dated:
                        listed.update(ids)
                    if not dated or _digest_matches(node, digest):
                        found.update(ids)
            if isinstance(node, Date):  # a paper no digest lists: the day it was added
                for arxiv_id, paper in snap.papers.items():
                    if arxiv_id not in listed and _within(_day(paper.added), node):
                        found.add(arxiv_id)
            return frozenset(found)

        return self.bits_of_set((node,), (snap.digests, snap.papers), make)

    def in_years(self, node: Year) -> int:
        """Papers published (by their arXiv record, else their id) within the years."""
        import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

        space, snap = self.space, self.snap

        def make() -> Any:
            years: dict[str, int] = {}
            for arxiv_id, record in snap.metadata.items():
                meta = record.get("metadata") if record.get("status") == "ok" else None
                published = str((meta or {}).get("published") or "")[:4]
                if published.isdigit():
                    years[arxiv_id] = int(published)
            return np.fromiter(
                ((y if (y := years.get(i) or _id_year(i)) is not None else 0) for i in map(space.id_of, range(space.size))),
                dtype=np.int32, count=space.size,
            )

        year = self.engine.derived(("years",), (snap.metadata, space), make)

        def within() -> int:
            inside = year > 0
            if node.lo is not None:
                inside &= year >= node.lo
            if node.hi is not None:
                inside &= year <= node.hi
            return bits_of_mask(inside)

        return self.engine.derived((node, "bits"), (snap.metadata, space), within)

    def citing(self, node: Cites | CitedBy) -> int:
        """Papers whose text cites the node's paper (``cites:``), or that its text cites."""
        citations = self.engine.citations
        if citations is None:
            return 0
        if isinstance(node, Cites):
            return self.space.bits(citations.cited_by(node.arxiv_id))
        found = citations.cites(node.arxiv_id)
        return self.space.bits(found.in_library) if found is not None else 0

    def categories(self, node: Cat) -> int:
        snap = self.snap

        def make() -> frozenset[str]:
            found = set()
            for arxiv_id, record in snap.metadata.items():
                meta = record.get("metadata") if record.get("status") == "ok" else None
                for cat in (meta or {}).get("categories") or ():
                    folded = fold(str(cat))
                    if (
                        folded == node.value
                        or (node.prefix and folded.startswith(node.value))
                        or ("." not in node.value and folded.split(".", 1)[0] == node.value)
                    ):
                        found.add(arxiv_id)
                        break
            return frozenset(found)

        return self.bits_of_set((node,), (snap.metadata,), make)


def _day(stamp: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stamp[:10]) if stamp else None
    except ValueError:
        return None


def _within(day: dt.date | None, node: Date) -> bool:
    return day is not None and (node.lo is None or day >= node.lo) and (node.hi is None or day <= node.hi)


def _digest_matches(node: Digest | Week | Date, digest: DigestRecord) -> bool:
    if isinstance(node, Week):
        return digest.week == node.week
    if isinstance(node, Date):
        return _within(digest.date, node)
    value = node.value.lower()
    if value == digest.id.lower():
        return True
    if digest.date is not None and len(value) >= 4 and digest.date.isoformat().startswith(value):
        return True
    if not node.tokens:
        return False
    look = needle(node.tokens)
    names = (digest.display_name, digest.title or "", Path(digest.source).stem)
    return any(look in normalise(name) for name in names if name)
