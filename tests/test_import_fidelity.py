"""Issue 12 at the library and the command line: digest names and ``list --digest``, titles from
the digest until arXiv's replace them, tags of a whole digest, files of several digests, the
export's round trip with its notes, and the import messages (classes 6, 7, 8, 10 and 13)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.export import export_markdown
from reader.core.importer import import_paths
from reader.core.library import Library
from reader.core.snapshot import Snapshot

U = "https://arxiv.org/abs/"


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def lib(tmp_path) -> Library:
    return Library(tmp_path / "lib")


# --- 6. titles from the digest, until arXiv's replace the guessed ones -----------------------------


def test_file_name_title_is_marked_and_replaced_by_arxiv(lib, tmp_path):
    note = write(tmp_path / "notes" / "190620 XLNet.md", f"{U}1906.08237\n\n순열 LM.\n")
    written = write(tmp_path / "notes" / "190621 other.md", f"{U}1810.04805 BERT: Pre-training of Deep Transformers (Jacob Devlin)\n")
    import_paths(lib, [note, written])
    snap = Snapshot.load(lib)
    assert snap.title("1906.08237") == "XLNet"
    assert snap.title_source("1906.08237") == "digest"
    assert snap.title_guessed("1906.08237") and not snap.title_guessed("1810.04805")
    arxiv_title = "XLNet: Generalized Autoregressive Pretraining for Language Understanding"
    lib.store_metadata({
        "1906.08237": {"status": "ok", "metadata": {"title": arxiv_title, "authors": ["Zhilin Yang"]}},
        "1810.04805": {"status": "ok", "metadata": {"title": "BERT: arXiv's own title", "authors": []}},
    })
    snap = Snapshot.load(lib)
    assert (snap.title("1906.08237"), snap.title_source("1906.08237")) == (arxiv_title, "arxiv")
    assert not snap.title_guessed("1906.08237")
    # a title written in the digest stays the digest's
    assert (snap.title("1810.04805"), snap.title_source("1810.04805")) == (
        "BERT: Pre-training of Deep Transformers", "digest")


def test_list_json_says_where_the_title_comes_from(capsys, tmp_path):
    note = write(tmp_path / "190620 XLNet.md", f"{U}1906.08237\n")
    cli(capsys, "--data-dir", tmp_path / "lib", "import", note)
    _, out, _ = cli(capsys, "--data-dir", tmp_path / "lib", "list", "--json")
    (paper,) = json.loads(out)
    assert (paper["title"], paper["title_source"]) == ("XLNet", "digest")
    _, out, _ = cli(capsys, "--data-dir", tmp_path / "lib", "show", "1906.08237")
    assert out.splitlines()[:2] == [
        "1906.08237  XLNet", "(title from the note's file name; 'reader fetch 1906.08237' gets arXiv's)"]


# --- 7. names, and list --digest by date, name or id ---------------------------------------------


def test_undated_digests_have_names_not_ids(capsys, tmp_path):
    a = write(tmp_path / "d" / "reading list.md", f"{U}2007.01758\n")
    b = write(tmp_path / "d" / "spring" / "README.md", f"# Spring reading group\n\n{U}2007.01852\n")
    lib = ["--data-dir", tmp_path / "lib"]
    cli(capsys, *lib, "import", a, b)
    _, out, _ = cli(capsys, *lib, "list", "--json")
    digests = {p["arxiv_id"]: p["digests"] for p in json.loads(out)}
    assert digests == {"2007.01758": ["reading list"], "2007.01852": ["Spring reading group"]}
    library = Library(tmp_path / "lib")
    assert sorted(d.label for d in library.digests()) == ["Spring reading group", "reading list"]


def test_list_digest_takes_a_date_a_name_or_an_id(capsys, tmp_path):
    dated = write(tmp_path / "d" / "200712 week.md", f"# 200712 Papers that stood out\n\n{U}2007.01758\n")
    named = write(tmp_path / "d" / "reading list.md", f"{U}2007.01852\n")
    lib = ["--data-dir", tmp_path / "lib"]
    cli(capsys, *lib, "import", dated, named)
    ids = lambda out: [p["arxiv_id"] for p in json.loads(out)]  # noqa: E731
    assert ids(cli(capsys, *lib, "list", "--digest", "2020-07-12", "--json")[1]) == ["2007.01758"]
    assert ids(cli(capsys, *lib, "list", "--digest", "reading list", "--json")[1]) == ["2007.01852"]
    assert ids(cli(capsys, *lib, "list", "--digest", "READING LIST", "--json")[1]) == ["2007.01852"]
    assert ids(cli(capsys, *lib, "list", "--digest", "Papers that stood out", "--json")[1]) == ["2007.01758"]
    digest_id = Library(tmp_path / "lib").digests()[-1].id
    assert ids(cli(capsys, *lib, "list", "--digest", digest_id, "--json")[1]) == ["2007.01852"]
    code, _, err = cli(capsys, *lib, "list", "--digest", "no such thing")
    assert code == 1 and err.strip() == "reader: error: no digest dated or named 'no such thing'"


# --- 8. a digest's trailing tag line tags every paper in it --------------------------------------


def test_digest_tags_tag_every_paper(lib, tmp_path):
    week = write(tmp_path / "week.md", f"{U}2007.01758\n{U}2007.01852\n\n#reading\n")
    import_paths(lib, [week])
    assert lib.state("2007.01758").tags == ("reading",)
    assert lib.state("2007.01852").tags == ("reading",)


# --- 10. several digests in a file; the export's round trip ---------------------------------------

TWO_WEEKS = f"""
# 200712 This week

{U}2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai)
코멘트 A.

# 200705 Last week

