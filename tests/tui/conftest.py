"""Fixtures for the app tests: a small fixed library in tmp_path, and a way to wait."""

from __future__ import annotations

import asyncio

import pytest
from textual import events

from reader.core.library import Library
from reader.tui.startup import Startup

from .helpers import make_library, sample_digests
from .textual_test_compat import character_to_key, quicken_pilot


@pytest.fixture(autouse=True)
def quick_pilot(monkeypatch):
    """Textual's pilot sleeps 20 ms slices (twice a key) waiting for idle: use 5 ms.

    Only the pilot's idea of "idle" changes; the app runs as it does for a person.
    """
    quicken_pilot(monkeypatch, 1 / 200)


@pytest.fixture(autouse=True)
def quick_startup(monkeypatch, request):
    """The app waits 50 + 80 ms after its first paint before the background work and the
    footer, so that a key typed at once is answered first. A test is no person typing:
    start them at once (1 ms; Textual's timers can't be 0). Tests of that order itself
    are marked ``real_startup_timing``."""
    if request.node.get_closest_marker("real_startup_timing") is None:
        monkeypatch.setattr(Startup, "INPUT_FIRST", 0.001)
        monkeypatch.setattr(Startup, "SETTLE_AFTER", 0.001)


@pytest.fixture(autouse=True)
def no_retry_backoff(monkeypatch):
    """arXiv is unreachable in tests (tests/conftest.py): fail at once, don't back off
    1 + 2 + 4 s between retries. Tests that need a server set one up (test_arxiv.py)."""
    from reader.core.arxiv_api import ArxivFetcher
    from reader.tui import jobs as actions_arxiv

    monkeypatch.setattr(actions_arxiv, "make_fetcher", lambda: ArxivFetcher(delay_seconds=0, backoff=0))


@pytest.fixture
def library(tmp_path) -> Library:
    return make_library(tmp_path / "lib", sample_digests())


@pytest.fixture
def empty_library(tmp_path) -> Library:
    return Library(tmp_path / "empty")


async def settle(pilot, rounds: int = 2) -> None:
    """Let the keys typed be handled, the library thread finish everything queued, and the
    UI handle the results."""
    app = pilot.app
    for _ in range(rounds):
        for _ in range(500):  # (keys typed ahead wait for the list; each waits for the one before)
            if not app.keys_pending:
                break
            await pilot.pause(0.01)
        await asyncio.wrap_future(app.service.submit(lambda: None))
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type ``text`` as key presses, waiting once at the end (pilot.press waits per key)."""
    app = pilot.app
    for char in text:
        event = events.Key(character_to_key(char), char)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()  # and what the keys' handlers posted in turn


async def ready(pilot) -> None:
    """Wait until the first snapshot is on screen (or the welcome screen is)."""
    from reader.tui.screens.welcome import WelcomeScreen
    from reader.tui.widgets.detail import DetailPane
    from reader.tui.widgets.footer import KeysFooter

    app = pilot.app
    for _ in range(300):  # the list, then the commentary, the footer's keys and the tabs
        await pilot.pause(0.01)
        main = app._main()
        if main is not None and main.loaded and main.snapshot.complete:
            footers = main.query(KeysFooter)
            if not main.snapshot.digests or (
                main.query_one(DetailPane).built and footers and footers.first().keys()
            ):
                break
    await settle(pilot)
    if isinstance(app.screen, WelcomeScreen):
        return
    await pilot.pause()
