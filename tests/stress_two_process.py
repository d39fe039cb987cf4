"""Two processes on one library for a while: the app, driven by Textual's pilot, toggles,
tags and types a note, while another process runs ``reader mark``, ``reader tag`` and
``reader note --append`` in a loop (the real commands, through ``reader.cli.run`` in a
process of its own: a new library object, lock and origin for every command, without
paying an interpreter start for each). At the end, every change either side had
acknowledged must be on disk, and the app's screen must show what is on disk.

    python tests/stress_two_process.py [--seconds 60]

Not collected by pytest; tests/tui/test_stress.py runs a short version. Who owns what,
so that "every acknowledged change" is well defined:

* read flags: the app toggles the first two papers of the newest week; the other
  process marks the first week's own papers (the last acknowledged mark must stand);
* tags: both add tags no one else uses (``a00012z`` from the app, ``c00012z`` from the
  other process) to papers of either kind: every one must be there at the end;
* the note on 2007.04825: the app types words into it while the other process appends
  paragraphs to it: every typed word and every paragraph must be in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APP_TOGGLES = ["2007.01758", "2007.03898"]  # newest week, only the app marks them
CLI_MARKS = ["2007.00001", "2007.00002"]  # first week only: only the other process marks them
NOTE = "2007.04825"  # both write its note
ALL = ["2007.01758", "2007.03898", "2007.00003", "2007.04825", "2007.00001", "2007.00002"]
WEEK = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]


def cli_loop(data_dir: str, seconds: float, log_path: str, seed: int) -> None:
    """The other process: commands until the deadline; each acknowledged one is logged."""
    from reader.cli import run

    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    n = 0
    with open(log_path, "w", encoding="utf-8") as log:
        while time.monotonic() < deadline:
            n += 1
            kind = rng.choice(["mark", "tag", "note"])
            if kind == "mark":
                paper, read = rng.choice(CLI_MARKS), rng.choice([True, False])
                argv = ["mark", paper, "--read" if read else "--unread"]
                record = {"kind": "mark", "paper": paper, "read": read}
            elif kind == "tag":
                paper, tag = rng.choice(ALL), f"c{n:05d}z"
                argv = ["tag", paper, f"+{tag}"]
                record = {"kind": "tag", "paper": paper, "tag": tag}
            else:
                text = f"c{n:05d}z appended"
                argv = ["note", NOTE, "--append", text]
                record = {"kind": "note", "paper": NOTE, "text": text}
            code = run(["--data-dir", data_dir, *argv])
            if code == 0:  # acknowledged: it printed its summary
                log.write(json.dumps(record) + "\n")
                log.flush()
            time.sleep(rng.uniform(0, 0.05))


async def drive_app(data_dir: Path, seconds: float, seed: int) -> dict:
    """The app: keys until the deadline. Returns what it expects to find."""
    from reader.core.library import Library
    from reader.tui.app import ReaderApp
    from tests.tui.conftest import ready, settle, type_text

    rng = random.Random(seed)
    app = ReaderApp(Library(data_dir))
    expected_read = {paper: False for paper in APP_TOGGLES}
    tags: list[tuple[str, str]] = []
    words: list[str] = []
    n = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app._main()
        assert main is not None

        async def go_to(paper: str) -> None:
            ids = list(main.visible_ids)
            assert main.paper_id is not None
            steps = ids.index(paper) - ids.index(main.paper_id)
            await pilot.press(*(["j"] * steps if steps > 0 else ["k"] * -steps))

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            n += 1
            kind = rng.choice(["toggle", "tag", "note", "note"])
            if kind == "toggle":
                paper = rng.choice(APP_TOGGLES)
                await go_to(paper)
                await pilot.press("space")
                expected_read[paper] = not expected_read[paper]
            elif kind == "tag":
                paper, tag = rng.choice(WEEK), f"a{n:05d}z"
                await go_to(paper)
                await pilot.press("t")
                await type_text(pilot, tag)
                await pilot.press("enter")
                tags.append((paper, tag))
            else:
                await go_to(NOTE)
                await pilot.press("n")
                word = f"a{n:05d}z"
                for chunk in (f" {word[:3]}", word[3:], " "):  # a word in bursts, as typed
                    await type_text(pilot, chunk)
                    await pilot.pause(rng.uniform(0, 0.05))
                words.append(word)
                await pilot.press("escape")
            await pilot.pause(rng.uniform(0, 0.05))
        await settle(pilot, rounds=3)
        screen = await wait_for_screen(pilot, main, data_dir)
        await pilot.press("q")
    return {"read": expected_read, "tags": tags, "words": words, "screen": screen, "actions": n}


async def wait_for_screen(pilot, main, data_dir: Path, seconds: float = 4.0) -> list[str]:
    """Wait until the app shows what is on disk; returns what still differs."""
    from reader.core.library import Library

    started = time.monotonic()
    while True:
        disk = Library(data_dir)
        differences = []
        for paper in ALL:
            shown, stored = main.snapshot.state(paper), disk.state(paper)
            if (shown.read, set(shown.tags)) != (stored.read, set(stored.tags)):
                differences.append(f"{paper}: screen {shown.read} {sorted(shown.tags)}, disk {stored.read} {sorted(stored.tags)}")
            if main.snapshot.note(paper) != disk.note(paper):
                differences.append(f"{paper}: the note on screen differs from the disk")
        editor = main.query_one("#note-editor")
        notes_pane = main.query_one("#notes-pane")
        if notes_pane._loaded_for == NOTE and editor.text != disk.note(NOTE):
            differences.append("the note editor differs from the disk")
        if not differences or time.monotonic() - started > seconds:
            return differences
        await pilot.pause(0.1)


def check(data_dir: Path, log_path: Path, expected: dict) -> list[str]:
    """Every acknowledged change, on disk; and the screen as the disk."""
    from reader.core.library import Library

    library = Library(data_dir)
    problems = list(expected["screen"])
    records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    last_mark: dict[str, bool] = {}
    note = library.note(NOTE)
    for record in records:
        if record["kind"] == "mark":
            last_mark[record["paper"]] = record["read"]
        elif record["kind"] == "tag" and record["tag"] not in library.state(record["paper"]).tags:
            problems.append(f"lost the other process's tag {record['tag']} on {record['paper']}")
        elif record["kind"] == "note" and record["text"] not in note:
            problems.append(f"lost the other process's appended {record['text']!r}")
    for paper, read in last_mark.items():
        if library.state(paper).read != read:
            problems.append(f"lost the other process's mark of {paper} ({read})")
    for paper, read in expected["read"].items():
        if library.state(paper).read != read:
            problems.append(f"lost the app's toggle of {paper} (expected read={read})")
    for paper, tag in expected["tags"]:
        if tag not in library.state(paper).tags:
            problems.append(f"lost the app's tag {tag} on {paper}")
    for word in expected["words"]:
        if word not in note:
            problems.append(f"lost the typed word {word} from the note")
    return problems


def run_stress(data_dir: Path, seconds: float, seed: int = 1) -> tuple[list[str], dict]:
    """Both sides for ``seconds``; returns (problems, counts)."""
    from tests.tui.helpers import make_library, sample_digests

    make_library(data_dir, sample_digests())
    log_path = data_dir.parent / "acknowledged.jsonl"
    other = subprocess.Popen(
        [sys.executable, __file__, "--cli-loop", str(data_dir), str(seconds), str(log_path), str(seed)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        expected = asyncio.run(drive_app(data_dir, seconds, seed))
    finally:
        other.wait(timeout=seconds + 60)
    problems = check(data_dir, log_path, expected)
    if other.returncode != 0:
        problems.append(f"the other process exited with {other.returncode}")
    records = log_path.read_text(encoding="utf-8").splitlines()
    counts = {
        "app actions": expected["actions"],
        "app typed words": len(expected["words"]),
        "app tags": len(expected["tags"]),
        "commands acknowledged": len(records),
    }
    return problems, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cli-loop", nargs=4, metavar=("DATA", "SECONDS", "LOG", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cli_loop:
        data, seconds, log, seed = args.cli_loop
        cli_loop(data, float(seconds), log, int(seed))
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        problems, counts = run_stress(Path(tmp) / "lib", args.seconds, args.seed)
        took = time.monotonic() - started
    print(f"{took:.0f} s: " + ", ".join(f"{value} {name}" for name, value in counts.items()))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("every acknowledged change is on disk and on screen" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
