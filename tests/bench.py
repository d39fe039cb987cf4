"""What users feel at 10,000 and 100,000 papers: a benchmark script (not a pytest test).

    .venv/bin/python tests/bench.py                    # 10,000 papers in 500 digests (~3 min)
    .venv/bin/python tests/bench.py --papers 100000    # 100,000 papers in 1,000 digests (~10 min)
    .venv/bin/python tests/bench.py --papers 1000 --digests 50 --runs 3 --presses 5   # quick

Needs tmux (the terminal the app is read through). ``--keep DIR`` keeps the libraries:
``DIR/library`` as the last import left it, ``DIR/used`` after the app ran on it.

Builds a library of realistic shape the way a user does: digests in the real layouts with
Korean and English commentary are imported with ``reader import``, a reader's state is put
on 20% of the papers (~1 KB notes on a third of those), 200 paper texts of ~60 KB are
cached, and then the newest digest is imported with ``reader import``, as each week.

Every figure a user sees is measured from outside the process (tests/bench_screen.py):
the app runs in a real terminal (tmux), keys are typed into it and the screen is read,
and commands are timed as whole processes. Startup is compared with a hello-world Textual
app measured the same way, interleaved, as a ratio: this machine is shared and noisy.
The other rows (paper text, export, search, core) time the library's code in-process.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.core.library import Library  # noqa: E402
from reader.core.snapshot import Snapshot  # noqa: E402
from tests import bench_screen as screen  # noqa: E402
from tests.bench_screen import log, ms, spread  # noqa: E402
from tests.synthetic import add_state, write_digests  # noqa: E402
from tests.terminal import TerminalError, Tmux  # noqa: E402

ROWS: list[tuple[str, str, str]] = []


def row(what: str, figure: str, goal: str = "") -> None:
    ROWS.append((what, figure, goal))
    log(f"  {what}: {figure}")


# --- the library, built as a user builds it -----------------------------------------
@dataclass
class Built:
    library: Path  # as the last `reader import` left it (never opened by the app)
    import_seconds: float
    import_files: int
    needles: list[str]  # the start of the newest digest's first three titles


def reader_command() -> list[str]:
    """The installed ``reader`` command of this Python's environment."""
    script = Path(sys.executable).parent / "reader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader"]


