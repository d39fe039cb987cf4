"""Property tests: the parser never raises, only yields valid ids, and reads back an export.

``parse(export(library))`` must give back the same papers: libraries are generated
(ids old and new, titles with markdown and brackets, authors, tags, commentary with
markdown and links, notes with lines that look like entries or headings), exported with
``export_markdown(Snapshot.load(library))`` and parsed with ``parse_text``; the ids (in
order), titles, authors and tags must match. Examples hypothesis once found are kept
below as explicit regression tests.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.digest import parse_text
from reader.core.export import export_markdown
from reader.core.ids import is_valid_id
from reader.core.library import Library, normalize_tag
from reader.core.models import Entry, ParsedDigest
from reader.core.snapshot import Snapshot

# --- generators -----------------------------------------------------------------------------------

new_ids = st.builds(
    lambda yy, mm, n: f"{yy:02d}{mm:02d}.{n:05d}",
    st.integers(15, 29), st.integers(1, 12), st.integers(0, 99999),
)
old_new_ids = st.builds(
    lambda yy, mm, n: f"{yy:02d}{mm:02d}.{n:04d}", st.integers(7, 14), st.integers(1, 12), st.integers(0, 9999)
)
old_style_ids = st.builds(
    lambda archive, yy, mm, n: f"{archive}/{yy:02d}{mm:02d}{n:03d}",
    st.sampled_from(["hep-th", "math.AG", "cond-mat.stat-mech", "cs", "astro-ph", "quant-ph"]),
    st.sampled_from([91, 95, 99, 0, 3, 6]), st.integers(1, 12), st.integers(0, 999),
)
arxiv_ids = st.one_of(new_ids, new_ids, old_new_ids, old_style_ids)

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüñøçłßαβΓΔλ"
word = st.text(LETTERS, min_size=1, max_size=10)
TITLE_PIECES = [
    "*", "**", "_", "`", "[", "]", "(", ")", "[x]", "(2020)", "#", "#1", "\\", ":", "-", "—", "!", "?", ",", ";",
    "'", '"', "&", "$\\mathcal{O}(n)$", "<b>", "[link]", "(https)", "e.g.", "vs.", "3D", "100%", "n=1",
    "and", "et", "al.", "A*", "C++", "Q&A", "**Bold**", "*Italic*", "_under_",
]
# (Link syntax and URLs never make it into a title: issue 12. So titles hold brackets and
# parentheses, but no ``[text](url)``.)
title_token = st.one_of(word, word, word, st.sampled_from(TITLE_PIECES))
titles = st.lists(title_token, min_size=1, max_size=14).map(" ".join)
# Paper titles may name other papers ("Comment on arXiv:…"); digest titles are kept free of
# arXiv links: a link in a digest heading can start an entry there, as in a real digest.
# (A title that is nothing but ids and punctuation, like ``[arXiv:2001.00001](…)``, reads as
# "no title" by design, so a title that mentions a paper also has a word in it. A URL is never
# part of a title (issue 12: link text that is a URL is no title), so titles mention ids only.)
ARXIV_MENTIONS = ["arXiv:2001.00001", "arXiv:2001.00002v2", "(arXiv:1912.12294)"]
paper_titles = st.lists(
    st.one_of(title_token, st.sampled_from(ARXIV_MENTIONS)), min_size=1, max_size=14
).filter(lambda tokens: not set(tokens) & set(ARXIV_MENTIONS) or any(t.isalpha() for t in tokens)).map(" ".join)

NAME_LETTERS = "abcdefghijklmnopqrstuvwxyzéüñøçłß"
name_word = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZÉÜÑØÇŁ"), st.text(NAME_LETTERS, max_size=8),
)
name_part = st.one_of(
    name_word, name_word, name_word,
    st.builds(lambda c: f"{c}.", st.sampled_from("ABCDEFGHJKLMNPRSTW")),
    st.builds(lambda a, b: f"{a}-{b}", name_word, name_word),
    st.builds(lambda a, b: f"{a}'{b}", st.sampled_from(["O", "D"]), name_word),
    st.sampled_from(["van", "de", "von", "der"]),
)
names = st.builds(
    lambda first, middle, last: " ".join([first, *middle, last]),
    name_word, st.lists(name_part, max_size=2), name_word,
)
author_lists = st.lists(names, max_size=4)

tags = st.lists(
    st.one_of(word, st.text(min_size=1, max_size=12), st.sampled_from(["gan", "#vae", "two words", "한국어", "a#b", ")", "[x]"])),
    max_size=3,
)

LINE_PIECES = [
    "https://arxiv.org/abs/2001.00001", "arXiv:1912.12294", "[BIVA](https://arxiv.org/abs/1902.02102)",
    "## [A Title](https://arxiv.org/abs/2001.00002) (Ann Lee)", "# 200712 A dated heading", "# Heading",
    "### Notes", "Notes", "**Notes**", "#tag #other", "Read: yes", "- [x] read", "> quoted", "```", "~~~", "---",
    "1. https://arxiv.org/abs/2001.00003 Numbered Title (Bo Chen, Ann Lee)", "Title Before (Ann Lee, Bo Chen)",
    "**bold**", "*it*", "`code`", "<https://arxiv.org/abs/2001.00004>", "\t", "   ", "\u200b", "\r", "\r\n",
    "\u2028", "\x0c", "\x1b[31m", "[bold]x[/]",
]
line = st.lists(st.one_of(st.sampled_from(LINE_PIECES), st.text(max_size=15)), max_size=5).map(" ".join)
texts = st.lists(line, max_size=6).map("\n".join)


@st.composite
def libraries(draw):
    ids = draw(st.lists(arxiv_ids, min_size=1, max_size=6, unique=True))
    papers = {
        arxiv_id: {
            "title": draw(st.one_of(st.none(), paper_titles)),
            "authors": draw(author_lists),
            "tags": draw(tags),
            "commentary": draw(texts),
            "note": draw(st.one_of(st.just(""), texts)),
            "read": draw(st.booleans()),
        }
        for arxiv_id in ids
    }
    n_digests = draw(st.integers(1, 3))
    digests = []
    for k in range(n_digests):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
        date = draw(st.one_of(st.none(), st.dates(dt.date(1995, 1, 1), dt.date(2030, 12, 31))))
        title = draw(st.one_of(st.none(), titles, st.sampled_from(["Notes", "My notes:", "2020-07-12"])))
        digests.append((f"/digests/{k}-{draw(word)}.md", date, title, members))
    loose = draw(st.lists(arxiv_ids.filter(lambda i: i not in papers), max_size=2, unique=True))
    return papers, digests, loose


# --- building, exporting, parsing ---------------------------------------------------------------


def build(directory: Path, papers: dict, digests: list, loose: list) -> Library:
    library = Library(directory)
    parsed = []
    for k, (source, date, title, members) in enumerate(digests):
        entries = [
            Entry(i, None, papers[i]["title"], list(papers[i]["authors"]), papers[i]["commentary"])
            for i in members
        ]
        parsed.append((ParsedDigest(source, date, title, entries), f"sha-{k}"))
    with library.transaction("catalog", "commentary", "state", "notes", "history"):
        library.import_digests(parsed)
        if loose:
            library.queue_papers(loose)
        for arxiv_id, paper in papers.items():
            good = [tag for tag in paper["tags"] if _tag_ok(tag)]
            if good:
                library.change_tags([arxiv_id], good)
            if paper["read"]:
                library.set_read([arxiv_id], True)
            if paper["note"].strip():
                library.set_note(arxiv_id, paper["note"])
    return library


def _tag_ok(tag: str) -> bool:
    try:
        normalize_tag(tag)
    except ValueError:
        return False
    return True


def expected_papers(snapshot: Snapshot) -> list[tuple]:
    order = list(dict.fromkeys(e.arxiv_id for d in snapshot.digests for e in d.entries))
    order += [i for i in snapshot.papers if i not in order]
    rows = []
    for arxiv_id in order:
        title = snapshot.title(arxiv_id)
        title = " ".join(title.split()) if title and title.strip() else None
        entry_authors = next((list(a.entry.authors) for a in snapshot.appearances.get(arxiv_id, [])), [])
        authors = list(snapshot.authors(arxiv_id)) or entry_authors
        rows.append((arxiv_id, title, authors, list(snapshot.state(arxiv_id).tags)))
    return rows


def parsed_papers(text: str) -> list[tuple]:
    parsed = parse_text(text, source="export.md")
    return [
        (e.arxiv_id, e.title, list(e.authors), list(dict.fromkeys(normalize_tag(t) for t in e.tags if _tag_ok(t))))
        for e in parsed.entries
    ]


def round_trip(papers: dict, digests: list, loose: list) -> tuple[list, list, str]:
    with tempfile.TemporaryDirectory() as tmp:
        library = build(Path(tmp) / "lib", papers, digests, loose)
        snapshot = Snapshot.load(library)
        text = export_markdown(snapshot)
        return expected_papers(snapshot), parsed_papers(text), text


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch):
    """Durability is not what this module tests; skipping fsync makes examples 5x faster."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def _paper(title=None, authors=(), tags=(), commentary="", note="", read=False) -> dict:
    return {"title": title, "authors": list(authors), "tags": list(tags), "commentary": commentary,
            "note": note, "read": read}


