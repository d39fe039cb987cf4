"""Library files a document at a time: parsed and written in short steps.

A library file is one JSON object, ``{"table": {"doc id": {...}, ...}, ...}``. At 100,000
papers ``catalog.json`` is ~45 MB: one ``json.loads`` of it holds the interpreter for half
a second (the app's keys wait) and makes every document at once. Here the same text is read
one document per call of the standard library's decoder (``JSONDecoder.raw_decode``), so
another thread runs between two documents and a caller can turn each into a compact record
and drop it; and written as chunks of a few hundred documents.

Only the shape above is read this way; anything else (bad JSON, another shape) raises
``ValueError`` and the caller parses the whole text to say what is wrong.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: Documents encoded per chunk when writing (one ``json.dumps`` call each).
BATCH = 200


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # (matches the empty string)


def _expect(text: str, pos: int, char: str) -> int:
    """The position after ``char`` at ``pos`` (and the whitespace after it)."""
    if text[pos : pos + 1] != char:
        raise ValueError(f"expected {char!r} at offset {pos}")
    return _skip(text, pos + 1)


def _value(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, pos)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _key(text: str, pos: int) -> tuple[str, int]:
    if text[pos : pos + 1] != '"':
        raise ValueError(f"expected a name at offset {pos}")
    key, pos = _value(text, pos)
    return key, _expect(text, _skip(text, pos), ":")


def decode(raw: bytes, step: int = 1 << 20) -> str:
    """``raw`` decoded from UTF-8 a megabyte at a time (one call for 50 MB of Korean text
    holds the interpreter for ~50 ms). Raises UnicodeDecodeError as ``bytes.decode`` does."""
    if len(raw) <= step:
        return raw.decode("utf-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    pieces = [decoder.decode(view[at : at + step]) for at in range(0, len(raw), step)]
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


def documents(text: str) -> Iterator[tuple[str, str, Any]]:
    """``(table, doc id, document)`` for every document of a library file's text, in
    order. Raises ValueError where the text is not a JSON object of objects."""
    for table, doc_id, doc, _, _ in spans(text):
        yield table, doc_id, doc


def spans(text: str) -> Iterator[tuple[str, str, Any, int, int]]:
    """As :func:`documents`, with where each document's JSON starts and ends in ``text``."""
    pos = _expect(text, _skip(text, 0), "{")
    first_table = True
    while text[pos : pos + 1] != "}":
        if not first_table:
            pos = _expect(text, pos, ",")
        first_table = False
        table, pos = _key(text, pos)
        pos = _expect(text, pos, "{")
        first_doc = True
        while text[pos : pos + 1] != "}":
            if not first_doc:
                pos = _expect(text, pos, ",")
            first_doc = False
            doc_id, pos = _key(text, pos)
            doc, end = _value(text, pos)
            yield table, doc_id, doc, pos, end
            pos = _skip(text, end)
        pos = _skip(text, pos + 1)
    if _skip(text, pos + 1) != len(text):
        raise ValueError("text after the end of the JSON")


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
            batch = [item for _, item in zip(range(BATCH), items)]
            if not batch:
                break
            body = dumps(dict(batch))[1:-1]  # one call for the batch, its braces dropped
            yield chunk(body if first else "," + body)
            first = False
        yield b"}"
    yield b"}"
