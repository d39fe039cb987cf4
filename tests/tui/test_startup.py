"""Startup: the first screen from the glance, the whole library after it, and what
happens to keys that need the whole library before it is read."""

from __future__ import annotations

import asyncio
import threading

import pytest

from reader.core import glance
from reader.core.library import Library
from reader.tui.app import ReaderApp
from reader.tui.service import LibraryService
from reader.tui.widgets.detail import DetailPane

from .conftest import ready, settle, type_text
from .test_behaviour import _plain
from .textual_test_compat import notifications, screen_strips


def held_app(library: Library) -> tuple[ReaderApp, threading.Event, LibraryService]:
    """An app whose first load is done (as at startup) and whose full read waits for the
    returned event: the moments after the first paint, held still."""
    service = LibraryService(Library(library.data_dir))
    first = service.first_load()
    first.result(timeout=10)
    release = threading.Event()
    load = service.load

    def held_load(**kwargs):
        service.submit(release.wait, 10)
        return load(**kwargs)

    service.load = held_load
    app = ReaderApp(service.library, service=service, initial_load=first)
    return app, release, service


async def wait_for(pilot, condition, rounds: int = 300) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition not met")


async def test_the_first_screen_comes_from_the_glance_then_the_whole_library(library):
    library.set_note("2007.01758", "my note")
    glance.write(library)
    app, release, _service = held_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app._main()
        await wait_for(pilot, lambda: main.loaded)
        await pilot.pause(0.3)
        assert main.snapshot.partial and not main.snapshot.complete
        first_screen = _plain(app)
        assert "Collaborative Learning for Faster StyleGAN" in first_screen
        assert "✎" in first_screen  # the note mark, from the note index (not the glance)
        # The detail (with the note editor) waits for the stored notes.
        assert not main.query_one(DetailPane).built
        release.set()
        await ready(pilot)
        assert main.snapshot.complete and not main.snapshot.partial
        assert main.query_one(DetailPane).built
        assert _plain(app).splitlines()[:20] != []
        papers_before = [line[:60] for line in first_screen.splitlines()[1:8]]
        papers_after = [line[:60] for line in _plain(app).splitlines()[1:8]]
        assert papers_before == papers_after  # same lists: nothing jumps


async def test_a_first_snapshot_that_comes_after_the_screen_is_up_is_drawn_at_once(library):
    # No glance (missing, or stale) and a slow disk: the lists arrive after the main screen
    # is up, by message. Their papers are drawn then, not once the commentary is read too.
    (library.data_dir / glance.NAME).unlink(missing_ok=True)
    service = LibraryService(Library(library.data_dir))
    lists_read, commentary_read = threading.Event(), threading.Event()
    service.submit(lists_read.wait, 10)
    first = service.first_load()
    load_commentary = service.load_commentary

    def held_commentary(*args, **kwargs):
        service.submit(commentary_read.wait, 10)
        return load_commentary(*args, **kwargs)

    service.load_commentary = held_commentary
    app = ReaderApp(service.library, service=service, initial_load=first)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            main = app._main()
            await pilot.pause(0.1)
            assert not main.loaded
            lists_read.set()
            await wait_for(pilot, lambda: main.loaded)
            await pilot.pause(0.3)
            assert not main.snapshot.complete  # (the commentary is held)
            assert "Collaborative Learning for Faster StyleGAN" in _plain(app)
            commentary_read.set()
            await ready(pilot)
    finally:
        service.close()


async def test_the_main_screen_is_the_apps_first_and_only_base_screen(library):
    # No throwaway default screen styled and laid out before it (time before the first paint).
    app = ReaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.screen_stack == [app._main()]
        assert app.screen.id != "_default"


