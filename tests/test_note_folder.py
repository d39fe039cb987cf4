"""`reader export --split DIR` both ways: notes and tags edited in the note folder come back
into the library, edits on both sides are merged with nothing lost, and what was exported is
recorded in the library (core/note_folder.py, core/split_export.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.history import Origin
from reader.core.library import Library, LibraryError
from reader.core.models import Entry, ParsedDigest
from reader.core.note_folder import folder_key
from reader.core.snapshot import Snapshot
from reader.core.split_export import CONFLICT_SUFFIX, export_split

yaml = pytest.importorskip("yaml")

NVAE = "2007.03898"
STYLEGAN = "2007.01758"
NVAE_NAME = "2007.03898 NVAE A Deep Hierarchical Variational Autoencoder.md"
STYLEGAN_NAME = "2007.01758 Collaborative Learning for Faster StyleGAN Embedding.md"
OLD_NOTE = "First thoughts.\n\nThe KL term is balanced per group."


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib", origin=Origin.new("command", "export"))
    digest = ParsedDigest(
        "week1.md",
        dt.date(2020, 7, 12),
        "Papers that stood out",
        [
            Entry(NVAE, None, "NVAE: A Deep Hierarchical Variational Autoencoder", ["Arash Vahdat", "Jan Kautz"],
                  "Deep hierarchies; compare https://arxiv.org/abs/2007.01758 on encoders.", [STYLEGAN]),
            Entry(STYLEGAN, None, "Collaborative Learning for Faster StyleGAN Embedding", ["Shanyan Guan"],
                  "Encoder plus optimisation."),
        ],
    )
    library.import_digests([(digest, "sha1")])
    library.set_note(NVAE, OLD_NOTE)
    library.change_tags([NVAE], ["vae"])
    return library


def export(library: Library, directory: Path, ids: list[str] | None = None):
    snapshot = Snapshot.load(library)
    return export_split(snapshot, ids if ids is not None else snapshot.all_ids(), directory, library)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def note_in_file(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("## My note\n", 1)[1].split("<!-- reader:end generated", 1)[0].strip("\n")


def fingerprint(*dirs: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in dirs
        for p in sorted(d.rglob("*"))
        if p.is_file() and "backups" not in p.parts and not p.name.startswith("library.lock")
    }


@pytest.fixture
def vault(lib: Library, tmp_path: Path) -> Path:
    out = tmp_path / "vault"
    export(lib, out)
    return out


# --------------------------------------------------------------------------- one side


def test_a_note_edited_in_its_file_goes_into_the_library(lib, vault):
    path = vault / NVAE_NAME
    edit(path, "The KL term is balanced per group.", "The KL term is balanced per group (Sec. 3).\n\nAnd a new paragraph.")
    steps = len(lib.history())
    result = export(lib, vault)
    wanted = "First thoughts.\n\nThe KL term is balanced per group (Sec. 3).\n\nAnd a new paragraph."
    assert lib.note(NVAE) == wanted
    assert note_in_file(path) == wanted and not result.conflicts and not result.note_conflicts
    assert [(taken.arxiv_id, taken.changes) for _, taken in result.taken] == [(NVAE, ["note"])]
    assert "took back 1 note and 0 tag changes" in result.summary()
    # one undo step, the command's
    (step,) = lib.history()[steps:]
    assert step.label == f"from note folder vault: {NVAE}" and step.origin.kind == "command" and step.origin.name == "export"
    assert step.papers == {NVAE: {"note": [OLD_NOTE, wanted]}}


def test_everything_taken_back_is_one_step_of_the_history(lib, vault):
    edit(vault / NVAE_NAME, "First thoughts.", "Edited.")
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', "tags: [vae, both]\n")
    edit(vault / STYLEGAN_NAME, "## My note\n", "## My note\n\nA new note.")
    edit(vault / STYLEGAN_NAME, "tags: []\n", "tags: [gan]\n")
    steps = len(lib.history())
    result = export(lib, vault)
    (step,) = lib.history()[steps:]
    assert step.label == "from note folder vault: 2 papers" and step.origin.kind == "command"
    assert step.papers[NVAE]["tags"] == {"added": ["both"], "removed": []} and "note" in step.papers[NVAE]
    assert step.papers[STYLEGAN]["note"] == ["", "A new note."] and step.papers[STYLEGAN]["tags"]["added"] == ["gan"]
    assert "took back 2 notes and 2 tag changes" in result.summary()


def test_a_note_changed_in_the_library_goes_into_the_file(lib, vault):
    path = vault / NVAE_NAME
    lib.set_note(NVAE, OLD_NOTE + "\n\nWritten in the app.")
    steps = len(lib.history())
    result = export(lib, vault)
    assert note_in_file(path) == OLD_NOTE + "\n\nWritten in the app."
    assert lib.note(NVAE) == OLD_NOTE + "\n\nWritten in the app." and len(lib.history()) == steps
    assert result.updated == [path] and not result.taken


def test_running_it_twice_changes_nothing_the_second_time(lib, vault, tmp_path):
    edit(vault / NVAE_NAME, "First thoughts.", "First thoughts, edited.")
    edit(vault / NVAE_NAME, '  - "vae"\n', '  - "vae"\n  - "mine"\n')
    lib.set_note(STYLEGAN, "from the app")
    export(lib, vault)
    before = fingerprint(vault, lib.data_dir)
    steps = len(lib.history())
    result = export(lib, vault)
    assert result.summary() == f"wrote 0 new, updated 0, unchanged 2 files in {vault}"
    assert fingerprint(vault, lib.data_dir) == before and len(lib.history()) == steps


# --------------------------------------------------------------------------- both sides


def test_edits_to_different_lines_on_both_sides_merge_cleanly(lib, vault):
    path = vault / NVAE_NAME
    edit(path, "First thoughts.", "First thoughts, from the vault.")
    lib.set_note(NVAE, OLD_NOTE + "\n\nAdded in the app.")
    result = export(lib, vault)
    merged = "First thoughts, from the vault.\n\nThe KL term is balanced per group.\n\nAdded in the app."
    assert lib.note(NVAE) == merged and note_in_file(path) == merged
    assert not result.note_conflicts and not result.conflicts
    assert result.taken[0][1].merged


def test_edits_to_the_same_words_keep_both_marked(lib, vault, capsys):
    path = vault / NVAE_NAME
    edit(path, "balanced per group", "balanced per layer")
    lib.set_note(NVAE, OLD_NOTE.replace("balanced per group", "balanced per scale"))
    code = run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)])
    out, err = capsys.readouterr()
    note = lib.note(NVAE)
    assert note_in_file(path) == note
    lines = note.split("\n")
    # nothing lost on either side, the folder's side marked as such
    assert f"<<<<<<< from the note folder ({NVAE_NAME})" in lines and ">>>>>>> in the library" in lines
    assert "The KL term is balanced per layer." in lines and "The KL term is balanced per scale." in lines
    assert lines.index("The KL term is balanced per layer.") < lines.index("The KL term is balanced per scale.")
    assert lines[0] == "First thoughts."
    # the command names the conflict, in one line, and says so in its exit code
    warnings = [line for line in err.splitlines() if NVAE_NAME in line]
    assert len(warnings) == 1 and "changed both here and in the library" in warnings[0]
    assert code == 1 and "1 note kept both ways" in out
    # and the next run has nothing left to do
    assert run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)]) == 0
    assert lib.note(NVAE) == note


# --------------------------------------------------------------------------- tags


def test_tags_added_and_removed_in_the_front_matter(lib, vault):
    path = vault / NVAE_NAME
    edit(path, 'tags:\n  - "vae"\n', "tags:\n  - generative models\n  - '#hierarchy'\n")
    lib.change_tags([NVAE], ["from-app"])  # the library changed other tags meanwhile
    result = export(lib, vault)
    assert lib.state(NVAE).tags == ("from-app", "generative-models", "hierarchy")
    assert front(path)["tags"] == ["from-app", "generative-models", "hierarchy"]
    (taken,) = [t for _, t in result.taken]
    assert taken.changes == ["+generative-models", "+hierarchy", "-vae"]
    step = lib.history()[-1]
    assert step.papers[NVAE]["tags"] == {"added": ["generative-models", "hierarchy"], "removed": ["vae"]}
    assert step.origin.kind == "command"


@pytest.mark.parametrize(
    "written",
    ["tags: [vae, mine]\n", "tags: vae, mine\n", 'tags:\n- vae\n- "mine"\n', "tags:\n  - vae\n  - mine  # a comment\n"],
)
def test_tags_in_any_yaml_style(lib, vault, written):
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', written)
    export(lib, vault)
    assert lib.state(NVAE).tags == ("vae", "mine")


def test_every_tag_removed(lib, vault):
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', "tags:\n")
    export(lib, vault)
    assert lib.state(NVAE).tags == ()


def test_a_tag_with_nothing_in_it_is_left_out_with_a_warning(lib, vault):
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', 'tags:\n  - "vae"\n  - "#"\n  - ok\n')
    result = export(lib, vault)
    assert lib.state(NVAE).tags == ("vae", "ok")
    assert [w for w in result.warnings if "'#'" in w and NVAE_NAME in w]


# --------------------------------------------------------------------------- files


def test_a_renamed_file_keeps_its_name_and_its_edits_come_back(lib, vault):
    moved = vault / "NVAE reading notes.md"
    (vault / NVAE_NAME).rename(moved)
    edit(moved, "First thoughts.", "Renamed, and edited.")
    edit(moved, 'tags:\n  - "vae"\n', 'tags:\n  - "vae"\n  - "renamed"\n')
    result = export(lib, vault)
    assert lib.note(NVAE).startswith("Renamed, and edited.") and lib.state(NVAE).tags == ("vae", "renamed")
    assert moved.exists() and not (vault / NVAE_NAME).exists() and not result.renamed
    # the other paper's backlink follows the file to its new name
    assert "- [[NVAE reading notes]]" in (vault / STYLEGAN_NAME).read_text(encoding="utf-8")


def test_a_deleted_file_is_written_again_and_nothing_in_the_library_goes(lib, vault):
    (vault / NVAE_NAME).unlink()
    before = (lib.note(NVAE), lib.state(NVAE).tags)
    steps = len(lib.history())
    result = export(lib, vault)
    assert result.new == [vault / NVAE_NAME] and not result.taken
    assert (lib.note(NVAE), lib.state(NVAE).tags) == before and len(lib.history()) == steps
    assert note_in_file(vault / NVAE_NAME) == OLD_NOTE and front(vault / NVAE_NAME)["tags"] == ["vae"]


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda t: t.replace("---\n<!-- reader:begin", "<!-- reader:begin", 1), "no closing '---' line"),
        (lambda t: t.replace('tags:\n  - "vae"\n', "tags: [vae, mine\n", 1), "tags: entry is not valid YAML"),
        (lambda t: t.replace('tags:\n  - "vae"\n', "tags:\n  - {a: 1}\n", 1), "not a list of tags"),
    ],
    ids=["unclosed", "not yaml", "not a list"],
)
def test_broken_front_matter_is_named_and_nothing_is_lost(lib, vault, capsys, damage, why):
    path = vault / NVAE_NAME
    text = damage(path.read_text(encoding="utf-8")).replace("First thoughts.", "Edited, but broken above.")
    path.write_text(text + "mine\n", encoding="utf-8")
    before_file, before_lib = path.read_bytes(), (lib.note(NVAE), lib.state(NVAE).tags)
    code = run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)])
    _, err = capsys.readouterr()
    assert path.read_bytes() == before_file and (lib.note(NVAE), lib.state(NVAE).tags) == before_lib
    (line,) = [line for line in err.splitlines() if NVAE_NAME in line]
    assert why in line and line.startswith(f"reader: warning: {NVAE_NAME}: ")
    assert code == 1 and (vault / (NVAE_NAME[:-3] + CONFLICT_SUFFIX)).exists()


def test_an_edit_above_the_note_is_a_conflict_and_the_note_waits(lib, vault):
    path = vault / NVAE_NAME
    edit(path, "Deep hierarchies;", "Deep hierarchies (my words);")
    edit(path, "First thoughts.", "Edited note.")
    before = path.read_bytes()
    result = export(lib, vault)
    assert path.read_bytes() == before and lib.note(NVAE) == OLD_NOTE
    assert "above '## My note'" in result.conflicts[0].reason


def test_without_a_record_a_different_note_is_a_conflict(lib, vault):
    """A folder written by an older reader (or a library restored from an older backup): no
    record says which side changed the note, so neither is overwritten."""
    with lib.transaction("exports"):
        lib.put("exports", {"folders": dict.fromkeys(lib.raw_rows("exports", "folders"))})  # (every record gone)
    edit(vault / NVAE_NAME, "First thoughts.", "Edited in the vault.")
    before = (vault / NVAE_NAME).read_bytes()
    result = export(lib, vault)
    assert (vault / NVAE_NAME).read_bytes() == before and lib.note(NVAE) == OLD_NOTE
    assert "no record of what was exported here" in result.conflicts[0].reason


def test_without_a_record_tags_are_only_added(lib, vault):
    with lib.transaction("exports"):
        lib.put("exports", {"folders": dict.fromkeys(lib.raw_rows("exports", "folders"))})  # (every record gone)
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', 'tags:\n  - "new"\n')
    export(lib, vault)
    assert lib.state(NVAE).tags == ("vae", "new")


def test_a_note_that_looks_like_a_marker_comes_back_as_it_was(lib, vault):
    lib.set_note(NVAE, "<!-- reader:end generated -->\nsecond line")
    export(lib, vault)
    path = vault / NVAE_NAME
    assert "&lt;!-- reader:end generated -->" in path.read_text(encoding="utf-8")
    edit(path, "second line", "second line, edited")
    result = export(lib, vault)
    assert lib.note(NVAE) == "<!-- reader:end generated -->\nsecond line, edited" and not result.conflicts


def test_an_abstract_line_like_the_note_heading_is_no_note(lib, vault):
    lib.store_metadata({NVAE: {"status": "ok", "metadata": {"abstract": "We propose NVAE.\n## My note\nnot a note"}}})
    export(lib, vault)
    path = vault / NVAE_NAME
    assert "\\## My note\nnot a note" in path.read_text(encoding="utf-8")
    edit(path, "First thoughts.", "Edited.")
    export(lib, vault)
    assert lib.note(NVAE).startswith("Edited.\n") and "not a note" not in lib.note(NVAE)


def test_a_crash_after_taking_a_note_back_takes_it_once(lib, vault, monkeypatch):
    from reader.core import split_export

    edit(vault / NVAE_NAME, "First thoughts.", "Edited once.")
    monkeypatch.setattr(split_export, "atomic_write", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    export(lib, vault)  # the note was taken; no file could be written
    monkeypatch.undo()
    export(lib, vault)
    assert lib.note(NVAE) == OLD_NOTE.replace("First thoughts.", "Edited once.")
    assert note_in_file(vault / NVAE_NAME) == lib.note(NVAE)


def test_undo_puts_back_what_was_taken(lib, vault):
    edit(vault / NVAE_NAME, "First thoughts.", "Edited.")
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', "tags: []\n")
    export(lib, vault)
    assert lib.note(NVAE) != OLD_NOTE and lib.state(NVAE).tags == ()
    outcome = lib.undo()
    assert outcome is not None and outcome.undone == (NVAE,)
    assert lib.state(NVAE).tags == ("vae",) and lib.note(NVAE) == OLD_NOTE


# --------------------------------------------------------------------------- links


def test_references_and_backlinks_are_wikilinks_to_the_files(lib, vault):
    nvae = (vault / NVAE_NAME).read_text(encoding="utf-8")
    stylegan = (vault / STYLEGAN_NAME).read_text(encoding="utf-8")
    assert f"## Referenced papers\n\n- [[{STYLEGAN_NAME[:-3]}]]\n" in nvae
    assert f"## Mentioned by\n\n- [[{NVAE_NAME[:-3]}]]\n" in stylegan
    links = re.findall(r"\[\[([^\]]+)\]\]", nvae + stylegan)
    assert all((vault / f"{link}.md").exists() for link in links)


def test_links_to_papers_outside_the_selection_name_the_files_they_would_have(lib, tmp_path):
    out = tmp_path / "only-nvae"
    export(lib, out, [NVAE])
    assert f"- [[{STYLEGAN_NAME[:-3]}]]" in (out / NVAE_NAME).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the record


def test_the_record_is_kept_in_the_library(lib, vault):
    record = lib.export_record(folder_key(vault))
    assert set(record) == {NVAE, STYLEGAN}
    assert record[NVAE]["file"] == NVAE_NAME and record[NVAE]["note"] == OLD_NOTE and record[NVAE]["tags"] == ["vae"]
    assert lib.raw_rows("exports", "folders")[folder_key(vault)]["format"] == 1


def test_two_exports_into_one_folder_each_keep_their_records(lib, tmp_path):
    out = tmp_path / "v"
    export(lib, out, [NVAE])
    export(lib, out, [STYLEGAN])
    assert set(lib.export_record(folder_key(out))) == {NVAE, STYLEGAN}


def test_a_record_of_a_newer_reader_is_refused_in_one_line(lib, vault, capsys):
    with lib.transaction("exports"):
        lib.put("exports", {"folders": {folder_key(vault): {"format": 99, "papers": {}}}})
    with pytest.raises(LibraryError, match="newer reader"):
        lib.export_record(folder_key(vault))
    code = run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "newer reader" in err


def test_cli_lists_what_it_took_back(lib, vault, capsys):
    edit(vault / NVAE_NAME, "First thoughts.", "Edited.")
    edit(vault / NVAE_NAME, 'tags:\n  - "vae"\n', 'tags:\n  - "vae"\n  - "x"\n')
    code = run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"took back from {NVAE_NAME}: note, +x" in out
    assert "took back 1 note and 1 tag change from the folder" in out


def test_an_editor_that_strips_trailing_spaces_edits_nothing(lib, vault):
    """Many editors drop trailing spaces on save (the Authors line ends with two, a markdown
    line break): that is no edit of the generated part, nor of the note."""
    lib.set_note(NVAE, "a line with trailing spaces   \nnext")
    export(lib, vault)
    path = vault / NVAE_NAME
    path.write_text(re.sub(r"[ \t]+$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    steps = len(lib.history())
    result = export(lib, vault)
    assert not result.conflicts and not result.taken and len(lib.history()) == steps
    assert lib.note(NVAE) == "a line with trailing spaces   \nnext"
    # an edit made in such an editor still comes back
    path.write_text(re.sub(r"[ \t]+$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE).replace("next", "next, edited"), encoding="utf-8")
    result = export(lib, vault)
    assert not result.conflicts and lib.note(NVAE).endswith("next, edited")


def test_file_names_reach_the_terminal_without_escape_sequences(lib, vault, capsys):
    moved = vault / "notes \x1b[31mred\x1b[0m.md"
    (vault / NVAE_NAME).rename(moved)
    edit(moved, "First thoughts.", "Edited.")
    run(["--data-dir", str(lib.data_dir), "export", "--split", str(vault)])
    out, err = capsys.readouterr()
    assert "took back from notes red.md: note" in out and "\x1b" not in out + err
