"""The glance (core/glance.py): the first screen from one small file, trusted only while
the files it was made from are unchanged."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from reader.core import glance
from reader.core.library import Library
from reader.core.models import ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.storage import LibraryCorrupt
from tests.tui.helpers import entry, generated_digests, make_library, sample_digests


@pytest.fixture
def lib(tmp_path) -> Library:
    library = make_library(tmp_path / "lib", sample_digests())
    library.set_read(["2007.00003"], True)
    library.change_tags(["2007.00001"], ["later"])
    library.set_note("2007.01758", "Check the ablation.")
    library.queue_papers(["1706.03762"])
    return library


def fresh(library: Library) -> Library:
    """The same folder as a new process sees it."""
    return Library(library.data_dir)


def rows(snap: Snapshot, ids) -> list[tuple]:
    """What a list row shows of each paper."""
    return [
        (i, snap.title(i), snap.authors(i), snap.state(i), snap.has_note(i), snap.fetch_status(i))
        for i in ids
    ]


def test_no_glance_until_written(lib):
    assert glance.read(fresh(lib)) is None
    assert glance.write(lib) is True
    assert glance.write(lib) is False  # up to date: not written again
    assert (lib.data_dir / glance.NAME).is_file()


def test_a_glance_draws_the_same_first_screen_as_the_library(lib):
    glance.write(lib)
    partial = glance.read(fresh(lib))
    full = Snapshot.load(fresh(lib))
    assert partial.partial and not partial.complete and not full.partial
    assert [d.id for d in partial.digests] == [d.id for d in full.digests]
    assert [d.label for d in partial.digests] == [d.label for d in full.digests]
    assert [d.title for d in partial.digests] == [d.title for d in full.digests]
    assert [partial.progress(d) for d in partial.digests] == [full.progress(d) for d in full.digests]
    assert partial.all_ids() == full.all_ids()
    assert len(partial.papers) == len(full.papers) and set(partial.papers) == set(full.papers)
    assert partial.queued_ids() == full.queued_ids() == ["1706.03762"]
    assert partial.tag_counts == full.tag_counts
    for digest in full.digests:  # both digests are among the newest three: held in full
        assert rows(partial, digest.paper_ids) == rows(full, digest.paper_ids)


def test_papers_beyond_the_newest_digests_are_known_by_id(tmp_path):
    library = make_library(tmp_path / "big", generated_digests(200, 10))
    glance.write(library)
    partial = glance.read(fresh(library))
    full = Snapshot.load(fresh(library))
    old = full.digests[-1]
    assert partial.all_ids() == full.all_ids()
    assert [partial.progress(d) for d in partial.digests] == [full.progress(d) for d in full.digests]
    newest = full.digests[0].paper_ids
    assert rows(partial, newest) == rows(full, newest)
    stranger = old.paper_ids[0]
    assert stranger in partial.papers and partial.papers[stranger].title is None
    assert partial.title(stranger) is None and full.title(stranger)
    with pytest.raises(KeyError):
        partial.papers["9999.99999"]
    size = (library.data_dir / glance.NAME).stat().st_size
    assert size < (library.data_dir / "catalog.json").stat().st_size / 2


def test_read_state_is_read_fresh_not_from_the_glance(lib):
    glance.write(lib)
    other = fresh(lib)  # another process marks a paper read and tags another
    other.set_read(["2007.00001"], True)
    other.change_tags(["2007.04825"], ["new-tag"])
    partial = glance.read(fresh(lib))
    assert partial is not None  # state.json is not one of the glance's sources
    assert partial.state("2007.00001").read
    assert partial.tag_counts["new-tag"] == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda lib: lib.store_metadata({"2007.00001": {"status": "error", "error": "x", "fetched_at": "t"}}),
        lambda lib: lib.queue_papers(["2101.00001"]),
        lambda lib: lib.import_digests([(ParsedDigest(
            source="/digests/new.md", date=dt.date(2021, 1, 3), entries=[entry("2101.00002", "New")]
        ), "sha-new")]),
    ],
    ids=["arxiv record", "queued paper", "import"],
)
def test_a_change_to_a_source_file_makes_the_glance_stale(lib, change):
    glance.write(lib)
    change(fresh(lib))
    assert glance.read(fresh(lib)) is None
    assert glance.write(fresh(lib)) is True
    assert glance.read(fresh(lib)) is not None


def test_a_file_rewritten_with_the_same_size_and_time_is_noticed(lib):
    """What counts is which write of the file is on disk (its _meta), not its timestamps."""
    import os

    glance.write(lib)
    catalog = lib.data_dir / "catalog.json"
    before = catalog.stat()
    with lib.transaction("catalog"):  # a write that changes nothing but the write counter
        lib.put("catalog", {})
    os.utime(catalog, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert catalog.stat().st_size == before.st_size
    assert glance.read(fresh(lib)) is None


def test_a_copy_of_the_library_keeps_its_glance(lib, tmp_path):
    """Copied (new inodes and times, as a backup or a synced folder has them), the files
    are the same writes: the first start is still fast."""
    import shutil

    glance.write(lib)
    copy = tmp_path / "copy"
    shutil.copytree(lib.data_dir, copy)
    for path in copy.iterdir():
        os.utime(path, ns=(1, 1))
    assert glance.read(Library(copy)) is not None


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"format": 99}', b'{"format": 1, "sources": {}}', None],
    ids=["empty", "truncated", "not an object", "newer format", "no sources", "missing"],
)
def test_a_damaged_or_foreign_glance_is_ignored(lib, content):
    glance.write(lib)
    path = lib.data_dir / glance.NAME
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    assert glance.read(fresh(lib)) is None
    assert glance.write(fresh(lib)) is True
    assert glance.read(fresh(lib)) is not None


def test_a_glance_with_the_right_sources_but_a_wrong_shape_is_ignored(lib):
    glance.write(lib)
    path = lib.data_dir / glance.NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["digests"] = [{"id": 3}]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert glance.read(fresh(lib)) is None


def test_a_damaged_state_file_is_reported_not_hidden(lib):
    glance.write(lib)
    (lib.data_dir / "state.json").write_bytes(b"{ half")
    with pytest.raises(LibraryCorrupt, match=r"state\.json"):
        glance.read(fresh(lib))


def test_undated_digests_come_last_as_in_the_library(tmp_path):
    digests = [*sample_digests(), ParsedDigest(source="/digests/undated.md", entries=[entry("2201.00001", "No date")])]
    library = make_library(tmp_path / "lib", digests)
    glance.write(library)
    partial = glance.read(fresh(library))
    assert [d.id for d in partial.digests] == [d.id for d in library.digests()]
    assert partial.digests[-1].date is None


def test_an_empty_library_has_an_empty_glance(tmp_path):
    library = Library(tmp_path / "empty")
    glance.write(library)
    partial = glance.read(fresh(library))
    assert partial is not None and not partial.digests and not partial.papers


def test_a_read_only_folder_just_means_no_glance(lib, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr("reader.core.fs.os.replace", refuse)
    assert glance.write(lib) is False
    assert not list(lib.data_dir.glob(".glance*"))


def test_undecodable_file_names_survive_the_glance(tmp_path):
    digest = ParsedDigest(
        source="/digests/caf\udce9-week.md", date=dt.date(2021, 1, 3), entries=[entry("2101.00002", "New")]
    )
    library = make_library(tmp_path / "lib", [digest])
    assert glance.write(library) is True
    assert not list(library.data_dir.glob(".glance*"))
    partial = glance.read(fresh(library))
    assert partial.digests[0].source == "/digests/caf\udce9-week.md"


def test_the_apps_glance_refresh_leaves_another_processs_change_for_its_poll(lib):
    """Writing the glance reads the files; it must not hide a change the app has yet to
    reload (the app's poll compares the files with what it last read)."""
    from reader.tui.service import LibraryService

    service = LibraryService(Library(lib.data_dir))
    try:
        service.load().result(timeout=10)
        fresh(lib).set_note("2007.00001", "written elsewhere", undoable=False)
        service.submit(service._refresh_glance).result(timeout=10)
        assert service.changed_on_disk().result(timeout=10)
    finally:
        service.close()


def test_all_papers_come_in_library_order_from_the_glance_as_from_the_library(tmp_path):
    # (the glance's ids, as kept: the All view restored at startup is made from them)
    newer = ParsedDigest(source="/b.md", date=dt.date(2020, 7, 12), entries=[entry("2007.00002", "B"), entry("2007.00001", "A")])
    older = ParsedDigest(source="/a.md", date=dt.date(2020, 7, 5), entries=[entry("2007.00001", "A"), entry("2007.00003", "C")])
    library = make_library(tmp_path / "lib", [older, newer])
    library.queue_papers(["1706.03762"])  # in no digest: last
    glance.write(library)
    partial = glance.read(fresh(library))
    full = Snapshot.load(fresh(library))
    expected = ["2007.00002", "2007.00001", "2007.00003", "1706.03762"]
    assert partial.all_ids() == full.all_ids() == expected
    assert full.with_changes(papers=dict(reversed(full.papers.items()))).all_ids() == expected