{U}2007.01852 Language-agnostic BERT Sentence Embedding (Fangxiaoyu Feng, Yinfei Yang)
코멘트 B.
{U}2007.01758
다시 보니 좋다.
"""


def test_a_file_of_dated_sections_imports_as_several_digests(lib, tmp_path):
    path = write(tmp_path / "weeks.md", TWO_WEEKS)
    (outcome,) = import_paths(lib, [path])
    assert outcome.summary().endswith("imported, 2 digests, 3 entries, 2 new papers")
    digests = lib.digests()
    assert [(d.date.isoformat(), d.display_name, d.paper_ids) for d in digests] == [
        ("2020-07-12", "This week", ("2007.01758",)),
        ("2020-07-05", "Last week", ("2007.01852", "2007.01758")),
    ]
    assert [e.commentary for e in digests[1].entries] == ["코멘트 B.", "다시 보니 좋다."]
    # the file loses a section: re-importing leaves no stale digest behind
    path.write_text(TWO_WEEKS.split("# 200705")[0], encoding="utf-8")
    (again,) = import_paths(lib, [path])
    assert again.result is not None and again.result.status == "updated"
    assert [d.display_name for d in lib.digests()] == ["This week"]


def library_view(library: Library) -> tuple:
    snap = Snapshot.load(library)
    digests = sorted((str(d.date), d.display_name, d.paper_ids) for d in snap.digests)
    papers = {i: (snap.title(i), tuple(snap.authors(i)), snap.state(i).tags) for i in snap.papers}
    return digests, papers, dict(snap.notes)


def build_library(path: Path, tmp_path: Path) -> Library:
    library = Library(path)
    first = write(tmp_path / "src" / "200712 week.md", TWO_WEEKS.split("# 200705")[0])
    second = write(tmp_path / "src" / "reading list.md", f"""
        # Reading list

        - [Remix: Rebalanced Mixup]({U}2007.03943) (Hsin-Ping Chou, Wei Wei)
        - {U}2007.01758
        """)
    import_paths(library, [first, second])
    library.change_tags(["2007.03943"], ["mixup"])
    library.set_note("2007.01758", "my note\nwith two lines")
    library.queue_papers(["1912.12294"])
    return library


def test_export_then_import_gives_back_the_library(tmp_path):
    original = build_library(tmp_path / "original", tmp_path)
    export = tmp_path / "all.md"
    export.write_text(export_markdown(Snapshot.load(original)), encoding="utf-8")
    fresh = Library(tmp_path / "fresh")
    (outcome,) = import_paths(fresh, [export])
    assert outcome.error is None and outcome.skipped is None
    assert library_view(fresh) == library_view(original)
    assert "1912.12294" in fresh.papers()
    commentary = [e.commentary for d in fresh.digests() for e in d.entries]
    assert not any("my note" in text for text in commentary)
    before = [p.read_bytes() for p in sorted((tmp_path / "fresh").glob("*.json"))]
    (again,) = import_paths(fresh, [export])
    assert again.result is not None and again.result.status == "unchanged"
    assert [p.read_bytes() for p in sorted((tmp_path / "fresh").glob("*.json"))] == before


def test_an_exported_note_never_replaces_a_note(tmp_path):
    original = build_library(tmp_path / "original", tmp_path)
    export = tmp_path / "all.md"
    export.write_text(export_markdown(Snapshot.load(original)), encoding="utf-8")
    other = Library(tmp_path / "other")
    seed = write(tmp_path / "seed.md", f"{U}2007.01758\n")
    import_paths(other, [seed])
    other.set_note("2007.01758", "a different note")
    import_paths(other, [export])
    assert other.note("2007.01758") == "a different note"
    commentary = [e.commentary for d in other.digests() for e in d.entries if e.arxiv_id == "2007.01758"]
    assert any("my note\nwith two lines" in text for text in commentary)


# --- 13. messages ----------------------------------------------------------------------------------


def test_same_bytes_under_another_name_names_the_file_it_matches(capsys, tmp_path):
    a = write(tmp_path / "a.md", f"{U}2007.01758\n")
    b = write(tmp_path / "b.md", f"{U}2007.01758\n")
    lib = ["--data-dir", tmp_path / "lib"]
    cli(capsys, *lib, "import", a)
    code, out, err = cli(capsys, *lib, "import", b)
    assert code == 0 and err == ""
    assert out.strip() == f"{b}: already imported (same as {a.resolve()}), 1 entry"


def test_import_results_are_one_line_per_file_on_one_stream(capsys, tmp_path):
    folder = tmp_path / "notes"
    write(folder / "good.md", f"{U}2007.01758\n")
    write(folder / "empty.md", "just words\n")
    (folder / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 100)
    write(folder / "odd.md", f"{U}2007.01758\nsee {U}2203.0712\n")
    code, out, err = cli(capsys, "--data-dir", tmp_path / "lib", "import", folder, tmp_path / "nope.md")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{tmp_path / 'nope.md'}: error: no such file or directory",
        f"{folder / 'binary.md'}: error: looks like a binary file, not a text digest",
        f"{folder / 'empty.md'}: skipped: no arXiv links found",
        f"{folder / 'good.md'}: imported, 1 entry, 1 new paper",
        f"{folder / 'odd.md'}: imported, 1 entry, 0 new papers, 1 warning",
        f"{folder / 'odd.md'}:2: warning: malformed arXiv id '2203.0712'",
    ]


def test_file_warnings_without_a_line_say_none(capsys, tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes(f"{U}2007.01758 caf\u00e9\n".encode("cp1252"))
    _, out, _ = cli(capsys, "--data-dir", tmp_path / "lib", "import", path)
    assert ":0:" not in out
    assert f"{path}: warning: not valid UTF-8" in out
    _, _, err = cli(capsys, "parse", path)
    assert ":0:" not in err and f"{path}: warning: not valid UTF-8" in err
