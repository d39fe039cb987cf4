"""Extracting a paper's text from its PDF, page by page, in a child process.

``extract_text`` reports each page through ``on_page`` as soon as it is ready. pypdf runs
in a child process (``python -m reader.core.pdf_worker``) so that a page that takes longer
than ``page_timeout`` can be killed and skipped; a fresh child carries on from the next
page. Results are cached (``reader.core.pdf_text``). Bad PDFs never raise:
``PaperText.error`` says what is wrong. pypdf is imported only in the child.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .pdf_paths import pdf_path
from .pdf_text import (
    CANCELLED,
    DAMAGED,
    ENCRYPTED,
    NOT_A_PDF,
    NOT_DOWNLOADED,
    PaperText,
    cached_text,
    stat_key,
    write_cache,
)

STARTUP_GRACE = 15.0  # seconds for the child to start Python and open the PDF, on top of page_timeout

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
    key = stat_key(path)
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
    if result.error in (None, NOT_A_PDF, DAMAGED, ENCRYPTED) and stat_key(path) == key:
        write_cache(cache_dir, arxiv_id, key, result)
    return result


class _Worker:
    """One child process extracting pages [start, total) and its stdout reader thread."""

    def __init__(self, path: Path, start: int):
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader.core.pdf_worker", "--worker", str(path), str(start)],
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
    print("usage: python -m reader.core.pdf_worker --worker PDF START_PAGE", file=sys.stderr)
    sys.exit(2)