def run_reader(args: list[str], data: Path, check: bool = True) -> float:
    """Run ``reader --data-dir DATA ARGS...`` as a process; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run([*reader_command(), "--data-dir", str(data), *args], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if check and done.returncode:
        raise RuntimeError(f"reader {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return took


def build(base: Path, papers: int, digests: int, texts: int) -> Built:
    folder = base / "digests"
    started = time.perf_counter()
    paths = write_digests(folder, digests, papers)
    log(f"  wrote {digests:,} digests in {time.perf_counter() - started:.1f} s")
    newest = base / "newest" / paths[-1].name
    newest.parent.mkdir()
    paths[-1].rename(newest)
    data = base / "library"
    import_s = run_reader(["import", str(folder)], data)
    library = Library(data)
    add_state(library)
    write_texts(random.Random(5).sample(sorted(library.papers()), min(texts, papers)))
    run_reader(["import", str(newest)], data)
    library = Library(data)
    digest = library.digests(commentary=False)[0]
    titles = library.papers()
    ids = list(dict.fromkeys(entry.arxiv_id for entry in digest.entries))[:3]
    needles = [(titles[arxiv_id].title or arxiv_id)[:24] for arxiv_id in ids]
    return Built(data, import_s, len(paths) - 1, needles)


def write_texts(ids: list[str]) -> None:
    """Downloaded papers with cached extracted texts of ~60 KB, as the PDF layer keeps them."""
    from reader.core.locations import cache_dir
    from reader.core.pdf import PaperText, pdf_path, stat_key, write_cache
    from tests.pdfgen import text_pdf

    pdf = text_pdf(["A stand-in page."])
    page = ("Deep networks learn representations that transfer across tasks. " * 16 + "\n\n") * 2
    for arxiv_id in ids:
        target = pdf_path(cache_dir(), arxiv_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf)
        text = PaperText(pages=[page] * 30, skipped=[], error=None)
        key = stat_key(target)
        assert key is not None, target
        write_cache(cache_dir(), arxiv_id, key, text)


# --- the command line: whole processes ----------------------------------------------
def cli_cost(base: Path, used: Path, papers: int, runs: int, goal: str) -> None:
    """A state change from the command line at ``papers`` papers over the same command on
    a 20-paper library, each timed as a whole process, interleaved (big, small, ...)."""
    big = base / "cli-big"
    shutil.rmtree(big, ignore_errors=True)
    shutil.copytree(used, big)
    small = base / "cli-small"
    run_reader(["import", str(write_digests(base / "small-digests", 1, 20)[0])], small)
    big_id = sorted(Library(big).papers())[papers // 2]
    small_id = sorted(Library(small).papers())[10]
    commands = {
        "mark": lambda i, n: ["mark", i, "--read" if n % 2 == 0 else "--unread"],
        "tag": lambda i, n: ["tag", i, "+bench" if n % 2 == 0 else "-bench"],
        "note": lambda i, n: ["note", i, "--append", f"A line from the benchmark, run {n}."],
    }
    for args in commands.values():  # warm-up: .pyc files and the OS cache
        run_reader(args(big_id, 1), big)
        run_reader(args(small_id, 1), small)
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for n in range(runs):
        for name, args in commands.items():
            times[name][0].append(run_reader(args(big_id, n), big))
            times[name][1].append(run_reader(args(small_id, n), small))
    labels = {"mark": "`reader mark ID --read`", "tag": "`reader tag ID +TAG`", "note": "`reader note ID --append`"}
    for name, (at_n, at_20) in times.items():
        extra = statistics.median(at_n) - statistics.median(at_20)
        pairs = statistics.median(b - s for b, s in zip(at_n, at_20, strict=False))
        row(f"{labels[name]}, over a 20-paper library",
            f"**{extra * 1000:+,.0f} ms** ({ms(statistics.median(at_n))} vs {ms(statistics.median(at_20))}; "
            f"median of run pairs {pairs * 1000:+,.0f} ms)", goal)


# --- the library's code, in-process ---------------------------------------------------
def paper_text(runs: int) -> None:
    from reader.core.ids import id_from_filename
    from reader.core.locations import cache_dir
    from reader.core.pdf import cached_text, extract_text, pdf_path
    from tests.pdfgen import text_pdf

    cache = cache_dir()
    opens = []
    for path in sorted((cache / "text").glob("*.json"))[:runs]:
        arxiv_id = id_from_filename(path.stem)
        assert arxiv_id is not None, path
        started = time.perf_counter()
        text = cached_text(arxiv_id, cache)
        opens.append(time.perf_counter() - started)
        assert text and len(text.text) > 50_000
    row("Open a cached 60 KB paper text", ms(statistics.median(opens)), "< 100 ms")
    firsts = []
    page = "Results on the benchmark improve steadily with scale. " * 40
    for n in range(max(3, runs // 3)):
        arxiv_id = f"2301.{90000 + n:05d}"
        target = pdf_path(cache, arxiv_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text_pdf([f"Page {i}. {page}" for i in range(30)]))
        first: list[float] = []
        started = time.perf_counter()

        def on_page(index: int, total: int, text: str, first: list[float] = first, started: float = started) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        extract_text(arxiv_id, cache, on_page=on_page)
        firsts.append(first[0])
    row("First page of a 30-page PDF on screen", ms(statistics.median(firsts)), "< 500 ms")


def export(data: Path, runs: int) -> None:
    from reader.core.export import export_markdown

    times = []
    for _ in range(max(3, runs // 3)):
        started = time.perf_counter()
        text = export_markdown(Snapshot.load(Library(data)))
        times.append(time.perf_counter() - started)
    row("Export the whole library to markdown", f"{ms(statistics.median(times))} ({len(text) / 1e6:.1f} MB)")


def search(data: Path) -> None:
    """Search across titles, authors, tags, notes, commentary, abstracts and the 200 cached paper texts."""
    from reader.core.engine import Engine
    from reader.core.locations import cache_dir
    from reader.core.search_index import TextIndex
    from reader.core.search_sources import cached_texts, downloaded_ids
    from tests.bench_search import QUERIES

    snapshot = Snapshot.load(Library(data))
    started = time.perf_counter()
    texts = cached_texts(cache_dir(), snapshot.all_ids())
    engine = Engine(TextIndex.build(snapshot, texts), downloaded_ids(cache_dir()))
    build_s = time.perf_counter() - started
    times = []
    for query in QUERIES:
        started = time.perf_counter()
        engine.search(snapshot, query)
        times.append(time.perf_counter() - started)
    noted = snapshot.with_changes(notes={**snapshot.notes, next(iter(snapshot.papers)): "a new note about attention"})
    started = time.perf_counter()
    engine.index_for(noted)
    update_s = time.perf_counter() - started
    row("Search the library (per query)",
        f"{spread(times)} over {len(QUERIES)} queries; index built in {ms(build_s)}, "
        f"a note re-indexed in {ms(update_s)}", "< 100 ms")


def core(data: Path, runs: int) -> None:
    """The store on its own, without the app: opening it, and one persisted toggle."""
    opens = []
    for _ in range(runs):
        started = time.perf_counter()
        Snapshot.load(Library(data))
        opens.append(time.perf_counter() - started)
    row("Core: open the library (load every file)", ms(statistics.median(opens)), "< 300 ms")
    library = Library(data)
    ids = list(library.papers())
    rng = random.Random(5)
    marks = []
    for _ in range(runs * 3):
        arxiv_id = rng.choice(ids)
        started = time.perf_counter()
        library.toggle_read([arxiv_id])
        marks.append(time.perf_counter() - started)
    row("Core: mark a paper read, fsync'd", spread(marks), "well under 50 ms")


# --- the run --------------------------------------------------------------------------
T = TypeVar("T")


def attempt(what: str, run: Callable[[], T]) -> T | None:
    """``run()``, or a row saying why it failed (the app did not show what was waited
    for, or stayed busy): the other measurements go on."""
    try:
        return run()
    except TerminalError as exc:
        row(what, "**failed**: " + str(exc).splitlines()[0])
        log(str(exc))
        return None


def prepare_environment(base: Path) -> dict[str, str]:
    """This process's environment and the app's: folders under ``base``, never the
    user's; bytecode as an installed app has it (kept out of the tree); no dev mode."""
    for name in ("PYTHONDONTWRITEBYTECODE", "TEXTUAL", "COLUMNS", "LINES", "NO_COLOR", "READER_TRACE"):
        os.environ.pop(name, None)
    env = {
        "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "reader-bench-pycache"),
        "READER_DATA_DIR": str(base / "unused-data"),
        "READER_CACHE_DIR": str(base / "cache"),
        "READER_EXPORT_DIR": str(base / "exports"),
        "READER_CONFIG_DIR": str(base / "config"),  # the default theme, whatever the user chose
    }
    os.environ.update(env)
    return env


