"""Snapshot updates made by the UI before the library thread has written them."""

from __future__ import annotations

import dataclasses

from reader.core.snapshot import Snapshot

# Indexes of a Snapshot that depend only on its digests, not on states or notes.
_DIGEST_INDEXES = ("appearances", "mentioned_in", "mentioned_by_digests", "digest_by_id")


def with_changes(snapshot: Snapshot, **changes) -> Snapshot:
    """``dataclasses.replace`` that keeps the digest-only indexes already computed.

    Recomputing ``appearances`` costs ~40 ms at 10k papers; a toggle must not pay it.
    (Asked of the core as ``Snapshot.with_changes``; this is the stand-in.)
    """
    new = dataclasses.replace(snapshot, **changes)
    if "digests" not in changes:
        old_cache = getattr(snapshot, "__dict__", {})
        new_cache = getattr(new, "__dict__", None)
        if new_cache is not None:
            for name in _DIGEST_INDEXES:
                if name in old_cache:
                    new_cache[name] = old_cache[name]
    return new
