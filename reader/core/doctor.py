"""Checking library files and restoring damaged ones from backups."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .library import Library
from .storage import check_json_file, fsync_dir


@dataclass(frozen=True, slots=True)
class FileReport:
    path: Path
    problem: str | None  # None: fine, or missing (a library starts with no files)
    exists: bool

    def describe(self) -> str:
        if not self.exists:
            return f"{self.path.name}: not created yet"
        if self.problem:
            return f"{self.path.name}: DAMAGED: {self.problem}"
        return f"{self.path.name}: ok"


def check_library(library: Library) -> list[FileReport]:
    reports = []
    for path in library.paths():
        if not path.exists():
            reports.append(FileReport(path, None, False))
        else:
            reports.append(FileReport(path, check_json_file(path), True))
    return reports


def newest_good_backup(library: Library, path: Path) -> Path | None:
    for backup in library.backups.list(path.name):
        if check_json_file(backup) is None:
            return backup
    return None


def restore_file(library: Library, report: FileReport) -> tuple[str, bool]:
    """Put the newest good backup in place of a damaged file; the damaged one is kept aside.

    Returns a message saying what the restore loses, and whether it worked.
    """
    path = report.path
    backup = newest_good_backup(library, path)
    if backup is None:
        return f"{path.name}: no good backup to restore from; the damaged file is left as it is", False
    with library.lock:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        os.replace(path, aside)
        tmp = path.with_name(f".{path.name}.restore.tmp")
        shutil.copyfile(backup, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    taken = dt.datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return (
        f"{path.name}: restored from the backup of {taken}; changes made to it after "
        f"that are lost. The damaged file is kept as {aside.name}",
        True,
    )
