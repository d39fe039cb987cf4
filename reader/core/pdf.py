"""Paper PDFs: download into the cache, extract their text page by page.

* ``pdf_path`` / ``text_cache_path``: where a paper's files live in the cache.
* ``download_pdf``: fetch a PDF atomically (temp file + fsync + os.replace);
  anything that is not a whole PDF raises ``DownloadError`` and leaves nothing.
* ``extract_text``: text of every page, reported through ``on_page`` as soon as
  each page is ready.  pypdf runs in a child process (``python -m
  reader.core.pdf``) so a page that takes longer than ``page_timeout`` can be
  killed and skipped; a fresh child carries on from the next page.  Results
  are cached as JSON keyed on the PDF's size and mtime, so a second open is
  instant.  Bad PDFs never raise: ``PaperText.error`` says what is wrong.

Importing this module is cheap: requests and pypdf are imported inside the
functions that need them, pypdf only in the child process.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable

from .fs import atomic_write, fsync_dir

DEFAULT_PDF_BASE = "https://arxiv.org/pdf"
USER_AGENT = "arxiv-digest-reader/0.1"
TEXT_CACHE_FORMAT = 1
STARTUP_GRACE = 15.0  # seconds for the child to start Python and open the PDF, on top of page_timeout

ENCRYPTED = "encrypted: needs a password"
DAMAGED = "truncated or damaged PDF"
NOT_A_PDF = "not a PDF"
NOT_DOWNLOADED = "PDF not downloaded"
CANCELLED = "cancelled"

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TRAILING_VERSION = re.compile(r"v(\d+)$")


class DownloadError(Exception):
    """A PDF could not be downloaded; ``reason`` is short and shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class PaperText:
    """The text of a paper: ``pages[i]`` is page i+1 ("" for a skipped page)."""

    pages: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (1-based page number, reason)
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": list(self.pages),
            "skipped": [[n, reason] for n, reason in self.skipped],
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PaperText:
        return cls(
            pages=[str(p) for p in data.get("pages") or []],
            skipped=[(int(n), str(r)) for n, r in data.get("skipped") or []],
            error=data.get("error"),
        )


# ------------------------------------------------------------------------ paths


def _split_version(arxiv_id: str) -> tuple[str, int | None]:
    text = arxiv_id.strip()
    m = _TRAILING_VERSION.search(text)
    if m and m.start() > 0:
        return text[: m.start()], int(m.group(1))
    return text, None


def _safe_name(arxiv_id: str) -> str:
    from reader.core.ids import safe_filename  # lazily: keeps import order free

    base, _ = _split_version(arxiv_id)
    name = safe_filename(base)  # ValueError for anything that is not an arXiv id
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"unsafe file name for arXiv id {arxiv_id!r}")
    return name


def _inside(directory: Path, name: str) -> Path:
    path = directory / name
    if path.parent != directory or path.name != name:
        raise ValueError(f"{name!r} would leave {directory}")
    return path


def pdf_path(cache_dir: Path, arxiv_id: str) -> Path:
    """``cache_dir/pdf/<safe id>.pdf``; any version suffix is ignored.

    Raises ValueError for anything that is not an arXiv id, so the result is
    always inside ``cache_dir``.
    """
    return _inside(Path(cache_dir) / "pdf", _safe_name(arxiv_id) + ".pdf")


def text_cache_path(cache_dir: Path, arxiv_id: str) -> Path:
    """``cache_dir/text/<safe id>.json``: the cached extraction of the PDF."""
    return _inside(Path(cache_dir) / "text", _safe_name(arxiv_id) + ".json")


# --------------------------------------------------------------------- download


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<"))


