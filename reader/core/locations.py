"""Where reader keeps its files. Nothing here touches the disk at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reader"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The library directory: ``override``, else ``$READER_DATA_DIR``, else platformdirs' data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("READER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir  # (lazy: not loaded at startup)

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Downloads and extracted text: ``$READER_CACHE_DIR``, else platformdirs' cache dir."""
    env = os.environ.get("READER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir  # (lazy: not loaded at startup)

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def demo_digest() -> Path:
    """The bundled demo digest, installed or in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "assets" / "sample-digest.md"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets" / "sample-digest.md"


def export_dir() -> Path:
    """Where the app writes markdown exports: ``$READER_EXPORT_DIR``, else ~/Documents/reader."""
    env = os.environ.get("READER_EXPORT_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_documents_dir  # (lazy: not loaded at startup)

    return Path(user_documents_dir()) / "reader"
