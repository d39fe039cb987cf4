"""Issue 11, finding 9, measured: time and peak memory to parse (and import) one-line digests of
repeated links, 20 MB and 200 MB, and the size of the library they leave. Not a test (slow):

    .venv/bin/python tests/measure_digest_bounds.py [MB ...]

Each size runs in a fresh process, so its peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
U = "https://arxiv.org/abs/"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from reader.core.digest import parse_file
from reader.core.importer import import_paths
from reader.core.library import Library
path, lib = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
parsed = parse_file(path)
parse_s = time.perf_counter() - started
started = time.perf_counter()
import_paths(Library(lib), [path])
import_s = time.perf_counter() - started
print(json.dumps({"parse_s": parse_s, "import_s": import_s, "entries": len(parsed.entries),
                  "warnings": len(parsed.warnings),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "catalog_mb": (lib / "catalog.json").stat().st_size / 1e6,
                  "commentary_mb": (lib / "commentary.json").stat().st_size / 1e6}))
"""


def write_file(path: Path, megabytes: int, korean: bool) -> None:
    links = [f"{U}2007.{k:05d}" for k in range(1000)]
    chunk = (" 코멘트 ".join(links) if korean else " ".join(links)) + " "
    with path.open("w", encoding="utf-8") as out:
        for _ in range(megabytes * 1_000_000 // len(chunk.encode())):
            out.write(chunk)
        out.write("\n")


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [20, 200]
    for korean in (False, True):
        for mb in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "one-line.md"
                write_file(path, mb, korean)
                result = subprocess.run([sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "lib")],
                                        capture_output=True, text=True, cwd=ROOT, check=True,
                                        env={**os.environ, "PYTHONPATH": str(ROOT)})
                data = json.loads(result.stdout)
                kind = "links and Korean words" if korean else "links"
                print(f"{mb:4d} MB of {kind}: parse {data['parse_s']:.1f} s, import {data['import_s']:.1f} s, "
                      f"peak RSS {data['peak_mb']:.0f} MB, {data['entries']} entries, {data['warnings']} warnings, "
                      f"catalog.json {data['catalog_mb']:.2f} MB, commentary.json {data['commentary_mb']:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
