"""Damaged library files: named, explained, never overwritten; `reader doctor` repairs them.

Every library file is damaged in every way a file gets damaged (cut short, emptied,
overwritten with binary data, hand-edited into invalid JSON, or valid JSON of the wrong
shape), then every writing command runs on it. Each must either refuse with one line
that names the file and says what is wrong, or do its work without touching that file;
the damaged bytes must be exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
from pathlib import Path

import pytest

from reader.cli import run
from reader.core import doctor
from reader.core.library import FILES, Library
from reader.core.models import Entry, ParsedDigest
from reader.core.notes_store import shard_of
from reader.core.saved_views import add_view
from reader.core.storage import LibraryCorrupt

IDS = ("2007.01758", "2007.01852", "2007.03898")


def _entries(ids, tags=()):
    return [Entry(i, 1, f"Title {i}", ["Ann Lee", "Bo Chen"], f"about {i}", [], list(tags)) for i in ids]


def build(data_dir: Path) -> Library:
    """A library where every file exists and has a backup."""
    library = Library(data_dir)
    library.backups.interval = 0  # back up before every write
    library.import_digests([(ParsedDigest("a.md", dt.date(2020, 7, 12), "A", _entries(IDS, ["seed"])), "a")])
    library.set_read([IDS[0]], True)
    library.change_tags([IDS[1]], ["gan"])
    library.set_note(IDS[0], "first note")
    library.store_metadata({IDS[0]: {"status": "ok", "fetched_at": "2020", "error": None, "metadata": {"title": "T"}}})
    library.import_digests([(ParsedDigest("b.md", dt.date(2020, 7, 19), "B", _entries(IDS[:1])), "b")])
    library.set_note(IDS[1], "second note")
    library.store_metadata({IDS[1]: {"status": "ok", "fetched_at": "2020", "error": None, "metadata": {"title": "U"}}})
    library.set_read([IDS[2]], True)
    library.save_export_record("/notes", {IDS[0]: {"file": f"{IDS[0]}.md"}})
    library.save_export_record("/notes", {IDS[1]: {"file": f"{IDS[1]}.md"}})
    for files in ({}, {"a.md": {"sha256": "a"}}):  # folders.json (a followed folder), twice
        with library.transaction("folders"):
            library.put("folders", {"folders": {"/digests": {"format": 1, "files": files}}})
    add_view(library, "gans", "tag:gan")
    add_view(library, "unread", "-is:read")
    for name in FILES:
        assert library.backups.list(f"{name}.json"), name
    return library


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) * 2 // 3]


def _hand_edited(raw: bytes) -> bytes:
    text = raw.decode()
    return text.replace(",", ", oops ", 1).encode()


DAMAGE = {
    "truncated": (_truncated, "truncated"),
    "empty": (lambda raw: b"", "empty"),
    "binary": (lambda raw: random.Random(1).randbytes(3000), "binary"),
    "binary-no-nul": (lambda raw: random.Random(2).randbytes(3000).replace(b"\0", b"\xff"), "binary"),
    "invalid-json": (_hand_edited, "invalid JSON at line 1"),
    "wrong-shape": (lambda raw: b'{"papers": [1, 2, 3]}', "not a reader library file"),
}


def damage(library: Library, name: str, how: str) -> bytes:
    path = library.data_dir / f"{name}.json"
    bad = DAMAGE[how][0](path.read_bytes())
    path.write_bytes(bad)
    return bad


def fingerprint(data_dir: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in data_dir.iterdir()
        if p.is_file() and not p.name.startswith("library.lock")
    }


def cli(capsys, *args) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    directory = tmp_path_factory.mktemp("template") / "lib"
    build(directory)
    return directory


@pytest.fixture
def week(tmp_path):
    path = tmp_path / "200726 week.md"
    path.write_text("https://arxiv.org/abs/2007.11111 A Fresh Paper Title (Ann Lee, Bo Chen)\n", encoding="utf-8")
    return path


def _copy_template(template: Path, target: Path) -> Library:
    import shutil

    shutil.copytree(template, target)
    return Library(target)


COMMANDS = {
    "mark": lambda week: ["mark", IDS[1], "--read"],
    "tag": lambda week: ["tag", IDS[2], "+new-tag"],
    "note": lambda week: ["note", IDS[2], "--set", "a new note"],
    "import": lambda week: ["import", week],
}


#: The files each command reads (the catalogue only when there is no current glance,
#: as in the template): a damaged one stops it; the others it does not need.
NEEDS = {
    "mark": {"catalog", "state", "history"},
    "tag": {"catalog", "state", "history"},
    "note": {"catalog", "notes", "history"},
    "import": {"catalog", "commentary", "state"},
}


def applied(library: Library, command: str) -> bool:
    if command == "mark":
        return library.state(IDS[1]).read
    if command == "tag":
        return "new-tag" in library.state(IDS[2]).tags
    if command == "note":
        return library.note(IDS[2]) == "a new note"
    return "2007.11111" in library.papers()


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("name", FILES)
def test_a_damaged_file_is_named_explained_and_never_overwritten(capsys, tmp_path, template, week, name, how):
    library = _copy_template(template, tmp_path / "lib")
    bad = damage(library, name, how)
    path = library.data_dir / f"{name}.json"
    for command, make_args in COMMANDS.items():
        before = fingerprint(library.data_dir)
        code, out, err = cli(capsys, "--data-dir", library.data_dir, *make_args(week))
        assert "Traceback" not in err and "internal error" not in err, err
        assert path.read_bytes() == bad, f"{command} changed the damaged {name}.json"
        if code == 0:
            # It did not need the damaged file: its change is there (read without that file).
            assert name not in NEEDS[command], (command, err)
            continue
        assert code == 1 and out == "", (command, code, err)
        assert err.count("\n") == 1, err
        assert err.startswith(f"reader: error: library file {path} is damaged: "), err
        assert DAMAGE[how][1] in err, err
        assert "reader doctor --restore" in err and "newest backup" in err
        assert fingerprint(library.data_dir) == before, f"{command} wrote something after refusing"
    # A command that needs the damaged file changed nothing.
    assert not [c for c in COMMANDS if c != "import" and name in NEEDS[c] and applied_safely(library, c)]


def applied_safely(library: Library, command: str) -> bool:
    try:
        return applied(library, command)
    except LibraryCorrupt:
        return False


def test_a_damaged_file_with_no_backup_says_so(capsys, tmp_path):
    library = Library(tmp_path / "lib")
    library.set_read([IDS[0]], True)
    (library.data_dir / "state.json").write_bytes(b"")
    code, _, err = cli(capsys, "--data-dir", library.data_dir, "list")
    assert code == 1 and err.count("\n") == 1
    assert "no backup exists (run 'reader doctor' for how to start over)" in err


# --- reader doctor -----------------------------------------------------------------------------


def test_doctor_on_a_healthy_library(capsys, tmp_path, template):
    library = _copy_template(template, tmp_path / "lib")
    code, out, err = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 0 and err == ""
    assert [line for line in out.splitlines() if line.endswith(": ok")] == [f"{p.name}: ok" for p in library.paths()]
    assert library.paths()[: len(FILES)] == [library.data_dir / f"{n}.json" for n in FILES]  # (then note files)
    assert "backups: " in out and out.rstrip().endswith("is healthy")


def _fixed_clock(monkeypatch, when: str) -> None:
    import reader.core.library as library_module

    monkeypatch.setattr(library_module, "now_iso", lambda: when)


def _library_with_changes_after_its_backup(tmp_path, monkeypatch) -> Library:
    """Changes at 2000-01-01, a backup of every file now, then changes dated 2099-01-01."""
    _fixed_clock(monkeypatch, "2000-01-01T10:00:00+00:00")
    library = build(tmp_path / "lib")
    for name in FILES:
        library.backups.maybe_backup(library.data_dir / f"{name}.json")
    library.backups.interval = 3600  # no more backups: what follows is only in the files
    _fixed_clock(monkeypatch, "2099-01-01T10:00:00+00:00")
    library.change_tags([IDS[0]], ["late-tag"])
    library.set_note(IDS[0], "a note written after the backup")
    library.import_digests([(ParsedDigest("late.md", dt.date(2020, 8, 2), "Late", _entries(["2008.00001"])), "late")])
    return library


def test_doctor_says_what_a_restore_loses_read_from_a_truncated_file(capsys, tmp_path, monkeypatch):
    library = _library_with_changes_after_its_backup(tmp_path, monkeypatch)
    state = library.data_dir / "state.json"
    raw = state.read_bytes()
    cut = raw[: raw.index(b'"_meta"') + 3]  # cut short, after every paper's state
    state.write_bytes(cut)
    code, out, err = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 1
    assert "state.json: DAMAGED: the JSON stops short" in out
    assert "'reader doctor --restore' would put back the backup of" in out
    assert f"    {IDS[0]}: read #seed #late-tag" in out  # read from the damaged file
    assert f"{IDS[1]}:" not in out  # unchanged since the backup: not lost
    assert "the undo history records these changes since" in out and "tag 2007.01758 +late-tag" in out
    assert "reader doctor --restore" in err
    assert state.read_bytes() == cut  # checking never writes

    code, out, err = cli(capsys, "--data-dir", library.data_dir, "doctor", "--restore")
    assert code == 0, err
    assert "state.json: restored from the backup of" in out and "lost" in out
    assert f"    {IDS[0]}: read #seed #late-tag" in out
    (aside,) = library.data_dir.glob("state.json.damaged-*")
    assert aside.read_bytes() == cut
    fresh = Library(library.data_dir)
    fresh.load_all()
    assert fresh.state(IDS[0]).tags == ("seed",)  # the change after the backup is gone, as announced
    assert fresh.note(IDS[0]) == "a note written after the backup"  # other files untouched
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 0 and "healthy" in out


def test_doctor_lists_lost_notes_and_digests(capsys, tmp_path, monkeypatch):
    library = _library_with_changes_after_its_backup(tmp_path, monkeypatch)
    notes = library.data_dir / f"{shard_of(IDS[0])}.json"  # the file the note's text is in
    raw = notes.read_bytes()
    notes.write_bytes(raw[: raw.index(b'"_meta"')])  # cut short after the note
    catalog = library.data_dir / "catalog.json"
    catalog.write_bytes(_hand_edited(catalog.read_bytes()))  # broken in the first digest
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 1
    assert f"note on {IDS[0]} (changed 2099-01-01T10:00:00+00:00, 31 characters)" in out
    assert "note on 2007.01758 (at 2099-01-01 10:00:00)" in out  # from the undo history
    assert "digest late.md (2020-08-02, imported 2099-01-01T10:00:00+00:00): import it again" in out
    assert "1 papers added: 2008.00001" in out


def test_doctor_falls_back_on_history_when_nothing_is_readable(capsys, tmp_path, monkeypatch):
    library = _library_with_changes_after_its_backup(tmp_path, monkeypatch)
    (library.data_dir / "state.json").write_bytes(os.urandom(2000) + b"\0")
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 1 and "the file holds binary data" in out
    assert "tag 2007.01758 +late-tag (at 2099-01-01 10:00:00)" in out
    assert "read from the damaged file" not in out


def test_doctor_with_no_backup_says_how_to_start_over(capsys, tmp_path):
    library = Library(tmp_path / "lib")
    library.set_read([IDS[0]], True)
    library.set_note(IDS[0], "keep me")
    notes_before = (library.data_dir / "notes.json").read_bytes()
    state = library.data_dir / "state.json"
    state.write_bytes(b"\x00\x01binary")
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 1 and "state.json: no good backup exists" in out
    assert f"move it aside: mv {state} {state}.damaged" in out
    code, out, err = cli(capsys, "--data-dir", library.data_dir, "doctor", "--restore")
    assert code == 1 and "no good backup to restore from" in out
    assert err == "reader: error: not restored: state.json (see above)\n"
    assert state.read_bytes() == b"\x00\x01binary"
    # Following the advice works, and keeps the other files.
    state.rename(state.with_name("state.json.damaged"))
    assert cli(capsys, "--data-dir", library.data_dir, "mark", IDS[0], "--read")[0] == 1  # not in the catalog
    assert cli(capsys, "--data-dir", library.data_dir, "doctor")[0] == 0
    assert (library.data_dir / "notes.json").read_bytes() == notes_before
    assert Library(library.data_dir).note(IDS[0]) == "keep me"


def test_doctor_never_restores_over_a_file_from_a_newer_reader(capsys, tmp_path, template):
    library = _copy_template(template, tmp_path / "lib")
    state = library.data_dir / "state.json"
    newer = b'{"papers": {}, "_meta": {"1": {"format": 99}}}'
    state.write_bytes(newer)
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 1 and "written by a newer reader" in out and "upgrade reader" in out
    code, out, err = cli(capsys, "--data-dir", library.data_dir, "doctor", "--restore")
    assert code == 1 and "state.json: not restored" in out
    assert err == "reader: error: not restored: state.json (see above)\n"
    assert state.read_bytes() == newer


def test_doctor_skips_a_damaged_backup(capsys, tmp_path, template):
    library = _copy_template(template, tmp_path / "lib")
    newest, older = library.backups.list("state.json")[:2]
    newest.write_bytes(b"{")
    (library.data_dir / "state.json").write_bytes(b"")
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor", "--restore")
    assert code == 0 and f"({older.name})" in out
    assert (library.data_dir / "state.json").read_bytes() == older.read_bytes()


def test_doctor_removes_temporary_files_of_dead_writers(capsys, tmp_path, template):
    library = _copy_template(template, tmp_path / "lib")
    dead = 2**22 + 12345  # above any pid_max default: never a live process
    stray = [
        library.data_dir / f".state.json.{dead}.140000000.tmp",
        library.backups.directory / f".notes.20200101T000000000000.json.{dead}.tmp",
    ]
    live = library.data_dir / f".state.json.{os.getpid()}.1.tmp"  # a write in progress
    for path in (*stray, live):
        path.write_bytes(b"partial")
    code, out, _ = cli(capsys, "--data-dir", library.data_dir, "doctor")
    assert code == 0 and "removed 2 temporary files left by interrupted writes" in out
    assert not any(p.exists() for p in stray) and live.exists()


# --- salvaging a damaged file ------------------------------------------------------------------


def test_salvage_reads_past_damage_in_the_middle():
    docs = {f"2007.{n:05d}": {"read": True, "tags": [f"t{n}"]} for n in range(10)}
    raw = json.dumps({"papers": docs, "_meta": {"1": {"format": 1}}}, separators=(",", ":")).encode()
    broken = raw.replace(b'"2007.00004":{"read":true', b'"2007.00004":{"read":tru', 1)
    found = doctor.salvage(broken, "state")["papers"]
    assert set(found) == set(docs) - {"2007.00004"}
    half = doctor.salvage(raw[: len(raw) // 2], "state")["papers"]
    assert 3 <= len(half) < 10 and half == {key: docs[key] for key in list(docs)[: len(half)]}
    assert doctor.salvage(b"\x00\xff", "state") == {}
    assert doctor.salvage(b'{"papers": {"../../etc": {}, "2007.00001": 5}}', "state") == {"papers": {}}
