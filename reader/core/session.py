"""Where the app was left: the view, the paper, the detail's tab and the list's scroll
position, in ``session.json`` in the library's data directory.

Derived and safe to lose: written (atomically) when the app quits, read when it starts;
a missing, damaged, foreign or oversized file is simply no session. Not a library file:
no lock, no backups, no history, and ``reader doctor`` does not check it.
"""

from __future__ import annotations

import json
from pathlib import Path

from msgspec import Struct

from .fs import atomic_write
from .views import View, ViewKind

FILE_NAME = "session.json"
FORMAT = 1
MAX_BYTES = 64 * 1024  # a session is a few hundred bytes
MAX_KEY = 4096
TABS = ("commentary", "abstract", "paper", "notes")


class Session(Struct, frozen=True):
    view: View
    paper: str | None = None
    tab: str = "commentary"
    scroll: int = 0  # the paper list's first line on screen

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "view": {"kind": self.view.kind.value, "key": self.view.key},
            "paper": self.paper,
            "tab": self.tab,
            "scroll": self.scroll,
        }

    @classmethod
    def from_json(cls, data: object) -> Session | None:
        """The session ``data`` holds; None for anything this reader did not write."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        view, paper, tab, scroll = data.get("view"), data.get("paper"), data.get("tab"), data.get("scroll")
        if not isinstance(view, dict):
            return None
        kind, key = view.get("kind"), view.get("key", "")
        if not isinstance(kind, str) or not isinstance(key, str) or len(key) > MAX_KEY:
            return None
        try:
            found = View(ViewKind(kind), key)
        except ValueError:
            return None
        if not (paper is None or (isinstance(paper, str) and 0 < len(paper) <= 200)):
            paper = None
        if tab not in TABS:
            tab = "commentary"
        if not isinstance(scroll, int) or isinstance(scroll, bool) or not 0 <= scroll <= 10_000_000:
            scroll = 0
        return cls(found, paper, tab, scroll)


def session_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def read_session(data_dir: Path) -> Session | None:
    """The session left in ``data_dir``; None when there is none that reads."""
    try:
        with open(session_path(data_dir), "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_BYTES:
        return None
    try:
        return Session.from_json(json.loads(raw))
    except (ValueError, RecursionError):
        return None


def write_session(data_dir: Path, session: Session) -> None:
    """Keep ``session`` (atomically: the old one or the new one, never half). Raises OSError."""
    atomic_write(session_path(data_dir), json.dumps(session.to_json(), ensure_ascii=False), durable=False)
