"""`reader export --bibtex`: arXiv fields, LaTeX escaping, and keys that never move."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.cli import run
from reader.core.bibtex import bibtex_entry, bibtex_key, export_bibtex, latex_escape
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot

bibtexparser = pytest.importorskip("bibtexparser")

NVAE = "2007.03898"
OLD = "hep-th/9901001"


def entry(arxiv_id, title, authors=("Arash Vahdat", "Jan Kautz")):
    return Entry(arxiv_id, 1, title, list(authors), "", [], [])


def library(tmp_path, entries, name="lib"):
    lib = Library(tmp_path / name)
    lib.import_digests([(ParsedDigest("w.md", dt.date(2020, 7, 12), "W", entries), "sha")])
    return lib


def add(lib, entries, source):
    lib.import_digests([(ParsedDigest(source, dt.date(2020, 8, 2), "Later", entries), source)])


def parse(text):
    """Parse with bibtexparser: every entry must come back, nothing may fail."""
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks, [b.error for b in parsed.failed_blocks]
    return {e.key: {f.key: f.value for f in e.fields} for e in parsed.entries}


def test_fields_of_a_fetched_paper(tmp_path):
    lib = library(tmp_path, [entry(NVAE, "NVAE: A Deep Hierarchical Variational Autoencoder")])
    lib.store_metadata(
        {
            NVAE: {
                "status": "ok",
                "metadata": {
                    "title": "NVAE: A Deep Hierarchical Variational Autoencoder",
                    "authors": ["Arash Vahdat", "Jan Kautz"],
                    "primary_category": "stat.ML",
                    "categories": ["stat.ML", "cs.LG"],
                    "published": "2020-07-08T17:55:59Z",
                    "doi": "10.1000/xyz_123",
                    "journal_ref": "NeurIPS 2020 & co",
                    "version": 3,
                },
            }
        }
    )
    text = export_bibtex(Snapshot.load(lib), [NVAE])
    assert text.startswith("@misc{vahdat2020nvae-2007.03898,\n")
    fields = parse(text)["vahdat2020nvae-2007.03898"]
    assert fields == {
        "title": "{NVAE}: A Deep Hierarchical Variational Autoencoder",
        "author": "Arash Vahdat and Jan Kautz",
        "year": "2020",
        "eprint": "2007.03898",
        "archivePrefix": "arXiv",
        "primaryClass": "stat.ML",
        "url": "https://arxiv.org/abs/2007.03898",
        "doi": "10.1000/xyz_123",
        "journal": r"NeurIPS 2020 \& co",
    }


def test_no_metadata_fetched(tmp_path):
    lib = library(tmp_path, [entry(NVAE, "NVAE"), entry(OLD, "Anti-de Sitter space and holography", ["Edward Witten"])])
    snap = Snapshot.load(lib)
    entries = parse(export_bibtex(snap, [NVAE, OLD]))
    nvae = entries["vahdat2020nvae-2007.03898"]
    assert nvae["year"] == "2020" and nvae["eprint"] == NVAE and nvae["archivePrefix"] == "arXiv"
    assert "primaryClass" not in nvae and "doi" not in nvae and "journal" not in nvae
    old = entries["witten1999anti-hep-th_9901001"]
    assert old["eprint"] == OLD and old["year"] == "1999" and old["primaryClass"] == "hep-th"
    assert old["url"] == "https://arxiv.org/abs/hep-th/9901001"


def test_paper_with_no_title_or_authors(tmp_path):
    lib = library(tmp_path, [Entry("2101.00001", None, None, [], "", [], [])])
    text = export_bibtex(Snapshot.load(lib), ["2101.00001"])
    fields = parse(text)["arxiv2021-2101.00001"]
    assert "title" not in fields and "author" not in fields and fields["year"] == "2021"


def test_version_is_never_in_eprint(tmp_path):
    lib = library(tmp_path, [entry(NVAE, "NVAE")])
    text = bibtex_entry(Snapshot.load(lib), NVAE + "v2")
    assert "eprint        = {2007.03898}" in text and "v2" not in text


TRICKY = [
    "A {braced} title",
    "Unbalanced { brace and } the other } way",
    "50% of 1 & 2_3 #4 costs $5 or $6",
    "Backslash \\ tilde ~ caret ^ <angle> pipe |",
    "Über naïve café — 한국어 제목: 인코더",
    "Math stays: $O(n^{2})$ and $\\ell_1$ norms",
    'Schr\\"odinger and Erd\\H{o}s',
    "",
]


@pytest.mark.parametrize("title", TRICKY)
def test_tricky_titles_make_valid_bibtex(tmp_path, title):
    lib = library(tmp_path, [entry(NVAE, title, ["Jörg Müller", "김철수", "R. & D. Team"])])
    text = export_bibtex(Snapshot.load(lib), [NVAE])
    (fields,) = parse(text).values()
    for value in fields.values():
        assert _balanced(value)
        text = re.sub(r"\$[^$]*\$", "", value)  # math keeps its _ and ^
        assert not re.search(r"(?<!\\)[%&#_]", text) or key_is_verbatim(value)
    assert fields["author"] == r"Jörg Müller and 김철수 and R. \& D. Team"


def test_escaping_reads_back_as_the_title():
    latex2text = pytest.importorskip("pylatexenc.latex2text")  # comes with bibtexparser
    decode = latex2text.LatexNodes2Text().latex_to_text
    # (pylatexenc knows no \\textless, \\textbar, \\textbraceleft…; LaTeX does: see below)
    for title in ["50% of 1 & 2_3 #4 costs $5", "Über naïve café — 한국어", "d ~ e", "z \\ w"]:
        escaped = latex_escape(title)
        assert _balanced(escaped)
        assert " ".join(decode(escaped).split()) == title, escaped


def test_specific_escapes():
    assert latex_escape("Unbalanced { brace") == r"Unbalanced \textbraceleft{} brace"
    assert latex_escape("a_b 50% & #1") == r"a\_b 50\% \& \#1"
    assert latex_escape("$x^2$ costs $5 or $6") == r"$x^2$ costs \$5 or \$6"
    assert latex_escape("$a{$ b") == r"\$a\textbraceleft{}\$ b"  # unbalanced "math" is text
    assert latex_escape('Schr\\"odinger {\\"o} \\"{o} \\c{c}') == "Schrödinger ö ö ç"
    assert latex_escape("NVAE: StyleGAN (GAN) and BERT-like", protect_case=True) == (
        "{NVAE}: {StyleGAN} ({GAN}) and {BERT-like}"
    )
    assert latex_escape("Attention Is All You Need", protect_case=True) == "Attention Is All You Need"
    assert latex_escape("a < b > c | d ^ e") == r"a \textless{} b \textgreater{} c \textbar{} d \textasciicircum{} e"
    assert latex_escape("line\nbreaks\t and\x00 controls\u202e") == "line breaks and controls"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_escaping_always_balances_braces(text):
    assert _balanced(latex_escape(text, protect_case=True))


def key_is_verbatim(value):
    return value.startswith(("http", "10."))


def _balanced(text):
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


# --------------------------------------------------------------------------- keys


def test_keys_are_stable_when_colliding_papers_arrive(tmp_path):
    lib = library(tmp_path, [entry("2007.05000", "Deep things")])
    before = bibtex_key(Snapshot.load(lib), "2007.05000")
    assert before == "vahdat2020deep-2007.05000"
    # same first author, year and first word; one with a lower id, one higher
    add(lib, [entry("2001.00001", "Deep other things"), entry("2012.09999", "Deep more things")], "later.md")
    snap = Snapshot.load(lib)
    keys = {i: bibtex_key(snap, i) for i in ("2007.05000", "2001.00001", "2012.09999")}
    assert keys["2007.05000"] == before
    assert len(set(keys.values())) == 3
    # and the whole export's entries for the old paper are byte-identical
    lib2 = library(tmp_path, [entry("2007.05000", "Deep things")], name="lib2")
    assert export_bibtex(Snapshot.load(lib2), ["2007.05000"]) == export_bibtex(snap, ["2007.05000"])


def test_keys_do_not_depend_on_the_selection_or_fetching(tmp_path):
    lib = library(tmp_path, [entry(NVAE, "NVAE: deep"), entry("2007.01758", "Collaborative Learning", ["Shanyan Guan"])])
    snap = Snapshot.load(lib)
    alone = parse(export_bibtex(snap, [NVAE]))
    together = parse(export_bibtex(snap, ["2007.01758", NVAE]))
    assert set(alone) < set(together)
    lib.store_metadata(
        {NVAE: {"status": "ok", "metadata": {"title": "NVAE: A Deep Hierarchical VAE", "authors": ["A. Vahdat"],
                                             "published": "2020-07-08T00:00:00Z"}}}
    )
    assert bibtex_key(Snapshot.load(lib), NVAE) == bibtex_key(snap, NVAE) == "vahdat2020nvae-2007.03898"


@pytest.mark.parametrize(
    ("authors", "title", "key"),
    [
        (["Jörg Müller"], "On the Über-Net", "muller2020uber-2007.03898"),
        (["Müller, Jörg"], "The A Of B", "muller2020b-2007.03898"),
        (["Martin Luther King Jr."], "Dreams", "king2020dreams-2007.03898"),
        (["김철수"], "한국어 제목", "arxiv2020-2007.03898"),
        (["Vahdat et al."], "Deep", "vahdat2020deep-2007.03898"),
        (["et al."], "Deep", "arxiv2020deep-2007.03898"),
    ],
)
def test_key_parts(tmp_path, authors, title, key):
    lib = library(tmp_path, [entry(NVAE, title, authors)])
    assert bibtex_key(Snapshot.load(lib), NVAE) == key


@pytest.mark.parametrize("authors", [["Arash Vahdat", "et al."], ["Arash Vahdat et al."], ["Arash Vahdat, et al"]])
def test_et_al_becomes_others(tmp_path, authors):
    lib = library(tmp_path, [entry(NVAE, "Deep", authors)])
    assert parse(export_bibtex(Snapshot.load(lib), [NVAE])).popitem()[1]["author"] == "Arash Vahdat and others"


# --------------------------------------------------------------------------- the command


def test_cli_bibtex(capsys, tmp_path):
    lib = library(tmp_path, [entry(NVAE, "NVAE"), entry(OLD, "Strings", ["Edward Witten"])])
    lib.change_tags([OLD], ["strings"])
    code = run(["--data-dir", str(lib.data_dir), "export", "--bibtex", "--tag", "strings"])
    out = capsys.readouterr().out
    assert code == 0 and list(parse(out)) == ["witten1999strings-hep-th_9901001"]
    target = tmp_path / "refs.bib"
    code = run(["--data-dir", str(lib.data_dir), "export", "--bibtex", "-o", str(target)])
    out = capsys.readouterr().out
    assert code == 0 and "exported 2 papers" in out and len(parse(target.read_text(encoding="utf-8"))) == 2
    code = run(["--data-dir", str(lib.data_dir), "export", "--bibtex", "--tag", "nothing"])
    assert code == 0 and "nothing to export" in capsys.readouterr().err
