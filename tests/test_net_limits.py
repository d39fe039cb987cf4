"""Everything reader fetches from outside is bounded: size, time, memory, disk (issue 11, findings 6-7).

Each test serves a hostile reply from 127.0.0.1: a 10 GB PDF (streamed, never held in
memory), a server that trickles one byte every 2 s, a gzip bomb, a metadata reply without
end, and a full disk. The servers stop on their own well past the limit, so that code
without the limit fails its assertions instead of filling the disk.
"""

from __future__ import annotations

import errno
import gzip
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.cli import run
from reader.core import fs
from reader.core.arxiv_api import ArxivFetcher
from reader.core.pdf import DownloadError, download_pdf
from tests.atomfeeds import API, arxiv_like, entry
from tests.httpserver import Reply
from tests.pdfgen import numbered_pages, text_pdf

MB = 1 << 20
GB = 1 << 30
PDF_TYPE = {"Content-Type": "application/pdf"}
ROOT = Path(__file__).resolve().parents[1]


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


class Counted:
    """A streamed body: ``head``, then zeros up to ``stop`` bytes; ``sent`` counts what went out."""

    def __init__(self, head: bytes, stop: int, chunk: int = 256 * 1024) -> None:
        self.head, self.stop, self.chunk, self.sent = head, stop, chunk, 0

    def __call__(self) -> Iterator[bytes]:
        self.sent = len(self.head)
        yield self.head
        block = b"\0" * self.chunk
        while self.sent < self.stop:
            self.sent += len(block)
            yield block


def trickle(head: bytes, n: int) -> Callable[[], Iterator[bytes]]:
    """``head`` at once, then one byte per chunk (with the reply's ``chunk_delay`` between)."""

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(n):
            yield b"x"

    return chunks


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def fails(http_server, cache: Path, reply: Reply, **kw) -> tuple[str, float]:
    http_server.route("/pdf/2101.00001", reply)
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download_pdf("2101.00001", cache, base_url=http_server.url + "/pdf", **kw)
    elapsed = time.monotonic() - start
    assert files_under(cache) == []  # nothing kept, not even a temporary file
    return info.value.reason, elapsed


# ----------------------------------------------------------------------- PDF size


def test_a_10_gb_pdf_is_refused_by_its_announced_length(http_server, cache):
    body = Counted(b"%PDF-1.5\n", stop=300 * MB)
    reply = Reply(200, headers=PDF_TYPE, chunks=body, content_length=10 * GB)
    reason, elapsed = fails(http_server, cache, reply)
    assert reason == "the PDF is 10.0 GB, over the 100 MB limit (READER_PDF_MAX_MB sets it)"
    assert elapsed < 5
    assert body.sent < 64 * MB  # the client hung up; it did not read on


def test_a_pdf_without_a_length_stops_at_the_limit(http_server, cache, monkeypatch):
    monkeypatch.setenv("READER_PDF_MAX_MB", "2")
    body = Counted(b"%PDF-1.5\n", stop=300 * MB)
    reason, elapsed = fails(http_server, cache, Reply(200, headers=PDF_TYPE, chunks=body))
    assert reason == "the PDF is over the 2 MB limit (READER_PDF_MAX_MB sets it)"
    assert elapsed < 5
    assert body.sent < 64 * MB


def test_the_size_limit_is_a_parameter_too(http_server, cache):
    data = text_pdf(numbered_pages(3))
    reason, _ = fails(http_server, cache, Reply(200, data, PDF_TYPE), max_bytes=len(data) - 1)
    assert reason.startswith("the PDF is ") and "over the" in reason
    http_server.route("/pdf/2101.00002", Reply(200, data, PDF_TYPE))
    assert download_pdf("2101.00002", cache, base_url=http_server.url + "/pdf", max_bytes=len(data)).read_bytes() == data


# ----------------------------------------------------------------------- PDF time


def test_one_byte_every_half_second_meets_the_deadline(http_server, cache):
    # (the stall timeout never fires: bytes keep coming; only the deadline can stop it)
    reply = Reply(200, headers=PDF_TYPE, chunks=trickle(b"%PDF-1.4\n", 30), chunk_delay=0.5, content_length=1000)
    reason, elapsed = fails(http_server, cache, reply, deadline=1.2, timeout=10)
    assert reason == "the download took longer than 1.2 s (READER_PDF_DEADLINE sets the limit)"
    assert 1.1 < elapsed < 2.5


def test_no_byte_for_the_stall_timeout(http_server, cache):
    reply = Reply(200, headers=PDF_TYPE, chunks=trickle(b"%PDF-1.4\n", 3), chunk_delay=3.0, content_length=1000)
    reason, elapsed = fails(http_server, cache, reply, timeout=0.5)
    assert reason == "timed out after 0.5s"
    assert elapsed < 2.5


