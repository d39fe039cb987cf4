"""arXiv ids on other hosts, behind redirects, and ids whose digit count gives them away
(issue 12, classes 3, 3b and 9)."""

from __future__ import annotations

import time

import pytest

from reader.core.ids import find_links, is_valid_id, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://huggingface.co/papers/2106.09685", ("2106.09685", None)),
        ("huggingface.co/papers/2106.09685", ("2106.09685", None)),
        ("https://hf.co/papers/2106.09685v2", ("2106.09685", 2)),
        ("https://www.alphaxiv.org/abs/2106.09685", ("2106.09685", None)),
        ("https://alphaxiv.org/overview/2106.09685", ("2106.09685", None)),
        ("https://ar5iv.labs.arxiv.org/html/1706.03762", ("1706.03762", None)),
        ("https://ar5iv.org/abs/1706.03762", ("1706.03762", None)),
        ("https://doi.org/10.48550/arXiv.1706.03762", ("1706.03762", None)),
        ("https://doi.org/10.48550/ARXIV.1706.03762", ("1706.03762", None)),
        ("doi:10.48550/arXiv.1706.03762", ("1706.03762", None)),
        ("https://www.arxiv-vanity.com/papers/1706.03762/", ("1706.03762", None)),
        ("https://browse.arxiv.org/abs/1706.03762", ("1706.03762", None)),
    ],
)
def test_other_hosts_name_the_paper(text, expected):
    assert parse_id(text) == expected
    (link,) = find_links(f"see {text} here")
    assert (link.arxiv_id, link.version) == expected
    assert link.raw == text


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/url?q=https%3A%2F%2Farxiv.org%2Fabs%2F1706.03762&sa=D&source=editors",
        "https://www.google.com/url?q=https://arxiv.org/abs/1706.03762&sa=D&ust=1600000000000000",
        "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Farxiv.org%2Fpdf%2F1706.03762.pdf&data=04%7C01",
        "https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Farxiv%2Eorg%2Fabs%2F1706%2E03762&urlhash=abc",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fhuggingface.co%2Fpapers%2F1706.03762%3Ffbclid%3DIw&h=AT1",
        "https://out.reddit.com/t3_x?url=https%253A%252F%252Farxiv.org%252Fabs%252F1706.03762&token=x",
    ],
)
def test_redirects_carry_the_arxiv_url_in_a_query_parameter(url):
    text = f"Attention, {url}, NeurIPS"
    (link,) = find_links(text)
    assert (link.arxiv_id, link.malformed) == ("1706.03762", False)
    assert link.raw == url
    assert parse_id(url) == ("1706.03762", None)


def test_a_redirect_to_somewhere_else_is_no_link():
    assert find_links("https://www.google.com/url?q=https%3A%2F%2Fgithub.com%2Fx&sa=D") == []


@pytest.mark.parametrize(
    ("arxiv_id", "valid"),
    [
        ("2203.07120", True),
        ("2203.0712", False),  # since 2015 the number has five digits
        ("1501.00001", True),
        ("1501.0001", False),
        ("1412.1234", True),
        ("1412.12345", False),  # before 2015, four
        ("0704.0001", True),
    ],
)
def test_the_number_of_digits_follows_the_year(arxiv_id, valid):
    assert is_valid_id(arxiv_id) is valid


@pytest.mark.parametrize(
    "text",
    [
        "Name(https://arxiv.org/abs/2203.0712)",
        "see https://huggingface.co/papers/2203.0712 too",
        "doi:10.48550/arXiv.2203.0712",
    ],
)
def test_truncated_ids_are_malformed_links(text):
    (link,) = find_links(text)
    assert link.malformed and link.arxiv_id == "2203.0712"


@pytest.mark.parametrize(
    "text",
    [
        "huggingface.co/papers/" * 50_000,
        "https://www.google.com/url?q=arxiv.org%2F" * 30_000,
        "ar5iv.labs.arxiv.org/html/" * 40_000,
        "10.48550/arXiv." * 60_000,
        "x=https://arxiv.org/abs/2203.07120&" * 30_000,
    ],
    ids=["hosts", "encoded", "mirrors", "dois", "query-chain"],
)
def test_new_forms_stay_linear(text):
    started = time.process_time()
    find_links(text)
    assert time.process_time() - started < 1.0