@pytest.mark.real_startup_timing  # (keys in the app's first moments, with its own pauses)
async def test_keys_that_need_the_whole_library_wait_for_it(library, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_EXPORT_DIR", str(tmp_path / "exports"))
    glance.write(library)
    app, release, _service = held_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app._main()
        await wait_for(pilot, lambda: main.loaded)
        await pilot.press("space")  # a toggle needs only the states: done at once
        await pilot.press("e", "n")
        await pilot.pause(0.2)
        assert not (tmp_path / "exports").exists()
        assert any("Reading the library" in str(n.message) for n in notifications(app))
        release.set()
        await ready(pilot)
        await settle(pilot)
        await pilot.pause(0.2)
        await type_text(pilot, "typed early")
        await settle(pilot)
    exported = list((tmp_path / "exports").glob("*.md"))
    assert len(exported) == 1
    assert "teaching" in exported[0].read_text(encoding="utf-8")  # the commentary is in it
    fresh = Library(library.data_dir)
    read = [i for i, s in fresh.states().items() if s.read]
    assert read  # the early toggle was written
    assert any("typed early" in text for text in fresh.notes().values())  # n focused the editor


async def test_the_library_thread_stops_with_the_app_however_it_ends(library):
    app = ReaderApp(library)  # (it makes its own library thread)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        own = app.service._thread
        assert own.name == "reader-library" and own.is_alive()
    # Ended without q (as a crash or a test ends it): the thread it started has stopped.
    assert not own.is_alive()
    assert app.service.submit(lambda: 1).exception() is not None


async def test_the_app_leaves_an_up_to_date_glance_behind(library):
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "noted")
        await pilot.press("escape", "q")
    partial = glance.read(Library(library.data_dir))
    assert partial is not None  # (a note does not make it stale)
    noted = [i for i, text in Library(library.data_dir).notes().items() if "noted" in text]
    assert noted and all(partial.has_note(i) for i in noted)


async def test_a_damaged_library_stops_the_app_with_the_error(library):
    (library.data_dir / "catalog.json").write_bytes(b'{"digests": {"x": ')
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if app.return_code is not None:
                break
            await pilot.pause(0.01)
    assert app.return_code == 1
    assert "catalog.json" in app.fatal_error and "damaged" in app.fatal_error


async def test_a_file_found_damaged_after_the_first_screen_stops_the_app_too(library):
    glance.write(library)
    (library.data_dir / "history.json").write_bytes(b"\x00\x00")
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(300):
            if app.return_code is not None:
                break
            await pilot.pause(0.01)
    assert app.return_code == 1
    assert "history.json" in app.fatal_error


async def test_the_glance_is_not_rewritten_when_nothing_it_holds_changed(library):
    glance.write(library)
    path = library.data_dir / glance.NAME
    before = path.stat().st_mtime_ns
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("space", "j", "1")  # state only
        await settle(pilot)
        await asyncio.sleep(0.05)
        await pilot.press("q")
    assert path.stat().st_mtime_ns == before


async def test_commands_in_another_terminal_show_up_in_the_open_app(library, tmp_path):
    """Two processes: the app open (here, under the pilot) while ``reader tag``, ``note``
    and ``import`` run as separate processes; neither loses the other's changes."""
    import subprocess
    import sys

    from .helpers import write_digest_file

    digest = write_digest_file(tmp_path / "new-week.md")
    env_dir = str(library.data_dir)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "reader", "--data-dir", env_dir, *args],
            capture_output=True, text=True, timeout=60,
        )

    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app._main()
        first = main.paper_id
        commands = asyncio.gather(
            asyncio.to_thread(cli, "tag", "2007.00001", "+from-cli"),
            asyncio.to_thread(cli, "note", "2007.00002", "--set", "noted elsewhere"),
            asyncio.to_thread(cli, "import", str(digest)),
        )
        for _ in range(5):  # the app writes meanwhile
            await pilot.press("space")
            await pilot.pause(0.02)
        results = await commands
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
        await wait_for(pilot, lambda: (
            "from-cli" in main.snapshot.state("2007.00001").tags
            and main.snapshot.note("2007.00002") == "noted elsewhere"
            and "2301.00042" in main.snapshot.papers
        ), rounds=500)
        await settle(pilot)
        assert main.snapshot.state(first).read  # five toggles: read
    fresh = Library(library.data_dir)
    assert fresh.state(first).read
    assert "from-cli" in fresh.state("2007.00001").tags
    assert fresh.note("2007.00002") == "noted elsewhere"
    assert "2301.00042" in fresh.papers()


async def test_the_footer_follows_the_focus_without_piling_up_widgets(library):
    from reader.tui.widgets.footer import KeysFooter

    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        footer = app.screen.query_one(KeysFooter)
        in_list = footer.keys()
        assert ("space", "Read", True) in in_list and any(d == "Quit" for _, d, _ in in_list)
        nodes = len(list(app.screen.walk_children()))
        for _ in range(5):
            await pilot.press("n")
            await pilot.pause(0.05)
            assert footer.keys() != in_list  # the note editor's keys
            await pilot.press("escape")
            await pilot.pause(0.05)
        assert footer.keys() == in_list
        assert len(list(app.screen.walk_children())) == nodes
        assert "^p Commands" in "".join(strip.text for strip in screen_strips(app)[-1:])
