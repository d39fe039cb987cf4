"""Downloading a paper's PDF into the cache, within limits.

``download_pdf`` streams the PDF through ``fs.atomic_write``: the file appears whole or
not at all, and the temporary file is removed on every failure, an interrupt included.
Every download is bounded (``reader.core.net``):

* size: ``max_bytes``, else ``$READER_PDF_MAX_MB`` MB, else 100 MB;
* stall: ``timeout`` seconds without a byte, else ``$READER_NET_TIMEOUT``, else 10 s;
* deadline: ``deadline`` seconds for the whole download, else ``$READER_PDF_DEADLINE``,
  else 300 s.

Any failure is a ``DownloadError`` whose reason is one line, e.g. "HTTP 404", "got a web
page, not a PDF", "the PDF is 10.0 GB, over the 100 MB limit (READER_PDF_MAX_MB sets it)",
"cannot save the PDF in ~/.cache/reader/pdf: No space left on device (…)".
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from . import net
from .fs import TEMP_SUFFIX, atomic_write
from .ids import split_version
from .pdf_paths import pdf_path
from .write_lock import pid_alive  # (not core/storage: that imports tinydb)

DEFAULT_PDF_BASE = "https://arxiv.org/pdf"
USER_AGENT = net.USER_AGENT
DEFAULT_MAX_MB = 100.0
DEFAULT_DEADLINE = 300.0
MAX_MB_ENV = "READER_PDF_MAX_MB"
DEADLINE_ENV = "READER_PDF_DEADLINE"

Progress = Callable[[int, "int | None"], None]


class DownloadError(Exception):
    """A PDF could not be downloaded; ``reason`` is short and shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def pdf_limits(timeout: float | None = None, max_bytes: int | None = None, deadline: float | None = None) -> net.Limits:
    """The limits of one download: the arguments given, else the environment, else the defaults."""
    return net.Limits(
        max_bytes=int(max_bytes) if max_bytes is not None else int(net.env_number(MAX_MB_ENV, DEFAULT_MAX_MB) * net.MB),
        stall=net.stall_seconds(timeout),
        deadline=float(deadline) if deadline is not None else net.env_number(DEADLINE_ENV, DEFAULT_DEADLINE),
    )


def download_pdf(
    arxiv_id: str,
    cache_dir: Path,
    version: int | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
    *,
    max_bytes: int | None = None,
    deadline: float | None = None,
) -> Path:
    """Download a paper's PDF into ``pdf_path(cache_dir, arxiv_id)`` and return that path.

    Returns at once, without network, if the file is already there. The URL
    is ``{base}/{id}`` or ``{base}/{id}v{version}``, base being ``base_url``,
    ``$READER_ARXIV_PDF`` or https://arxiv.org/pdf. ``progress(bytes_so_far,
    total_or_None)`` is called as data arrives. The limits are in the module docstring.

    Raises ``DownloadError`` (nothing is left behind) with a short reason.
    Raises ValueError for an invalid id.
    """
    parsed = split_version(arxiv_id.strip())
    if parsed is None:
        raise ValueError(f"not a valid arXiv id: {arxiv_id!r}")
    base_id, id_version = parsed
    if version is None:
        version = id_version
    target = pdf_path(Path(cache_dir), base_id)
    if target.is_file():
        return target
    limits = pdf_limits(timeout, max_bytes, deadline)
    base = (base_url or os.environ.get("READER_ARXIV_PDF") or DEFAULT_PDF_BASE).rstrip("/")
    url = f"{base}/{base_id}" + (f"v{int(version)}" if version else "")
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        with net.open_reply(url, limits) as reply:
            if reply.status != 200:
                raise DownloadError(f"HTTP {reply.status}")
            is_html = "html" in reply.header("Content-Type").lower()
            atomic_write(target, _checked(reply, is_html, progress))
    except net.TooLarge as exc:
        size = f"{net.human_size(exc.size)}, " if exc.size is not None else ""
        raise DownloadError(f"the PDF is {size}over the {net.human_size(exc.limit)} limit ({MAX_MB_ENV} sets it)") from None
    except net.TooSlow as exc:
        raise DownloadError(f"the download took longer than {exc.seconds:g} s ({DEADLINE_ENV} sets the limit)") from None
    except net.NetError as exc:
        raise DownloadError(exc.reason) from None
    except OSError as exc:
        raise DownloadError(_disk_reason(directory, exc)) from None
    return target


def _checked(reply: net.Reply, is_html: bool, progress: Progress | None) -> Iterator[bytes]:
    """The body of ``reply``, checked as it goes: a PDF from its first bytes, whole at its end."""
    length = reply.length
    head = b""
    tail = b""
    checked = False
    if progress:
        progress(0, length)
    try:
        for chunk in reply.chunks():
            if not checked:
                head += chunk[:1024]
                if len(head) >= 16:
                    _check_head(head, is_html)
                    checked = True
            tail = (tail + chunk)[-4096:]
            yield chunk
            if progress:
                progress(reply.received, length)
    except net.Broken as exc:
        if length is not None:
            raise DownloadError(f"truncated: got {reply.received} of {length} bytes") from None
        raise DownloadError(f"connection lost after {reply.received} bytes ({exc.reason})") from None
    if not checked:
        if not head:
            raise DownloadError("empty reply")
        _check_head(head, is_html)
    if length is not None and reply.received != length:
        raise DownloadError(f"truncated: got {reply.received} of {length} bytes")
    if b"%%EOF" not in tail:
        raise DownloadError(f"truncated: the PDF has no end marker (got {reply.received} bytes)")


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<"))


def _check_head(head: bytes, is_html: bool) -> None:
    if head.startswith(b"%PDF"):
        return
    if is_html or _looks_like_html(head):
        raise DownloadError("got a web page, not a PDF")
    raise DownloadError("not a PDF")


def _disk_reason(directory: Path, exc: OSError) -> str:
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        advice = "free some space, or set READER_CACHE_DIR"
    else:
        advice = "set READER_CACHE_DIR to a directory you can write to"
    return f"cannot save the PDF in {directory}: {what} ({advice})"


def _remove_leftovers(target: Path) -> None:
    """Remove what a killed download of this paper left (its temporary file names a
    process that is gone); ``reader doctor`` removes those of every paper."""
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):-len(TEMP_SUFFIX)].split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass
