"""Extracting a paper's text from its PDF, page by page, in a child process.

``extract_text`` reports each page through ``on_page`` as soon as it is ready. pypdf runs
in a child process (``python -m reader.core.pdf_worker``) so that a page that takes longer
than ``page_timeout`` can be killed and skipped; a fresh child carries on from the next
page. The child also reflows each page into paragraphs (``reader.core.pdf_reflow``, from
where pypdf says each line starts) and reads the arXiv ids it cites
(``reader.core.cite_ids``), within the same time limit; the parent settles the hyphens and
the page breaks once every page is in (``reader.core.pdf_hyphens``). Results are cached
(``reader.core.pdf_text``). Bad PDFs never raise: ``PaperText.error`` says what is wrong.
pypdf is imported only in the child.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .cite_ids import CiteScanner, canonical
from .pdf_hyphens import Vocabulary, join_pages, settle_hyphens
from .pdf_lines import Line, clean_line, lines_from_text, normalize_text
from .pdf_paths import pdf_path
from .pdf_reflow import reflow_page
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
        own = canonical(arxiv_id)
        result.cites = [c for c in result.cites if c != own]
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
    pages = _Pages(on_page)
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
                        pages.add(result, index, total or 0, msg)
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
    pages.finish(result)
    return result


class _Pages:
    """The pages as the child sends them: each shown at once with its hyphens settled by the
    words seen so far; at the end, the page breaks and the hyphens settled by the whole paper."""

    def __init__(self, on_page: Callable[[int, int, str], None] | None) -> None:
        self.on_page = on_page
        self.hyphens: dict[int, list[int]] = {}
        self.cites: dict[str, None] = {}
        self.vocabulary = Vocabulary()

    def add(self, result: PaperText, index: int, total: int, msg: dict[str, Any]) -> None:
        text = str(msg.get("text", ""))
        hyphens = [h for h in msg.get("hyphens") or [] if isinstance(h, int) and 0 <= h < len(text) and text[h] == "-"]
        self.hyphens[index] = hyphens
        for arxiv_id in msg.get("cites") or []:
            if isinstance(arxiv_id, str) and len(arxiv_id) < 40:
                self.cites.setdefault(canonical(arxiv_id), None)
        if 0 <= index < len(result.pages):
            result.pages[index] = text
        self.vocabulary.add(text, hyphens)
        if self.on_page:
            self.on_page(index, total, settle_hyphens([text], [hyphens], self.vocabulary)[0] if hyphens else text)

    def finish(self, result: PaperText) -> None:
        if result.error is not None:
            return
        hyphens = [self.hyphens.get(i, []) for i in range(len(result.pages))]
        join_pages(result.pages, hyphens)
        result.pages = settle_hyphens(result.pages, hyphens)
        result.cites = list(self.cites)


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

    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="ascii")
    sys.stdout = sys.stderr  # nothing else may write to the protocol stream

    def send(msg: dict[str, Any]) -> None:
        proto.write(json.dumps(msg, ensure_ascii=True) + "\n")
        proto.flush()

    warnings.simplefilter("ignore")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        from pypdf import PasswordType, PdfReader  # (lazy: only in the PDF worker; ImportError said below)
        from pypdf.errors import DependencyError, FileNotDecryptedError  # (lazy: only in the PDF worker; ImportError said below)
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
    scanner = CiteScanner()
    for index in range(start, total):
        try:
            lines = page_lines(reader.pages[index])
        except FileNotDecryptedError:
            send({"error": ENCRYPTED})
            return 0
        except Exception as exc:
            send({"page": index, "skip": f"page {index + 1} could not be read ({type(exc).__name__})"})
            continue
        send({"page": index, **_page_message(lines, scanner)})
    send({"done": True})
    return 0


def _page_message(lines: list[Line], scanner: CiteScanner) -> dict[str, Any]:
    """What the child sends for a page: its reflowed text, the offsets of the hyphens still to
    settle, and the arXiv ids it names."""
    cites = scanner.page(clean_line(line.text) for line in lines)
    try:
        page = reflow_page(lines)
    except Exception:
        return {"text": normalize_text("\n".join(line.text for line in lines)), "hyphens": [], "cites": cites}
    return {"text": page.text, "hyphens": page.hyphens, "cites": cites}


def page_lines(page: Any) -> list[Line]:
    """A pypdf page's text as lines, each with where it is drawn.

    pypdf tells a visitor each run of text with the matrices in force; the runs joined are
    exactly the page's text. A line starts where its first visible run starts; its font size
    and baseline are those of its longest run (not of a superscript before it). When the runs
    do not add up to the text, the lines come without positions."""
    lines: list[Line] = []
    parts: list[str] = []
    runs: list[tuple[int, tuple[float, float, float, bool]]] = []  # (visible characters, position)

    def end_line() -> None:
        text = "".join(parts)
        parts.clear()
        if not runs:
            lines.append(Line(text))
            return
        x = runs[0][1][0]
        _, (_, y, size, upright) = max(runs, key=lambda run: run[0])
        runs.clear()
        if math.isfinite(x) and math.isfinite(y):
            lines.append(Line(text, x, y, size or None, upright))
        else:
            lines.append(Line(text))

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        for k, piece in enumerate(text.split("\n")):
            if k:
                end_line()
            if not piece:
                continue
            visible = len(piece.strip())
            if visible:
                runs.append((visible, _position(cm, tm, font_size)))
            parts.append(piece)

    text = page.extract_text(visitor_text=visit) or ""
    end_line()
    if "\n".join(line.text for line in lines) != text:
        return lines_from_text(text)
    return lines


def _position(cm: Any, tm: Any, font_size: Any) -> tuple[float, float, float, bool]:
    """(x, y, size in points, upright) of text drawn with text matrix ``tm`` under ``cm``."""
    try:
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(float(font_size)) * math.hypot(a, b)
    except (TypeError, IndexError, ValueError):
        return math.nan, math.nan, 0.0, True
    if not all(math.isfinite(v) for v in (x, y, size)):
        return math.nan, math.nan, 0.0, True
    return float(x), float(y), round(size, 2), a > 0 and abs(b) <= 0.02 * abs(a)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.exit(_worker_main(sys.argv[2], int(sys.argv[3])))
    print("usage: python -m reader.core.pdf_worker --worker PDF START_PAGE", file=sys.stderr)
    sys.exit(2)
