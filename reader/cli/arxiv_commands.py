"""The arXiv commands: fetch (metadata and PDFs) and text."""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..core.ids import is_valid_id
from ..core.locations import cache_dir
from ..core.text import one_line
from .common import canonical_ids, keep_glance, known_ids, load_snapshot, open_library
from .errors import CliError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def _advance(bar: Progress, task: TaskID, done: int, total: int | None) -> None:
    bar.update(task, completed=done, total=total)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fetch", help="fetch arXiv metadata (or PDFs with --pdf); with no ids, every paper lacking it")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--pdf", action="store_true", help="download PDFs into the cache dir instead")
    p.set_defaults(handler=cmd_fetch)

    p = sub.add_parser("text", help="print a paper's text, extracted from its downloaded PDF")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_text)


def _bar(label: str):
    """A rich progress bar on stderr (only on a terminal), as a context manager."""
    from rich.console import Console  # (lazy: ~18 ms, not loaded by reader mark)
    from rich.progress import (  # (lazy: ~184 ms, not loaded by reader mark)
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeRemainingColumn()]
    if label == "download":
        columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn()]
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


def cmd_fetch(args: argparse.Namespace) -> int:
    library = open_library(args)
    ids = known_ids(library, args.ids) if args.ids else None
    if args.pdf:
        snapshot = load_snapshot(library)
        return _fetch_pdfs(snapshot, ids if ids is not None else list(snapshot.papers))
    from ..core.sync import fetch_metadata, ids_to_fetch  # (lazy: ~12 ms, not loaded by reader mark)

    wanted = ids_to_fetch(library, ids)
    if not wanted:
        print("every paper already has its arXiv metadata")
        return 0
    with _bar("metadata") as bar:
        task = bar.add_task("arXiv metadata", total=len(wanted))
        summary = fetch_metadata(library, wanted, progress=lambda done, total: bar.update(task, completed=done, total=total))
    keep_glance(library)
    print(summary.describe(), file=sys.stderr if summary.unreachable and not summary.ok else sys.stdout)
    for arxiv_id, reason in summary.errors.items():
        if not summary.unreachable or reason != summary.unreachable:
            print(f"{arxiv_id}: error: {reason}", file=sys.stderr)
    return 1 if summary.errors else 0


def _fetch_pdfs(snapshot, ids: list[str]) -> int:
    from ..core.pdf import DownloadError, download_pdf, pdf_path  # (lazy: ~97 ms, not loaded by reader mark)

    cache = cache_dir()
    failed = 0
    for bad in (i for i in ids if not is_valid_id(i)):
        failed += 1
        print(f"{bad!r}: error: not a valid arXiv id; skipped", file=sys.stderr)
    todo = [i for i in ids if is_valid_id(i) and not pdf_path(cache, i).exists()]
    if not todo:
        if not failed:
            print("every PDF is already downloaded")
        return 1 if failed else 0
    with _terminate_as_interrupt(), _bar("download") as bar:
        for arxiv_id in todo:
            task = bar.add_task(arxiv_id, total=None)
            try:
                path = download_pdf(arxiv_id, cache, progress=functools.partial(_advance, bar, task))
            except DownloadError as exc:
                failed += 1
                _line(bar, f"{arxiv_id}: error: {exc.reason}", error=True)
            except Exception as exc:
                failed += 1
                _line(bar, f"{arxiv_id}: error: {type(exc).__name__}: {exc}", error=True)
            else:
                _line(bar, f"{arxiv_id}: downloaded to {path}")
            bar.remove_task(task)
    return 1 if failed else 0


def _line(bar, text: str, *, error: bool = False) -> None:
    """One line above the progress bars (never wrapped: scripts read it), on stderr for an error."""

    text = one_line(text)
    if bar.console.is_terminal:
        bar.console.print(text, style="red" if error else None, highlight=False, markup=False, soft_wrap=True)
    else:
        print(text, file=sys.stderr if error else sys.stdout, flush=True)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``) stops a download the way Ctrl-C does: its temporary file is
    removed on the way out. (SIGKILL cannot be caught: ``reader doctor`` removes what it leaves.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_text(args: argparse.Namespace) -> int:
    from ..core.pdf import cached_text, extract_text, pdf_path  # (lazy: ~97 ms, not loaded by reader mark)

    (arxiv_id,) = canonical_ids([args.id])
    cache = cache_dir()
    text = cached_text(arxiv_id, cache)
    if text is None:
        if not pdf_path(cache, arxiv_id).exists():
            raise CliError(f"no PDF of {arxiv_id} yet: run 'reader fetch --pdf {arxiv_id}'")
        text = extract_text(arxiv_id, cache)
    if text.error:
        raise CliError(f"{arxiv_id}: {text.error}")
    for _number, reason in text.skipped:
        print(f"reader: warning: {reason}", file=sys.stderr)
    sys.stdout.write(text.text.rstrip("\n") + "\n")
    return 0
