"""Sets of papers as bitsets: a Python int whose bit ``n`` stands for the index's slot ``n``.

At 10,000 papers a set of any size is 1.25 KB, and AND, OR and NOT are single operations
in C; the query index (``reader/core/search_index.py``) caches the papers each word is found
in this way.

Big sets go through numpy (imported only when one is asked for, so the app starts without it):
:func:`bits_of_mask` and :func:`mask_of` turn a bitset into a bool array over slots and back,
in microseconds at 100,000 papers, and :func:`bits_of_array` sets the bits of an array of slots.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["bits_of", "bits_of_array", "bits_of_mask", "mask_of", "slots_in"]

_BITS_OF_BYTE = [tuple(k for k in range(8) if byte >> k & 1) for byte in range(256)]


def bits_of(slots: Iterable[int]) -> int:
    """A bitset (a Python int) with the given bits set."""
    data = bytearray()
    for slot in slots:
        byte = slot >> 3
        if byte >= len(data):
            data.extend(bytes(byte + 1 - len(data)))
        data[byte] |= 1 << (slot & 7)
    return int.from_bytes(data, "little")


def slots_in(bits: int) -> list[int]:
    """The set bits of a bitset, in order (the fastest way for how full it is)."""
    length, count = bits.bit_length(), bits.bit_count()
    if count * 20 < length:  # sparse: jump from one to the next
        text = bin(bits)[:1:-1]
        found, i = [], text.find("1")
        while i != -1:
            found.append(i)
            i = text.find("1", i + 1)
        return found
    if count * 2 > length:  # dense: look at every bit
        return [i for i, c in enumerate(bin(bits)[:1:-1]) if c == "1"]
    found = []
    for n, byte in enumerate(bits.to_bytes((length + 7) // 8, "little")):
        if byte:
            base = n << 3
            found.extend([base + k for k in _BITS_OF_BYTE[byte]])
    return found


def bits_of_mask(mask: np.ndarray) -> int:
    """The bitset of a bool array (bit ``n`` set where ``mask[n]``)."""
    import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def mask_of(bits: int, size: int) -> np.ndarray:
    """A bool array of ``size`` from a bitset (bits past ``size`` are left out)."""
    import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

    if bits < 0:
        raise ValueError("a bitset is never negative")
    nbytes = (size + 7) // 8
    if bits.bit_length() > nbytes * 8:
        bits &= (1 << (nbytes * 8)) - 1
    raw = np.frombuffer(bits.to_bytes(nbytes, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").view(bool)


def bits_of_array(slots: np.ndarray | list[int], size: int) -> int:
    """The bitset of an array (or list) of slots, each below ``size``."""
    import numpy as np  # (lazy: ~113 ms, not loaded before the first paint)

    mask = np.zeros(size, dtype=bool)
    mask[np.asarray(slots, dtype=np.int64)] = True
    return bits_of_mask(mask)
