"""``python -m reader.tui [DATA_DIR] [--demo]``: run the app on a library folder."""

from __future__ import annotations

import sys
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import data_dir

from . import run_app


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    demo = "--demo" in args
    args = [a for a in args if a != "--demo"]

    folder = Path(args[0]).expanduser() if args else data_dir()

    error = run_app(Library(folder), demo=demo)
    if error:
        print(f"reader: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
