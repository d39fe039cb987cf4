"""What a library file holds and which write of it it is: the format and kind in its
``_meta`` table, the check every read makes (truncated, binary, too deep, a newer
reader's, another kind of file), and the version (change counter, random mark) read from
a file's content or its last few kilobytes."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from . import json_stream
from .library_errors import LibraryCorrupt, LibraryError, LibraryTooNew

if TYPE_CHECKING:
    from .backups import Backups

FORMAT_VERSION = 1
#: Kinds of file whose layout changed since format 1 (a reader that knows only format 1
#: refuses them as written by a newer reader). ``notes-0``... share ``notes``'s.
FORMATS = {"state": 2, "notes": 2}
#: Files bigger than this are parsed a document at a time (see core/json_stream.py).
STREAM_ABOVE = 1 << 20
META_TABLE = "_meta"
NEWER_FORMAT = "it was written by a newer reader"


TOO_DEEP = "the JSON is nested too deeply to read (no reader file is nested like that)"
UNREADABLE = "cannot be read"


def load_json(raw: bytes | str) -> Any:
    """``json.loads`` for files from outside, read by msgspec when it can (in about a third
    of the time: the state file at 100,000 papers is read before the first paint). What
    msgspec refuses (NaN, a lone surrogate, a number out of range, bad JSON) is read by
    json, which says what is wrong. JSON nested too deeply for the parser is a ValueError
    that says so, like any bad JSON, never a RecursionError."""
    try:
        return msgspec.json.decode(raw)
    except (ValueError, RecursionError):  # (msgspec's errors are ValueErrors)
        pass
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None


def check_json_file(path: Path, kind: str | None = None) -> str | None:
    """Why ``path`` is not a readable library file (of ``kind``, when given), or None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        if isinstance(exc, PermissionError):
            return f"{UNREADABLE}: permission denied (it is not damaged: give yourself access, e.g. chmod u+rw {path})"
        return f"{UNREADABLE}: {exc.strerror or exc}"
    return _problem_with(raw, kind)[0]


def format_of(kind: str | None) -> int:
    """The format this reader writes (and reads up to) for files of ``kind``."""
    return FORMATS.get((kind or "").split("-")[0], FORMAT_VERSION)


def file_kind(data: dict[str, Any]) -> str | None:
    """The ``_meta`` kind of a parsed library file (None when it does not say)."""
    meta = data.get(META_TABLE, {}).get("1", {})
    kind = meta.get("kind") if isinstance(meta, dict) else None
    return kind if isinstance(kind, str) else None


_NUMBER_PREFIX = re.compile(r"-?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?")


def _ends_early(exc: json.JSONDecodeError) -> bool:
    """Does the JSON break off at the end of the file (a truncated file), not in the middle?"""
    rest = exc.doc[exc.pos :].rstrip()
    if not rest or exc.msg.startswith("Unterminated string"):
        return True
    if exc.msg == "Expecting value" and any(word.startswith(rest) for word in ("true", "false", "null")):
        return True
    return _NUMBER_PREFIX.fullmatch(rest) is not None


def _problem_with(raw: bytes, kind: str | None = None) -> tuple[str | None, Any]:
    """Why ``raw`` is not a library file of ``kind`` (None when it is), and its data."""
    if len(raw) > STREAM_ABOVE:
        try:
            return None, _streamed(raw, kind)
        except ValueError:
            pass  # damaged, or not what we write: the whole parse below says what is wrong
    return _whole_problem_with(raw, kind)


def _streamed(raw: bytes, kind: str | None) -> dict[str, Any]:
    """A big file parsed a document at a time; ValueError for anything but a good file."""
    data: dict[str, dict[str, Any]] = {}
    for table, doc_id, doc, _, _ in json_stream.read_documents(io.BytesIO(raw)):
        if not isinstance(doc, dict):
            raise ValueError("not a document")
        data.setdefault(table, {})[doc_id] = doc
    if _meta_problem(data, kind):
        raise ValueError("not this reader's file")
    return data


