"""reader: a terminal reading-list manager for weekly arXiv digests."""

from __future__ import annotations

DISTRIBUTION = "arxiv-digest-reader"


def version() -> str:
    """The installed distribution's version (pyproject.toml's, through its metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    # ``__version__`` on first use: importlib.metadata is not imported at every start.
    if name == "__version__":
        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
