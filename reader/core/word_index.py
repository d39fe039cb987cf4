"""The catalogue's text fields as word ids: an inverted index that answers a word start in
microseconds at 100,000 papers.

The fields the catalogue holds (``title``, ``authors``, ``commentary``, ``abstract``: they
change only with a new catalogue, which is indexed anew) are kept as numpy arrays over one
shared vocabulary:

* the vocabulary: every distinct normalised word (``reader/core/words.py``), *sorted*, so the
  words that start with a prefix are one range of ids ``lo..hi``, found by bisecting;
* per field, each paper's words in order as ids (``seq``, ``ptr``: paper ``s`` is
  ``seq[ptr[s]:ptr[s + 1]]``), the items of a many-valued field (two authors, two digests'
  commentary) and the end of each paper marked by ``SEP``, so a phrase never spans two of
  them; this is what phrases are checked against, and what :meth:`WordIndex.text` gives back;
* per field, the postings: for each word id, the papers (slots) it is in, in slot order, all
  words' one after the other (``docs``, ``starts``). Because the vocabulary is sorted, the
  papers holding *any word starting with a prefix* are one contiguous slice of ``docs``: a
  keystroke costs one slice and one vectorised assignment into a bitmap, at C speed, however
  many words the prefix covers.

At 100,000 papers of ~80 words that is ~8 M word ids (2 bytes each while the vocabulary has
fewer than 65,535 words, else 4) and ~6 M postings of 4 bytes: tens of MB, no Python object
per paper or per word. The vocabulary is one string with an array of where each word starts.

numpy is imported only here, and this module only when an index is built (off the UI thread):
the app starts without it.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["SEP_WORD", "SparseWordIndex", "Vocabulary", "WordField", "WordIndex", "WordIndexBuilder"]

SEP_WORD = "|"  # the token standing for an item's or a paper's end (never a normalised word)


class Vocabulary(Sequence[str]):
    """The sorted distinct words, as one ``\\n``-joined string (compact: no object per word)."""

    def __init__(self, words: list[str]) -> None:
        self._text = "\n".join(words)
        starts = array("I", [0]) if words else array("I")
        pos = 0
        for word in words[:-1]:
            pos += len(word) + 1
            starts.append(pos)
        self._starts = starts
        self._len = len(words)

    @classmethod
    def joined(cls, text: str, starts: array[int]) -> Vocabulary:
        """A vocabulary from its parts (:attr:`text`, :attr:`starts`), as saved."""
        made = cls.__new__(cls)
        made._text, made._starts, made._len = text, starts, len(starts)
        return made

    @property
    def text(self) -> str:
        """The words joined by ``\\n``."""
        return self._text

    @property
    def starts(self) -> array[int]:
        """Where each word starts in :attr:`text` (in characters)."""
        return self._starts

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        end = self._starts[i + 1] - 1 if i + 1 < self._len else len(self._text)
        return self._text[self._starts[i] : end]

    def find(self, word: str) -> int | None:
        """The id of ``word``, or None."""
        i = bisect_left(self, word)
        return i if i < self._len and self[i] == word else None

    def prefixed(self, prefix: str) -> tuple[int, int]:
        """The ids ``lo..hi`` (hi excluded) of the words that start with ``prefix``."""
        lo = bisect_left(self, prefix)
        last = ord(prefix[-1])
        if last >= 0x10FFFF:
            return lo, self._len
        return lo, bisect_left(self, prefix[:-1] + chr(last + 1), lo)

    def memory(self) -> int:
        return sys.getsizeof(self._text) + sys.getsizeof(self._starts)


class WordField:
    """One field of every paper, as word ids; see the module docstring."""

    __slots__ = ("docs", "ptr", "seq", "starts")

    def __init__(self, seq: np.ndarray, ptr: np.ndarray, docs: np.ndarray, starts: np.ndarray) -> None:
        self.seq, self.ptr, self.docs, self.starts = seq, ptr, docs, starts

    def words_of(self, slot: int) -> np.ndarray:
        return self.seq[int(self.ptr[slot]) : int(self.ptr[slot + 1])]

    def papers_with(self, lo: int, hi: int) -> np.ndarray:
        """The slots of the papers holding a word of ids ``lo..hi``."""
        return self.docs[int(self.starts[lo]) : int(self.starts[hi])]

    def memory(self) -> int:
        return int(self.seq.nbytes + self.ptr.nbytes + self.docs.nbytes + self.starts.nbytes)


class WordIndex:
    """The catalogue's text fields of ``size`` papers over one sorted vocabulary."""

    def __init__(self, size: int, vocabulary: Vocabulary, fields: dict[str, WordField]) -> None:
        self.size = size
        self.vocabulary = vocabulary
        self.fields = fields
        self.sep = len(vocabulary)  # the id of SEP_WORD (past every word's)

    # --- what a needle means in ids --------------------------------------------------------
    def terms(self, tokens: Sequence[str]) -> tuple[list[int], int, int] | None:
        """``(exact ids of all tokens but the last, lo, hi of the last's prefix range)``, or
        None when no paper can match (a word not in the vocabulary)."""
        exact = []
        for token in tokens[:-1]:
            found = self.vocabulary.find(token)
            if found is None:
                return None
            exact.append(found)
        lo, hi = self.vocabulary.prefixed(tokens[-1])
        return (exact, lo, hi) if lo < hi else None

    # --- answering --------------------------------------------------------------------------
    def mask(self, field: str, tokens: Sequence[str], within: np.ndarray | None = None) -> np.ndarray:
        """A bool array over slots: the papers whose ``field`` holds ``tokens`` (one word's
        start, or a phrase: every word but the last whole, in order), among ``within``
        (a bool array) when given."""
        found = np.zeros(self.size, dtype=bool)
        terms = self.terms(tokens)
        if terms is None:
            return found
        exact, lo, hi = terms
        column = self.fields[field]
        found[column.papers_with(lo, hi)] = True
        if within is not None:
            found &= within
        if not exact:
            return found
        for word in exact:  # papers holding every word of the phrase
            has = np.zeros(self.size, dtype=bool)
            has[column.papers_with(word, word + 1)] = True
            found &= has
        if not found.any():
            return found
        return found & self._in_order(column, np.flatnonzero(found), exact, lo, hi)

    def _in_order(self, column: WordField, slots: np.ndarray, exact: list[int], lo: int, hi: int) -> np.ndarray:
        """Of ``slots``, the papers whose words hold the phrase in order (vectorised over the
        candidates' words only)."""
        ptr = column.ptr
        begin, end = ptr[slots].astype(np.int64), ptr[slots + 1].astype(np.int64)
        lengths = end - begin
        total = int(lengths.sum())
        found = np.zeros(self.size, dtype=bool)
        if total * 2 > len(column.seq):  # most of the field: look at all of it
            words, owner = column.seq, None
        else:
            offsets = np.cumsum(lengths) - lengths
            where = np.repeat(begin - offsets, lengths) + np.arange(total, dtype=np.int64)
            words, owner = column.seq[where], np.repeat(slots, lengths)
        n = len(exact)
        count = len(words) - n
        if count <= 0:
            return found
        hit = words[: count] == exact[0]
        for k in range(1, n):
            hit &= words[k : k + count] == exact[k]
        last = words[n : n + count]
        hit &= (last >= lo) & (last < hi)
        at = np.flatnonzero(hit)
        if owner is None:
            found[np.searchsorted(ptr, at, side="right") - 1] = True
        else:
            found[owner[at]] = True
        return found

    def holds(self, field: str, slot: int, tokens: Sequence[str]) -> bool:
        """Does ``field`` of the paper in ``slot`` hold ``tokens``? (One paper: no arrays made.)"""
        terms = self.terms(tokens)
        if terms is None:
            return False
        exact, lo, hi = terms
        words = self.fields[field].words_of(slot).tolist()
        n = len(exact)
        return any(
            lo <= words[i + n] < hi and all(words[i + k] == exact[k] for k in range(n)) for i in range(len(words) - n)
        )

    def text(self, field: str, slot: int, separator: str) -> str:
        """The paper's field as ``words.normalise`` (or ``normalise_items``) gives it."""
        vocabulary, sep = self.vocabulary, self.sep
        items: list[list[str]] = [[]]
        for word in self.fields[field].words_of(slot).tolist():
            if word == sep:
                items.append([])
            else:
                items[-1].append(vocabulary[word])
        return separator.join(" " + " ".join(item) for item in items if item)

    def memory(self) -> int:
        return self.vocabulary.memory() + sum(f.memory() for f in self.fields.values())


