"""Properties of the parser on arbitrary text: it never raises and only ever yields valid ids."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.digest import parse_text
from reader.core.ids import find_links, is_valid_id, parse_id

# Pieces of real digests, so generated texts hit the interesting paths, not just random noise.
FRAGMENTS = [
    "https://arxiv.org/abs/2007.01758",
    "https://arxiv.org/abs/2007.01852v2",
    "http://www.arxiv.org/pdf/2007.01476.pdf",
    "https://arxiv.org/abs/hep-th/9901001",
    "https://arxiv.org/abs/2006.162360",
    "arXiv:1912.12294",
    "https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F2007.03898&h=AT1",
    "[Remix: Rebalanced Mixup](https://arxiv.org/abs/2007.03943)",
    "Collaborative Learning for Faster StyleGAN Embedding",
    "(Shanyan Guan, Ying Tai, Bingbing Ni)",
    "(Jack W. Rae and Ali Razavi et al.)",
    "(밑의 nvae를 보자!)",
    "(diversity condition)",
    "*u-μP: The Unit-Scaled Maximal Update Parametrization*",
    "gan 뒤집기.",
    "와",
    "#review",
    "#gan #inversion",
    "# 191210 최근 논문들",
    "# 2020-07-12 Papers",
    "## ",
    "### Notes",
    "**Notes**",
    "Read: yes",
    "- [x]",
    "> ",
    "```",
    "---",
    "1. ",
    "- ",
    "* ",
    "\u200b",
    "(",
    ")",
    "[",
    "]",
    "*",
    "_",
    " ",
    "\n",
    "\n\n",
    "\r\n",
]

digest_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=60).map("".join)
any_text = st.one_of(st.text(), digest_like)


def check(parsed, text: str) -> None:
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert not any(w.message.startswith("internal parser error") for w in parsed.warnings), parsed.warnings
    for entry in parsed.entries:
        assert is_valid_id(entry.arxiv_id), entry.arxiv_id
        assert all(is_valid_id(ref) for ref in entry.references)
        assert entry.arxiv_id not in entry.references
        assert len(set(entry.references)) == len(entry.references)
        assert 1 <= entry.line <= n_lines
        assert entry.title is None or entry.title.strip()
        assert entry.commentary == entry.commentary.strip()
    assert len({e.arxiv_id for e in parsed.entries}) == len(parsed.entries)
    assert all(is_valid_id(ref) for ref in parsed.references)
    assert all(0 <= w.line <= n_lines for w in parsed.warnings)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_parse_never_raises_and_ids_are_valid(text):
    check(parse_text(text), text)


@settings(deadline=None)
@given(digest_like, st.sampled_from(["<text>", "191210 x.md", "2020-07-12.md", "seed.txt", ""]))
def test_parse_with_any_source(text, source):
    parsed = parse_text(text, source)
    check(parsed, text)
    assert parsed.source == source


@settings(deadline=None)
@given(any_text)
def test_find_links_spans(text):
    links = find_links(text)
    previous_end = 0
    for link in links:
        assert previous_end <= link.start < link.end <= len(text)
        assert text[link.start : link.end] == link.raw
        assert link.malformed or is_valid_id(link.arxiv_id)
        assert link.malformed or link.version is None or link.version >= 0
        previous_end = link.end


@settings(deadline=None)
@given(any_text)
def test_parse_id_only_returns_valid_ids(text):
    found = parse_id(text)
    assert found is None or is_valid_id(found[0])
