"""The command line, run in-process against a tmp_path library."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from reader.cli import run

WEEK = textwrap.dedent(
    """\
    # 200712 Papers that stood out

    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz)
    Deep hierarchies done carefully; compare BIVA (https://arxiv.org/abs/1902.02102).
    https://arxiv.org/abs/2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai)
    Encoder plus optimisation, see also (https://arxiv.org/abs/2007.03898).
    """
)


@pytest.fixture
def week(tmp_path):
    path = tmp_path / "200712 week.md"
    path.write_text(WEEK, encoding="utf-8")
    return path


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_shape(capsys, week):
    code, out, _ = cli(capsys, "parse", week, "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"source", "date", "title", "name", "entries", "warnings"}
    assert data["date"] == "2020-07-12" and data["title"] == data["name"] == "Papers that stood out"
    first = data["entries"][0]
    assert set(first) == {"arxiv_id", "version", "title", "title_source", "authors", "commentary", "references", "tags", "note"}
    assert first["title_source"] == "digest" and first["note"] == ""
    assert first["authors"] == ["Arash Vahdat", "Jan Kautz"]
    assert first["references"] == ["1902.02102"]


def test_import_then_reimport(capsys, week):
    code, out, _ = cli(capsys, "import", week)
    assert code == 0 and "imported, 2 entries, 2 new papers" in out
    code, out, _ = cli(capsys, "import", week)
    assert code == 0 and "already imported" in out


def test_import_a_folder_with_bad_files(capsys, tmp_path, week):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text(WEEK.replace("200712", "200719"), encoding="utf-8")
    (folder / "empty.md").write_text("just words, no links\n", encoding="utf-8")
    (folder / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 100)
    code, out, err = cli(capsys, "import", folder)
    assert code == 1 and err == ""  # every file's result on stdout
    assert "a.md: imported" in out
    assert "empty.md: skipped: no arXiv links" in out
    assert "binary.md: error:" in out
    assert "Traceback" not in out + err


def test_import_missing_path_is_one_line(capsys, tmp_path, week):
    code, out, err = cli(capsys, "import", tmp_path / "nope.md", week)
    assert code == 1 and err == "" and "nope.md: error: no such file" in out and "imported" in out


def test_list_json_and_filters(capsys, week):
    cli(capsys, "import", week)
    cli(capsys, "mark", "2007.03898", "--read")
    cli(capsys, "tag", "https://arxiv.org/abs/2007.01758v2", "+gan", "+inversion")
    _code, out, _ = cli(capsys, "list", "--json")
    papers = {p["arxiv_id"]: p for p in json.loads(out)}
    assert set(papers["2007.03898"]) == {
        "arxiv_id", "title", "title_source", "authors", "read", "tags", "note", "digests", "mentioned_in"}
    assert papers["2007.03898"]["read"] is True
    assert papers["2007.03898"]["mentioned_in"] == ["2007.01758"]
    assert papers["2007.01758"]["tags"] == ["gan", "inversion"]
    assert papers["2007.01758"]["digests"] == ["2020-07-12"]
    _, out, _ = cli(capsys, "list", "--unread", "--json")
    assert [p["arxiv_id"] for p in json.loads(out)] == ["2007.01758"]
    _, out, _ = cli(capsys, "list", "--tag", "gan")
    assert "2007.01758" in out and "2007.03898" not in out
    _, out, _ = cli(capsys, "list", "--week", "2020-W28", "--json")
    assert len(json.loads(out)) == 2
    _, out, _ = cli(capsys, "list", "--week", "2020-W29", "--json")
    assert json.loads(out) == []
    _, out, _ = cli(capsys, "list", "--digest", "2020-07-12", "--read", "--json")
    assert [p["arxiv_id"] for p in json.loads(out)] == ["2007.03898"]


def test_tag_removal_and_empty_tag(capsys, week):
    cli(capsys, "import", week)
    cli(capsys, "tag", "2007.01758", "+a", "+b")
    code, out, _ = cli(capsys, "tag", "2007.01758", "-a")
    assert code == 0
    _, out, _ = cli(capsys, "show", "2007.01758", "--json")
    assert json.loads(out)["tags"] == ["b"]
    code, _, err = cli(capsys, "tag", "2007.01758", "+")
    assert code == 1 and "empty tag" in err


def test_unknown_id_is_an_error(capsys, week):
    cli(capsys, "import", week)
    code, _, err = cli(capsys, "mark", "2001.99999", "--read")
    assert code == 1 and err.strip() == "reader: error: not in the library: 2001.99999"
    code, _, err = cli(capsys, "show", "not-an-id")
    assert code == 1 and "not an arXiv id" in err


def test_note_set_append_and_editor(capsys, week, monkeypatch, tmp_path):
    cli(capsys, "import", week)
    cli(capsys, "note", "2007.03898", "--set", "first")
    cli(capsys, "note", "2007.03898", "--append", "second")
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\np = sys.argv[1]\nopen(p, 'a').write('\\nthird')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    code, out, _ = cli(capsys, "note", "2007.03898")
    assert code == 0
    _, out, _ = cli(capsys, "show", "2007.03898", "--json")
    assert json.loads(out)["note"] == "first\n\nsecond\nthird"


def test_show_json_has_commentary_and_status(capsys, week):
    cli(capsys, "import", week)
    _, out, _ = cli(capsys, "show", "2007.03898", "--json")
    data = json.loads(out)
    assert data["status"] == "not_fetched" and data["arxiv"] is None
    assert data["commentary"][0]["references"] == ["1902.02102"]
    code, out, _ = cli(capsys, "show", "2007.03898")
    assert code == 0 and "NVAE" in out and "References:" in out and "Mentioned in: 2007.01758" in out


def test_export_round_trips_through_parse(capsys, week, tmp_path):
    cli(capsys, "import", week)
    cli(capsys, "tag", "2007.01758", "+gan")
    cli(capsys, "mark", "2007.01758", "--read")
    cli(capsys, "note", "2007.01758", "--set", "My own words.\nhttps://arxiv.org/abs/2001.00001 is related\n1. Title https://arxiv.org/abs/2002.00002")
    out_file = tmp_path / "notes.md"
    code, out, _ = cli(capsys, "export", "-o", out_file)
    assert code == 0 and str(out_file) in out
    text = out_file.read_text(encoding="utf-8")
    assert "## [Collaborative Learning for Faster StyleGAN Embedding](https://arxiv.org/abs/2007.01758)" in text
    assert "> Encoder plus optimisation" in text and "### Notes" in text and "My own words." in text
    _, out, _ = cli(capsys, "parse", out_file, "--json")
    parsed = json.loads(out)
    assert [e["arxiv_id"] for e in parsed["entries"]] == ["2007.03898", "2007.01758"]
    assert parsed["entries"][1]["title"] == "Collaborative Learning for Faster StyleGAN Embedding"
    assert parsed["entries"][1]["authors"] == ["Shanyan Guan", "Ying Tai"]
    assert parsed["entries"][1]["tags"] == ["gan"]


def test_export_with_nothing_matching(capsys, week):
    cli(capsys, "import", week)
    code, out, err = cli(capsys, "export", "--tag", "nothing")
    assert code == 0 and out == "" and "nothing to export" in err


def test_export_to_unwritable_path(capsys, week, tmp_path):
    cli(capsys, "import", week)
    code, _, err = cli(capsys, "export", "-o", tmp_path / "missing-dir" / "x.md")
    assert code == 1 and err.startswith("reader: error: cannot write")


def test_doctor_restores_a_damaged_file(capsys, week, tmp_path):
    from reader.core.library import Library
    from reader.core.locations import data_dir

    cli(capsys, "import", week)
    cli(capsys, "mark", "2007.03898", "--read")
    library = Library(data_dir())
    library.backups.maybe_backup(library.data_dir / "state.json")
    (library.data_dir / "state.json").write_text('{"papers": {', encoding="utf-8")
    code, _, err = cli(capsys, "list")
    assert code == 1 and "state.json is damaged" in err and "reader doctor --restore" in err
    code, out, _ = cli(capsys, "doctor")
    assert code == 1 and "state.json: DAMAGED" in out
    code, out, _ = cli(capsys, "doctor", "--restore")
    assert code == 0 and "restored from the backup" in out and "lost" in out
    code, out, _ = cli(capsys, "list", "--read", "--json")
    assert [p["arxiv_id"] for p in json.loads(out)] == ["2007.03898"]


def test_no_traceback_from_the_real_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(tmp_path)], capture_output=True, text=True
    )
    assert "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "reader", "parse", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1
