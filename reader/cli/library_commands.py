"""The library managed from the shell: ``digests`` (and ``digests remove``), ``add`` and ``undo``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ..core.ids import parse_id
from ..core.library import normalize_tag
from ..core.text import one_line
from .common import canonical_ids, keep_glance, open_library
from .errors import CliError

if TYPE_CHECKING:
    from ..core.history import Change
    from ..core.library import Library


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``digests``, ``add`` and ``undo`` to the top-level parser."""
    p = sub.add_parser(
        "digests",
        help="list the imported digests; 'digests remove DIGEST' removes one",
        description="Each digest's id, date, name, source file, paper count and read count.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    r = actions.add_parser(
        "remove",
        help="remove digests by date, name or id (reader undo puts them back)",
        description=(
            "Remove digests, each named by its date (YYYY-MM-DD), its name or its id. Their papers stay "
            "when another digest lists them; the others leave the library, but their read flags, tags and "
            "notes are kept: importing the same file again brings everything back. 'reader undo' undoes it."
        ),
    )
    r.add_argument("digests", nargs="+", metavar="DIGEST")
    p.set_defaults(handler=cmd_digests)

    p = sub.add_parser(
        "add",
        help="add papers by id to the reading queue (From commentary)",
        description=(
            "Add papers to the reading queue 'From commentary', as enter on a mentioned paper does in the "
            "app. Papers already in the library stay where they are (--tag tags them too). Any id that is "
            "not an arXiv id stops the command before anything changes."
        ),
    )
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="tag the papers (repeatable)")
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser(
        "undo",
        help="undo the last change made from the command line; --list shows the history",
        description=(
            "Undo the newest change made from the command line, where what it changed is still as it left "
            "it: should anything have changed it since (the app, another command), nothing is changed and "
            "the reason is printed. The app's changes are undone in the app (u)."
        ),
    )
    p.add_argument("--list", action="store_true", help="show the shared history, newest first")
    p.add_argument("--json", action="store_true", help="with --list: print a JSON list")
    p.set_defaults(handler=cmd_undo)


# --- digests -------------------------------------------------------------
def cmd_digests(args: argparse.Namespace) -> int:
    if args.action == "remove":
        return _remove(args)
    library = open_library(args)
    digests = library.digests(commentary=False)
    state = library.state_file()
    rows = []
    for digest in digests:
        ids = list(dict.fromkeys(digest.paper_ids))
        rows.append({
            "id": digest.id,
            "date": digest.date.isoformat() if digest.date else None,
            "name": digest.display_name,
            "source": digest.source,
            "papers": len(ids),
            "read": sum(1 for i in ids if state.is_read(i)),
        })
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not rows:
        print("no digests: try 'reader import FILE'", file=sys.stderr)
        return 0
    _print_table(rows)
    return 0


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console  # (lazy: not loaded by reader mark)
    from rich.table import Table  # (lazy: not loaded by reader mark)
    from rich.text import Text  # (lazy: not loaded by reader mark)

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("source", overflow="fold")
    table.add_column("papers", justify="right", no_wrap=True)
    table.add_column("read", justify="right", no_wrap=True)
    for row in rows:
        # User text as Text: a name like "[bold]" is shown as written, never as markup.
        table.add_row(
            row["id"], row["date"] or "-", Text(one_line(row["name"])), Text(one_line(row["source"])),
            str(row["papers"]), str(row["read"]),
        )
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200).print(table)


def _remove(args: argparse.Namespace) -> int:
    from ..core.digest_removal import describe, remove_digests  # (lazy: not loaded by reader mark)

    library = open_library(args)
    removal = remove_digests(library, args.digests)
    keep_glance(library)
    for digest in removal.digests:
        print(f"removed digest {describe(digest)}")
    left = len(removal.left)
    print(
        f"{left} paper{'s' * (left != 1)} left the library (their read flags, tags and notes are kept: "
        f"import the file again to bring them back); {removal.stayed} stay, listed by another digest. "
        "'reader undo' undoes the removal."
    )
    return 0


# --- add -----------------------------------------------------------------
def cmd_add(args: argparse.Namespace) -> int:
    from ..core.views import QUEUE_LABEL  # (lazy: not loaded by reader mark)

    bad = [raw for raw in args.ids if not _is_id(raw)]
    if bad:  # all or nothing: a script learns of every bad id, and nothing half-done
        raise CliError(f"not an arXiv id: {', '.join(repr(b) for b in bad)}; nothing was added")
    ids = list(dict.fromkeys(canonical_ids(args.ids)))
    try:
        tags = list(dict.fromkeys(normalize_tag(tag) for tag in args.tag))
    except ValueError as exc:
        raise CliError(f"{exc}; nothing was added") from None
    library = open_library(args)
    added = library.queue_papers(ids, tags)
    keep_glance(library)
    there = len(ids) - len(added)
    line = f"added {len(added)} paper{'s' * (len(added) != 1)} to the reading queue ({QUEUE_LABEL})"
    if there:
        line += f"; {there} already in the library"
    if tags:
        line += "; tagged " + " ".join(f"+{t}" for t in tags)
    print(line)
    if added:
        print(f"'reader fetch {' '.join(added[:3])}{' …' if len(added) > 3 else ''}' gets their titles from arXiv")
    return 0


def _is_id(raw: str) -> bool:

    return parse_id(raw) is not None


# --- undo ----------------------------------------------------------------
def cmd_undo(args: argparse.Namespace) -> int:
    library = open_library(args)
    if args.list:
        return _list_history(library, args.json)
    if args.json:
        raise CliError("--json goes with --list")
    outcome = library.undo(kind="command", strict=True)
    if outcome is None:
        raise CliError("nothing to undo: no change made from the command line is in the history ('reader undo --list')")
    if outcome.conflicts:
        more = len(outcome.conflicts) - 3
        shown = "; ".join(outcome.conflicts[:3]) + (f"; and {more} more" if more > 0 else "")
        raise CliError(f"cannot undo '{outcome.label}': changed since ({shown}); nothing was changed")
    if "catalog" in outcome.change.files:
        keep_glance(library)
    print(f"undid: {outcome.label}")
    return 0


def _origin(change: Change) -> tuple[str, str]:
    """(``app`` or ``command line`` or ``unknown``, the command's name)."""
    origin = change.origin
    if origin is None:
        return "unknown", ""
    return ("app" if origin.kind == "app" else "command line" if origin.kind == "command" else origin.kind), origin.name


def _list_history(library: Library, as_json: bool) -> int:

    changes = list(reversed(library.history()))
    if as_json:
        data = []
        for change in changes:
            where, name = _origin(change)
            data.append({
                "seq": change.seq, "at": change.at, "label": change.label, "origin": where, "command": name or None,
                "papers": len(change.papers), "undoable": change.undoable,
            })
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not changes:
        print("no changes in the history yet", file=sys.stderr)
        return 0
    for change in changes:
        where, name = _origin(change)
        who = f"{where} ({name})" if name else where
        when = change.at[:16].replace("T", " ")
        print(f"{change.seq:>4}  {when:<16}  {one_line(who):<22}  {one_line(change.label)}")
    return 0
