"""Search across the library: fields, snippets, AND, phrases, Korean, ranking, incremental updates."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import unicodedata

import pytest

from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.pdf import TEXT_CACHE_FORMAT, PaperText, pdf_path, text_cache_path
from reader.core.search import SearchIndex, parse_query
from reader.core.snapshot import Snapshot

NVAE = "2007.03898"
STYLEGAN = "2007.01758"
OLD = "hep-th/9901001"

LONG = ("Filler words about nothing in particular. " * 20) + "The hierarchical prior is the key. " + ("More filler. " * 20)


def entry(arxiv_id, title, authors, commentary):
    return Entry(arxiv_id, 1, title, list(authors), commentary, [], [])


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib")
    library.import_digests(
        [
            (
                ParsedDigest(
                    "w1.md",
                    dt.date(2020, 7, 12),
                    "Week",
                    [
                        entry(NVAE, "NVAE: A Deep Hierarchical Variational Autoencoder", ["Arash Vahdat", "Jan Kautz"],
                              "Deep hierarchies done carefully; 인코더와 임베딩을 함께 쓴다."),
                        entry(STYLEGAN, "Collaborative Learning for Faster StyleGAN Embedding", ["Shanyan Guan", "Ying Tai"],
                              "Encoder plus optimisation.\nSee also the GAN inversion survey."),
                        entry(OLD, "Strings in anti de Sitter space", ["Edward Witten"], LONG),
                    ],
                ),
                "sha",
            )
        ]
    )
    library.set_note(STYLEGAN, "Try this with the 오토인코더 from NVAE.")
    return library


def snap(library):
    return Snapshot.load(library)


def write_cached_text(cache, arxiv_id, pages):
    pdf = pdf_path(cache, arxiv_id)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.4 fake")
    st = pdf.stat()
    path = text_cache_path(cache, arxiv_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": TEXT_CACHE_FORMAT, "pdf": {"size": st.st_size, "mtime_ns": st.st_mtime_ns},
               **PaperText(pages=pages).to_json()}
    path.write_text(json.dumps(payload), encoding="utf-8")


def ids(hits):
    return [hit.arxiv_id for hit in hits]


def fields(hit):
    return {m.field: m for m in hit.matches}


# --------------------------------------------------------------------------- queries


def test_parse_query():
    assert parse_query('deep "Hierarchical  VAE" 인코더') == ["deep", "hierarchical vae", "인코더"]
    assert parse_query("“smart quotes” x") == ["smart quotes", "x"]
    assert parse_query('"unclosed phrase') == ["unclosed phrase"]
    assert parse_query("  ") == [] and parse_query('""') == []
    assert parse_query("a a A") == ["a"]


def test_each_field_is_searched(lib, tmp_path):
    lib.store_metadata({NVAE: {"status": "ok", "metadata": {"title": "NVAE", "abstract": "We propose a ladder of latents."}}})
    cache = tmp_path / "cache"
    write_cached_text(cache, STYLEGAN, ["Page one text.", "", "Page three mentions perceptual loss here."])
    index = SearchIndex.build(snap(lib), cache)
    assert [(ids(index.search(q)), [m.field for m in index.search(q)[0].matches]) for q in (
        "variational", "kautz", "오토인코더", "carefully", "ladder of", "perceptual loss",
    )] == [
        ([NVAE], ["title"]),
        ([NVAE], ["authors"]),
        ([STYLEGAN], ["note"]),
        ([NVAE], ["commentary"]),
        ([NVAE], ["abstract"]),
        ([STYLEGAN], ["text"]),
    ]
    (text_match,) = index.search("perceptual loss")[0].matches
    assert text_match.page == 3


def test_hits_are_grouped_by_paper_with_a_snippet_per_field(lib):
    index = SearchIndex.build(snap(lib))
    hits = index.search("nvae")  # NVAE's title; the other paper's note mentions NVAE too
    assert ids(hits) == [NVAE, STYLEGAN]
    assert [m.field for m in hits[0].matches] == ["title"] and [m.field for m in hits[1].matches] == ["note"]
    hits = index.search("인코더")
    assert ids(hits) == [STYLEGAN, NVAE]  # note (4) ranks above commentary (3)
    by_field = fields(hits[1])
    assert set(by_field) == {"commentary"}
    match = by_field["commentary"]
    assert match.snippet[match.start:match.end] == "인코더"


def test_snippets_are_short_windows_around_the_first_match(lib):
    index = SearchIndex.build(snap(lib))
    (hit,) = index.search("\"hierarchical prior\"")
    match = fields(hit)["commentary"]
    assert match.snippet.startswith("…") and match.snippet.endswith("…")
    assert len(match.snippet) <= 125
    assert match.snippet[match.start:match.end] == "hierarchical prior"


def test_snippet_keeps_original_case_and_folds_whitespace(lib):
    index = SearchIndex.build(snap(lib))
    (hit,) = index.search('"plus optimisation. see also"')
    match = fields(hit)["commentary"]
    assert match.snippet[match.start:match.end] == "plus optimisation. See also"  # across a line break
    assert "\n" not in match.snippet


def test_words_are_anded_across_fields(lib):
    index = SearchIndex.build(snap(lib))
    assert ids(index.search("vahdat hierarchies")) == [NVAE]  # author + commentary
    assert ids(index.search("vahdat witten")) == []
    assert ids(index.search("deep")) == [NVAE]


def test_phrases(lib):
    index = SearchIndex.build(snap(lib))
    assert ids(index.search('"deep hierarchical"')) == [NVAE]
    assert ids(index.search('"hierarchical deep"')) == []
    assert ids(index.search('"anti de sitter" strings')) == [OLD]


def test_case_and_unicode(lib):
    index = SearchIndex.build(snap(lib))
    assert ids(index.search("STYLEGAN")) == ids(index.search("stylegan")) == [STYLEGAN]
    assert ids(index.search("임베딩")) == [NVAE]  # inside 임베딩을
    nfd = unicodedata.normalize("NFD", "임베딩")
    assert nfd != "임베딩" and ids(index.search(nfd)) == [NVAE]
    assert index.search("") == [] and index.search('""') == []


def test_korean_word_inside_a_longer_word(lib):
    index = SearchIndex.build(snap(lib))
    hits = index.search("인코더")
    assert set(ids(hits)) == {NVAE, STYLEGAN}  # 인코더와 and 오토인코더


def test_limit(lib):
    index = SearchIndex.build(snap(lib))
    assert len(index.search("e", limit=2)) == 2
    assert index.search("e", limit=0) == []


# --------------------------------------------------------------------------- ranking


def test_ranking_by_field():
    index = SearchIndex()
    index.update_paper("2001.00005", commentary="zebra")
    index.update_paper("2001.00004", note="zebra")
    index.update_paper("2001.00003", authors=["Zebra Person"])
    index.update_paper("2001.00002", title="Zebra title")
    index.add_text("2001.00006", "a zebra in the text")
    assert ids(index.search("zebra")) == ["2001.00002", "2001.00003", "2001.00004", "2001.00005", "2001.00006"]


def test_more_fields_rank_higher():
    index = SearchIndex()
    index.update_paper("2001.00001", title="zebra")
    index.update_paper("2001.00002", title="zebra", commentary="a zebra again")
    index.update_paper("2001.00003", commentary="zebra", abstract="zebra")
    hits = index.search("zebra")
    assert ids(hits) == ["2001.00002", "2001.00001", "2001.00003"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_word_start_matches_break_ties():
    index = SearchIndex()
    index.update_paper("2001.00001", title="Organ donation")
    index.update_paper("2001.00002", title="GAN training")
    assert ids(index.search("gan")) == ["2001.00002", "2001.00001"]


def test_snippet_prefers_a_word_start_match():
    index = SearchIndex()
    index.update_paper("2001.00001", title="NVAE: a deep hierarchical VAE")
    (hit,) = index.search('vae "deep hierarchical"')
    (match,) = hit.matches
    assert match.snippet[match.start:match.end] in ("deep hierarchical", "VAE")
    assert match.start > 0  # not the "VAE" inside "NVAE"


# --------------------------------------------------------------------------- incremental updates


def test_incremental_updates(lib, tmp_path):
    index = SearchIndex.build(snap(lib))
    assert index.search("quokka") == []
    index.update_note(NVAE, "A quokka appears.")
    assert ids(index.search("quokka")) == [NVAE]
    index.update_note(NVAE, "")
    assert index.search("quokka") == []
    index.add_text(OLD, PaperText(pages=["first page", "the quokka page"]))
    (hit,) = index.search("quokka")
    assert hit.arxiv_id == OLD and hit.matches[0].field == "text" and hit.matches[0].page == 2
    index.remove_text(OLD)
    assert index.search("quokka") == []
    index.update_paper("2101.00001", title="A brand new quokka paper", authors=["New Person"])
    assert ids(index.search("quokka new")) == ["2101.00001"]
    index.remove_paper("2101.00001")
    assert index.search("quokka") == [] and "2101.00001" not in index


def test_many_updates_across_blocks():
    index = SearchIndex()
    for n in range(1, 700):
        index.update_paper(f"2001.{n:05d}", title=f"paper number {n}")
    assert len(index) == 699
    assert ids(index.search('"number 650"')) == ["2001.00650"]
    index.update_paper("2001.00650", title="renamed")
    index.update_paper("2001.00003", title="number 650 now")
    assert ids(index.search('"number 650"')) == ["2001.00003"]
    assert len(index.search("paper", limit=1000)) == 697 and len(index.search("paper")) == 200


def test_refresh_from_a_new_snapshot(lib):
    index = SearchIndex.build(snap(lib))
    lib.set_note(OLD, "holography")
    lib.import_digests([(ParsedDigest("w2.md", dt.date(2020, 7, 19), "W2",
                                      [entry("2007.09999", "Quokka nets", ["A B"], "")]), "sha2")])
    assert index.search("holography") == [] and index.search("quokka") == []
    changed = index.refresh(snap(lib))
    assert changed == 2
    assert ids(index.search("holography")) == [OLD] and ids(index.search("quokka")) == ["2007.09999"]
    assert index.refresh(snap(lib)) == 0


def test_build_reads_only_valid_cached_texts(lib, tmp_path):
    cache = tmp_path / "cache"
    write_cached_text(cache, OLD, ["old paper text with wombats"])
    write_cached_text(cache, "2101.09999", ["not in the library wombats"])
    (cache / "text" / "junk.json").write_text("{", encoding="utf-8")
    (cache / "text" / "2007.03898.json").write_text("{", encoding="utf-8")  # no PDF, broken
    index = SearchIndex.build(snap(lib), cache)
    assert ids(index.search("wombats")) == [OLD]
    assert ids(SearchIndex.build(snap(lib), tmp_path / "nowhere").search("wombats")) == []


# --------------------------------------------------------------------------- the command


def run_search(capsys, lib, *argv):
    from reader.cli.export_commands import register

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--data-dir", str(lib.data_dir), "search", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search(capsys, lib):
    code, out, _ = run_search(capsys, lib, "인코더")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{STYLEGAN}  Collaborative Learning for Faster StyleGAN Embedding"
    assert lines[1].startswith("    note: ") and "오토인코더" in lines[1]
    assert lines[2].startswith(f"{NVAE}  NVAE")


def test_cli_search_argument_with_spaces_is_a_phrase(capsys, lib):
    code, out, _ = run_search(capsys, lib, "hierarchical deep")
    assert code == 0 and out == ""
    code, out, _ = run_search(capsys, lib, "hierarchical", "deep")
    assert code == 0 and out.startswith(NVAE)


def test_cli_search_json(capsys, lib):
    code, out, _ = run_search(capsys, lib, "deep", "--json")
    data = json.loads(out)
    assert code == 0 and [d["arxiv_id"] for d in data] == [NVAE]
    assert data[0]["title"].startswith("NVAE") and data[0]["score"] == 13
    assert {m["field"] for m in data[0]["matches"]} == {"title", "commentary"}
    m = data[0]["matches"][0]
    assert m["snippet"][m["start"]:m["end"]].lower() == "deep"


def test_cli_search_no_match(capsys, lib):
    code, out, err = run_search(capsys, lib, "nothing-like-this")
    assert code == 0 and out == "" and "no papers match" in err
