"""Writing files so that a crash leaves the old content or the new, never a mix.

This is the one place reader writes a file by replacing it: library files, backups, the
glance, restores, exported notes, downloaded PDFs and extracted text all come here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

#: Temporary files end in ``.<pid>.<thread>.tmp`` so that ``doctor`` can tell which belong
#: to a process that is gone (see ``storage.stray_temp_files``).
TEMP_SUFFIX = ".tmp"


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def real_target(path: Path) -> Path:
    """Where a write to ``path`` must go: through symlinks, so that replacing a symlinked
    file replaces the file it points to and the link stays a link."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def temp_path(path: Path, tag: str = "") -> Path:
    """A temporary name beside ``path``: hidden, and naming this process and thread."""
    middle = f".{tag}" if tag else ""
    return path.with_name(f".{path.name}{middle}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")


def atomic_write(
    path: Path,
    data: bytes | str | Iterable[bytes],
    *,
    durable: bool = True,
    mode: int | None = None,
) -> os.stat_result:
    """Replace ``path`` with ``data`` (bytes, text written as UTF-8, or chunks of bytes).

    The data goes to a temporary file in the same directory, which is renamed over
    ``path``; with ``durable`` the file is fsynced first and the directory after, so the
    change survives a power cut too. A symlink is written through. If writing fails,
    or the chunks raise, the temporary file is removed and ``path`` is untouched.
    Returns the new file's ``stat``.
    """
    target = real_target(path)
    tmp = temp_path(target)
    try:
        with open(tmp, "wb") as handle:
            if isinstance(data, str):
                handle.write(data.encode("utf-8"))
            elif isinstance(data, (bytes, bytearray, memoryview)):
                handle.write(data)
            else:
                for chunk in data:
                    handle.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(target.parent)
    return os.stat(target)


def fsync_file(path: Path) -> None:
    """Flush a file that was written some other way (a copy) to the disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
