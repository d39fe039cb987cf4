"""`reader export --csl-json` and `--ris` (core/reference_export.py): a selection moves into a
reference manager with its notes. Each format is parsed back by a library: CSL-JSON by
citeproc-py (which also formats a bibliography from it), RIS by rispy's parser."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.reference_export import export_csl_json, export_ris, split_name
from reader.core.snapshot import Snapshot

citeproc = pytest.importorskip("citeproc")
rispy = pytest.importorskip("rispy")

NVAE = "2007.03898"
STYLEGAN = "2007.01758"
OLD = "hep-th/9901001"
NOTE = (
    "Deep hierarchies — 인코더와 임베딩, \"quoted\", {braces} & 100%.\n"
    "ER  - this line is not the end of the record\n"
    "TY  - JOUR\n"
    "\n"
    "A second paragraph, after a blank line."
)
# How Zotero's RIS translator tells a tag line from a continuation line.
ZOTERO_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")


@pytest.fixture
def snapshot(tmp_path: Path) -> Snapshot:
    library = Library(tmp_path / "lib")
    digest = ParsedDigest(
        "w.md",
        dt.date(2020, 7, 12),
        "W",
        [
            Entry(NVAE, None, "NVAE: A Deep Hierarchical Variational Autoencoder", ["Arash Vahdat", "Jan Kautz"]),
            Entry(STYLEGAN, None, "Collaborative Learning for Faster StyleGAN Embedding", ["Shanyan Guan", "Jan van der Berg", "et al."]),
            Entry(OLD, None, "Strings", ["Ed Witten"]),
        ],
    )
    library.import_digests([(digest, "s")])
    library.set_note(NVAE, NOTE)
    library.change_tags([NVAE], ["vae", "생성모델"])
    library.store_metadata(
        {NVAE: {"status": "ok", "metadata": {
            "title": "NVAE: A Deep Hierarchical Variational Autoencoder", "authors": ["Arash Vahdat", "Jan Kautz"],
            "published": "2020-07-08T17:55:59Z", "abstract": "We propose NVAE,\na deep hierarchical VAE.",
            "doi": "10.5555/nvae", "primary_category": "stat.ML"}}}
    )
    return Snapshot.load(library)


def test_csl_json_parses_back_with_its_note(snapshot):
    text = export_csl_json(snapshot, [NVAE, STYLEGAN, OLD, NVAE])
    items = json.loads(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # citeproc-py warns of any variable CSL does not define
        source = citeproc.source.json.CiteProcJSON(items)
    assert len(items) == 3 and all(item["type"] == "article" for item in items)
    nvae = source[items[0]["id"]]
    assert str(nvae.get("title")) == "NVAE: A Deep Hierarchical Variational Autoencoder"
    assert str(nvae.get("note")) == NOTE  # verbatim, line breaks and all
    assert [(a["family"], a["given"]) for a in nvae.get("author")] == [("Vahdat", "Arash"), ("Kautz", "Jan")]
    assert (nvae.get("issued")["year"], nvae.get("issued")["month"], nvae.get("issued")["day"]) == (2020, 7, 8)
    assert str(nvae.get("keyword")) == "vae, 생성모델" and str(nvae.get("DOI")) == "10.5555/nvae"
    assert str(nvae.get("number")) == "arXiv:2007.03898" and str(nvae.get("publisher")) == "arXiv"
    assert str(nvae.get("abstract")) == "We propose NVAE, a deep hierarchical VAE."
    stylegan = source[items[1]["id"]]
    assert [a.get("family") for a in stylegan.get("author")] == ["Guan", "van der Berg"]  # "et al." is no one
    assert stylegan.get("issued")["year"] == 2020 and stylegan.get("issued")["month"] == 7
    assert "note" not in items[1]
    assert source[items[2]["id"]].get("issued")["year"] == 1999 and items[2]["URL"] == "https://arxiv.org/abs/hep-th/9901001"
    # and a bibliography formats from it
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
    bibliography.register(citeproc.Citation([citeproc.CitationItem(items[0]["id"])]))
    (entry,) = [str(line) for line in bibliography.bibliography()]
    assert entry.startswith("Vahdat, A. and Kautz, J. (2020) “NVAE: A Deep Hierarchical Variational Autoencoder”. arXiv.")


def test_ris_parses_back_with_its_note(snapshot):
    text = export_ris(snapshot, [NVAE, STYLEGAN, OLD])
    records = rispy.loads(text)
    assert [r["type_of_reference"] for r in records] == ["UNPB"] * 3
    nvae, stylegan, old = records
    assert nvae["title"] == "NVAE: A Deep Hierarchical Variational Autoencoder"
    assert nvae["authors"] == ["Vahdat, Arash", "Kautz, Jan"]
    assert nvae["year"] == "2020" and nvae["date"] == "2020/07/08/" and nvae["doi"] == "10.5555/nvae"
    assert nvae["keywords"] == ["vae", "생성모델"] and nvae["urls"] == ["https://arxiv.org/abs/2007.03898"]
    # rispy reads a value's later lines as further items; together they are the note
    assert "\n".join(nvae["notes"]) == NOTE
    assert stylegan["authors"] == ["Guan, Shanyan", "van der Berg, Jan"] and "notes" not in stylegan
    assert old["date"] == "1999/01//" and old["note"] == "arXiv:hep-th/9901001"


def test_ris_note_lines_never_read_as_tags(snapshot):
    """Zotero's reader takes any line like 'ER  - ' for a tag: the note's are indented."""
    lines = export_ris(snapshot, [NVAE]).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("N1  - "))
    end = next(i for i, line in enumerate(lines) if i > start and ZOTERO_TAG_LINE.match(line))
    assert [line.strip() for line in lines[start + 1 : end]] == NOTE.split("\n")[1:]
    assert lines[end].startswith("ER  - ") and not lines[-1].strip()


def test_split_name():
    assert split_name("Arash Vahdat") == {"family": "Vahdat", "given": "Arash"}
    assert split_name("Vahdat, Arash") == {"family": "Vahdat", "given": "Arash"}
    assert split_name("Ludwig van Beethoven") == {"family": "van Beethoven", "given": "Ludwig"}
    assert split_name("Martin Luther King Jr.") == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    assert split_name("Plato") == {"literal": "Plato"}


@pytest.mark.parametrize(("flag", "name"), [("--csl-json", "CSL-JSON"), ("--ris", "RIS")])
def test_cli_writes_a_selection_to_a_file(snapshot, tmp_path, capsys, flag, name):
    data_dir = tmp_path / "lib"
    out = tmp_path / f"papers{flag}"
    code = run(["--data-dir", str(data_dir), "export", flag, "-o", str(out), "tag:vae"])
    assert code == 0 and capsys.readouterr().out == f"exported 1 paper to {out} as {name}\n"
    text = out.read_text(encoding="utf-8")
    parsed = json.loads(text) if flag == "--csl-json" else rispy.loads(text)
    assert len(parsed) == 1 and "2007.03898" in text and "Strings" not in text


def test_cli_writes_to_stdout(snapshot, tmp_path, capsys):
    code = run(["--data-dir", str(tmp_path / "lib"), "export", "--ris"])
    out = capsys.readouterr().out
    assert code == 0 and len(rispy.loads(out)) == 3


def test_cli_formats_are_one_at_a_time(tmp_path):
    with pytest.raises(SystemExit):
        run(["--data-dir", str(tmp_path / "lib"), "export", "--ris", "--csl-json"])