def _meta_problem(data: dict[str, Any], kind: str | None) -> str | None:
    """What the ``_meta`` table says is wrong: a newer format, or another kind of file."""
    meta = data.get(META_TABLE, {}).get("1", {})
    version = meta.get("format", FORMAT_VERSION) if isinstance(meta, dict) else None
    if not isinstance(version, int):
        return "the file's format version is unreadable"
    found = file_kind(data)
    newest = format_of(kind or found)
    if version > newest:
        return f"{NEWER_FORMAT} (format {version}; this one reads up to {newest}); upgrade reader to use it"
    if kind is not None and found is not None and found != kind:
        return f"the file holds the library's {found}, not its {kind} (was it copied here?)"
    return None


def _whole_problem_with(raw: bytes, kind: str | None = None) -> tuple[str | None, Any]:
    if not raw.strip():
        return "the file is empty (it may have been truncated)", None
    if b"\0" in raw[:4096]:
        return "the file holds binary data, not JSON", None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return "the file stops short in the middle of a character (it was probably truncated)", None
        return f"the file is not UTF-8 text (bad byte at offset {exc.start}; it may hold binary data)", None
    try:
        data = load_json(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        if _ends_early(exc):
            return f"the JSON stops short at {where} (the file was probably truncated)", None
        return f"invalid JSON at {where}: {exc.msg}", None
    except ValueError as exc:  # nested too deep to parse
        return str(exc), None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return "the file is JSON but not a reader library file", None
    for table, docs in data.items():
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict):
                what = f"document {doc_id[:40]!r} of table {table[:40]!r} is not an object"
                return f"the file is JSON but not a reader library file ({what})", None
    problem = _meta_problem(data, kind)
    return (problem, None) if problem else (None, data)


def _meta_near_end(text: str) -> dict[str, Any] | None:
    """The ``_meta`` table of a file's text, found without parsing the rest (we write it
    last): to refuse a newer reader's file before handing out its documents. None when
    it is not found there (the full parse decides)."""
    found = _META_AT_END.search(text, max(0, len(text) - 4096))
    if found is None:
        return None
    try:
        meta, _ = json.JSONDecoder().raw_decode(text, found.end())
    except (ValueError, RecursionError):
        return None
    return {META_TABLE: meta} if isinstance(meta, dict) else None


_META_AT_END = re.compile(r'"' + META_TABLE + r'"\s*:\s*')


def tail_version(path: Path) -> tuple[int, str, int] | None:
    """Which write of a library file is on disk, read from its last few kilobytes (this
    reader writes ``_meta`` last): ``(change, mark, size)``; None when there is no file,
    ``(0, "", size)`` when its end does not say (nothing can be told from it)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - 4096))
            tail = handle.read().decode("utf-8", "ignore")
    except FileNotFoundError:
        return None
    except OSError:
        return (0, "", -1)
    found = _meta_near_end(tail)
    version = file_version(found) if found is not None else None
    return (*(version or (0, "")), size)


def damage(path: Path, raw: bytes, kind: str | None, backups: Backups) -> LibraryError:
    """The error for a library file whose content ``raw`` did not read as one of ``kind``."""
    problem = _whole_problem_with(raw, kind)[0] or "it changed while it was being read (try again)"
    if problem.startswith(NEWER_FORMAT):
        return LibraryTooNew(path, problem)
    return LibraryCorrupt(path, problem, backups.newest(path.name))


def meta_problem(tables: dict[str, Any], kind: str | None) -> str | None:
    """What a file's ``_meta`` table (in ``tables``) says is wrong, for a file of ``kind``."""
    return _meta_problem(tables, kind)


#: Which write of a file its content is: (counter, mark). The counter goes up by one with
#: each write; the mark is random per write, so two writers can never make the same
#: version. ``(0, "")`` is a file that does not say (written by an older reader).
Version = tuple[int, str]


def file_version(data: dict[str, Any] | None) -> Version | None:
    if data is None:
        return None
    meta = data.get(META_TABLE, {}).get("1", {})
    if not isinstance(meta, dict):
        return (0, "")
    change, mark = meta.get("change", 0), meta.get("mark", "")
    if not isinstance(change, int) or not isinstance(mark, str):
        return (0, "")
    return (change, mark)
