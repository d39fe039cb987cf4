"""Bounded HTTP: every reply reader fetches is capped in size and in time.

``open_reply(url, limits)`` sends one GET and returns a ``Reply`` once the headers are in;
``Reply.chunks()`` gives the body as it arrives. Both stop with a ``NetError`` when:

* no byte arrives for ``limits.stall`` seconds (connecting, or between two reads): ``Timeout``;
* the whole reply takes longer than ``limits.deadline`` seconds: ``TooSlow``. The deadline
  holds even against a server that sends one byte every 2 s: every read waits at most for
  what is left of it;
* the body is bigger than ``limits.max_bytes``: ``TooLarge``, before reading a byte when the
  server announces the size. The request asks for ``Accept-Encoding: identity``; a server
  that compresses anyway is inflated a read at a time, and the limit counts inflated bytes,
  so a 2 MB gzip bomb never becomes 2 GB, on disk or in memory.

Every failure is a ``NetError`` whose ``reason`` is one short line ("connection refused",
"could not resolve the host name (offline?)", "timed out after 10s") and whose ``retry``
says whether trying again at once can help: not when the machine is offline, the address
is wrong or the server refuses, so offline fails at once.

``requests`` sends the request (it honours proxy settings); the body is read from its
urllib3 response with ``read1``, which returns what has arrived instead of waiting for a
full buffer, so the time limits are checked as bytes come in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from msgspec import Struct

if TYPE_CHECKING:  # pragma: no cover
    import requests

log = logging.getLogger(__name__)

USER_AGENT = "arxiv-digest-reader/0.1"
CHUNK = 64 * 1024
KB, MB, GB = 1 << 10, 1 << 20, 1 << 30
DEFAULT_STALL = 10.0  # seconds: $READER_NET_TIMEOUT
STALL_ENV = "READER_NET_TIMEOUT"


class Limits(Struct, frozen=True):
    max_bytes: int
    stall: float  # seconds without a byte: connecting, and between two reads
    deadline: float  # seconds for the whole reply, headers and body


class NetError(Exception):
    """A request failed; ``reason`` is short and shown to the user."""

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry  # worth trying again at once (a reset, a 5xx), not offline


class HTTPStatus(NetError):
    """The server answered, but not 200."""

    def __init__(self, status: int, body: bytes = b"") -> None:
        super().__init__(f"HTTP {status}", retry=status >= 500)
        self.status = status
        self.body = body


class Timeout(NetError):
    """No byte for ``limits.stall`` seconds."""


class TooSlow(NetError):
    """The reply took longer than its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


class TooLarge(NetError):
    """The body is bigger than allowed; ``size`` is what the server announced, if it did."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        super().__init__(f"over the {human_size(limit)} limit")
        self.limit = limit
        self.size = size


class Broken(NetError):
    """The connection broke in the middle of the body."""


def human_size(n: int) -> str:
    """``10.0 GB``, ``100 MB``, ``1.5 MB``, ``12 KB``, ``300 bytes``."""
    if n >= GB:
        return f"{n / GB:.1f} GB"
    if n >= MB:
        return f"{n // MB} MB" if n % MB == 0 else f"{n / MB:.1f} MB"
    if n >= KB:
        return f"{n // KB} KB"
    return f"{n} bytes"


def env_number(name: str, default: float) -> float:
    """A positive number from the environment, else ``default`` (a bad value is logged)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number > 0:
        return number
    log.warning("ignoring %s=%r: not a positive number", name, value)
    return default


def stall_seconds(timeout: float | None = None) -> float:
    """``timeout``, else ``$READER_NET_TIMEOUT``, else 10 s."""
    return float(timeout) if timeout is not None else env_number(STALL_ENV, DEFAULT_STALL)


# --------------------------------------------------------------------------- reasons


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it, through urllib3's ``reason`` and exception arguments."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "reason", None), *e.args, e.__cause__, e.__context__]


_OFFLINE_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "name resolution",
    "no address associated",
)


def describe(exc: BaseException, stall: float | None = None) -> tuple[str, bool]:
    """``(reason, retry)`` for a ``requests``/urllib3/socket exception.

    ``retry`` is False when trying again at once cannot help: a host name that does not
    resolve (offline), a refused connection, no route, a bad address, a TLS failure.
    """
    import socket  # (lazy: only when it is used)
    import ssl  # (lazy: only when it is used)

    import requests  # (lazy: ~48 ms, only when it is used)

    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)):
        return "invalid server address", False
    parts = list(_chain(exc))
    text = " ".join(str(p) for p in parts).lower()
    after = f" after {stall:g}s" if stall is not None else ""
    if any(isinstance(p, socket.gaierror) for p in parts) or any(w in text for w in _OFFLINE_WORDS):
        return "could not resolve the host name (offline?)", False
    if any(isinstance(p, ConnectionRefusedError) for p in parts) or "connection refused" in text or "errno 111" in text:
        return "connection refused", False
    if "network is unreachable" in text or "no route to host" in text:
        return "network is unreachable", False
    if isinstance(exc, requests.exceptions.Timeout) or any(isinstance(p, TimeoutError) for p in parts) or "timed out" in text:
        return f"timed out{after}", True
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(p, ssl.SSLError) for p in parts):
        return "TLS/SSL error", False
    if any(isinstance(p, ConnectionResetError) for p in parts) or "connection reset" in text:
        return "connection reset", True
    if "remotedisconnected" in text or "remote end closed" in text or "connection aborted" in text:
        return "the server closed the connection", True
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed", True
    return f"network error ({type(exc).__name__})", True


