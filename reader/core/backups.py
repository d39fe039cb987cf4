"""Rotating backups of the library's files, in ``<data dir>/backups``."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from .fs import atomic_write

BACKUP_KEEP = 5
BACKUP_INTERVAL_S = 3600.0


class Backups:
    """Rotating copies of library files in ``<data dir>/backups``."""

    def __init__(
        self, directory: Path, keep: int = BACKUP_KEEP, interval: float = BACKUP_INTERVAL_S
    ) -> None:
        self.directory = directory
        self.keep = keep
        self.interval = interval
        self._last: dict[str, float] = {}

    def list(self, name: str) -> list[Path]:
        """Backups of the file called ``name``, newest first."""
        stem = Path(name).stem
        if not self.directory.is_dir():
            return []
        found = sorted(self.directory.glob(f"{stem}.*.json"), reverse=True)
        return [path for path in found if path.name.count(".") == 2]

    def newest(self, name: str) -> Path | None:
        backups = self.list(name)
        return backups[0] if backups else None

    def maybe_backup(self, path: Path) -> None:
        """Copy ``path`` (known good: it was just parsed) if its last backup is old."""
        now = time.time()
        last = self._last.get(path.name)
        if last is None:
            newest = self.newest(path.name)
            last = newest.stat().st_mtime if newest else 0.0
        if now - last < self.interval or not path.exists():
            self._last[path.name] = last
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = self.directory / f"{path.stem}.{stamp}.json"
        atomic_write(target, path.read_bytes())
        self._last[path.name] = now
        for old in self.list(path.name)[self.keep :]:
            old.unlink(missing_ok=True)


