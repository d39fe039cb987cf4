"""Ranked search (``s`` and ``reader search``): fields, snippets, ranking, word starts, phrases,
Korean, paper text from the cache, and the command line (``reader search``, ``reader list QUERY``)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest

from reader.cli import run
from reader.core.engine import Engine
from reader.core.library import Library, PaperState
from reader.core.models import Entry, ParsedDigest
from reader.core.pdf import TEXT_CACHE_FORMAT, PaperText, pdf_path, text_cache_path
from reader.core.search_index import prepare_text
from reader.core.search_sources import cached_texts, downloaded_ids
from reader.core.snapshot import Snapshot

NVAE = "2007.03898"
STYLEGAN = "2007.01758"
OLD = "hep-th/9901001"
LORA = "2106.09685"

LONG = ("Filler words about nothing in particular. " * 20) + "The hierarchical prior is the key. " + ("More filler. " * 20)


def entry(arxiv_id, title, authors, commentary):
    return Entry(arxiv_id, 1, title, list(authors), commentary, [], [])


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib")
    library.import_digests([(ParsedDigest("w1.md", dt.date(2020, 7, 12), "Week", [
        entry(NVAE, "NVAE: A Deep Hierarchical Variational Autoencoder", ["Arash Vahdat", "Jan Kautz"],
              "Deep hierarchies done carefully; 인코더와 임베딩을 함께 쓴다."),
        entry(STYLEGAN, "Collaborative Learning for Faster StyleGAN Embedding", ["Shanyan Guan", "Ying Tai"],
              "Encoder plus optimisation.\nSee also the GAN inversion survey."),
        entry(OLD, "Strings in anti de Sitter space", ["Edward Witten"], LONG),
    ]), "sha")])
    library.set_note(STYLEGAN, "Try this with the 인코더 from NVAE.")
    return library


def snap(library) -> Snapshot:
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


def engine_for(library, cache=None) -> tuple[Engine, Snapshot]:
    s = snap(library)
    if cache is None:
        return Engine.build(s), s
    return Engine.build(s, cached_texts(cache, s.all_ids()), downloaded_ids(cache)), s


def ids(hits):
    return [hit.arxiv_id for hit in hits]


def fields(hit):
    return {m.field: m for m in hit.matches}


# --------------------------------------------------------------------------- fields and snippets


def test_each_field_is_searched(lib, tmp_path):
    lib.store_metadata({NVAE: {"status": "ok", "metadata": {"title": "NVAE", "abstract": "We propose a ladder of latents."}}})
    lib.change_tags([OLD], ["holography"], [])
    cache = tmp_path / "cache"
    write_cached_text(cache, STYLEGAN, ["Page one text.", "", "Page three mentions perceptual loss here."])
    engine, s = engine_for(lib, cache)
    results = {q: engine.search(s, q) for q in ("variational", "kautz", "holography", "nvae", "carefully", "ladder of", "perceptual loss")}
    assert {q: [(h.arxiv_id, [m.field for m in h.matches]) for h in hits] for q, hits in results.items()} == {
        "variational": [(NVAE, ["title"])],
        "kautz": [(NVAE, ["authors"])],
        "holography": [(OLD, ["tags"])],
        "nvae": [(NVAE, ["title"]), (STYLEGAN, ["note"])],
        "carefully": [(NVAE, ["commentary"])],
        "ladder of": [(NVAE, ["abstract"])],
        "perceptual loss": [(STYLEGAN, ["text"])],
    }
    (text_match,) = results["perceptual loss"][0].matches
    assert text_match.page == 3
    assert text_match.snippet[text_match.start : text_match.end] == "perceptual"


def test_snippets_are_short_windows_around_the_first_match(lib):
    engine, s = engine_for(lib)
    (hit,) = engine.search(s, '"hierarchical prior"')
    match = fields(hit)["commentary"]
    assert match.snippet.startswith("…") and match.snippet.endswith("…")
    assert len(match.snippet) <= 125
    assert match.snippet[match.start : match.end] == "hierarchical prior"


def test_snippet_keeps_the_text_as_written(lib):
    engine, s = engine_for(lib)
    (hit,) = engine.search(s, '"plus optimisation. see also"')
    match = fields(hit)["commentary"]
    assert match.snippet[match.start : match.end] == "plus optimisation. See also"  # across a line break
    assert "\n" not in match.snippet


def test_snippet_marks_the_word_not_the_inside_of_another(lib):
    engine, s = engine_for(lib)
    (hit, _) = engine.search(s, "nvae")
    (match,) = hit.matches
    assert match.snippet[match.start : match.end] == "NVAE" and match.start == 0


# --------------------------------------------------------------------------- words, phrases, languages


def test_words_match_at_word_starts_only(lib):
    engine, s = engine_for(lib)
    assert ids(engine.search(s, "hierarch")) == [NVAE, OLD]
    assert ids(engine.search(s, "archical")) == []  # inside a word
    assert ids(engine.search(s, "gan")) == [STYLEGAN]  # GAN inversion, not "or*gan*"…
    assert ids(engine.search(s, "stylegan")) == ids(engine.search(s, "STYLEGAN")) == [STYLEGAN]


def test_lora_finds_the_lora_paper_first_and_not_exploration_or_colorado(tmp_path):
    library = Library(tmp_path / "lib")
    library.import_digests([(ParsedDigest("w.md", dt.date(2021, 6, 20), "Week", [
        entry("2106.00001", "Curiosity-driven exploration", ["A Person"], "Exploration bonuses."),
        entry("2106.00002", "Snowpack models", ["B. Person (University of Colorado)"], "Colorado data."),
        entry("2106.00003", "Parameter-efficient tuning", ["C Person"], "Compares LoRA with adapters."),
        entry("2106.00004", "Prompt tuning", ["D Person"], "Like LoRA but different."),
        entry(LORA, "LoRA: Low-Rank Adaptation of Large Language Models", ["Edward Hu"], "The one."),
    ]), "sha")])
    engine, s = engine_for(library)
    hits = engine.search(s, "lora")
    assert ids(hits)[0] == LORA
    assert set(ids(hits)) == {LORA, "2106.00003", "2106.00004"}


def test_words_are_anded_across_fields_and_logic_works(lib):
    engine, s = engine_for(lib)
    assert ids(engine.search(s, "vahdat hierarchies")) == [NVAE]  # author + commentary
    assert ids(engine.search(s, "vahdat witten")) == []
    assert ids(engine.search(s, "vahdat OR witten")) == [NVAE, OLD]
    assert ids(engine.search(s, "deep -vahdat")) == []
    assert ids(engine.search(s, "deep")) == [NVAE]


def test_phrases(lib):
    engine, s = engine_for(lib)
    assert ids(engine.search(s, '"deep hierarchical"')) == [NVAE]
    assert ids(engine.search(s, "“deep hierarchical”")) == [NVAE]  # typographic quotes
    assert ids(engine.search(s, '"hierarchical deep"')) == []
    assert ids(engine.search(s, '"anti de sitter" strings')) == [OLD]


def test_perron_frobenius_phrase_finds_the_hyphenated_name(tmp_path):
    library = Library(tmp_path / "lib")
    library.import_digests([(ParsedDigest("w.md", dt.date(2021, 6, 20), "Week", [
        entry("2106.00001", "Spectral gaps", ["A Person"], "Uses the Perron-Frobenius theorem neatly."),
    ]), "sha")])
    engine, s = engine_for(library)
    (hit,) = engine.search(s, '"perron frobenius"')
    match = fields(hit)["commentary"]
    assert match.snippet[match.start : match.end] == "Perron-Frobenius"


def test_case_diacritics_and_korean(lib):
    engine, s = engine_for(lib)
    assert ids(engine.search(s, "임베딩")) == [NVAE]  # 임베딩을: the particle follows the word
    nfd = unicodedata.normalize("NFD", "임베딩")
    assert nfd != "임베딩" and ids(engine.search(s, nfd)) == [NVAE]
    hits = engine.search(s, "인코더")
    assert ids(hits) == [STYLEGAN, NVAE]  # a note (8) ranks above commentary (4)
    match = fields(hits[1])["commentary"]
    assert match.snippet[match.start : match.end] == "인코더"
    assert engine.search(s, "") == [] and engine.search(s, '""') == []


def test_limit(lib):
    engine, s = engine_for(lib)
    assert len(engine.search(s, "is:unread", limit=2)) == 2
    assert engine.search(s, "is:unread", limit=0) == []


# --------------------------------------------------------------------------- ranking


def ranked_library(tmp_path, papers):
    library = Library(tmp_path / "lib")
    library.import_digests([(ParsedDigest("w.md", dt.date(2021, 1, 3), "Week",
                                          [entry(i, t, a, c) for i, t, a, c in papers]), "sha")])
    return library


def test_ranking_by_field(tmp_path):
    library = ranked_library(tmp_path, [
        ("2101.00006", "Six", ["F"], ""),
        ("2101.00005", "Five", ["E"], "a zebra in the commentary"),
        ("2101.00004", "Four", ["D"], ""),
        ("2101.00003", "Three", ["Zebra Person"], ""),
        ("2101.00002", "Zebra title", ["B"], ""),
        ("2101.00007", "Seven", ["G"], ""),
        ("2101.00001", "One", ["H"], ""),
    ])
    library.set_note("2101.00004", "zebra")
    library.change_tags(["2101.00007"], ["zebras"], [])
    library.store_metadata({"2101.00006": {"status": "ok", "metadata": {"title": "Six", "abstract": "Zebra stripes."}}})
    engine, s = engine_for(library)
    engine.set_text("2101.00001", prepare_text("a zebra in the paper text"))
    hits = engine.search(s, "zebra")
    assert ids(hits) == ["2101.00002", "2101.00003", "2101.00007", "2101.00004", "2101.00005", "2101.00006", "2101.00001"]
    assert [hit.score for hit in hits] == [64, 32, 16, 8, 4, 2, 1]


def test_a_title_hit_outranks_every_other_field_together_and_more_fields_break_ties(tmp_path):
    library = ranked_library(tmp_path, [
        ("2101.00001", "zebra", ["A"], ""),
        ("2101.00002", "zebra", ["B"], "a zebra again"),
        ("2101.00003", "Other", ["Zebra Z"], "zebra"),
    ])
    library.set_note("2101.00003", "zebra")
    engine, s = engine_for(library)
    hits = engine.search(s, "zebra")
    assert ids(hits) == ["2101.00002", "2101.00001", "2101.00003"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_ties_keep_library_order(tmp_path):
    library = ranked_library(tmp_path, [("2101.00009", "zebra b", ["A"], ""), ("2101.00001", "zebra a", ["B"], "")])
    engine, s = engine_for(library)
    assert ids(engine.search(s, "zebra")) == ["2101.00009", "2101.00001"]


# --------------------------------------------------------------------------- keeping current


def test_incremental_updates(lib):
    engine, s = engine_for(lib)
    assert engine.search(s, "quokka") == []
    noted = s.with_changes(notes={**s.notes, NVAE: "A quokka appears."})
    assert ids(engine.search(noted, "quokka")) == [NVAE]
    assert engine.search(s, "quokka") == []
    tagged = s.with_changes(states={**s.states, NVAE: PaperState(tags=("quokka-lab",))})
    (hit,) = engine.search(tagged, "quokka")
    assert hit.matches[0].field == "tags" and hit.matches[0].snippet == "#quokka-lab"
    engine.set_text(OLD, prepare_text(PaperText(pages=["first page", "the quokka page"])))
    (hit,) = engine.search(s, "quokka")
    assert hit.arxiv_id == OLD and hit.matches[0].field == "text" and hit.matches[0].page == 2
    engine.set_text(OLD, None)
    assert engine.search(s, "quokka") == []


def test_build_reads_only_valid_cached_texts(lib, tmp_path):
    cache = tmp_path / "cache"
    write_cached_text(cache, OLD, ["old paper text with wombats"])
    write_cached_text(cache, "2101.09999", ["not in the library wombats"])
    (cache / "text" / "junk.json").write_text("{", encoding="utf-8")
    (cache / "text" / "2007.03898.json").write_text("{", encoding="utf-8")  # no PDF, broken
    engine, s = engine_for(lib, cache)
    assert ids(engine.search(s, "wombats")) == [OLD]
    assert downloaded_ids(cache) == {OLD, "2101.09999"}
    assert cached_texts(tmp_path / "nowhere", s.all_ids()) == {}


# --------------------------------------------------------------------------- the command line


def cli(capsys, lib, *argv):
    code = run(["--data-dir", str(lib.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search(capsys, lib):
    code, out, _ = cli(capsys, lib, "search", "인코더")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{STYLEGAN}  Collaborative Learning for Faster StyleGAN Embedding"
    assert lines[1].startswith("    note: ") and "인코더" in lines[1]
    assert lines[2].startswith(f"{NVAE}  NVAE")


def test_cli_search_arguments_make_one_query(capsys, lib):
    code, out, _ = cli(capsys, lib, "search", "hierarchical deep")
    assert code == 0 and out.startswith(NVAE)
    code, out, _ = cli(capsys, lib, "search", '"hierarchical deep"')
    assert code == 0 and out == ""
    code, out, _ = cli(capsys, lib, "search", "--", "(vahdat OR witten)", "-kautz")  # as with any command line
    assert code == 0 and out.startswith(OLD)
    code, out, _ = cli(capsys, lib, "search", "(vahdat OR witten) -kautz", "--json")
    assert code == 0 and [hit["arxiv_id"] for hit in json.loads(out)] == [OLD]


def test_cli_search_json(capsys, lib):
    code, out, _ = cli(capsys, lib, "search", "deep", "--json")
    data = json.loads(out)
    assert code == 0 and [d["arxiv_id"] for d in data] == [NVAE]
    assert data[0]["title"].startswith("NVAE") and data[0]["score"] == 64 + 4
    assert {m["field"] for m in data[0]["matches"]} == {"title", "commentary"}
    m = data[0]["matches"][0]
    assert m["snippet"][m["start"] : m["end"]].lower() == "deep"


def test_cli_search_no_match(capsys, lib):
    code, out, err = cli(capsys, lib, "search", "nothing-like-this")
    assert code == 0 and out == "" and "no papers match" in err


@pytest.mark.parametrize("command", ["search", "list"])
def test_cli_bad_query_is_one_line_and_exit_1(capsys, lib, command):
    code, out, err = cli(capsys, lib, command, "(tag:vae", "OR", "auther:kingma")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith('reader: error: bad query at column 13: unknown field "auther:" (did you mean "author:"?)')


def test_cli_list_query(capsys, lib):
    lib.set_read([NVAE], True)
    lib.change_tags([STYLEGAN], ["gan"], [])
    lib.change_tags([NVAE], ["vae"], [])
    code, out, _ = cli(capsys, lib, "list", "(tag:vae OR tag:gan) -is:read", "--json")
    assert code == 0 and [p["arxiv_id"] for p in json.loads(out)] == [STYLEGAN]
    code, out, _ = cli(capsys, lib, "list", "hierarch")
    assert code == 0 and [line.split()[1] for line in out.splitlines()] == [NVAE, OLD]
    code, out, _ = cli(capsys, lib, "list", "week:2020-W28", "--unread", "--json")  # a flag is one more term
    assert [p["arxiv_id"] for p in json.loads(out)] == [STYLEGAN, OLD]
    code, out, _ = cli(capsys, lib, "list", "witten", "--tag", "gan", "--json")
    assert json.loads(out) == []
