"""The list filter: query parsing, matching, and speed at 10k papers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import filtering
from reader.core.filtering import compile_query, matches
from reader.core.library import DigestRecord, PaperRecord, PaperState
from reader.core.models import Entry
from reader.core.snapshot import Snapshot


def snapshot_of(entries_by_digest, states=None, notes=None, metadata=None) -> Snapshot:
    digests, papers = [], {}
    for n, entries in enumerate(entries_by_digest):
        digests.append(
            DigestRecord(f"d{n}", dt.date(2020, 1, 1) + dt.timedelta(weeks=n), f"Digest {n}",
                         f"/d{n}.md", "sha", "", tuple(entries))
        )
        for e in entries:
            papers.setdefault(e.arxiv_id, PaperRecord(e.arxiv_id, e.title, tuple(e.authors)))
    return Snapshot(tuple(reversed(digests)), papers, states or {}, notes or {}, metadata or {})


def small() -> Snapshot:
    return snapshot_of(
        [[
            Entry("1", title="Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"],
                  commentary="The transformer paper."),
            Entry("2", title="Denoising Diffusion", authors=["Jonathan Ho"], commentary="Score models, 확산 모델"),
            Entry("3", title="[bold]Markup[/] title", authors=["Diederik P. Kingma"], commentary=""),
        ]],
        states={"1": PaperState(read=True, tags=("nlp", "Classic")), "2": PaperState(tags=("generative",))},
        notes={"3": "Read this for the VAE appendix"},
        metadata={"2": {"status": "ok", "metadata": {"title": "Denoising Diffusion Probabilistic Models",
                                                     "authors": ["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"]}}},
    )


IDS = ["1", "2", "3"]


def test_empty_query_keeps_everything_in_order():
    assert matches(small(), IDS, "") == IDS
    assert matches(small(), ["3", "1"], "   ") == ["3", "1"]


def test_words_match_title_authors_commentary_and_notes_case_insensitively():
    snap = small()
    assert matches(snap, IDS, "attention") == ["1"]
    assert matches(snap, IDS, "SHAZEER") == ["1"]
    assert matches(snap, IDS, "transformer") == ["1"]
    assert matches(snap, IDS, "appendix") == ["3"]
    assert matches(snap, IDS, "확산") == ["2"]
    assert matches(snap, IDS, "abbeel") == ["2"]  # from fetched arXiv metadata
    assert matches(snap, IDS, "[bold]") == ["3"]  # markup is just text


def test_terms_are_anded_and_phrases_quoted():
    snap = small()
    assert matches(snap, IDS, "attention vaswani") == ["1"]
    assert matches(snap, IDS, "attention kingma") == []
    assert matches(snap, IDS, '"all you need"') == ["1"]
    assert matches(snap, IDS, '"need all"') == []


def test_tags_state_and_author():
    snap = small()
    assert matches(snap, IDS, "tag:nlp") == ["1"]
    assert matches(snap, IDS, "tag:#classic") == ["1"]  # case and # don't matter
    assert matches(snap, IDS, "tag:gen*") == ["2"]
    assert matches(snap, IDS, "is:read") == ["1"]
    assert matches(snap, IDS, "is:unread") == ["2", "3"]
    assert matches(snap, IDS, "is:noted") == ["3"]
    assert matches(snap, IDS, "author:kingma") == ["3"]
    assert matches(snap, IDS, "author:transformer") == []  # author: looks at authors only
    assert matches(snap, IDS, "is:unread tag:generative diffusion") == ["2"]


def test_negation_and_partial_terms():
    snap = small()
    assert matches(snap, IDS, "-is:read") == ["2", "3"]
    assert matches(snap, IDS, "-tag:nlp -attention") == ["2", "3"]
    assert matches(snap, IDS, "tag:") == IDS  # still typing
    assert matches(snap, IDS, "is:") == IDS
    assert matches(snap, IDS, "is:bogus") == []  # unknown: searched as text
    assert matches(snap, IDS, '"unbalanced') == []


def test_describe():
    assert filtering.describe(compile_query('gan tag:x -is:read "a b" author:y')) == (
        '"gan" · tag:x · not read · "a b" · author:y'
    )


def test_index_is_reused_across_state_changes_and_rebuilt_for_new_catalog():
    snap = small()
    index = filtering.index_for(snap)
    toggled = dataclasses.replace(snap, states={"3": PaperState(read=True)})
    assert filtering.index_for(toggled) is index
    assert matches(toggled, IDS, "is:read") == ["3"]
    noted = dataclasses.replace(snap, notes={"1": "brand new note"})
    assert matches(noted, IDS, "brand") == ["1"]
    other = snapshot_of([[Entry("9", title="Other")]])
    assert filtering.index_for(other) is not index
    assert matches(other, ["9"], "other") == ["9"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_compiles_and_matches_a_subset(text):
    snap = small()
    found = matches(snap, IDS, compile_query(text))
    assert set(found) <= set(IDS)
    assert found == [i for i in IDS if i in found]  # order kept


def big(papers: int = 10_000, per_digest: int = 20) -> Snapshot:
    words = "attention diffusion graph neural learning deep robust sparse generative model".split()
    digests = []
    for d in range(papers // per_digest):
        entries = []
        for k in range(per_digest):
            n = d * per_digest + k
            title = " ".join(words[(n * 7 + j) % len(words)] for j in range(6 + n % 5))
            entries.append(Entry(f"{n:05d}", title=title, authors=[f"Author {n % 997}", "B"],
                                 commentary=" ".join(words[(n + j) % len(words)] for j in range(40))))
        digests.append(entries)
    states = {f"{n:05d}": PaperState(read=n % 3 == 0, tags=("t%d" % (n % 7),)) for n in range(0, papers, 2)}
    notes = {f"{n:05d}": "a note about graphs" for n in range(0, papers, 50)}
    return snapshot_of(digests, states, notes)


def test_p95_per_keystroke_under_50ms_at_10k():
    snap = big()
    ids = snap.all_ids()
    assert len(ids) == 10_000
    filtering.index_for(snap)  # built once per snapshot, in the background in the app
    query = "tag:t3 is:unread author:author 1 graph neural"
    timings = []
    for n in range(1, len(query) + 1):  # every prefix, as typed
        start = time.perf_counter()
        matches(snap, ids, query[:n])
        timings.append(time.perf_counter() - start)
    for text in ("a", "at", "att", "atte", "diffusion", "-is:read", "zzz"):
        start = time.perf_counter()
        matches(snap, ids, text)
        timings.append(time.perf_counter() - start)
    p95 = statistics.quantiles(timings, n=20)[18]
    assert p95 < 0.05, f"p95 {p95 * 1000:.1f} ms"


def test_index_build_is_quick_at_10k():
    snap = big()
    start = time.perf_counter()
    filtering.index_for(snap)
    assert time.perf_counter() - start < 0.5
