"""A process that changes a library as fast as it can and acknowledges each change.

Run by tests/test_crash.py, which kills it with SIGKILL at random moments:
``python tests/crash_writer.py DATA_DIR FIRST_N``. Each change uses a fresh key, so
every acknowledged change must be found in the library afterwards.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.library import Library  # noqa: E402


def paper(n: int) -> str:
    return f"2101.{n % 100000:05d}"


def main() -> None:
    library = Library(Path(sys.argv[1]))
    library.backups.interval = 0.05  # exercise backup rotation under kills too
    n = int(sys.argv[2])
    out = sys.stdout
    while True:
        kind = n % 3
        if kind == 0:
            library.set_read([paper(n)], True)
        elif kind == 1:
            library.change_tags([paper(n)], [f"t{n}"])
        else:
            library.set_note(paper(n), f"note {n} " + "x" * (n % 500))
        out.write(f"{n}\n")
        out.flush()
        n += 1


if __name__ == "__main__":
    main()
