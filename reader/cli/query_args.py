"""Queries on the command line: ``reader list QUERY...``, ``reader search QUERY...``, and the
selection flags of ``list`` and ``export``, which are query terms too."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.library import normalize_tag
from ..core.locations import cache_dir, data_dir
from .common import canonical_ids
from .errors import CliError

if TYPE_CHECKING:
    from ..core.engine import Engine
    from ..core.query import Node, Query
    from ..core.snapshot import Snapshot

QUERY_HELP = (
    "a query (see 'Queries' in the README): words match at word starts in any field; "
    '"a phrase"; title: author: tag: note: commentary: abstract: text: digest: week:2020-W28 '
    "date:>=2020-07 year:2020 cat:cs.LG is:read|unread|noted|fetched|downloaded|mentioned|mismatched "
    "cites:ID cited-by:ID (from downloaded papers' text); "
    "AND (or a space), OR, NOT or -, parentheses. Several arguments are one query; a term that "
    "starts with '-' goes inside a quoted argument or after '--': reader list -- -is:read"
)


def add_query_argument(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("query", nargs="+" if required else "*", metavar="QUERY", help=QUERY_HELP)


def parse_words(words: list[str]) -> Query:
    """The arguments as one query; a mistake is a CliError naming the column."""
    from ..core.query import parse  # (lazy: ~155 ms, not loaded by reader mark)

    query = parse(" ".join(words))
    if query.error is not None:
        raise CliError(f"bad query at {query.error.describe()}")
    return query


def selection_query(snapshot: Snapshot, args: argparse.Namespace) -> Query:
    """The QUERY arguments and the selection flags, all ANDed."""
    from ..core.cite_ids import canonical  # (lazy: not loaded by reader mark)
    from ..core.engine import digests_matching  # (lazy: not loaded by reader mark)
    from ..core.query import And, CitedBy, Cites, Digest, Is, Query, Tag, Week  # (lazy: not loaded by reader mark)
    from ..core.words import fold, words  # (lazy: not loaded by reader mark)

    query = parse_words(getattr(args, "query", None) or [])
    terms: list[Node] = [] if query.node is None else [query.node]
    digest = getattr(args, "digest", None)
    if digest is not None:
        value = digest.isoformat() if hasattr(digest, "isoformat") else str(digest)
        node = Digest(value, tuple(words(value)))
        if not digests_matching(snapshot, node):
            raise CliError(f"no digest dated {value}" if hasattr(digest, "isoformat") else f"no digest dated or named {value!r}")
        terms.append(node)
    if getattr(args, "week", None) is not None:
        terms.append(Week(args.week))
    if getattr(args, "tag", None) is not None:

        try:
            terms.append(Tag(fold(normalize_tag(args.tag))))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    read = getattr(args, "read", None)
    if read is not None:
        terms.append(Is("read" if read else "unread"))
    if getattr(args, "mismatched", False):
        terms.append(Is("mismatched"))
    if getattr(args, "mentioned", False):
        terms.append(Is("mentioned"))
    for flag, kind in (("cites", Cites), ("cited_by", CitedBy)):  # --cites ID: cites:ID
        raw = getattr(args, flag, None)
        if raw:

            terms.append(kind(canonical(canonical_ids([raw])[0])))
    if not terms:
        return query
    return Query(query.text, terms[0] if len(terms) == 1 else And(tuple(terms)))


def engine_for(snapshot: Snapshot, query: Query, folder: Path | None = None) -> Engine:
    """An engine with what ``query`` needs: the paper texts of the cache for words that
    may be in them, the downloaded ids for ``is:downloaded``, who cites whom for ``cites:``
    and ``cited-by:`` (a CliError saying what to do when the text of a ``cited-by:`` paper
    has not been read), and for words the index: the one saved in the library ``folder``
    when it is this catalogue's, else built here (seconds at 100,000 papers) and saved for
    the next command and the app."""
    from ..core.engine import Engine  # (lazy: not loaded by reader mark)
    from ..core.query import CitedBy, Cites, Is, Words  # (lazy: not loaded by reader mark)

    citations = None
    if any(isinstance(leaf, (Cites, CitedBy)) for leaf, _ in query.leaves()):
        from ..core.citations import cites_index, unread_text  # (lazy: not loaded by reader mark)

        citations = cites_index(snapshot, cache_dir())
        for leaf, _ in query.leaves():
            if isinstance(leaf, CitedBy) and not citations.read(leaf.arxiv_id):
                raise CliError(unread_text(leaf.arxiv_id, cache_dir()))

    searches_text = any(isinstance(leaf, Words) and leaf.field in (None, "text") for leaf, _ in query.leaves())
    downloaded: set[str] = set()
    texts = {}
    if searches_text or query.uses(Is, state="downloaded"):
        from ..core.search_sources import cached_texts, downloaded_ids  # (lazy: ~297 ms, not loaded by reader mark)

        downloaded = downloaded_ids(cache_dir())
        if searches_text:
            texts = cached_texts(cache_dir(), snapshot.all_ids())
    if Engine.needs_index(query):
        if folder is None:
            return Engine.build(snapshot, texts, downloaded, citations)
        from ..core.saved_index import load_or_build  # (lazy: not loaded by reader mark)

        return Engine(load_or_build(folder, snapshot, texts)[0], downloaded, citations)
    return Engine(None, downloaded, citations)


def selected_ids(snapshot: Snapshot, args: argparse.Namespace) -> list[str]:
    """The papers ``list`` or ``export`` works on, in library order."""
    from ..core.engine import universe  # (lazy: not loaded by reader mark)

    query = selection_query(snapshot, args)
    folder = data_dir(getattr(args, "data_dir", None))
    return engine_for(snapshot, query, folder).filter(snapshot, universe(snapshot, query), query)
