"""A paper's text (``PaperText``) and its cache: the extraction of a PDF, kept as JSON
keyed on the PDF's size and mtime, so a second open is instant.

Format 2 holds the text reflowed into paragraphs (``reader.core.pdf_reflow``) and the
arXiv ids the paper cites (``reader.core.cite_ids``); a cache of another format is made
again the next time the text is wanted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from .fs import atomic_write
from .pdf_paths import pdf_path, text_cache_path

TEXT_CACHE_FORMAT = 2

ENCRYPTED = "encrypted: needs a password"
DAMAGED = "truncated or damaged PDF"
NOT_A_PDF = "not a PDF"
NOT_DOWNLOADED = "PDF not downloaded"
CANCELLED = "cancelled"


class PaperText(Struct):
    """The text of a paper: ``pages[i]`` is page i+1 ("" for a skipped page), its paragraphs
    separated by a blank line; ``cites``: the arXiv ids its text names (no version, in the
    order they first appear, its own id left out)."""

    pages: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (1-based page number, reason)
    error: str | None = None
    cites: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": list(self.pages),
            "skipped": [[n, reason] for n, reason in self.skipped],
            "error": self.error,
            "cites": list(self.cites),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PaperText:
        return cls(
            pages=[str(p) for p in data.get("pages") or []],
            skipped=[(int(n), str(r)) for n, r in data.get("skipped") or []],
            error=data.get("error"),
            cites=[str(c) for c in data.get("cites") or []],
        )


def stat_key(path: Path) -> dict[str, int] | None:
    """What the cache is keyed on: the PDF's size and mtime (None when there is no PDF)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def cached_text(arxiv_id: str, cache_dir: Path) -> PaperText | None:
    """The cached extraction, or None if there is none or the PDF changed since."""
    cache_dir = Path(cache_dir)
    key = stat_key(pdf_path(cache_dir, arxiv_id))
    if key is None:
        return None
    try:
        data = json.loads(text_cache_path(cache_dir, arxiv_id).read_text(encoding="utf-8"))
        if data.get("format") != TEXT_CACHE_FORMAT or data.get("pdf") != key:
            return None
        return PaperText.from_json(data)
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):
        return None


def write_cache(cache_dir: Path, arxiv_id: str, key: dict[str, int], result: PaperText) -> None:
    """Keep ``result`` as the extraction of the PDF whose ``stat_key`` is ``key``."""
    path = text_cache_path(cache_dir, arxiv_id)
    payload = {"format": TEXT_CACHE_FORMAT, "pdf": key, **result.to_json()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(payload, ensure_ascii=False))
    except OSError:
        pass  # a cache we cannot write is only slower next time
