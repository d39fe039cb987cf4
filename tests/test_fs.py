"""The one atomic-write helper: every file reader replaces goes through it."""

from __future__ import annotations

import os

import pytest

from reader.core.fs import atomic_write


def test_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("old")
    atomic_write(path, "new")
    assert path.read_text() == "new"
    assert os.listdir(tmp_path) == ["a.json"]


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path):
    real = tmp_path / "elsewhere" / "state.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "state.json"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_chunks_that_fail_leave_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"old")

    def chunks():
        yield b"part"
        raise ValueError("too big")

    with pytest.raises(ValueError):
        atomic_write(path, chunks())
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["paper.pdf"]
