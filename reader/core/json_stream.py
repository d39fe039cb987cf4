"""Library files a document at a time: parsed and written in short steps.

A library file is one JSON object, ``{"table": {"doc id": {...}, ...}, ...}``. At 100,000
papers ``catalog.json`` is ~45 MB: one ``json.loads`` of it holds the interpreter for half
a second (the app's keys wait), makes every document at once and needs the whole text in
memory beside them. Here a file is read a megabyte at a time and parsed one document per
call of the standard library's decoder (``JSONDecoder.raw_decode``), so another thread
runs between two documents, a caller can turn each into a compact record and drop it, and
no more than a megabyte or two of the text is held; files are written as chunks of a few
hundred documents.

Only the shape above is read this way; anything else (bad JSON, another shape) raises
``ValueError`` and the caller parses the whole text to say what is wrong.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: Documents encoded per chunk when writing (one ``json.dumps`` call each).
BATCH = 200


#: Bytes read from a file at a time: what is held of it while it is read.
STEP = 1 << 20


class _Buffer:
    """Text being parsed: all of it, or the part of a file read so far (what is parsed is
    dropped as more is read, so a 50 MB file is read holding a megabyte or two)."""

    def __init__(self, text: str = "", handle: BinaryIO | None = None, count_bytes: bool = False) -> None:
        self.text, self.pos = text, 0
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8")() if handle is not None else None
        self.eof = handle is None
        self._count = count_bytes
        self._counted, self._bytes = 0, 0  # UTF-8 bytes of text[:_counted], from the file's start

    def more(self) -> bool:
        """Read on (False at the end of the file). Raises UnicodeDecodeError."""
        if self.eof or self._handle is None or self._decoder is None:
            return False
        chunk = self._handle.read(STEP)
        piece = self._decoder.decode(chunk, final=not chunk)
        self.eof = not chunk
        if self.pos:  # drop what is parsed
            self.byte_at(self.pos)
            self.text, self._counted, self.pos = self.text[self.pos :], self._counted - self.pos, 0
        self.text += piece
        return True

    def byte_at(self, pos: int) -> int:
        """Where ``pos`` of the text is in the file, in bytes (with ``count_bytes``)."""
        if self._count and pos > self._counted:
            self._bytes += len(self.text[self._counted : pos].encode("utf-8"))
            self._counted = pos
        return self._bytes

    def peek(self) -> str:
        """The next character after whitespace ("" at the end)."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]  # (matches "")
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """The JSON value at the position (read on while it is cut off by the buffer's end)."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.text, self.pos)
            except RecursionError:
                raise ValueError("nested too deeply") from None
            except ValueError:
                if not self.more():
                    raise
                continue
            if end < len(self.text) or not self.more():  # (a number may go on past the buffer)
                self.pos = end
                return found

    def compact_document(self, first: bool) -> tuple[str, Any, int, int] | None:
        """The next ``"id":{...}`` of a table as this reader writes it (no whitespace), as
        ``(doc id, document, start, end)``; None for anything else (the table's end,
        whitespace, a document cut off by the buffer's end): then take the general way."""
        text, pos = self.text, self.pos
        if not first:
            if text[pos : pos + 1] != ",":
                return None
            pos += 1
        if text[pos : pos + 1] != '"':
            return None
        try:
            doc_id, end = _DECODER.raw_decode(text, pos)
            if text[end : end + 1] != ":" or text[end + 1 : end + 2] != "{":
                return None
            doc, after = _DECODER.raw_decode(text, end + 1)
        except (ValueError, RecursionError):
            return None
        self.pos = after
        return doc_id, doc, end + 1, after

    def key(self) -> str:
        if self.peek() != '"':
            raise ValueError("expected a name")
        found = self.value()
        self.take(":")
        return found


def _spans(buffer: _Buffer) -> Iterator[tuple[str, str, Any, int, int]]:
    buffer.take("{")
    first_table = True
    while buffer.peek() != "}":
        if not first_table:
            buffer.take(",")
        first_table = False
        table = buffer.key()
        buffer.take("{")
        first_doc = True
        while True:
            found = buffer.compact_document(first_doc)  # (the usual case, in fewer steps)
            if found is not None:
                doc_id, doc, start, end = found
                start = buffer.byte_at(start)
            elif buffer.peek() == "}":
                break
            else:
                if not first_doc:
                    buffer.take(",")
                doc_id = buffer.key()
                buffer.peek()
                start = buffer.byte_at(buffer.pos)  # (before reading on: that drops what is parsed)
                doc = buffer.value()
                end = buffer.pos
            first_doc = False
            yield table, doc_id, doc, start, buffer.byte_at(end)
        buffer.pos += 1
    buffer.pos += 1
    if buffer.peek() != "":
        raise ValueError("text after the end of the JSON")


def documents(text: str) -> Iterator[tuple[str, str, Any]]:
    """``(table, doc id, document)`` for every document of a library file's text, in
    order. Raises ValueError where the text is not a JSON object of objects."""
    for table, doc_id, doc, _, _ in _spans(_Buffer(text)):
        yield table, doc_id, doc


def read_documents(handle: BinaryIO, offsets: bool = False) -> Iterator[tuple[str, str, Any, int, int]]:
    """As :func:`documents`, read from an open file as they are parsed (a megabyte or two
    of it held at a time), with where each document starts and ends in the file (in
    bytes, with ``offsets``; else 0). Raises ValueError (UnicodeDecodeError too)."""
    return _spans(_Buffer(handle=handle, count_bytes=offsets))


def encode(data: dict[str, dict[str, Any]], last: str | None = None) -> Iterator[bytes]:
    """``data`` (tables of documents) as compact UTF-8 JSON, in chunks of :data:`BATCH`
    documents, the table ``last`` last (found by reading the file's end). A lone surrogate
    (an undecodable byte of a file name) becomes a \\udcXX escape, so the file stays
    valid UTF-8 and reads back exactly."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def chunk(text: str) -> bytes:
        return text.encode("utf-8", "backslashreplace")

    yield b"{"
    tables = sorted(data.items(), key=lambda item: item[0] == last)  # (stable: the others in order)
    for t, (table, docs) in enumerate(tables):
        yield chunk(("," if t else "") + dumps(table) + ":{")
        items = iter(docs.items())
        first = True
        while True:
            batch = [item for _, item in zip(range(BATCH), items, strict=False)]
            if not batch:
                break
            body = dumps(dict(batch))[1:-1]  # one call for the batch, its braces dropped
            yield chunk(body if first else "," + body)
            first = False
        yield b"}"
    yield b"}"
