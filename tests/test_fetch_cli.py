"""reader fetch / show / list --mismatched / text, against a local arXiv on 127.0.0.1."""

from __future__ import annotations

import json
import textwrap

import pytest

from reader.cli import run
from tests.atomfeeds import API, arxiv_like, entry
from tests.httpserver import Reply, unused_port
from tests.pdfgen import text_pdf

WEEK = textwrap.dedent(
    """\
    # 210801 A week

    https://arxiv.org/abs/2107.03374v1 Language Models are Few-Shot Learners (Tom B. Brown, Benjamin Mann)
    The digest gives GPT-3's title with the Codex paper's id.
    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz)
    Careful engineering.
    https://arxiv.org/abs/2107.99999 A paper arXiv does not know (Nobody Atall)
    No such paper.
    """
)

KNOWN = {
    "2107.03374": entry("2107.03374", 2, title="Evaluating Large Language Models Trained on Code"),
    "2007.03898": entry("2007.03898", 3, title="NVAE: A deep hierarchical variational autoencoder"),
}


@pytest.fixture
def arxiv(http_server, monkeypatch, tmp_path):
    http_server.route(API, arxiv_like(KNOWN))
    monkeypatch.setenv("READER_ARXIV_API", http_server.url + API)
    monkeypatch.setenv("READER_ARXIV_PDF", http_server.url + "/pdf")
    path = tmp_path / "week.md"
    path.write_text(WEEK, encoding="utf-8")
    assert run(["import", str(path)]) == 0
    return http_server


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_stores_metadata_and_show_reports_it(arxiv, capsys):
    capsys.readouterr()
    _code, out, _err = cli(capsys, "fetch")
    assert "2 ok" in out and "1 not found on arXiv (2107.99999)" in out
    _, out, _ = cli(capsys, "show", "2007.03898", "--json")
    data = json.loads(out)
    assert data["status"] == "ok"
    assert set(data["arxiv"]) == {"title", "authors", "abstract", "categories", "published", "updated", "doi", "journal_ref", "comment", "pdf_url", "version"}
    assert data["arxiv"]["version"] == 3
    _, out, _ = cli(capsys, "show", "2107.99999", "--json")
    assert json.loads(out)["status"] == "not_found"


def test_not_found_is_not_asked_again(arxiv, capsys):
    cli(capsys, "fetch")
    before = len(arxiv.requests)
    code, out, _ = cli(capsys, "fetch")
    assert code == 0 and "already has" in out and len(arxiv.requests) == before


def test_mismatched_titles_are_listed(arxiv, capsys):
    cli(capsys, "fetch")
    _, out, _ = cli(capsys, "list", "--mismatched", "--json")
    # NVAE differs only by case: not a mismatch.
    assert [p["arxiv_id"] for p in json.loads(out)] == ["2107.03374"]


def test_offline_is_one_line_and_keeps_working(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_API", f"http://127.0.0.1:{unused_port()}/api/query")
    path = tmp_path / "week.md"
    path.write_text(WEEK, encoding="utf-8")
    cli(capsys, "import", path)
    code, out, err = cli(capsys, "fetch")
    assert code == 1
    assert err.splitlines()[0].startswith("arXiv unreachable: connection refused; working offline")
    _, out, _ = cli(capsys, "show", "2007.03898", "--json")
    assert json.loads(out)["status"] == "error"
    code, out, _ = cli(capsys, "list")
    assert code == 0 and "NVAE" in out


def test_fetch_pdf_then_text(arxiv, capsys):
    arxiv.route("/pdf/2007.03898", Reply(200, text_pdf(["First page words.", "Second page words."]), {"Content-Type": "application/pdf"}))
    code, out, err = cli(capsys, "fetch", "--pdf", "2007.03898")
    assert code == 0, err
    code, out, _ = cli(capsys, "text", "2007.03898")
    assert code == 0 and "First page words." in out and "Second page words." in out


def test_text_without_pdf_says_how_to_get_it(arxiv, capsys):
    code, _, err = cli(capsys, "text", "2007.03898")
    assert code == 1 and "reader fetch --pdf 2007.03898" in err


def test_web_page_instead_of_pdf(arxiv, capsys):
    arxiv.route("/pdf/2007.03898", Reply(200, b"<!DOCTYPE html><html>captcha</html>", {"Content-Type": "text/html"}))
    code, _, err = cli(capsys, "fetch", "--pdf", "2007.03898")
    assert code == 1 and "got a web page, not a PDF" in err


def test_show_names_both_versions_and_flags_the_mismatch(arxiv, capsys):
    cli(capsys, "fetch")
    _, out, _ = cli(capsys, "show", "2107.03374")
    assert "digest names v1, latest v2" in out
    assert "Title on arXiv differs from the digest's: Evaluating Large Language Models Trained on Code" in out
    _, out, _ = cli(capsys, "show", "2107.03374", "--json")
    data = json.loads(out)
    assert data["mismatched"] is True and data["commentary"][0]["version"] == 1 and data["arxiv"]["version"] == 2
