"""Durability: every library file is written as temp file + fsync, rename, directory fsync.

The calls are recorded on the real storage (os.fsync and os.replace wrapped, not faked)
and each fsync is resolved to the path its descriptor names, so the test checks the
order per file: the temporary file is fsynced, then renamed over the library file, then
the directory holding it is fsynced. Also: a write that fails at any of those steps
leaves the old file exactly as it was and no temporary file behind.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from reader.core import doctor
from reader.core.library import FILES, Library
from reader.core.models import Entry, ParsedDigest
from reader.core.notes_store import shard_of
from reader.core.saved_views import add_view
from reader.core.storage import LibraryError

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="resolves fds via /proc")


def _digest() -> ParsedDigest:
    entry = Entry("2007.01758", 1, "A Title", ["Ann Lee"], "words", [], ["gan"])
    return ParsedDigest("week.md", dt.date(2020, 7, 12), "A week", [entry])


def every_kind_of_write(library: Library) -> None:
    library.import_digests([(_digest(), "sha")])  # catalog.json, state.json (digest tags)
    library.set_read(["2007.01758"], True)  # state.json, history.json
    library.set_note("2007.01758", "a note")  # notes.json, history.json
    library.store_metadata({"2007.01758": {"status": "ok", "metadata": {"title": "T"}}})  # arxiv.json
    library.save_export_record("/notes", {"2007.01758": {"file": "2007.01758.md"}})  # exports.json
    with library.transaction("folders"):  # folders.json
        library.put("folders", {"folders": {"/digests": {"format": 1, "files": {}}}})
    add_view(library, "gans", "tag:gan")  # views.json


@pytest.fixture
def recorded(monkeypatch):
    events: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        return real_fsync(fd)

    def replace(src, dst, **kw):
        events.append(("replace", Path(src), Path(dst)))
        return real_replace(src, dst, **kw)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def check_durable_replace(events: list[tuple], target: Path) -> int:
    """Every replace onto ``target``: fsync(temp) before it, fsync(dir) after. Returns how many."""
    found = 0
    for k, event in enumerate(events):
        if event[0] != "replace" or event[2] != target:
            continue
        found += 1
        tmp = event[1]
        assert tmp.parent == target.parent and tmp.name.startswith(f".{target.name}"), tmp
        before = [e for e in events[:k] if e[0] == "fsync"]
        assert before and before[-1][1] == tmp, f"{target.name}: temp file not fsynced right before the rename"
        after = next((e for e in events[k + 1 :] if e[0] in ("fsync", "replace")), None)
        assert after == ("fsync", target.parent), f"{target.name}: directory not fsynced right after the rename"
    return found


def test_every_library_file_is_fsynced_renamed_and_its_directory_fsynced(tmp_path, recorded):
    library = Library(tmp_path / "lib")
    every_kind_of_write(library)
    for name in FILES:
        target = library.data_dir / f"{name}.json"
        assert check_durable_replace(recorded, target) >= 1, f"{name}.json was never written"
    # Nothing else is ever renamed onto a library file.
    targets = {e[2] for e in recorded if e[0] == "replace"}
    assert {library.data_dir / f"{n}.json" for n in FILES} <= targets


def test_backups_are_fsynced_before_they_count(tmp_path, recorded):
    library = Library(tmp_path / "lib")
    library.backups.interval = 0
    library.set_note("2007.01758", "one")
    library.set_note("2007.01758", "two")  # backs up the note's file before replacing it
    (backup,) = library.backups.list(f"{shard_of('2007.01758')}.json")[:1]
    k = next(i for i, e in enumerate(recorded) if e[0] == "replace" and e[2] == backup)
    assert recorded[k - 1] == ("fsync", recorded[k][1])


def test_doctor_restore_is_durable_and_never_leaves_the_file_missing(tmp_path, recorded):
    library = Library(tmp_path / "lib")
    library.backups.interval = 0
    library.set_read(["2007.01758"], True)
    library.set_read(["2007.01852"], True)
    state = library.data_dir / "state.json"
    state.write_bytes(b"{ broken")
    recorded.clear()
    (report,) = [r for r in doctor.check_library(library) if r.problem]
    outcome = doctor.restore_file(library, report)
    assert outcome.ok
    assert check_durable_replace(recorded, state) == 1
    # The damaged file is copied aside, never moved: state.json exists at every moment.
    assert not any(e[0] == "replace" and e[1] == state for e in recorded)


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path, monkeypatch, step):
    library = Library(tmp_path / "lib")
    library.set_note("2007.01758", "old")
    path = library.data_dir / "notes.json"
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if step == "write":
        import builtins

        real_open = builtins.open

        def failing_open(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if "w" in mode and str(file).endswith(".tmp"):
                handle.write = boom
            return handle

        monkeypatch.setattr(builtins, "open", failing_open)
    else:
        monkeypatch.setattr(os, step, boom)
    with pytest.raises(LibraryError, match=r"cannot write library file .*: No space left on device"):
        library.set_note("2007.01758", "new")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not [p for p in library.data_dir.iterdir() if p.name.endswith(".tmp")]
    fresh = Library(library.data_dir)
    assert fresh.note("2007.01758") == "old"
    # The library that failed is not wedged: its next write works and sees the disk.
    library.set_note("2007.01758", "newer")
    assert Library(library.data_dir).note("2007.01758") == "newer"


def test_writing_without_the_lock_is_refused(tmp_path):
    library = Library(tmp_path / "lib")
    library.set_read(["2007.01758"], True)
    storage = library.storages()["state"]
    with pytest.raises(RuntimeError, match="without the library lock"):
        storage.write({"papers": {}})
    assert library.state("2007.01758").read


def test_lock_timeout_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_LOCK_TIMEOUT", raising=False)
    assert Library(tmp_path / "a").lock.timeout == 5
    monkeypatch.setenv("READER_LOCK_TIMEOUT", "0.25")
    assert Library(tmp_path / "a").lock.timeout == 0.25
    assert Library(tmp_path / "a", lock_timeout=2).lock.timeout == 2
    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv("READER_LOCK_TIMEOUT", bad)
        with pytest.raises(LibraryError, match="READER_LOCK_TIMEOUT must be a number of seconds"):
            Library(tmp_path / "a")
