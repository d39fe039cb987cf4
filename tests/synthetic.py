"""Synthetic digests in the real layouts, for benchmarks and scale tests.

Every digest is text that ``reader import`` reads: flattened one-line posts, ``URL`` then
``Title (Authors)``, title-before-link, numbered lists and one-paper notes, with Korean
and English commentary that references other papers.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.library import Library

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


def _paper(rng: random.Random, arxiv_id: str, n: int, known: list[str]) -> Paper:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
    title = f"{title} {n}"
    authors = rng.sample(NAMES, rng.randint(1, 5))
    text = (KOREAN if rng.random() < 0.6 else ENGLISH) * rng.randint(1, 4)
    # References to papers of the last few weeks (picked without copying the list).
    window = min(len(known), 200)
    for _ in range(rng.randint(0, 2) if window else 0):
        ref = known[len(known) - 1 - rng.randrange(window)]
        text += rng.choice(REFERENCE_STYLES).format(ref)
    return Paper(arxiv_id, title, authors, text.strip())


REFERENCE_STYLES = (" (https://arxiv.org/abs/{})", " see(https://arxiv.org/abs/{})", " https://arxiv.org/abs/{}와 비슷하다.")


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


NEWEST = dt.date(2025, 12, 28)  # the newest digest's date: weekly digests lead up to it


def write_digests(folder: Path, n_digests: int = 500, n_papers: int = 10_000, seed: int = 11) -> list[Path]:
    """Write ``n_digests`` weekly digests holding ``n_papers`` papers in all into ``folder``
    (the newest dated ``NEWEST``). Ids are valid and unique at any size: ``YYMM.NNNNN``
    numbered within the digest's month (100,000 papers in 1,000 digests take ~2 s)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = NEWEST - dt.timedelta(weeks=n_digests - 1)
    per = max(1, n_papers // n_digests)
    known: list[str] = []
    in_month: dict[str, int] = {}
    paths = []
    n = 0
    for d in range(n_digests):
        day = start + dt.timedelta(weeks=d)
        month = f"{day:%y%m}"
        layout = LAYOUTS[d % len(LAYOUTS)]
        count = n_papers - n if d == n_digests - 1 else per
        if layout == "one_paper":
            layout = "url_then_title" if count > 1 else layout
        papers = []
        for _ in range(count):
            n += 1
            in_month[month] = in_month.get(month, 0) + 1
            width = 4 if month < "1501" else 5  # arXiv ids had 4 digits after the dot until 2014
            if in_month[month] >= 10**width:
                raise ValueError(f"more than {10**width - 1:,} papers in {month}: use more digests")
            papers.append(_paper(rng, f"{month}.{in_month[month]:0{width}d}", n, known))
        known.extend(p.arxiv_id for p in papers)
        path = folder / f"{day:%y%m%d} digest.md"
        path.write_text(render(layout, day, papers), encoding="utf-8")
        paths.append(path)
    return paths


def add_state(library: Library, share: float = 0.2, note: str = ("My note on this paper. " * 45)[:1000],
              seed: int = 3) -> list[str]:
    """A reader's work on ``share`` of the papers: half of them read, a third tagged
    ``to-read`` and a third ``gan``, a third with a ~1 KB note. Returns the touched ids.

    Made with the library's own calls, each a single write per file whatever the number
    of papers (core/library.py).
    """
    ids = sorted(library.papers())
    touched = random.Random(seed).sample(ids, int(len(ids) * share))
    library.set_read(touched[::2], True)
    library.change_tags(touched[1::3], ["to-read"])
    library.change_tags(touched[2::3], ["gan"])
    library.set_notes(dict.fromkeys(touched[::3], note))
    return touched
