"""Paper metadata from the arXiv API, without any UI.

``ArxivFetcher.fetch`` turns a list of arXiv ids into one ``FetchOutcome`` per
(unversioned) id: ``ok`` with ``ArxivMetadata``, ``not_found``, or ``error``
with a short human reason ("connection refused", "timed out after 10s",
"HTTP 503", "arXiv rejected the id (HTTP 400)").  It never raises for network
or server trouble.

The requests go through one ``arxiv.Client`` per fetcher (its 3 s rate limit
is per instance), but this module owns the policy the package gets wrong for
us (measured on arxiv 4.0.2):

* the package sets no timeout; we mount an ``HTTPAdapter`` on its session
  that adds one to every request;
* the package retries every non-200 status, including 400 (about 9 s for a
  malformed id); we set its ``num_retries`` to 0 and retry here, on 5xx and
  connection errors only, never on 4xx;
* ``Client.results`` follows ``opensearch:totalResults`` to further pages,
  and the arXiv API has counted unknown ids there (arxiv.py issue #82),
  which costs a useless second request; we send exactly one request per
  batch, with ``max_results`` equal to the batch size.

Nothing is imported from ``requests``, ``arxiv`` or ``lxml`` until a fetcher
first talks to the network, so importing this module is cheap.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal

if TYPE_CHECKING:  # pragma: no cover
    import arxiv

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
BATCH_SIZE = 100  # the arXiv API caps an id_list query at max_results; 100 keeps URLs short

REJECTED_400 = "arXiv rejected the id (HTTP 400)"
INVALID_ID = "not a valid arXiv id"

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ABS_RE = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?/?$")
_WS_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ArxivMetadata:
    """What arXiv says about one paper (its latest version)."""

    arxiv_id: str  # without version: "2007.01758", "hep-th/9901001"
    version: int | None  # the latest version arXiv reported
    title: str
    authors: list[str] = field(default_factory=list, hash=False)
    abstract: str = ""
    categories: list[str] = field(default_factory=list, hash=False)
    primary_category: str | None = None
    published: str = ""  # ISO 8601 UTC, "2017-07-27T08:18:33Z"
    updated: str = ""
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    pdf_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "categories": list(self.categories),
            "primary_category": self.primary_category,
            "published": self.published,
            "updated": self.updated,
            "doi": self.doi,
            "journal_ref": self.journal_ref,
            "comment": self.comment,
            "pdf_url": self.pdf_url,
            "version": self.version,
            "arxiv_id": self.arxiv_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArxivMetadata:
        version = data.get("version")
        return cls(
            arxiv_id=str(data["arxiv_id"]),
            version=int(version) if version is not None else None,
            title=str(data.get("title") if data.get("title") is not None else ""),
            authors=[str(a) for a in data.get("authors") or []],
            abstract=str(data.get("abstract") or ""),
            categories=[str(c) for c in data.get("categories") or []],
            primary_category=data.get("primary_category"),
            published=str(data.get("published") or ""),
            updated=str(data.get("updated") or ""),
            doi=data.get("doi"),
            journal_ref=data.get("journal_ref"),
            comment=data.get("comment"),
            pdf_url=data.get("pdf_url"),
        )


Status = Literal["ok", "not_found", "error"]


@dataclass
class FetchOutcome:
    """The result for one requested id.

    ``error`` is a short reason meant to be shown to the user, e.g.
    ``f"arXiv unreachable: {outcome.error}; working offline"``.
    ``transient`` is True when the failure is about the network or arXiv being
    down (worth retrying later), False when it is about the id itself.
    """

    arxiv_id: str
    status: Status
    metadata: ArxivMetadata | None = None
    error: str | None = None
    transient: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ----------------------------------------------------------------- error reasons


def network_error_reason(exc: BaseException, timeout: float | None = None) -> str:
    """A short human reason for a ``requests``/socket exception."""
    import requests

    def chain(e: BaseException | None):
        seen = set()
        while e is not None and id(e) not in seen:
            seen.add(id(e))
            yield e
            nxt = getattr(e, "reason", None)
            if not isinstance(nxt, BaseException):
                nxt = e.args[0] if e.args and isinstance(e.args[0], BaseException) else None
            e = nxt or e.__cause__ or e.__context__

    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)):
        return "invalid server address"
    parts = list(chain(exc))
    text = " ".join(str(p) for p in parts).lower()
    after = f" after {timeout:g}s" if timeout is not None else ""
    if isinstance(exc, requests.exceptions.Timeout) or any(isinstance(p, TimeoutError) for p in parts):
        return f"timed out{after}"
    if "timed out" in text:
        return f"timed out{after}"
    if any(isinstance(p, ConnectionRefusedError) for p in parts) or "connection refused" in text or "errno 111" in text:
        return "connection refused"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS/SSL error"
    if any(k in text for k in ("name or service not known", "nodename nor servname", "temporary failure in name resolution", "getaddrinfo failed", "name resolution")):
        return "could not resolve the host name (offline?)"
    if any(isinstance(p, ConnectionResetError) for p in parts) or "connection reset" in text:
        return "connection reset"
    if "remotedisconnected" in text or "remote end closed" in text or "connection aborted" in text:
        return "the server closed the connection"
    if "network is unreachable" in text or "no route to host" in text:
        return "network is unreachable"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed"
    return f"network error ({type(exc).__name__})"


def _status_reason(status: int) -> str:
    if status == 400:
        return REJECTED_400
    if status == 429:
        return "HTTP 429 (arXiv is rate-limiting us)"
    return f"HTTP {status}"


# ------------------------------------------------------------------- id helpers


def _split_version(raw: str) -> tuple[str, int | None] | None:
    """Normalise a requested id to (unversioned id, version) using ``reader.core.ids``."""
    from reader.core import ids  # imported lazily: written alongside this module

    text = raw.strip()
    if not text:
        return None
    parsed = ids.parse_id(text)
    if parsed is None:
        return None
    return parsed


def _entry_id(url: str) -> tuple[str, int | None] | None:
    m = _ABS_RE.match(url.strip())
    if not m:
        return None
    return m["id"], int(m["v"]) if m["v"] else None


def _lookup_keys(arxiv_id: str) -> list[str]:
    """Keys under which arXiv may answer for a requested id.

    An old-style id with a subject class, ``math.GT/0309136``, comes back as
    ``math/0309136``.
    """
    keys = [arxiv_id.lower()]
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/", 1)
        if "." in archive:
            keys.append(f"{archive.split('.', 1)[0]}/{number}".lower())
    return keys


# ------------------------------------------------------------------ normalising


_MOJIBAKE_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1/cp1252 ("WÃ¼bben" -> "Wübben").

    Only when the whole string round-trips to valid UTF-8, which ordinary text
    with accents (a lone "ã" before ASCII, say) never does.
    """
    if not _MOJIBAKE_RE.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(fixed) < len(text):
            return fixed
    return text


