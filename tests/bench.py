"""Benchmarks: a script, not a test. Prints a markdown table.

    .venv/bin/python tests/bench.py            # 10,000 papers in 500 digests
    .venv/bin/python tests/bench.py --small    # 1,000 papers in 50 digests, quick

Figures are medians of several runs on a synthetic library of realistic shape.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.library import Library  # noqa: E402
from reader.core.models import Entry, ParsedDigest  # noqa: E402
from reader.core.snapshot import Snapshot  # noqa: E402

KOREAN = "인코더와 임베딩 최적화를 동시에 활용하는 방법. 학습이 빨라지고 성능도 좋아진다는 점이 흥미롭다. "
ENGLISH = "Replaces feature matching with block swapping between teacher and student; simple to implement. "


def synthetic_digests(n_digests: int, per_digest: int, seed: int = 7) -> list[ParsedDigest]:
    """Weekly digests with unique papers, Korean and English commentary and references."""
    rng = random.Random(seed)
    start = dt.date(2016, 1, 3)
    digests = []
    n = 0
    for d in range(n_digests):
        day = start + dt.timedelta(weeks=d)
        entries = []
        for _ in range(per_digest):
            n += 1
            arxiv_id = f"{day:%y%m}.{n:05d}"
            text = (KOREAN if rng.random() < 0.6 else ENGLISH) * rng.randint(2, 6)
            refs = [f"{day:%y%m}.{rng.randint(1, n):05d}" for _ in range(rng.randint(0, 3))]
            entries.append(
                Entry(
                    arxiv_id,
                    1,
                    f"Paper {n}: learning things at scale with method {rng.randint(1, 999)}",
                    [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(1, 8))],
                    text + " ".join(f"https://arxiv.org/abs/{r}" for r in refs),
                    refs,
                    [],
                )
            )
        digests.append(ParsedDigest(f"/digests/{day:%y%m%d}.md", day, f"Week of {day}", entries))
    return digests


def build_library(path: Path, n_digests: int, per_digest: int) -> tuple[Library, float]:
    library = Library(path)
    digests = synthetic_digests(n_digests, per_digest)
    started = time.perf_counter()
    library.import_digests((d, f"sha-{i}") for i, d in enumerate(digests))
    elapsed = time.perf_counter() - started
    # 20% of papers carry state: read, tags, ~1 KB notes.
    ids = [e.arxiv_id for d in digests for e in d.entries]
    rng = random.Random(3)
    touched = rng.sample(ids, len(ids) // 5)
    library.set_read(touched[::2], True)
    library.change_tags(touched[1::3], ["gan"])
    with library.transaction("notes", "history"):
        for arxiv_id in touched[::4]:
            library.set_note(arxiv_id, "note " * 200, undoable=False)
    return library, elapsed


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="1,000 papers in 50 digests")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    n_digests, per_digest = (50, 20) if args.small else (500, 20)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lib"
        library, import_s = build_library(path, n_digests, per_digest)
        papers = n_digests * per_digest
        ids = list(library.papers())

        opens = []
        for _ in range(max(5, args.runs // 3)):
            started = time.perf_counter()
            Snapshot.load(Library(path))
            opens.append(time.perf_counter() - started)

        marks = []
        rng = random.Random(5)
        fresh = Library(path)
        fresh.load_all()
        for _ in range(args.runs):
            arxiv_id = rng.choice(ids)
            started = time.perf_counter()
            fresh.toggle_read([arxiv_id])
            marks.append(time.perf_counter() - started)

        sizes = {p.name: p.stat().st_size for p in path.glob("*.json")}
    print(f"Library: {papers:,} papers in {n_digests} digests; files: "
          + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
    print()
    print("| measurement | median | goal |")
    print("| --- | --- | --- |")
    print(f"| open the library (load every file) | {median_ms(opens):.0f} ms | < 300 ms |")
    print(f"| mark a paper read, persisted (fsync'd) | {median_ms(marks):.1f} ms | well under 50 ms |")
    print(f"| import {papers:,} papers (one batch) | {papers / import_s:,.0f} papers/s | |")


if __name__ == "__main__":
    main()
