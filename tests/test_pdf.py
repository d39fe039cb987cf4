"""reader.core.pdf: downloads from a local server, text extraction in a child process, the cache."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import pdf_worker
from reader.core.pdf import (
    CANCELLED,
    DAMAGED,
    ENCRYPTED,
    NOT_A_PDF,
    NOT_DOWNLOADED,
    DownloadError,
    PaperText,
    cached_text,
    download_pdf,
    extract_text,
    normalize_text,
    pdf_path,
    text_cache_path,
)
from tests.httpserver import Reply, unused_port
from tests.pdfgen import encrypted_pdf, numbered_pages, text_pdf

PDF_TYPE = {"Content-Type": "application/pdf"}


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def put_pdf(cache: Path, arxiv_id: str, data: bytes) -> Path:
    path = pdf_path(cache, arxiv_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


# ------------------------------------------------------------------------ paths


def test_pdf_path_layout(cache):
    assert pdf_path(cache, "2007.01758") == cache / "pdf" / "2007.01758.pdf"
    assert pdf_path(cache, "2007.01758v2") == cache / "pdf" / "2007.01758.pdf"
    assert pdf_path(cache, "hep-th/9901001") == cache / "pdf" / "hep-th_9901001.pdf"
    assert text_cache_path(cache, "hep-th/9901001") == cache / "text" / "hep-th_9901001.json"


@pytest.mark.parametrize("bad", ["", "..", "../../etc/passwd", "2007.01758/../../x", "/abs/path", "abc", "2007.01758\x00"])
def test_pdf_path_rejects_non_ids(cache, bad):
    with pytest.raises(ValueError):
        pdf_path(cache, bad)


@settings(deadline=None)
@given(st.text())
def test_pdf_path_is_inside_the_cache_for_any_input(text):
    cache = Path("/tmp/reader-cache-test")
    try:
        path = pdf_path(cache, text)
    except ValueError:
        return
    assert path.parent == cache / "pdf"
    assert os.path.normpath(path) == str(path)


# --------------------------------------------------------------------- download


def test_download(http_server, cache):
    data = text_pdf(numbered_pages(2))
    http_server.route("/pdf/2101.00001", Reply(200, data, PDF_TYPE))
    seen = []
    path = download_pdf("2101.00001", cache, base_url=http_server.url + "/pdf", progress=lambda g, t: seen.append((g, t)))
    assert path == pdf_path(cache, "2101.00001")
    assert path.read_bytes() == data
    assert files_under(cache) == [path]
    assert seen[0] == (0, len(data)) and seen[-1] == (len(data), len(data))
    # already there: no network at all
    assert download_pdf("2101.00001", cache, base_url=f"http://127.0.0.1:{unused_port()}/pdf") == path
    assert len(http_server.requests) == 1


def test_download_versions_and_old_style_ids(http_server, cache):
    data = text_pdf(["x"])
    for route in ("/pdf/2101.00001v2", "/pdf/2101.00002v3", "/pdf/hep-th/9901001"):
        http_server.route(route, Reply(200, data, PDF_TYPE))
    base = http_server.url + "/pdf"
    assert download_pdf("2101.00001", cache, version=2, base_url=base).name == "2101.00001.pdf"
    assert download_pdf("2101.00002v3", cache, base_url=base).name == "2101.00002.pdf"
    assert download_pdf("hep-th/9901001", cache, base_url=base).name == "hep-th_9901001.pdf"
    assert [r.path for r in http_server.requests] == ["/pdf/2101.00001v2", "/pdf/2101.00002v3", "/pdf/hep-th/9901001"]


def test_download_base_url_from_environment(http_server, cache, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_PDF", http_server.url + "/mirror/pdf")
    http_server.route("/mirror/pdf/2101.00001", Reply(200, text_pdf(["x"]), PDF_TYPE))
    assert download_pdf("2101.00001", cache).is_file()


def _fails(http_server, cache, reply: Reply, **kw) -> str:
    http_server.route("/pdf/2101.00001", reply)
    with pytest.raises(DownloadError) as info:
        download_pdf("2101.00001", cache, base_url=http_server.url + "/pdf", **kw)
    assert files_under(cache) == []  # nothing kept, not even a temp file
    return info.value.reason


def test_download_html_instead_of_pdf(http_server, cache):
    page = b"<!DOCTYPE html>\n<html><head><title>arXiv</title></head><body>Please wait</body></html>"
    assert _fails(http_server, cache, Reply(200, page, {"Content-Type": "text/html"})) == "got a web page, not a PDF"
    # also when the server claims it is a PDF
    assert _fails(http_server, cache, Reply(200, page, PDF_TYPE)) == "got a web page, not a PDF"


def test_download_something_else(http_server, cache):
    assert _fails(http_server, cache, Reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100)) == "not a PDF"


def test_download_truncated_by_content_length(http_server, cache):
    data = text_pdf(numbered_pages(3))
    reason = _fails(http_server, cache, Reply(200, data, PDF_TYPE, send_bytes=len(data) - 100))
    assert reason == f"truncated: got {len(data) - 100} of {len(data)} bytes"


def test_download_cut_pdf(http_server, cache):
    data = text_pdf(numbered_pages(3))
    reason = _fails(http_server, cache, Reply(200, data[: len(data) // 2], PDF_TYPE))
    assert reason.startswith("truncated: the PDF has no end marker")


def test_download_http_404(http_server, cache):
    assert _fails(http_server, cache, Reply(404, b"no such paper")) == "HTTP 404"


def test_download_timeout(http_server, cache):
    start = time.monotonic()
    assert _fails(http_server, cache, Reply(hang=True), timeout=0.5) == "timed out after 0.5s"
    assert time.monotonic() - start < 3


def test_download_stalls_mid_body(http_server, cache):
    data = text_pdf(numbered_pages(3))
    reply = Reply(200, data, PDF_TYPE, send_bytes=300, stall=True)
    assert _fails(http_server, cache, reply, timeout=0.5) == "timed out after 0.5s"


def test_download_connection_refused(cache):
    with pytest.raises(DownloadError) as info:
        download_pdf("2101.00001", cache, base_url=f"http://127.0.0.1:{unused_port()}/pdf")
    assert info.value.reason == "connection refused"
    assert files_under(cache) == []


def test_download_rejects_bad_id(cache):
    with pytest.raises(ValueError):
        download_pdf("../../etc/passwd", cache)


# ---------------------------------------------------------------- text clean-up


def test_normalize_text():
    raw = "Title  of   the paper   \n\n\n\nFirst  para line one\nline two   \n\nSecond para"
    assert normalize_text(raw) == "Title of the paper\n\nFirst para line one\nline two\n\nSecond para"
    assert normalize_text("Teˇsanovi´c and W¨ubben, the di\ufb00erent e\ufb03cient") == (
        "Tešanović and Wübben, the different efficient"
    )
    # lines stay lines: joining them, and the words hyphenated at their ends, is the reflow's job
    # (tests/test_pdf_reflow.py)
    assert normalize_text("we exercise cau-\ntion here; caution matters") == "we exercise cau-\ntion here; caution matters"
    assert normalize_text("soft\u00adhyphen in a line, and one at the end soft\u00ad") == (
        "softhyphen in a line, and one at the end soft\u00ad"
    )


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -\n\t\u00a0´cA.")), max_size=60))
def test_normalize_text_properties(raw):
    out = normalize_text(raw)
    assert "  " not in out
    assert "\n\n\n" not in out
    assert all(line == line.strip() for line in out.split("\n"))
    assert normalize_text(out) == out


# ------------------------------------------------------------------ extraction


def test_extract_text_and_cache(cache, monkeypatch):
    put_pdf(cache, "2101.00001", text_pdf(["Page one  text", "Page two", "Page three"]))
    calls = []
    result = extract_text("2101.00001", cache, on_page=lambda i, n, t: calls.append((i, n, t)))
    assert result == PaperText(pages=["Page one text", "Page two", "Page three"])
    assert calls == [(0, 3, "Page one text"), (1, 3, "Page two"), (2, 3, "Page three")]
    assert text_cache_path(cache, "2101.00001").is_file()
    assert cached_text("2101.00001", cache) == result

    # the second open comes from the cache: no child process, and fast
    monkeypatch.setattr(pdf_worker, "_Worker", None)
    calls.clear()
    start = time.monotonic()
    again = extract_text("2101.00001", cache, on_page=lambda i, n, t: calls.append((i, n, t)))
    assert time.monotonic() - start < 0.1
    assert again == result and len(calls) == 3


def test_changed_pdf_invalidates_the_cache(cache):
    path = put_pdf(cache, "2101.00001", text_pdf(["old text"]))
    assert extract_text("2101.00001", cache).pages == ["old text"]
    path.write_bytes(text_pdf(["new text, longer"]))
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 5_000_000_000))
    assert cached_text("2101.00001", cache) is None
    assert extract_text("2101.00001", cache).pages == ["new text, longer"]


def test_corrupt_cache_file_is_ignored(cache):
    put_pdf(cache, "2101.00001", text_pdf(["text"]))
    extract_text("2101.00001", cache)
    text_cache_path(cache, "2101.00001").write_text("{not json", encoding="utf-8")
    assert cached_text("2101.00001", cache) is None
    assert extract_text("2101.00001", cache).pages == ["text"]


def test_first_page_arrives_before_the_last_is_extracted(cache):
    pages = numbered_pages(30)
    put_pdf(cache, "2101.00001", text_pdf(pages, slow_pages={29: 60_000}))
    stamps: dict[int, float] = {}
    result = extract_text("2101.00001", cache, on_page=lambda i, n, t: stamps.setdefault(i, time.monotonic()))
    assert result.error is None and result.skipped == []
    assert result.pages[0] == "Page 1 text second line of page 1"  # one paragraph
    assert result.pages[29].startswith("Page 30 text")
    assert sorted(stamps) == list(range(30))
    # page 30 alone takes pypdf most of a second: page 1 was reported well before it was done
    assert stamps[29] - stamps[0] > 0.25


def test_slow_page_is_skipped_and_the_rest_continues(cache):
    put_pdf(cache, "2101.00001", text_pdf(["first", "slow", "third"], slow_pages={1: 400_000}))
    calls = []
    start = time.monotonic()
    result = extract_text("2101.00001", cache, on_page=lambda i, n, t: calls.append((i, t)), page_timeout=0.5)
    assert time.monotonic() - start < 5
    assert result.pages == ["first", "", "third"]
    assert result.skipped == [(2, "page 2 took longer than 0.5 s; skipped")]
    assert result.error is None
    assert calls == [(0, "first"), (1, ""), (2, "third")]


def test_encrypted_pdf_with_empty_user_password_opens(cache):
    put_pdf(cache, "2101.00001", encrypted_pdf(["secret words"], user_password=""))
    assert extract_text("2101.00001", cache).pages == ["secret words"]


def test_encrypted_pdf_with_a_password_is_an_error(cache):
    put_pdf(cache, "2101.00001", encrypted_pdf(["secret words"], user_password="hunter2"))
    result = extract_text("2101.00001", cache)
    assert result.error == ENCRYPTED and result.pages == []


def test_truncated_pdf_is_an_error(cache):
    data = text_pdf(numbered_pages(5))
    put_pdf(cache, "2101.00001", data[: len(data) // 2])
    result = extract_text("2101.00001", cache)
    assert result.error == DAMAGED


def test_not_a_pdf(cache):
    put_pdf(cache, "2101.00001", b"<html><body>oops</body></html>")
    assert extract_text("2101.00001", cache).error == NOT_A_PDF


def test_not_downloaded(cache):
    result = extract_text("2101.00001", cache)
    assert result.error == NOT_DOWNLOADED
    assert not text_cache_path(cache, "2101.00001").exists()


def test_cancel(cache):
    put_pdf(cache, "2101.00001", text_pdf(numbered_pages(3), slow_pages={1: 400_000}))
    cancel = threading.Event()

    def on_page(i, n, t):
        cancel.set()

    start = time.monotonic()
    result = extract_text("2101.00001", cache, on_page=on_page, cancel=cancel)
    assert time.monotonic() - start < 3
    assert result.error == CANCELLED
    assert cached_text("2101.00001", cache) is None


FAKE_WORKER = r'''
import json, sys
start = int(sys.argv[-1])
mode = "die" if sys.argv[-2].endswith("2101.00002.pdf") else "crash"
def send(msg):
    print(json.dumps(msg), flush=True)
if mode == "die":
    sys.exit(3)
send({"total": 3})
if start == 0:
    send({"page": 0, "text": "one"})
    sys.exit(1)  # crash on page 2
for i in range(start, 3):
    send({"page": i, "text": f"page {i + 1}"})
send({"done": True})
'''


@pytest.fixture
def fake_python(tmp_path, monkeypatch):
    """Replace the child process with a scripted one (argv: -m reader.core.pdf_worker --worker PATH START)."""
    import sys

    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE_WORKER)
    launcher = tmp_path / "fakepython"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(launcher))
    return tmp_path


def test_crashed_worker_skips_the_page_and_a_fresh_one_continues(cache, fake_python):
    put_pdf(cache, "2101.00001", text_pdf(["x"]))  # the fake worker ignores it
    calls = []
    result = extract_text("2101.00001", cache, on_page=lambda i, n, t: calls.append((i, n, t)))
    assert result.pages == ["one", "", "page 3"]
    assert result.skipped == [(2, "page 2 could not be read (the extractor crashed)")]
    assert calls == [(0, 3, "one"), (1, 3, ""), (2, 3, "page 3")]


def test_worker_that_cannot_start_is_an_error_and_not_cached(cache, fake_python):
    path = put_pdf(cache, "2101.00001", text_pdf(["x"]))
    # the fake worker dies at once for this paper
    die = pdf_path(cache, "2101.00002")
    os.replace(path, die)
    result = extract_text("2101.00002", cache)
    assert result.error == "the text extractor failed (exit code 3)"
    assert cached_text("2101.00002", cache) is None
