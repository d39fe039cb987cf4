"""Issue 11, finding 9: digests are parsed in linear time and bounded memory, and repeated
warnings are folded into one warning with a count (a 20 MB file once stored 606,000 of them)."""

from __future__ import annotations

from reader.core.digest import parse_text
from reader.core.digest.bounds import FOLD_AFTER
from tests.cpu_time import cpu_seconds

U = "https://arxiv.org/abs/"


def repeated_links(n_bytes: int, distinct: int = 1000) -> str:
    links = [f"{U}2007.{k:05d}" for k in range(distinct)]
    count = n_bytes // (len(links[0]) + 1)
    return " ".join(links[k % distinct] for k in range(count)) + "\n"


def test_repeated_duplicates_fold_into_one_warning():
    parsed = parse_text(repeated_links(500_000))
    assert len(parsed.entries) == 1000
    duplicates = [w for w in parsed.warnings if "duplicate" in w.message]
    assert len(duplicates) == 1
    (folded,) = duplicates
    assert folded.line == 1
    assert folded.message.startswith("duplicate entry for 2007.00000 (first at line 1); merged (and ")
    assert folded.message.endswith(" more duplicate entries: line 1)")


def test_a_few_duplicates_keep_their_own_warnings():
    text = "".join(f"{U}2007.01758\n" for _ in range(FOLD_AFTER + 1))
    parsed = parse_text(text)
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (line, "duplicate entry for 2007.01758 (first at line 1); merged") for line in range(2, FOLD_AFTER + 2)
    ]


def test_many_malformed_links_fold_with_their_first_lines():
    text = "".join(f"{U}2007.01758\n" + "".join(f"see {U}2203.0712\n" for _ in range(50)))
    parsed = parse_text(text)
    (folded,) = [w for w in parsed.warnings if "malformed" in w.message]
    assert folded.line == 2
    assert folded.message == "malformed arXiv id '2203.0712' (and 49 more malformed ids: lines 2, 3, 4, …)"


def test_warnings_are_bounded_whatever_the_file():
    text = "".join(f"{U}2007.{k:05d}\n{U}2007.{k:05d}\nsee {U}2203.{k:04d}\n" for k in range(5000))
    parsed = parse_text(text)
    assert len(parsed.warnings) <= 2 * FOLD_AFTER + 2


def test_parse_time_is_linear_in_the_number_of_links():
    small, big = repeated_links(250_000), repeated_links(1_000_000)
    t_small = cpu_seconds(lambda: parse_text(small), repeats=2)
    t_big = cpu_seconds(lambda: parse_text(big), repeats=2)
    assert t_big < 8 * t_small + 0.25, (t_small, t_big)


def test_a_file_of_repeated_links_leaves_a_small_library(tmp_path):
    """It once left a 48 MB catalog.json: every duplicate-link warning was stored."""
    from reader.core.importer import import_paths
    from reader.core.library import Library

    path = tmp_path / "repeated.md"
    path.write_text(repeated_links(1_500_000), encoding="utf-8")  # (each link some 40 times)
    (outcome,) = import_paths(Library(tmp_path / "lib"), [path])
    assert outcome.result is not None and outcome.result.entries == 1000
    assert len(outcome.warnings) <= 3
    assert (tmp_path / "lib" / "catalog.json").stat().st_size < 1_000_000


def test_links_beyond_the_limit_are_not_read_and_said_so(monkeypatch):
    from reader.core.digest import bounds

    monkeypatch.setattr(bounds, "MAX_LINKS", 50)
    text = "".join(f"{U}2007.{k:05d}\ncomment {k}\n" for k in range(80))
    parsed = parse_text(text)
    assert [e.arxiv_id for e in parsed.entries] == [f"2007.{k:05d}" for k in range(50)]
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (101, "more than 50 arXiv links: the rest, from this line on, were not read (split the file to import them all)")
    ]


def test_commentary_is_cut_at_its_limit_with_a_warning(monkeypatch):
    from reader.core.digest import bounds

    monkeypatch.setattr(bounds, "MAX_COMMENTARY", 1000)
    parsed = parse_text(f"{U}2007.01758\n" + "코멘트 " * 1000 + "\n")
    assert len(parsed.entries[0].commentary) <= 1000
    assert [(w.line, w.message) for w in parsed.warnings] == [(1, "commentary on 2007.01758 cut at 1,000 characters")]
