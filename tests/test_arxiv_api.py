"""reader.core.arxiv_api against a local HTTP server speaking arXiv's Atom, old and new."""

from __future__ import annotations

import json
import time

import pytest

from reader.core.arxiv_api import (
    INVALID_ID,
    REJECTED_400,
    ArxivFetcher,
    ArxivMetadata,
    FetchOutcome,
)
from tests.atomfeeds import API, _new_entry, _old_entry, arxiv_like, entry, error_feed, new_feed, old_feed  # noqa: F401
from tests.httpserver import Reply, unused_port


@pytest.fixture
def fetcher_for(http_server):
    made = []

    def make(**kw) -> ArxivFetcher:
        kw.setdefault("api_url", http_server.url + API)
        kw.setdefault("timeout", 2.0)
        kw.setdefault("delay_seconds", 0)
        kw.setdefault("backoff", 0)
        f = ArxivFetcher(**kw)
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()


FULL = entry(
    "2007.01758",
    version=2,
    title="A  Title\n   wrapped over\n  lines",
    summary="First line of the abstract\n  continues here.  Second   sentence.",
    authors=[("Ada Lovelace", ["Analytical Engines Ltd"]), ("Alan  Turing", [])],
    categories=["hep-th", "gr-qc", "math-ph"],
    primary="hep-th",
    comment="12 pages,\n 3 figures",
    journal_ref="Phys. Rev. D 102, 123456 (2020)",
    doi="10.1103/PhysRevD.102.123456",
)

EXPECTED_FULL = ArxivMetadata(
    arxiv_id="2007.01758",
    version=2,
    title="A Title wrapped over lines",
    authors=["Ada Lovelace", "Alan Turing"],
    abstract="First line of the abstract continues here. Second sentence.",
    categories=["hep-th", "gr-qc", "math-ph"],
    primary_category="hep-th",
    published="2020-07-03T15:17:38Z",
    updated="2020-09-01T10:00:00Z",
    doi="10.1103/PhysRevD.102.123456",
    journal_ref="Phys. Rev. D 102, 123456 (2020)",
    comment="12 pages, 3 figures",
    pdf_url="https://arxiv.org/pdf/2007.01758v2",
)


# ------------------------------------------------------------------------ tests


@pytest.mark.parametrize("fmt", ["new", "old"])
def test_normal_fetch_both_feed_formats(http_server, fetcher_for, fmt):
    http_server.route(API, arxiv_like({"2007.01758": FULL}, fmt))
    seen = []
    outcomes = fetcher_for().fetch(["2007.01758"], progress=lambda d, t: seen.append((d, t)))
    assert outcomes == [FetchOutcome("2007.01758", "ok", metadata=EXPECTED_FULL)]
    assert seen == [(0, 1), (1, 1)]
    (req,) = http_server.requests
    assert req.arg("id_list") == "2007.01758"
    assert req.arg("max_results") == "1"
    assert req.arg("start") == "0"


def test_old_feed_with_only_a_doi_link(http_server, fetcher_for):
    e = entry("1501.00001", doi="10.1000/xyz(1)", doi_link_only=True)
    http_server.route(API, arxiv_like({"1501.00001": e}, "old"))
    (out,) = fetcher_for().fetch(["1501.00001"])
    assert out.metadata.doi == "10.1000/xyz(1)"


