"""Followed folders: ``reader folders [--json]``, ``reader folders remove DIR`` and
``reader update [--json]`` (reader/core/followed_folders.py). ``reader import DIR`` follows
a folder (reader/cli/commands.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .commands import _progress
from .common import keep_glance, open_library
from .errors import CliError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``folders`` and ``update`` to the top-level parser."""
    p = sub.add_parser(
        "folders",
        help="list the followed digest folders ('reader import DIR' follows one); 'folders remove DIR' forgets one",
        description="The folders 'reader update' imports from: each imported with 'reader import DIR'.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_folders)
    actions = p.add_subparsers(dest="folders_action", metavar="ACTION")
    remove = actions.add_parser("remove", help="stop following a folder (its digests are kept)")
    remove.add_argument("folder", type=Path, metavar="DIR")
    remove.set_defaults(handler=cmd_folders_remove)

    p = sub.add_parser(
        "update",
        help="import what is new or changed in every followed folder",
        description=(
            "Import the digest files that are new or changed since the last import, in every folder "
            "'reader import DIR' followed. A changed file updates its digest and keeps every read flag, "
            "tag and note; a deleted file removes nothing. Exits 1 when a folder is gone or a file failed."
        ),
    )
    p.add_argument("--json", action="store_true", help="print what was found and imported as JSON")
    p.set_defaults(handler=cmd_update)


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ") if stamp else "never"


def cmd_folders(args: argparse.Namespace) -> int:
    from ..core.followed_folders import followed  # (lazy: not loaded by reader mark)
    from ..core.importer import shown  # (lazy: not loaded by reader mark)

    folders = followed(open_library(args))
    if args.json:
        json.dump([folder.to_json() for folder in folders], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not folders:
        print("no followed folders: 'reader import DIR' follows one", file=sys.stderr)
        return 0
    for folder in folders:
        count = len(folder.files)
        state = "" if folder.exists else "  GONE (reader folders remove it, or put it back)"
        print(f"{shown(folder.path)}  {count} file{'s' * (count != 1)}  imported {_when(folder.imported)}{state}")
    return 0


def cmd_folders_remove(args: argparse.Namespace) -> int:
    from ..core.followed_folders import forget  # (lazy: not loaded by reader mark)
    from ..core.importer import shown  # (lazy: not loaded by reader mark)
    from ..core.note_folder import folder_key  # (lazy: not loaded by reader mark)

    key = folder_key(args.folder)
    if not forget(open_library(args), key):
        raise CliError(f"not a followed folder: {shown(key)} (see 'reader folders')")
    print(f"no longer following {shown(key)} (its digests are kept)")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    from ..core.followed_folders import followed, update  # (lazy: not loaded by reader mark)

    library = open_library(args)
    if not followed(library):
        if args.json:
            print(json.dumps({"folders": []}))
        else:
            print("no followed folders: 'reader import DIR' follows one", file=sys.stderr)
        return 0
    with _progress(0, "updating") as advance:
        updates = update(library, progress=lambda i, n, p: advance())
    if any(found.new or found.changed or found.renamed for found in updates):
        keep_glance(library)
    if args.json:
        json.dump({"folders": [found.to_json() for found in updates]}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        from ..core.importer import shown  # (lazy: not loaded by reader mark)

        for found in updates:
            for old, new in found.renamed:
                print(f"{shown(Path(found.path, new))}: renamed from {shown(old)}; its digest follows it")
            for outcome in found.outcomes:
                print(outcome.summary())
                for line in outcome.warning_lines():
                    print(line)
            print(found.summary())
    return 1 if any(found.failed for found in updates) else 0
