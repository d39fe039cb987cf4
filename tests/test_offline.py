"""Offline fails fast (issue 14, point 8): a host name that does not resolve, or a refused
connection, is not retried; the message comes within a second, with arXiv's real 3 s rate
limit and the default retries, and progress never claims the papers were fetched."""

from __future__ import annotations

import socket
import textwrap
import time

import pytest

from reader.cli import run
from reader.core.arxiv_api import ArxivFetcher
from reader.core.pdf import DownloadError, download_pdf
from tests.httpserver import unused_port

IDS = ["2101.00001", "2101.00002", "2101.00003"]
OFFLINE_HOST = "export.arxiv.invalid"


@pytest.fixture
def no_dns(monkeypatch):
    """Name resolution fails the way it does offline (EAI_AGAIN); loopback addresses still work."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == OFFLINE_HOST:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def fetch_offline(url: str) -> tuple[list, list, float]:
    seen: list[tuple[int, int]] = []
    # arXiv's 3 s rate limit and the default retries (3) and back-off (1 s, doubling)
    with ArxivFetcher(api_url=url, delay_seconds=3.0) as fetcher:
        start = time.monotonic()
        outcomes = fetcher.fetch(IDS, progress=lambda done, total: seen.append((done, total)))
        elapsed = time.monotonic() - start
    return outcomes, seen, elapsed


def test_a_name_that_does_not_resolve_is_not_retried(no_dns):
    outcomes, seen, elapsed = fetch_offline(f"http://{OFFLINE_HOST}/api/query")
    assert elapsed < 1
    assert {(o.status, o.error, o.transient) for o in outcomes} == {
        ("error", "could not resolve the host name (offline?)", True)
    }
    assert seen == [(0, 3)]  # no paper was fetched: progress does not reach 100%


def test_a_refused_connection_is_not_retried():
    outcomes, seen, elapsed = fetch_offline(f"http://127.0.0.1:{unused_port()}/api/query")
    assert elapsed < 1
    assert {(o.status, o.error) for o in outcomes} == {("error", "connection refused")}
    assert seen == [(0, 3)]


def test_a_pdf_download_offline_fails_at_once(no_dns, tmp_path):
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download_pdf("2101.00001", tmp_path, base_url=f"http://{OFFLINE_HOST}/pdf")
    assert time.monotonic() - start < 1
    assert info.value.reason == "could not resolve the host name (offline?)"


def test_reader_fetch_offline_answers_within_a_second(no_dns, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_API", f"http://{OFFLINE_HOST}/api/query")
    monkeypatch.delenv("READER_ARXIV_DELAY")  # arXiv's own 3 s
    week = tmp_path / "week.md"
    week.write_text(
        textwrap.dedent(
            """\
            # 210801 A week

            https://arxiv.org/abs/2101.00001 First Paper (Ann Lee)
            https://arxiv.org/abs/2101.00002 Second Paper (Bo Chen)
            """
        ),
        encoding="utf-8",
    )
    assert run(["import", str(week)]) == 0
    capsys.readouterr()
    start = time.monotonic()
    code = run(["fetch"])
    elapsed = time.monotonic() - start
    _, err = capsys.readouterr()
    assert code == 1 and elapsed < 1
    assert err.splitlines() == ["arXiv unreachable: could not resolve the host name (offline?); working offline"]
