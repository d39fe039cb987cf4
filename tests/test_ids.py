"""arXiv ids: validation, parsing every link form, finding links in text, file names."""

from __future__ import annotations

import time

import pytest

from reader.core.ids import (
    Link,
    abs_url,
    find_links,
    id_from_filename,
    is_valid_id,
    parse_id,
    pdf_url,
    safe_filename,
)

# --- is_valid_id ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "s",
    [
        "2007.01758",
        "2007.01758v2",
        "0704.0001",
        "1501.00001",
        "2312.12345v12",
        "hep-th/9901001",
        "hep-th/9901001v3",
        "math.GT/0309136",
        "astro-ph/0601001",
        "cond-mat/0501234",
        "cs/0112017",
    ],
)
def test_valid_ids(s):
    assert is_valid_id(s)


@pytest.mark.parametrize(
    "s",
    [
        "",
        "2006.162360",  # six digits
        "2013.01758",  # month 13
        "2000.01758",  # month 00
        "2007.123",  # three digits
        "2007.01758v",
        "2007.01758 ",
        "arXiv:2007.01758",
        "hep-th/990100",  # six digits
        "hep-th/99010011",
        "hep-th/9913001",  # month 13
        "HEP-TH/9901001",
        "../../etc/passwd",
        "2007.01758/../x",
        None,
        20070175,
    ],
)
def test_invalid_ids(s):
    assert not is_valid_id(s)


# --- parse_id ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007.01758", ("2007.01758", None)),
        ("2007.01758v3", ("2007.01758", 3)),
        (" 2007.01758 ", ("2007.01758", None)),
        ("arXiv:2007.01758", ("2007.01758", None)),
        ("arxiv:2007.01758v2", ("2007.01758", 2)),
        ("https://arxiv.org/abs/2007.01758", ("2007.01758", None)),
        ("http://arxiv.org/abs/2007.01758", ("2007.01758", None)),
        ("https://www.arxiv.org/abs/2007.01758", ("2007.01758", None)),
        ("https://export.arxiv.org/abs/2007.01758", ("2007.01758", None)),
        ("arxiv.org/abs/2007.01758", ("2007.01758", None)),
        ("https://arxiv.org/pdf/2007.01758", ("2007.01758", None)),
        ("https://arxiv.org/pdf/2007.01758.pdf", ("2007.01758", None)),
        ("https://arxiv.org/pdf/2007.01758v2", ("2007.01758", 2)),
        ("https://arxiv.org/pdf/2007.01758v2.pdf", ("2007.01758", 2)),
        ("https://arxiv.org/abs/2007.01758?context=cs.CV", ("2007.01758", None)),
        ("https://arxiv.org/abs/2007.01758#S3", ("2007.01758", None)),
        ("https://arxiv.org/abs/2007.01758/", ("2007.01758", None)),
        ("https://arxiv.org/abs/2007.01758.", ("2007.01758", None)),
        ("https://arxiv.org/abs/hep-th/9901001v2", ("hep-th/9901001", 2)),
        ("https://arxiv.org/abs/math.GT/0309136", ("math.GT/0309136", None)),
        ("https://arxiv.org/abs/2007.\u200b01758\u200b", ("2007.01758", None)),
        (
            "https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F2007.01758%3Ffbclid%3DIwAR1&h=AT0x",
            ("2007.01758", None),
        ),
    ],
)
def test_parse_id_forms(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "https://arxiv.org/abs/2006.162360",
        "https://example.com/abs/2007.01758",
        "see https://arxiv.org/abs/2007.01758",
        "https://arxiv.org/abs/2007.01758 https://arxiv.org/abs/2007.01852",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F&h=x",
        None,
    ],
)
def test_parse_id_rejects(text):
    assert parse_id(text) is None


# --- find_links ----------------------------------------------------------------------------------


def ids(text):
    return [(link.arxiv_id, link.version, link.malformed) for link in find_links(text)]


def test_spans_are_exact_and_in_order():
    text = "a https://arxiv.org/abs/2007.01758 b arXiv:1912.12294v2 c"
    links = find_links(text)
    assert [(link.arxiv_id, link.version) for link in links] == [("2007.01758", None), ("1912.12294", 2)]
    for link in links:
        assert text[link.start : link.end] == link.raw
    assert links[0].raw == "https://arxiv.org/abs/2007.01758"
    assert links[1].raw == "arXiv:1912.12294v2"


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("(https://arxiv.org/abs/1912.12294)", "https://arxiv.org/abs/1912.12294"),
        ("Sibling Head(https://arxiv.org/abs/2003.07540) 같이", "https://arxiv.org/abs/2003.07540"),
        ("https://arxiv.org/abs/2007.05869와 비슷한", "https://arxiv.org/abs/2007.05869"),
        ("https://arxiv.org/abs/2007.05869에서", "https://arxiv.org/abs/2007.05869"),
        ("end https://arxiv.org/abs/2007.01758.", "https://arxiv.org/abs/2007.01758"),
        ("list https://arxiv.org/abs/2007.01758, and", "https://arxiv.org/abs/2007.01758"),
        ("'https://arxiv.org/abs/2007.01758'", "https://arxiv.org/abs/2007.01758"),
        ('"https://arxiv.org/abs/2007.01758";', "https://arxiv.org/abs/2007.01758"),
        ("[x](https://arxiv.org/abs/2007.01758?x=1)", "https://arxiv.org/abs/2007.01758?x=1"),
        ("<https://arxiv.org/abs/2007.01758>", "https://arxiv.org/abs/2007.01758"),
        ("*https://arxiv.org/abs/2007.01758*", "https://arxiv.org/abs/2007.01758"),
        ("see https://arxiv.org/abs/2007.01758?", "https://arxiv.org/abs/2007.01758"),
        ("https://arxiv.org/pdf/2007.01758v2.pdf!", "https://arxiv.org/pdf/2007.01758v2.pdf"),
        ("뒤집기https://arxiv.org/abs/2007.01758", "https://arxiv.org/abs/2007.01758"),
    ],
)
def test_link_edges(text, raw):
    (link,) = find_links(text)
    assert link.raw == raw
    assert text[link.start : link.end] == raw
    assert not link.malformed