def test_versioned_request_gets_latest_version(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2007.01758": entry("2007.01758", version=3)}))
    (out,) = fetcher_for().fetch(["2007.01758v1"])
    assert out.arxiv_id == "2007.01758" and out.status == "ok"
    assert out.metadata.version == 3 and out.metadata.arxiv_id == "2007.01758"
    assert out.metadata.pdf_url == "https://arxiv.org/pdf/2007.01758v3"
    assert http_server.requests[0].arg("id_list") == "2007.01758"


def test_old_style_id_with_affiliations(http_server, fetcher_for):
    # In the shape of the recorded reply for astro-ph/0601001.
    e = entry(
        "astro-ph/0601001",
        title="Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys "
        "Toward the Galactic Bulge and Carina",
        summary="  We derive the frequencies of hot Jupiters (HJs) with 3--5 day periods\n for V_max<17.5.",
        authors=[
            ("Andrew Gould", ["Ohio State"]),
            ("Susan Dorsher", ["Ohio State"]),
            ("B. Scott Gaudi", ["CfA"]),
            ("Andrzej Udalski", ["Warsaw University Observatory"]),
        ],
        categories=["astro-ph"],
        primary="astro-ph",
        published="2006-01-02T14:57:58Z",
        updated="2006-01-02T14:57:58Z",
        comment="62 pages including 16 figures and 9 tables. Submitted to Acta Astronomica.",
        journal_ref="ActaAstron.56:1-50,2006",
    )
    http_server.route(API, arxiv_like({"astro-ph/0601001": e}))
    (out,) = fetcher_for().fetch(["astro-ph/0601001"])
    assert out.status == "ok" and out.arxiv_id == "astro-ph/0601001"
    m = out.metadata
    assert m.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert m.version == 1 and m.journal_ref == "ActaAstron.56:1-50,2006" and m.doi is None
    assert m.pdf_url == "https://arxiv.org/pdf/astro-ph/0601001v1"
    assert m.abstract.startswith("We derive") and "<17.5" in m.abstract
    assert http_server.requests[0].arg("id_list") == "astro-ph/0601001"


def test_old_style_id_with_subject_class_maps_back(http_server, fetcher_for):
    # arXiv answers math.GT/0309136 as math/0309136.
    http_server.route(API, lambda req: Reply(200, new_feed([entry("math/0309136")])))
    (out,) = fetcher_for().fetch(["math.GT/0309136"])
    assert out.status == "ok" and out.arxiv_id == "math.GT/0309136"
    assert out.metadata.arxiv_id == "math.GT/0309136"


def test_title_zero_and_missing_optional_fields(http_server, fetcher_for):
    e = entry("2101.00001", title="0", primary=None, pdf_link=False, categories=["cs.LG", "stat.ML"])
    http_server.route(API, arxiv_like({"2101.00001": e}))
    (out,) = fetcher_for().fetch(["2101.00001"])
    m = out.metadata
    assert m.title == "0"
    assert m.comment is None and m.journal_ref is None and m.doi is None
    assert m.primary_category == "cs.LG"
    assert m.pdf_url == "https://arxiv.org/pdf/2101.00001v1"


def test_missing_title_is_empty_string(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001", title=None)}))
    (out,) = fetcher_for().fetch(["2101.00001"])
    assert out.status == "ok" and out.metadata.title == ""


def test_batch_of_150_makes_two_requests(http_server, fetcher_for):
    ids = [f"2101.{n:05d}" for n in range(1, 151)]
    http_server.route(API, arxiv_like({i: entry(i) for i in ids}))
    seen = []
    outcomes = fetcher_for().fetch(ids, progress=lambda d, t: seen.append((d, t)))
    assert [o.arxiv_id for o in outcomes] == ids
    assert all(o.status == "ok" for o in outcomes)
    first, second = http_server.requests
    assert first.arg("max_results") == "100" and len(first.arg("id_list").split(",")) == 100
    assert second.arg("max_results") == "50" and len(second.arg("id_list").split(",")) == 50
    assert seen == [(0, 150), (100, 150), (150, 150)]


def test_unknown_id_is_not_found(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    a, b = fetcher_for().fetch(["2101.00001", "2101.99999"])
    assert a.status == "ok"
    assert b == FetchOutcome("2101.99999", "not_found")
    assert len(http_server.requests) == 1


def test_entries_come_back_in_any_order(http_server, fetcher_for):
    ids = ["2101.00003", "2101.00001", "2101.00002"]
    http_server.route(API, lambda req: Reply(200, new_feed([entry(i) for i in sorted(ids)])))
    outcomes = fetcher_for().fetch(ids)
    assert [(o.arxiv_id, o.metadata.arxiv_id) for o in outcomes] == [(i, i) for i in ids]


def test_duplicates_and_versions_collapse_to_one_outcome(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001", version=2)}))
    outcomes = fetcher_for().fetch(["2101.00001", "2101.00001v1", " arXiv:2101.00001v2 "])
    assert [o.arxiv_id for o in outcomes] == ["2101.00001"]
    assert http_server.requests[0].arg("id_list") == "2101.00001"


def test_invalid_id_is_an_error_without_a_request(http_server, fetcher_for):
    (out,) = fetcher_for().fetch(["abc"])
    assert out == FetchOutcome("abc", "error", error=INVALID_ID)
    assert http_server.requests == []


def test_http_400_is_not_retried(http_server, fetcher_for):
    http_server.route(API, Reply(400, error_feed("2101.00001")))
    (out,) = fetcher_for(max_retries=3).fetch(["2101.00001"])
    assert out.status == "error" and out.error == REJECTED_400 and not out.transient
    assert len(http_server.requests) == 1


def test_http_400_for_a_batch_sets_the_named_id_aside(http_server, fetcher_for):
    known = {i: entry(i) for i in ("2101.00001", "2101.00003")}
    http_server.route(API, arxiv_like(known, rejected={"2101.00002"}))
    outcomes = fetcher_for().fetch(["2101.00001", "2101.00002", "2101.00003"])
    assert [o.status for o in outcomes] == ["ok", "error", "ok"]
    assert outcomes[1].error == REJECTED_400
    # the batch, then the batch without the id the error feed names
    assert [r.arg("id_list") for r in http_server.requests] == [
        "2101.00001,2101.00002,2101.00003",
        "2101.00001,2101.00003",
    ]


def test_http_400_for_a_batch_without_a_named_id_is_split(http_server, fetcher_for):
    ids = [f"2101.{n:05d}" for n in range(1, 9)]
    rejected = {"2101.00003", "2101.00007"}
    http_server.route(API, arxiv_like({i: entry(i) for i in ids}, rejected=rejected, name_bad=False))
    outcomes = fetcher_for(max_retries=3).fetch(ids)
    assert {o.arxiv_id for o in outcomes if o.status == "error"} == rejected
    assert all(o.error == REJECTED_400 for o in outcomes if o.status == "error")
    assert all(o.status == "ok" for o in outcomes if o.arxiv_id not in rejected)
    # 8 -> 4+4 -> 2+2 (+2+2) -> singles for the two halves holding a bad id: 1 + 2 + 4 + 4
    assert len(http_server.requests) == 11


def test_503_then_success(http_server, fetcher_for):
    http_server.queue(API, Reply(503, "busy"))
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    (out,) = fetcher_for(max_retries=3).fetch(["2101.00001"])
    assert out.status == "ok"
    assert len(http_server.requests) == 2


def test_503_forever_gives_up_after_retries_and_spares_later_batches(http_server, fetcher_for):
    http_server.route(API, Reply(503, "busy"))
    ids = [f"2101.{n:05d}" for n in range(1, 151)]
    outcomes = fetcher_for(max_retries=2).fetch(ids)
    assert {(o.status, o.error, o.transient) for o in outcomes} == {("error", "HTTP 503", True)}
    assert len(http_server.requests) == 3  # first batch: 1 + 2 retries; second batch not tried


def test_retry_backoff_sleeps(http_server, fetcher_for):
    http_server.queue(API, Reply(500), Reply(502))
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    start = time.monotonic()
    (out,) = fetcher_for(max_retries=3, backoff=0.1).fetch(["2101.00001"])
    assert out.status == "ok"
    assert time.monotonic() - start >= 0.3  # 0.1 + 0.2


def test_server_that_never_answers_times_out(http_server, fetcher_for):
    http_server.route(API, Reply(hang=True))
    start = time.monotonic()
    (out,) = fetcher_for(timeout=0.5, max_retries=0).fetch(["2101.00001"])
    assert out.status == "error" and out.error == "timed out after 0.5s" and out.transient
    assert time.monotonic() - start < 3


def test_connection_refused(fetcher_for):
    f = fetcher_for(api_url=f"http://127.0.0.1:{unused_port()}{API}", max_retries=1)
    (out,) = f.fetch(["2101.00001"])
    assert out.status == "error" and out.error == "connection refused" and out.transient


def test_default_api_url_comes_from_the_environment(http_server, monkeypatch):
    monkeypatch.setenv("READER_ARXIV_API", http_server.url + API)
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    with ArxivFetcher(backoff=0) as f:
        assert f.delay_seconds == 0  # READER_ARXIV_DELAY=0 from conftest
        assert f.fetch(["2101.00001"])[0].status == "ok"


def test_delay_env_and_argument(monkeypatch):
    monkeypatch.setenv("READER_ARXIV_DELAY", "1.5")
    assert ArxivFetcher().delay_seconds == 1.5
    assert ArxivFetcher(delay_seconds=0.2).delay_seconds == 0.2
    monkeypatch.delenv("READER_ARXIV_DELAY")
    assert ArxivFetcher().delay_seconds == 3.0


def test_connection_closed_without_reply(http_server, fetcher_for):
    http_server.route(API, Reply(close=True))
    (out,) = fetcher_for(max_retries=1).fetch(["2101.00001"])
    assert out.status == "error" and out.transient
    assert out.error in {"the server closed the connection", "connection reset"}
    assert len(http_server.requests) == 2


def test_html_instead_of_a_feed_is_an_error(http_server, fetcher_for):
    http_server.route(API, Reply(200, "<!DOCTYPE html><html><body>Captive portal</body></html>"))
    (out,) = fetcher_for(max_retries=0).fetch(["2101.00001"])
    assert out.status == "error" and "not an Atom feed" in out.error


@pytest.mark.parametrize("fmt", ["new", "old"])
def test_an_entry_with_an_unreadable_date_costs_only_that_paper(http_server, fetcher_for, fmt):
    # The arxiv package gives up on a whole feed over one date it cannot read.
    known = {"2101.00001": entry("2101.00001", published="sometime in 2021"), "2101.00002": entry("2101.00002")}
    http_server.route(API, arxiv_like(known, fmt))
    bad, good = fetcher_for(max_retries=0).fetch(["2101.00001", "2101.00002"])
    assert good.status == "ok" and good.metadata.title == "Title of 2101.00002"
    assert bad == FetchOutcome("2101.00001", "error", error="arXiv's entry for it could not be read")
    assert len(http_server.requests) == 1


def test_session_and_rate_limit_are_reused(http_server, fetcher_for):
    http_server.route(API, arxiv_like({"2101.00001": entry("2101.00001")}))
    f = fetcher_for(delay_seconds=0.3)
    f.fetch(["2101.00001"])
    session = f._session
    start = time.monotonic()
    f.fetch(["2101.00001"])
    assert f._session is session
    assert time.monotonic() - start >= 0.25


def test_metadata_json_round_trip():
    data = EXPECTED_FULL.to_json()
    assert list(data) == [
        "title", "authors", "abstract", "categories", "primary_category", "published",
        "updated", "doi", "journal_ref", "comment", "pdf_url", "version", "arxiv_id",
    ]  # fmt: skip
    assert ArxivMetadata.from_json(json.loads(json.dumps(data))) == EXPECTED_FULL
    zero = ArxivMetadata(arxiv_id="2101.00001", version=None, title="0")
    assert ArxivMetadata.from_json(zero.to_json()).title == "0"


def test_importing_the_module_is_cheap():
    import subprocess
    import sys

    code = "import sys, reader.core.arxiv_api, reader.core.pdf; print(sorted(m for m in ('arxiv','requests','pypdf','lxml','textual') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_mojibake_in_names_is_repaired(http_server, fetcher_for):
    # Seen in a recorded reply: "Dirk WÃ¼bben" for Dirk Wübben (UTF-8 read as Latin-1).
    e = entry("1707.08567", authors=[("Dirk WÃ¼bben", []), ("São Paulo Group", [])], title="Donâ€™t panic")
    http_server.route(API, arxiv_like({"1707.08567": e}))
    (out,) = fetcher_for().fetch(["1707.08567"])
    assert out.metadata.authors == ["Dirk Wübben", "São Paulo Group"]
    assert out.metadata.title == "Don’t panic"


def test_bad_api_address_is_reported_not_retried(fetcher_for):
    (out,) = fetcher_for(api_url="nonsense-without-scheme/api/query", max_retries=3, backoff=10).fetch(["2101.00001"])
    assert out.status == "error" and out.error == "invalid server address"
