"""Followed folders: ``reader import DIR`` remembers DIR, ``reader folders`` lists and forgets,
``reader update`` imports what is new or changed there (and nothing else)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reader.cli import run
from reader.core import followed_folders
from reader.core.library import Library


def digest(day: str, *papers: tuple[str, str, str]) -> str:
    """A weekly digest: ``# YYMMDD`` and one entry per (id, title, commentary)."""
    lines = [f"# {day} Papers of the week", ""]
    for arxiv_id, title, commentary in papers:
        lines += [f"https://arxiv.org/abs/{arxiv_id} {title} (Ann Author)", commentary, ""]
    return "\n".join(lines)


NVAE = ("2007.03898", "NVAE: A Deep Hierarchical Variational Autoencoder", "Deep.")
STYLE = ("2007.01758", "Collaborative Learning for Faster StyleGAN Embedding", "Fast.")
LABSE = ("2007.01852", "Language-agnostic BERT Sentence Embedding", "Many languages.")
DDPM = ("2006.11239", "Denoising Diffusion Probabilistic Models", "Noise.")
LORA = ("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models", "Adapters.")


def cli(capsys, *args: object) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def library() -> Library:
    return Library(Path(os.environ["READER_DATA_DIR"]))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A synced digest folder of two weeks, one of them in a subfolder."""
    root = tmp_path / "digests"
    (root / "2020").mkdir(parents=True)
    (root / "200705.md").write_text(digest("200705", DDPM, LORA), encoding="utf-8")
    (root / "2020" / "200712.md").write_text(digest("200712", NVAE, STYLE), encoding="utf-8")
    (root / "README.txt").write_text("Digests, weekly.\n", encoding="utf-8")  # no links: no digest
    return root


def updated(capsys, *extra: str) -> tuple[int, dict, str]:
    code, out, err = cli(capsys, "update", "--json", *extra)
    return code, json.loads(out), err


def only(report: dict) -> dict:
    (found,) = report["folders"]
    return found


# ------------------------------------------------------------ remembering


def test_import_of_a_folder_remembers_it_and_a_file_does_not(capsys, folder, tmp_path):
    single = tmp_path / "200719.md"
    single.write_text(digest("200719", LABSE), encoding="utf-8")
    assert cli(capsys, "import", single)[0] == 0
    assert followed_folders.followed(library()) == []
    code, out, _ = cli(capsys, "import", folder / ".." / "digests")  # remembered resolved
    assert code == 0
    (seen,) = followed_folders.followed(library())
    assert seen.path == str(folder.resolve())
    assert sorted(seen.files) == ["200705.md", "2020/200712.md", "README.txt"]
    code, out, _ = cli(capsys, "folders", "--json")
    (listed,) = json.loads(out)
    assert listed["path"] == str(folder.resolve()) and listed["exists"] is True and listed["files"] == 3
    assert listed["imported"] and listed["added"]
    code, out, _ = cli(capsys, "folders")
    assert code == 0 and str(folder.resolve()) in out and "3 files" in out


def test_an_update_right_after_the_import_is_a_no_op_and_says_so(capsys, folder):
    cli(capsys, "import", folder)
    before = library().storage("catalog").disk_signature()
    code, out, err = cli(capsys, "update")
    assert code == 0, err
    assert out.strip() == f"{folder.resolve()}: nothing new (3 files unchanged)"
    assert library().storage("catalog").disk_signature() == before  # nothing written


def test_new_changed_gone_and_repeated(capsys, folder, monkeypatch):
    cli(capsys, "import", folder)
    lib = library()
    nvae_digest = {d.source: d.id for d in lib.digests()}[str((folder / "2020" / "200712.md").resolve())]
    cli(capsys, "mark", "2007.03898", "--read")
    cli(capsys, "tag", "2007.03898", "+vae")
    cli(capsys, "note", "2007.03898", "--set", "my own words")
    # a new week, a changed week (commentary edited, a paper added), a week deleted
    (folder / "2020" / "200719.md").write_text(digest("200719", LABSE), encoding="utf-8")
    (folder / "2020" / "200712.md").write_text(
        digest("200712", ("2007.03898", NVAE[1], "Deep, and now with a second look."), STYLE, LABSE), encoding="utf-8"
    )
    (folder / "200705.md").unlink()
    parsed: list[str] = []
    from reader.core import importer

    real_parse = importer.parse_for_import
    monkeypatch.setattr(importer, "parse_for_import", lambda p, *a: parsed.append(Path(p).name) or real_parse(p, *a))
    code, report, err = updated(capsys)
    assert code == 0, err
    found = only(report)
    assert found["path"] == str(folder.resolve()) and found["exists"] is True
    assert found["new"] == ["2020/200719.md"]
    assert found["changed"] == ["2020/200712.md"]
    assert found["gone"] == ["200705.md"] and found["unchanged"] == 1  # README.txt
    assert sorted(parsed) == ["200712.md", "200719.md"]  # the unchanged files are not parsed again
    lib = library()
    digests = {d.source: d for d in lib.digests()}
    changed = digests[str((folder / "2020" / "200712.md").resolve())]
    assert changed.id == nvae_digest  # the same digest, updated
    assert [e.arxiv_id for e in changed.entries] == ["2007.03898", "2007.01758", "2007.01852"]
    assert "second look" in changed.entries[0].commentary
    assert str((folder / "200705.md").resolve()) in digests  # a deleted file removes nothing
    assert lib.state("2007.03898").read and lib.state("2007.03898").tags == ("vae",)
    assert lib.note("2007.03898") == "my own words"
    # The second run: nothing to do, said in one line; the gone file is not reported again.
    code, out, err = cli(capsys, "update")
    assert code == 0 and out.strip() == f"{folder.resolve()}: nothing new (3 files unchanged)"


def test_the_text_summary_names_each_kind_once(capsys, folder):
    cli(capsys, "import", folder)
    (folder / "2020" / "200719.md").write_text(digest("200719", LABSE), encoding="utf-8")
    (folder / "200705.md").unlink()
    code, out, _ = cli(capsys, "update")
    lines = out.strip().splitlines()
    assert code == 0
    assert any(line.startswith(f"{folder.resolve() / '2020' / '200719.md'}: imported") for line in lines)
    assert lines[-1] == (
        f"{folder.resolve()}: 1 new, 0 changed, 2 unchanged, 1 gone (1 file gone from this folder; its digest is kept)"
    )


def test_mtime_alone_decides_nothing(capsys, folder):
    """A file rewritten with the same size and time (a sync tool, a checkout) is still seen
    changed; one touched without a change is not parsed again."""
    cli(capsys, "import", folder)
    path = folder / "2020" / "200712.md"
    stat = path.stat()
    path.write_text(digest("200712", NVAE, ("2007.01758", STYLE[1], "Qast.")), encoding="utf-8")  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    code, report, _ = updated(capsys)
    assert only(report)["changed"] == ["2020/200712.md"]
    os.utime(folder / "200705.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))  # touched only
    code, report, _ = updated(capsys)
    assert code == 0 and only(report)["changed"] == [] and only(report)["unchanged"] == 3


def test_a_renamed_file_keeps_its_digest_and_later_changes_update_it(capsys, folder):
    cli(capsys, "import", folder)
    old = folder / "2020" / "200712.md"
    before = {d.source: d.id for d in library().digests()}[str(old.resolve())]
    new = folder / "2020" / "2020-07-12 week 28.md"
    old.rename(new)
    code, report, err = updated(capsys)
    assert code == 0, err
    found = only(report)
    assert found["renamed"] == [{"from": "2020/200712.md", "to": "2020/2020-07-12 week 28.md"}]
    assert found["new"] == [] and found["gone"] == []
    digests = {d.source: d.id for d in library().digests()}
    assert digests == {
        str(new.resolve()): before,
        str((folder / "200705.md").resolve()): digests[str((folder / "200705.md").resolve())],
    }
    new.write_text(digest("200712", NVAE, STYLE, LABSE), encoding="utf-8")
    code, report, _ = updated(capsys)
    assert only(report)["changed"] == ["2020/2020-07-12 week 28.md"]
    (digest_now,) = [d for d in library().digests() if d.source == str(new.resolve())]
    assert digest_now.id == before and len(digest_now.entries) == 3
    assert len(library().digests()) == 2  # no second copy of that week


def test_a_gone_folder_is_named_and_the_others_still_update(capsys, folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "200719.md").write_text(digest("200719", LABSE), encoding="utf-8")
    cli(capsys, "import", folder)
    cli(capsys, "import", other)
    (other / "200726.md").write_text(digest("200726", ("2007.13332", "A Paper of Week 30", "New.")), encoding="utf-8")
    shutil.rmtree(folder)
    code, out, _ = cli(capsys, "update")
    assert code == 1
    assert f"{folder.resolve()}: error: the folder is gone" in out
    assert "reader folders remove" in out
    assert f"{other.resolve()}: 1 new, 0 changed, 1 unchanged, 0 gone" in out
    assert "2007.13332" in {p for p in library().papers()}
    code, report, _ = updated(capsys)
    assert code == 1
    gone = next(f for f in report["folders"] if f["path"] == str(folder.resolve()))
    assert gone["exists"] is False and gone["error"]
    listed = {f["path"]: f for f in json.loads(cli(capsys, "folders", "--json")[1])}
    assert listed[str(folder.resolve())]["exists"] is False


def test_a_bad_file_is_reported_and_tried_again(capsys, folder):
    cli(capsys, "import", folder)
    bad = folder / "200719.md"
    bad.write_bytes(b"\x89PNG\r\n" + b"\x00\x01\x02\x80\x81\xfe\x00\x00\xd8\x00" * 200)  # binary: no digest
    code, out, _ = cli(capsys, "update")
    assert code == 1 and f"{bad.resolve()}: error" in out
    bad.write_text(digest("200719", LABSE), encoding="utf-8")  # fixed: now it imports
    code, report, _ = updated(capsys)
    assert code == 0 and only(report)["new"] == ["200719.md"]


def test_folders_remove_forgets_and_removes_no_digest(capsys, folder, tmp_path):
    cli(capsys, "import", folder)
    digests = len(library().digests())
    code, out, err = cli(capsys, "folders", "remove", folder / ".." / "digests")
    assert code == 0 and str(folder.resolve()) in out
    assert followed_folders.followed(library()) == []
    assert len(library().digests()) == digests
    code, out, err = cli(capsys, "folders", "remove", tmp_path / "never")
    assert code == 1 and err.strip() == (
        f"reader: error: not a followed folder: {(tmp_path / 'never').resolve()} (see 'reader folders')"
    )
    code, out, err = cli(capsys, "update")
    assert code == 0 and "no followed folders" in out + err


def test_update_follows_a_forget_made_meanwhile(capsys, folder):
    """A record is written on the record as it is on disk: an update does not bring back a
    folder another process forgot while it ran."""
    cli(capsys, "import", folder)
    (folder / "200719.md").write_text(digest("200719", LABSE), encoding="utf-8")
    lib = library()
    real = followed_folders.import_paths

    def forget_first(*args, **kwargs):
        followed_folders.forget(Library(lib.data_dir), str(folder.resolve()))
        return real(*args, **kwargs)

    followed_folders.import_paths = forget_first  # type: ignore[assignment]
    try:
        followed_folders.update(lib)
    finally:
        followed_folders.import_paths = real  # type: ignore[assignment]
    assert followed_folders.followed(library()) == []


def test_doctor_checks_and_backups_keep_the_record(capsys, folder):
    cli(capsys, "import", folder)
    code, out, _ = cli(capsys, "doctor")
    assert code == 0 and "folders.json: ok" in out
    path = library().data_dir / "folders.json"
    path.write_text("{broken", encoding="utf-8")
    code, out, err = cli(capsys, "folders")
    assert code == 1 and "folders.json" in err and "reader doctor" in err


def test_a_record_from_a_newer_reader_is_refused(capsys, folder):
    cli(capsys, "import", folder)
    lib = library()
    key = str(folder.resolve())
    with lib.transaction("folders"):
        lib.put("folders", {"folders": {key: {"format": 99, "files": {}}}})
    code, out, err = cli(capsys, "update")
    assert code == 1 and "newer reader" in out + err
    assert library().raw_rows("folders", "folders")[key]["format"] == 99  # left as it is


def test_pending_sees_new_and_changed_without_importing(folder):
    lib = library()
    followed_folders.import_folder_paths(lib, [folder])
    assert followed_folders.pending(lib) == []
    (folder / "200719.md").write_text(digest("200719", LABSE), encoding="utf-8")
    (folder / "2020" / "200712.md").write_text(digest("200712", NVAE), encoding="utf-8")
    (found,) = followed_folders.pending(lib)
    assert found.path == str(folder.resolve()) and found.new == 1 and found.changed == 1
    assert len(lib.digests()) == 2  # nothing imported