class SparseWordIndex:
    """A :class:`WordIndex` of a few rows of ``size`` papers (the reader's tags and notes, on
    a few of them): ``index`` holds the papers ``rows`` (sorted slots), and every other paper
    holds nothing. Made and answered at what those rows cost, not what the library's size
    costs (but for one bool array of ``size`` per answer)."""

    def __init__(self, size: int, rows: np.ndarray, index: WordIndex) -> None:
        self.size = size
        self.rows = rows  # row -> slot, ascending
        self.index = index
        self._row = {int(slot): n for n, slot in enumerate(rows.tolist())}

    def mask(self, field: str, tokens: Sequence[str], within: np.ndarray | None = None) -> np.ndarray:
        """As :meth:`WordIndex.mask`, over every slot."""
        found = np.zeros(self.size, dtype=bool)
        if len(self.rows):
            found[self.rows] = self.index.mask(field, tokens, None if within is None else within[self.rows])
        return found

    def holds(self, field: str, slot: int, tokens: Sequence[str]) -> bool:
        row = self._row.get(slot)
        return row is not None and self.index.holds(field, row, tokens)

    def text(self, field: str, slot: int, separator: str) -> str:
        row = self._row.get(slot)
        return "" if row is None else self.index.text(field, row, separator)

    def memory(self) -> int:
        import sys

        return int(self.rows.nbytes) + sys.getsizeof(self._row) + self.index.memory()


