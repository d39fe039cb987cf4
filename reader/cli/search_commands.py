"""``reader search``: papers matching a query, best first, with a snippet per field."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..core.text import one_line, printable
from .common import load_snapshot, open_library
from .errors import CliError
from .query_args import add_query_argument, engine_for, parse_words


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``reader search`` to the top-level parser."""

    p = sub.add_parser(
        "search",
        help="search titles, authors, tags, notes, commentary, abstracts and downloaded paper text",
        description=(
            "Papers matching QUERY, best first: title hits, then authors, tags, notes, commentary, "
            "abstract and paper text; each with a snippet per field that matched. "
            "reader search '\"deep hierarchical\" vae -is:read'"
        ),
    )
    add_query_argument(p, required=True)
    p.add_argument("--json", action="store_true", help="print a JSON list of hits")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="show at most N papers (default 50)")
    p.set_defaults(handler=cmd_search)


def _highlight(snippet: str, start: int, end: int, color: bool) -> str:
    before, match, after = (printable(part) for part in (snippet[:start], snippet[start:end], snippet[end:]))
    if not color:
        return before + match + after
    return f"{before}\x1b[1;33m{match}\x1b[0m{after}"


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    query = parse_words(args.query)
    library = open_library(args)
    snapshot = load_snapshot(library)
    hits = engine_for(snapshot, query, library.data_dir).search(snapshot, query, limit=args.limit)
    if args.json:
        data = [dict(hit.to_json(), title=snapshot.title(hit.arxiv_id)) for hit in hits]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not hits:
        print("no papers match" if snapshot.papers else "the library is empty: try 'reader import FILE'", file=sys.stderr)
        return 0
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for hit in hits:
        print(f"{hit.arxiv_id}  {one_line(snapshot.title(hit.arxiv_id) or '(no title)')}")
        for match in hit.matches:
            label = match.field if match.page is None else f"{match.field} p.{match.page}"
            print(f"    {label}: {_highlight(match.snippet, match.start, match.end, color)}")
    return 0
