"""The app's preferences (core/config.py), read without Textual: run_app reads them on a
worker thread while Textual is still loading."""

from __future__ import annotations

from reader.core.config import Config, ConfigError, load_config

DEFAULT_THEME = "textual-dark"


def read_settings() -> tuple[Config, str | None]:
    """The preferences, and why they could not be read (then the defaults)."""
    try:
        return load_config(), None
    except ConfigError as exc:
        return Config(), str(exc)