def _ws(text: str | None) -> str:
    return _fix_mojibake(_WS_RE.sub(" ", text or "").strip())


def _opt(text: str | None) -> str | None:
    cleaned = _ws(text)
    return cleaned or None


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = _ws(value if isinstance(value, str) else "")
    try:
        return _iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def _doi_from_links(links: Iterable[tuple[str | None, str | None]]) -> str | None:
    for title, href in links:
        if title == "doi" and href:
            m = re.search(r"(10\.\d{4,9}/\S+)$", href.strip())
            if m:
                from urllib.parse import unquote

                return unquote(m.group(1))
    return None


def _https(url: str | None) -> str | None:
    if url and url.startswith("http://arxiv.org/"):
        return "https://" + url[len("http://"):]
    return url


def _make_metadata(
    *,
    entry_url: str,
    title: str | None,
    authors: list[str],
    summary: str | None,
    categories: list[str],
    primary: str | None,
    published: Any,
    updated: Any,
    doi: str | None,
    journal_ref: str | None,
    comment: str | None,
    pdf_url: str | None,
    links: list[tuple[str | None, str | None]],
) -> ArxivMetadata | None:
    ident = _entry_id(entry_url)
    if ident is None:  # e.g. https://arxiv.org/api/errors#... entries
        return None
    arxiv_id, version = ident
    cats = [c for c in (_ws(c) for c in categories) if c]
    cats = list(dict.fromkeys(cats))
    primary_category = _opt(primary) or (cats[0] if cats else None)
    pub, upd = _iso(published), _iso(updated)
    if not pdf_url:
        pdf_url = f"https://arxiv.org/pdf/{arxiv_id}" + (f"v{version}" if version else "")
    return ArxivMetadata(
        arxiv_id=arxiv_id,
        version=version,
        title=_ws(title),  # a title of "0" stays "0"
        authors=[a for a in (_ws(a) for a in authors) if a],
        abstract=_ws(summary),
        categories=cats,
        primary_category=primary_category,
        published=pub or upd,
        updated=upd or pub,
        doi=_opt(doi) or _doi_from_links(links),
        journal_ref=_opt(journal_ref),
        comment=_opt(comment),
        pdf_url=_https(pdf_url),
    )


