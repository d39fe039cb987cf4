"""Test libraries for the TUI tests, built without the digest parser."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest


def entry(arxiv_id: str, title: str, authors=("Ada Lovelace",), commentary: str = "", **kw) -> Entry:
    return Entry(arxiv_id=arxiv_id, title=title, authors=list(authors), commentary=commentary, **kw)


def make_library(path: Path, digests: list[ParsedDigest]) -> Library:
    """A Library in ``path`` holding ``digests`` (each imported with a unique sha)."""
    library = Library(path)
    if digests:
        library.import_digests((d, f"sha-{n}-{d.source}") for n, d in enumerate(digests))
    return library


def sample_digests() -> list[ParsedDigest]:
    """Two weeks: a small fixed library used by most tests (deterministic)."""
    week1 = ParsedDigest(
        source="/digests/200705.md",
        date=dt.date(2020, 7, 5),
        title="Papers of the first week",
        entries=[
            entry("2007.00001", "Attention Is Still All You Need", ("Alice Smith", "Bob Jones"),
                  "A **strong** baseline. See https://arxiv.org/abs/2007.00003.",
                  references=["2007.00003", "1706.03762"]),
            entry("2007.00002", "한국어 제목의 논문: 대규모 언어 모델", ("김철수",),
                  "한국어 코멘터리입니다. 아주 좋은 논문."),
            entry("2007.00003", "Diffusion Models Beat GANs", ("Carol White", "Dan Brown", "Eve Black"),
                  "Generative models are getting better."),
        ],
    )
    week2 = ParsedDigest(
        source="/digests/200712.md",
        date=dt.date(2020, 7, 12),
        title="Papers that stood out this week",
        entries=[
            entry("2007.01758", "Collaborative Learning for Faster StyleGAN Embedding",
                  ("Shanyan Guan", "Ying Tai"), "GAN inversion by **teaching** each other.",
                  tags=["gan"]),
            entry("2007.03898", "NVAE: A Deep Hierarchical Variational Autoencoder",
                  ("Arash Vahdat", "Jan Kautz"), "A VAE whose samples look competitive.",
                  tags=["vae", "gan"]),
            entry("2007.00003", "Diffusion Models Beat GANs", ("Carol White",),
                  "Second mention of the diffusion paper in a later week."),
            entry("2007.04825", "Fast Transformers with Clustered Attention",
                  ("Apoorv Vyas", "Angelos Katharopoulos", "François Fleuret"),
                  "Queries are grouped into clusters.", tags=["attention"]),
        ],
    )
    return [week1, week2]


WORDS = (
    "attention diffusion transformer graph neural network learning deep robust sparse "
    "contrastive generative adversarial variational bayesian reinforcement policy "
    "language model vision segmentation detection retrieval efficient scalable"
).split()


def generated_digests(papers: int = 10_000, digests: int = 500, seed: int = 7) -> list[ParsedDigest]:
    """A big deterministic library: ``papers`` papers spread over ``digests`` weeks."""
    rng = random.Random(seed)
    per = papers // digests
    out = []
    start = dt.date(2010, 1, 3)
    n = 0
    for d in range(digests):
        entries = []
        for _ in range(per):
            n += 1
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
            if n % 13 == 0:
                title = "한국어 " + title
            authors = [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(1, 6))]
            commentary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
            tags = [rng.choice(WORDS)] if n % 5 == 0 else []
            entries.append(
                Entry(f"{1000 + d:04d}.{n:05d}", title=title, authors=authors,
                      commentary=commentary, tags=tags)
            )
        out.append(
            ParsedDigest(
                source=f"/bench/digest-{d:04d}.md",
                date=start + dt.timedelta(weeks=d),
                title=f"Digest number {d}",
                entries=entries,
            )
        )
    return out


def write_digest_file(path: Path) -> Path:
    """A one-week digest file in the link-title-(authors)-commentary layout."""
    path.write_text(
        "# 230108 Papers of a new week\n\n"
        "https://arxiv.org/abs/2301.00042 A Paper From Another Terminal (Grace Hopper, Alan Turing)\n"
        "Imported while the app was open. It mentions https://arxiv.org/abs/2007.00001.\n",
        encoding="utf-8",
    )
    return path


def many_weeks_library(path):
    """40 weekly digests (the newest week holds three), two undated notes whose names
    differ only at the end, and 31 tags used unevenly."""
    digests = []
    newest = dt.date(2020, 7, 12)
    n = 0
    for week in range(40):
        day = newest - dt.timedelta(weeks=week)
        for extra in range(3 if week == 0 else 1):
            entries = []
            for _ in range(3):
                n += 1
                tags = [f"tag{n % 30:02d}"] + (["common"] if n % 2 == 0 else [])
                entries.append(entry(f"2007.{n:05d}", f"Paper number {n}", tags=tags))
            digests.append(ParsedDigest(source=f"/d/{day:%y%m%d}-{extra}.md", date=day - dt.timedelta(days=extra),
                                        title=f"Digest {week}.{extra}", entries=entries))
    for name in ("reading notes on a long topic number 1", "reading notes on a long topic number 2"):
        n += 1
        digests.append(ParsedDigest(source=f"/d/{name}.md", date=None, title=None,
                                    entries=[entry(f"2007.{n:05d}", f"Undated paper {n}")]))
    return make_library(path, digests)
