"""The reader's preferences: a small TOML file in the platform's config dir.

``config.toml`` in ``$READER_CONFIG_DIR``, else platformdirs' user config dir
(``~/.config/reader`` on Linux). Today it holds one setting, written when you choose a
theme in the app's command palette::

    theme = "nord"

The file is read once when the app starts (off the UI thread) and changed one setting at a
time: a save reads the file as it is on disk, sets that key and writes it back whole
(atomically), so other keys, including ones this version does not know, are kept. A file
that does not parse is never written over: loading and saving say which file and what is
wrong, in one line, and the app goes on with its defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from msgspec import Struct
from platformdirs import user_config_dir

from .fs import atomic_write
from .locations import APP_NAME

CONFIG_NAME = "config.toml"
MAX_BYTES = 64 * 1024  # a preferences file; anything bigger is not one


class ConfigError(Exception):
    """The config file can't be read: one line naming it and saying what to do."""


class Config(Struct, frozen=True):
    theme: str | None = None


def config_dir() -> Path:
    env = os.environ.get("READER_CONFIG_DIR")
    if env:
        return Path(env).expanduser()

    return Path(user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / CONFIG_NAME


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc} (fix its permissions)") from exc
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: more than {MAX_BYTES // 1024} KB: not a config file (move it aside)")
    import tomllib  # (lazy: only when there is a file; ~1.5 ms of the app's start)

    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}): fix it or move it aside") from exc


def load_config(path: Path | None = None) -> Config:
    """The preferences (defaults for what is missing). Raises ConfigError."""
    data = _read(path or config_path())
    theme = data.get("theme")
    return Config(theme=theme if isinstance(theme, str) and theme.strip() else None)


def save_setting(key: str, value: str, path: Path | None = None) -> None:
    """Set one preference in the file as it is on disk now. Raises ConfigError."""
    import tomli_w  # (lazy: not loaded before the first paint)

    path = path or config_path()
    data = _read(path)
    if data.get(key) == value:
        return
    data[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, tomli_w.dumps(data), durable=False)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot save the config file: {exc.strerror or exc}") from exc
