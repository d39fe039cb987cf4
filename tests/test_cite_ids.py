"""Finding the arXiv ids a paper's text cites (reader.core.cite_ids): which forms count,
which numbers do not, ids cut by a line or page break."""

from __future__ import annotations

import time

import pytest

from reader.core.cite_ids import CiteScanner, canonical, find_cited_ids

# --------------------------------------------------------------- the finder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as shown in arXiv:2007.03898 and arXiv:2007.04825v2", ["2007.03898", "2007.04825"]),
        ("arXiv preprint arXiv:1906.02691, 2019", ["1906.02691"]),
        ("ArXiv e-prints, arXiv 2006.11239v3", ["2006.11239"]),
        ("doi:10.48550/arXiv.2201.11903", ["2201.11903"]),  # arXiv's own DOIs
        ("CoRR, abs/1810.04805, 2018", ["1810.04805"]),
        ("https://arxiv.org/abs/1706.03762v5.", ["1706.03762"]),
        ("http://export.arxiv.org/pdf/2002.05709v3.pdf", ["2002.05709"]),
        ("arxiv.org/html/2402.00001v1#S2", ["2402.00001"]),
        ("https://huggingface.co/papers/2106.09685 and https://www.alphaxiv.org/abs/2303.08774", ["2106.09685", "2303.08774"]),
        ("https://ar5iv.labs.arxiv.org/html/1512.03385", ["1512.03385"]),
        ("the classic hep-th/9711200 and math.AG/0309136v2", ["hep-th/9711200", "math/0309136"]),
        ("arXiv:cond-mat/0601001", ["cond-mat/0601001"]),
        ("the release 2012.01234v2 of it", ["2012.01234"]),  # a version says it is an arXiv id
    ],
)
def test_ids_with_context(text, expected):
    assert find_cited_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2345 of the code",
        "doi:10.1103/PhysRevB.80.144415",
        "https://doi.org/10.5555/2001.12345",
        "see myarxiv.org/abs/2007.03898 and notarxiv:2007.03898",
        "an arXiv: we show it",
        "arXiv:2007.038981",  # six digits: no id
        "arXiv:2013.03898",  # month 13
        "and/or 9901001",
    ],
)
def test_no_false_positives(text):
    assert find_cited_ids(text) == []
    assert find_cited_ids(text, references=True) == []  # not even in a reference list


def test_a_bare_id_outside_the_references_is_any_number():
    assert find_cited_ids("we ran it 2007.03898 times") == []
    assert find_cited_ids("we ran it 2007.03898 times", references=True) == ["2007.03898"]


def test_bare_ids_count_in_the_references_section_but_not_in_dois_or_page_numbers():
    text = "Bahdanau et al. 1409.0473, 2015. Journal 12, pp. 1101.1105. https://doi.org/10.5555/2001.12345"
    assert find_cited_ids(text) == []
    assert find_cited_ids(text, references=True) == ["1409.0473"]


def test_ids_split_over_lines_and_pages():
    scanner = CiteScanner()
    first = scanner.page([
        "Some text that cites arXiv:2010.",
        "11929 and https://arxiv.org/abs/",
        "1312.6114 and the old hep-",
        "th/9711200, and then the page ends with https://arxiv.",
    ])
    second = scanner.page(["org/abs/1706.03762 on the next page.", "References", "[1] A. B. 1409.0473."])
    assert first == ["2010.11929", "1312.6114", "hep-th/9711200"]
    assert second == ["1706.03762", "1409.0473"]


def test_a_line_ending_in_a_whole_id_is_not_glued_to_the_next():
    scanner = CiteScanner()
    assert scanner.page(["[1] A. Author, arXiv:2007.03898.", "2021. Another line."]) == ["2007.03898"]


def test_canonical_ids():
    assert canonical("2007.03898v2") == "2007.03898"
    assert canonical("math.AG/0309136") == "math/0309136"
    assert canonical("hep-th/9901001v3") == "hep-th/9901001"


def test_the_finder_is_linear():
    text = "arXiv " * 50_000 + "https://arxiv.org/" * 20_000 + "1" * 100_000 + "hep-" * 20_000
    start = time.monotonic()
    find_cited_ids(text, references=True)
    CiteScanner().page([text[i : i + 80] for i in range(0, len(text), 80)])
    assert time.monotonic() - start < 3


