"""`reader export --split DIR`: one file per paper, and re-exports that never lose the user's text."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import run
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot
from reader.core.split_export import (
    CONFLICT_SUFFIX,
    export_split,
    file_name_for,
    front_matter_id,
    safe_file_name,
    yaml_scalar,
)
from reader.core.text import one_line

yaml = pytest.importorskip("yaml")

NVAE = "2007.03898"
STYLEGAN = "2007.01758"
OLD = "hep-th/9901001"
NVAE_NAME = "2007.03898 NVAE A Deep Hierarchical Variational Autoencoder.md"
TRICKY = 'Why "GANs" #fail: a 50% study of <x> / y \\ z | a? * [b] ^c — 한국어 제목…'


def entry(arxiv_id, title, authors=("Arash Vahdat", "Jan Kautz"), commentary="", tags=()):
    return Entry(arxiv_id, 1, title, list(authors), commentary, [], list(tags))


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib")
    week1 = ParsedDigest(
        "week1.md",
        dt.date(2020, 7, 12),
        "Papers that stood out",
        [
            entry(NVAE, "NVAE: A Deep Hierarchical Variational Autoencoder", commentary="Deep hierarchies, 인코더와 임베딩."),
            entry(STYLEGAN, "Collaborative Learning for Faster StyleGAN Embedding", ("Shanyan Guan",), "Encoder plus optimisation."),
        ],
    )
    week2 = ParsedDigest(
        "week2.md",
        dt.date(2020, 7, 19),
        "Second week",
        [entry(NVAE, "NVAE: A Deep Hierarchical Variational Autoencoder", commentary="Still thinking about NVAE.")],
    )
    library.import_digests([(week1, "sha1"), (week2, "sha2")])
    return library


def snap(library):
    return Snapshot.load(library)


def export(library, directory, ids=None):
    snapshot = snap(library)
    return export_split(snapshot, ids if ids is not None else snapshot.all_ids(), directory, library)


def front(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


# --------------------------------------------------------------------------- first export


def test_first_export_writes_a_file_per_paper(lib, tmp_path):
    lib.set_note(NVAE, "My own take: **good**.")
    lib.change_tags([NVAE], ["vae", "생성모델"])
    lib.set_read([NVAE], True)
    out = tmp_path / "notes"
    result = export(lib, out)
    assert result.summary() == f"wrote 2 new, updated 0, unchanged 0 files in {out}"
    assert sorted(p.name for p in out.iterdir()) == [
        "2007.01758 Collaborative Learning for Faster StyleGAN Embedding.md",
        NVAE_NAME,
    ]
    path = out / NVAE_NAME
    meta = front(path)
    assert meta["title"] == "NVAE: A Deep Hierarchical Variational Autoencoder"
    assert meta["authors"] == ["Arash Vahdat", "Jan Kautz"]
    assert meta["arxiv_id"] == NVAE and isinstance(meta["arxiv_id"], str)
    assert meta["url"] == "https://arxiv.org/abs/2007.03898"
    assert meta["tags"] == ["vae", "생성모델"]
    assert meta["read"] is True and meta["read_at"]
    assert meta["digests"] == ["2020-07-19 Second week", "2020-07-12 Papers that stood out"]
    assert meta["digest_dates"] == ["2020-07-19", "2020-07-12"]
    text = path.read_text(encoding="utf-8")
    # both commentaries, each labelled with its digest, and the note
    assert "### 2020-07-12 Papers that stood out\n\n> Deep hierarchies, 인코더와 임베딩." in text
    assert "### 2020-07-19 Second week\n\n> Still thinking about NVAE." in text
    assert "## My note\n\nMy own take: **good**." in text
    assert text.count("<!-- reader:begin generated") == 1
    assert "write your own notes below this line" in text


def test_metadata_fields_when_fetched(lib, tmp_path):
    lib.store_metadata(
        {NVAE: {"status": "ok", "metadata": {"title": "NVAE", "published": "2020-07-08T17:55:59Z",
                                             "primary_category": "stat.ML", "abstract": "We propose NVAE."}}}
    )
    export(lib, tmp_path)
    meta = front(tmp_path / NVAE_NAME)
    assert meta["published"] == "2020-07-08" and meta["primary_category"] == "stat.ML"
    assert "## Abstract\n\nWe propose NVAE." in (tmp_path / NVAE_NAME).read_text(encoding="utf-8")


def test_tricky_title_front_matter_parses_back(tmp_path):
    library = Library(tmp_path / "lib")
    title = TRICKY + "\u2028line\u0085nel\ttab \ufeff\x7f"
    library.import_digests([(ParsedDigest("w.md", dt.date(2020, 7, 12), "W", [entry(NVAE, title)]), "s")])
    export(library, tmp_path / "out")
    (path,) = (tmp_path / "out").iterdir()
    meta = front(path)
    assert meta["title"] == one_line(title)  # one line, no control characters, but otherwise as written
    assert meta["arxiv_id"] == NVAE


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_yaml_scalar_round_trips_any_text(text):
    assert yaml.safe_load(f"key: {yaml_scalar(text)}\n")["key"] == text


def test_yaml_scalar_other_types():
    assert yaml.safe_load(f"a: {yaml_scalar(True)}\nb: {yaml_scalar(None)}\nc: {yaml_scalar('2007.03898')}") == {
        "a": True, "b": None, "c": "2007.03898",
    }


# --------------------------------------------------------------------------- file names


def test_file_names_are_safe_everywhere():
    name = file_name_for(NVAE, TRICKY)
    assert name.startswith("2007.03898 ") and name.endswith(".md")
    assert not set('<>:"/\\|?*#^[]') & set(name)
    assert "한국어 제목" in name  # unicode letters are kept
    assert "  " not in name


def test_old_style_ids_and_no_title():
    assert file_name_for(OLD, "Anti de Sitter space") == "hep-th_9901001 Anti de Sitter space.md"
    assert file_name_for(OLD, None) == "hep-th_9901001.md"
    assert file_name_for(NVAE, "???") == "2007.03898.md"


@pytest.mark.parametrize(
    "title",
    [
        "x" * 500,
        "한국어 " * 200,  # three UTF-8 bytes a letter
        "word " * 100,
        "a" * 119 + "😀" * 30,
    ],
)
def test_long_titles_are_capped_in_chars_and_bytes(title):
    name = file_name_for(NVAE, title)
    assert len(name) <= 120 and len(name.encode("utf-8")) <= 180
    assert len((name[:-3] + CONFLICT_SUFFIX).encode("utf-8")) < 255
    assert not name[:-3].endswith((" ", "."))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("CON", "_CON"),
        ("nul.tar", "_nul.tar"),
        ("com1", "_com1"),
        ("LPT9 ", "_LPT9"),
        ("Aux. ", "_Aux"),
        ("CONSOLE", "CONSOLE"),
        ("trailing dots...", "trailing dots"),
        ("  a\x00b\x1fc\u202ed\n", "a b c d"),
        ("", "_"),
        ("...", "_"),
        ("e\u0301cole", "\u00e9cole"),  # NFC
    ],
)
def test_safe_file_name(raw, safe):
    assert safe_file_name(raw) == safe


def test_old_style_id_export(tmp_path):
    library = Library(tmp_path / "lib")
    library.import_digests([(ParsedDigest("w.md", dt.date(1999, 1, 3), "W", [entry(OLD, "Strings: a review")]), "s")])
    export(library, tmp_path / "out")
    (path,) = (tmp_path / "out").iterdir()
    assert path.name == "hep-th_9901001 Strings a review.md"
    assert front(path)["arxiv_id"] == OLD
    library.set_note(OLD, "noted")
    assert len(export(library, tmp_path / "out").updated) == 1


# --------------------------------------------------------------------------- re-export


USER_TEXT = "\n## My thoughts\n\nLine with trailing spaces   \n\ttabbed\r\nCRLF line\r\n한국어 메모 ✓\n\n\n<!-- my comment -->\nno final newline"


def add_user_text(path, text=USER_TEXT):
    with open(path, "ab") as handle:
        handle.write(text.encode("utf-8"))


def test_reexport_unchanged_does_not_touch_files(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    add_user_text(path)
    before = path.read_bytes()
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = export(lib, tmp_path)
    assert result.summary() == f"wrote 0 new, updated 0, unchanged 2 files in {tmp_path}"
    assert path.read_bytes() == before and path.stat().st_mtime_ns == 1_000_000_000


def test_reexport_after_state_and_note_changes_keeps_user_text(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    add_user_text(path)
    lib.set_note(NVAE, "A new note.")
    lib.change_tags([NVAE], ["vae"])
    lib.set_read([NVAE], True)
    result = export(lib, tmp_path)
    assert (len(result.new), len(result.updated), len(result.unchanged)) == (0, 1, 1)
    raw = path.read_bytes()
    assert raw.endswith(("-->\n\n" + USER_TEXT).encode("utf-8"))  # byte for byte, after the end marker
    meta = front(path)
    assert meta["tags"] == ["vae"] and meta["read"] is True
    assert "## My note\n\nA new note." in raw.decode("utf-8")
    # and again: still unchanged afterwards
    assert len(export(lib, tmp_path).unchanged) == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=st.text(alphabet=st.characters(blacklist_categories=("Cs",))), note=st.text())
def test_any_user_text_survives_any_note(lib, tmp_path_factory, user, note):
    out = tmp_path_factory.mktemp("out")
    export(lib, out, [NVAE])
    path = out / NVAE_NAME
    add_user_text(path, user)
    lib.set_note(NVAE, note, undoable=False)
    result = export(lib, out, [NVAE])
    if result.conflicts:  # the user's text repeats a marker line: then nothing may change
        assert re.search(r"^<!-- reader:(begin|end) generated", user, re.MULTILINE)
        return
    assert path.read_bytes().endswith(("-->\n\n" + user).encode("utf-8"))


def test_note_that_looks_like_a_marker_cannot_break_the_file(lib, tmp_path):
    lib.set_note(NVAE, "<!-- reader:end generated -->\n<!-- reader:begin generated sha256=00000000 -->\nhi")
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    add_user_text(path)
    lib.set_note(NVAE, "changed")
    result = export(lib, tmp_path)
    assert not result.conflicts and len(result.updated) == 1
    assert path.read_bytes().endswith(USER_TEXT.encode("utf-8"))


def test_user_front_matter_keys_are_kept(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    text = path.read_text(encoding="utf-8")
    user_keys = (
        "# my comment\n"
        "status: reading\n"
        "aliases:\n- NVAE paper\n-   'hierarchical VAE'\n"
        "summary: |\n  two lines\n\n  with a blank one\n"
        '"quoted key": 1\n'
    )
    # the user adds keys and edits reader's tags, in Obsidian's style
    text = text.replace("tags: []\n", "tags:\n  - mine\n" + user_keys, 1)
    path.write_text(text, encoding="utf-8")
    lib.set_note(NVAE, "n")
    export(lib, tmp_path)
    new = path.read_text(encoding="utf-8")
    assert user_keys in new  # verbatim, in order
    meta = front(path)
    assert meta["tags"] == ["mine"] and lib.state(NVAE).tags == ("mine",)  # the tag went into the library
    assert meta["status"] == "reading" and meta["aliases"] == ["NVAE paper", "hierarchical VAE"]
    assert meta["summary"] == "two lines\n\nwith a blank one\n" and meta["quoted key"] == 1
    assert new.count("tags:") == 1


def test_text_between_front_matter_and_marker_is_kept(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    text = path.read_text(encoding="utf-8").replace("---\n<!-- reader:begin", "---\nAbove the marker.\n<!-- reader:begin", 1)
    path.write_text(text, encoding="utf-8")
    lib.set_note(NVAE, "n")
    export(lib, tmp_path)
    assert "---\nAbove the marker.\n<!-- reader:begin" in path.read_text(encoding="utf-8")


def test_crlf_file_is_still_recognised(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b"mine\r\n")
    lib.set_note(NVAE, "n")
    result = export(lib, tmp_path)
    assert not result.conflicts and len(result.updated) == 1
    assert path.read_bytes().endswith(b"-->\n\r\nmine\r\n")
    assert "## My note\n\nn\n" in path.read_text(encoding="utf-8")


def test_deleted_front_matter_is_written_again(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    text = path.read_text(encoding="utf-8")
    path.write_text(text[text.index("<!-- reader:begin"):] + "mine\n", encoding="utf-8")
    result = export(lib, tmp_path)
    assert len(result.updated) == 1 and front(path)["arxiv_id"] == NVAE
    assert path.read_text(encoding="utf-8").endswith("-->\n\nmine\n")


# --------------------------------------------------------------------------- conflicts


def test_edit_inside_generated_part_is_never_clobbered(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    edited = path.read_text(encoding="utf-8").replace("> Still thinking about NVAE.", "> I fixed this quote.")
    path.write_text(edited + "mine\n", encoding="utf-8")
    before = path.read_bytes()
    lib.set_note(NVAE, "new note")
    result = export(lib, tmp_path)
    assert path.read_bytes() == before
    (conflict,) = result.conflicts
    assert conflict.path == path and "edited" in conflict.reason
    assert conflict.new == tmp_path / (NVAE_NAME[:-3] + CONFLICT_SUFFIX)
    assert "new note" in conflict.new.read_text(encoding="utf-8")
    assert any("reader-new.md" in w for w in result.warnings)
    # the .reader-new.md file is not mistaken for an export on the next run
    again = export(lib, tmp_path)
    assert len(again.conflicts) == 1 and path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(NVAE)) == [
        NVAE_NAME, NVAE_NAME[:-3] + CONFLICT_SUFFIX
    ]


def test_edit_matching_the_new_export_is_accepted(lib, tmp_path):
    """A generated part the user changed into exactly what reader would write now is no conflict."""
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    lib.set_note(NVAE, "same")
    text = path.read_text(encoding="utf-8").replace(
        "<!-- reader:end", "\n## My note\n\nsame\n<!-- reader:end", 1
    )
    path.write_text(text, encoding="utf-8")
    result = export(lib, tmp_path)
    assert not result.conflicts


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: re.sub(r"<!-- reader:end generated.*\n", "", t),
        lambda t: re.sub(r"<!-- reader:begin generated.*\n", "", t),
        lambda t: t + "<!-- reader:end generated -->\n",
    ],
    ids=["no end marker", "no begin marker", "two end markers"],
)
def test_damaged_markers_leave_the_file_alone(lib, tmp_path, damage):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    path.write_text(damage(path.read_text(encoding="utf-8")) + "mine\n", encoding="utf-8")
    before = path.read_bytes()
    lib.set_note(NVAE, "changed")
    result = export(lib, tmp_path)
    assert path.read_bytes() == before
    assert [c.path for c in result.conflicts] == [path]
    assert (tmp_path / (NVAE_NAME[:-3] + CONFLICT_SUFFIX)).exists()


def test_an_edited_hash_alone_loses_nothing(lib, tmp_path):
    """The library's record says what was written: a marker's hash that no longer matches
    it, with nothing else edited, holds nothing to keep."""
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    path.write_text(path.read_text(encoding="utf-8").replace("sha256=", "sha256=0000") + "mine\n", encoding="utf-8")
    lib.set_note(NVAE, "changed")
    result = export(lib, tmp_path)
    assert not result.conflicts and result.updated == [path]
    assert "## My note\n\nchanged\n" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").endswith("-->\n\nmine\n")


def test_non_utf8_file_is_left_alone(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    path.write_bytes(path.read_bytes() + b"\xff\xfe latin-1 \xe9\n")
    before = path.read_bytes()
    result = export(lib, tmp_path)
    assert path.read_bytes() == before and len(result.conflicts) == 1


def test_foreign_file_with_the_same_name_is_not_overwritten(lib, tmp_path):
    foreign = tmp_path / NVAE_NAME
    foreign.write_text("---\narxiv_id: '9999.99999'\n---\nsomeone else's\n", encoding="utf-8")
    result = export(lib, tmp_path, [NVAE])
    assert foreign.read_text(encoding="utf-8") == "---\narxiv_id: '9999.99999'\n---\nsomeone else's\n"
    assert len(result.conflicts) == 1 and not result.new


def test_user_file_with_the_id_prefix_but_no_markers_is_left_alone(lib, tmp_path):
    mine = tmp_path / "2007.03898 my reading notes.md"
    mine.write_text("my notes\n", encoding="utf-8")
    result = export(lib, tmp_path, [NVAE])
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    assert len(result.conflicts) == 1 and not (tmp_path / NVAE_NAME).exists()


def test_two_files_for_one_paper_are_left_alone(lib, tmp_path):
    export(lib, tmp_path, [NVAE])
    copy = tmp_path / "2007.03898 copy.md"
    copy.write_bytes((tmp_path / NVAE_NAME).read_bytes())
    (tmp_path / NVAE_NAME).rename(tmp_path / "2007.03898 other.md")
    result = export(lib, tmp_path, [NVAE])
    assert len(result.conflicts) == 1 and "several files" in result.warnings[0]
    assert not (tmp_path / NVAE_NAME).exists()


# --------------------------------------------------------------------------- renames


def retitle(library, title):
    library.import_digests(
        [(ParsedDigest("week1.md", dt.date(2020, 7, 12), "Papers that stood out", [entry(NVAE, title)]), "sha-new")]
    )
    # the paper record keeps its first title; a fresh catalog entry shows the new one
    with library.transaction("catalog"):
        doc = dict(library.raw_rows("catalog", "papers")[NVAE])
        doc["title"] = title
        library.put("catalog", {"papers": {NVAE: doc}})


def test_changed_title_renames_the_file(lib, tmp_path):
    export(lib, tmp_path)
    path = tmp_path / NVAE_NAME
    add_user_text(path)
    retitle(lib, "NVAE revisited: deeper")
    result = export(lib, tmp_path)
    new = tmp_path / "2007.03898 NVAE revisited deeper.md"
    assert result.renamed == [(path, new)] and new in result.updated
    assert not path.exists() and new.read_bytes().endswith(USER_TEXT.encode("utf-8"))
    assert front(new)["title"] == "NVAE revisited: deeper"
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("2007.03898")]) == 1


@pytest.mark.parametrize("name", ["my NVAE notes.md", "2007.03898 my reading.md"])
def test_a_file_the_user_renamed_keeps_its_name(lib, tmp_path, name):
    export(lib, tmp_path)
    moved = tmp_path / name  # the user renamed it (with or without the id in front)
    (tmp_path / NVAE_NAME).rename(moved)
    add_user_text(moved)
    lib.set_note(NVAE, "n")
    result = export(lib, tmp_path)
    assert result.renamed == [] and result.updated == [moved] and not (tmp_path / NVAE_NAME).exists()
    assert moved.read_bytes().endswith(USER_TEXT.encode("utf-8"))
    assert "## My note\n\nn\n" in moved.read_text(encoding="utf-8")
    # not even when the title changes, and a second run changes nothing
    retitle(lib, "NVAE revisited")
    assert export(lib, tmp_path).renamed == []
    assert set(export(lib, tmp_path).unchanged) == {p for p in tmp_path.iterdir() if p.suffix == ".md"}


def test_rename_never_overwrites_a_taken_name(lib, tmp_path):
    export(lib, tmp_path)
    retitle(lib, "Taken")
    taken = tmp_path / "2007.03898 Taken.md"
    taken.write_text("not reader's\n", encoding="utf-8")
    result = export(lib, tmp_path)
    # the taken name is someone else's file with the id prefix; reader's own file is found by
    # its front matter and updated under its old name
    assert taken.read_text(encoding="utf-8") == "not reader's\n"
    assert (tmp_path / NVAE_NAME).exists() and any("is taken" in w for w in result.warnings)


def test_front_matter_id_reads_obsidian_styles():
    assert front_matter_id("---\narxiv_id: '2007.03898'\n---\n") == NVAE
    assert front_matter_id("---\narxiv_id: 2007.03898 # c\n---\n") == NVAE
    assert front_matter_id('---\r\n"arxiv_id": "hep-th/9901001"\r\n---\r\n') == OLD
    assert front_matter_id("no front matter\narxiv_id: x\n") is None


# --------------------------------------------------------------------------- the command


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_split(capsys, tmp_path, lib):
    out = tmp_path / "vault"
    args = ("--data-dir", lib.data_dir, "export", "--split", out)
    code, stdout, _ = cli(capsys, *args)
    assert code == 0 and stdout.strip() == f"wrote 2 new, updated 0, unchanged 0 files in {out}"
    code, stdout, _ = cli(capsys, *args, "--unread")
    assert code == 0 and "unchanged 2" in stdout
    path = out / NVAE_NAME
    path.write_text(path.read_text(encoding="utf-8").replace("Still thinking", "Edited"), encoding="utf-8")
    lib.set_note(NVAE, "x")
    code, stdout, stderr = cli(capsys, *args)
    assert code == 1 and "reader-new.md" in stderr and "1 left as they were" in stdout


def test_cli_split_rejects_output_and_bibtex_together(capsys, tmp_path, lib):
    code, _, err = cli(capsys, "--data-dir", lib.data_dir, "export", "--split", tmp_path, "-o", tmp_path / "x")
    assert code == 1 and "--split" in err
    with pytest.raises(SystemExit):
        run(["--data-dir", str(lib.data_dir), "export", "--split", str(tmp_path), "--bibtex"])


def test_cli_split_help_documents_conflicts(capsys):
    with pytest.raises(SystemExit):
        run(["export", "--help"])
    out = "".join(capsys.readouterr().out.split())  # argparse wraps lines, even inside words
    assert "reader-new.md" in out and "neverchanged" in out


def test_empty_file_is_rewritten(lib, tmp_path):
    """A file cut to nothing (a crash during a first export) holds nothing to keep."""
    export(lib, tmp_path, [NVAE])
    (tmp_path / NVAE_NAME).write_bytes(b"")
    result = export(lib, tmp_path, [NVAE])
    assert result.updated == [tmp_path / NVAE_NAME] and front(tmp_path / NVAE_NAME)["arxiv_id"] == NVAE


def test_no_temp_files_are_left_behind(lib, tmp_path):
    export(lib, tmp_path)
    lib.set_note(NVAE, "n")
    export(lib, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("marker", ["begin", "end"])
def test_text_typed_on_a_marker_line_is_never_lost(lib, tmp_path, marker):
    export(lib, tmp_path, [NVAE])
    path = tmp_path / NVAE_NAME
    text = re.sub(rf"(<!-- reader:{marker} generated.*-->)\n", r"\1 my words on the marker line\n", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    lib.set_note(NVAE, "changed")
    result = export(lib, tmp_path, [NVAE])
    assert path.read_text(encoding="utf-8") == text and len(result.conflicts) == 1
