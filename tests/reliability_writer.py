"""A fork server of library writers, for tests/test_reliability_crash.py.

``python tests/reliability_writer.py DATA_DIR`` imports reader once, prints ``ready`` and
then reads commands on stdin, one a line:

``go FIRST``   fork a writer that makes changes FIRST, FIRST+1, ... until it is killed.
               The writer prints ``pid PID`` first, then ``N`` after change N returned
               from the library (the acknowledgement). When the writer has died, the
               server prints ``done STATUS`` (the raw wait status).
``quit``       exit.

Forking a warm interpreter costs about a millisecond where starting one costs ~60 ms,
which is what lets the test kill a few hundred writers in a few seconds. Every line is a
single ``os.write`` of less than PIPE_BUF bytes, so a kill never leaves half a line.
Change N is kind ``change_kind(N)``; the test checks the same function.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest


def paper(n: int) -> str:
    return f"2101.{n % 100000:05d}"


def imported_paper(n: int) -> str:
    return f"2102.{n % 100000:05d}"


def change_kind(n: int) -> str:
    if n % 10 == 9:
        return "import"
    return ("read", "tag", "note")[n % 3]


def note_text(n: int) -> str:
    return f"note {n} " + "x" * (n % 200)


def digest_source(n: int) -> str:
    return f"crash-{n}.md"


def make_change(library: Library, n: int) -> None:
    kind = change_kind(n)
    if kind == "read":
        library.set_read([paper(n)], True)
    elif kind == "tag":
        library.change_tags([paper(n)], [f"t{n}"])
    elif kind == "note":
        library.set_note(paper(n), note_text(n))
    else:
        entry = Entry(imported_paper(n), 1, f"Paper {n}", ["Ada Lovelace"], f"commentary {n}")
        parsed = ParsedDigest(digest_source(n), dt.date(2021, 2, 1), f"week {n}", [entry])
        library.import_digests([(parsed, f"sha-{n}")])


def say(text: str) -> None:
    os.write(1, f"{text}\n".encode())


def writer(data_dir: Path, first: int) -> None:
    """The forked child: change the library as fast as it can, acknowledging each change."""
    say(f"pid {os.getpid()}")
    try:
        library = Library(data_dir)
        library.backups.interval = 0.02  # rotate backups under the kills too
        n = first
        while True:
            make_change(library, n)
            say(str(n))
            n += 1
    except BaseException as exc:
        say(f"error {type(exc).__name__}: {exc}")
        os._exit(3)


def main() -> None:
    data_dir = Path(sys.argv[1])
    say("ready")
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        first = int(words[1])
        pid = os.fork()
        if pid == 0:
            writer(data_dir, first)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        say(f"done {status}")


if __name__ == "__main__":
    main()
