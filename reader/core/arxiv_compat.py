"""Every private name of the ``arxiv`` package reader uses, in one place (arxiv==4.0.2, pinned).

reader fetches arXiv's replies itself, through ``reader.core.net``: bounded in size and
time, with a timeout, retrying only what can succeed on a retry. ``arxiv.Client`` can do
none of that (arxiv 4.0.2 sends requests with no timeout, reads a whole reply into memory,
retries a 400 as often as a 503, and asks for a second page when arXiv counts an unknown
id), and its session, URL builder and parser are private. What reader takes from the
package is its Atom parser, which turns a reply into public ``arxiv.Result`` objects; the
package only exposes it through ``Client`` (which fetches), so it is reached here:

* ``arxiv._feed.parse(body)``: the feed parser the client itself uses;
* ``arxiv._feed._build_result(entry)``: the same parser for one ``<entry>``, used only
  when ``parse`` gives up on the whole feed over one entry (a date it cannot read), so
  that one bad entry costs that paper and not the other 99 of the batch.

``tests/test_arxiv_compat.py`` pins each of these; it fails loudly when the package changes.
Importing this module imports the package (and lxml): import it only to parse.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import arxiv
from arxiv import _feed  # private: the package's Atom parser, without its fetching (see above)
from msgspec import Struct, field

PINNED_VERSION = "4.0.2"
ATOM = "{http://www.w3.org/2005/Atom}"


class BadFeed(Exception):
    """The reply is not an Atom feed the package can read."""


class Feed(Struct):
    results: list[arxiv.Result] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (entry's <id>, why)


def parse_feed(body: bytes) -> Feed:
    """The entries of an arXiv API reply, as ``arxiv.Result`` objects.

    An entry the package cannot read (an unparseable date, say) is listed in
    ``unreadable`` with its ``<id>``; the others are kept. Raises ``BadFeed`` when the
    body is not a feed at all.
    """
    try:
        parsed = _feed.parse(body)  # private: see the module docstring
    except (ValueError, TypeError):
        return _entry_by_entry(body)
    if parsed.malformed:
        raise BadFeed(f"unreadable reply from arXiv ({parsed.error})")
    return Feed(list(parsed.results))


def _entry_by_entry(body: bytes) -> Feed:
    """Each ``<entry>`` through the package's entry parser on its own."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise BadFeed(f"unreadable reply from arXiv ({exc})") from None
    feed = Feed()
    for entry in root.iter(f"{ATOM}entry"):
        try:
            result = _feed._build_result(entry)  # private: the package's parser for one entry
        except (ValueError, TypeError) as exc:
            ident = entry.find(f"{ATOM}id")
            feed.unreadable.append(((ident.text or "") if ident is not None else "", str(exc)))
            continue
        if result is not None:
            feed.results.append(result)
    return feed
