"""Is the title a digest gave a paper the title arXiv has for it?"""

from __future__ import annotations

import re
import unicodedata

from .snapshot import Snapshot

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def comparable(title: str) -> str:
    """A title without case, whitespace, punctuation or accents, for comparison."""
    folded = unicodedata.normalize("NFKD", title).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", folded)


def titles_differ(digest_title: str | None, arxiv_title: str | None) -> bool:
    if not digest_title or arxiv_title is None:
        return False
    return comparable(digest_title) != comparable(arxiv_title)


def is_mismatched(snapshot: Snapshot, arxiv_id: str) -> bool:
    """True when some digest's title for the paper differs from arXiv's beyond form."""
    meta = snapshot.arxiv(arxiv_id)
    if not meta:
        return False
    return any(
        titles_differ(appearance.entry.title, meta.get("title"))
        for appearance in snapshot.appearances.get(arxiv_id, ())
        if appearance.entry.title_source == "digest"  # a link's text or a file name is no claim
    )