def test_zero_width_spaces_inside_and_after_a_link():
    text = "x https://arxiv.org/abs/2007.\u200b01758\u200b\u200c와"
    (link,) = find_links(text)
    assert (link.arxiv_id, link.malformed) == ("2007.01758", False)
    assert text[link.end :] == "\u200b\u200c와"
    assert link.raw == "https://arxiv.org/abs/2007.\u200b01758"


def test_zero_width_space_at_start_of_text():
    (link,) = find_links("\ufeffhttps://arxiv.org/abs/2007.01758")
    assert (link.start, link.arxiv_id) == (1, "2007.01758")


def test_malformed_link_is_reported_with_its_raw_id():
    text = "transformer are rnns (https://arxiv.org/abs/2006.162360) 같은"
    (link,) = find_links(text)
    assert link.malformed
    assert link.arxiv_id == "2006.162360"
    assert link.version is None
    assert link.raw == "https://arxiv.org/abs/2006.162360"


@pytest.mark.parametrize("bad", ["2006.162360", "2013.01758", "abc", "2007.01758v", "2007.01758abc"])
def test_malformed_url_ids(bad):
    assert ids(f"https://arxiv.org/abs/{bad}") == [(bad, None, True)]


def test_malformed_arxiv_prefix():
    assert ids("arXiv:2006.162360") == [("2006.162360", None, True)]


@pytest.mark.parametrize(
    "text",
    [
        "published on arXiv: we show that",
        "myarxiv.org/abs/2007.01758",
        "https://example.com/2007.01758",
        "2007.01758",  # a bare number is not a link
        "https://arxiv.org/abs/",
        "https://arxiv.org/list/cs.CV/recent",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com&h=1",
    ],
)
def test_not_links(text):
    assert find_links(text) == []


def test_facebook_redirect_span_is_the_whole_redirect():
    url = "https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F2007.03898%3Ffbclid%3DIwAR0&h=AT2abc"
    text = f"NVAE {url}."
    (link,) = find_links(text)
    assert (link.arxiv_id, link.raw, link.start) == ("2007.03898", url, 5)


def test_facebook_redirect_to_a_malformed_id():
    (link,) = find_links("https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F2006.162360&h=1")
    assert link.malformed and link.arxiv_id == "2006.162360"


def test_nested_redirects_are_not_followed_twice():
    assert find_links("https://l.facebook.com/l.php?u=https://l.facebook.com/l.php?u=x") == []


def test_link_is_frozen():
    (link,) = find_links("https://arxiv.org/abs/2007.01758")
    assert isinstance(link, Link)
    with pytest.raises(AttributeError):
        link.arxiv_id = "x"  # type: ignore[misc]


def test_uppercase_host_and_scheme():
    assert ids("HTTPS://ARXIV.ORG/ABS/2007.01758") == [("2007.01758", None, False)]


def test_old_style_ids_in_text():
    assert ids("see arXiv:hep-th/9901001v2 and https://arxiv.org/pdf/math.GT/0309136.pdf") == [
        ("hep-th/9901001", 2, False),
        ("math.GT/0309136", None, False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "arxiv:" * 200_000,
        "https://arxiv.org/abs/" * 50_000,
        "https://l.facebook.com/l.php?" * 30_000,
        "1arxiv.org/abs/" * 60_000,
        "https://l.facebook.com/l.php?u=https://l.facebook.com/l.php?u=" * 10_000,
        "\u200b".join(["https://arxiv.org/abs/2007.01758"] * 20_000),
    ],
    ids=["letters", "prefixes", "empty-urls", "redirects", "glued", "nested-redirects", "zero-width"],
)
def test_find_links_is_linear_on_hostile_input(text):
    started = time.process_time()
    find_links(text)
    assert time.process_time() - started < 1.0


# --- urls and file names -------------------------------------------------------------------------


def test_urls():
    assert abs_url("2007.01758") == "https://arxiv.org/abs/2007.01758"
    assert abs_url("2007.01758", 2) == "https://arxiv.org/abs/2007.01758v2"
    assert pdf_url("2007.01758") == "https://arxiv.org/pdf/2007.01758"
    assert pdf_url("hep-th/9901001", 3) == "https://arxiv.org/pdf/hep-th/9901001v3"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "2006.162360", "a/b"])
def test_urls_reject_bad_ids(bad):
    with pytest.raises(ValueError):
        abs_url(bad)
    with pytest.raises(ValueError):
        pdf_url(bad)


@pytest.mark.parametrize(
    ("arxiv_id", "name"),
    [
        ("2007.01758", "2007.01758"),
        ("2007.01758v2", "2007.01758v2"),
        ("hep-th/9901001", "hep-th_9901001"),
        ("math.GT/0309136", "math.GT_0309136"),
    ],
)
def test_safe_filename_round_trips(arxiv_id, name):
    assert safe_filename(arxiv_id) == name
    assert id_from_filename(name) == arxiv_id


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "..", "/etc/passwd", "2007.01758/../../x", "a\\b", "", "2007.01758\x00"]
)
def test_safe_filename_rejects_anything_else(bad):
    with pytest.raises(ValueError):
        safe_filename(bad)


def test_id_from_filename_rejects_junk():
    assert id_from_filename("notes.txt") is None
