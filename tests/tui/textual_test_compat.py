"""The one place the tests use Textual's private names (textual 8.2.8, pinned exactly).

Each has no public equivalent; each says what it stands for, and
tests/tui/test_textual_compat.py pins every one, so a Textual upgrade that moves them
fails there with a clear message rather than in many tests at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.segment import Segment
from textual import _wait
from textual.app import App
from textual.keys import _character_to_key
from textual.notifications import Notification
from textual.strip import Strip


def quicken_pilot(monkeypatch: pytest.MonkeyPatch, granularity: float = 1 / 200) -> None:
    """The pilot waits for "idle" in 20 ms slices (twice a key): use ``granularity``.
    Only the pilot's idea of idle changes; the app runs as it does for a person.
    (``textual._wait`` is a private module; its two constants have no public setter.)"""
    monkeypatch.setattr(_wait, "SLEEP_GRANULARITY", granularity)
    monkeypatch.setattr(_wait, "SLEEP_IDLE", granularity / 20)


def character_to_key(character: str) -> str:
    """The key name Textual gives a typed character (``"("`` → ``"left_parenthesis"``), as
    ``Pilot.press`` does for single characters (``textual.keys._character_to_key``)."""
    return character if character.isalnum() else _character_to_key(character)


def screen_strips(app: App[object]) -> list[Strip]:
    """The lines the terminal shows now, with their styles (the screen's compositor,
    ``Screen._compositor``: Textual offers only an SVG screenshot publicly)."""
    return list(app.screen._compositor.render_strips())


def screen_text(app: App[object]) -> str:
    """What the terminal shows now, as plain text."""
    return "\n".join(strip.text for strip in screen_strips(app))


def screen_segments(app: App[object]) -> Iterator[Segment]:
    """Every styled piece of text on screen (to look at link and click metadata)."""
    for strip in screen_strips(app):
        yield from strip


def notifications(app: App[object]) -> list[Notification]:
    """The notifications (toasts) showing now, oldest first (``App._notifications``:
    ``App.notify`` is public, reading them back is not)."""
    return list(app._notifications)
