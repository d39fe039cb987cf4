"""The state file's answers per paper (core/state_store.py): the first screen asks for a few
dozen papers, and a tag's papers of one month are picked out of its string rather than
the whole tag made into a set."""

from __future__ import annotations

import random

import pytest

from reader.core.records import PaperState
from reader.core.state_store import WHOLE_AFTER_MONTHS, StateFile, month_of


def _file(tags: dict[str, str]) -> StateFile:
    return StateFile({"tags": {tag: {"papers": ids} for tag, ids in tags.items()}})


@pytest.mark.parametrize(("arxiv_id", "month"), [
    ("2512.00301", "2512."),
    ("0704.0001", "0704."),
    ("hep-th/0601001", "hep-th/0601"),
    ("math.GT/0309136", "math.GT/0309"),
    ("odd", "odd"),
])
def test_a_papers_month_is_what_every_id_of_that_month_starts_with(arxiv_id, month):
    assert month_of(arxiv_id) == month


def test_tags_picked_out_by_month_answer_as_the_whole_sets_do():
    rng = random.Random(7)
    months = [f"{y:02d}{m:02d}." for y in (7, 15, 25) for m in (1, 2, 11, 12)]
    ids = [f"{rng.choice(months)}{n:05d}" for n in range(3000)] + [f"hep-th/0601{n:03d}" for n in range(30)]
    tags = {tag: " ".join(rng.sample(ids, k)) for tag, k in (("big", 2000), ("small", 40), ("one", 1))}
    picked, whole = _file(tags), _file(tags)
    for tag in tags:
        whole.tagged(tag)  # (the whole sets, made at once)
    probes = [*rng.sample(ids, 300), "2512.99999", "hep-th/0601999", "hep-th/060100", "2512."]
    for arxiv_id in probes:
        assert picked.state(arxiv_id) == whole.state(arxiv_id), arxiv_id


def test_a_tag_is_looked_up_by_month_until_many_months_are_asked_for():
    ids = [f"25{m:02d}.{n:05d}" for m in range(1, 13) for n in range(50)]
    state = _file({"big": " ".join(ids)})
    assert state.state("2512.00001").tags == ("big",)
    assert state.state("2512.00077").tags == ()
    assert "big" not in state._tag_sets  # (one month picked out, no set of every paper)
    for month in range(1, WHOLE_AFTER_MONTHS + 1):
        assert state.state(f"25{month:02d}.00002").tags == ("big",)
    assert "big" in state._tag_sets  # many months: the whole set, once
    assert state.state("2503.00049").tags == ("big",)


def test_a_hand_edited_tag_with_other_spacing_is_read_whole():
    state = _file({"gan": "2512.00001\n2512.00002  2512.00003\t2511.00004"})
    assert [state.state(f"2512.0000{n}").tags for n in (1, 2, 3)] == [("gan",)] * 3
    assert state.state("2511.00004").tags == ("gan",)
    assert state.state("2512.00005").tags == ()


def test_a_change_reads_the_old_tags_by_month_and_keeps_the_new_ones():
    state = _file({"gan": "2512.00001 2511.00002"})
    after = state.changed({"2512.00001": PaperState(False, ("gan", "new"), None)})
    assert after.state("2512.00001").tags == ("gan", "new")
    assert after.state("2511.00002").tags == ("gan",)
    assert after.tags["new"] == "2512.00001"
