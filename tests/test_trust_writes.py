"""Issue 11, the write path: every write is an operation on what is on disk now.

Two ``Library`` objects on one directory stand for two processes (the app and a command
in another terminal); a few tests run the real ``reader`` command in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from reader.cli import run
from reader.core import doctor, glance
from reader.core.history import Origin
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.storage import LibraryError

IDS = ("2007.01758", "2007.01852", "2007.03898")
ROOT = Path(__file__).resolve().parents[1]


def seed(data_dir: Path) -> Library:
    library = Library(data_dir)
    entries = [Entry(i, 1, f"Title {i}", ["Ann Lee"], f"about {i}") for i in IDS]
    library.import_digests([(ParsedDigest("seed.md", dt.date(2020, 7, 12), "Seed", entries), "seed")])
    return library


def app_library(data_dir: Path) -> Library:
    """The app's library: its own origin, and everything read once (as the app does)."""
    library = Library(data_dir, origin=Origin.new("app"))
    library.load_all()
    Snapshot.load(library)
    return library


def cli(capsys, *args) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. note edits merge, never clobber -------------------------------------------------------


def test_a_note_edit_merges_with_an_append_made_meanwhile(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    app.set_note(IDS[0], "first line")
    other.append_note(IDS[0], "appended elsewhere")
    saved = app.edit_note(IDS[0], "first line", "first line, typed on")
    assert saved.merged and not saved.conflicts
    assert saved.text == "first line, typed on\n\nappended elsewhere"
    assert Library(tmp_path).note(IDS[0]) == saved.text


def test_a_note_edit_of_an_unchanged_note_is_written_as_is(tmp_path):
    seed(tmp_path)
    library = Library(tmp_path)
    library.set_note(IDS[0], "a")
    saved = library.edit_note(IDS[0], "a", "ab")
    assert saved.text == "ab" and not saved.merged


def test_overlapping_note_edits_keep_both_texts_marked(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    app.set_note(IDS[0], "intro\nthe cat sat\noutro")
    other.set_note(IDS[0], "intro\nthe bird sat\noutro")
    saved = app.edit_note(IDS[0], "intro\nthe cat sat\noutro", "intro\nthe dog sat\noutro")
    assert saved.merged and saved.conflicts == 1
    assert "the dog sat" in saved.text and "the bird sat" in saved.text
    lines = saved.text.split("\n")
    assert lines[0] == "intro" and lines[-1] == "outro"
    assert lines.index("the dog sat") < lines.index("=======") < lines.index("the bird sat")


def test_edits_to_different_lines_merge_cleanly(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    base = "one\ntwo\nthree"
    app.set_note(IDS[0], base)
    other.set_note(IDS[0], "one\ntwo\nthree, changed there")
    saved = app.edit_note(IDS[0], base, "one, changed here\ntwo\nthree")
    assert saved.text == "one, changed here\ntwo\nthree, changed there" and saved.conflicts == 0


def test_append_is_an_operation_on_the_note_on_disk(tmp_path):
    seed(tmp_path)
    first, second = Library(tmp_path), Library(tmp_path)
    first.note(IDS[0])  # both have read the (empty) note
    second.note(IDS[0])
    first.append_note(IDS[0], "from one")
    second.append_note(IDS[0], "from two")
    assert Library(tmp_path).note(IDS[0]) == "from one\n\nfrom two"


def test_cli_editor_merges_an_append_made_while_it_was_open(capsys, tmp_path, monkeypatch):
    """``reader note ID`` in $EDITOR: another terminal appends while the editor is open."""
    data = tmp_path / "lib"
    seed(data).set_note(IDS[0], "before")
    editor = tmp_path / "editor.sh"
    editor.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        {sys.executable} -m reader --data-dir {data} note {IDS[0]} --append "appended meanwhile" >/dev/null
        printf 'before, edited' > "$1"
        """))
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    code, out, err = cli(capsys, "--data-dir", data, "note", IDS[0])
    assert code == 0, err
    assert Library(data).note(IDS[0]) == "before, edited\n\nappended meanwhile"
    assert "merged" in out


# --- 2. outside changes are seen by content, not timing ---------------------------------------


def test_the_apps_own_write_never_hides_another_processs_change(tmp_path):
    seed(tmp_path)
    app = app_library(tmp_path)
    assert not app.changed_on_disk()
    Library(tmp_path).change_tags([IDS[1]], ["from-cli"])
    # The app writes state.json before its poll: the write reads the file under the lock
    # (and keeps the tag), but the app has not shown the tag yet.
    app.set_read([IDS[0]], True)
    assert app.changed_on_disk()
    snapshot = Snapshot.load(app)
    assert "from-cli" in snapshot.state(IDS[1]).tags
    assert not app.changed_on_disk()


def test_the_apps_own_writes_alone_are_not_outside_changes(tmp_path):
    seed(tmp_path)
    app = app_library(tmp_path)
    app.set_read([IDS[0]], True)
    app.change_tags([IDS[0]], ["x"])
    app.edit_note(IDS[0], "", "note")
    assert not app.changed_on_disk()


def test_the_same_note_written_back_by_another_process_is_still_a_change(tmp_path):
    """Same size, same content length: the change counter tells, not the file's stat."""
    seed(tmp_path)
    app = app_library(tmp_path)
    app.set_note(IDS[0], "aaaa")
    Library(tmp_path).set_note(IDS[0], "bbbb")
    app.set_note(IDS[1], "x")  # reads notes.json under the lock
    assert app.changed_on_disk()


# --- 3. undo is the inverse of the app's own step, compare-and-set ----------------------------


def test_undo_never_undoes_another_terminals_mark(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    app.set_read([IDS[0]], True)
    other.set_read([IDS[1]], True)  # `reader mark` in another terminal, after the app's toggle
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == (IDS[0],) and not outcome.conflicts
    fresh = Library(tmp_path)
    assert not fresh.state(IDS[0]).read and fresh.state(IDS[1]).read
    assert app.undo(session=app.origin.session) is None  # nothing more of the app's own


def test_undo_removes_only_the_tags_the_step_added(tmp_path):
    seed(tmp_path)
    app = app_library(tmp_path)
    app.change_tags([IDS[0]], ["mine"])
    entries = [Entry(IDS[0], 1, "Title", ["Ann Lee"], "again", [], ["gan"])]
    Library(tmp_path).import_digests([(ParsedDigest("new.md", dt.date(2020, 7, 19), "New", entries), "new")])
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == (IDS[0],)
    assert Library(tmp_path).state(IDS[0]).tags == ("gan",)


def test_undo_leaves_a_read_flag_changed_since_and_says_so(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    app.set_read([IDS[0], IDS[1]], True)
    other.set_read([IDS[0]], False)
    other.set_read([IDS[0]], True)  # read again, by the other terminal: theirs now
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == (IDS[1],)
    assert len(outcome.conflicts) == 1 and outcome.conflicts[0].startswith(IDS[0])
    fresh = Library(tmp_path)
    assert fresh.state(IDS[0]).read and not fresh.state(IDS[1]).read


def test_undo_restores_a_note_only_if_unchanged_since(tmp_path):
    seed(tmp_path)
    app, other = app_library(tmp_path), Library(tmp_path)
    app.set_note(IDS[0], "mine")
    app.set_note(IDS[1], "mine too")
    other.append_note(IDS[0], "theirs")
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == (IDS[1],) and not outcome.conflicts
    assert Library(tmp_path).note(IDS[1]) == ""  # unchanged since: undone
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == () and "note" in outcome.conflicts[0]
    assert Library(tmp_path).note(IDS[0]) == "mine\n\ntheirs"


def test_a_visit_to_a_note_is_one_step_and_undo_restores_it(tmp_path):
    seed(tmp_path)
    app = app_library(tmp_path)
    app.set_note(IDS[0], "old")
    first = app.edit_note(IDS[0], "old", "old n")
    second = app.edit_note(IDS[0], "old n", "old ne", step=first.step)
    third = app.edit_note(IDS[0], "old ne", "old new", step=second.step)
    assert first.step == second.step == third.step
    app.undo(session=app.origin.session)
    assert Library(tmp_path).note(IDS[0]) == "old"


def test_history_records_what_each_step_did_and_who_did_it(tmp_path):
    seed(tmp_path)
    app = app_library(tmp_path)
    app.set_read([IDS[0]], True)
    app.change_tags([IDS[0]], ["a"], ["b"])
    Library(tmp_path, origin=Origin.new("command", "mark")).set_read([IDS[1]], True)
    changes = Library(tmp_path).history()
    assert [c.origin.kind for c in changes] == ["app", "app", "command"]
    assert changes[0].origin.session == app.origin.session == changes[1].origin.session
    assert changes[0].origin.pid == os.getpid()
    assert changes[2].origin.name == "mark"
    assert changes[0].papers[IDS[0]]["read"] == [False, True]
    assert changes[1].papers[IDS[0]] == {"tags": {"added": ["a"], "removed": []}}


def test_the_cli_records_its_commands_as_commands(capsys, tmp_path):
    data = tmp_path / "lib"
    seed(data)
    assert cli(capsys, "--data-dir", data, "mark", IDS[0], "--read")[0] == 0
    assert cli(capsys, "--data-dir", data, "tag", IDS[0], "+x")[0] == 0
    assert cli(capsys, "--data-dir", data, "note", IDS[0], "--append", "hi")[0] == 0
    origins = [c.origin for c in Library(data).history()]
    assert [(o.kind, o.name) for o in origins] == [("command", "mark"), ("command", "tag"), ("command", "note")]
    assert len({o.session for o in origins}) == 3


# --- 5. files that don't read, and their messages ---------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_in_a_library_file_is_one_line_naming_it(capsys, tmp_path):
    data = tmp_path / "lib"
    library = seed(data)
    library.set_read([IDS[0]], True)
    (data / "state.json").write_bytes(b'{"papers": {"x": ' + DEEP + b"}}")
    code, _out, err = cli(capsys, "--data-dir", data, "list")
    assert code == 1 and err.count("\n") == 1
    assert "state.json" in err and "nested too deeply" in err and "internal error" not in err


def test_doctor_restores_over_a_deeply_nested_file_and_skips_a_deep_backup(capsys, tmp_path):
    data = tmp_path / "lib"
    library = seed(data)
    library.backups.interval = 0
    library.set_read([IDS[0]], True)
    library.set_read([IDS[1]], True)  # backs up state.json (with IDS[0] read)
    good = library.backups.newest("state.json")
    deep_backup = good.with_name("state.29991231T000000000000.json")
    deep_backup.write_bytes(DEEP)
    (data / "state.json").write_bytes(DEEP)
    code, out, err = cli(capsys, "--data-dir", data, "doctor")
    assert code == 1 and "internal error" not in err
    assert "state.json: DAMAGED: the JSON is nested too deeply" in out
    assert str(good) in out and str(deep_backup) not in out
    code, out, err = cli(capsys, "--data-dir", data, "doctor", "--restore")
    assert code == 0, err
    assert Library(data).state(IDS[0]).read


def test_a_deeply_nested_glance_is_ignored(tmp_path):
    library = seed(tmp_path)
    glance.write(library)
    (tmp_path / glance.NAME).write_bytes(DEEP)
    assert glance.read(Library(tmp_path)) is None


def test_a_deeply_nested_lock_owner_file_is_not_a_crash(tmp_path):
    library = seed(tmp_path)
    (tmp_path / "library.lock.owner").write_bytes(DEEP)
    assert "locked by another process" in library.lock._locked_message()


def test_a_file_from_a_newer_reader_is_not_called_damaged(capsys, tmp_path):
    data = tmp_path / "lib"
    seed(data).set_read([IDS[0]], True)
    path = data / "state.json"
    doc = json.loads(path.read_text())
    doc["_meta"]["1"]["format"] = 99
    path.write_text(json.dumps(doc))
    code, out, err = cli(capsys, "--data-dir", data, "mark", IDS[0], "--unread")
    assert code == 1 and err.count("\n") == 1
    assert "state.json" in err and "newer reader" in err and "upgrade" in err
    assert "damaged" not in err and "restore" not in err
    code, out, err = cli(capsys, "--data-dir", data, "doctor")
    assert "DAMAGED" not in out and "mv " not in out and "move it aside" not in out
    assert "state.json: written by a newer reader" in out


def _unreadable(monkeypatch, path: Path) -> None:
    """As for a user without read permission (tests run as root: chmod 000 is no bar)."""
    real = Path.read_bytes

    def guarded(self):
        if os.fspath(self) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)


def test_an_unreadable_file_says_permission_not_damage(capsys, tmp_path, monkeypatch):
    data = tmp_path / "lib"
    seed(data).set_read([IDS[0]], True)
    _unreadable(monkeypatch, data / "state.json")
    code, out, err = cli(capsys, "--data-dir", data, "list")
    assert code == 1 and err.count("\n") == 1
    assert "state.json" in err and "permission denied" in err and "chmod" in err
    assert "damaged" not in err.replace("not damaged", "")
    code, out, err = cli(capsys, "--data-dir", data, "doctor")
    assert "DAMAGED" not in out and "mv " not in out and "--restore" not in out + err
    assert "state.json: cannot be read: permission denied" in out


def test_a_read_only_library_directory_says_so(capsys, tmp_path, monkeypatch):
    data = tmp_path / "lib"
    seed(data)
    real_open = os.open

    def read_only(file, flags, *args, **kwargs):
        if os.path.dirname(os.fspath(file)) == os.fspath(data) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not (os.fspath(path) == os.fspath(data) and mode & os.W_OK))
    code, _out, err = cli(capsys, "--data-dir", data, "mark", IDS[0], "--read")
    assert code == 1 and err.count("\n") == 1 and "internal error" not in err
    assert f"library directory {data} is read-only" in err


def test_doctor_restore_refuses_a_backup_of_another_file(capsys, tmp_path):
    data = tmp_path / "lib"
    library = seed(data)
    library.backups.interval = 0
    library.set_read([IDS[0]], True)
    library.set_read([IDS[1]], True)
    for backup in library.backups.list("state.json"):
        backup.unlink()
    foreign = data / "backups" / "state.29991231T000000000000.json"
    foreign.write_bytes((data / "catalog.json").read_bytes())  # a catalog, named as a state backup
    (data / "state.json").write_bytes(b"{broken")
    code, out, _err = cli(capsys, "--data-dir", data, "doctor", "--restore")
    assert code == 1
    assert (data / "state.json").read_bytes() == b"{broken"
    assert "no good backup" in out
    assert doctor.newest_good_backup(Library(data), data / "state.json") is None


def test_a_symlinked_state_file_stays_a_symlink(tmp_path):
    data = tmp_path / "lib"
    library = seed(data)
    library.set_read([IDS[0]], True)
    elsewhere = tmp_path / "synced" / "state.json"
    elsewhere.parent.mkdir()
    (data / "state.json").rename(elsewhere)
    (data / "state.json").symlink_to(elsewhere)
    Library(data).set_read([IDS[1]], True)
    Library(data).change_tags([IDS[1]], ["x"])
    assert (data / "state.json").is_symlink()
    assert Library(data).state(IDS[1]).read and Library(data).state(IDS[0]).read
    assert json.loads(elsewhere.read_text())["tags"]["x"]["papers"] == IDS[1]


def test_a_full_disk_names_the_file_and_says_what_to_do(tmp_path, monkeypatch):
    library = seed(tmp_path)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(LibraryError, match=r"notes-[0-9a-f].json: No space left on device \(free some space"):
        library.set_note(IDS[0], "x")


def test_undo_takes_up_a_closed_app_sessions_steps_but_not_an_open_ones(tmp_path):
    seed(tmp_path)
    closed = Library(tmp_path, origin=Origin("app", "closed", 2**22 + 12345, "app"))  # no such pid
    closed.set_read([IDS[0]], True)
    running = Library(tmp_path, origin=Origin("app", "running", os.getppid(), "app"))
    running.set_read([IDS[1]], True)
    app = app_library(tmp_path)
    outcome = app.undo(session=app.origin.session)
    assert outcome.undone == (IDS[0],)
    assert app.undo(session=app.origin.session) is None
    assert Library(tmp_path).state(IDS[1]).read
