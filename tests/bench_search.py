"""Search benchmark: a script, not a test. Prints a markdown table.

    .venv/bin/python tests/bench_search.py                 # 10,000 papers, 200 paper texts of ~60 KB
    .venv/bin/python tests/bench_search.py --papers 1000 --texts 20

A synthetic library of realistic shape (English and Korean commentary, notes on some papers,
abstracts on most) and paper texts written to a temporary cache dir in the real cache format, so
``SearchIndex.build`` reads them as it would in use. Query times are over ~50 realistic queries
(common and rare words, AND of several words, phrases, authors, Korean, no match), each run
several times; the naive row is a plain ``term in text`` loop over every field of every paper,
for comparison.
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

from reader.core.library import DigestRecord, PaperRecord, PaperState  # noqa: E402
from reader.core.models import Entry  # noqa: E402
from reader.core.pdf import TEXT_CACHE_FORMAT, pdf_path, text_cache_path  # noqa: E402
from reader.core.search import SearchIndex, parse_query  # noqa: E402
from reader.core.snapshot import Snapshot  # noqa: E402

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
    per_digest = 20
    start = dt.date(2016, 1, 3)
    digests, papers, states, notes, metadata = [], {}, {}, {}, {}
    n = 0
    for d in range(n_papers // per_digest):
        day = start + dt.timedelta(weeks=d)
        entries = []
        for _ in range(per_digest):
            n += 1
            arxiv_id = f"{day:%y%m}.{n:05d}"
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


def timed(fn, repeat: int = 1) -> float:
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


def naive_search(haystacks: list[tuple[str, list[str]]], query: str) -> list[str]:
    terms = parse_query(query)
    return [i for i, fields in haystacks if all(any(t in f for f in fields) for t in terms)]


def bench_search(n_papers: int = 10000, n_texts: int = 200, text_size: int = 60_000) -> dict:
    snapshot = synthetic_snapshot(n_papers)
    ids = snapshot.all_ids()
    rng = random.Random(3)
    texted = rng.sample(ids, n_texts)
    rows: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        text_bytes = write_texts(cache, texted, text_size)
        builds = []
        for _ in range(3):
            t0 = time.perf_counter()
            index = SearchIndex.build(snapshot, cache)
            builds.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        SearchIndex.build(snapshot, None)
        no_text_build = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        index.search("warm up")
        first = (time.perf_counter() - t0) * 1000

        times, counts = [], []
        for query in QUERIES:
            times.append(timed(lambda q=query: index.search(q), repeat=5))
            counts.append(len(index.search(query, limit=100_000)))

        # a plain loop over folded per-paper texts, for comparison
        haystacks = []
        texts = {i: index._fields["text"].display[index._slot[i]].lower() for i in texted}
        for i in ids:
            slot = index._slot[i]
            haystacks.append((i, [index._fields[f].display[slot].lower() for f in ("title", "authors", "note", "commentary", "abstract")]
                              + ([texts[i]] if i in texts else [])))
        naive = [timed(lambda q=query: naive_search(haystacks, q), repeat=3) for query in QUERIES]

        target = texted[0]
        new_text = paper_text(random.Random(99), text_size)
        update_note = timed(lambda: index.update_note(ids[5000 % len(ids)], "a fresh quokka note"))
        after_note = timed(lambda: index.search("quokka"))
        update_paper = timed(lambda: index.update_paper(ids[17], title="A renamed paper", authors=["New Author"]))
        after_paper = timed(lambda: index.search("renamed"))

        from reader.core.pdf import PaperText

        add_text = timed(lambda: index.add_text(target, PaperText(pages=new_text)))
        after_text = timed(lambda: index.search("learning"))
        refresh_none = timed(lambda: index.refresh(snapshot))
    rows["papers / paper texts"] = f"{n_papers:,} / {n_texts} ({text_bytes / 1e6:.1f} M characters of text)"
    rows["build (snapshot + cached texts), median of 3"] = f"{statistics.median(builds):.0f} ms"
    rows["build without paper texts"] = f"{no_text_build:.0f} ms"
    rows["first search after build"] = f"{first:.1f} ms"
    rows[f"query p50 / p95 / max ({len(QUERIES)} queries, best of 5 each)"] = (
        f"{percentile(times, 50):.2f} / {percentile(times, 95):.2f} / {max(times):.2f} ms"
    )
    slowest = sorted(zip(times, QUERIES), reverse=True)[:3]
    rows["slowest queries"] = ", ".join(f"`{q}` {t:.1f} ms" for t, q in slowest)
    rows["naive `in` loop p50 / p95 / max (for comparison)"] = (
        f"{percentile(naive, 50):.2f} / {percentile(naive, 95):.2f} / {max(naive):.2f} ms"
    )
    rows["update_note + next search"] = f"{update_note:.3f} ms + {after_note:.2f} ms"
    rows["update_paper + next search"] = f"{update_paper:.3f} ms + {after_paper:.2f} ms"
    rows["add_text (60 KB) + next search"] = f"{add_text:.2f} ms + {after_text:.2f} ms"
    rows["refresh(snapshot), nothing changed"] = f"{refresh_none:.0f} ms"
    rows["hits per query (median / max)"] = f"{statistics.median(counts):.0f} / {max(counts)}"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10000)
    parser.add_argument("--texts", type=int, default=200)
    args = parser.parse_args()
    rows = bench_search(args.papers, args.texts)
    print("| measure | value |")
    print("|---|---|")
    for key, value in rows.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