def _from_result(result: arxiv.Result) -> ArxivMetadata | None:
    links = [(link.title, link.href) for link in result.links]
    return _make_metadata(
        entry_url=result.entry_id,
        title=result.title,
        authors=[a.name for a in result.authors],
        summary=result.summary,
        categories=list(result.categories),
        primary=result.primary_category,
        published=result.published,
        updated=result.updated,
        doi=result.doi,
        journal_ref=result.journal_ref,
        comment=result.comment,
        pdf_url=result.pdf_url,
        links=links,
    )


class _BadFeed(Exception):
    """The reply was not an arXiv Atom feed."""


def _looks_like_atom(body: bytes) -> bool:
    head = body[:4096].lstrip()
    return b"<feed" in head and b"http://www.w3.org/2005/Atom" in head


def parse_atom(body: bytes) -> list[ArxivMetadata]:
    """Parse an arXiv API Atom feed with the standard library.

    Used when the arxiv package cannot parse a reply (it gives up on the whole
    feed over one odd date, for instance).  Handles both the pre-2025 feed
    (namespaces declared on each element, ``<link title="doi">``) and the
    current one.  Raises ``_BadFeed`` for anything that is not such a feed.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise _BadFeed(f"unreadable reply from arXiv ({exc})") from exc
    if root.tag != f"{_ATOM}feed":
        raise _BadFeed("unexpected reply from arXiv (not an Atom feed)")

    def text(elem: Any, tag: str) -> str | None:
        found = elem.find(tag)
        return found.text if found is not None else None

    out: list[ArxivMetadata] = []
    for entry in root.iter(f"{_ATOM}entry"):
        entry_url = text(entry, f"{_ATOM}id")
        if not entry_url:
            continue
        links = [(ln.get("title"), ln.get("href")) for ln in entry.iter(f"{_ATOM}link")]
        pdf_url = next((href for title, href in links if title == "pdf" and href), None)
        primary = entry.find(f"{_ARXIV}primary_category")
        published, updated = text(entry, f"{_ATOM}published"), text(entry, f"{_ATOM}updated")
        if not (published or updated):
            continue
        meta = _make_metadata(
            entry_url=entry_url,
            title=text(entry, f"{_ATOM}title"),
            authors=[text(a, f"{_ATOM}name") or "" for a in entry.iter(f"{_ATOM}author")],
            summary=text(entry, f"{_ATOM}summary"),
            categories=[c.get("term") or "" for c in entry.iter(f"{_ATOM}category")],
            primary=primary.get("term") if primary is not None else None,
            published=published,
            updated=updated,
            doi=text(entry, f"{_ARXIV}doi"),
            journal_ref=text(entry, f"{_ARXIV}journal_ref"),
            comment=text(entry, f"{_ARXIV}comment"),
            pdf_url=pdf_url,
            links=links,
        )
        if meta is not None:
            out.append(meta)
    return out


def _named_in_error(body: bytes, batch: list[str]) -> list[str]:
    """Ids of ``batch`` that an arXiv 400 error feed names ("incorrect id format for abc")."""
    try:
        text = body.decode("utf-8", "replace")
    except Exception:  # pragma: no cover
        return []
    named = set(re.findall(r"incorrect id format for ([^\s<]+)", text))
    named |= set(re.findall(r"#incorrect_id_format_for_([^\s<\"]+)", text))
    return [i for i in batch if i in named]


# ---------------------------------------------------------------------- fetcher


class _HTTPStatus(Exception):
    def __init__(self, status: int, body: bytes = b""):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


_ADAPTER_CLASS: Any = None


def _timeout_adapter(timeout: float) -> Any:
    """An HTTPAdapter that adds ``timeout`` to requests sent without one and never retries."""
    global _ADAPTER_CLASS
    if _ADAPTER_CLASS is None:
        from requests.adapters import HTTPAdapter

        class TimeoutAdapter(HTTPAdapter):
            def __init__(self, timeout: float):
                self.timeout = timeout
                super().__init__(max_retries=0)

            def send(self, request, **kwargs):  # type: ignore[override]
                if kwargs.get("timeout") is None:
                    kwargs["timeout"] = self.timeout
                return super().send(request, **kwargs)

        _ADAPTER_CLASS = TimeoutAdapter
    return _ADAPTER_CLASS(timeout)


def _env_float(name: str) -> float | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        log.warning("ignoring %s=%r: not a number", name, value)
        return None


class ArxivFetcher:
    """Fetches metadata for arXiv ids, politely and without ever hanging.

    * ``api_url``: default ``$READER_ARXIV_API`` or the public export API.
    * ``timeout``: seconds for connecting and for each read of every request.
    * ``delay_seconds``: pause between requests (arXiv asks for 3 s);
      ``None`` means ``$READER_ARXIV_DELAY`` if set, else 3.0.
    * ``max_retries`` / ``backoff``: retries after a 5xx or a network error,
      sleeping ``backoff * 2**n`` seconds before retry n+1.  4xx is never retried.

    One instance keeps one ``arxiv.Client`` (and its connection pool and rate
    limit); reuse it.  ``fetch`` may be called from any thread; calls are
    serialised.
    """

    def __init__(
        self,
        api_url: str | None = None,
        timeout: float = 10.0,
        delay_seconds: float | None = None,
        max_retries: int = 3,
        backoff: float = 1.0,
    ):
        self.api_url = api_url or os.environ.get("READER_ARXIV_API") or DEFAULT_API_URL
        self.timeout = float(timeout)
        if delay_seconds is None:
            env = _env_float("READER_ARXIV_DELAY")
            delay_seconds = 3.0 if env is None else env
        self.delay_seconds = float(delay_seconds)
        self.max_retries = max(0, int(max_retries))
        self.backoff = max(0.0, float(backoff))
        self._client: arxiv.Client | None = None
        self._last_response: Any = None
        self._lock = threading.RLock()

    # -- plumbing ------------------------------------------------------------

    def _get_client(self) -> arxiv.Client:
        if self._client is None:
            import arxiv

            client = arxiv.Client(page_size=BATCH_SIZE, delay_seconds=self.delay_seconds, num_retries=0)
            sep = "&" if "?" in self.api_url else "?"
            client.query_url_format = self.api_url.replace("{", "{{").replace("}", "}}") + sep + "{}"
            session = client._session  # arxiv 4.0.2 (pinned): its requests.Session
            adapter = _timeout_adapter(self.timeout)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.hooks["response"].append(self._remember_response)
            self._client = client
        return self._client

    def _remember_response(self, response: Any, *args: Any, **kwargs: Any) -> None:
        # Only keep the object: reading the body here would break the client's own read.
        self._last_response = response

    def _last_body(self) -> bytes:
        response, self._last_response = self._last_response, None
        if response is None:
            return b""
        try:
            return response.content or b""
        except Exception:
            return b""

    def close(self) -> None:
        if self._client is not None:
            self._client._session.close()
            self._client = None

    def __enter__(self) -> ArxivFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, batch: list[str]) -> list[ArxivMetadata]:
        """One API request for ``batch`` (no retries). Raises _HTTPStatus, _BadFeed or requests errors."""
        import arxiv
        import requests

        client = self._get_client()
        search = arxiv.Search(id_list=list(batch), max_results=len(batch))
        url = client._format_url(search, 0, len(batch))
        self._last_response = None
        try:
            # One page, one try: num_retries=0 and first_page=True (never
            # UnexpectedEmptyPageError); the client still applies its rate limit.
            feed = client._parse_feed(url, first_page=True)
        except arxiv.HTTPError as exc:
            raise _HTTPStatus(exc.status, self._last_body()) from None
        except requests.RequestException:  # some of these are ValueErrors too
            raise
        except (ValueError, TypeError, AttributeError) as exc:
            # The package choked on the feed (e.g. an unparseable date): parse it ourselves.
            log.info("arxiv package could not parse the feed (%s); using the fallback parser", exc)
            return parse_atom(self._last_body())
        body = self._last_body()
        if not _looks_like_atom(body):
            raise _BadFeed("unexpected reply from arXiv (not an Atom feed)")
        if feed.malformed:
            return parse_atom(body)
        out = []
        for result in feed.results:
            meta = _from_result(result)
            if meta is not None:
                out.append(meta)
        return out

    # -- the API -------------------------------------------------------------

    def fetch(
        self,
        ids: Iterable[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[FetchOutcome]:
        """Metadata for ``ids``: one outcome per distinct unversioned id, in first-seen order.

        Versions in the input are ignored ("2007.01758v1" asks for 2007.01758)
        and the metadata describes the latest version.  ``progress(done, total)``
        is called with 0 first and after each batch, counting ids.
        """
        with self._lock:
            return self._fetch(ids, progress)

    def _fetch(self, ids: Iterable[str], progress: Callable[[int, int], None] | None) -> list[FetchOutcome]:
        order: list[str] = []
        outcomes: dict[str, FetchOutcome] = {}
        wanted: list[str] = []
        for raw in ids:
            parsed = _split_version(raw)
            key = parsed[0] if parsed else raw.strip()
            if key in outcomes:
                continue
            order.append(key)
            if parsed is None:
                outcomes[key] = FetchOutcome(key, "error", error=INVALID_ID)
            else:
                outcomes[key] = FetchOutcome(key, "error", error="not fetched")
                wanted.append(key)

        total = len(order)
        done = total - len(wanted)
        if progress:
            progress(done, total)
        unavailable: str | None = None
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start:start + BATCH_SIZE]
            if unavailable is not None:
                # arXiv is down or unreachable: don't hammer it batch after batch.
                for i in batch:
                    outcomes[i] = FetchOutcome(i, "error", error=unavailable, transient=True)
            else:
                result = self._fetch_batch(batch)
                outcomes.update(result)
                failed = [o for o in result.values() if o.status == "error" and o.transient]
                if failed and len(failed) == len(batch):
                    unavailable = failed[0].error
            done += len(batch)
            if progress:
                progress(done, total)
        return [outcomes[k] for k in order]

    def _fetch_batch(self, batch: list[str]) -> dict[str, FetchOutcome]:
        import requests

        attempt = 0
        while True:
            try:
                found = self._request(batch)
                return self._match(batch, found)
            except _HTTPStatus as exc:
                if exc.status == 400 and len(batch) > 1:
                    return self._split_rejected(batch, exc.body)
                if exc.status < 500 or attempt >= self.max_retries:
                    transient = exc.status >= 500 or exc.status == 429
                    return self._fail(batch, _status_reason(exc.status), transient)
                log.info("arXiv answered HTTP %s; retrying", exc.status)
            except _BadFeed as exc:
                if attempt >= self.max_retries:
                    return self._fail(batch, str(exc), True)
            except requests.RequestException as exc:
                bad_address = isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema))
                if attempt >= self.max_retries or bad_address:
                    return self._fail(batch, network_error_reason(exc, self.timeout), True)
                log.info("arXiv request failed (%s); retrying", exc)
            delay = self.backoff * (2 ** attempt)
            attempt += 1
            if delay > 0:
                time.sleep(delay)

    def _once(self, batch: list[str]) -> dict[str, FetchOutcome] | _HTTPStatus:
        """A single try for ``batch``: outcomes, or the 400 to split further."""
        import requests

        try:
            return self._match(batch, self._request(batch))
        except _HTTPStatus as exc:
            if exc.status == 400:
                return exc
            return self._fail(batch, _status_reason(exc.status), exc.status >= 500 or exc.status == 429)
        except _BadFeed as exc:
            return self._fail(batch, str(exc), True)
        except requests.RequestException as exc:
            return self._fail(batch, network_error_reason(exc, self.timeout), True)

    def _split_rejected(self, batch: list[str], body: bytes) -> dict[str, FetchOutcome]:
        """arXiv answered 400 for a batch of several ids: find the bad ones, keep the good ones.

        If the error feed names the offending id it is set aside and the rest
        asked for again; otherwise the batch is halved.  Every request here is
        tried once (no retry loops), so this ends after at most about
        2 * len(batch) requests, usually after a couple.
        """
        out: dict[str, FetchOutcome] = {}
        pending: list[tuple[list[str], bytes]] = [(batch, body)]
        while pending:
            ids, err_body = pending.pop()
            if len(ids) == 1:
                out[ids[0]] = FetchOutcome(ids[0], "error", error=REJECTED_400)
                continue
            named = _named_in_error(err_body, ids)
            if named:
                for i in named:
                    out[i] = FetchOutcome(i, "error", error=REJECTED_400)
                parts = [[i for i in ids if i not in named]]
            else:
                half = len(ids) // 2
                parts = [ids[:half], ids[half:]]
            for part in parts:
                if not part:
                    continue
                res = self._once(part)
                if isinstance(res, _HTTPStatus):
                    if len(part) == 1:
                        out[part[0]] = FetchOutcome(part[0], "error", error=REJECTED_400)
                    else:
                        pending.append((part, res.body))
                else:
                    out.update(res)
        return {i: out[i] for i in batch}

    @staticmethod
    def _fail(batch: list[str], reason: str, transient: bool) -> dict[str, FetchOutcome]:
        return {i: FetchOutcome(i, "error", error=reason, transient=transient) for i in batch}

    @staticmethod
    def _match(batch: list[str], found: list[ArxivMetadata]) -> dict[str, FetchOutcome]:
        by_key: dict[str, ArxivMetadata] = {}
        for meta in found:
            by_key.setdefault(meta.arxiv_id.lower(), meta)
        out: dict[str, FetchOutcome] = {}
        for requested in batch:
            meta = next((by_key[k] for k in _lookup_keys(requested) if k in by_key), None)
            if meta is None:
                out[requested] = FetchOutcome(requested, "not_found")
            else:
                if meta.arxiv_id != requested:
                    meta = _replace_id(meta, requested)
                out[requested] = FetchOutcome(requested, "ok", metadata=meta)
        return out


def _replace_id(meta: ArxivMetadata, arxiv_id: str) -> ArxivMetadata:
    from dataclasses import replace

    return replace(meta, arxiv_id=arxiv_id)
