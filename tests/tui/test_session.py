"""The app reopens where it was left: view, paper, tab and scroll position (screens/session.py)."""

from __future__ import annotations

import json

from reader.core.library import Library
from reader.core.saved_views import add_view, remove_view
from reader.core.session import Session, read_session, session_path
from reader.core.views import ALL, View, ViewKind, first_view
from reader.tui.app import ReaderApp
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.papers import PapersList

from .conftest import ready, settle
from .helpers import many_weeks_library


async def _run(library: Library, check) -> None:
    """Start the app, wait for it, ``await check(pilot, main)``, then quit with q."""
    app = ReaderApp(Library(library.data_dir))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await check(pilot, app._main())
        await pilot.press("q")
        await pilot.pause()


async def test_the_app_reopens_where_it_was_left(tmp_path):
    library = many_weeks_library(tmp_path / "lib")
    add_view(library, "evens", "tag:common")

    async def leave(pilot, main) -> None:
        assert main.view == first_view(main.snapshot)  # no session yet: the default
        main.show_view(ALL, "2007.00090")
        await pilot.press("a")  # the Abstract tab
        await settle(pilot)
        papers = main.query_one(PapersList)
        papers.scroll_to(y=80, animate=False, immediate=True)  # the paper (row 89) stays on screen
        await pilot.pause()
        assert int(papers.scroll_offset.y) == 80

    await _run(library, leave)
    assert read_session(library.data_dir) == Session(ALL, "2007.00090", "abstract", 80)

    async def back(pilot, main) -> None:
        assert main.view == ALL and main.paper_id == "2007.00090"
        assert main.query_one(DetailPane).active == "abstract"
        assert main.query_one(PapersList).cursor_key == "2007.00090"
        assert int(main.query_one(PapersList).scroll_offset.y) == 80
        main.show_view(View.saved("evens"), "2007.00050")  # (a saved view: its papers after the index)
        await settle(pilot)
        assert main.paper_id == "2007.00050"

    await _run(library, back)
    assert read_session(library.data_dir).view == View.saved("evens")
    # Meanwhile the view changes (from the shell): its paper is no longer in it.
    add_view(library, "evens", "tag:common -title:50")

    async def paper_gone(pilot, main) -> None:
        assert main.view == View.saved("evens")
        assert "2007.00050" not in main.visible_ids
        assert main.paper_id == main.visible_ids[0]  # the view's first paper

    await _run(library, paper_gone)
    remove_view(library, "evens")

    async def view_gone(pilot, main) -> None:
        assert main.view == first_view(main.snapshot)  # the default
        assert main.view.kind is ViewKind.DIGEST

    await _run(library, view_gone)


def test_a_session_file_that_does_not_read_is_no_session(tmp_path):
    data = tmp_path / "lib"
    data.mkdir()
    path = session_path(data)
    good = Session(View.digest("d0123456789ab"), "2007.00001", "notes", 3)
    for raw in (
        b"",
        b"\xff\x00binary",
        b"[" * 5000,  # nested too deep
        b'{"format": 9, "view": {"kind": "all", "key": ""}}',  # a newer reader's
        b'{"format": 1, "view": {"kind": "nonsense", "key": ""}}',
        b" " * (70 * 1024),  # bigger than any session
    ):
        path.write_bytes(raw)
        assert read_session(data) is None, raw[:40]
    path.write_text(json.dumps(good.to_json()), encoding="utf-8")
    assert read_session(data) == good
    odd = dict(good.to_json(), tab="<script>", scroll=-4, paper=["x"])
    path.write_text(json.dumps(odd), encoding="utf-8")
    assert read_session(data) == Session(good.view, None, "commentary", 0)


def test_the_demo_keeps_its_session_in_its_own_folder(tmp_path, monkeypatch):
    """--demo opens a throwaway library: the user's session is never read nor written."""
    import reader.cli.app as cli_app

    user_data = tmp_path / "data"  # $READER_DATA_DIR (tests/conftest.py)
    user_data.mkdir(exist_ok=True)
    session_path(user_data).write_text(json.dumps(Session(View.tag("mine"), None, "notes", 9).to_json()))
    before = session_path(user_data).read_bytes()
    seen = []
    monkeypatch.setattr(cli_app, "_run", lambda library, demo, heap=None: seen.append(library.data_dir))
    from reader.cli import run

    assert run(["--demo"]) == 0
    (demo_dir,) = seen
    assert demo_dir != user_data and user_data not in demo_dir.parents
    assert session_path(user_data).read_bytes() == before