def measure(base: Path, args: argparse.Namespace) -> None:
    big = args.papers >= 50_000
    env = prepare_environment(base)
    log(f"building {args.papers:,} papers in {args.digests:,} digests…")
    built = build(base, args.papers, args.digests, args.texts)
    row(f"Import (`reader import`, {built.import_files:,} files)",
        f"{built.import_seconds:.1f} s ({args.papers / built.import_seconds:,.0f} papers/s)", "< 30 s")
    used = base / "used"
    with Tmux(size=(120, 40)) as tmux:
        app = screen.App(tmux, reader_command(), env, base, built.needles)
        log("startup (tmux)…")
        start = attempt("Startup", lambda: screen.startup(app, built.library, used, args.runs))
        if start is None:
            return  # the other measurements need the library the app has run on
        note = "" if start.glance_after_import else " (no glance after import)"
        row("First start after `reader import`" + note, start.row("first"), "≤ 1.5x" if big else "≤ 1.3x")
        row("Later starts" + ("" if start.glance_after_use else " (no glance written)"), start.row("later"),
            "≤ 1.3x")
        log("memory…")
        peaks = attempt("Peak RSS", lambda: screen.memory(app, used))
        if peaks is not None:
            row("Peak RSS once everything is read (after a search)",
                f"{peaks[0] / 2**20:,.0f} MB ({peaks[1] / 2**20:,.0f} MB)", "< 400 MB" if big else "< 300 MB")
        log("keys…")
        keys = attempt("Keys (j, filter)", lambda: screen.keys(app, used, args.presses))
        if keys is not None:
            row("`j` answered (first change on screen)",
                f"newest digest {spread(keys.j_digest[0])}; All papers {spread(keys.j_all[0])}", "< 30 ms")
            row("`j`: until the detail pane shows the paper (last change)",
                f"newest digest {spread(keys.j_digest[1])}; All papers {spread(keys.j_all[1])}")
        log("key to disk…")
        disk = attempt("Key to disk", lambda: screen.key_to_disk(app, used, args.presses))
    log("command line…")
    cli_cost(base, used, args.papers, args.runs, "≤ +100 ms" if big else "< +50 ms")
    if keys is not None:
        row("Filter per keystroke (All papers)", keys.filtering.row(), "p95 < 50 ms")
    for kind, label in (("read", "toggle read (space)"), ("tag", "add a tag (1)"), ("note", "save a note (typing)")):
        if disk is not None:
            row(f"Key to disk: {label}", spread(disk[kind]), "p95 < 50 ms")
    log("in-process rows…")
    paper_text(args.runs)
    export(used, args.runs)
    search(used)
    core(used, args.runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--digests", type=int, help="default: 500 up to 10,000 papers, else one per 100 papers")
    parser.add_argument("--texts", type=int, default=200, help="cached paper texts")
    parser.add_argument("--runs", type=int, default=7, help="startup and command-line runs")
    parser.add_argument("--presses", type=int, default=15, help="j presses per view; key-to-disk rounds")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args = parser.parse_args()
    args.digests = args.digests or (500 if args.papers <= 10_000 else args.papers // 100)
    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True)
        measure(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
            measure(Path(tmp), args)
    elapsed = time.perf_counter() - started
    print(f"\nLibrary: {args.papers:,} papers in {args.digests:,} weekly digests, {args.texts} cached paper texts; "
          f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; tmux 120x40; run took {elapsed:.0f} s.\n")
    print("| measurement | result | goal |")
    print("| --- | --- | --- |")
    for what, figure, goal in ROWS:
        print(f"| {what} | {figure} | {goal} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
