"""Opening the app from the command line: the options it takes without argparse, the
demo library kept in the cache, and a damaged library stopping it with the CLI error."""

from __future__ import annotations

import pytest

from reader.cli import app_options, run
from reader.core import demo
from reader.core.snapshot import Snapshot


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], (None, False)),
        (["--demo"], (None, True)),
        (["--data-dir", "/x"], ("/x", False)),
        (["--data-dir=/x", "--demo"], ("/x", True)),
    ],
)
def test_app_options_are_read_without_the_full_parser(argv, expected):
    options = app_options(argv)
    assert options is not None and options.command is None
    assert (options.data_dir, options.demo) == expected


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["list"], ["--data-dir"], ["--data-dir", "--demo"], ["--data-dir="], ["--dmeo"]],
)
def test_anything_else_goes_to_the_full_parser(argv):
    assert app_options(argv) is None


def test_a_mistyped_option_is_still_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(["--dmeo"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --dmeo" in capsys.readouterr().err


def test_the_app_stopping_on_a_damaged_library_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    import reader.tui

    monkeypatch.setattr(reader.tui, "run_app", lambda library, demo=False, heap=None: "library file x.json is damaged")
    assert run(["--data-dir", str(tmp_path / "lib")]) == 1
    assert capsys.readouterr().err == "reader: error: library file x.json is damaged\n"


def test_the_demo_library_is_imported_once_then_copied(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = demo.demo_library(tmp_path / "one", cache)
    expected = Snapshot.load(first)
    assert len(expected.papers) > 5

    import reader.core.importer

    def no_import(*args, **kwargs):
        raise AssertionError("the demo was imported again")

    monkeypatch.setattr(reader.core.importer, "import_paths", no_import)
    second = demo.demo_library(tmp_path / "two", cache)
    again = Snapshot.load(second)
    assert [d.id for d in again.digests] == [d.id for d in expected.digests]
    assert again.papers == expected.papers
    assert [list(d.entries) for d in again.digests] == [list(d.entries) for d in expected.digests]
    # A copy: what the demo changes stays in its throwaway folder.
    second.set_read([next(iter(again.papers))], True)
    assert Snapshot.load(demo.demo_library(tmp_path / "three", cache)).states == expected.states


def test_an_unwritable_cache_only_means_importing_each_time(tmp_path):
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    library = demo.demo_library(tmp_path / "one", cache)
    assert Snapshot.load(library).papers


def test_reader_import_keeps_the_apps_glance_up_to_date(capsys, tmp_path):
    from reader.core import glance
    from reader.core.library import Library

    folder = tmp_path / "lib"
    week = tmp_path / "week.md"
    week.write_text(
        "# 230108 A new week\n\nhttps://arxiv.org/abs/2301.00042 A New Paper (Grace Hopper)\nWorth a look.\n",
        encoding="utf-8",
    )
    assert run(["--data-dir", str(folder), "import", str(week)]) == 0
    first = glance.read(Library(folder))  # made by the import: the app's first start is fast
    assert first is not None and first.title("2301.00042") == "A New Paper"
    other = tmp_path / "other.md"
    other.write_text(
        "# 230115 Another week\n\nhttps://arxiv.org/abs/2301.00077 Another Paper (Alan Turing)\nAlso good.\n",
        encoding="utf-8",
    )
    assert run(["--data-dir", str(folder), "import", str(other)]) == 0
    partial = glance.read(Library(folder))
    assert partial is not None and "2301.00077" in partial.papers
    assert partial.title("2301.00077") == "Another Paper"


def test_a_damaged_demo_copy_is_imported_again(tmp_path):
    cache = tmp_path / "cache"
    demo.demo_library(tmp_path / "one", cache)
    kept = next((cache / "demo").rglob("catalog.json"))
    kept.write_bytes(b'{"digests": ')
    library = demo.demo_library(tmp_path / "two", cache)
    assert Snapshot.load(library).papers
    assert b'"digests"' in next((cache / "demo").rglob("catalog.json")).read_bytes()[:200]
    assert Snapshot.load(demo.demo_library(tmp_path / "three", cache)).papers


def test_the_collector_waits_from_the_command_line_until_the_app_is_done(tmp_path, monkeypatch):
    import gc

    import reader.tui

    seen = []

    def run_app(library, demo=False, heap=None):
        seen.append((heap is not None and heap.active, gc.isenabled()))
        return None

    monkeypatch.setattr(reader.tui, "run_app", run_app)
    assert gc.isenabled()
    assert run(["--data-dir", str(tmp_path / "lib")]) == 0
    assert seen == [(True, False)]  # paused before the library's modules loaded, for the app
    assert gc.isenabled()  # and as it was afterwards, even when the app never ran its own restore
