"""Issue 12, class 1, as a property: invisible characters inserted anywhere in a digest change
nothing the parser reads from it (entries, titles, commentary, tags, references, warnings)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.digest import parse_text
from tests.test_digest_properties import FRAGMENTS

# Format characters (Unicode category Cf) that render as nothing, and the no-break space.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u00ad", "\u2061", "\u180e"]
SPACES = ["\u00a0", "\u202f", "\u2007"]

digest_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


def strip(text: str) -> str:
    return "".join(c for c in text if c not in INVISIBLE)


def view(text: str, source: str = "<text>") -> tuple:
    parsed = parse_text(text, source=source)
    return (
        [(e.arxiv_id, e.version, e.title, e.authors, e.commentary, e.tags, e.references, e.line) for e in parsed.entries],
        parsed.date,
        parsed.title,
        parsed.tags,
        parsed.references,
        [(w.line, w.message) for w in parsed.warnings],
    )


@st.composite
def with_invisibles(draw):
    text = draw(digest_like)
    text = "".join(c for c in text if c not in INVISIBLE and c not in SPACES)
    out = []
    for ch in text:
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.text(st.sampled_from(INVISIBLE), min_size=1, max_size=3)))
        out.append(ch)
    return text, "".join(out)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_invisibles(), st.sampled_from(["<text>", "190620 XLNet.md", "2026-W06/README.md"]))
def test_invisible_characters_change_nothing(pair, source):
    clean, dirty = pair
    assert view(dirty, source) == view(clean, source)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(digest_like, st.sampled_from(SPACES))
def test_no_break_spaces_read_as_spaces(text, space):
    text = "".join(c for c in text if c not in INVISIBLE and c not in SPACES)
    assert view(text.replace(" ", space)) == view(text)
