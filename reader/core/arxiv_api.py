"""Paper metadata from the arXiv API, without any UI.

``ArxivFetcher.fetch`` turns a list of arXiv ids into one ``FetchOutcome`` per
(unversioned) id: ``ok`` with ``ArxivMetadata``, ``not_found``, or ``error``
with a short human reason ("connection refused", "timed out after 10s",
"HTTP 503", "arXiv rejected the id (HTTP 400)"). It never raises for network
or server trouble.

The policy is ours (see ``reader.core.arxiv_compat`` for why ``arxiv.Client`` is not used
to fetch):

* one request per batch of up to 100 ids, with ``max_results`` equal to the batch size;
* at most one request every ``delay_seconds`` (arXiv asks for 3 s);
* every reply bounded (``reader.core.net``): ``timeout`` seconds without a byte, a
  deadline for the whole reply (``$READER_ARXIV_DEADLINE``, default 60 s) and a size
  limit (``$READER_ARXIV_MAX_MB``, default 20 MB);
* retries, with back-off, only where a retry can help: a 5xx, a reset connection, a
  stall. Never a 4xx, and never when offline: a host name that does not resolve or a
  refused connection fails at once;
* a 400 for a batch is split to find the bad ids, and the rest are fetched.

The arxiv package parses the replies (``reader.core.arxiv_compat``). Nothing is imported
from ``requests`` or ``arxiv`` until a fetcher first talks to the network, so importing
this module is cheap.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from . import net
from .arxiv_metadata import (
    INVALID_ID,
    REJECTED_400,
    ArxivMetadata,
    FetchOutcome,
    Status,
    from_result,
    lookup_keys,
    with_id,
)
from .ids import parse_id
from .net import network_error_reason

if TYPE_CHECKING:  # pragma: no cover
    import requests

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_API_URL",
    "INVALID_ID",
    "REJECTED_400",
    "ArxivFetcher",
    "ArxivMetadata",
    "FetchOutcome",
    "Status",
    "network_error_reason",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
BATCH_SIZE = 100  # the arXiv API caps an id_list query at max_results; 100 keeps URLs short
DEFAULT_MAX_MB = 20.0
DEFAULT_DEADLINE = 60.0


class _BadFeed(Exception):
    """The reply was not an arXiv Atom feed."""


def _looks_like_atom(body: bytes) -> bool:
    head = body[:4096].lstrip()
    return b"<feed" in head and b"http://www.w3.org/2005/Atom" in head


def _named_in_error(body: bytes, batch: list[str]) -> list[str]:
    """Ids of ``batch`` that an arXiv 400 error feed names ("incorrect id format for abc")."""
    text = body.decode("utf-8", "replace")
    named = set(re.findall(r"incorrect id format for ([^\s<]+)", text))
    named |= set(re.findall(r"#incorrect_id_format_for_([^\s<\"]+)", text))
    return [i for i in batch if i in named]


def _status_reason(status: int) -> str:
    if status == 400:
        return REJECTED_400
    if status == 429:
        return "HTTP 429 (arXiv is rate-limiting us)"
    return f"HTTP {status}"


def _too_large(exc: net.TooLarge) -> str:
    return f"arXiv's reply was over the {net.human_size(exc.limit)} limit (READER_ARXIV_MAX_MB sets it)"


def _too_slow(exc: net.TooSlow) -> str:
    return f"arXiv's reply took longer than {exc.seconds:g} s (READER_ARXIV_DEADLINE sets the limit)"


class ArxivFetcher:
    """Fetches metadata for arXiv ids, politely and without ever hanging.

    * ``api_url``: default ``$READER_ARXIV_API`` or the public export API.
    * ``timeout``: seconds without a byte (connecting, reading) before giving up;
      ``None`` means ``$READER_NET_TIMEOUT`` if set, else 10.
    * ``delay_seconds``: pause between requests (arXiv asks for 3 s);
      ``None`` means ``$READER_ARXIV_DELAY`` if set, else 3.0.
    * ``max_retries`` / ``backoff``: retries after a 5xx or a network error that a retry
      can mend, sleeping ``backoff * 2**n`` seconds before retry n+1.
    * ``max_bytes`` / ``deadline``: the most one reply may hold, and take; ``None`` means
      ``$READER_ARXIV_MAX_MB`` (default 20 MB) and ``$READER_ARXIV_DEADLINE`` (60 s).

    One instance keeps one HTTP session (its connection pool) and the rate limit; reuse
    it. ``fetch`` may be called from any thread; calls are serialised.
    """

    def __init__(
        self,
        api_url: str | None = None,
        timeout: float | None = None,
        delay_seconds: float | None = None,
        max_retries: int = 3,
        backoff: float = 1.0,
        *,
        max_bytes: int | None = None,
        deadline: float | None = None,
    ):
        self.api_url = api_url or os.environ.get("READER_ARXIV_API") or DEFAULT_API_URL
        self.timeout = net.stall_seconds(timeout)
        if delay_seconds is None:
            delay_seconds = _env_delay()
        self.delay_seconds = max(0.0, float(delay_seconds))
        self.max_retries = max(0, int(max_retries))
        self.backoff = max(0.0, float(backoff))
        if max_bytes is None:
            max_bytes = int(net.env_number("READER_ARXIV_MAX_MB", DEFAULT_MAX_MB) * net.MB)
        if deadline is None:
            deadline = net.env_number("READER_ARXIV_DEADLINE", DEFAULT_DEADLINE)
        self.limits = net.Limits(max_bytes=int(max_bytes), stall=self.timeout, deadline=float(deadline))
        self._session: requests.Session | None = None
        self._last_request: float | None = None
        self._lock = threading.RLock()

    # -- plumbing ------------------------------------------------------------

    def _get_session(self) -> requests.Session:
        if self._session is None:
            import requests  # (lazy: ~48 ms, only when it is used)

            self._session = requests.Session()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> ArxivFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _url(self, batch: list[str]) -> str:
        query = urlencode({"search_query": "", "id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))})
        return f"{self.api_url}{'&' if '?' in self.api_url else '?'}{query}"

    def _wait_turn(self) -> None:
        if self._last_request is not None and self.delay_seconds > 0:
            wait = self._last_request + self.delay_seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _request(self, batch: list[str]) -> tuple[list[ArxivMetadata], list[str]]:
        """One API request for ``batch`` (no retries): the papers in the reply, and the
        requested ids whose entries could not be read. Raises ``net.NetError`` or ``_BadFeed``."""
        from .arxiv_compat import BadFeed, parse_feed  # (lazy: ~98 ms, only when it is used)

        self._wait_turn()
        try:
            with net.open_reply(self._url(batch), self.limits, session=self._get_session()) as reply:
                if reply.status != 200:
                    body = b""
                    if reply.status == 400:  # its error feed may name the bad id
                        try:
                            body = reply.read()
                        except net.NetError:
                            pass
                    raise net.HTTPStatus(reply.status, body)
                body = reply.read()
        finally:
            self._last_request = time.monotonic()
        if not _looks_like_atom(body):
            raise _BadFeed("unexpected reply from arXiv (not an Atom feed)")
        try:
            feed = parse_feed(body)
        except BadFeed as exc:
            raise _BadFeed(str(exc)) from None
        found = [meta for meta in (from_result(result) for result in feed.results) if meta is not None]
        unreadable = []
        for url, why in feed.unreadable:
            log.warning("arXiv's entry %s could not be read: %s", url, why)
            parsed = parse_id(url)
            if parsed is not None:
                unreadable.append(parsed[0])
        return found, unreadable

    # -- the API -------------------------------------------------------------

    def fetch(
        self,
        ids: Iterable[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[FetchOutcome]:
        """Metadata for ``ids``: one outcome per distinct unversioned id, in first-seen order.

        Versions in the input are ignored ("2007.01758v1" asks for 2007.01758)
        and the metadata describes the latest version. ``progress(done, total)``
        is called with 0 first and then whenever papers got an answer: ids that failed
        because arXiv could not be reached do not count, so a fetch that fails never
        shows 100%.
        """
        with self._lock:
            return self._fetch(ids, progress)

    def _fetch(self, ids: Iterable[str], progress: Callable[[int, int], None] | None) -> list[FetchOutcome]:
        order: list[str] = []
        outcomes: dict[str, FetchOutcome] = {}
        wanted: list[str] = []
        for raw in ids:
            parsed = parse_id(raw)
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
                continue
            result = self._fetch_batch(batch)
            outcomes.update(result)
            failed = [o for o in result.values() if o.status == "error" and o.transient]
            if failed and len(failed) == len(batch):
                unavailable = failed[0].error
            answered = len(batch) - len(failed)
            if answered:
                done += answered
                if progress:
                    progress(done, total)
        return [outcomes[k] for k in order]

    def _fetch_batch(self, batch: list[str]) -> dict[str, FetchOutcome]:
        attempt = 0
        while True:
            try:
                return self._match(batch, *self._request(batch))
            except net.HTTPStatus as exc:
                if exc.status == 400 and len(batch) > 1:
                    return self._split_rejected(batch, exc.body)
                if not exc.retry or attempt >= self.max_retries:
                    transient = exc.status >= 500 or exc.status == 429
                    return self._fail(batch, _status_reason(exc.status), transient)
                log.info("arXiv answered HTTP %s; retrying", exc.status)
            except _BadFeed as exc:
                if attempt >= self.max_retries:
                    return self._fail(batch, str(exc), True)
            except net.TooLarge as exc:
                return self._fail(batch, _too_large(exc), True)  # a retry would only do the same
            except net.TooSlow as exc:
                return self._fail(batch, _too_slow(exc), True)
            except net.NetError as exc:
                if not exc.retry or attempt >= self.max_retries:
                    return self._fail(batch, exc.reason, True)
                log.info("arXiv request failed (%s); retrying", exc.reason)
            delay = self.backoff * (2 ** attempt)
            attempt += 1
            if delay > 0:
                time.sleep(delay)

    def _once(self, batch: list[str]) -> dict[str, FetchOutcome] | net.HTTPStatus:
        """A single try for ``batch``: outcomes, or the 400 to split further."""
        try:
            return self._match(batch, *self._request(batch))
        except net.HTTPStatus as exc:
            if exc.status == 400:
                return exc
            return self._fail(batch, _status_reason(exc.status), exc.status >= 500 or exc.status == 429)
        except _BadFeed as exc:
            return self._fail(batch, str(exc), True)
        except net.TooLarge as exc:
            return self._fail(batch, _too_large(exc), True)
        except net.TooSlow as exc:
            return self._fail(batch, _too_slow(exc), True)
        except net.NetError as exc:
            return self._fail(batch, exc.reason, True)

    def _split_rejected(self, batch: list[str], body: bytes) -> dict[str, FetchOutcome]:
        """arXiv answered 400 for a batch of several ids: find the bad ones, keep the good ones.

        If the error feed names the offending id it is set aside and the rest
        asked for again; otherwise the batch is halved. Every request here is
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
                if isinstance(res, net.HTTPStatus):
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
    def _match(batch: list[str], found: list[ArxivMetadata], unreadable: Iterable[str] = ()) -> dict[str, FetchOutcome]:
        by_key: dict[str, ArxivMetadata] = {}
        for meta in found:
            by_key.setdefault(meta.arxiv_id.lower(), meta)
        bad = {key for arxiv_id in unreadable for key in lookup_keys(arxiv_id)}
        out: dict[str, FetchOutcome] = {}
        for requested in batch:
            keys = lookup_keys(requested)
            answer = next((by_key[k] for k in keys if k in by_key), None)
            if answer is not None:
                out[requested] = FetchOutcome(requested, "ok", metadata=with_id(answer, requested))
            elif any(k in bad for k in keys):
                out[requested] = FetchOutcome(requested, "error", error="arXiv's entry for it could not be read")
            else:
                out[requested] = FetchOutcome(requested, "not_found")
        return out


def _env_delay() -> float:
    value = os.environ.get("READER_ARXIV_DELAY", "").strip()
    if not value:
        return 3.0
    try:
        return max(0.0, float(value))
    except ValueError:
        log.warning("ignoring READER_ARXIV_DELAY=%r: not a number", value)
        return 3.0
