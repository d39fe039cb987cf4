"""The library store: import, state changes, undo, multi-process visibility."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reader.core.library import Library, normalize_tag
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.storage import LibraryCorrupt


def digest(source="week.md", date=dt.date(2020, 7, 12), ids=("2007.01758", "2007.01852"), **kw):
    entries = [
        Entry(i, 1, f"Title {i}", [f"Author {n}" for n in range(2)], f"about {i}", [], list(kw.get("tags", [])))
        for i in ids
    ]
    return ParsedDigest(source, date, kw.get("title", "A week"), entries)


@pytest.fixture
def lib(tmp_path):
    return Library(tmp_path / "lib")


def test_import_stores_each_paper_once(lib):
    lib.import_digests([(digest("a.md"), "sha-a"), (digest("b.md", ids=("2007.01758", "2007.03282")), "sha-b")])
    assert sorted(lib.papers()) == ["2007.01758", "2007.01852", "2007.03282"]
    snap = Snapshot.load(lib)
    assert len(snap.appearances["2007.01758"]) == 2


def test_reimport_unchanged_is_already_imported(lib):
    (first,) = lib.import_digests([(digest(), "sha")])
    (again,) = lib.import_digests([(digest(), "sha")])
    assert first.status == "new" and again.status == "unchanged"
    assert again.digest_id == first.digest_id


def test_reimport_edited_updates_digest_and_keeps_state(lib):
    lib.import_digests([(digest(), "v1")])
    lib.set_read(["2007.01758"], True)
    lib.change_tags(["2007.01758"], ["gan"])
    lib.set_note("2007.01758", "mine")
    (result,) = lib.import_digests([(digest(ids=("2007.01758", "2007.04504")), "v2")])
    assert result.status == "updated" and result.new_papers == 1
    (record,) = lib.digests()
    assert record.paper_ids == ("2007.01758", "2007.04504")
    state = lib.state("2007.01758")
    assert state.read and state.tags == ("gan",)
    assert lib.note("2007.01758") == "mine"


def test_digest_tags_become_paper_tags_once(lib):
    lib.import_digests([(digest(ids=("2001.07685",), tags=["mixup"]), "v1")])
    assert lib.state("2001.07685").tags == ("mixup",)
    lib.change_tags(["2001.07685"], remove=["mixup"])
    lib.import_digests([(digest(ids=("2001.07685",), tags=["mixup"], title="edited"), "v2")])
    assert lib.state("2001.07685").tags == ()


def test_digests_newest_first(lib):
    lib.import_digests([
        (digest("old.md", dt.date(2019, 12, 10)), "1"),
        (digest("new.md", dt.date(2020, 11, 25)), "2"),
        (digest("undated.md", None), "3"),
    ])
    assert [d.source for d in lib.digests()] == ["new.md", "old.md", "undated.md"]


def test_state_changes_and_undo(lib):
    lib.import_digests([(digest(), "sha")])
    assert lib.set_read(["2007.01758", "2007.01852"], True) == ["2007.01758", "2007.01852"]
    assert lib.set_read(["2007.01758"], True) == []  # no change, no history
    lib.change_tags(["2007.01758"], ["a", "b"])
    lib.set_note("2007.01852", "first thoughts")
    assert [c.label for c in lib.history()] == ["mark 2 papers read", "tag 2007.01758 +a +b", "note on 2007.01852"]
    lib.undo()
    assert lib.note("2007.01852") == ""
    lib.undo()
    assert lib.state("2007.01758").tags == ()
    lib.undo()  # a bulk action is one step
    assert not lib.state("2007.01758").read and not lib.state("2007.01852").read
    assert lib.undo() is None


def test_undo_survives_a_restart(tmp_path):
    Library(tmp_path).set_read(["2007.01758"], True)
    assert Library(tmp_path).undo().label == "mark 2007.01758 read"
    assert not Library(tmp_path).state("2007.01758").read


def test_history_keeps_the_last_hundred(lib):
    for n in range(105):
        lib.set_note("2007.01758", f"v{n}")
    assert len(lib.history()) == 100


@pytest.mark.parametrize("raw, tag", [("gan", "gan"), ("#gan", "gan"), ("  two words ", "two-words"), ("한국어", "한국어"), ("a\x1b[31mb", "a[31mb")])
def test_normalize_tag(raw, tag):
    assert normalize_tag(raw) == tag


@pytest.mark.parametrize("raw", ["", "   ", "#", "\x00"])
def test_empty_tag_is_an_error(raw):
    with pytest.raises(ValueError, match="empty tag"):
        normalize_tag(raw)


def test_a_second_process_sees_changes(tmp_path):
    app, cli = Library(tmp_path), Library(tmp_path)
    app.import_digests([(digest(), "sha")])
    assert app.state("2007.01758").read is False  # app has read the file
    cli.set_read(["2007.01758"], True)
    assert app.changed_on_disk()
    assert app.state("2007.01758").read is True
    app.change_tags(["2007.01758"], ["x"])  # writing never undoes the other's change
    assert cli.state("2007.01758") .read and cli.state("2007.01758").tags == ("x",)


def test_files_carry_a_format_version(lib):
    lib.set_read(["2007.01758"], True)
    data = json.loads((lib.data_dir / "state.json").read_text(encoding="utf-8"))
    assert data["_meta"]["1"]["format"] == 2  # read flags and tags as sets of ids (core/state_store.py)
    history = json.loads((lib.data_dir / "history.json").read_text(encoding="utf-8"))
    assert history["_meta"]["1"]["format"] == 1  # (unchanged since format 1)


@pytest.mark.parametrize("content", [b"", b"{\"papers\": {", b"\x00\x01\x02binary", b"[1, 2]"])
def test_a_damaged_file_is_named_and_never_overwritten(lib, content):
    lib.set_read(["2007.01758"], True)
    path = lib.data_dir / "state.json"
    path.write_bytes(content)
    fresh = Library(lib.data_dir)
    with pytest.raises(LibraryCorrupt, match=r"state\.json"):
        fresh.set_read(["2007.01758"], False)
    assert path.read_bytes() == content


def test_writes_are_atomic_replacements(lib, monkeypatch):
    import os

    calls = []
    real_replace, real_fsync = os.replace, os.fsync
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append(("replace", str(b))), real_replace(a, b))[1])
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(("fsync", fd)), real_fsync(fd))[1])
    lib.set_read(["2007.01758"], True)
    kinds = [c[0] for c in calls]
    # file fsync, replace, then directory fsync: for state.json and history.json
    assert kinds.count("replace") >= 2 and kinds.count("fsync") >= 4
    first_replace = kinds.index("replace")
    assert "fsync" in kinds[:first_replace] and "fsync" in kinds[first_replace + 1 :]


def test_backups_rotate(lib):
    from reader.core.notes_store import shard_of

    lib.backups.interval = 0
    for n in range(8):
        lib.set_note("2007.01758", f"v{n}")
    backups = lib.backups.list(f"{shard_of('2007.01758')}.json")  # (the file its text is in)
    assert 1 <= len(backups) <= lib.backups.keep
