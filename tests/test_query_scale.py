"""The query engine at 100,000 papers: every keystroke of the filter, and search, within their
goals (issue 15: filter p95 < 50 ms, search p95 < 100 ms), the index compact and quick to
build; and the word index answers exactly as the normalised text would (``" word" in text``)."""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine import Engine
from reader.core.library import PaperRecord, PaperState
from reader.core.models import Entry
from reader.core.search_index import TextIndex
from reader.core.snapshot import Snapshot
from reader.core.words import SEPARATOR, needle, normalise, normalise_items
from tests.test_engine import digest

WORDS = "attention diffusion graph neural learning deep robust sparse generative model latent".split()
KOREAN = "인코더와 임베딩 최적화를 학습이 성능도 확산 모델".split()


def library(papers: int, per_digest: int = 100) -> Snapshot:
    """``papers`` papers in weekly digests: a unique word in each title, Korean and English
    commentary, tags and read state on some, notes on a few."""
    digests, all_papers = [], {}
    for d in range(papers // per_digest):
        entries = []
        for k in range(per_digest):
            n = d * per_digest + k
            arxiv_id = f"{2001 + d // 400:04d}.{n % 40000:05d}"
            title = " ".join(WORDS[(n * 7 + j) % len(WORDS)] for j in range(6 + n % 5)) + f" w{n}"
            words = KOREAN if n % 5 < 3 else WORDS
            commentary = " ".join(words[(n + j) % len(words)] for j in range(30 + n % 20)) + "."
            authors = (f"Author {n % 997}", "B. Kim")
            entries.append(Entry(arxiv_id, title=title, authors=list(authors), commentary=commentary))
            all_papers[arxiv_id] = PaperRecord(arxiv_id, title, authors)
        digests.append(digest(f"d{d}", dt.date(2001, 1, 7) + dt.timedelta(weeks=d), "", f"/{d}.md", entries))
    ids = list(all_papers)
    states = {i: PaperState(read=n % 3 == 0, tags=(f"t{n % 7}", "gan") if n % 4 == 0 else ()) for n, i in enumerate(ids) if n % 2 == 0}
    notes = {i: "a note about graphs and 인코더" for i in ids[::50]}
    return Snapshot(tuple(reversed(digests)), all_papers, states, notes, {})


TYPED = ["attention", "graph neural", "인코더", "tag:t3 is:unread author:author 1", '"deep robust"', "w12345",
         "learn -is:read", "(deep OR sparse) -model", "g", "de"]


@pytest.fixture(scope="module")
def big() -> tuple[Snapshot, Engine, float]:
    snap = library(100_000)
    started = time.process_time()
    engine = Engine.build(snap)  # built once, in the background in the app
    return snap, engine, time.process_time() - started


def test_every_keystroke_at_100k_within_the_filter_goal(big):
    snap, engine, _ = big
    ids = snap.all_ids()
    assert len(ids) == 100_000
    engine.filter(snap, ids, "is:read")  # the view's ids numbered once, as on the first keystroke
    timings = []
    for text in TYPED:  # typed a letter at a time, then deleted a letter at a time
        typed = [text[:n] for n in range(1, len(text) + 1)] + [text[:n] for n in range(len(text) - 1, 0, -1)]
        for query in typed:
            start = time.process_time()
            engine.filter(snap, ids, query)
            timings.append(time.process_time() - start)
    p95 = statistics.quantiles(timings, n=20)[18]
    assert p95 < 0.05, f"p95 {p95 * 1000:.1f} ms over {len(timings)} keystrokes"


def test_search_at_100k_within_its_goal(big):
    snap, engine, _ = big
    engine.search(snap, "warm")  # the first search reads the snapshot's digests once (the app does it while indexing)
    timings = []
    for query in ("attention", "graph neural", "인코더", '"deep robust"', "w12345", "a", "author:kim learning"):
        start = time.process_time()
        hits = engine.search(snap, query)
        timings.append(time.process_time() - start)
        assert hits, query
    assert max(timings) < 0.1, [f"{t * 1000:.0f} ms" for t in timings]


def test_the_index_at_100k_is_compact_and_quick_to_build(big):
    _snap, engine, took = big
    assert engine.index is not None
    assert took < 15, f"{took:.1f} s"  # ~4 s here; the app builds it off the UI thread
    assert engine.index.memory() < 45_000_000  # 49 MB before; ~6 M words as 4-byte ids (a unique word per title), their postings


def test_a_filter_at_100k_keeps_the_view_order(big):
    snap, engine, _ = big
    ids = snap.all_ids()[::-1]
    kept = engine.filter(snap, ids, "w12345")
    assert kept == [i for i in ids if snap.title(i).endswith(" w12345")]
    assert engine.filter(snap, ids, "w1234") == [i for i in ids if " w1234" in normalise(snap.title(i) or "")]


# --------------------------------------------------------------------------- the same answers as text


texts = st.lists(st.text(alphabet="ab 가나-é.", max_size=12), min_size=0, max_size=3)
needles = st.lists(st.text(alphabet="ab가나é", min_size=1, max_size=3), min_size=1, max_size=3)


@settings(deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), needles)
def test_the_word_index_answers_as_the_normalised_text(fields, tokens):
    """Word starts, phrases (never across two items of a field), in titles and commentary."""
    from reader.core.words import words

    tokens = [w for t in tokens for w in words(t)]
    if not tokens:
        return
    entries = [Entry(f"2001.{n:05d}", title=" ".join(items), commentary=items) for n, items in enumerate(fields)]
    entries = [Entry(e.arxiv_id, title=e.title, commentary=SEPARATOR.join(fields[n])) for n, e in enumerate(entries)]
    snap = Snapshot((digest("d", dt.date(2020, 1, 5), "", "/d.md", entries),), {}, {}, {}, {})
    index = TextIndex.build(snap)
    look = needle(tokens)
    for field in ("title", "commentary"):
        expect = [e.arxiv_id for e in entries if look in index.normalised(field, e.arxiv_id)]
        assert index.ids_in(index.bits_with(field, look)) == expect
        assert [e.arxiv_id for e in entries if index.has(field, e.arxiv_id, look)] == expect
    for e in entries:
        assert index.normalised("title", e.arxiv_id) == normalise(e.title)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9 _-.,!?\t\n가힣각é한글 ")))
def test_normalise_of_ascii_and_hangul_is_the_general_road(text):
    from reader.core.words import _WORD, fold

    found = _WORD.findall(fold(text))
    assert normalise(text) == (" " + " ".join(found) if found else "")
    assert normalise_items([text, text]) == SEPARATOR.join([normalise(text)] * 2) if found else True


def test_the_app_starts_without_numpy():
    """numpy is imported when an index is built (off the UI thread), never at startup."""
    code = ("import sys, reader.tui.library_search, reader.core.engine, reader.core.ranking, reader.cli; "
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
