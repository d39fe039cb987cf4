"""A programmable HTTP server on 127.0.0.1 for tests that must not touch the internet.

Use the ``http_server`` fixture (import it into a test module)::

    from tests.httpserver import Reply  # the http_server fixture comes from conftest

    def test_x(http_server):
        http_server.queue("/api/query", Reply(503), Reply(200, body=b"..."))
        http_server.route("/pdf/2101.00001", Reply(200, body=pdf_bytes))
        http_server.route("/api/query", lambda req: Reply(200, body=make_feed(req.query)))
        ... http_server.url + "/api/query" ...
        assert len(http_server.requests) == 2

Per path, queued replies are used first, in order; then the path's route (a
``Reply`` or a callable taking a ``Request``); then 404.  A ``Reply`` can
delay, hang until the server stops, close the connection without answering,
or send fewer body bytes than its Content-Length.  A ``Reply`` with ``chunks``
streams a body made on the fly (with no Content-Length unless one is given, so
the connection closes at its end), ``chunk_delay`` seconds apart: a body of
any size without holding it in memory, or a server that trickles.
"""

from __future__ import annotations

import socket
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # never answer (until the server stops)
    close: bool = False  # close the connection without any answer
    content_length: int | None = None  # announce this length instead of len(body)
    send_bytes: int | None = None  # then send only this many body bytes and close
    stall: bool = False  # with send_bytes: keep the connection open instead (a stalled transfer)
    chunks: Callable[[], Iterable[bytes]] | None = None  # stream this body, made as it is sent
    chunk_delay: float = 0.0  # seconds between two chunks


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


Handler = Callable[[Request], Reply]


class Server:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._queues: dict[str, deque[Reply]] = defaultdict(deque)
        self._routes: dict[str, Reply | Handler] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes: without this, Nagle's
                # algorithm and delayed ACKs add ~40 ms to every reply.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # -- programming ---------------------------------------------------------

    def queue(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._queues[path].extend(replies)

    def route(self, path: str, reply: Reply | Handler) -> None:
        with self._lock:
            self._routes[path] = reply

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- serving -------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        req = Request("GET", parts.path, parse_qs(parts.query, keep_blank_values=True), dict(h.headers.items()))
        with self._lock:
            self.requests.append(req)
            queued = self._queues.get(req.path)
            reply: Reply | Handler | None = queued.popleft() if queued else self._routes.get(req.path)
        if reply is None:
            reply = Reply(404, b"not found")
        elif not isinstance(reply, Reply):
            reply = reply(req)
        if reply.hang:
            self._stopping.wait()
            h.close_connection = True
            return
        if reply.delay:
            self._stopping.wait(reply.delay)
        if reply.close:
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if reply.chunks is not None:
            self._stream(h, reply)
            return
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                h.send_header(name, value)
            length = reply.content_length if reply.content_length is not None else len(body)
            h.send_header("Content-Length", str(length))
            if reply.send_bytes is not None:
                h.send_header("Connection", "close")
            h.end_headers()
            if reply.send_bytes is not None:
                h.wfile.write(body[: reply.send_bytes])
                h.wfile.flush()
                if reply.stall:
                    self._stopping.wait()
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
            else:
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            h.close_connection = True

    def _stream(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        """Send ``reply.chunks()`` as it is made, until it ends, the client leaves or the server stops."""
        assert reply.chunks is not None
        h.close_connection = True
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                h.send_header(name, value)
            if reply.content_length is not None:
                h.send_header("Content-Length", str(reply.content_length))
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.flush()
            for chunk in reply.chunks():
                if self._stopping.is_set():
                    break
                h.wfile.write(chunk)
                h.wfile.flush()
                if reply.chunk_delay and self._stopping.wait(reply.chunk_delay):
                    break
            h.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def http_server() -> Iterator[Server]:
    server = Server()
    try:
        yield server
    finally:
        server.stop()


def unused_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
