"""The library commands: parse, import, list, show, mark, tag, note, export, doctor."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.fs import atomic_write
from ..core.library import ALL_FILES, normalize_tag
from ..core.locations import cache_dir
from ..core.text import printable
from .common import canonical_ids, glance_after_check, keep_glance, known_ids, load_snapshot, open_library
from .errors import CliError
from .export_commands import add_export_arguments, export_special
from .output import paper_json, paper_line, print_show
from .query_args import add_query_argument
from .query_args import selected_ids as select


def register(sub: argparse._SubParsersAction) -> None:
    """Add every command to the top-level parser."""
    p = sub.add_parser("parse", help="parse a digest file without storing it")
    p.add_argument("file", type=Path)
    p.add_argument("--date", type=_date, help="the digest's date, YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print the parse as JSON")
    p.set_defaults(handler=cmd_parse)

    p = sub.add_parser("import", help="import digest files or folders into the library; a folder is followed ('reader update')")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--date", type=_date, help="the digests' date, YYYY-MM-DD")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", help="list papers with their state; QUERY selects them")

    add_query_argument(p, required=False)
    _add_selection(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show everything known about one paper")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("mark", help="mark papers read or unread")
    p.add_argument("ids", nargs="+", metavar="ID")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--read", dest="read", action="store_true")
    group.add_argument("--unread", dest="read", action="store_false")
    p.set_defaults(handler=cmd_mark)

    p = sub.add_parser(
        "tag",
        help="add (+TAG) and remove (-TAG) tags",
        usage="reader tag ID... +TAG... -TAG...",
    )
    p.add_argument("items", nargs=argparse.REMAINDER, metavar="ID|+TAG|-TAG")
    p.set_defaults(handler=cmd_tag)

    p = sub.add_parser("note", help="set, append to, or edit ($EDITOR) the note on a paper")
    p.add_argument("id", metavar="ID")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="TEXT", help="replace the note")
    group.add_argument("--append", metavar="TEXT", help="add a paragraph to the note")
    p.set_defaults(handler=cmd_note)

    p = sub.add_parser("export", help="export papers and notes as markdown (--split: a file per paper; --bibtex)")
    _add_selection(p)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE, not stdout")

    add_export_arguments(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("doctor", help="check the library files; --restore repairs from backups")
    p.add_argument("--restore", action="store_true", help="restore damaged files from the newest good backup")
    p.set_defaults(handler=cmd_doctor)


# --- helpers -------------------------------------------------------------
def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _week(text: str) -> str:
    try:
        dt.date.fromisocalendar(int(text[:4]), int(text.split("W", 1)[1]), 1)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"not an ISO week (like 2020-W28): {text!r}") from None
    year, week = text.split("-W")
    return f"{int(year):04d}-W{int(week):02d}"


def _add_selection(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--digest", metavar="DIGEST", help="papers of the digest(s) of that date (YYYY-MM-DD), name or id")
    where.add_argument("--week", type=_week, metavar="WEEK", help="papers of digests in that ISO week, e.g. 2020-W28")
    p.add_argument("--tag", metavar="TAG", help="papers with this tag")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True, help="read papers only")
    read.add_argument("--unread", dest="read", action="store_const", const=False, help="unread papers only")
    p.add_argument("--mismatched", action="store_true", help="papers whose digest title differs from arXiv's")
    p.add_argument("--mentioned", action="store_true", help="papers a commentary mentions that no digest lists")
    p.add_argument("--cites", metavar="ID", help="papers whose downloaded text cites ID")
    p.add_argument("--cited-by", metavar="ID", help="papers the downloaded text of ID cites")


def selected_ids(snapshot, args: argparse.Namespace) -> list[str]:
    """The papers the QUERY and selection flags name (reader/cli/query_args.py)."""

    return select(snapshot, args)


# --- commands ------------------------------------------------------------
def cmd_parse(args: argparse.Namespace) -> int:
    from ..core.digest import parse_text, read_digest_file  # (lazy: ~100 ms, not loaded by reader mark)
    from ..core.importer import shown, warning_line  # (lazy: ~54 ms, not loaded by reader mark)

    text, read_warnings = read_digest_file(args.file)
    parsed = parse_text(text, source=str(args.file), date=args.date)
    parsed.warnings[:0] = read_warnings
    if args.json:
        json.dump(parsed.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    when = parsed.date.isoformat() if parsed.date else "no date"
    print(f"{shown(args.file)}: {when}, {shown(parsed.title or 'no title')}, {len(parsed.entries)} entries")
    for section in parsed.sections:  # a file of several digests
        day = section.date.isoformat() if section.date else "no date"
        print(f"  digest {shown(section.name or '')!r} ({day}): {len(section.entries)} entries")
    for entry in parsed.entries:
        authors = shown(", ".join(entry.authors))
        print(f"  {entry.arxiv_id}  {shown(entry.title or '(no title)')}" + (f"  ({authors})" if authors else ""))
        if entry.references:
            print(f"      references: {' '.join(entry.references)}")
    for warning in parsed.warnings:
        print(warning_line(args.file, warning), file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..core.followed_folders import import_folder_paths  # (lazy: not loaded by reader mark)
    from ..core.importer import expand_paths, shown  # (lazy: not loaded by reader mark)

    library = open_library(args)
    # One line per file, and its warnings, all on stdout in order: the command's result.
    for path in args.paths:
        if not path.exists():
            print(f"{shown(path)}: error: no such file or directory")
    paths = [path for path in args.paths if path.exists()]
    failed = len(paths) != len(args.paths)
    total = sum(1 for _ in expand_paths(paths))
    for path in paths:
        if path.is_dir() and next(expand_paths([path]), None) is None:
            print(f"{shown(path)}: error: no .md, .txt or .markdown files in this folder")
            failed = True
    with _progress(total, "importing") as advance:
        outcomes = import_folder_paths(library, paths, date=args.date, progress=lambda i, n, p: advance())
    for outcome in outcomes:
        print(outcome.summary())
        for line in outcome.warning_lines():
            print(line)
        failed |= outcome.error is not None
    keep_glance(library)  # (made when missing, written again when the import changed the catalogue)
    return 1 if failed else 0


class _progress:
    """A rich progress bar on stderr for long runs on a terminal; silent otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.bar: Any = None  # a rich Progress, imported only when shown

    def __enter__(self) -> Callable[[], None]:
        if self.total >= 20 and sys.stderr.isatty():
            from rich.console import Console  # (lazy: ~18 ms, not loaded by reader mark)
            from rich.progress import Progress  # (lazy: ~184 ms, not loaded by reader mark)

            bar = self.bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task(self.label, total=self.total)
            return lambda: bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def cmd_list(args: argparse.Namespace) -> int:
    snapshot = load_snapshot(open_library(args))
    ids = selected_ids(snapshot, args)
    if args.json:
        json.dump([paper_json(snapshot, i) for i in ids], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not ids:
        print("no papers match" if snapshot.papers else "the library is empty: try 'reader import FILE'", file=sys.stderr)
    for arxiv_id in ids:
        print(paper_line(snapshot, arxiv_id))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    snapshot = load_snapshot(open_library(args))
    (arxiv_id,) = canonical_ids([args.id])
    if arxiv_id not in snapshot.papers:
        raise CliError(f"not in the library: {arxiv_id}")
    from ..core.citations import cites_index  # (lazy: ~31 ms, not loaded by reader mark)

    citations = cites_index(snapshot, cache_dir())
    if args.json:
        json.dump(paper_json(snapshot, arxiv_id, full=True, citations=citations), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_show(snapshot, arxiv_id, citations)
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    library = open_library(args)
    ids = known_ids(library, args.ids)
    changed = library.set_read(ids, args.read)
    glance_after_check(library)
    state = "read" if args.read else "unread"
    already = f" ({len(ids) - len(changed)} already {state})" if len(changed) < len(ids) else ""
    print(f"marked {len(changed)} paper{'s' * (len(changed) != 1)} {state}{already}")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    raw_ids, add, remove = [], [], []
    for item in args.items:
        if item.startswith("+"):
            add.append(item[1:])
        elif item.startswith("-") and not item.startswith("--"):
            remove.append(item[1:])
        else:
            raw_ids.append(item)
    if not raw_ids or not (add or remove):
        raise CliError("usage: reader tag ID... +TAG... -TAG...")
    try:
        add = [normalize_tag(tag) for tag in add]
        remove = [normalize_tag(tag) for tag in remove]
    except ValueError as exc:
        raise CliError(str(exc)) from None
    library = open_library(args)
    ids = known_ids(library, raw_ids)
    changed = library.change_tags(ids, add, remove)
    glance_after_check(library)
    parts = " ".join([f"+{t}" for t in add] + [f"-{t}" for t in remove])
    print(f"tagged {len(changed)} of {len(ids)} paper{'s' * (len(ids) != 1)}: {parts}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    """Each way of changing a note is an operation on the note as it is on disk when it
    is written: --set replaces it, --append adds to it, and an edit in $EDITOR is merged
    with whatever changed while the editor was open."""
    library = open_library(args)
    (arxiv_id,) = known_ids(library, [args.id])
    if args.set is not None:
        new = _text_arg(args.set)
        changed = library.set_note(arxiv_id, new)
        glance_after_check(library)
        print(f"note on {arxiv_id} {'saved' if changed else 'unchanged'}" + (f" ({len(new)} characters)" if changed else ""))
        return 0
    if args.append is not None:
        saved = library.append_note(arxiv_id, _text_arg(args.append))
    else:
        old = library.note(arxiv_id)
        saved = library.edit_note(arxiv_id, old, _edit_in_editor(old, arxiv_id))
    glance_after_check(library)
    if not saved.changed:
        print(f"note on {arxiv_id} unchanged")
        return 0
    merged = ""
    if saved.conflicts:
        merged = (
            f"; merged with changes made meanwhile: {saved.conflicts} place(s) changed on both "
            f"sides keep both versions between '<<<<<<<' and '>>>>>>>' lines (reader note {arxiv_id} to tidy)"
        )
    elif saved.merged:
        merged = "; merged with changes made while the editor was open"
    print(f"note on {arxiv_id} saved ({len(saved.text)} characters){merged}")
    return 0


def _edit_in_editor(text: str, arxiv_id: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"note-{arxiv_id.replace('/', '_')}.md"
        path.write_text(text, encoding="utf-8")
        try:
            status = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise CliError(f"cannot run editor {editor!r}: {exc.strerror}; use --set or --append") from None
        if status != 0:
            raise CliError(f"editor {editor!r} exited with {status}; note unchanged")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CliError("the edited note is not UTF-8 text; note unchanged") from None


def _text_arg(text: str) -> str:
    """Text typed on the command line; bytes that are not UTF-8 (which Python keeps as lone
    surrogates) become U+FFFD instead of failing the write."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def cmd_export(args: argparse.Namespace) -> int:
    from ..core.export import export_markdown  # (lazy: not loaded by reader mark)

    snapshot = load_snapshot(open_library(args))
    ids = selected_ids(snapshot, args)

    special = export_special(args, snapshot, ids)
    if special is not None:
        return special
    text = export_markdown(snapshot, ids)
    if not text.strip():
        print("nothing to export: no papers match", file=sys.stderr)
        return 0
    if args.output is None:
        if sys.stdout.isatty():  # a terminal must never receive escape sequences from notes

            text = printable(text)
        sys.stdout.write(text)
        return 0

    try:
        atomic_write(args.output, text.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"exported {len(ids)} paper{'s' * (len(ids) != 1)} to {args.output}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..core import doctor  # (lazy: ~18 ms, not loaded by reader mark)

    library = open_library(args)
    reports = doctor.check_library(library)
    for report in reports:
        print(report.describe())
    _print_backups(library)
    removed = doctor.clean_temp_files(library)
    if removed:
        print(f"removed {len(removed)} temporary file{'s' * (len(removed) != 1)} left by interrupted writes")
    damaged = [report for report in reports if report.problem]
    if not damaged:
        print(f"library at {library.data_dir} is healthy")
        return 0
    if not args.restore:
        restorable = False
        for report in damaged:
            name = report.path.name
            backup = doctor.newest_good_backup(library, report.path) if report.restorable else None
            if report.condition == "newer":
                print(f"{name}: upgrade reader to read it (restoring a backup would lose what the newer reader wrote)")
            elif report.condition == "unreadable":
                print(f"{name}: fix its permissions (restoring a backup would lose what it holds)")
            elif backup is None:
                print(f"{name}: no good backup exists")
                print(f"  {doctor.start_over_advice(report.path)}")
            else:
                restorable = True
                taken = doctor.backup_time(backup).strftime("%Y-%m-%d %H:%M")
                print(f"{name}: 'reader doctor --restore' would put back the backup of {taken} ({backup})")
                for line in doctor.what_restore_loses(library, report.path, backup):
                    print(line)
        if restorable:
            print("run 'reader doctor --restore' to restore damaged files from their newest good backup", file=sys.stderr)
        return 1
    failed = []
    for report in damaged:
        outcome = doctor.restore_file(library, report)
        print(outcome.message)
        if not outcome.ok:
            failed.append(report.path.name)
    if failed:
        raise CliError(f"not restored: {', '.join(failed)} (see above)")
    if any(report.path.stem in ("catalog", "arxiv") for report in damaged):
        keep_glance(library)  # (made from the restored files: the app's next start is fast)
    return 0


def _print_backups(library) -> None:
    from ..core.doctor import backup_time  # (lazy: ~5 ms, not loaded by reader mark)

    backups = [path for name in ALL_FILES for path in library.backups.list(f"{name}.json")]
    if not backups:
        print(f"backups: none yet (they are kept in {library.backups.directory})")
        return
    newest = max(backup_time(path) for path in backups)
    print(f"backups: {len(backups)} in {library.backups.directory}, newest from {newest.strftime('%Y-%m-%d %H:%M')}")
