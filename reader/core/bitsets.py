"""Sets of papers as bitsets: a Python int whose bit ``n`` stands for the index's slot ``n``.

At 10,000 papers a set of any size is 1.25 KB, and AND, OR and NOT are single operations
in C; the query index (``reader/core/search_index.py``) caches the papers each word is found
in this way.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["bits_of", "slots_in"]

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
