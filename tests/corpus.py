"""A synthetic corpus of the digests people write, with the answer for each: one-paper notes
as note apps keep them (``YYMMDD Title.md``), many-paper posts in every layout issue 12 names,
awesome-list READMEs, weekly-table READMEs and machine-written weekly digests.

Everything is generated from a seed: titles, names, ids and our own commentary (Korean and
English), so the corpus can be as large as a check needs (``tests/check_corpus.py`` builds
1,700 notes). ``Expected`` holds, per file, the entries the parser must find: id, title (None
where the file gives none) and commentary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

U = "https://arxiv.org/abs/"
HOSTS = [U, "https://arxiv.org/pdf/", "https://huggingface.co/papers/", "https://www.alphaxiv.org/abs/",
         "https://ar5iv.labs.arxiv.org/html/"]
HEADS = "Scaling Sparse Robust Implicit Latent Contrastive Hierarchical Efficient Adaptive Masked Linear Neural".split()
NOUNS = "Transformers Diffusion Attention Embeddings Policies Retrieval Distillation Graphs Agents Tokens".split()
TAILS = ("for Image Synthesis|for Long Documents|with Linear Complexity|via Gradient Resetting|at Scale|"
         "without Labels|in Language Models|for Object Detection|from Human Feedback|on a Budget").split("|")
SENTENCE = "learning to rank|training data-efficient image transformers|language models are few-shot learners".split("|")
FIRST = "Ann Bob Cid Dana Eve Finn Gwen Hyun Jae Min Soo Yuki Lars Nora Omar Priya".split()
LAST = "Lee Ray Moe Park Kim Olsen Chen Novak Garcia Tanaka Schmidt Rossi Dubois Singh".split()
KOREAN = ["인코더와 임베딩 최적화를 같이 쓴다.", "학습이 빨라지고 성능도 좋아진다는 점이 흥미롭다.",
          "데이터셋이 충분히 다양하지 않은 것 같다.", "구현은 까다로울 듯.", "실험이 설득력 있다."]
ENGLISH = ["The ablations are convincing.", "I would like to see it on a harder benchmark.",
           "Simple idea, strong results.", "The appendix has the real trick."]
INVISIBLE = ["\u200b", "\ufeff", "\u00a0", "\u2060"]


@dataclass
class Want:
    arxiv_id: str
    title: str | None
    commentary: str | None = None  # None: not checked


@dataclass
class Sample:
    """One generated file and what the parser must read from it."""

    name: str
    text: str
    entries: list[Want]
    layout: str
    malformed: list[str] = field(default_factory=list)
    leading_link: bool = False  # a note whose paper link is in its first lines


class Corpus:
    def __init__(self, seed: int = 12) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    # --- pieces -----------------------------------------------------------------------------
    def arxiv_id(self) -> str:
        while True:
            yy, mm = self.rng.randint(16, 25), self.rng.randint(1, 12)
            found = f"{yy:02d}{mm:02d}.{self.rng.randint(1, 29999):05d}"
            if found not in self.used:
                self.used.add(found)
                return found

    def title(self) -> str:
        r = self.rng.random()
        if r < 0.2:
            return self.rng.choice(SENTENCE).capitalize() + " " + self.rng.choice(["again", "at scale", "revisited"])
        if r < 0.55:
            return f"{self.short_name()}: {self.rng.choice(HEADS)} {self.rng.choice(NOUNS)} {self.rng.choice(TAILS)}"
        return f"{self.rng.choice(HEADS)} {self.rng.choice(NOUNS)} {self.rng.choice(TAILS)}"

    def short_name(self) -> str:
        return self.rng.choice(["Flash", "Deep", "Smooth", "Mega", "Tiny", "Hyper", "Uni", "Long"]) + self.rng.choice(
            ["Quant", "Attn", "Former", "Net", "Mixer", "Diff", "LM", "Seg"]
        )

    def authors(self) -> list[str]:
        return [f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}" for _ in range(self.rng.randint(1, 4))]

    def commentary(self, korean: bool = True, refs: bool = False) -> str:
        pool = KOREAN if korean else ENGLISH
        sentences = [self.rng.choice(pool) for _ in range(self.rng.randint(1, 3))]
        if refs:
            other = self.arxiv_id()
            form = self.rng.choice([f"({U}{other})", f"{U}{other}와 비슷하다.", f"see arXiv:{other}",
                                    f"[earlier work]({U}{other})"])
            sentences.insert(self.rng.randint(0, len(sentences)), form)
        return " ".join(sentences)

    def url(self, arxiv_id: str) -> str:
        host = self.rng.choice(HOSTS) if self.rng.random() < 0.2 else U
        return f"{host}{arxiv_id}"

    def day(self) -> str:
        return f"{self.rng.randint(18, 25):02d}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"

    # --- one-paper notes -------------------------------------------------------------------------
    def note(self, k: int) -> Sample:
        """A one-paper note as note apps keep them, in one of many layouts."""
        rng = self.rng
        arxiv_id, title, names = self.arxiv_id(), self.title(), self.authors()
        short = self.short_name() if rng.random() < 0.6 else title
        folder = rng.choice(["", "", "papers/", f"notes__20{rng.randint(19, 25)}__"])
        name = f"{folder}{self.day()} {short}.md" if rng.random() < 0.9 else f"{folder}{self.day()}.md"
        stem = Path(name).stem
        named = stem.split(" ", 1)[1] if " " in stem else None  # the title in the file's name
        body = self.commentary(korean=rng.random() < 0.7, refs=rng.random() < 0.3)
        tags = f"\n\n#{rng.choice(['lm', 'vision', 'rl'])} #{rng.choice(['review', 'todo'])}" if rng.random() < 0.5 else ""
        url = self.url(arxiv_id)
        zw = rng.choice(INVISIBLE) if rng.random() < 0.1 else ""
        layout = rng.choice(["link", "link-title-authors", "title-link", "heading", "md-link", "link-title",
                             "bold-before", "title-before", "label", "front-matter", "quote", "heading-bullets",
                             "fields", "authors-line", "dated-heading"])
        written: str | None = title
        if layout == "link":
            text, written = f"{zw}{url}\n\n{body}{tags}\n", None
        elif layout == "link-title-authors":
            text = f"{url}\n\n{title} ({', '.join(names)})\n\n{body}{tags}\n"
        elif layout == "title-link":
            text = f"{title} {url}\n\n{body}{tags}\n"
        elif layout == "heading":
            text = f"# {title}\n\n{zw}{url}\n\n{body}{tags}\n"
        elif layout == "md-link":
            text = f"[{title}]({url})\n\n{body}{tags}\n"
        elif layout == "link-title":
            text = f"{url} {title}\n{body}{tags}\n"
        elif layout == "bold-before":
            text = f"**{title}**\n{url}\n\n{body}{tags}\n"
        elif layout == "title-before":
            text = f"{title}\n\n{url}\n\n{body}{tags}\n"
        elif layout == "label":
            text, written = f"{rng.choice(['Paper', '논문', 'arXiv', 'Link'])}: {url}\n\n{body}{tags}\n", None
        elif layout == "front-matter":
            text = f"---\ntitle: {title}\nsource: {url}\n---\n\n{body}{tags}\n"
        elif layout == "heading-bullets":
            text = f"# {title}\n\n- Link: {url}\n- Read on: {self.day()}\n\n{body}{tags}\n"
            body = f"- Read on: {text.split('- Read on: ')[1].split(chr(10))[0]}\n\n{body}"
        elif layout == "fields":
            text = f"**Title:** {title}\n**URL:** {url}\n\n{body}{tags}\n"
        elif layout == "authors-line":
            text = f"{url}\n{title}\n{', '.join(names)}\n\n{body}{tags}\n"
        elif layout == "dated-heading":
            name = f"{folder}{self.day()}.md"
            text, named = f"# {self.day()} {short}\n\n{url}\n\n{body}{tags}\n", None
            written = short
        else:
            text = f"{url}\n\n*{title}* ({', '.join(names)})\n\n> An abstract in quotes.\n\n{body}{tags}\n"
            body = f"> An abstract in quotes.\n\n{body}"
        if layout == "title-link" and not _titleish_enough(title):
            written = None  # "sentence case + URL" on a first line reads as prose: none expected
        want = written or named
        if layout == "title-link" and written is None:
            body = None  # prose then link: where the commentary starts is not asserted
        return Sample(name, text, [Want(arxiv_id, want, body)], f"note/{layout}", leading_link=True)

    # --- many-paper posts ----------------------------------------------------------------------
    def post(self, k: int) -> Sample:
        rng = self.rng
        layout = rng.choice(["flattened", "link-title", "title-before", "numbered", "link-commentary",
                             "md-list", "bot", "paren-review"])
        papers = [(self.arxiv_id(), self.title(), self.authors(), self.commentary(rng.random() < 0.6, rng.random() < 0.4))
                  for _ in range(rng.randint(2, 6))]
        day = self.day()
        lines = [f"# {day} {rng.choice(['이번 주 논문', 'Papers of the week', '읽은 것들'])}", ""]
        wants = []
        for arxiv_id, title, names, body in papers:
            url = self.url(arxiv_id)
            who = ", ".join(names)
            if layout == "flattened":
                lines.append(f"{url} {title} ({who}) {body}")
                wants.append(Want(arxiv_id, title, body))
            elif layout == "link-title":
                lines += [url, f"{title} ({who})", "", body, ""]
                wants.append(Want(arxiv_id, title, body))
            elif layout == "title-before":
                lines += [title, "", url, "", body, ""]
                wants.append(Want(arxiv_id, title, body))
            elif layout == "numbered":
                lines += [f"{len(wants) + 1}. {title} {url}", "", body, ""]
                wants.append(Want(arxiv_id, title, body))
            elif layout == "link-commentary":
                lines.append(f"{url} {body}")
                wants.append(Want(arxiv_id, None, body))
            elif layout == "md-list":
                lines.append(f"- {title} [[arXiv]({url})] [[code](https://github.com/example/{arxiv_id})]")
                wants.append(Want(arxiv_id, title, ""))
            elif layout == "bot":
                lines += [f"### {title}", f"**Authors:** {who}", f"[arXiv]({url}) · [PDF](https://arxiv.org/pdf/{arxiv_id})",
                          "", body, ""]
                wants.append(Want(arxiv_id, title, body))
            else:
                desc = rng.choice(KOREAN)
                lines.append(f"{desc} ({url})")
                wants.append(Want(arxiv_id, None, desc))
        malformed = []
        if rng.random() < 0.5 and layout not in ("md-list", "paren-review", "flattened", "link-commentary"):
            bad = f"{rng.randint(16, 25)}0{rng.randint(1, 9)}.{rng.randint(100, 999)}"
            lines += [f"Truncated link: Name({U}{bad})", ""]
            wants[-1].commentary = None
            malformed.append(bad)
        if rng.random() < 0.3:
            lines += ["", "#review"]
        return Sample(f"posts/{day} post {k}.md", "\n".join(lines) + "\n", wants, f"post/{layout}", malformed)


def _titleish_enough(title: str) -> bool:
    from reader.core.digest.names import titleish

    return titleish(title)


def notes(count: int, seed: int = 12) -> list[Sample]:
    corpus = Corpus(seed)
    return [corpus.note(k) for k in range(count)]


def posts(count: int, seed: int = 13) -> list[Sample]:
    corpus = Corpus(seed)
    return [corpus.post(k) for k in range(count)]


def write(samples: list[Sample], folder: Path) -> list[Path]:
    paths = []
    for sample in samples:
        path = folder / sample.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sample.text, encoding="utf-8")
        paths.append(path)
    return paths
