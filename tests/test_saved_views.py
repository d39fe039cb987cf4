"""Saved views in the library (core/saved_views.py): named queries in views.json."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from reader.core.doctor import check_library
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.saved_views import (
    MAX_NAME,
    SavedView,
    ViewError,
    add_view,
    remove_view,
    saved_views,
)
from reader.core.snapshot import Snapshot
from reader.core.storage import LibraryError
from reader.core.views import View, ViewKind


def test_add_replace_remove(tmp_path):
    lib = Library(tmp_path / "lib")
    assert saved_views(lib) == ()
    assert add_view(lib, "  to read ", "tag:vae -is:read") is False  # (a new name)
    assert add_view(lib, "GANs", "tag:gan") is False
    assert saved_views(lib) == (SavedView("GANs", "tag:gan"), SavedView("to read", "tag:vae -is:read"))
    assert add_view(lib, "GANs", "tag:gan OR title:adversarial") is True  # replaced, and says so
    assert saved_views(Library(lib.data_dir)) == (
        SavedView("GANs", "tag:gan OR title:adversarial"),
        SavedView("to read", "tag:vae -is:read"),
    )
    assert remove_view(lib, "GANs") == SavedView("GANs", "tag:gan OR title:adversarial")
    assert saved_views(Library(lib.data_dir)) == (SavedView("to read", "tag:vae -is:read"),)
    with pytest.raises(ViewError, match="no saved view named 'GANs'"):
        remove_view(lib, "GANs")


def test_the_file_has_a_format_version_and_a_change_counter(tmp_path):
    lib = Library(tmp_path / "lib")
    add_view(lib, "a", "tag:a")
    add_view(lib, "b", "tag:b")
    data = json.loads((lib.data_dir / "views.json").read_text(encoding="utf-8"))
    meta = data["_meta"]["1"]
    assert meta["kind"] == "views" and meta["format"] == 1 and meta["change"] == 2
    assert data["views"]["a"]["format"] == 1 and data["views"]["a"]["query"] == "tag:a"


def test_a_record_of_a_newer_reader_is_left_out_and_a_newer_file_refused(tmp_path):
    lib = Library(tmp_path / "lib")
    add_view(lib, "a", "tag:a")
    with lib.transaction("views"):
        lib.put("views", {"views": {"future": {"format": 9, "query": {"tree": 1}}}})
    assert saved_views(Library(lib.data_dir)) == (SavedView("a", "tag:a"),)
    path = lib.data_dir / "views.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["_meta"]["1"]["format"] = 9
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LibraryError, match="newer reader"):
        saved_views(Library(lib.data_dir))


def test_a_bad_query_is_rejected_with_where_it_is_wrong(tmp_path):
    lib = Library(tmp_path / "lib")
    with pytest.raises(ViewError) as caught:
        add_view(lib, "bad", "tag:a AND (tag:b")
    message = str(caught.value)
    assert message.startswith("bad query at column ") and "\n" not in message
    with pytest.raises(ViewError, match="needs a query"):
        add_view(lib, "empty", "   ")
    assert not (lib.data_dir / "views.json").exists()  # nothing written


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "bell\x07", "x" * (MAX_NAME + 1)])
def test_names_that_are_refused(tmp_path, name):
    lib = Library(tmp_path / "lib")
    with pytest.raises(ViewError):
        add_view(lib, name, "tag:a")
    assert saved_views(lib) == ()


@pytest.mark.parametrize("name", ["[/x]", "[bold red]hi[/]", "$(rm -rf ~)", "日本語 ビュー", '"quoted" \\ back'])
def test_hostile_names_are_kept_as_typed(tmp_path, name):
    lib = Library(tmp_path / "lib")
    add_view(lib, name, "tag:a")
    assert saved_views(Library(lib.data_dir)) == (SavedView(name, "tag:a"),)
    assert [report.condition for report in check_library(lib)].count("damaged") == 0
    assert remove_view(lib, name).name == name
    assert saved_views(lib) == ()


def test_two_libraries_adding_at_once_keep_both(tmp_path):
    """Each add is an operation on the file as it is on disk now, under the lock."""
    first, second = Library(tmp_path / "lib"), Library(tmp_path / "lib")
    saved_views(first), saved_views(second)  # both have read the (missing) file
    add_view(first, "one", "tag:one")
    add_view(second, "two", "tag:two")  # not a copy of what `second` saw: `one` stays
    assert [v.name for v in saved_views(first)] == ["one", "two"]
    errors: list[BaseException] = []

    def add_many(lib: Library, prefix: str) -> None:
        try:
            for n in range(15):
                add_view(lib, f"{prefix}{n}", f"tag:{prefix}{n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add_many, args=(Library(tmp_path / "lib"), p)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(saved_views(Library(tmp_path / "lib"))) == 2 + 30


def test_the_snapshot_carries_the_views_and_the_poll_sees_a_new_one(tmp_path):
    lib = Library(tmp_path / "lib")
    add_view(lib, "a", "tag:a")
    snap = Snapshot.load(lib)
    assert snap.saved_views == (SavedView("a", "tag:a"),)
    assert not lib.changed_on_disk()
    add_view(Library(lib.data_dir), "b", "tag:b")  # another process
    assert lib.changed_on_disk()
    assert [v.name for v in Snapshot.load(lib).saved_views] == ["a", "b"]
    assert not lib.changed_on_disk()


def test_doctor_checks_the_views_file(tmp_path):
    lib = Library(tmp_path / "lib")
    add_view(lib, "a", "tag:a")
    (lib.data_dir / "views.json").write_text('{"views": {"a": ', encoding="utf-8")
    reports = {report.path.name: report.condition for report in check_library(lib)}
    assert reports["views.json"] == "damaged"


def test_a_saved_view_is_a_view_of_its_own_kind(tmp_path):
    lib = Library(tmp_path / "lib")
    entries = [
        Entry("2007.00001", 1, "Deep Hierarchical VAE", ["Ann Lee"], "words", [], ["vae"]),
        Entry("2007.00002", 1, "A GAN", ["Bo Chen"], "words", [], ["gan"]),
    ]
    lib.import_digests([(ParsedDigest("w.md", dt.date(2020, 7, 12), "W", entries), "sha")])
    add_view(lib, "[/x]", "tag:vae OR title:gan")
    add_view(lib, "words", "hierarchical")
    snap = Snapshot.load(lib)
    view = View.saved("[/x]")
    assert view.kind is ViewKind.SAVED and view.label(snap) == "[/x]" and view.exists(snap)
    assert view.ids(snap) == ["2007.00001", "2007.00002"]
    assert View.saved("words").ids(snap) == ["2007.00001"]  # (words: an index of its own)
    assert not View.saved("gone").exists(snap) and View.saved("gone").ids(snap) == []
    assert not View.digest("d000000000000").exists(snap)
    assert View.digest(snap.digests[0].id).exists(snap)
