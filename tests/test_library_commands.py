"""``reader digests``, ``reader digests remove``, ``reader add`` and ``reader undo``,
run in-process against the tmp_path library (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.history import Origin
from reader.core.library import Library

JULY_12 = textwrap.dedent(
    """\
    # 200712 Papers that stood out

    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz)
    Deep hierarchies done carefully; compare BIVA (https://arxiv.org/abs/1902.02102).
    https://arxiv.org/abs/2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai)
    Encoder plus optimisation.
    """
)
JULY_19_A = textwrap.dedent(
    """\
    # 200719 Morning picks

    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz)
    Listed again this week.
    https://arxiv.org/abs/2007.08199 A [bold]marked-up[/bold] title (Some Author)
    A second paper.
    """
)
JULY_19_B = textwrap.dedent(
    """\
    # 200719 Evening picks

    https://arxiv.org/abs/2007.06225 Another paper of the evening (Other Author)
    An evening paper.
    """
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    found = {}
    for name, text in (("200712 week.md", JULY_12), ("200719 morning.md", JULY_19_A), ("200719 evening.md", JULY_19_B)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        found[name.split()[1].removesuffix(".md")] = path
    return found


@pytest.fixture
def imported(capsys, files) -> dict[str, Path]:
    code, _, _ = cli(capsys, "import", *files.values())
    assert code == 0
    return files


def cli(capsys, *args) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys) -> dict[str, dict]:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    return {p["arxiv_id"]: p for p in json.loads(out)}


def digests(capsys) -> list[dict]:
    code, out, _ = cli(capsys, "digests", "--json")
    assert code == 0
    return json.loads(out)


def library() -> Library:
    return Library(Path(os.environ["READER_DATA_DIR"]))


def app_library() -> Library:
    """The library as an app elsewhere changes it."""
    return Library(Path(os.environ["READER_DATA_DIR"]), origin=Origin.new("app"))


# --- reader digests ---------------------------------------------------------------------
def test_digests_json_and_table(capsys, imported):
    cli(capsys, "mark", "2007.03898", "2007.01758", "--read")
    rows = digests(capsys)
    assert [r["date"] for r in rows] == ["2020-07-19", "2020-07-19", "2020-07-12"]
    week = rows[-1]
    assert set(week) == {"id", "date", "name", "source", "papers", "read"}
    assert week["name"] == "Papers that stood out"
    assert week["source"].endswith("200712 week.md")
    assert (week["papers"], week["read"]) == (2, 2)
    morning = next(r for r in rows if r["name"] == "Morning picks")
    assert (morning["papers"], morning["read"]) == (2, 1)
    code, out, err = cli(capsys, "digests")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "name", "source", "papers", "read"]
    row = next(line for line in lines if week["id"] in line)
    assert "2020-07-12" in row and "Papers that stood out" in row and row.split()[-2:] == ["2", "2"]


def test_digests_of_an_empty_library(capsys):
    assert cli(capsys, "digests", "--json")[:2] == (0, "[]\n")
    code, out, err = cli(capsys, "digests")
    assert code == 0 and out == "" and "reader import" in err


# --- reader digests remove -----------------------------------------------------------------
def test_remove_by_date_keeps_state_and_a_reimport_restores_it(capsys, imported):
    cli(capsys, "mark", "2007.01758", "--read")
    cli(capsys, "tag", "2007.01758", "+gan")
    cli(capsys, "note", "2007.01758", "--set", "encoder first")
    before = listed(capsys)
    code, out, err = cli(capsys, "digests", "remove", "2020-07-12")
    assert code == 0 and err == ""
    assert "removed digest" in out and "1 paper left the library" in out and "1 stay" in out
    now = listed(capsys)
    assert "2007.01758" not in now  # only that digest listed it
    assert now["2007.03898"]["digests"] == ["2020-07-19"]  # listed by another digest: stays
    assert [d["date"] for d in digests(capsys)] == ["2020-07-19", "2020-07-19"]
    kept = library()  # the state and the note are still in their files
    assert kept.state("2007.01758").read and kept.state("2007.01758").tags == ("gan",)
    assert kept.note("2007.01758") == "encoder first"
    code, out, _ = cli(capsys, "import", imported["week"])
    assert code == 0 and "imported" in out
    again = listed(capsys)
    assert again["2007.01758"] == before["2007.01758"]  # read, tags, note, digests: all back
    code, out, _ = cli(capsys, "show", "2007.01758")
    assert "Encoder plus optimisation." in out


def test_remove_by_name_and_by_id(capsys, imported):
    code, out, _ = cli(capsys, "digests", "remove", "morning picks")  # a name, in any case
    assert code == 0 and "Morning picks" in out
    evening = next(d for d in digests(capsys) if d["name"] == "Evening picks")
    code, out, _ = cli(capsys, "digests", "remove", evening["id"])
    assert code == 0 and evening["id"] in out
    assert [d["name"] for d in digests(capsys)] == ["Papers that stood out"]
    assert set(listed(capsys)) == {"2007.03898", "2007.01758"}


def test_remove_ambiguous_or_unknown_changes_nothing(capsys, imported):
    before = (digests(capsys), listed(capsys))
    history = len(library().history())
    code, out, err = cli(capsys, "digests", "remove", "2020-07-12", "2020-07-19")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "names 2 digests" in err and "Morning picks" in err and "Evening picks" in err
    code, out, err = cli(capsys, "digests", "remove", "no such digest")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "reader digests" in err
    assert (digests(capsys), listed(capsys)) == before  # not even the unambiguous 2020-07-12 went
    assert len(library().history()) == history


def test_undo_puts_a_removed_digest_back(capsys, imported):
    cli(capsys, "tag", "2007.01758", "+gan")
    before = (digests(capsys), listed(capsys))
    cli(capsys, "digests", "remove", "2020-07-12")
    code, out, err = cli(capsys, "undo")
    assert code == 0 and err == "" and "undid: remove digest 2020-07-12" in out
    assert (digests(capsys), listed(capsys)) == before
    code, out, _ = cli(capsys, "show", "2007.01758")
    assert "Encoder plus optimisation." in out  # the commentary came back too


def test_undo_of_a_removal_refused_once_the_digest_is_imported_again(capsys, imported):
    cli(capsys, "digests", "remove", "2020-07-12")
    cli(capsys, "import", imported["week"])
    before = (digests(capsys), listed(capsys))
    code, out, err = cli(capsys, "undo")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "imported again since" in err and "nothing was changed" in err
    assert (digests(capsys), listed(capsys)) == before


def test_remove_while_the_shown_digest_is_read_elsewhere(capsys, imported):
    """The library object of an app open meanwhile sees the removal on its next read."""
    other = app_library()
    assert len(other.digests()) == 3
    cli(capsys, "digests", "remove", "2020-07-12")
    assert len(other.digests()) == 2 and other.paper("2007.01758") is None


# --- reader add ------------------------------------------------------------------------------
def test_add_queues_papers_with_tags_and_undo_takes_them_out(capsys, imported):
    code, out, err = cli(capsys, "add", "1902.02102", "https://arxiv.org/abs/2001.00001v2", "2007.01758",
                         "--tag", "to read", "--tag", "#vae")
    assert code == 0 and err == ""
    assert "added 2 papers to the reading queue (From commentary); 1 already in the library" in out
    lib = library()
    assert lib.paper("1902.02102").origin == "commentary"
    assert lib.paper("2001.00001").origin == "commentary"  # the id as everywhere: no URL, no version
    assert lib.paper("2007.01758").origin == "digest"  # already in: stays where it was
    papers = listed(capsys)
    for arxiv_id in ("1902.02102", "2001.00001", "2007.01758"):
        assert papers[arxiv_id]["tags"] == ["to-read", "vae"]
    code, out, _ = cli(capsys, "undo")
    assert code == 0 and "undid: add 3 papers to the queue +to-read +vae" in out
    papers = listed(capsys)
    assert "1902.02102" not in papers and "2001.00001" not in papers
    assert papers["2007.01758"]["tags"] == []


def test_add_with_a_bad_id_adds_nothing(capsys, imported):
    before = listed(capsys)
    code, out, err = cli(capsys, "add", "1902.02102", "not-an-id", "also bad")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "'not-an-id'" in err and "'also bad'" in err and "nothing was added" in err
    assert listed(capsys) == before
    code, _, err = cli(capsys, "add", "1902.02102", "--tag", "#")
    assert code == 1 and "nothing was added" in err and listed(capsys) == before


def test_a_paper_queued_in_the_app_is_in_the_queue_view(capsys, imported):
    """``reader add`` is what enter on a mentioned paper does: the same queue view."""
    from reader.core.snapshot import Snapshot
    from reader.core.views import View, ViewKind

    cli(capsys, "add", "1902.02102")
    assert View(ViewKind.QUEUE).ids(Snapshot.load(library())) == ["1902.02102"]


# --- reader undo -------------------------------------------------------------------------------
def test_undo_undoes_the_command_lines_last_change_not_the_apps(capsys, imported):
    cli(capsys, "mark", "2007.01758", "--read")
    app_library().change_tags(["2007.03898"], add=["vae"])  # newer, but the app's
    code, out, _ = cli(capsys, "undo")
    assert code == 0 and "undid: mark 2007.01758 read" in out
    papers = listed(capsys)
    assert not papers["2007.01758"]["read"] and papers["2007.03898"]["tags"] == ["vae"]
    code, _, err = cli(capsys, "undo")  # the import is no step: nothing left of the command line's
    assert code == 1 and "nothing to undo" in err


def test_undo_refused_after_an_outside_change(capsys, imported):
    cli(capsys, "mark", "2007.01758", "--read")
    app_library().set_read(["2007.01758"], False)  # the app changed it since
    app_library().set_read(["2007.01758"], True)
    history = [c.seq for c in library().history()]
    code, out, err = cli(capsys, "undo")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "cannot undo 'mark 2007.01758 read'" in err and "marked read since" in err and "nothing was changed" in err
    assert listed(capsys)["2007.01758"]["read"]
    assert [c.seq for c in library().history()] == history  # the step stays


def test_undo_list_shows_the_shared_history(capsys, imported):
    cli(capsys, "mark", "2007.01758", "--read")
    app_library().change_tags(["2007.03898"], add=["vae"])
    cli(capsys, "digests", "remove", "Evening picks")
    code, out, err = cli(capsys, "undo", "--list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 3
    assert "command line (digests)" in lines[0] and "remove digest 2020-07-19" in lines[0]
    assert "app" in lines[1] and "tag 2007.03898 +vae" in lines[1]
    assert "command line (mark)" in lines[2] and "mark 2007.01758 read" in lines[2]
    code, out, _ = cli(capsys, "undo", "--list", "--json")
    data = json.loads(out)
    assert [(d["origin"], d["command"], d["label"]) for d in data] == [
        ("command line", "digests", "remove digest 2020-07-19"),
        ("app", None, "tag 2007.03898 +vae"),
        ("command line", "mark", "mark 2007.01758 read"),
    ]
    assert data[0]["seq"] > data[1]["seq"] > data[2]["seq"] and all(d["undoable"] for d in data)
    assert all(d["at"] for d in data)
    code, _, err = cli(capsys, "undo", "--json")
    assert code == 1 and "--list" in err


def test_the_kept_state_of_removed_papers_is_not_counted(capsys, imported):
    """The sidebar's counts: a paper that left with its digest counts for neither its
    tags nor the read papers, though its state is kept for a re-import."""
    from reader.core.snapshot import Snapshot

    cli(capsys, "mark", "2007.01758", "--read")
    cli(capsys, "tag", "2007.01758", "2007.03898", "+gan")
    cli(capsys, "digests", "remove", "2020-07-12")
    snap = Snapshot.load(library())
    assert snap.tag_counts["gan"] == 1
    assert snap.read_count() == 0 and len(snap.papers) == 3