def network_error_reason(exc: BaseException, timeout: float | None = None) -> str:
    """A short human reason for a ``requests``/socket exception."""
    return describe(exc, timeout)[0]


# --------------------------------------------------------------------------- requests


class Reply:
    """A response whose headers are in; its body comes from ``chunks`` (or ``read``)."""

    def __init__(self, response: requests.Response, limits: Limits, deadline_at: float) -> None:
        self.response = response
        self.limits = limits
        self.deadline_at = deadline_at
        self.received = 0  # body bytes handed out so far (inflated)

    @property
    def status(self) -> int:
        return int(self.response.status_code)

    def header(self, name: str) -> str:
        return str(self.response.headers.get(name, ""))

    @property
    def length(self) -> int | None:
        """The body's announced size, when it is not compressed."""
        if self.header("Content-Encoding").lower() not in ("", "identity"):
            return None
        try:
            return int(self.header("Content-Length"))
        except ValueError:
            return None

    def chunks(self) -> Iterator[bytes]:
        """The body as it arrives, within the limits; ``NetError`` otherwise."""
        from urllib3.exceptions import HTTPError as Urllib3Error  # (lazy: ~78 ms, only when it is used)
        from urllib3.exceptions import ReadTimeoutError  # (lazy: ~78 ms, only when it is used)

        limits = self.limits
        length = self.length
        if length is not None and length > limits.max_bytes:
            raise TooLarge(limits.max_bytes, length)
        raw = self.response.raw
        sock = _socket_of(raw)
        while True:
            left = self.deadline_at - time.monotonic()
            if left <= 0:
                raise TooSlow(limits.deadline)
            wait = min(limits.stall, left)
            if sock is not None:
                sock.settimeout(wait)
            try:
                data = raw.read1(CHUNK, decode_content=True)
            except (ReadTimeoutError, TimeoutError) as exc:
                if wait < limits.stall:
                    raise TooSlow(limits.deadline) from exc
                raise Timeout(f"timed out after {limits.stall:g}s", retry=True) from exc
            except (Urllib3Error, OSError) as exc:
                reason, retry = describe(exc, limits.stall)
                if reason.startswith("timed out"):
                    raise Timeout(reason, retry=True) from exc
                raise Broken(reason, retry=retry) from exc
            if not data:
                return
            self.received += len(data)
            if self.received > limits.max_bytes:
                raise TooLarge(limits.max_bytes)
            yield data

    def read(self) -> bytes:
        """The whole body, within the limits."""
        return b"".join(self.chunks())

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Reply:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _socket_of(raw: Any) -> Any:
    """The socket under a urllib3 response, to bound each read by what is left of the
    deadline; None when there is none to reach (each read then waits up to the stall)."""
    connection = getattr(raw, "connection", None)  # urllib3 2: the HTTPConnection
    sock = getattr(connection, "sock", None)
    return sock if hasattr(sock, "settimeout") else None


def open_reply(
    url: str,
    limits: Limits,
    *,
    session: requests.Session | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """GET ``url`` and return the reply once its headers are in (any status).

    The time to the headers counts against ``limits.deadline`` too: the request runs in a
    helper thread that is abandoned (its reply closed when it comes) at the deadline, so a
    host name that takes long to fail, or headers sent a byte at a time, cannot hold past it.
    """
    import requests  # (lazy: ~48 ms, only when it is used)

    start = time.monotonic()
    deadline_at = start + limits.deadline
    sender = session if session is not None else requests
    all_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}

    def send() -> requests.Response:
        return sender.get(url, stream=True, timeout=(limits.stall, limits.stall), headers=all_headers)

    try:
        response = _within(limits.deadline, send)
    except _Late:
        raise TooSlow(limits.deadline) from None
    except requests.RequestException as exc:
        reason, retry = describe(exc, limits.stall)
        error = Timeout if reason.startswith("timed out") else NetError
        raise error(reason, retry=retry) from None
    return Reply(response, limits, deadline_at)


class _Late(Exception):
    """The helper thread did not finish in time."""


def _within(seconds: float, fn: Any) -> Any:
    """``fn()`` in a daemon thread, waiting at most ``seconds``; raises ``_Late`` after."""
    box: dict[str, Any] = {}
    lock = threading.Lock()

    def run() -> None:
        try:
            value = fn()
        except BaseException as exc:
            with lock:
                box["error"] = exc
            return
        with lock:
            if box.get("late"):
                value.close()  # nobody waits for it any more
            else:
                box["value"] = value

    thread = threading.Thread(target=run, name="reader-http", daemon=True)
    thread.start()
    thread.join(seconds)
    with lock:
        if "value" in box:
            return box["value"]
        if "error" in box:
            raise box["error"]
        box["late"] = True
    raise _Late()
