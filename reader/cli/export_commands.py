"""``reader export --split DIR`` / ``--bibtex`` / ``--csl-json`` / ``--ris``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.fs import atomic_write
from ..core.text import one_line, printable
from .common import open_library
from .errors import CliError
from .query_args import add_query_argument

if TYPE_CHECKING:
    from ..core.snapshot import Snapshot

SPLIT_HELP = (
    "write one markdown file per paper into DIR ('<id> <title>.md', with YAML front matter), "
    "for a note folder (Obsidian, Logseq). It works both ways: a note edited under '## My note' "
    "and tags added or removed in the front matter's 'tags:' list go back into the library first "
    "(a note also changed in the library since the last export is merged; where both changed the "
    "same words both versions are kept between '<<<<<<<' and '>>>>>>>' lines, exit code 1). Then "
    "it rewrites only the front matter (reader's keys; keys you add are kept) and the part between "
    "the 'reader:begin generated' and 'reader:end generated' markers; text you write below the end "
    "marker is never changed. If you edited inside the generated part above the note, removed a "
    "marker or broke the front matter, the file is left untouched and the new export is written "
    "beside it as '<name>.reader-new.md' (exit code 1). A file you renamed keeps its name; a file "
    "under reader's name follows the paper's title; a deleted file is written again."
)
BIBTEX_HELP = (
    "write BibTeX (@misc with eprint/archivePrefix/primaryClass) instead of markdown. Keys look "
    "like 'vahdat2020nvae-2007.03898': the arXiv id makes them unique, so a paper's key never "
    "depends on which other papers are in the library or the export"
)
CSL_HELP = (
    "write CSL-JSON (a list of items of type 'article', with the note in 'note' and the tags in "
    "'keyword'): Zotero imports it (the note goes to the item's Extra field), as do pandoc and "
    "most reference managers"
)
RIS_HELP = (
    "write RIS (TY UNPB, with the note as an N1 note and the tags as KW): Zotero imports each "
    "paper with its note as a child note, as do EndNote and Mendeley"
)


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    """The QUERY and the ``--split``, ``--bibtex``, ``--csl-json`` and ``--ris`` flags of ``reader export``."""

    add_query_argument(p, required=False)
    how = p.add_mutually_exclusive_group()
    how.add_argument("--split", type=Path, metavar="DIR", help=SPLIT_HELP)
    how.add_argument("--bibtex", action="store_true", help=BIBTEX_HELP)
    how.add_argument("--csl-json", action="store_true", help=CSL_HELP)
    how.add_argument("--ris", action="store_true", help=RIS_HELP)


#: The formats written to stdout or -o FILE: flag -> (name, writer module, function).
_FORMATS = {
    "bibtex": ("BibTeX", "bibtex", "export_bibtex"),
    "csl_json": ("CSL-JSON", "reference_export", "export_csl_json"),
    "ris": ("RIS", "reference_export", "export_ris"),
}


def export_special(args: argparse.Namespace, snapshot: Snapshot, ids: list[str]) -> int | None:
    """Run ``export --split``, ``--bibtex``, ``--csl-json`` or ``--ris``; None when none was asked for."""
    split = getattr(args, "split", None)
    fmt = next((flag for flag in _FORMATS if getattr(args, flag, False)), None)
    if split is None and fmt is None:
        return None
    if not ids:
        print("nothing to export: no papers match", file=sys.stderr)
        return 0
    if split is not None:
        if getattr(args, "output", None) is not None:
            raise CliError("--split writes into its DIR; it takes no -o/--output")
        return _split(args, snapshot, ids, split)
    assert fmt is not None
    return _write_format(fmt, snapshot, ids, getattr(args, "output", None))


def _split(args: argparse.Namespace, snapshot: Snapshot, ids: list[str], directory: Path) -> int:
    from ..core.split_export import export_split  # (lazy: ~98 ms, not loaded by reader mark)

    directory = directory.expanduser()
    if directory.exists() and not directory.is_dir():
        raise CliError(f"{directory} is not a directory")
    try:
        result = export_split(snapshot, ids, directory, open_library(args))
    except OSError as exc:
        raise CliError(f"cannot write to {directory}: {exc.strerror or exc}") from None

    # File names are the user's: no escape sequence of one reaches the terminal.
    for warning in result.warnings:
        print(f"reader: warning: {one_line(warning)}", file=sys.stderr)
    for arxiv_id, message in result.errors:
        print(f"reader: error: {arxiv_id}: {one_line(message)}", file=sys.stderr)
    for path, taken in result.taken:
        print(one_line(f"took back from {path.name}: {', '.join(taken.changes)}"))
    for old, new in result.renamed:
        print(one_line(f"renamed {old.name} -> {new.name}"))
    print(one_line(result.summary()))
    return 1 if (result.conflicts or result.errors or result.note_conflicts) else 0


def _write_format(fmt: str, snapshot: Snapshot, ids: list[str], output: Path | None) -> int:
    name, module, function = _FORMATS[fmt]
    writer = getattr(importlib.import_module(f"..core.{module}", __package__), function)
    text = writer(snapshot, ids)
    if output is None:
        if sys.stdout.isatty():  # a terminal must never receive escape sequences from notes

            text = printable(text)
        sys.stdout.write(text)
        return 0

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    print(f"exported {len(ids)} paper{'s' * (len(ids) != 1)} to {output} as {name}")
    return 0
