"""Issue 12's targets, checked at scale on the synthetic corpus (``tests/corpus.py``); not part
of the default suite (``tests/test_corpus.py`` runs a small one).

    .venv/bin/python tests/check_corpus.py [NOTES] [POSTS]

Prints entry recall and precision, titles right, commentary under the right paper, malformed
ids warned about, titles with link syntax, and the time and titled share of importing NOTES
one-paper notes (default 1,700) into a fresh library.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from reader.core.digest import parse_text  # noqa: E402
from reader.core.importer import import_paths  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.snapshot import Snapshot  # noqa: E402
from tests import corpus  # noqa: E402


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    right: int = 0
    titles_expected: int = 0
    titles_right: int = 0
    commentary_checked: int = 0
    commentary_right: int = 0
    malformed: int = 0
    malformed_warned: int = 0
    link_syntax_titles: int = 0

    def line(self) -> str:
        return (
            f"recall {self.right / max(1, self.expected):.4f}, precision {self.right / max(1, self.found):.4f}, "
            f"titles {self.titles_right / max(1, self.titles_expected):.4f}, "
            f"commentary {self.commentary_right}/{self.commentary_checked}, "
            f"malformed warned {self.malformed_warned}/{self.malformed}, titles with link syntax {self.link_syntax_titles}"
        )


def score(samples: list[corpus.Sample], misses: list[str] | None = None) -> Score:
    s = Score()
    for sample in samples:
        parsed = parse_text(sample.text, source=sample.name)
        got = {e.arxiv_id: e for e in parsed.entries}
        s.expected += len(sample.entries)
        s.found += len(got)
        for want in sample.entries:
            entry = got.get(want.arxiv_id)
            if entry is None:
                if misses is not None:
                    misses.append(f"{sample.layout}: missing {want.arxiv_id} in {sample.text[:120]!r}")
                continue
            s.right += 1
            s.titles_expected += 1
            if (entry.title or None) == want.title:
                s.titles_right += 1
            elif misses is not None:
                misses.append(f"{sample.layout}: title {entry.title!r} != {want.title!r}")
            if want.commentary is not None:
                s.commentary_checked += 1
                if entry.commentary == want.commentary:
                    s.commentary_right += 1
                elif misses is not None:
                    misses.append(f"{sample.layout}: commentary {entry.commentary!r} != {want.commentary!r}")
        for entry in parsed.entries:
            if entry.title and any(mark in entry.title for mark in ("](", "[", "://")):
                s.link_syntax_titles += 1
        for bad in sample.malformed:
            s.malformed += 1
            s.malformed_warned += any(bad in w.message for w in parsed.warnings)
    return s


def import_notes(count: int) -> tuple[float, float, int, int]:
    """Seconds to import ``count`` notes, the share titled offline, notes skipped that lead with
    a link, papers."""
    samples = corpus.notes(count)
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus.write(samples, Path(tmp) / "notes")
        library = Library(Path(tmp) / "lib")
        started = time.perf_counter()
        outcomes = import_paths(library, [Path(tmp) / "notes"])
        elapsed = time.perf_counter() - started
        skipped = sum(1 for o in outcomes if o.skipped or o.error)
        snapshot = Snapshot.load(library)
        listed = {e.arxiv_id for d in snapshot.digests for e in d.entries}
        titled = sum(1 for i in listed if snapshot.title(i))
        assert len(paths) == count
        return elapsed, titled / max(1, len(listed)), skipped, len(listed)


def main() -> int:
    n_notes = int(sys.argv[1]) if len(sys.argv) > 1 else 1700
    n_posts = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    misses: list[str] = []
    print(f"notes ({n_notes}):  {score(corpus.notes(n_notes), misses).line()}")
    print(f"posts ({n_posts}):  {score(corpus.posts(n_posts), misses).line()}")
    elapsed, titled, skipped, papers = import_notes(n_notes)
    print(f"import of {n_notes} notes: {elapsed:.1f} s, {papers} papers, {titled:.1%} titled offline, "
          f"{skipped} notes skipped")
    for miss in misses[:15]:
        print("  " + miss[:220])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
