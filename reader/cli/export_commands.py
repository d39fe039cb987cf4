"""``reader export --split DIR`` / ``--bibtex``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import CliError

SPLIT_HELP = (
    "write one markdown file per paper into DIR ('<id> <title>.md', with YAML front matter). "
    "Re-exporting rewrites only the front matter (reader's keys; keys you add are kept) and the "
    "part between the 'reader:begin generated' and 'reader:end generated' markers; text you write "
    "below the end marker is never changed. If you edited inside the generated part or removed a "
    "marker, the file is left untouched and the new export is written beside it as "
    "'<name>.reader-new.md' (exit code 1). A paper whose title changed has its file renamed."
)
BIBTEX_HELP = (
    "write BibTeX (@misc with eprint/archivePrefix/primaryClass) instead of markdown. Keys look "
    "like 'vahdat2020nvae-2007.03898': the arXiv id makes them unique, so a paper's key never "
    "depends on which other papers are in the library or the export"
)


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    """The ``--split`` and ``--bibtex`` flags of ``reader export``."""
    how = p.add_mutually_exclusive_group()
    how.add_argument("--split", type=Path, metavar="DIR", help=SPLIT_HELP)
    how.add_argument("--bibtex", action="store_true", help=BIBTEX_HELP)


def export_special(args: argparse.Namespace, snapshot, ids: list[str]) -> int | None:
    """Run ``export --split`` or ``export --bibtex``; None when neither was asked for."""
    split = getattr(args, "split", None)
    if split is None and not getattr(args, "bibtex", False):
        return None
    if not ids:
        print("nothing to export: no papers match", file=sys.stderr)
        return 0
    if split is not None:
        if getattr(args, "output", None) is not None:
            raise CliError("--split writes into its DIR; it takes no -o/--output")
        return _split(snapshot, ids, split)
    return _bibtex(snapshot, ids, getattr(args, "output", None))


def _split(snapshot, ids: list[str], directory: Path) -> int:
    from ..core.split_export import export_split

    directory = directory.expanduser()
    if directory.exists() and not directory.is_dir():
        raise CliError(f"{directory} is not a directory")
    try:
        result = export_split(snapshot, ids, directory)
    except OSError as exc:
        raise CliError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    for warning in result.warnings:
        print(f"reader: warning: {warning}", file=sys.stderr)
    for arxiv_id, message in result.errors:
        print(f"reader: error: {arxiv_id}: {message}", file=sys.stderr)
    for old, new in result.renamed:
        print(f"renamed {old.name} -> {new.name}")
    print(result.summary())
    return 1 if (result.conflicts or result.errors) else 0


def _bibtex(snapshot, ids: list[str], output: Path | None) -> int:
    from ..core.bibtex import export_bibtex

    text = export_bibtex(snapshot, ids)
    if output is None:
        sys.stdout.write(text)
        return 0
    from ..core.fs import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    print(f"exported {len(ids)} paper{'s' * (len(ids) != 1)} to {output} as BibTeX")
    return 0
