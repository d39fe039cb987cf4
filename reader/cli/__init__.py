"""The ``reader`` command line. Errors are one line on stderr and exit code 1."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from .errors import CliError

if TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal reading list for weekly arXiv digests.",
        epilog="With no command, opens the app. 'reader COMMAND --help' describes a command.",
    )
    from .. import version  # (lazy, like every import here: opening the app imports no command module)

    parser.add_argument("--version", action="version", version=f"reader {version()}", help="print reader's version and exit")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library directory (default: $READER_DATA_DIR or the platform data dir)",
    )
    parser.add_argument("--demo", action="store_true", help="open the app on a throwaway library holding the bundled demo digest")
    from . import arxiv_commands, commands, folder_commands, library_commands, search_commands, view_commands  # (lazy)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.register(sub)  # parse, import, list, show, mark, tag, note, export, doctor
    arxiv_commands.register(sub)  # fetch, download, text
    search_commands.register(sub)  # search
    library_commands.register(sub)  # digests, add, undo
    folder_commands.register(sub)  # folders, update
    view_commands.register(sub, parser)  # views, completion (of this parser)
    return parser


def app_options(argv: Sequence[str]) -> SimpleNamespace | None:
    """The options when ``argv`` only opens the app (``[--demo] [--data-dir DIR]``), else
    None. Then neither argparse nor the commands' modules are imported: the app starts
    sooner. Anything else (``--help``, a command, a mistake) goes to the full parser."""
    options = SimpleNamespace(command=None, data_dir=None, demo=False)
    args = iter(argv)
    for arg in args:
        if arg == "--demo":
            options.demo = True
        elif arg == "--data-dir":
            options.data_dir = next(args, None)
            if not options.data_dir or options.data_dir.startswith("-"):
                return None
        elif arg.startswith("--data-dir=") and len(arg) > len("--data-dir="):
            options.data_dir = arg.split("=", 1)[1]
        else:
            return None
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns (and exits with) the exit code."""
    code = run(argv)
    sys.exit(code)


def run(argv: Sequence[str] | None = None) -> int:
    from ..core.digest_file import DigestReadError  # (lazy: ~15 ms; the app's start doesn't need it yet)
    from ..core.library_errors import LibraryError  # (lazy, with the line above)

    argv = list(sys.argv[1:] if argv is None else argv)
    opening = app_options(argv)
    heap = None
    if opening is not None:
        # The app's garbage-collector policy (tui/heap.py) from here, before the library's
        # modules load: no collection during the start-up, which makes and keeps objects.
        from ..tui.heap import HeapKeeper

        heap = HeapKeeper()
        heap.pause()
    args = opening or build_parser().parse_args(argv)
    try:
        if args.command is None:
            from .app import open_app

            return open_app(args, heap)
        return int(args.handler(args) or 0)
    except (CliError, LibraryError, DigestReadError) as exc:
        print(f"reader: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `reader list | head`: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # never a traceback for a user
        if os.environ.get("READER_DEBUG"):
            raise
        print(f"reader: internal error: {type(exc).__name__}: {exc} (set READER_DEBUG=1 for details)", file=sys.stderr)
        return 1
    finally:
        if heap is not None:
            heap.restore()  # (run_app has done so already, unless it never ran)
