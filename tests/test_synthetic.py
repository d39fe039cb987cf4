"""The synthetic library of the benchmark (tests/synthetic.py): valid at 100,000 papers,
and a reader's state written in the library's own format."""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.doctor import check_library
from reader.core.ids import is_valid_id
from reader.core.importer import import_paths
from reader.core.library import Library
from reader.core.snapshot import Snapshot
from tests.synthetic import NEWEST, add_state, write_digests


def test_synthetic_digests_at_100000_papers_have_valid_unique_ids_and_past_dates(tmp_path: Path) -> None:
    paths = write_digests(tmp_path, 1000, 100_000)
    listed: set[str] = set()
    for path in paths:
        ids = re.findall(r"arxiv\.org/abs/(\d+\.\d+)", path.read_text(encoding="utf-8"))
        assert ids and all(is_valid_id(arxiv_id) for arxiv_id in ids), path.name
        listed.update(ids)
    assert len(listed) == 100_000  # (references point at papers listed before)
    dates = sorted(path.name[:6] for path in paths)
    assert len(set(dates)) == 1000
    assert dates[-1] == f"{NEWEST:%y%m%d}"  # weekly digests up to a date in the past


def test_add_state_puts_a_readers_work_into_the_library_files(tmp_path: Path) -> None:
    write_digests(tmp_path / "digests", 10, 200)
    library = Library(tmp_path / "library")
    import_paths(library, [tmp_path / "digests"])
    touched = add_state(library)
    assert len(touched) == len(set(touched)) == 40

    again = Library(tmp_path / "library")  # read back from disk, as the app reads it
    states = again.states()
    assert {i for i, state in states.items() if state.read} == set(touched[::2])
    assert {i for i, state in states.items() if "to-read" in state.tags} == set(touched[1::3])
    assert {i for i, state in states.items() if "gan" in state.tags} == set(touched[2::3])
    snapshot = Snapshot.load(again)
    assert {i for i in snapshot.papers if snapshot.note(i)} == set(touched[::3])
    assert all(len(snapshot.note(i) or "") == 1000 for i in touched[::3])
    assert [report.describe() for report in check_library(again) if report.problem] == []
