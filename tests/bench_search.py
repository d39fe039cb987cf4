"""Query engine benchmark: a script, not a test. Prints a markdown table.

    .venv/bin/python tests/bench_search.py                      # 10,000 papers, 200 paper texts, memory at 100,000
    .venv/bin/python tests/bench_search.py --papers 100000 --runs 1 --memory-papers 0   # 100,000 papers (~3 min)
    .venv/bin/python tests/bench_search.py --papers 1000 --texts 20 --memory-papers 0 --runs 1

A synthetic library of realistic shape (English and Korean commentary, notes on some papers,
abstracts on most) and paper texts written to a temporary cache dir in the real cache format, so
the engine reads them as the app does (``core/search_sources.py``). Measured:

* the index build, with and without the paper texts;
* the filter as you type: every prefix of each query below, typed into the ``/`` filter over all
  papers and then deleted a letter at a time (what the app does on the UI thread per
  keystroke), p50/p95/max per keystroke;
* ranked search (``s``, ``reader search``): the first search on a new engine (it numbers the
  library's papers once, as the app's engine does once per catalogue), then each query once
  with the index's caches emptied (the first time it is typed) and best of 3 with them warm;
* index memory: what the build allocates and keeps (tracemalloc), at ``--papers`` and at
  ``--memory-papers``.

The machine may be shared: ``--runs N`` repeats the timings N times and reports medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.engine import Engine
from reader.core.library import DigestRecord, PaperRecord, PaperState
from reader.core.models import Entry
from reader.core.pdf import TEXT_CACHE_FORMAT, pdf_path, text_cache_path
from reader.core.search_index import TextIndex
from reader.core.search_sources import cached_texts, downloaded_ids
from reader.core.snapshot import Snapshot

WORDS = (
    "learning model models network networks neural deep training data dataset generative adversarial "
    "diffusion transformer attention language representation representations latent variational "
    "autoencoder encoder decoder inference optimization gradient descent stochastic loss function "
    "objective prior posterior likelihood sampling sample samples image images video speech text "
    "graph reinforcement policy reward agent environment benchmark evaluation experiments results "
    "method approach propose proposed show shows demonstrate performance accuracy robust robustness "
    "efficient efficiency scalable scale large small pretrained fine-tuning transfer few-shot zero-shot "
    "contrastive self-supervised supervised unsupervised semi-supervised classification detection "
    "segmentation generation synthesis reconstruction embedding embeddings inversion style content "
    "hierarchical convolutional recurrent memory normalization regularization dropout batch layer "
    "layers residual skip connection connections architecture search neural-architecture kernel "
    "gaussian process bayesian uncertainty calibration theory bound bounds convergence analysis "
    "empirical state-of-the-art baseline baselines ablation study studies quantitative qualitative"
).split()
RARE = "quokka wombat platypus axolotl narwhal pangolin okapi tapir numbat dugong".split()
KOREAN = (
    "인코더와 임베딩 최적화를 동시에 활용하는 방법 학습이 빨라지고 성능도 좋아진다는 점이 흥미롭다 "
    "생성 모델 확산 모델 트랜스포머 주의 메커니즘 표현 학습 잠재 공간 변분 오토인코더 강화 학습"
).split()
SURNAMES = "Vahdat Kautz Guan Tai Kingma Welling Goodfellow Bengio Hinton LeCun Kim Lee Park Choi Zhang Wang Li Chen Liu Smith".split()

QUERIES = [
    # common single words
    "learning", "model", "diffusion", "transformer", "attention", "latent", "gradient", "benchmark",
    "embedding", "hierarchical", "the", "a",
    # rarer words
    "quokka", "wombat", "narwhal", "calibration", "pangolin",
    # AND of several words
    "deep generative model", "variational autoencoder hierarchical", "contrastive self-supervised image",
    "policy reward agent", "gaussian process uncertainty", "style inversion embedding", "quokka learning",
    "diffusion transformer attention latent", "the of and",
    # phrases
    '"generative adversarial"', '"neural network"', '"latent space"', '"state-of-the-art baseline"',
    '"the proposed method"', '"quokka wombat"', '"deep generative" model',
    # authors
    "vahdat", "kim", "goodfellow bengio", "author 123",
    # Korean
    "인코더", "임베딩 최적화", "학습", '"확산 모델"', "오토인코더", "트랜스포머 주의", "성능",
    # mixed, short, no match
    "gan 학습", "vae", "ai", "zzzyzx", '"no such phrase anywhere"', "xyzzy learning",
    # fields and logic
    "tag:gan is:unread", "title:diffusion -is:read", "(vahdat OR kingma) latent", "author:kim date:>=2018",
    "is:noted learning", "-tag:gan model",
]


def sentence(rng: random.Random, korean: bool) -> str:
    if korean:
        return " ".join(rng.choice(KOREAN) for _ in range(rng.randint(6, 14))) + ". "
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.02:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + ". "


def synthetic_snapshot(n_papers: int, seed: int = 7) -> Snapshot:
    rng = random.Random(seed)
    per_digest = 20 if n_papers <= 10_000 else 100  # 100,000 papers: 1,000 weekly digests of 100
    start = dt.date(2016, 1, 3)
    digests, papers, states, notes, metadata = [], {}, {}, {}, {}
    per_month: dict[str, int] = {}
    for d in range(n_papers // per_digest):
        day = start + dt.timedelta(weeks=d)
        entries = []
        for _ in range(per_digest):
            month = f"{day:%y%m}"
            per_month[month] = n = per_month.get(month, 0) + 1
            arxiv_id = f"{month}.{n:05d}"  # a valid new-style id (five digits since 2015)
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).title()
            authors = [f"{rng.choice('ABCDEFGHJK')}. {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 6))]
            authors.append(f"Author {rng.randint(1, 5000)}")
            commentary = "".join(sentence(rng, rng.random() < 0.6) for _ in range(rng.randint(2, 6)))
            entries.append(Entry(arxiv_id, 1, title, authors, commentary, [], []))
            papers[arxiv_id] = PaperRecord(arxiv_id, title, tuple(authors), "2020-01-01T00:00:00+00:00")
            if rng.random() < 0.1:
                notes[arxiv_id] = "".join(sentence(rng, rng.random() < 0.5) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.3:
                states[arxiv_id] = PaperState(True, ("gan",), None)
            if rng.random() < 0.8:
                metadata[arxiv_id] = {"status": "ok", "metadata": {
                    "title": title, "authors": authors,
                    "abstract": "".join(sentence(rng, False) for _ in range(rng.randint(5, 9))),
                }}
        digests.append(DigestRecord(f"d{d:05d}", day, f"Week of {day}", f"/digests/{day}.md", "", "", tuple(entries)))
    digests.reverse()
    return Snapshot(tuple(digests), papers, states, notes, metadata)


def paper_text(rng: random.Random, size: int) -> list[str]:
    pages, page, total = [], [], 0
    while total < size:
        s = sentence(rng, rng.random() < 0.05)
        page.append(s)
        total += len(s)
        if sum(map(len, page)) > 4000:
            pages.append("".join(page))
            page = []
    pages.append("".join(page))
    return pages


def write_texts(cache: Path, ids: list[str], size: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    total = 0
    for arxiv_id in ids:
        pdf = pdf_path(cache, arxiv_id)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF-1.4 benchmark")
        st = pdf.stat()
        pages = paper_text(rng, size)
        total += sum(map(len, pages))
        path = text_cache_path(cache, arxiv_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": TEXT_CACHE_FORMAT, "pdf": {"size": st.st_size, "mtime_ns": st.st_mtime_ns},
                   "pages": pages, "skipped": [], "error": None}
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return total


def best_of(fn, repeat: int) -> float:
    """Best of ``repeat`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cold(index: TextIndex) -> TextIndex:
    """The index with its scan cache emptied: a query as if typed for the first time."""
    index._cache.clear()  # (the bench's own business: no hook for it in the product)
    return index


def timings(snapshot: Snapshot, index: TextIndex, downloaded: set[str]) -> dict[str, float]:
    ids = snapshot.all_ids()
    out: dict[str, float] = {}
    # the / filter: every prefix of every query, typed in order, then deleted a letter at a
    # time (caches as the app has them)
    engine = Engine(cold(index), downloaded)
    keys = []
    for query in QUERIES:
        typed = [query[:n] for n in range(1, len(query) + 1)] + [query[:n] for n in range(len(query) - 1, 0, -1)]
        for text in typed:
            t0 = time.perf_counter()
            engine.filter(snapshot, ids, text)
            keys.append((time.perf_counter() - t0) * 1000)
        cold(index)
    out["filter p50"], out["filter p95"], out["filter max"] = percentile(keys, 50), percentile(keys, 95), max(keys)
    out["keystrokes"] = len(keys)
    # ranked search: the first one on a new engine (it numbers the library's papers once),
    # then each query the first time it is typed (the index's caches cold, the engine the
    # app's long-lived one) and warm
    engine = Engine(cold(index), downloaded)
    t0 = time.perf_counter()
    engine.search(snapshot, "learning")
    out["search, new engine"] = (time.perf_counter() - t0) * 1000
    first, warm = [], []
    for query in QUERIES:
        cold(index)
        t0 = time.perf_counter()
        engine.search(snapshot, query)
        first.append((time.perf_counter() - t0) * 1000)
        warm.append(best_of(lambda q=query, e=engine: e.search(snapshot, q), 3))
    out["search first p50"], out["search first p95"], out["search first max"] = percentile(first, 50), percentile(first, 95), max(first)
    out["search warm p50"], out["search warm p95"] = percentile(warm, 50), percentile(warm, 95)
    # a note edit: the next keystroke's filter over a snapshot with the new note
    engine = Engine(index, downloaded)
    engine.filter(snapshot, ids, "quokka")
    edited = snapshot.with_changes(notes={**snapshot.notes, ids[len(ids) // 2]: "a fresh quokka note"})
    t0 = time.perf_counter()
    engine.filter(edited, ids, "quokka")
    out["note edit + filter"] = (time.perf_counter() - t0) * 1000
    return out


def index_memory(n_papers: int) -> tuple[float, float, float]:
    """(MB the build keeps, MB at the build's peak, seconds) for ``n_papers`` without texts."""
    import gc
    import tracemalloc

    snapshot = synthetic_snapshot(n_papers)
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    index = TextIndex.build(snapshot)
    took = time.perf_counter() - t0
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(index) == len(snapshot.all_ids())
    return kept / 1e6, peak / 1e6, took


def bench(n_papers: int, n_texts: int, runs: int, memory_papers: list[int], text_size: int = 60_000) -> dict[str, str]:
    snapshot = synthetic_snapshot(n_papers)
    ids = snapshot.all_ids()
    texted = random.Random(3).sample(ids, min(n_texts, len(ids)))
    rows: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        text_bytes = write_texts(cache, texted, text_size)
        builds, reads, plain = [], [], []
        for _ in range(3):
            t0 = time.perf_counter()
            texts = cached_texts(cache, ids)
            downloaded = downloaded_ids(cache)
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index = TextIndex.build(snapshot, texts)
            builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        TextIndex.build(snapshot)
        plain.append(time.perf_counter() - t0)
        results = [timings(snapshot, index, downloaded) for _ in range(runs)]
    med = {key: statistics.median(r[key] for r in results) for key in results[0]}
    rows["papers / paper texts"] = f"{n_papers:,} / {len(texted)} ({text_bytes / 1e6:.1f} M characters of text)"
    rows["read + normalise the cached texts (median of 3)"] = f"{statistics.median(reads) * 1000:.0f} ms"
    rows["build the index, with the texts (median of 3) / without"] = (
        f"{statistics.median(builds) * 1000:.0f} ms / {plain[0] * 1000:.0f} ms"
    )
    rows[f"/ filter per keystroke, typing and deleting, p50 / p95 / max ({med['keystrokes']:.0f} keystrokes)"] = (
        f"{med['filter p50']:.2f} / {med['filter p95']:.2f} / {med['filter max']:.1f} ms"
    )
    rows["search, the first on a new engine (numbers the papers once)"] = f"{med['search, new engine']:.0f} ms"
    rows[f"search, each query the first time (index caches cold): p50 / p95 / max ({len(QUERIES)} queries)"] = (
        f"{med['search first p50']:.1f} / {med['search first p95']:.1f} / {med['search first max']:.0f} ms"
    )
    rows["search, caches warm (best of 3): p50 / p95"] = f"{med['search warm p50']:.1f} / {med['search warm p95']:.1f} ms"
    rows["a note edited, then the next keystroke's filter"] = f"{med['note edit + filter']:.1f} ms"
    rows["index memory (self-reported: its strings and arrays)"] = f"{index.memory() / 1e6:.1f} MB"
    for n in memory_papers:
        kept, peak, took = index_memory(n)
        rows[f"index memory at {n:,} papers, no texts: kept / build peak (tracemalloc); build time"] = (
            f"{kept:.0f} MB / {peak:.0f} MB; {took:.1f} s (under tracemalloc)"
        )
    rows["timings are medians of"] = f"{runs} run{'s' * (runs != 1)}"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="repeat the timings, report medians")
    parser.add_argument("--memory-papers", type=int, default=100_000, help="also measure index memory at this size (0: no)")
    args = parser.parse_args()
    sizes = [args.papers] + ([args.memory_papers] if args.memory_papers else [])
    rows = bench(args.papers, args.texts, args.runs, sizes)
    print("| measure | value |")
    print("|---|---|")
    for key, value in rows.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
