"""Fixtures for the app tests: a small fixed library in tmp_path, and a way to wait."""

from __future__ import annotations

import asyncio

import pytest

from reader.core.library import Library

from .helpers import make_library, sample_digests


@pytest.fixture(autouse=True)
def quick_pilot(monkeypatch):
    """Textual's pilot sleeps 20 ms slices (twice a key) waiting for idle: use 5 ms.

    Only the pilot's idea of "idle" changes; the app runs as it does for a person.
    """
    import textual._wait as wait

    monkeypatch.setattr(wait, "SLEEP_GRANULARITY", 1 / 200)
    monkeypatch.setattr(wait, "SLEEP_IDLE", 1 / 200 / 20)


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
    """Let the library thread finish everything queued, and the UI handle the results."""
    app = pilot.app
    for _ in range(rounds):
        await asyncio.wrap_future(app.service.submit(lambda: None))
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type ``text`` as key presses, waiting once at the end (pilot.press waits per key)."""
    from textual import events
    from textual.keys import _character_to_key

    driver = pilot.app._driver
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot._wait_for_screen()


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


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (no pytest-asyncio needed)."""
    if asyncio.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        asyncio.run(pyfuncitem.obj(**kwargs))
        return True
    return None
