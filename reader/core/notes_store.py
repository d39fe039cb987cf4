"""Where the library keeps notes (format 2): their texts in sixteen files, and an index.

At 100,000 papers a reader's notes come to megabytes; format 1 kept them all in
``notes.json``, rewritten whole on every save (~40 ms at 7 MB). Format 2 spreads the
texts over ``notes-0.json`` ... ``notes-f.json`` by a hash of the paper id, so a save
rewrites one sixteenth of them, and keeps in ``notes.json`` only which papers have a
note (what the app's first screen shows, read in a millisecond):

``notes.json``     table ``index``, one document ``noted``: ``{"papers": "id id ..."}``;
``notes-<x>.json`` table ``notes``: ``{id: {"text", "updated"}}``, as format 1 had them.

The texts are the truth: a crash between a text's file and the index leaves at most a
note mark that is wrong until the next save of that note. A format 1 ``notes.json`` is
read as it is; the first save moves its texts out (the migration: the text files are
written first, then the index replaces the old file).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Any

SHARDS = tuple(f"notes-{n:x}" for n in range(16))
INDEX_TABLE = "index"
INDEX_DOC = "noted"
TEXTS_TABLE = "notes"  # in a shard, and format 1's table in notes.json


def shard_of(arxiv_id: str) -> str:
    """The file (its name without ``.json``) that keeps the note on ``arxiv_id``."""
    return SHARDS[zlib.crc32(arxiv_id.encode("utf-8", "surrogatepass")) & 15]


def is_index(tables: Mapping[str, Any] | None) -> bool:
    """Is this ``notes.json`` an index (format 2), not the notes themselves (format 1)?
    A file with neither (new, or emptied) counts as an index."""
    tables = tables or {}
    return INDEX_TABLE in tables or TEXTS_TABLE not in tables


def noted(index: Mapping[str, Any] | None) -> list[str]:
    """The ids the index lists as having a note, in the order they got one."""
    doc = ((index or {}).get(INDEX_TABLE) or {}).get(INDEX_DOC)
    papers = doc.get("papers") if isinstance(doc, dict) else None
    if isinstance(papers, list):  # (as a hand edit may leave it)
        return [i for i in papers if isinstance(i, str)]
    return papers.split() if isinstance(papers, str) else []


def index_tables(ids: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """The index of the papers with a note: their ids in one string (see core/state_store.py)."""
    return {INDEX_TABLE: {INDEX_DOC: {"papers": " ".join(dict.fromkeys(ids))}}}


def text_of(doc: Any) -> str:
    text = doc.get("text", "") if isinstance(doc, dict) else ""
    return text if isinstance(text, str) else ""


def by_shard(docs: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Note documents (id -> ``{"text", "updated"}``) grouped by the file that keeps them."""
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for arxiv_id, doc in docs.items():
        grouped.setdefault(shard_of(arxiv_id), {})[arxiv_id] = doc
    return grouped
