"""How papers and progress are put in words, the same in the app and on the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .snapshot import Snapshot

BAR_WIDTH = 10


def count_papers(n: int) -> str:
    """``1 paper``, ``3 papers``."""
    return "1 paper" if n == 1 else f"{n} papers"


def versions_text(snapshot: Snapshot, arxiv_id: str) -> str:
    """``v3`` or, when a digest named an older version, ``digest names v1, latest v3``."""
    meta = snapshot.arxiv(arxiv_id) or {}
    latest = meta.get("version")
    named = sorted({a.entry.version for a in snapshot.appearances.get(arxiv_id, ()) if a.entry.version})
    if latest and named and named != [latest]:
        return f"digest names {', '.join(f'v{v}' for v in named)}, latest v{latest}"
    return f"v{latest}" if latest else "version unknown"


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> tuple[str, str]:
    """The filled and empty parts of a small bar."""
    filled = round(width * done / total) if total else 0
    return "━" * filled, "━" * (width - filled)


def describe_progress(done: int, total: int | None) -> str:
    """``1.5 MB of 3.0 MB (50%)``, or the size alone when the total is unknown."""
    if total:
        return f"{size_text(done)} of {size_text(total)} ({done * 100 // total}%)"
    return size_text(done)


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count // 1024} kB"
    return f"{count} B"
