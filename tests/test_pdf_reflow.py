"""Paper text reflowed: lines joined into paragraphs, end-of-line hyphens settled, page breaks kept.

The PDFs are laid out here (tests/pdfgen.py) the way TeX lays out a paper, then read back
through the real extractor (a child process running pypdf).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from reader.core.engine import Engine
from reader.core.library import PaperRecord
from reader.core.pdf import (
    TEXT_CACHE_FORMAT,
    PaperText,
    cached_text,
    extract_text,
    pdf_path,
    stat_key,
    text_cache_path,
)
from reader.core.pdf_hyphens import join_pages, settle_hyphens
from reader.core.pdf_lines import Line
from reader.core.pdf_reflow import reflow_page, reflow_text
from reader.core.search_index import prepare_text
from reader.core.snapshot import Snapshot
from tests.pdfgen import EQUATION, HEADING, ITEM, PARA, Placed, paper_pdf, placed_pdf

ID = "2101.00001"


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def put_pdf(cache: Path, data: bytes, arxiv_id: str = ID) -> Path:
    path = pdf_path(cache, arxiv_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def column(lines: list[str], *, x: float = 72.0, y: float = 700.0, indent: float = 15.0, size: float = 10.0,
           leading: float = 12.0, hanging: bool = False) -> list[Placed]:
    """Lines of one paragraph (or list item) as TeX sets them: the first indented, or with
    ``hanging`` the others indented."""
    out = []
    for n, text in enumerate(lines):
        shift = (indent if n else 0.0) if hanging else (indent if n == 0 else 0.0)
        out.append(Placed(x + shift, y - n * leading, size, text))
    return out


def two_page_paper() -> bytes:
    page1 = [
        Placed(150, 740, 17, "Aminoglycosides in Practice"),
        Placed(72, 700, 14, "1 Introduction"),
        *column([
            "We study how aminoglycosides bind to the ribosome and why the",
            "effect matters. Careful readers should exercise cau-",
            "tion with the self-",
            "consistent estimates, which are state-of-the-",
            "art, and with the x-",
            "ray data of the one-",
            "dimensional model.",
        ], y=676),
        *column([
            "A second paragraph starts here and keeps going over the whole",
            "width of the column until the very end of the page where the",
            "word aminogly-",
        ], y=588),
        Placed(300, 40, 10, "1"),
        Placed(30, 250, 20, "arXiv:2101.00001v2 [q-bio.BM] 3 Jan 2021", rotated=True),
    ]
    page2 = [
        *column([
            "cosides appears split across the page break, and the text",
            "goes on to the end of the paragraph.",
        ], y=720, indent=0),
        Placed(222, 684, 10, "E = m c2 + x"),
        Placed(470, 684, 10, "(1)"),
        *column(["where E is the energy. A one-dimensional chain is easy."], y=660, indent=0),
        Placed(72, 630, 14, "References"),
        *column(["[1] A. Author, A long title that wraps onto a second",
                 "line, arXiv:2007.03898, 2020."], y=610, hanging=True),
        *column(["[2] B. Author, Short title, 2021."], y=586, hanging=True),
        Placed(300, 40, 10, "2"),
    ]
    return placed_pdf([page1, page2])


def test_paragraphs_headings_hyphens_and_a_page_break(cache):
    put_pdf(cache, two_page_paper())
    result = extract_text(ID, cache)
    assert result.error is None and result.skipped == []
    first, second = result.pages
    assert first.split("\n\n") == [
        "arXiv:2101.00001v2 [q-bio.BM] 3 Jan 2021",  # the margin stamp, out of the text's way
        "Aminoglycosides in Practice",
        "1 Introduction",
        ("We study how aminoglycosides bind to the ribosome and why the effect matters. Careful readers "
        "should exercise caution with the self-consistent estimates, which are state-of-the-art, and "
        "with the x-ray data of the one-dimensional model."),
        # the word split over the page break is joined on the page where it starts
        ("A second paragraph starts here and keeps going over the whole width of the column until "
        "the very end of the page where the word aminoglycosides"),
        "1",
    ]
    assert second.split("\n\n") == [
        "appears split across the page break, and the text goes on to the end of the paragraph.",
        "E = m c2 + x (1)",
        "where E is the energy. A one-dimensional chain is easy.",
        "References",
        ("[1] A. Author, A long title that wraps onto a second line, arXiv:2007.03898, 2020.\n"
        "[2] B. Author, Short title, 2021."),
        "2",
    ]
    # what was cached is what was returned, and it is found again as it was
    assert cached_text(ID, cache) == result


def test_pages_reported_as_they_come_are_reflowed_too(cache):
    put_pdf(cache, two_page_paper())
    seen: list[str] = []
    result = extract_text(ID, cache, on_page=lambda i, n, text: seen.append(text))
    assert len(seen) == 2
    assert "exercise caution with the self-consistent estimates" in seen[0]
    # the page break is settled once the next page is in: the result has it, the page shown did not
    assert seen[0].endswith("the word aminogly-\n\n1")
    assert seen[1].startswith("cosides appears split across the page break, and the text goes on")
    assert result.pages[1].startswith("appears split")


def _source_paragraphs(rng: random.Random, count: int) -> list[str]:
    # word fragments that are never words on their own, with hyphenation points
    words = ["in|ter|ac|tion", "pro|ba|bil|ity", "dis|tri|bu|tion", "ap|prox|i|ma|tion", "net", "of",
             "the", "model", "learns", "a", "fast", "sam|pler", "for", "each", "lay|ers", "and", "con|ver|gence"]
    paragraphs = []
    for _ in range(count):
        n = rng.randint(12, 60)
        text = " ".join(rng.choice(words) for _ in range(n))
        paragraphs.append(text[0].upper() + text[1:] + ".")
    return paragraphs


@pytest.mark.parametrize("columns", [1, 2])
def test_laid_out_paragraphs_come_back_as_written(cache, columns):
    rng = random.Random(columns)
    paragraphs = _source_paragraphs(rng, 6)
    blocks = [(HEADING, "2 Method")] + [(PARA, p) for p in paragraphs[:3]] + [(HEADING, "3 Results")]
    blocks += [(PARA, p) for p in paragraphs[3:]]
    # all on one page, flowing from column to column when there are two
    put_pdf(cache, paper_pdf(blocks, width=48 if columns == 2 else 70, lines_per_column=60 // columns,
                             columns=columns, page_numbers=False))
    result = extract_text(ID, cache)
    assert len(result.pages) == 1
    expected = [text.replace("|", "") for _, text in blocks]
    assert result.pages[0].split("\n\n") == expected


def test_lists_and_equations_keep_their_lines(cache):
    blocks = [
        (PARA, "The method has three parts, each described below in some detail for the reader."),
        (ITEM, "(a) a sampler that draws the next layer from the last one, quickly and well;"),
        (ITEM, "(b) a scorer;"),
        (ITEM, "(c) a loop that stops when the score no longer improves by much at all."),
        (EQUATION, "L = sum_i log p(x_i)"),
        (PARA, "The loss above is minimised with plain gradient descent."),
    ]
    put_pdf(cache, paper_pdf(blocks, width=40, page_numbers=False))
    page = extract_text(ID, cache).pages[0]
    assert page.split("\n\n") == [
        "The method has three parts, each described below in some detail for the reader.",
        ("(a) a sampler that draws the next layer from the last one, quickly and well;\n"
        "(b) a scorer;\n"
        "(c) a loop that stops when the score no longer improves by much at all."),
        "L = sum_i log p(x_i) (1)",
        "The loss above is minimised with plain gradient descent.",
    ]


# ------------------------------------------------------------------ hyphens


def _settle(text: str, elsewhere: str = "") -> str:
    """Settle every end-of-line hyphen of ``text`` (one paragraph, "\\n" between lines),
    with ``elsewhere`` as the rest of the paper."""
    lines = [Line(t, 72.0, 700.0 - 12 * n, 10.0) for n, t in enumerate(text.split("\n"))]
    page = reflow_page(lines)
    other = reflow_page([Line(elsewhere, 72.0, 700.0, 10.0)]) if elsewhere else reflow_page([])
    return settle_hyphens([page.text, other.text], [page.hyphens, other.hyphens])[0]


@pytest.mark.parametrize(
    ("text", "elsewhere", "expected"),
    [
        ("amino-\nglycosides bind", "", "aminoglycosides bind"),  # fragments that are no words: joined
        ("exercise cau-\ntion", "caution is a word here", "exercise caution"),
        ("a one-\ndimensional stack", "", "a one-dimensional stack"),  # both parts are words of the paper
        ("so on-\nline it is", "we learn online", "so online it is"),  # the paper writes it joined
        ("we pre-\ntrain", "we pre-train it and pre-train it", "we pre-train"),  # the paper writes it hyphenated
        ("the self-\nsimilar set", "", "the self-similar set"),
        ("state-of-the-\nart results", "", "state-of-the-art results"),
        ("an x-\nray image", "", "an x-ray image"),  # TeX never leaves one letter before a break
        ("the Perron-\nFrobenius mode", "", "the Perron-Frobenius mode"),
        ("GPT-\n4 and", "", "GPT-4 and"),
        ("well-\nknown", "", "well-known"),
        ("data-\ndriven", "the data are driven by noise", "data-driven"),
        ("the cau-\ntion.", "", "the caution."),
        ("INTRO-\nDUCTION here", "see the INTRODUCTION", "INTRODUCTION here"),  # the paper's words first
    ],
)
def test_end_of_line_hyphens(text, elsewhere, expected):
    assert _settle(text, elsewhere) == expected


def test_text_without_positions_is_reflowed_from_the_text_alone():
    raw = (
        "Abstract\n"
        "We propose a method for the fast sampling of hierarchical\n"
        "models. It works well in practice and is easy to imple-\n"
        "ment.\n"
        "\n"
        "1 Introduction\n"
        "Deep models are everywhere these days and they keep on growing\n"
        "in size.\n"
        "• first point\n"
        "• second point"
    )
    assert reflow_text(raw).split("\n\n") == [
        "Abstract",
        ("We propose a method for the fast sampling of hierarchical models. It works well in practice "
        "and is easy to implement."),
        "1 Introduction",
        "Deep models are everywhere these days and they keep on growing in size.",
        "• first point\n• second point",
    ]


def test_reflow_text_is_stable():
    once = reflow_text("A line that goes on\nand on until it ends.\n\nNext one.")
    assert reflow_text(once) == once


# --------------------------------------------------------------- cache and search


def test_old_text_caches_are_made_again(cache):
    path = put_pdf(cache, two_page_paper())
    old = {"format": 1, "pdf": stat_key(path), "pages": ["old\nunreflowed"], "skipped": [], "error": None}
    target = text_cache_path(cache, ID)
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(old), encoding="utf-8")
    assert TEXT_CACHE_FORMAT > 1
    assert cached_text(ID, cache) is None
    result = extract_text(ID, cache)
    assert "aminoglycosides" in result.pages[0]
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == TEXT_CACHE_FORMAT


def test_search_finds_words_that_were_split_over_lines_and_pages(cache):
    put_pdf(cache, two_page_paper())
    result = extract_text(ID, cache)
    snapshot = Snapshot((), {ID: PaperRecord(ID, "A paper")}, {}, {}, {})
    engine = Engine.build(snapshot, {ID: prepare_text(result)}, downloaded={ID})
    for query, page in (("caution", 1), ("aminoglycosides bind", 1), ("the word aminoglycosides", 1),
                        ('"self-consistent estimates"', 1), ("appears split", 2)):
        hits = engine.search(snapshot, query)
        assert [h.arxiv_id for h in hits] == [ID], query
        assert hits[0].matches[0].page == page, query


def test_paper_text_round_trips_through_json():
    text = PaperText(pages=["a", ""], skipped=[(2, "why")], cites=["2007.03898"])
    assert PaperText.from_json(json.loads(json.dumps(text.to_json()))) == text


def test_reflow_is_linear():
    import time

    lines = [Line("word " * 12 + "hyph-", 72, 700 - n * 0.01, 10) for n in range(20_000)]
    lines += [Line("x = y + z", 72 + n % 50, 700 - (n * 12) % 600, 10) for n in range(20_000)]
    start = time.monotonic()
    page = reflow_page(lines)
    settle_hyphens([page.text], [page.hyphens])
    assert time.monotonic() - start < 6


def test_a_word_over_a_page_break_with_page_numbers_and_a_line_of_its_own():
    pages = ["The end of the page hyphen-\n\n7", "8\n\nated\n\nNext paragraph with an ex-ample of a hyphen."]
    second_hyphen = pages[1].index("ex-") + 2
    hyphens: list[list[int]] = [[], [second_hyphen]]
    join_pages(pages, hyphens)
    assert pages == ["The end of the page hyphen-ated\n\n7", "8\n\nNext paragraph with an ex-ample of a hyphen."]
    assert [pages[0][h] for h in hyphens[0]] == ["-"] and [pages[1][h] for h in hyphens[1]] == ["-"]
    assert settle_hyphens(pages, hyphens) == ["The end of the page hyphenated\n\n7", "8\n\nNext paragraph with an example of a hyphen."]


def test_lines_come_without_positions_when_the_runs_do_not_add_up():
    from reader.core.pdf_worker import page_lines

    class Page:
        def __init__(self, runs: list[str], text: str) -> None:
            self.runs, self.text = runs, text

        def extract_text(self, visitor_text) -> str:
            for n, run in enumerate(self.runs):
                visitor_text(run, [1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 72, 700 - 12 * n], None, 10)
            return self.text

    assert page_lines(Page(["Hello ", "world\n", "again"], "Hello world\nagain")) == [
        Line("Hello world", 72.0, 700.0, 10.0), Line("again", 72.0, 676.0, 10.0)]
    assert page_lines(Page(["Hello "], "Hello world\nagain")) == [Line("Hello world"), Line("again")]
