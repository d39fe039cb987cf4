"""Synthetic digests in the real layouts, for benchmarks and scale tests.

Every digest is text that ``reader import`` reads: flattened one-line posts, ``URL`` then
``Title (Authors)``, title-before-link, numbered lists and one-paper notes, with Korean
and English commentary that references other papers.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

WORDS = (
    "diffusion transformer attention scaling contrastive sparse neural implicit graph "
    "equivariant retrieval distillation pruning quantized adversarial robust efficient "
    "generative latent hierarchical variational autoregressive language vision policy"
).split()
KOREAN = (
    "인코더와 임베딩 최적화를 동시에 활용하는 방법이다. 학습이 빨라지고 성능도 좋아진다는 점이 흥미롭다. "
    "데이터셋 자체가 충분히 다양하지 않은 것 같다. 구현은 까다로울 듯. "
)
ENGLISH = (
    "The idea is simple and the ablations are convincing; the scaling results are what "
    "make it worth reading. I would like to see it on a harder benchmark. "
)
NAMES = "Ada Lovelace|Alan Turing|Grace Hopper|Shanyan Guan|Ying Tai|Arash Vahdat|Jan Kautz|Diederik P. Kingma|François Fleuret|Ngoc-Trung Tran".split("|")
LAYOUTS = ("flattened", "url_then_title", "title_before_link", "numbered", "one_paper")


class Paper:
    def __init__(self, arxiv_id: str, title: str, authors: list[str], commentary: str) -> None:
        self.arxiv_id, self.title, self.authors, self.commentary = arxiv_id, title, authors, commentary

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"


def _paper(rng: random.Random, day: dt.date, n: int, known: list[str]) -> Paper:
    arxiv_id = f"{day:%y%m}.{n:05d}"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
    title = f"{title} {n}"
    authors = rng.sample(NAMES, rng.randint(1, 5))
    text = (KOREAN if rng.random() < 0.6 else ENGLISH) * rng.randint(1, 4)
    refs = [rng.choice(known) for _ in range(rng.randint(0, 2))] if known else []
    styles = [" (https://arxiv.org/abs/{})", " see{}".replace("{}", "(https://arxiv.org/abs/{})"), " https://arxiv.org/abs/{}와 비슷하다."]
    for ref in refs:
        text += rng.choice(styles).format(ref)
    return Paper(arxiv_id, title, authors, text.strip())


def render(layout: str, day: dt.date, papers: list[Paper]) -> str:
    """One digest's text in ``layout``."""
    head = f"# {day:%y%m%d} Papers that stood out\n\n"
    authors = lambda p: ", ".join(p.authors)  # noqa: E731
    if layout == "flattened":
        first = " ".join(f"{p.url} {p.title} ({authors(p)}) {p.commentary}" for p in papers[:3])
        rest = "\n".join(f"{p.url} {p.title} ({authors(p)})\n{p.commentary}" for p in papers[3:])
        return f"{head}This week, briefly.\n{first}\n{rest}\n#review\n"
    if layout == "url_then_title":
        return head + "\n\n".join(f"{p.url}\n{p.title} ({authors(p)})\n\n{p.commentary}" for p in papers) + "\n"
    if layout == "title_before_link":
        return head + "\n\n".join(f"{p.title}\n\n{p.url}\n\n{p.commentary}" for p in papers) + "\n\n#review\n"
    if layout == "numbered":
        return head + "\n\n".join(f"{i}. {p.title} {p.url}\n\n{p.commentary}" for i, p in enumerate(papers, 1)) + "\n"
    p = papers[0]  # one_paper: URL, title line, commentary, tags
    return f"{p.url}\n\n*{p.title}* ({authors(p)})\n\n{p.commentary}\n\n#note #{rng_tag(p)}\n"


def rng_tag(paper: Paper) -> str:
    return WORDS[int(paper.arxiv_id[-3:]) % len(WORDS)]


def write_digests(folder: Path, n_digests: int = 500, n_papers: int = 10_000, seed: int = 11) -> list[Path]:
    """Write ``n_digests`` weekly digests holding ``n_papers`` papers in all into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.date(2016, 1, 3)
    per = max(1, n_papers // n_digests)
    known: list[str] = []
    paths = []
    n = 0
    for d in range(n_digests):
        day = start + dt.timedelta(weeks=d)
        layout = LAYOUTS[d % len(LAYOUTS)]
        count = n_papers - n if d == n_digests - 1 else per
        if layout == "one_paper":
            layout = "url_then_title" if count > 1 else layout
        papers = []
        for _ in range(count):
            n += 1
            papers.append(_paper(rng, day, n, known[-200:]))
        known.extend(p.arxiv_id for p in papers)
        path = folder / f"{day:%y%m%d} digest.md"
        path.write_text(render(layout, day, papers), encoding="utf-8")
        paths.append(path)
    return paths
