"""Two processes at once: concurrent writers, the app beside the CLI, hung and dead lock holders.

Everything here runs real processes against one --data-dir: `reader` commands from shell
loops, a process that takes the lock and hangs, one that is killed with SIGKILL holding it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.storage import LibraryLocked

READER = [sys.executable, "-m", "reader"]
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="shell loops and signals")


def seed(data_dir: Path, ids=("2007.01758", "2007.01852")) -> Library:
    library = Library(data_dir)
    entries = [Entry(i, 1, f"Title {i}", ["Ann Lee"], f"about {i}") for i in ids]
    library.import_digests([(ParsedDigest("seed.md", dt.date(2020, 7, 12), "Seed", entries), "seed")])
    return library


def app_reload(app: Library) -> Snapshot:
    """What the app's library thread does to (re)load: read every file, then snapshot."""
    app.load_all()
    return Snapshot.load(app)


def reader(data_dir: Path, *args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*READER, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
        env={**os.environ, **env},
    )


# --- two shell loops ------------------------------------------------------------------------


def test_two_shell_loops_of_reader_tag_lose_nothing(tmp_path):
    data_dir = tmp_path / "lib"
    seed(data_dir)
    n = 12
    loop = textwrap.dedent(
        """\
        for i in $(seq 1 {n}); do
          "$PY" -m reader --data-dir "$DATA" tag 2007.01758 2007.01852 +{prefix}$i >/dev/null || echo "FAIL $i"
        done
        """
    )
    env = {**os.environ, "PY": sys.executable, "DATA": str(data_dir)}
    loops = [
        subprocess.Popen(["bash", "-c", loop.format(n=n, prefix=prefix)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for prefix in ("a", "b")
    ]
    outputs = [proc.communicate(timeout=60) for proc in loops]
    for proc, (out, err) in zip(loops, outputs, strict=False):
        assert proc.returncode == 0 and "FAIL" not in out and not err, (out, err)
    library = Library(data_dir)
    expected = {f"{prefix}{i}" for prefix in "ab" for i in range(1, n + 1)}
    for arxiv_id in ("2007.01758", "2007.01852"):
        assert set(library.state(arxiv_id).tags) == expected
    assert len(library.history()) == 2 * n  # every command was one recorded change


# --- the app open while the CLI works in another terminal ---------------------------------------


def test_app_sees_cli_import_and_tag_and_never_undoes_them(tmp_path):
    """Library-level stand-in for the TUI: instance A has read everything, the CLI imports
    and tags in another process, A sees it without restarting, and A's own writes keep it."""
    data_dir = tmp_path / "lib"
    app = seed(data_dir)
    app.set_read(["2007.01852"], True)
    before = app_reload(app)  # the app has read every file
    assert len(before.digests) == 1 and not app.changed_on_disk()

    week = tmp_path / "200719 week.md"
    week.write_text(
        "# 200719 Next week\n\nhttps://arxiv.org/abs/2007.09999 A Brand New Paper (Bo Chen, Ann Lee)\nnice\n",
        encoding="utf-8",
    )
    assert reader(data_dir, "import", str(week)).returncode == 0
    assert reader(data_dir, "tag", "2007.01758", "+from-cli").returncode == 0

    assert app.changed_on_disk()  # what the app polls to know it should reload
    after = app_reload(app)
    assert [d.title for d in after.digests] == ["Next week", "Seed"]
    assert after.state("2007.01758").tags == ("from-cli",)
    assert not app.changed_on_disk()

    # The app writes other changes to the same files: state, notes, catalog, undo history.
    app.change_tags(["2007.01758"], ["from-app"])
    app.set_read(["2007.09999"], True)
    app.set_note("2007.01758", "written in the app")
    app.queue_papers(["1912.02252"])
    listed = json.loads(reader(data_dir, "list", "--json").stdout)
    by_id = {paper["arxiv_id"]: paper for paper in listed}
    assert by_id["2007.01758"]["tags"] == ["from-cli", "from-app"]
    assert by_id["2007.01758"]["note"] == "written in the app"
    assert by_id["2007.09999"]["read"] and by_id["2007.01852"]["read"]
    assert "1912.02252" in by_id and "2020-07-19" in by_id["2007.09999"]["digests"]


def test_app_writing_from_a_stale_read_keeps_the_other_process_change(tmp_path):
    """The app writes without noticing the CLI's change first: its write still keeps it,
    because every write re-reads its file under the lock."""
    data_dir = tmp_path / "lib"
    app = seed(data_dir)
    app_reload(app)
    assert reader(data_dir, "tag", "2007.01758", "+cli").returncode == 0
    assert reader(data_dir, "note", "2007.01852", "--set", "cli note").returncode == 0
    week = tmp_path / "200726.md"
    week.write_text("https://arxiv.org/abs/2007.11111 Another Paper (Ann Lee, Bo Chen)\n", encoding="utf-8")
    assert reader(data_dir, "import", str(week)).returncode == 0
    # No changed_on_disk(), no reload: straight to writing every file the CLI wrote.
    app.set_read(["2007.01758"], True)
    app.set_note("2007.01758", "app note")
    app.queue_papers(["1902.02102"])
    fresh = Library(data_dir)
    assert fresh.state("2007.01758") .read and fresh.state("2007.01758").tags == ("cli",)
    assert fresh.notes() == {"2007.01852": "cli note", "2007.01758": "app note"}
    assert {"2007.11111", "1902.02102"} <= set(fresh.papers())
    assert len(fresh.digests()) == 2


# --- a lock held too long -------------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from reader.core.library import Library
library = Library(Path(sys.argv[1]))
with library.lock:
    print("locked", flush=True)
    time.sleep(120)
"""


def hold_lock(data_dir: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_hung_lock_holder_gives_a_clear_one_line_error(tmp_path):
    data_dir = tmp_path / "lib"
    seed(data_dir)
    holder = hold_lock(data_dir)
    try:
        started = time.monotonic()
        result = reader(data_dir, "tag", "2007.01758", "+x", READER_LOCK_TIMEOUT="0.5")
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"reader: error: library locked by pid {holder.pid} (started ")
    assert "for over 0.5s" in lines[0] and f"kill {holder.pid}" in lines[0]
    assert elapsed < 5  # 0.5 s of waiting plus start-up, never a silent wait forever
    assert Library(data_dir).state("2007.01758").tags == ()


def test_every_writing_command_gives_up_after_the_timeout(tmp_path):
    data_dir = tmp_path / "lib"
    seed(data_dir)
    week = tmp_path / "200719.md"
    week.write_text("https://arxiv.org/abs/2007.09999 A Paper Title (Ann Lee, Bo Chen)\n", encoding="utf-8")
    holder = hold_lock(data_dir)
    try:
        for args in (["mark", "2007.01758", "--read"], ["note", "2007.01758", "--set", "x"], ["import", str(week)]):
            result = reader(data_dir, *args, READER_LOCK_TIMEOUT="0.2")
            assert result.returncode == 1 and "library locked by pid" in result.stderr, args
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        # Reading never waits for the lock.
        assert reader(data_dir, "list", READER_LOCK_TIMEOUT="0.2").returncode == 0
    finally:
        holder.kill()
        holder.wait()


def test_a_bad_lock_timeout_setting_is_one_line(tmp_path):
    result = reader(tmp_path / "lib", "list", READER_LOCK_TIMEOUT="forever")
    assert result.returncode == 1
    assert result.stderr == "reader: error: READER_LOCK_TIMEOUT must be a number of seconds (like 5 or 0.5), not 'forever'\n"


def test_lock_held_by_another_instance_in_the_same_process(tmp_path):
    app, other = Library(tmp_path), Library(tmp_path, lock_timeout=0.2)
    with app.lock, pytest.raises(LibraryLocked, match="another write in this same process"):
        other.set_read(["2007.01758"], True)
    other.set_read(["2007.01758"], True)
    assert app.state("2007.01758").read


# --- stale locks ---------------------------------------------------------------------------------


def test_a_lock_holder_killed_with_sigkill_is_taken_over_at_once(tmp_path):
    data_dir = tmp_path / "lib"
    seed(data_dir)
    holder = hold_lock(data_dir)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    # Its lock file and owner record are still there, naming a dead process.
    assert json.loads((data_dir / "library.lock.owner").read_text())["pid"] == holder.pid
    library = Library(data_dir, lock_timeout=5)
    started = time.monotonic()
    library.change_tags(["2007.01758"], ["after-kill"])
    assert time.monotonic() - started < 0.5
    result = reader(data_dir, "tag", "2007.01758", "+cli-after-kill")
    assert result.returncode == 0, result.stderr
    assert Library(data_dir).state("2007.01758").tags == ("after-kill", "cli-after-kill")


def test_leftover_lock_files_from_a_dead_process_do_not_block(tmp_path):
    data_dir = tmp_path / "lib"
    seed(data_dir)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (data_dir / "library.lock").write_text("garbage from an older run")
    (data_dir / "library.lock.owner").write_text(json.dumps({"pid": dead.pid, "started": "2020-01-01T00:00:00"}))
    started = time.monotonic()
    Library(data_dir, lock_timeout=5).set_read(["2007.01758"], True)
    assert time.monotonic() - started < 0.5
    # A damaged owner record does not block either.
    (data_dir / "library.lock.owner").write_bytes(b"\x00\xff not json")
    Library(data_dir, lock_timeout=5).set_read(["2007.01852"], True)
    assert Library(data_dir).state("2007.01852").read


def test_message_when_the_recorded_owner_is_gone(tmp_path):
    """The lock is held, but the owner record names a dead process (written by a holder
    that died before the current one recorded itself): say so, name no wrong pid."""
    data_dir = tmp_path / "lib"
    seed(data_dir)
    holder = hold_lock(data_dir)
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        (data_dir / "library.lock.owner").write_text(json.dumps({"pid": dead.pid, "started": "2020-01-01T00:00:00"}))
        with pytest.raises(LibraryLocked) as caught:
            Library(data_dir, lock_timeout=0.2).set_read(["2007.01758"], True)
    finally:
        holder.kill()
        holder.wait()
    message = str(caught.value)
    assert "locked by another process" in message and f"pid {dead.pid}, is no longer running" in message