# --- the parser on any text ---------------------------------------------------------------------

any_text = st.one_of(st.text(), texts, st.lists(st.one_of(line, st.sampled_from(LINE_PIECES)), max_size=30).map("\n".join))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(any_text, st.sampled_from(["<text>", "200712 week.md", "2020-07-12.md", ""]))
def test_parse_never_raises_and_every_id_is_valid(text, source):
    parsed = parse_text(text, source=source)  # would raise, or report an internal error
    assert not [w for w in parsed.warnings if "internal parser error" in w.message]
    for entry in parsed.entries:
        assert is_valid_id(entry.arxiv_id)
        assert all(is_valid_id(ref) for ref in entry.references)
    assert all(is_valid_id(ref) for ref in parsed.references)
    assert len({e.arxiv_id for e in parsed.entries}) == len(parsed.entries)


# --- export, then parse --------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(libraries())
def test_export_then_parse_gives_back_the_same_papers(library):
    expected, got, text = round_trip(*library)
    assert got == expected, text


# --- regressions found by the property test (each failed before the fix its docstring names) ----

ONE = "2007.01758"
TWO = "2007.01852"


def _check(papers: dict, digests=None, loose=()):
    digests = digests or [("/d/week.md", dt.date(2020, 7, 12), "Week", list(papers))]
    expected, got, text = round_trip(papers, digests, list(loose))
    assert got == expected, text