class WordIndexBuilder:
    """Collects papers' fields (normalised text, in slot order) and makes a :class:`WordIndex`."""

    def __init__(self, fields: Iterable[str], separator: str) -> None:
        self._names = tuple(fields)
        self._separator = separator
        # word -> id in the order first seen; 0 and 1 stand for an item's end and a paper's
        self._ids: dict[str, int] = {SEP_WORD: 0, _END: 1}
        self._seq: dict[str, list[np.ndarray]] = {name: [] for name in self._names}
        self._size = 0

    def add(self, columns: dict[str, list[str]]) -> None:
        """Some papers' normalised fields (``columns[field][k]``: the next papers' in order).
        The chunk is joined, split and mapped to ids at C speed: no Python step per word."""
        ids, separator = self._ids, self._separator
        count = 0
        for name in self._names:
            texts = columns[name]
            count = len(texts)
            if not texts:
                continue
            joined = f" {_END} ".join(texts)
            if separator in joined:
                joined = joined.replace(separator, f" {SEP_WORD} ")
            tokens = joined.split()
            tokens.append(_END)
            for word in dict.fromkeys(tokens).keys() - ids.keys():
                ids[word] = len(ids)
            self._seq[name].append(np.fromiter(map(ids.__getitem__, tokens), dtype=np.uint32, count=len(tokens)))
        self._size += count

    def build(self) -> WordIndex:
        first_seen = list(self._ids)
        del self._ids
        words = sorted(first_seen[2:])
        vocabulary = Vocabulary(words)
        size, sep = self._size, len(words)
        remap = np.empty(len(first_seen), dtype=np.uint32)
        remap[:2] = sep
        rank = {word: n for n, word in enumerate(words)}
        remap[2:] = np.fromiter(map(rank.__getitem__, first_seen[2:]), dtype=np.uint32, count=len(words))
        del rank, first_seen
        dtype = np.uint32 if sep >= 0xFFFF else np.uint16
        fields = {}
        for name in self._names:
            old = np.concatenate(self._seq.pop(name)) if self._seq[name] else np.ones(0, np.uint32)
            ends = np.flatnonzero(old == 1)  # each paper's last word (its end mark)
            seq = remap[old].astype(dtype)
            del old
            offsets = np.uint32 if len(seq) < 2**32 else np.int64
            ptr = np.zeros(size + 1, dtype=offsets)
            ptr[1 : len(ends) + 1] = ends + 1
            ptr[len(ends) + 1 :] = len(seq)
            docs, starts = _postings(seq, ptr, sep)
            fields[name] = WordField(seq, ptr, docs, starts.astype(offsets))
        return WordIndex(size, vocabulary, fields)


_END = "||"  # a paper's end while building (never a normalised word either)
BUCKET = 2_000_000  # word occurrences sorted at a time while building postings (bounds memory)


def _postings(seq: np.ndarray, ptr: np.ndarray, sep: int) -> tuple[np.ndarray, np.ndarray]:
    """For each word id, the papers it is in (once each, in slot order), one after the other,
    and where each word's start (``starts[w]``; ``starts[sep]`` is the end). Made a range of
    word ids at a time, so the sort's extra memory stays bounded whatever the library's size."""
    counts = np.bincount(seq, minlength=sep + 1)[:sep]
    starts = np.zeros(sep + 1, dtype=np.int64)
    parts: list[np.ndarray] = []
    total = 0
    lo = 0
    cumulative = np.cumsum(counts)
    while lo < sep:
        reached = cumulative[lo - 1] if lo else 0
        hi = int(np.searchsorted(cumulative, reached + BUCKET, side="right"))
        hi = min(sep, max(hi, lo + 1))
        at = np.flatnonzero((seq >= lo) & (seq < hi))
        owner = (np.searchsorted(ptr, at, side="right") - 1).astype(np.uint64)
        key = (seq[at].astype(np.uint64) << np.uint64(32)) | owner
        del at, owner
        key.sort()
        if len(key):
            keep = np.empty(len(key), dtype=bool)
            keep[0] = True
            np.not_equal(key[1:], key[:-1], out=keep[1:])
            key = key[keep]
        word = (key >> np.uint64(32)).astype(np.int64)
        starts[lo:hi] = total + np.searchsorted(word, np.arange(lo, hi), side="left")
        parts.append((key & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        total += len(key)
        lo = hi
    starts[sep] = total
    docs = np.concatenate(parts) if parts else np.zeros(0, np.uint32)
    return docs, starts
