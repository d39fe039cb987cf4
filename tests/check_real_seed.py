"""By-hand check (not a test: pytest does not collect it) of the parser on the real shared inputs.

    .venv/bin/python tests/check_real_seed.py [SHARED_DIR]

SHARED_DIR defaults to ``../shared`` next to the project. The project's tests never read it; this
script checks that the real seed digest parses exactly as ``test_digest_seed.SEED_ENTRIES`` says,
and the real example digests as their layout tests expect. Exits 1 on the first mismatch.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from test_digest_seed import check_seed  # noqa: E402

from reader.core.digest import parse_file  # noqa: E402


def check_examples(examples: Path) -> None:
    numbered = parse_file(examples / "191210 numbered list.md")
    assert numbered.date == dt.date(2019, 12, 10)
    assert numbered.title == "최근 논문들에 대한 생각"
    assert [e.arxiv_id for e in numbered.entries] == ["1912.02424", "1912.02252"]
    assert numbered.entries[1].title == "Multiple Anchor Learning for Visual Object Detection"
    assert numbered.references == ["1912.04260"]

    before = parse_file(examples / "201125 title before link.md")
    assert len(before.entries) == 16  # 18 links: 16 entries + 2 references of the last one
    assert before.entries[0].title == "Very Deep VAEs Generalize Autoregressive Models and Can Outperform Them on Images"
    assert all(e.title for e in before.entries)
    assert before.entries[-1].arxiv_id == "2011.12216"
    assert before.entries[-1].references == ["1912.03263", "2010.03759"]

    note = parse_file(examples / "200122 one-paper note.md")
    assert [(e.arxiv_id, e.title) for e in note.entries] == [("2001.07685", None)]
    assert note.entries[0].tags == ["semi_supervised_learning", "manifold", "mixup", "augmentation"]
    assert note.date == dt.date(2020, 1, 22)

    abstract = parse_file(examples / "240724 note with abstract.md")
    (entry,) = abstract.entries
    assert entry.arxiv_id == "2407.17465"
    assert entry.title == "u-μP: The Unit-Scaled Maximal Update Parametrization"
    assert len(entry.authors) == 10
    assert entry.references == ["2303.11257"]
    assert entry.tags == ["hyperparameter"]
    assert "> The Maximal Update Parametrization" in entry.commentary

    for parsed in (numbered, before, note, abstract):
        assert parsed.warnings == [], parsed.warnings


def main() -> int:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared"
    seed = parse_file(shared / "seed-digest.txt")
    check_seed(seed)
    for e in seed.entries:
        print(f"{e.line:>3} {e.arxiv_id}  {e.title}  refs={e.references}")
    for w in seed.warnings:
        print(f"warning line {w.line}: {w.message}")
    print(f"tags={seed.tags} date={seed.date} title={seed.title}")
    check_examples(shared / "examples" / "digests")
    print("OK: the real seed and examples parse as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
