"""Issue 12, classes 7, 10, 11 and 12: digest names and dates, files of several dated sections,
weekly-table READMEs and machine-written weekly digests. Fixtures are our own text."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from reader.core.digest import parse_file, parse_text
from reader.core.models import ParsedDigest

FIXTURES = Path(__file__).parent / "fixtures" / "digests"
U = "https://arxiv.org/abs/"


def parse(text: str, source: str = "<text>") -> ParsedDigest:
    return parse_text(textwrap.dedent(text).lstrip("\n"), source=source)


def sections(parsed: ParsedDigest) -> list[tuple]:
    return [(s.name, s.date, [e.arxiv_id for e in s.entries]) for s in parsed.sections]


# =================================================================================================
# 7. Every digest has a readable name


@pytest.mark.parametrize(
    ("text", "source", "name"),
    [
        ("# 200712 Papers that stood out\n\n" + U + "2007.01758\n", "a.md", "Papers that stood out"),
        ("# Reading group, spring\n\n" + U + "2007.01758\n", "a.md", "Reading group, spring"),
        ("# 200712\n\n" + U + "2007.01758\n", "notes/200712.md", "200712"),
        (U + "2007.01758\n", "notes/my reading.md", "my reading"),
        (U + "2007.01758\n", "digests/2026-W06/README.md", "2026-W06/README"),
        ("---\ntitle: A week\n---\n" + U + "2007.01758\n", "x.md", "A week"),
    ],
)
def test_digest_names(text, source, name):
    assert parse_text(text, source=source).name == name


# =================================================================================================
# 10. A file of several dated sections is several digests


def test_dated_level_one_sections():
    parsed = parse(
        f"""
        # 200712 이번 주

        {U}2007.01758 코멘트 A

        # 200705 지난 주

        {U}2007.01852 코멘트 B
        {U}2007.01476 코멘트 C
        """
    )
    assert sections(parsed) == [
        ("이번 주", dt.date(2020, 7, 12), ["2007.01758"]),
        ("지난 주", dt.date(2020, 7, 5), ["2007.01852", "2007.01476"]),
    ]
    assert [e.commentary for s in parsed.sections for e in s.entries] == ["코멘트 A", "코멘트 B", "코멘트 C"]
    assert [e.arxiv_id for e in parsed.entries] == ["2007.01758", "2007.01852", "2007.01476"]


@pytest.mark.parametrize("level", ["##", "####"])
def test_monthly_sections_of_an_awesome_list(level):
    parsed = parse(
        f"""
        # Awesome Language Model Papers

        Papers by month.

        {level} 2023-03
        - [GPT-4 Technical Report]({U}2303.08774)
        - Sparks of Artificial General Intelligence [[arXiv]({U}2303.12712)]

        {level} 2023-02
        - [LLaMA: Open and Efficient Foundation Language Models]({U}2302.13971)

        ## Contributing

        Open a pull request.
        """,
        source="awesome-llm/README.md",
    )
    assert sections(parsed) == [
        ("2023-03", dt.date(2023, 3, 1), ["2303.08774", "2303.12712"]),
        ("2023-02", dt.date(2023, 2, 1), ["2302.13971"]),
    ]
    assert parsed.sections[0].entries[1].title == "Sparks of Artificial General Intelligence"
    assert parsed.sections[1].entries[0].commentary == ""


def test_one_dated_heading_is_one_digest():
    parsed = parse(f"# 200712 Week\n\n{U}2007.01758\n\n## 2020-07-05 an aside\n\n{U}2007.01852\n")
    assert parsed.sections == []
    assert parsed.date == dt.date(2020, 7, 12)


def test_export_layout_sections_by_level_one_heading_even_undated():
    parsed = parse(
        f"""
        # 2020-07-12 Week A

        ## [First Paper]({U}2007.01758) (Ann Lee)

        Read: yes
        #gan

        > commentary A

        ### Notes

        my note on A

        # week-b

        ## [Second Paper]({U}2007.01852)

        Read: no

        # Papers in no digest

        ## [Third Paper]({U}2007.01476)

        Read: no
        """
    )
    assert sections(parsed) == [
        ("Week A", dt.date(2020, 7, 12), ["2007.01758"]),
        ("week-b", None, ["2007.01852"]),
        ("Papers in no digest", None, ["2007.01476"]),
    ]
    first = parsed.sections[0].entries[0]
    assert (first.title, first.authors, first.tags, first.commentary, first.note) == (
        "First Paper", ["Ann Lee"], ["gan"], "commentary A", "my note on A")
    assert parsed.sections[2].loose


# =================================================================================================
# 11. Weekly tables


@pytest.fixture(scope="module")
def weekly() -> ParsedDigest:
    return parse_file(FIXTURES / "weekly tables.md")


def test_weekly_tables_sections_and_dates(weekly):
    assert sections(weekly) == [
        ("Top Papers of the Week (June 23 - June 29) - 2025", dt.date(2025, 6, 23),
         ["2506.17298", "2506.15841", "2506.15799", "2506.20001"]),
        ("Top Papers of the Week (December 30 - January 5) - 2025", dt.date(2024, 12, 30), ["2412.20138"]),
        ("Top Papers of the Week (Feb 6 - 12)", dt.date(2023, 2, 6), ["2302.04761", "2302.03668"]),
        ("Top Papers of the Week (Jan 30-Feb 5)", dt.date(2023, 1, 30), ["2301.12652"]),
    ]


def test_weekly_tables_rows(weekly):
    first, second, third, fourth = weekly.sections[0].entries
    assert first.title == "Diffusion Language Models at Speed"
    assert first.commentary == (
        "This work trains a family of diffusion language models that decode many tokens per step, and compares "
        "them with [an earlier one](https://arxiv.org/abs/2502.09992).\n"
        "● Coarse-to-fine decoding.\n"
        "● Faster than autoregressive models of the same size."
    )
    assert first.references == ["2502.09992"]
    assert (second.title, second.commentary) == (
        "MEM1", "An RL recipe that keeps the memory of a language agent constant over long tasks.")
    assert third.title == "Steering Policies in Latent Space"
    assert (fourth.title, fourth.commentary) == (  # one space where two were meant
        "A Memory Layer for Agents", "Introduces one store that every tool of an agent reads and writes.")
    old = weekly.sections[2].entries
    assert [(e.title, e.commentary) for e in old] == [
        ("Toolformer: Language Models Can Teach Themselves to Use Tools", "a model that learns when to call which API."),
        ("Hard Prompts Made Easy", "discrete prompts found with gradients."),
    ]
    assert weekly.warnings == []


def test_weekly_tables_whole_file_has_every_row(weekly):
    assert len(weekly.entries) == 8
    assert all(e.title for e in weekly.entries)


# =================================================================================================
# 12. Machine-written weekly digests


@pytest.fixture(scope="module")
def bot() -> ParsedDigest:
    return parse_file(FIXTURES / "2026-W06" / "README.md")


def test_machine_digest_titles_authors_and_date(bot):
    assert bot.date == dt.date(2026, 2, 5)
    assert bot.name == "NetML Weekly — Week of February 05, 2026"
    assert [(e.arxiv_id, e.title, e.authors) for e in bot.entries] == [
        ("2602.01234", "Learning Congestion Control with Transformers", ["Ann Lee", "Bob Ray", "Cid Moe"]),
        ("2602.02345", "Graph Neural Networks for Traffic Matrices", ["Dan Li"]),
        ("2602.03456", "Packet Classification at Line Rate", ["Eve Park", "Finn Olsen"]),
    ]
    assert [e.commentary for e in bot.entries] == [
        "We treat congestion control as sequence modelling and test it on three testbeds.",
        "A graph network predicts traffic matrices from partial counters.",
        "Short abstract about packet classification.",
    ]
    assert bot.warnings == []


@pytest.mark.parametrize(
    ("source", "heading", "date"),
    [
        ("digests/2026-W06/README.md", "# NetML Weekly", dt.date(2026, 2, 2)),
        ("digests/2026-W06.md", "# NetML Weekly", dt.date(2026, 2, 2)),
        ("digests/README.md", "# Weekly picks (2026-W06)", dt.date(2026, 2, 2)),
        ("digests/README.md", "# Weekly picks — week of Feb 5, 2026", dt.date(2026, 2, 5)),
        ("digests/README.md", "# Weekly picks — Week of 2026-02-05", dt.date(2026, 2, 5)),
    ],
)
def test_week_dates_in_headings_files_and_folders(source, heading, date):
    text = f"{heading}\n\n### A Title Here\n[arXiv]({U}2602.01234) · [PDF](https://arxiv.org/pdf/2602.01234)\n"
    parsed = parse_text(text, source=source)
    assert parsed.date == date
    assert parsed.entries[0].title == "A Title Here"


@pytest.mark.parametrize("label", ["arXiv", "PDF", "Paper", "Code", "Tweet", "link", "abs", "HF"])
def test_generic_labels_are_never_titles(label):
    parsed = parse(f"- [{label}]({U}2602.01234)\n")
    assert parsed.entries[0].title is None
