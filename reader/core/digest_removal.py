"""Naming digests (by id, date or name) and removing them from the library.

Removing a digest takes its document out of ``catalog.json`` and its commentary out of
``commentary.json``. Its papers stay when another digest lists them; the others leave the
catalogue, but their read flags, tags and notes stay in ``state.json`` and the note files,
so importing the same file again brings everything back. The removal is one history step
that keeps every document it removed (core/history.py: ``docs``), so it can be undone
while nothing has put those documents back meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from .records import DigestRecord
from .storage import LibraryError
from .text import one_line

if TYPE_CHECKING:
    from .library import Library


class DigestNotFound(LibraryError):
    """No digest, or more than one, answers to a name (the message lists the candidates)."""


def describe(digest: DigestRecord) -> str:
    """``d1a2b3c4d5e6 (2020-07-12, Weekly digest)``: one line, safe to print."""
    when = digest.date.isoformat() if digest.date else "no date"
    return f"{digest.id} ({when}, {digest.display_name})"


def _names(digest: DigestRecord) -> list[str]:
    source = Path(digest.source)
    return [n.casefold() for n in (digest.display_name, digest.name or "", digest.title or "", source.stem, digest.source) if n]


def matching(digests: Sequence[DigestRecord], wanted: str) -> list[DigestRecord]:
    """The digests ``wanted`` names: its id; else its date (``2020-07-12``); else its name,
    title or file (the whole of it, any case); else those whose name contains it."""
    key = wanted.strip().casefold()
    if not key:
        return []
    exact = [d for d in digests if d.id.casefold() == key]
    if exact:
        return exact
    dated = [d for d in digests if d.date is not None and d.date.isoformat() == key]
    if dated:
        return dated
    named = [d for d in digests if key in _names(d)]
    if named:
        return named
    return [d for d in digests if any(key in name for name in _names(d))]


def resolve(digests: Sequence[DigestRecord], wanted: str) -> DigestRecord:
    """The one digest ``wanted`` names, or :class:`DigestNotFound` saying why."""
    found = matching(digests, wanted)
    shown = one_line(wanted)[:80]
    if not found:
        raise DigestNotFound(f"no digest is dated, named or has the id {shown!r} ('reader digests' lists them)")
    if len(found) > 1:
        listed = "; ".join(describe(d) for d in found[:10]) + ("; …" if len(found) > 10 else "")
        raise DigestNotFound(f"{shown!r} names {len(found)} digests: {listed}; name one by its id")
    return found[0]


class Removal(Struct, frozen=True):
    """What removing digests did: the digests removed, the papers that left the catalogue
    (their state and notes kept) and how many of their papers stayed (another digest
    lists them)."""

    digests: tuple[DigestRecord, ...]
    left: tuple[str, ...]
    stayed: int


def remove_digests(library: Library, wanted: Iterable[str]) -> Removal:
    """Remove the digests ``wanted`` names (each by id, date or name), as the catalogue is
    on disk now, under the lock: one write per file and one history step. Nothing is
    removed when any name is unknown or ambiguous (:class:`DigestNotFound`)."""
    wanted = list(wanted)
    with library.transaction("history", "commentary", "catalog"):  # (catalog, commentary, history)
        rows = library.raw_rows("catalog", "digests")
        records = [DigestRecord.from_doc(doc_id, doc) for doc_id, doc in rows.items()]
        chosen = list({d.id: d for d in (resolve(records, w) for w in wanted)}.values())
        gone = {d.id for d in chosen}
        listed_elsewhere = {
            item.get("arxiv_id")
            for doc_id, doc in rows.items() if doc_id not in gone
            for item in doc.get("entries") or () if isinstance(item, dict)
        }
        theirs = list(dict.fromkeys(i for d in chosen for i in d.paper_ids))
        papers = library.raw_rows("catalog", "papers")
        left = [i for i in theirs if i not in listed_elsewhere and i in papers]
        commentary = library.raw_rows("commentary", "digests")
        docs = {
            "catalog": {
                "digests": {i: [rows[i], None] for i in gone},
                "papers": {i: [papers[i], None] for i in left},
            },
            "commentary": {"digests": {i: [commentary[i], None] for i in gone if i in commentary}},
        }
        library.put("catalog", {"digests": dict.fromkeys(gone), "papers": dict.fromkeys(left)})
        if docs["commentary"]["digests"]:
            library.put("commentary", {"digests": dict.fromkeys(docs["commentary"]["digests"])})
        else:
            del docs["commentary"]
        names = ", ".join(d.date.isoformat() if d.date else d.display_name for d in chosen)
        library._record_history(f"remove digest{'s' * (len(chosen) > 1)} {names}", {}, docs)
    library.storage("commentary").release()  # (read per digest when shown: core/catalog.py)
    library.commentary.forget()
    return Removal(tuple(chosen), tuple(left), len(theirs) - len(left))
