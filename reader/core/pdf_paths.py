"""Where a paper's PDF and its extracted text live in the cache."""

from __future__ import annotations

import re
from pathlib import Path

from .ids import safe_filename, split_version

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _safe_name(arxiv_id: str) -> str:
    parsed = split_version(arxiv_id.strip())
    if parsed is None:
        raise ValueError(f"not a valid arXiv id: {arxiv_id!r}")
    name = safe_filename(parsed[0])
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"unsafe file name for arXiv id {arxiv_id!r}")
    return name


def _inside(directory: Path, name: str) -> Path:
    path = directory / name
    if path.parent != directory or path.name != name:
        raise ValueError(f"{name!r} would leave {directory}")
    return path


def pdf_path(cache_dir: Path, arxiv_id: str) -> Path:
    """``cache_dir/pdf/<safe id>.pdf``; any version suffix is ignored.

    Raises ValueError for anything that is not an arXiv id, so the result is
    always inside ``cache_dir``.
    """
    return _inside(Path(cache_dir) / "pdf", _safe_name(arxiv_id) + ".pdf")


def text_cache_path(cache_dir: Path, arxiv_id: str) -> Path:
    """``cache_dir/text/<safe id>.json``: the cached extraction of the PDF."""
    return _inside(Path(cache_dir) / "text", _safe_name(arxiv_id) + ".json")
