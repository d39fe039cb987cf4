"""The query index's catalogue part, kept on disk beside the library (``search-index.bin``).

Building the query index (``reader/core/search_index.py``) normalises every paper's title,
authors, commentary and abstract: ~0.7 s at 10,000 papers, ~8 s at 100,000. Those fields
change only with the catalogue, so their word index (``reader/core/word_index.py``: numpy
arrays and one string of words) is saved after a build and read back at the next start
(~0.1 s at 100,000 papers, 55 MB). The reader's own fields (tags and notes) are not saved: they are
indexed anew each time (``search_index.personal_words``), so a note edit or a toggle never
makes the file stale; they are indexed over the papers that have them, so that costs what
the notes' words cost (~0.35 s of CPU for 6,600 notes of ~1 KB; tags alone ~20 ms).

It is derived data, like ``glance.json``: deleting it loses nothing.

* **Keyed by content, not time.** It holds the write of each file it was made from
  (``catalog``, ``commentary``, ``arxiv``: ``_meta``'s change counter and random mark, see
  ``reader/core/storage.py``), and is used only for a snapshot read from those very writes
  (``Snapshot.versions``). A file that does not say which write it is (an older reader's)
  is never trusted. A fingerprint of the word normaliser is in the key too, so a reader
  that splits words differently does not use an older reader's file.
* **Checked before use.** A file that is cut short, damaged (a CRC-32 of its header and one
  of its arrays), of another format (a newer reader's), or made from other writes is
  ignored, and the index is built (and saved) again. Nothing is read past the header
  unless the key matches, and then exactly the size the header states.
* **Written whole or not at all,** through ``fs.atomic_write`` (a temporary file renamed
  over the old one), off the UI thread, once a build is in place; a write that fails (a
  read-only directory, a full disk) is dropped without a word.

The layout: ``MAGIC``, the header's length and CRC (little-endian ``<QI``), the header
(JSON: format, key, size, fields, each array's dtype, offset and length, the payload's
length and CRC), zeros up to a multiple of 64 bytes, then the arrays one after the other,
each at a multiple of 64 bytes from the payload's start. The file is read whole into one
buffer and the arrays are views of it (no memory map: a file truncated by another program
while mapped would kill the app with SIGBUS).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import unicodedata
import zlib
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fs import atomic_write
from .search_index import CATALOG, PreparedText, TextIndex
from .words import normalise, normalise_items

if TYPE_CHECKING:
    import numpy as np

    from .snapshot import Snapshot
    from .storage import Version
    from .word_index import WordIndex

__all__ = ["NAME", "Key", "key_of", "load", "load_or_build", "read", "save"]

NAME = "search-index.bin"
FORMAT = 1
MAGIC = b"reader-index\x00\r\n\x1a"  # 16 bytes: not text, and a transfer that mangles line ends shows
SOURCES = ("catalog", "commentary", "arxiv")  # the files the catalogue's fields come from
ALIGN = 64
PREFIX = struct.Struct("<QI")  # the header's length and CRC-32
MAX_HEADER = 1 << 20  # bytes: a header names a few dozen arrays
ARRAY_DTYPES = frozenset({"<u2", "<u4", "<i8", "|u1"})
# Text that exercises every road of the normaliser (ASCII, Hangul, CJK, diacritics, ligatures,
# full-width forms, marks of other scripts, separators): its normal form is in the key.
PROBE = "Perron-Frobenius ﬁne-tuning, Ａ２ 인코더와 学习 naïve Schölkopf e\u0301 क्षि x_y 3.14\x1fz"

#: What a saved index must have been made from to be used: each source file's write
#: (``[change, mark]``, or None for a file that is not there) and the normaliser's fingerprint.
Key = dict[str, Any]


def _fingerprint() -> str:

    probe = f"{normalise(PROBE)}|{normalise_items(PROBE.split())}|{','.join(CATALOG)}|{unicodedata.unidata_version}"
    return hashlib.sha256(probe.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def key_of(snapshot: Snapshot) -> Key | None:
    """The key of the catalogue ``snapshot`` holds: None when a source file's write is not
    known (a snapshot not read whole from the files, or a file an older reader wrote)."""
    versions: Mapping[str, Version | None] = snapshot.versions
    if not snapshot.complete:
        return None
    key: Key = {}
    for name in SOURCES:
        if name not in versions:
            return None
        version = versions[name]
        if version is None:
            key[name] = None  # no such file: nothing in it
            continue
        change, mark = version
        if not (isinstance(change, int) and change > 0 and isinstance(mark, str) and mark):
            return None
        key[name] = [change, mark]
    key["words"] = _fingerprint()
    return key


# --------------------------------------------------------------------------- writing


def _arrays(index: TextIndex) -> dict[str, np.ndarray]:
    import numpy as np  # (lazy: only when it is used)

    words = index.words
    vocabulary = words.vocabulary
    found: dict[str, np.ndarray] = {
        "ids": np.frombuffer("\n".join(index.ids).encode("utf-8", "surrogatepass"), dtype=np.uint8),
        "vocabulary": np.frombuffer(vocabulary.text.encode("utf-8", "surrogatepass"), dtype=np.uint8),
        "vocabulary_starts": np.frombuffer(vocabulary.starts, dtype=np.uint32),
    }
    for name in CATALOG:
        column = words.fields[name]
        for part in ("seq", "ptr", "docs", "starts"):
            found[f"{name}.{part}"] = getattr(column, part)
    return found


def _little(values: np.ndarray) -> np.ndarray:
    little = values.dtype.newbyteorder("<")
    return values if values.dtype == little else values.astype(little)


def _padding(length: int) -> bytes:
    return b"\0" * (-length % ALIGN)


def save(folder: Path, index: TextIndex, key: Key) -> bool:
    """Write ``index``'s catalogue part to ``folder/NAME``, keyed by ``key`` (from
    :func:`key_of` of the snapshot it was built from). False when it could not be written
    (nothing is said: it is derived data). Off the UI thread: ~0.1 s at 100,000 papers."""
    import numpy as np  # (lazy: only when it is used)

    if any("\n" in arxiv_id for arxiv_id in index.ids):  # (never an arXiv id: not saved)
        return False
    arrays = {name: _little(values.ravel()) for name, values in _arrays(index).items()}
    table: dict[str, list[Any]] = {}
    offset, crc = 0, 0
    for name, values in arrays.items():
        table[name] = [values.dtype.str, offset, int(values.size)]
        data = values.view(np.uint8).data
        crc = zlib.crc32(_padding(offset + len(data)), zlib.crc32(data, crc))
        offset += len(data) + len(_padding(offset + len(data)))
    header = json.dumps({
        "format": FORMAT,
        "key": key,
        "size": len(index.ids),
        "words": len(index.words.vocabulary),
        "fields": list(CATALOG),
        "arrays": table,
        "payload": [offset, crc],
    }, separators=(",", ":")).encode("utf-8")
    head = MAGIC + PREFIX.pack(len(header), zlib.crc32(header)) + header
    head += _padding(len(head))

    def chunks() -> Iterator[bytes]:
        yield head
        at = 0
        for values in arrays.values():
            data = values.view(np.uint8).data
            yield data  # type: ignore[misc]  # (a buffer: written without a copy)
            at += len(data)
            yield _padding(at)
            at += len(_padding(at))

    try:
        # Durable: its data is on the disk before the rename, so the library's next fsync
        # (a toggle's) does not wait behind tens of megabytes of it.
        atomic_write(Path(folder) / NAME, chunks(), durable=True)
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------- reading


class Unusable(Exception):
    """The file is not a saved index this reader can use for the key asked (why: ``str``)."""


def _read_exactly(handle: Any, buffer: memoryview) -> None:
    done = 0
    while done < len(buffer):
        got = handle.readinto(buffer[done:])
        if not got:
            raise Unusable("cut short")
        done += got


def read(path: Path, key: Key) -> tuple[list[str], WordIndex]:
    """The paper ids (slot order) and the catalogue's word index saved in ``path`` for
    ``key``; :class:`Unusable` (or OSError) when it is not there, not for ``key``, or not
    whole. Reads the header first and the rest only when the key matches."""
    import numpy as np  # (lazy: only when it is used)

    with open(path, "rb") as handle:
        prefix = handle.read(len(MAGIC) + PREFIX.size)
        if len(prefix) < len(MAGIC) + PREFIX.size or not prefix.startswith(MAGIC):
            raise Unusable("not a saved index")
        length, crc = PREFIX.unpack(prefix[len(MAGIC) :])
        if length > MAX_HEADER:
            raise Unusable("header too long")
        raw = handle.read(length)
        if len(raw) != length or zlib.crc32(raw) != crc:
            raise Unusable("header damaged")
        try:
            header = json.loads(raw)
            if not isinstance(header, dict):
                raise Unusable("header damaged")
            if header.get("format") != FORMAT:
                raise Unusable(f"format {header.get('format')!r}, this reader reads {FORMAT}")
            if header.get("key") != key:
                raise Unusable("made from other writes of the library")
            size, payload_bytes, payload_crc = int(header["size"]), *map(int, header["payload"])
            start = len(prefix) + length + len(_padding(len(prefix) + length))
            if os.fstat(handle.fileno()).st_size != start + payload_bytes or header["fields"] != list(CATALOG):
                raise Unusable("not whole")
            table = {str(name): (str(dtype), int(offset), int(count))
                     for name, (dtype, offset, count) in header["arrays"].items()}
            words_count = int(header["words"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Unusable(f"header damaged ({exc})") from None
        handle.seek(start)
        payload = np.empty(payload_bytes, dtype=np.uint8)
        _read_exactly(handle, payload.data)
    if zlib.crc32(payload.data) != payload_crc:
        raise Unusable("damaged")

    def part(name: str) -> np.ndarray:
        if name not in table:
            raise Unusable(f"no {name}")
        dtype, offset, count = table[name]
        if dtype not in ARRAY_DTYPES:
            raise Unusable(f"{name}: dtype {dtype}")
        itemsize = np.dtype(dtype).itemsize
        if offset % ALIGN or count < 0 or offset + count * itemsize > payload_bytes:
            raise Unusable(f"{name} out of bounds")
        values = payload[offset : offset + count * itemsize].view(dtype)
        native = values.dtype.newbyteorder("=")
        return values if values.dtype == native else values.astype(native)

    return _assemble(part, size, words_count)


def _assemble(part: Any, size: int, words_count: int) -> tuple[list[str], WordIndex]:
    from .word_index import Vocabulary, WordField, WordIndex  # (lazy: only when it is used)

    ids = part("ids").tobytes().decode("utf-8", "surrogatepass").split("\n") if size else []
    starts = array("I")
    starts.frombytes(part("vocabulary_starts").astype("=u4").tobytes())
    text = part("vocabulary").tobytes().decode("utf-8", "surrogatepass")
    if len(ids) != size or len(starts) != words_count or (starts and starts[-1] > len(text)):
        raise Unusable("ids or words miscounted")
    vocabulary = Vocabulary.joined(text, starts)
    fields = {}
    for name in CATALOG:
        seq, ptr, docs, where = (part(f"{name}.{p}") for p in ("seq", "ptr", "docs", "starts"))
        if len(ptr) != size + 1 or len(where) != words_count + 1 or (
            int(ptr[-1]) != len(seq) or int(where[-1]) != len(docs)
        ):
            raise Unusable(f"{name} miscounted")
        fields[name] = WordField(seq, ptr, docs, where)
    return ids, WordIndex(size, vocabulary, fields)


def load(folder: Path, snapshot: Snapshot, texts: Mapping[str, PreparedText] | None = None) -> TextIndex | None:
    """The index of ``snapshot`` from the catalogue part saved in ``folder`` (and the given
    paper texts), or None when there is none for its catalogue (missing, stale, damaged,
    of another format): build one then. Most of its time is the reader's own fields
    (``search_index.personal_words``: the notes' words)."""
    key = key_of(snapshot)
    if key is None:
        return None
    try:
        ids, words = read(Path(folder) / NAME, key)
    except (OSError, Unusable, ValueError, MemoryError):
        return None
    if ids != snapshot.all_ids():  # (the key said so; a slip in it must not give wrong answers)
        return None
    return TextIndex.with_catalog(snapshot, ids, words, texts)


def load_or_build(folder: Path, snapshot: Snapshot,
                  texts: Mapping[str, PreparedText] | None = None) -> tuple[TextIndex, bool]:
    """``(index, loaded)``: the saved index when it is fresh, else one built (and saved)."""
    index = load(folder, snapshot, texts)
    if index is not None:
        return index, True
    index = TextIndex.build(snapshot, texts)
    key = key_of(snapshot)
    if key is not None:
        save(folder, index, key)
    return index, False
