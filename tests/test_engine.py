"""The query engine: what each term matches in a library, logic, the index following edits,
algebraic properties (hypothesis), and speed per keystroke at 10,000 papers."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.citations import CitesIndex
from reader.core.engine import Engine, universe
from reader.core.library import DigestRecord, PaperRecord, PaperState
from reader.core.models import Entry
from reader.core.query import parse
from reader.core.search_index import TextIndex, prepare_text
from reader.core.snapshot import Snapshot

LORA, EXPLORE, COLORADO, PERRON, KOREAN, QUEUED = "2106.09685", "2001.00001", "2001.00002", "2001.00003", "2007.00004", "1901.00005"
OLD = "hep-th/9901001"
ALL = [LORA, EXPLORE, COLORADO, PERRON, KOREAN, OLD, QUEUED]


def digest(digest_id, day, title, source, entries, references=()):
    return DigestRecord(digest_id, day, title, source, "sha", "", tuple(entries), tuple(references))


def library() -> Snapshot:
    """Two weekly digests and a paper queued from a commentary."""
    week28 = digest("d28", dt.date(2020, 7, 12), "Papers that stood out", "/d/200712 digest.md", [
        Entry(LORA, title="LoRA: Low-Rank Adaptation of Large Language Models", authors=["Edward Hu", "Yelong Shen"],
              commentary="Adapters without the latency; see 1312.99999 too.", references=["1312.99999"]),
        Entry(EXPLORE, title="Curiosity-driven Exploration by Self-supervised Prediction", authors=["Deepak Pathak"],
              commentary="Exploration bonus from prediction error."),
        Entry(COLORADO, title="Snowpack Models", authors=["A. Person (University of Colorado)"],
              commentary="Weather, not machine learning."),
    ])
    week27 = digest("d27", dt.date(2020, 7, 5), None, "/d/notes-w27.md", [
        Entry(PERRON, title="Spectral Methods", authors=["Hélène Schölkopf"],
              commentary="A neat use of the Perron-Frobenius theorem."),
        Entry(KOREAN, title="Encoders", authors=["Kim Lee"], commentary="인코더와 임베딩을 함께 쓴다. 오토인코더와는 다르다."),
        Entry(OLD, title="Strings in anti de Sitter space", authors=["Edward Witten"], commentary=""),
    ])
    papers = {}
    for d in (week28, week27):
        for e in d.entries:
            papers[e.arxiv_id] = PaperRecord(e.arxiv_id, e.title, tuple(e.authors), "2020-07-12T10:00:00+00:00")
    papers[QUEUED] = PaperRecord(QUEUED, "A queued paper", ("Someone Else",), "2021-03-02T10:00:00+00:00", "commentary")
    states = {
        LORA: PaperState(read=True, tags=("llm", "Adapters")),
        EXPLORE: PaperState(tags=("rl",)),
        PERRON: PaperState(read=True),
    }
    notes = {COLORADO: "Reminds me of the LoRA idea? no.", KOREAN: "  "}
    metadata = {
        LORA: {"status": "ok", "metadata": {
            "title": "LoRA: Low-Rank Adaptation of Large Language Models", "authors": ["Edward J. Hu"],
            "abstract": "We propose low-rank adaptation.", "categories": ["cs.CL", "cs.LG"], "published": "2021-06-17T00:00:00"}},
        EXPLORE: {"status": "ok", "metadata": {
            "title": "Curiosity-driven Exploration", "authors": ["Deepak Pathak"], "abstract": "Intrinsic reward.",
            "categories": ["cs.LG"], "published": "2017-05-15T00:00:00"}},
        COLORADO: {"status": "error", "error": "not found"},
    }
    return Snapshot((week28, week27), papers, states, notes, metadata)


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return library()


@pytest.fixture(scope="module")
def engine(snap) -> Engine:
    texts = {OLD: prepare_text("Page about holography and the bulk."), LORA: prepare_text("Low rank updates of weights.")}
    # LoRA's text cites EXPLORE, PERRON and a paper not in the library; OLD's cites LoRA (by an
    # id with its version); QUEUED's text was read and cites nothing.
    citations = CitesIndex(snap, {LORA: [EXPLORE, PERRON, "1706.03762"], OLD: [f"{LORA}v2"], QUEUED: []})
    return Engine.build(snap, texts, downloaded={OLD, LORA}, citations=citations)


def found(engine: Engine, snap: Snapshot, query: str) -> list[str]:
    parsed = parse(query)
    assert parsed.error is None, parsed.error
    return engine.filter(snap, universe(snap, parsed), parsed)


TERMS = [
    # words: at word starts; case, diacritics, punctuation don't matter
    ("lora", [LORA, COLORADO]),  # LoRA's title; COLORADO only through its note "…the LoRA idea"
    ("title:lora", [LORA]),
    ("explor", [EXPLORE]),
    ("colorado", [COLORADO]),
    ('"perron frobenius"', [PERRON]),
    ("perron-frobenius", [PERRON]),
    ("scholkopf", [PERRON]),
    ("HÉLÈNE", [PERRON]),
    ("인코더", [KOREAN]),
    ("임베딩", [KOREAN]),
    ('"low rank"', [LORA]),
    ('"rank low"', []),
    ("holography", [OLD]),  # in the paper text only
    ("adapt", [LORA]),
    # fields
    ("author:edward", [LORA, OLD]),
    ("author:explor", []),
    ("tag:llm", [LORA]),
    ("tag:#ADAPTERS", [LORA]),
    ("tag:ll*", [LORA]),
    ("tag:l", []),
    ("note:lora", [COLORADO]),
    ("commentary:latency", [LORA]),
    ("abstract:intrinsic", [EXPLORE]),
    ("text:holography", [OLD]),
    ("text:adapters", []),
    ("digest:2020-07-12", [LORA, EXPLORE, COLORADO]),
    ("digest:2020-07", [LORA, EXPLORE, COLORADO, PERRON, KOREAN, OLD]),
    ('digest:"stood out"', [LORA, EXPLORE, COLORADO]),
    ("digest:notes-w27", [PERRON, KOREAN, OLD]),  # no heading: the file's name
    ("digest:D27", [PERRON, KOREAN, OLD]),
    ("week:2020-W28", [LORA, EXPLORE, COLORADO]),
    ("week:2020-W27", [PERRON, KOREAN, OLD]),
    ("week:2020-W30", []),
    ("date:>=2020-07-06", [LORA, EXPLORE, COLORADO, QUEUED]),  # QUEUED: the day it was added
    ("date:<2020-07-06", [PERRON, KOREAN, OLD]),
    ("date:2020-07-05", [PERRON, KOREAN, OLD]),
    ("date:2021", [QUEUED]),
    ("year:2021", [LORA]),  # arXiv's published date
    ("year:2017", [EXPLORE]),
    ("year:1999", [OLD]),  # from the id
    ("year:2020", [COLORADO, PERRON, KOREAN]),
    ("year:<2018", [EXPLORE, OLD]),
    ("cat:cs.lg", [LORA, EXPLORE]),
    ("cat:cs.CL", [LORA]),
    ("cat:cs", [LORA, EXPLORE]),
    ("cat:cs.c*", [LORA]),
    ("cat:math", []),
    ("is:read", [LORA, PERRON]),
    ("is:unread", [EXPLORE, COLORADO, KOREAN, OLD, QUEUED]),
    ("is:noted", [COLORADO]),  # a blank note is no note
    ("is:fetched", [LORA, EXPLORE]),
    ("is:downloaded", [LORA, OLD]),
    ("is:mismatched", [EXPLORE]),
    ("is:mentioned", ["1312.99999"]),  # mentioned by a digest, listed by none
    # citations (from the papers' texts)
    (f"cites:{EXPLORE}", [LORA]),
    (f"cites:{LORA}", [OLD]),
    (f"cites:arXiv:{LORA}v1", [OLD]),
    ("cites:1706.03762", [LORA]),  # not in the library: who cites it is
    (f"cites:{QUEUED}", []),
    (f"cited-by:{LORA}", [EXPLORE, PERRON]),
    (f"cited-by:{OLD}", [LORA]),
    (f"cited-by:{QUEUED}", []),  # read, cites none
    (f"cited-by:{KOREAN}", []),  # its text was never read
    (f"cited-by:{LORA} -is:read", [EXPLORE]),
    (f"cites:{EXPLORE} OR cited-by:{LORA}", [LORA, EXPLORE, PERRON]),
    (f"-cites:{LORA}", [LORA, EXPLORE, COLORADO, PERRON, KOREAN, QUEUED]),
    # logic
    ("edward witten", [OLD]),
    ("edward AND witten", [OLD]),
    ("edward OR pathak", [LORA, EXPLORE, OLD]),
    ("edward -witten", [LORA]),
    ("edward NOT witten", [LORA]),
    ("(tag:llm OR tag:rl) -is:read", [EXPLORE]),
    ("tag:llm OR tag:rl -is:read", [EXPLORE]),  # OR first, then AND
    ("-(is:read OR is:noted)", [EXPLORE, KOREAN, OLD, QUEUED]),
    ("NOT NOT tag:rl", [EXPLORE]),
]


@pytest.mark.parametrize(("query", "expected"), TERMS, ids=[t[0] for t in TERMS])
def test_what_each_term_finds(engine, snap, query, expected):
    assert found(engine, snap, query) == expected


def test_filter_keeps_the_given_order_and_an_empty_query_keeps_everything(engine, snap):
    assert engine.filter(snap, [OLD, LORA, EXPLORE], "edward OR pathak") == [OLD, LORA, EXPLORE]
    assert engine.filter(snap, [OLD, LORA], "") == [OLD, LORA]
    assert engine.filter(snap, [OLD, LORA], "  ") == [OLD, LORA]
    assert engine.filter(snap, ["9999.99999"], "is:unread") == ["9999.99999"]  # not in the library: no state
    assert engine.filter(snap, [OLD, LORA], "(unclosed") == []  # a bad query matches nothing


def test_a_prepared_list_is_filtered_without_making_its_view_again(snap, monkeypatch):
    engine = Engine.build(snap, {})
    ids = list(ALL)
    engine.prepare(snap, ids)  # (the filter opened: made before the first keystroke)
    made = []
    monkeypatch.setattr("reader.core.engine.View", lambda *a: made.append(a))
    assert engine.filter(snap, ids, "witten") == [OLD]
    assert made == []
    assert Engine().prepare(snap, ids) is None  # (no index yet: nothing to prepare)


def test_the_last_filters_answer_counts_its_read_papers_by_its_bits(snap):
    engine = Engine.build(snap, {})
    found = engine.filter(snap, ALL, "is:unread OR is:read")
    expected = sum(snap.state(i).read for i in found)
    assert expected and engine.read_count(snap, found) == expected
    assert engine.read_count(snap, list(found)) is None  # (another list: counted the usual way)
    other = snap.with_changes(states={**snap.states, found[0]: PaperState(read=True)})
    assert engine.read_count(other, found) is None  # (another snapshot)


def test_a_query_without_words_needs_no_index(snap):
    engine = Engine()
    assert engine.filter(snap, ALL, "tag:llm OR is:noted") == [LORA, COLORADO]
    assert engine.index is None
    assert engine.filter(snap, ALL, "witten") == [OLD]  # words: the index is built on demand
    assert engine.index is not None


def test_citations_arrive_later_and_grow_in_place(snap):
    engine = Engine()
    assert engine.filter(snap, ALL, f"cites:{EXPLORE}") == []  # no citations known yet: none match
    assert engine.filter(snap, ALL, f"-cited-by:{LORA}") == ALL
    citations = CitesIndex(snap, {LORA: [EXPLORE]})
    engine.citations = citations
    assert engine.filter(snap, ALL, f"cites:{EXPLORE}") == [LORA]
    citations.add(COLORADO, [EXPLORE])  # an extraction adds to the index the app holds
    assert engine.filter(snap, ALL, f"cites:{EXPLORE}") == [LORA, COLORADO]
    assert engine.filter(snap, ALL, f"cited-by:{COLORADO}") == [EXPLORE]
    assert engine.index is None  # no words: no index


def test_the_index_follows_notes_and_tags_without_a_rebuild(snap):
    engine = Engine.build(snap)
    built = engine.index
    noted = snap.with_changes(notes={**snap.notes, OLD: "a quokka appears"})
    assert engine.filter(noted, ALL, "quokka") == [OLD]
    assert engine.filter(snap, ALL, "quokka") == []  # the older snapshot: its own notes
    tagged = snap.with_changes(states={**snap.states, OLD: PaperState(tags=("holo-graphy",))})
    assert engine.filter(tagged, ALL, "graphy") == [OLD]
    assert engine.filter(tagged, ALL, "tag:holo-graphy") == [OLD]
    assert engine.index is built  # the built index is kept; the synced ones derive from it
    synced = engine.index_for(noted)
    assert synced is not built and synced.same_catalog(noted)
    assert synced.words is built.words  # the built word index is shared as it is
    noted_only = built.synced(noted)
    assert noted_only.edited == {"tags": {}, "note": {noted_only.slot[OLD]: " a quokka appears"}}


def test_mixed_scripts_in_one_block():
    """ASCII texts are kept apart from the others: an English word is still found in a Korean
    commentary, a phrase across the two scripts too, and the papers keep their order."""
    entries = [Entry(f"2001.{n:05d}", title=f"Paper {n}", commentary=text) for n, text in enumerate([
        "Plain English about GANs.", "인코더와 GAN 학습을 함께", "", "More English, no gan here? yes gan.", "학습만",
    ])]
    s = Snapshot((digest("d", dt.date(2020, 1, 5), "", "/d.md", entries),), {}, {}, {}, {})
    engine = Engine.build(s)
    ids = s.all_ids()
    assert engine.filter(s, ids, "gan") == ["2001.00000", "2001.00001", "2001.00003"]
    assert engine.filter(s, ids, "학습") == ["2001.00001", "2001.00004"]
    assert engine.filter(s, ids, '"gan 학습"') == ["2001.00001"]
    assert engine.filter(s, ids, "commentary:english -gans") == ["2001.00003"]
    assert [engine.index.normalised("commentary", i) for i in ids[1:3]] == [" 인코더와 gan 학습을 함께", ""]


def test_paper_text_arrives_later(snap):
    engine = Engine.build(snap)
    assert engine.filter(snap, ALL, "holography") == []
    engine.set_text(OLD, prepare_text("holography here"))
    assert engine.filter(snap, ALL, "holography") == [OLD]
    assert engine.filter(snap, ALL, "is:downloaded") == [OLD]


def test_universe_adds_mentioned_papers_only_when_asked(snap):
    assert "1312.99999" not in universe(snap, parse("is:unread"))
    assert universe(snap, parse("is:mentioned"))[-1] == "1312.99999"


# --------------------------------------------------------------------------- algebra

ATOMS = ["edward", "lora", "explor", '"perron frobenius"', "tag:llm", "tag:rl", "is:read", "is:noted",
         "author:edward", "date:>=2020-07-06", "year:2020", "cat:cs", "is:downloaded", "인코더", "text:holography"]
atoms = st.sampled_from(ATOMS)
queries = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"({p[0]} {p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]} OR {p[1]})"),
        inner.map(lambda q: f"-({q})"),
        inner.map(lambda q: f"NOT ({q})"),
    ),
    max_leaves=6,
)
_SNAP = library()
_ENGINE = Engine.build(_SNAP, {OLD: prepare_text("holography")}, {OLD})


def matches(query: str) -> set[str]:
    parsed = parse(query)
    assert parsed.error is None, (query, parsed.error)
    return set(_ENGINE.filter(_SNAP, ALL, parsed))


@settings(deadline=None)
@given(queries, queries)
def test_algebra(a, b):
    ma, mb = matches(a), matches(b)
    assert matches(f"({a}) OR ({b})") == ma | mb >= ma
    assert matches(f"({a}) ({b})") == ma & mb
    assert matches(f"NOT NOT ({a})") == ma
    assert matches(f"-({a})") == set(ALL) - ma
    assert matches(f"NOT (({a}) OR ({b}))") == matches(f"-({a}) -({b})")  # De Morgan


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_filters_without_raising(text):
    kept = _ENGINE.filter(_SNAP, ALL, text)
    assert kept == [i for i in ALL if i in set(kept)]


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.sets(st.integers(0, 5000), max_size=20),  # sparse
    st.sets(st.integers(0, 300), min_size=200),  # dense
    st.sets(st.integers(0, 2000), max_size=600),  # in between
))
def test_bitsets_round_trip(slots):
    from reader.core.bitsets import bits_of, slots_in

    assert slots_in(bits_of(slots)) == sorted(slots)


# --------------------------------------------------------------------------- scale


def big(papers: int = 10_000, per_digest: int = 20) -> Snapshot:
    words = "attention diffusion graph neural learning deep robust sparse generative model".split()
    digests = []
    all_papers = {}
    for d in range(papers // per_digest):
        entries = []
        for k in range(per_digest):
            n = d * per_digest + k
            title = " ".join(words[(n * 7 + j) % len(words)] for j in range(6 + n % 5))
            entries.append(Entry(f"{n:05d}", title=title, authors=[f"Author {n % 997}", "B"],
                                 commentary=" ".join(words[(n + j) % len(words)] for j in range(40))))
            all_papers[f"{n:05d}"] = PaperRecord(f"{n:05d}", title, (f"Author {n % 997}", "B"))
        digests.append(digest(f"d{d}", dt.date(2000, 1, 2) + dt.timedelta(weeks=d), "", f"/{d}.md", entries))
    states = {f"{n:05d}": PaperState(read=n % 3 == 0, tags=(f"t{n % 7}",)) for n in range(0, papers, 2)}
    notes = {f"{n:05d}": "a note about graphs" for n in range(0, papers, 50)}
    return Snapshot(tuple(reversed(digests)), all_papers, states, notes, {})


def test_p95_per_keystroke_under_50ms_at_10k():
    snap = big()
    ids = snap.all_ids()
    assert len(ids) == 10_000
    engine = Engine.build(snap)  # built once, in the background in the app
    query = "tag:t3 is:unread author:author 1 graph neural"
    timings = []
    for n in range(1, len(query) + 1):  # every prefix, as typed
        start = time.process_time()
        engine.filter(snap, ids, query[:n])
        timings.append(time.process_time() - start)
    for text in ("a", "at", "att", "atte", "diffusion", "-is:read", "zzz", "tag:t1 OR tag:t2", "(deep OR sparse) -model"):
        start = time.process_time()
        engine.filter(snap, ids, text)
        timings.append(time.process_time() - start)
    p95 = statistics.quantiles(timings, n=20)[18]
    assert p95 < 0.05, f"p95 {p95 * 1000:.1f} ms"


def test_a_note_edit_at_10k_costs_one_overlay_entry():
    snap = big()
    engine = Engine.build(snap)
    ids = snap.all_ids()
    engine.filter(snap, ids, "graphs")
    edited = snap.with_changes(notes={**snap.notes, "05001": "zebrafish"})
    start = time.process_time()
    assert engine.filter(edited, ids, "zebrafish") == ["05001"]
    assert time.process_time() - start < 0.05
    assert engine.index_for(edited).edited["note"] == {engine.index.slot["05001"]: " zebrafish"}


def test_index_build_at_10k_is_quick_and_small():
    snap = big()
    start = time.process_time()
    index = TextIndex.build(snap)
    took = time.process_time() - start
    assert took < 1.0, f"{took:.2f} s"
    assert index.memory() < 8_000_000  # the text is ~2.8 MB; no per-paper objects


def test_a_paper_text_is_searched_by_its_vocabulary_and_phrases_by_its_words_in_order():
    from reader.core.pdf import PaperText

    text = prepare_text(PaperText(pages=["Deep learning: 인코더와 more", "", "learning again"]))
    assert text.holds(" deep") and text.holds(" lear") and text.holds(" 인코더") and not text.holds(" earning")
    assert text.holds(" more learning")  # a phrase across a page break
    assert not text.holds(" learning deep")
    assert text.ascii_words.isascii() and text.other_words == " 인코더와"
    assert text.ascii_words.count(" learning") == 1  # each word once
    assert [text.page_of(text.norm.find(n)) for n in (" deep", " again")] == [1, 3]
