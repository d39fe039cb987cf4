"""Pins the arxiv package's private names that reader.core.arxiv_compat uses.

If one of these fails, the pinned ``arxiv`` changed: read arxiv_compat's docstring, check
each private name against the new version, and update the pin in pyproject.toml with it.
"""

from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

import arxiv
import pytest
from arxiv import _feed

from reader.core import arxiv_compat
from reader.core.arxiv_compat import BadFeed, parse_feed
from tests.atomfeeds import entry, new_feed, old_feed

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_installed_arxiv_is_the_pinned_one():
    pinned = re.search(r'"arxiv==([^"]+)"', PYPROJECT.read_text(encoding="utf-8"))
    assert pinned is not None, "pyproject.toml must pin arxiv exactly"
    assert pinned.group(1) == arxiv_compat.PINNED_VERSION == version("arxiv") == arxiv.__version__


def test_feed_parse_is_the_parser_the_client_uses():
    # Client._parse_feed (private) fetches and then calls _feed.parse on the body: reader
    # does the fetching and calls the same parser.
    source = inspect.getsource(arxiv.Client)
    assert "_feed.parse(resp.content)" in source
    assert list(inspect.signature(_feed.parse).parameters) == ["content"]
    assert list(inspect.signature(_feed._build_result).parameters) == ["entry"]


@pytest.mark.parametrize("writer", [new_feed, old_feed])
def test_feed_parse_gives_public_results(writer):
    parsed = _feed.parse(writer([entry("2101.00001", 2, title="A  title")]).encode())
    assert parsed.malformed is False
    (result,) = parsed.results
    assert isinstance(result, arxiv.Result)
    assert result.entry_id == "http://arxiv.org/abs/2101.00001v2"
    assert result.title == "A title" and [a.name for a in result.authors] == ["Ada Lovelace", "Alan Turing"]
    assert result.pdf_url.endswith("arxiv.org/pdf/2101.00001v2")


def test_feed_parse_gives_up_on_a_whole_feed_over_one_date():
    # Why arxiv_compat falls back to _build_result entry by entry.
    body = new_feed([entry("2101.00001", published="sometime"), entry("2101.00002")]).encode()
    with pytest.raises(ValueError):
        _feed.parse(body)
    good = ET.fromstring(new_feed([entry("2101.00002")]).encode()).find("{http://www.w3.org/2005/Atom}entry")
    assert isinstance(_feed._build_result(good), arxiv.Result)


def test_parse_feed_keeps_the_good_entries_and_names_the_bad():
    body = new_feed([entry("2101.00001", published="sometime"), entry("2101.00002")]).encode()
    feed = parse_feed(body)
    assert [r.entry_id for r in feed.results] == ["http://arxiv.org/abs/2101.00002v1"]
    assert [url for url, _ in feed.unreadable] == ["http://arxiv.org/abs/2101.00001v1"]


def test_parse_feed_rejects_what_is_not_a_feed():
    with pytest.raises(BadFeed):
        parse_feed(b"\x00\x01 not xml at all <")