def download_pdf(
    arxiv_id: str,
    cache_dir: Path,
    version: int | None = None,
    base_url: str | None = None,
    timeout: float = 10.0,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Download a paper's PDF into ``pdf_path(cache_dir, arxiv_id)`` and return that path.

    Returns at once, without network, if the file is already there.  The URL
    is ``{base}/{id}`` or ``{base}/{id}v{version}``, base being ``base_url``,
    ``$READER_ARXIV_PDF`` or https://arxiv.org/pdf.  ``timeout`` applies to
    connecting and to every read.  ``progress(bytes_so_far, total_or_None)``
    is called as data arrives.

    Raises ``DownloadError`` (nothing is left behind) with a short reason:
    "HTTP 404", "timed out after 10s", "connection refused", "got a web page,
    not a PDF", "truncated: got N of M bytes", ...  Raises ValueError for an
    invalid id.
    """
    base_id, id_version = _split_version(arxiv_id)
    if version is None:
        version = id_version
    target = pdf_path(Path(cache_dir), base_id)
    if target.is_file():
        return target

    import requests

    from reader.core.arxiv_api import network_error_reason

    base = (base_url or os.environ.get("READER_ARXIV_PDF") or DEFAULT_PDF_BASE).rstrip("/")
    url = f"{base}/{base_id}" + (f"v{int(version)}" if version else "")
    directory = target.parent
    created_dir = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    tmp_name: str | None = None
    done = False
    got = 0
    length: int | None = None
    try:
        try:
            resp = requests.get(url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT})
        except requests.RequestException as exc:
            raise DownloadError(network_error_reason(exc, timeout)) from None
        with resp:
            if resp.status_code != 200:
                raise DownloadError(f"HTTP {resp.status_code}")
            if not resp.headers.get("Content-Encoding"):
                try:
                    length = int(resp.headers.get("Content-Length", ""))
                except ValueError:
                    length = None
            is_html_type = "html" in resp.headers.get("Content-Type", "").lower()
            fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.stem}.", suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                head = b""
                tail = b""
                checked = False
                if progress:
                    progress(0, length)
                try:
                    for chunk in resp.iter_content(chunk_size=64 * 1024):
                        if not chunk:
                            continue
                        if not checked:
                            head += chunk[:1024]
                            if len(head) >= 16:
                                _check_head(head, is_html_type)
                                checked = True
                        fh.write(chunk)
                        got += len(chunk)
                        tail = (tail + chunk)[-4096:]
                        if progress:
                            progress(got, length)
                except requests.RequestException as exc:
                    reason = network_error_reason(exc, timeout)
                    if reason.startswith("timed out"):
                        raise DownloadError(reason) from None
                    if length is not None:
                        received = max(got, _bytes_received(exc))
                        raise DownloadError(f"truncated: got {received} of {length} bytes") from None
                    raise DownloadError(f"connection lost after {got} bytes ({reason})") from None
                if not checked:
                    if not head:
                        raise DownloadError("empty reply")
                    _check_head(head, is_html_type)
                if length is not None and got != length:
                    raise DownloadError(f"truncated: got {got} of {length} bytes")
                if b"%%EOF" not in tail:
                    raise DownloadError(f"truncated: the PDF has no end marker (got {got} bytes)")
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        done = True
        fsync_dir(directory)
        return target
    finally:
        if not done:
            if tmp_name is not None:
                try:
                    os.unlink(tmp_name)
                except OSError:
                    pass
            if created_dir:
                try:
                    directory.rmdir()
                except OSError:
                    pass


def _bytes_received(exc: BaseException) -> int:
    """How many body bytes urllib3 had read when it gave up (its IncompleteRead knows), else 0.

    urllib3 raises before handing over the partial chunk, so the file may hold fewer.
    """
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        partial = getattr(e, "partial", None)
        if isinstance(partial, int):
            return partial
        if isinstance(partial, (bytes, bytearray)):
            return len(partial)
        todo.extend([e.__cause__, e.__context__, *e.args])
    return 0


def _check_head(head: bytes, is_html_type: bool) -> None:
    if head.startswith(b"%PDF"):
        return
    if is_html_type or _looks_like_html(head):
        raise DownloadError("got a web page, not a PDF")
    raise DownloadError("not a PDF")


# ------------------------------------------------------------- text clean-up

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
# TeX's OT1 fonts typeset an accent as its own glyph before the letter; pypdf
# reports "Teˇsanovi´c" for Tešanović.  Spacing accent + letter -> accented letter.
_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02c7": "\u030c",  # caron
    "\u00a8": "\u0308",  # diaeresis
    "\u02dc": "\u0303",  # tilde
    "\u02c6": "\u0302",  # circumflex
    "\u02d8": "\u0306",  # breve
    "\u02d9": "\u0307",  # dot above
    "\u02da": "\u030a",  # ring
    "\u02dd": "\u030b",  # double acute
    "\u00af": "\u0304",  # macron
}
_ACCENT_CHARS = "".join(_ACCENTS)
# Not after another detached accent, and not onto a letter that already carries a combining mark.
_ACCENT_RE = re.compile(f"(?<![{_ACCENT_CHARS}])([{_ACCENT_CHARS}])([A-Za-z\u0131])(?![\u0300-\u036f])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HYPHEN_END = re.compile(r"([A-Za-z]*[a-z])-$")
_WORD_START = re.compile(r"([a-z]+)(?=[\s.,;:!?)\]]|$)")
_WORD = re.compile(r"[A-Za-z]+")


def _accent(m: re.Match[str]) -> str:
    letter = "i" if m.group(2) == "\u0131" else m.group(2)
    return unicodedata.normalize("NFC", letter + _ACCENTS[m.group(1)])


def normalize_text(text: str) -> str:
    """Tidy pypdf's text of one page.

    Collapses runs of spaces (pypdf doubles them), strips each line, keeps
    line and paragraph breaks (at most one blank line), expands ligatures,
    puts TeX's detached accents back on their letters, and joins a word
    hyphenated across a line break only when the joined word also appears
    elsewhere on the page (so "cau-/tion" becomes "caution" when the page
    says "caution" somewhere, and "one-/dimensional" stays hyphenated).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _CONTROL_RE.sub(" ", text).translate(_LIGATURES)
    text = _ACCENT_RE.sub(_accent, text)
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    vocabulary = {w.lower() for w in _WORD.findall("\n".join(lines))}
    i = 0
    while i < len(lines) - 1:
        end = _HYPHEN_END.search(lines[i])
        start = _WORD_START.match(lines[i + 1]) if end else None
        if end and start and (end.group(1) + start.group(1)).lower() in vocabulary:
            lines[i] = lines[i][:-1] + start.group(1)
            rest = lines[i + 1][start.end():].strip()
            if rest:
                lines[i + 1] = rest
            else:
                del lines[i + 1]
                continue
        i += 1
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n")


# ------------------------------------------------------------------- the cache


def _stat_key(path: Path) -> dict[str, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def cached_text(arxiv_id: str, cache_dir: Path) -> PaperText | None:
    """The cached extraction, or None if there is none or the PDF changed since."""
    cache_dir = Path(cache_dir)
    key = _stat_key(pdf_path(cache_dir, arxiv_id))
    if key is None:
        return None
    try:
        data = json.loads(text_cache_path(cache_dir, arxiv_id).read_text(encoding="utf-8"))
        if data.get("format") != TEXT_CACHE_FORMAT or data.get("pdf") != key:
            return None
        return PaperText.from_json(data)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _write_cache(cache_dir: Path, arxiv_id: str, key: dict[str, int], result: PaperText) -> None:
    path = text_cache_path(cache_dir, arxiv_id)
    payload = {"format": TEXT_CACHE_FORMAT, "pdf": key, **result.to_json()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(payload, ensure_ascii=False))
    except OSError:
        pass  # a cache we cannot write is only slower next time


# -------------------------------------------------------------- the extractor


def extract_text(
    arxiv_id: str,
    cache_dir: Path,
    on_page: Callable[[int, int, str], None] | None = None,
    page_timeout: float = 20.0,
    cancel: threading.Event | None = None,
) -> PaperText:
    """The text of the cached PDF of ``arxiv_id``, page by page.

    ``on_page(index, total, text)`` is called once per page in order, with a
    0-based index, as soon as that page is ready ("" for a skipped page,
    whose reason is in ``skipped``).  A page that takes longer than
    ``page_timeout`` seconds is skipped ("page 7 took longer than 20 s;
    skipped").  Setting ``cancel`` stops the work; the result then has
    ``error == "cancelled"`` and is not cached.

    Never raises for a bad PDF: ``error`` is "not a PDF", "encrypted: needs a
    password", "truncated or damaged PDF", "PDF not downloaded", ...
    Raises ValueError only for an invalid id.
    """
    cache_dir = Path(cache_dir)
    path = pdf_path(cache_dir, arxiv_id)
    cached = cached_text(arxiv_id, cache_dir)
    if cached is not None:
        if on_page:
            for i, page in enumerate(cached.pages):
                on_page(i, len(cached.pages), page)
        return cached
    key = _stat_key(path)
    if key is None:
        return PaperText(error=NOT_DOWNLOADED)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        return PaperText(error=f"cannot read the PDF ({exc.strerror or exc})")
    if b"%PDF-" not in head:
        result = PaperText(error=NOT_A_PDF)
    else:
        result = _extract(path, on_page, page_timeout, cancel)
    # Cache what depends only on the file; not a cancel or a failure of this machine.
    if result.error in (None, NOT_A_PDF, DAMAGED, ENCRYPTED) and _stat_key(path) == key:
        _write_cache(cache_dir, arxiv_id, key, result)
    return result


class _Worker:
    """One child process extracting pages [start, total) and its stdout reader thread."""

    def __init__(self, path: Path, start: int):
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader.core.pdf", "--worker", str(path), str(start)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        try:
            for line in stream:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if isinstance(msg, dict):
                    self.messages.put(msg)
        except (OSError, ValueError):
            pass
        finally:
            self.messages.put(None)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        self.thread.join(timeout=1)


def _extract(
    path: Path,
    on_page: Callable[[int, int, str], None] | None,
    page_timeout: float,
    cancel: threading.Event | None,
) -> PaperText:
    result = PaperText()
    total: int | None = None
    start = 0
    while True:
        try:
            worker = _Worker(path, start)
        except OSError as exc:
            result.error = f"could not start the text extractor ({exc})"
            return result
        current = start  # the page the worker is on
        deadline = time.monotonic() + page_timeout + STARTUP_GRACE
        opened = False
        restart = False
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    result.error = CANCELLED
                    return result
                if total is not None and current >= total:
                    break  # every page is in; don't wait for a "done" that may not come
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if not opened:
                        result.error = "the PDF took too long to open"
                        return result
                    _skip(result, current, total, f"page {current + 1} took longer than {page_timeout:g} s; skipped", on_page)
                    start = current + 1
                    restart = True
                    break
                try:
                    msg = worker.messages.get(timeout=min(remaining, 0.1))
                except queue.Empty:
                    continue
                if msg is None:  # the child died without saying "done"
                    if not opened:
                        code = worker.proc.wait(timeout=5)
                        result.error = f"the text extractor failed (exit code {code})"
                        return result
                    _skip(result, current, total, f"page {current + 1} could not be read (the extractor crashed)", on_page)
                    start = current + 1
                    restart = True
                    break
                if "error" in msg:
                    result.error = str(msg["error"])
                    result.pages = []
                    return result
                if "total" in msg:
                    opened = True
                    if total is None:
                        total = int(msg["total"])
                        result.pages = [""] * total
                    deadline = time.monotonic() + page_timeout
                elif "page" in msg:
                    index = int(msg["page"])
                    if "skip" in msg:
                        _skip(result, index, total, str(msg["skip"]), on_page)
                    else:
                        text = str(msg.get("text", ""))
                        result.pages[index] = text
                        if on_page:
                            on_page(index, total or 0, text)
                    current = index + 1
                    deadline = time.monotonic() + page_timeout
                elif msg.get("done"):
                    break
        finally:
            worker.stop()
        if not restart or total is None or start >= total:
            break
    if total and len(result.skipped) == total and all("could not be read" in r for _, r in result.skipped):
        result.error = DAMAGED
    return result


def _skip(
    result: PaperText,
    index: int,
    total: int | None,
    reason: str,
    on_page: Callable[[int, int, str], None] | None,
) -> None:
    result.skipped.append((index + 1, reason))
    if on_page and total:
        on_page(index, total, "")


# ----------------------------------------------------------- the child process


def _worker_main(path: str, start: int) -> int:
    """Extract pages ``start..`` of ``path``, one JSON line per page on stdout."""
    import logging
    import warnings

    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="ascii")
    sys.stdout = sys.stderr  # nothing else may write to the protocol stream

    def send(msg: dict[str, Any]) -> None:
        proto.write(json.dumps(msg, ensure_ascii=True) + "\n")
        proto.flush()

    warnings.simplefilter("ignore")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        from pypdf import PasswordType, PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError
    except ImportError as exc:  # pragma: no cover
        send({"error": f"pypdf is not installed ({exc})"})
        return 1
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            send({"error": ENCRYPTED})
            return 0
        total = len(reader.pages)
    except DependencyError:
        send({"error": "encrypted: needs the 'cryptography' package"})
        return 0
    except FileNotDecryptedError:
        send({"error": ENCRYPTED})
        return 0
    except Exception:  # PdfStreamError, PdfReadError, and whatever a broken file provokes
        send({"error": DAMAGED})
        return 0
    send({"total": total})
    for index in range(start, total):
        try:
            text = reader.pages[index].extract_text() or ""
        except FileNotDecryptedError:
            send({"error": ENCRYPTED})
            return 0
        except Exception as exc:
            send({"page": index, "skip": f"page {index + 1} could not be read ({type(exc).__name__})"})
            continue
        send({"page": index, "text": normalize_text(text)})
    send({"done": True})
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.exit(_worker_main(sys.argv[2], int(sys.argv[3])))
    print("usage: python -m reader.core.pdf --worker PDF START_PAGE", file=sys.stderr)
    sys.exit(2)