def test_tags_of_the_last_paper_stay_with_it():
    """parser: a trailing #tag line after "Read: no" went to the digest, not the paper."""
    _check({ONE: _paper("First Paper", ["Ann Lee"], commentary="good"), TWO: _paper("Second", ["Bo Chen"], ["gan"])})


def test_a_note_line_that_looks_like_an_entry_stays_in_the_note():
    """export: a note line '## [T](arxiv link)' ended the Notes section and became a paper."""
    note = "hello\n## [Other](https://arxiv.org/abs/2001.00001) (Xi Yu)\n# 200101 heading\nmore"
    _check({ONE: _paper("First", note=note), TWO: _paper("Second")})


def test_a_note_with_carriage_returns_stays_in_the_note():
    """export: '\\r' in a note became a line break on parsing, and the line after it a heading."""
    _check({ONE: _paper("First", note="a\r## [X](https://arxiv.org/abs/2001.00001)\rb"), TWO: _paper("Second")})


@pytest.mark.parametrize("title", ["*Attention*", "**Bold Claim**", "_Under_", "\\*Star\\*", "[Bracketed] Title", "A \\ B"])
def test_titles_with_markdown_characters(title):
    """parser: an emphasised title came back without its stars (unescaped, then unemphasised)."""
    _check({ONE: _paper(title, ["Ann Lee"]), TWO: _paper("Plain")})


@pytest.mark.parametrize("title", ["Notes", "My notes:", "notes"])
def test_a_digest_titled_notes_keeps_its_papers(title):
    """export: an undated digest titled 'Notes' became a Notes section that hid its papers."""
    papers = {ONE: _paper("First", tags=["x"]), TWO: _paper("Second")}
    _check(papers, [("/d/w.md", None, title, [ONE, TWO])])


def test_a_digest_title_with_a_line_break():
    """export: a digest title with a line break split the digest heading in two."""
    papers = {ONE: _paper("First"), TWO: _paper("Second", tags=["t"])}
    _check(papers, [("/d/w.md", dt.date(2020, 7, 12), "Two\n### Notes", [ONE, TWO])])
    _check(papers, [("/d/w.md", None, "Two\r\n#tag", [ONE, TWO])])


def test_a_long_title_full_of_brackets():
    """parser: a markdown link text over 500 characters (after escaping) was not read as one."""
    _check({ONE: _paper(" ".join(["[x]"] * 150), ["Ann Lee"]), TWO: _paper("Second")})


@pytest.mark.parametrize("title", ["Comment on arXiv:2001.00001", "Reply to arXiv:2001.00001 (v2)"])
def test_a_title_that_names_another_paper(title):
    """parser: a link text with an arXiv id anywhere in it was dropped as "no title"; now
    only a link text that is nothing but an id is."""
    _check({ONE: _paper(title, ["Ann Lee"]), TWO: _paper("Plain")})
