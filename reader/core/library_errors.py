"""The errors a library file can give, each one line that says what to do."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any


class LibraryError(Exception):
    """A problem with the library that a user can act on; ``str()`` is one line."""


class LibraryLocked(LibraryError):
    """Another process held the write lock for longer than we are willing to wait."""


class LibraryTooNew(LibraryError):
    """A library file was written by a newer reader. It is not damaged: upgrade."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"library file {path}: {reason}")


class LibraryCorrupt(LibraryError):
    """A library file does not parse. It is left exactly as it is."""

    def __init__(self, path: Path, reason: str, backup: Path | None) -> None:
        self.path = path
        self.reason = reason
        self.backup = backup
        hint = (
            f"; newest backup: {backup} (run 'reader doctor --restore')"
            if backup
            else "; no backup exists (run 'reader doctor' for how to start over)"
        )
        super().__init__(f"library file {path} is damaged: {reason}{hint}")


def permission_advice(path: Path, exc: OSError, doing: str) -> str:
    """One line for a file or directory reader may not read or write: what to do."""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot {doing} {path}: permission denied (it is not damaged; give yourself "
            f"access, e.g. chmod u+rw {path}, or use another --data-dir)"
        )
    if exc.errno == errno.EROFS:
        return f"cannot {doing} {path}: the file system is read-only (use another --data-dir)"
    return f"cannot {doing} {path}: {exc.strerror or exc}"


def write_problem(path: Path, exc: OSError) -> str:
    """One line for a library file that could not be written, saying what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write library file {path}: {exc.strerror or exc} (free some space and try again)"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        directory = path.parent
        if not os.access(directory, os.W_OK):
            return (
                f"cannot save changes: the library directory {directory} is read-only "
                f"(make it writable, e.g. chmod u+w {directory}, or use another --data-dir)"
            )
        return permission_advice(path, exc, "write library file")
    return f"cannot write library file {path}: {exc.strerror or exc}"


def check_record_format(doc: dict[str, Any], latest: int, record: str, to_do: str) -> None:
    """Refuse a record (a document of a library file) written by a newer reader: ``record``
    names it ("the note folder X"), ``to_do`` is what upgrading lets the user do."""
    version = doc.get("format", latest)
    if not isinstance(version, int) or version > latest:
        raise LibraryError(
            f"the library's record of {record} was written by a newer reader "
            f"(format {version}; this one reads up to {latest}); upgrade reader to {to_do}"
        )
