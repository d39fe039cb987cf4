"""Checking library files and restoring damaged ones from backups.

``reader doctor`` checks that every library file parses. For a damaged file it names the
newest good backup and says, as concretely as it can, what restoring that backup would
lose: the documents it can still read from the damaged file that differ from the backup
(a truncated or hand-broken file is usually readable up to the damage), and the changes
the undo history recorded after the backup was taken. ``--restore`` puts the backup in
place (the damaged file is copied aside first, never moved, so the library file exists at
every moment). With no backup it says how to start over by moving the file aside.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from .fs import atomic_write
from .history import Change
from .ids import is_valid_id
from .library import Library
from .locations import cache_dir
from .state_store import StateFile
from .storage import NEWER_FORMAT, UNREADABLE, check_json_file, load_json, stray_temp_files
from .text import one_line

#: The tables of each library file, and what a document id in each looks like.
_DIGEST_ID = re.compile(r"d[0-9a-f]{12}")
_MOMENT = re.compile(r"[0-9T:.+\-Z]{0,40}")
_TAG = re.compile(r"[^\x00-\x1f]{1,200}")
TABLES: dict[str, dict[str, re.Pattern[str] | None]] = {
    "catalog": {"digests": _DIGEST_ID, "papers": None},
    "commentary": {"digests": _DIGEST_ID},
    "state": {"papers": None, "read": _MOMENT, "tags": _TAG, "order": None},
    "notes": {"notes": None, "index": re.compile("noted")},
    "arxiv": {"papers": None},
    "history": {"changes": re.compile(r"\d{1,9}")},
    "exports": {"folders": re.compile(r"[^\x00]{1,4096}")},  # a note folder's resolved path
    "folders": {"folders": re.compile(r"[^\x00]{1,4096}")},  # a followed folder's resolved path
    "views": {"views": re.compile(r"[^\x00-\x1f]{1,80}")},  # a saved view's name
}
MAX_ITEMS = 12
_WHAT_A_NEW_FILE_HOLDS = {
    "catalog": "no digests: import them again",
    "commentary": "digests without their commentary: import them again",
    "state": "every paper unread and untagged",
    "notes": "no notes, but for those in notes-0.json ... notes-f.json (their marks come back as they are saved)",
    "arxiv": "no arXiv metadata: 'reader fetch' gets it again",
    "history": "no undo history",
    "exports": "no record of what 'export --split' wrote: it then leaves a note edited in a note folder as it is, and says so",
    "folders": "no followed folders: 'reader import DIR' follows a folder again (its digests are kept)",
    "views": "no saved views: save them again ('reader views add NAME QUERY')",
}


class FileReport(Struct, frozen=True):
    path: Path
    problem: str | None  # None: fine, or missing (a library starts with no files)
    exists: bool

    @property
    def condition(self) -> str:
        """``ok``, ``missing``, ``newer`` (written by a newer reader), ``unreadable`` (by
        permission, say: the file itself may be fine) or ``damaged``."""
        if not self.exists:
            return "missing"
        if not self.problem:
            return "ok"
        if self.problem.startswith(NEWER_FORMAT):
            return "newer"
        if self.problem.startswith(UNREADABLE):
            return "unreadable"
        return "damaged"

    @property
    def restorable(self) -> bool:
        """Damaged in a way a backup can repair (a file from a newer reader, or one we may
        not read, is not damaged: restoring would lose what it holds)."""
        return self.condition == "damaged"

    def describe(self) -> str:
        condition = self.condition
        if condition == "missing":
            return f"{self.path.name}: not created yet"
        if condition == "damaged":
            return f"{self.path.name}: DAMAGED: {self.problem}"
        if condition == "newer":
            return f"{self.path.name}: written by a newer reader: {(self.problem or '').removeprefix(NEWER_FORMAT).strip()}"
        if condition == "unreadable":
            return f"{self.path.name}: {self.problem}"
        return f"{self.path.name}: ok"


class RestoreOutcome(Struct, frozen=True):
    ok: bool
    lines: list[str] = field(default_factory=list)  # the first says what happened

    @property
    def message(self) -> str:
        return "\n".join(self.lines)


def check_library(library: Library) -> list[FileReport]:
    reports = []
    for path in library.paths():
        if not path.exists():
            reports.append(FileReport(path, None, False))
        else:
            reports.append(FileReport(path, check_json_file(path, path.stem), True))
    return reports


def newest_good_backup(library: Library, path: Path) -> Path | None:
    """The newest backup of ``path`` that reads, and is a backup of that file (its
    ``_meta`` kind is the file's: a copy of another library file is never restored)."""
    for backup in library.backups.list(path.name):
        if check_json_file(backup, path.stem) is None:
            return backup
    return None


def backup_time(backup: Path) -> dt.datetime:
    """When a backup was taken: the stamp in its name, else its modification time."""
    stamp = backup.name.split(".")[1] if backup.name.count(".") == 2 else ""
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").astimezone()
    except ValueError:
        return dt.datetime.fromtimestamp(backup.stat().st_mtime).astimezone()


def clean_temp_files(library: Library, cache: Path | None = None) -> list[Path]:
    """Remove temporary files left by interrupted writes (never read; always safe): in the
    library, and unfinished downloads and text in the cache (``cache``, else the cache dir)."""
    if cache is None:

        cache = cache_dir()
    found = stray_temp_files(library.data_dir, library.backups.directory, cache / "pdf", cache / "text")
    found += _old_partial_downloads(cache / "pdf")
    removed = []
    for path in found:
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _old_partial_downloads(directory: Path, older_than: float = 3600.0) -> list[Path]:
    """``.<id>.<random>.part`` files an older reader left when a download was killed (their
    names do not say whose they were: only those untouched for an hour)."""
    found = []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    now = time.time()
    for name in names:
        if name.startswith(".") and name.endswith(".part"):
            path = directory / name
            try:
                if now - path.stat().st_mtime > older_than:
                    found.append(path)
            except OSError:
                continue
    return found


def base_kind(name: str) -> str:
    """The kind of a library file by its name without ``.json`` (``notes-3``: ``notes``)."""
    return name.split("-")[0]


def start_over_advice(path: Path) -> str:
    aside = path.with_name(f"{path.name}.damaged")
    holds = _WHAT_A_NEW_FILE_HOLDS.get(path.stem, "it empty")
    if path.stem != base_kind(path.stem):
        holds = "no notes on the papers it keeps (a sixteenth of them)"
    return (
        f"to start over without it, move it aside: mv {shlex.quote(str(path))} "
        f"{shlex.quote(str(aside))} (reader then starts a new {path.name}: {holds}; "
        "the other library files are kept)"
    )


# --- what a restore loses ----------------------------------------------------------------------
_WS = re.compile(r"[ \t\r\n]*")


def _skip_ws(text: str, pos: int) -> int:
    """Where the whitespace from ``pos`` ends."""
    found = _WS.match(text, pos)
    return found.end() if found else pos
_RESYNC = re.compile(r',[ \t\r\n]*"((?:[^"\\]|\\.){1,200})"[ \t\r\n]*:[ \t\r\n]*\{')


def salvage(raw: bytes, kind: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The documents still readable in a damaged library file, table by table.

    Reads each table document by document; past a damaged stretch it picks up at the next
    document whose id looks right for the table. A truncated file gives every document
    before the cut. Never raises.
    """
    text = raw.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table, id_pattern in TABLES.get(base_kind(kind), {}).items():
        m = re.search(rf'(?<!\\)"{table}"[ \t\r\n]*:[ \t\r\n]*\{{', text)
        if m is None:
            continue

        def id_ok(key: object, pattern: re.Pattern[str] | None = id_pattern) -> bool:
            if not isinstance(key, str):
                return False
            return pattern.fullmatch(key) is not None if pattern else is_valid_id(key)

        found[table] = _table_documents(text, m.end(), decoder, id_ok)
    return found


def _table_documents(text: str, pos: int, decoder: json.JSONDecoder, id_ok: Callable[[str], bool]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    while pos < len(text):
        try:
            pos = _skip_ws(text, pos)
            if text.startswith("}", pos):
                return docs
            key, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if not text.startswith(":", pos):
                raise ValueError("no colon")
            pos = _skip_ws(text, pos + 1)
            doc, pos = decoder.raw_decode(text, pos)
            if isinstance(doc, dict) and id_ok(key):
                docs[key] = doc
            pos = _skip_ws(text, pos)
            if text.startswith(",", pos):
                pos += 1
                continue
            if text.startswith("}", pos):
                return docs
            raise ValueError("no comma")
        except (ValueError, RecursionError):
            resync = _RESYNC.search(text, pos)
            while resync is not None and not id_ok(_unescape(resync.group(1)) or ""):
                resync = _RESYNC.search(text, resync.end())
            if resync is None:
                return docs
            pos = resync.start() + 1
    return docs


def _unescape(key: str) -> str | None:
    try:
        return json.loads(f'"{key}"')
    except ValueError:
        return None


def _load(path: Path) -> dict[str, dict[str, Any]]:
    return load_json(path.read_bytes())


def _listed(items: list[str]) -> list[str]:
    shown = [f"    {one_line(item)[:160]}" for item in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        shown.append(f"    ... and {len(items) - MAX_ITEMS} more")
    return shown


def _state_words(doc: dict[str, Any]) -> str:
    words = ["read" if doc.get("read") else "unread"]
    found = doc.get("tags")
    tags: list[Any] = found if isinstance(found, list) else []
    words += [f"#{tag}" for tag in tags if isinstance(tag, str)]
    return " ".join(words)


def _differences(kind: str, damaged: dict[str, dict[str, dict[str, Any]]], backup: dict[str, dict[str, Any]]) -> list[str]:
    """What the damaged file holds that the backup does not, in words."""
    def changed(table: str) -> dict[str, dict[str, Any]]:
        old = backup.get(table, {})
        return {key: doc for key, doc in damaged.get(table, {}).items() if old.get(key) != doc}

    kind = base_kind(kind)
    if kind == "state":

        before = StateFile(backup).states()
        after = StateFile(damaged).states()  # (either format)
        return [f"{key}: {_state_words(state.to_doc())}" for key, state in after.items() if before.get(key) != state]
    if kind == "notes":
        old_notes = backup.get("notes", {})
        items = []
        for key, doc in changed("notes").items():
            what = "changed" if key in old_notes else "added"
            when = f" {doc['updated']}" if doc.get("updated") else ""
            items.append(f"note on {key} ({what}{when}, {len(str(doc.get('text', '')))} characters)")
        return items
    if kind == "catalog":
        items = []
        for doc in changed("digests").values():
            name = Path(str(doc.get("source") or "?")).name
            date = doc.get("date") or "undated"
            items.append(f"digest {name} ({date}, imported {doc.get('imported_at', '?')}): import it again")
        new_papers = [key for key in changed("papers") if key not in backup.get("papers", {})]
        if new_papers:
            items.append(f"{len(new_papers)} papers added: {', '.join(new_papers[:5])}{' ...' if len(new_papers) > 5 else ''}")
        return items
    if kind == "commentary":
        texts = changed("digests")
        return [f"the commentary of {len(texts)} digests (import those digests again)"] if texts else []
    if kind == "arxiv":
        fetched = list(changed("papers"))
        return [f"arXiv metadata of {len(fetched)} papers ('reader fetch' gets it again)"] if fetched else []
    if kind == "history":
        steps = changed("changes")
        return [f"{len(steps)} undo steps: " + "; ".join(str(doc.get("label", "")) for doc in steps.values())] if steps else []
    return []


def _history_after(library: Library, kind: str, since: dt.datetime) -> list[str]:
    """Changes to ``kind`` the undo history recorded at or after ``since``."""
    kind = base_kind(kind)
    if kind not in ("state", "notes"):
        return []
    path = library.data_dir / "history.json"
    if not path.exists() or check_json_file(path) is not None:
        return []
    floor = since.replace(microsecond=0)
    items = []
    changes = _load(path).get("changes", {})
    for key in sorted(changes, key=lambda k: int(k) if k.isdigit() else 0):
        doc = changes[key]
        if not isinstance(doc, dict):
            continue
        try:
            at = dt.datetime.fromisoformat(str(doc.get("at")))
        except ValueError:
            continue
        if at.tzinfo is None:
            at = at.astimezone()
        if at >= floor and kind in Change.from_doc(0, doc).files:
            items.append(f"{doc.get('label', '?')} (at {at.strftime('%Y-%m-%d %H:%M:%S')})")
    return items


def what_restore_loses(library: Library, path: Path, backup: Path) -> list[str]:
    """Lines saying what replacing ``path`` by ``backup`` loses, as concretely as possible."""
    when = backup_time(backup)
    stamp = when.strftime("%Y-%m-%d %H:%M")
    lines = [f"  this loses every change made to {path.name} after {stamp}, the time of the backup"]
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    differences = _differences(path.stem, salvage(raw, path.stem), _load(backup))
    if differences:
        lines.append("  read from the damaged file, these differ from the backup and are lost:")
        lines += _listed(differences)
    history = _history_after(library, path.stem, when)
    if history:
        lines.append(f"  the undo history records these changes since {stamp}, which are lost:")
        lines += _listed(history)
    if not differences and not history:
        lines.append("  (the damaged file cannot be read to say which changes those are)")
    return lines


def restore_file(library: Library, report: FileReport) -> RestoreOutcome:
    """Put the newest good backup in place of a damaged file; the damaged one is kept aside.

    Says what the restore loses. Never leaves the library file missing: the damaged file
    is copied aside, and the backup is copied to a temporary file that is fsynced and
    renamed over it.
    """
    path = report.path
    if not report.restorable:
        return RestoreOutcome(False, [f"{path.name}: not restored: {report.problem}"])
    backup = newest_good_backup(library, path)
    if backup is None:
        return RestoreOutcome(
            False,
            [
                (
                    f"{path.name}: no good backup to restore from (backups are kept in "
                    f"{library.backups.directory}); the damaged file is left as it is"
                ),
                f"  {start_over_advice(path)}",
            ],
        )
    losses = what_restore_loses(library, path, backup)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        with library.lock:
            atomic_write(aside, path.read_bytes())
            atomic_write(path, backup.read_bytes())
    except OSError as exc:
        return RestoreOutcome(False, [f"{path.name}: cannot restore: {exc.strerror or exc}"])
    taken = backup_time(backup).strftime("%Y-%m-%d %H:%M")
    return RestoreOutcome(
        True,
        [
            (
                f"{path.name}: restored from the backup of {taken} ({backup.name}); changes made "
                f"to it after that are lost. The damaged file is kept as {aside.name}"
            ),
            *losses[1:],
        ],
    )