# ---------------------------------------------------------------- PDF compression


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 2 MB of gzip that inflates to 2 GB of "PDF" (members of 64 MB of zeros)."""
    zeros = gzip.compress(b"\0" * (64 * MB), compresslevel=9)
    body = gzip.compress(b"%PDF-1.4\n") + zeros * 32 + gzip.compress(b"\n%%EOF\n")
    assert len(body) < 3 * MB
    return body


def test_a_gzip_bomb_never_becomes_a_2_gb_pdf(http_server, cache, gzip_bomb):
    reply = Reply(200, gzip_bomb, {**PDF_TYPE, "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        reason, elapsed = fails(http_server, cache, reply)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "the PDF is over the 100 MB limit (READER_PDF_MAX_MB sets it)"
    assert peak < 16 * MB  # inflated a little at a time, never all at once
    assert elapsed < 10
    (request,) = http_server.requests
    assert request.headers.get("Accept-Encoding") == "identity"


def test_a_gzip_encoded_pdf_within_the_limit_is_inflated(http_server, cache):
    data = text_pdf(numbered_pages(2))
    http_server.route("/pdf/2101.00001", Reply(200, gzip.compress(data), {**PDF_TYPE, "Content-Encoding": "gzip"}))
    assert download_pdf("2101.00001", cache, base_url=http_server.url + "/pdf").read_bytes() == data


# ---------------------------------------------------------------------- PDF disk


def test_a_full_disk_names_the_directory_and_keeps_nothing(http_server, cache, monkeypatch):
    real_open = open

    class Full:
        def __init__(self, handle) -> None:
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.handle.close()

        def write(self, data) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(fs, "open", lambda path, mode="r", *a, **k: Full(real_open(path, mode, *a, **k)), raising=False)
    data = text_pdf(numbered_pages(2))
    reason, _ = fails(http_server, cache, Reply(200, data, PDF_TYPE))
    assert reason == f"cannot save the PDF in {cache / 'pdf'}: No space left on device (free some space, or set READER_CACHE_DIR)"


# -------------------------------------------------------- reader fetch --pdf batches

WEEK = textwrap.dedent(
    """\
    # 210801 A week

    https://arxiv.org/abs/2101.00001 First Paper (Ann Lee)
    https://arxiv.org/abs/2101.00002 Second Paper (Bo Chen)
    https://arxiv.org/abs/2101.00003 Third Paper (Cy Dee)
    """
)
IDS = ["2101.00001", "2101.00002", "2101.00003"]


@pytest.fixture
def library_with_week(http_server, monkeypatch, tmp_path):
    monkeypatch.setenv("READER_ARXIV_PDF", http_server.url + "/pdf")
    path = tmp_path / "week.md"
    path.write_text(WEEK, encoding="utf-8")
    assert run(["import", str(path)]) == 0
    return http_server


def cli(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_full_disk_fails_one_paper_not_the_batch(library_with_week, capsys, monkeypatch, tmp_path):
    """A disk that fills up while the first PDF is flushed: one line naming the paper and the
    directory, and the other papers are still downloaded."""
    server = library_with_week
    for arxiv_id in IDS:
        server.route(f"/pdf/{arxiv_id}", Reply(200, text_pdf([f"text of {arxiv_id}"]), PDF_TYPE))
    pdf_dir = tmp_path / "cache" / "pdf"
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".2101.00001"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code, _out, err = cli(capsys, "fetch", "--pdf")
    assert code == 1
    assert err.strip().splitlines() == [
        f"2101.00001: error: cannot save the PDF in {pdf_dir}: No space left on device "
        "(free some space, or set READER_CACHE_DIR)"
    ]
    assert "internal error" not in err
    assert [p.name for p in files_under(pdf_dir)] == ["2101.00002.pdf", "2101.00003.pdf"]


def test_a_trickling_pdf_fails_alone_at_the_deadline(library_with_week, capsys, monkeypatch):
    server = library_with_week
    monkeypatch.setenv("READER_PDF_DEADLINE", "1.2")
    server.route("/pdf/2101.00001", Reply(200, headers=PDF_TYPE, chunks=trickle(b"%PDF-1.4\n", 10), chunk_delay=0.5,
                                          content_length=1000))
    for arxiv_id in IDS[1:]:
        server.route(f"/pdf/{arxiv_id}", Reply(200, text_pdf([f"text of {arxiv_id}"]), PDF_TYPE))
    start = time.monotonic()
    code, out, err = cli(capsys, "fetch", "--pdf")
    assert time.monotonic() - start < 4  # (the trickle alone would take 5 s)
    assert code == 1
    assert "2101.00001: error: the download took longer than 1.2 s (READER_PDF_DEADLINE sets the limit)" in err
    assert "2101.00002: downloaded" in out and "2101.00003: downloaded" in out


def test_sigterm_during_a_download_leaves_no_temporary_file(library_with_week, tmp_path):
    server = library_with_week
    server.route("/pdf/2101.00001", Reply(200, headers=PDF_TYPE, chunks=trickle(b"%PDF-1.4\n" + b"x" * 70_000, 30),
                                          chunk_delay=0.5, content_length=200_000))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "reader", "fetch", "--pdf", "2101.00001"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pdf_dir = tmp_path / "cache" / "pdf"
    try:
        deadline = time.monotonic() + 10
        while not files_under(pdf_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert files_under(pdf_dir), "the download never started"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert files_under(pdf_dir) == []
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()


def test_doctor_removes_leftover_downloads(library_with_week, capsys, tmp_path):
    pdf_dir = tmp_path / "cache" / "pdf"
    pdf_dir.mkdir(parents=True)
    dead = pdf_dir / ".2101.00001.pdf.999999999.1.tmp"  # a process that is gone
    legacy = pdf_dir / ".2101.00002.k3j4h5.part"  # an older reader's, from a day ago
    alive = pdf_dir / f".2101.00003.pdf.{os.getpid()}.1.tmp"  # being written right now
    kept = pdf_dir / "2101.00001.pdf"
    for path in (dead, legacy, alive, kept):
        path.write_bytes(b"%PDF-1.4 partial")
    day_ago = time.time() - 86400
    os.utime(legacy, (day_ago, day_ago))
    code, out, err = cli(capsys, "doctor")
    assert code == 0, err
    assert not dead.exists() and not legacy.exists()
    assert alive.exists() and kept.exists()
    assert "removed 2 temporary files left by interrupted writes" in out


# ------------------------------------------------------------------ metadata replies


@pytest.fixture
def fetcher_for(http_server):
    made: list[ArxivFetcher] = []

    def make(**kw) -> ArxivFetcher:
        kw.setdefault("api_url", http_server.url + API)
        kw.setdefault("delay_seconds", 0)
        kw.setdefault("backoff", 0)
        f = ArxivFetcher(**kw)
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()


FEED_HEAD = b"<?xml version='1.0'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>"


def test_a_metadata_reply_without_end_is_cut_at_20_mb(http_server, fetcher_for):
    body = Counted(FEED_HEAD, stop=400 * MB, chunk=64 * 1024)
    http_server.route(API, Reply(200, headers={"Content-Type": "application/atom+xml"}, chunks=body))
    tracemalloc.start()
    start = time.monotonic()
    try:
        (out,) = fetcher_for(max_retries=3).fetch(["2101.00001"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.status == "error" and out.transient
    assert out.error == "arXiv's reply was over the 20 MB limit (READER_ARXIV_MAX_MB sets it)"
    assert time.monotonic() - start < 10
    assert peak < 48 * MB
    assert body.sent < 100 * MB
    assert len(http_server.requests) == 1  # not asked again: it would only do the same


def test_the_metadata_limit_comes_from_the_environment(http_server, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_API", http_server.url + API)
    monkeypatch.setenv("READER_ARXIV_MAX_MB", "1")
    http_server.route(API, Reply(200, headers={"Content-Type": "application/atom+xml"},
                                 chunks=Counted(FEED_HEAD, stop=50 * MB)))
    with ArxivFetcher(backoff=0) as f:
        (out,) = f.fetch(["2101.00001"])
    assert out.error == "arXiv's reply was over the 1 MB limit (READER_ARXIV_MAX_MB sets it)"


def test_a_trickling_metadata_reply_meets_the_deadline(http_server, fetcher_for):
    http_server.route(API, Reply(200, headers={"Content-Type": "application/atom+xml"},
                                 chunks=trickle(FEED_HEAD, 30), chunk_delay=0.4))
    start = time.monotonic()
    (out,) = fetcher_for(deadline=1, timeout=10, max_retries=3).fetch(["2101.00001"])
    elapsed = time.monotonic() - start
    assert out.status == "error" and out.transient
    assert out.error == "arXiv's reply took longer than 1 s (READER_ARXIV_DEADLINE sets the limit)"
    assert elapsed < 2.5
    assert len(http_server.requests) == 1


def test_a_normal_reply_still_parses_under_the_limits(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    (out,) = fetcher_for(max_bytes=1 * MB, deadline=5).fetch(["2101.00001"])
    assert out.status == "ok" and out.metadata.title == "Title of 2101.00001"
    assert http_server.requests[0].headers.get("Accept-Encoding") == "identity"

