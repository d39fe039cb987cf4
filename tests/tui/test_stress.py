"""A short run of tests/stress_two_process.py: the app and another process writing at
once for a few seconds; every acknowledged change from both sides survives."""

from __future__ import annotations

from tests.stress_two_process import run_stress


def test_the_app_and_commands_in_another_process_lose_nothing(tmp_path):
    problems, counts = run_stress(tmp_path / "lib", seconds=3.0, seed=7)
    assert not problems, problems
    assert counts["app actions"] > 0 and counts["commands acknowledged"] > 0
