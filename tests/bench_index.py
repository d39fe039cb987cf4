"""How soon the query index is ready: a benchmark script (not a pytest test). Prints tables.

    .venv/bin/python tests/bench_index.py                              # 10,000 papers
    .venv/bin/python tests/bench_index.py --papers 100000 --runs 3     # 100,000 papers (~10 min)
    .venv/bin/python tests/bench_index.py --before /tmp/old-reader     # and the code in that folder, interleaved

``--before DIR``: a checkout of an older ``reader`` (the folder holding its ``reader`` package,
e.g. ``git archive REV | tar -x -C DIR``), run the same way with ``PYTHONPATH=DIR``, each of
its runs right after the same run of this code (the machine may be shared: compare in one run).

The library is built as tests/bench.py builds it (``reader import`` of synthetic digests, a
reader's state on 20% of the papers, 200 cached paper texts). Measured from outside, as a
user meets it (tests/terminal.py: the app in a tmux pane, the screen read every 10 ms):

* **filter with words answered**: from asking tmux to start the app until a filter typed as
  soon as the newest digest's titles show (``/`` and a title's number: one paper) has
  answered (the list's border says ``N/1 read``); on the library after the app has run on it
  once (the saved index there) and on a fresh copy as ``reader import`` leaves it (no index);
* the app's resident memory then (VmRSS, and the peak VmHWM);
* ``reader search WORD``, as a whole process, with the saved index and without.

And in-process (this code): the index built vs read from the saved file, its time and the
memory it adds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import bench_screen as screen  # noqa: E402
from tests.bench import build, prepare_environment, reader_command  # noqa: E402
from tests.bench_screen import STARTUP_TIMEOUT, log, ms  # noqa: E402
from tests.terminal import Pane, TerminalError, Tmux  # noqa: E402

ANSWERED = re.compile(r"\d+/1 read")
INDEX_FILE = "search-index.bin"


def vm(pane: Pane, field: str) -> int:
    for line in Path(f"/proc/{pane.pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise TerminalError(f"no {field}")


def filter_answered(tmux: Tmux, argv: list[str], env: dict[str, str], data: Path, needles: list[str],
                    word: str) -> tuple[float, float, int, int]:
    """(seconds to the titles, seconds to the filter's answer, RSS, peak RSS once idle)."""
    pane = tmux.start([*argv, "--data-dir", str(data)], env=env, cwd=ROOT)
    try:
        titles = pane.wait_for(needles, timeout=STARTUP_TIMEOUT, interval=0.01)
        pane.keys("/")
        pane.type(word)
        deadline = time.perf_counter() + STARTUP_TIMEOUT
        while True:
            now = time.perf_counter()
            if ANSWERED.search(pane.text()):
                answered = now - pane.started
                break
            if now > deadline or pane.dead():
                raise TerminalError(f"the filter {word!r} was not answered:\n{pane.last_words()}")
            time.sleep(0.01)
        pane.settle(quiet=1.0, timeout=STARTUP_TIMEOUT, view=lambda s: [])
        return titles, answered, vm(pane, "VmRSS"), vm(pane, "VmHWM")
    finally:
        screen.escape(pane)  # (out of the filter; a key right after Escape would be alt+key)
        pane.quit("q", timeout=STARTUP_TIMEOUT)


def reader_search(argv: list[str], env: dict[str, str], data: Path, word: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([*argv, "--data-dir", str(data), "search", word, "--limit", "5"], cwd=ROOT,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False)
    took = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"reader search failed: {done.stderr.strip()[-2000:]}")
    return took


IN_PROCESS = """
import gc, json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from reader.core.library import Library
from reader.core.snapshot import Snapshot
import numpy
def vm(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
snapshot = Snapshot.load(Library(Path({data!r})))
snapshot.all_ids()
gc.collect()
rss, hwm = vm("VmRSS"), vm("VmHWM")
started = time.perf_counter()
if {load!r}:
    from reader.core import saved_index
    index = saved_index.load(Path({data!r}), snapshot)
    assert index is not None, "no fresh saved index"
else:
    from reader.core.search_index import TextIndex
    index = TextIndex.build(snapshot)
took = time.perf_counter() - started
gc.collect()
print(json.dumps([took, vm("VmRSS") - rss, max(0, vm("VmHWM") - hwm)]))
"""


def in_process(data: Path, load: bool) -> tuple[float, int, int]:
    code = IN_PROCESS.format(root=str(ROOT), data=str(data), load=load)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    took, rss, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return took, rss, peak


def median(values: list[float]) -> float:
    return statistics.median(values)


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an older reader's source folder, measured interleaved")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args = parser.parse_args()
    digests = 500 if args.papers <= 10_000 else args.papers // 100
    if args.keep:
        args.keep.mkdir(parents=True)
        base = args.keep.resolve()
    else:
        base = Path(tempfile.mkdtemp(prefix="reader-bench-index-"))
    try:
        run(base, args, digests)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


def run(base: Path, args: argparse.Namespace, digests: int) -> None:
    env = prepare_environment(base)
    log(f"building {args.papers:,} papers in {digests:,} digests…")
    built = build(base, args.papers, digests, args.texts)
    from reader.core.library import Library

    library = Library(built.library)
    newest = library.digests(commentary=False)[0]
    first = newest.paper_ids[0]
    word = (library.papers()[first].title or "").split()[-1]  # the title's number: one paper
    log(f"  filter word {word!r} ({first})")
    variants = {"this code": {}}
    if args.before:
        variants = {"before": {"PYTHONPATH": str(args.before.resolve())}, **variants}
    argv = reader_command()
    used = base / "used"
    fresh = base / "fresh"
    results: dict[str, dict[str, list]] = {name: {} for name in variants}

    def note(name: str, what: str, value: object) -> None:
        results[name].setdefault(what, []).append(value)

    with Tmux(size=(120, 40)) as tmux:
        # the library after the app has run on it once (glance, saved index), with this code
        app = screen.App(tmux, argv, env, base, built.needles)
        screen.prepare_used(app, built.library, used)
        log(f"  saved index: {(used / INDEX_FILE).stat().st_size / 1e6:.1f} MB" if (used / INDEX_FILE).exists()
            else "  no saved index after the first run")
        for n in range(args.runs):
            for name, extra in variants.items():
                run_env = {**env, **extra}
                titles, answered, rss, hwm = filter_answered(tmux, argv, run_env, used, built.needles, word)
                note(name, "later", (titles, answered, rss, hwm))
                shutil.rmtree(fresh, ignore_errors=True)
                shutil.copytree(built.library, fresh)
                titles, answered, rss, hwm = filter_answered(tmux, argv, run_env, fresh, built.needles, word)
                note(name, "first", (titles, answered, rss, hwm))
                note(name, "search saved", reader_search(argv, run_env, used, word))
                shutil.rmtree(fresh, ignore_errors=True)
                shutil.copytree(built.library, fresh)
                note(name, "search first", reader_search(argv, run_env, fresh, word))
                log(f"  run {n + 1} {name}: later titles {ms(results[name]['later'][-1][0])} / filter {ms(results[name]['later'][-1][1])}; "
                    f"first-after-import filter {ms(answered)}; search {ms(results[name]['search saved'][-1])}")
    shutil.rmtree(fresh, ignore_errors=True)
    loads = [in_process(used, True) for _ in range(3)]
    builds = [in_process(used, False) for _ in range(2)]

    print(f"\n{args.papers:,} papers in {digests:,} digests, {args.texts} cached paper texts; {os.cpu_count()} cores; "
          f"medians of {args.runs} interleaved runs. Filter word: a title's number ({word}), typed with `/` as soon "
          "as the newest digest's titles show.\n")
    names = list(variants)
    print("| measurement | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for what, label in (("later", "later start"), ("first", "first start after `reader import`")):
        print(f"| {label}: titles on screen | " + " | ".join(ms(median([r[0] for r in results[n][what]])) for n in names) + " |")
        print(f"| {label}: **filter with words answered** | "
              + " | ".join(f"**{ms(median([r[1] for r in results[n][what]]))}**" for n in names) + " |")
        print(f"| {label}: RSS once idle (peak) | "
              + " | ".join(f"{mb(median([r[2] for r in results[n][what]]))} ({mb(median([r[3] for r in results[n][what]]))})"
                           for n in names) + " |")
    print("| `reader search WORD`, saved index fresh | " + " | ".join(ms(median(results[n]["search saved"])) for n in names) + " |")
    print("| `reader search WORD`, first after import | " + " | ".join(ms(median(results[n]["search first"])) for n in names) + " |")
    print("\nIn-process, this code (median): | time | RSS added | peak RSS added |")
    print("| --- | --- | --- | --- |")
    for label, samples in (("index read from the saved file", loads), ("index built", builds)):
        print(f"| {label} | {ms(median([s[0] for s in samples]))} | {mb(median([s[1] for s in samples]))} | "
              f"{mb(median([s[2] for s in samples]))} |")


if __name__ == "__main__":
    raise SystemExit(main())
