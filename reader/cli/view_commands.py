"""``reader views``: saved views (named queries) from the shell; ``reader completion``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from .common import load_snapshot, open_library
from .errors import CliError

if TYPE_CHECKING:
    from ..core.saved_views import SavedView
    from ..core.snapshot import Snapshot

COMPLETION_SHELLS = ("bash", "zsh", "fish")


def register(sub: argparse._SubParsersAction, root: argparse.ArgumentParser) -> None:
    """Add ``reader views`` and ``reader completion`` (of ``root``, the top-level parser)."""
    from .query_args import QUERY_HELP

    p = sub.add_parser(
        "views",
        help="saved views: list them with their counts; add or remove one",
        description=(
            "Saved views are named queries, kept in the library; the app lists them in its "
            "sidebar under VIEWS. With no subcommand, lists each view's name, query, and how "
            "many papers it matches (and how many of those are unread)."
        ),
    )
    p.add_argument("--json", action="store_true", help="print a JSON list: name, query, count, unread")
    p.set_defaults(handler=cmd_views)
    actions = p.add_subparsers(dest="views_command", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="save QUERY as the view NAME (replaces a view of that name)",
        description="Save QUERY as the view NAME. A view of that name is replaced (and the command says so). "
        "reader views add 'to read' '(tag:vae OR tag:gan) -is:read'",
    )
    add.add_argument("name", metavar="NAME", help="the view's name (one line; quote it if it has spaces)")
    add.add_argument("query", nargs="+", metavar="QUERY", help=QUERY_HELP)
    add.set_defaults(handler=cmd_views_add)
    remove = actions.add_parser("remove", help="remove the saved view NAME", description="Remove the saved view NAME.")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=cmd_views_remove)

    p = sub.add_parser(
        "completion",
        help="print the shell completion script for bash, zsh or fish",
        description=(
            "Print a completion script for SHELL (commands and options). Install it with, e.g.: "
            "bash: reader completion bash > ~/.local/share/bash-completion/completions/reader; "
            "zsh: reader completion zsh > ~/.zfunc/_reader (with ~/.zfunc in $fpath); "
            "fish: reader completion fish > ~/.config/fish/completions/reader.fish"
        ),
    )
    p.add_argument("shell", choices=COMPLETION_SHELLS, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(handler=cmd_completion, root_parser=root)


def counts(snapshot: Snapshot, views: tuple[SavedView, ...]) -> dict[str, tuple[int, int] | str]:
    """Each view's (matching, unread) papers, or what is wrong with its query."""
    from ..core.engine import universe
    from ..core.query import Or, Query, parse
    from .query_args import engine_for

    parsed = {view.name: parse(view.query) for view in views}
    good = [q for q in parsed.values() if q.error is None and q.node is not None]
    if not good:
        engine = None
    else:  # one engine for them all: the index (and the texts) only when one needs them
        nodes = tuple(q.node for q in good if q.node is not None)
        engine = engine_for(snapshot, Query("", nodes[0] if len(nodes) == 1 else Or(nodes)))
    found: dict[str, tuple[int, int] | str] = {}
    for name, query in parsed.items():
        if query.error is not None or engine is None:
            found[name] = f"bad query at {query.error.describe()}" if query.error else "an empty query"
            continue
        ids = engine.filter(snapshot, universe(snapshot, query), query)
        found[name] = (len(ids), sum(1 for i in ids if not snapshot.state(i).read))
    return found


def cmd_views(args: argparse.Namespace) -> int:
    from ..core.text import one_line

    snapshot = load_snapshot(open_library(args))
    views = snapshot.saved_views
    found = counts(snapshot, views)
    if args.json:
        rows = []
        for view in views:
            counted = found[view.name]
            row: dict[str, object] = {"name": view.name, "query": view.query}
            if isinstance(counted, tuple):
                row.update(count=counted[0], unread=counted[1])
            else:
                row.update(count=None, unread=None, error=counted)
            rows.append(row)
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not views:
        print("no saved views: add one with 'reader views add NAME QUERY'", file=sys.stderr)
        return 0
    width = min(30, max(len(one_line(view.name)) for view in views))
    for view in views:
        counted = found[view.name]
        count = f"{counted[0]:>5} papers, {counted[1]} unread" if isinstance(counted, tuple) else counted
        print(f"{one_line(view.name):<{width}}  {one_line(view.query)}  ({count})")
    return 0


def cmd_views_add(args: argparse.Namespace) -> int:
    from ..core.saved_views import add_view
    from ..core.text import one_line

    query = " ".join(args.query)
    replaced = add_view(open_library(args), args.name, query)
    verb = "replaced" if replaced else "saved"
    print(f"{verb} view {one_line(args.name.strip())!r}: {one_line(query.strip())}")
    return 0


def cmd_views_remove(args: argparse.Namespace) -> int:
    from ..core.saved_views import remove_view
    from ..core.text import one_line

    removed = remove_view(open_library(args), args.name)
    print(f"removed view {one_line(removed.name)!r} ({one_line(removed.query)})")
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    try:
        script = shtab.complete(args.root_parser, shell=args.shell)
    except NotImplementedError as exc:  # (a shtab without this shell)
        raise CliError(f"no completion for {args.shell}: {exc}") from None
    sys.stdout.write(script if script.endswith("\n") else script + "\n")
    return 0
