"""Opening a URL in the browser and a file in the system's viewer, when this terminal can.

Over SSH, or on a Linux console with no display, nothing can open a window: then the app
says so at once and copies the URL or path instead (the callers do), rather than starting
a browser that shows nowhere, or a text browser that takes over the terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def can_open_windows(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Can a program started here show a window the reader sees?"""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False  # a window would open on the remote machine, if anywhere
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def open_url(url: str) -> bool:
    """Open ``url`` in a graphical browser; False when none can (blocking: call off the UI thread)."""
    if not can_open_windows():
        return False
    import webbrowser  # (lazy: not loaded before the first paint)

    try:
        return bool(webbrowser.open(url))
    except Exception:
        return False


def open_file(path: Path) -> bool:
    """Open ``path`` in the system's viewer (its default application); False when it can't."""
    if not can_open_windows():
        return False
    if sys.platform == "win32":  # pragma: no cover - not on the test machines
        try:
            os.startfile(path)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    command = ["open", str(path)] if sys.platform == "darwin" else ["xdg-open", str(path)]
    try:
        subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True
