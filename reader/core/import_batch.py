"""What importing parsed digests writes: the documents of digests, papers, tag states and
notes, worked out from the library's tables as they are (``Library.import_digests`` holds the
lock and writes them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from .models import Entry, ParsedDigest, ParseWarning
from .records import (
    DigestRecord,
    ImportResult,
    PaperRecord,
    PaperState,
    digest_id_for,
    normalize_tag,
)


class Documents(Protocol):
    """Documents by id, as an import reads them (a table, or the library's reader of one)."""

    def get(self, key: str) -> dict[str, Any] | None: ...


class ImportBatch:
    """Works out the documents an import writes, from the tables as they are."""

    def __init__(
        self, digests: dict[str, Any], papers: dict[str, Any], states: Documents, notes: Callable[[], Documents], *, stamp: str
    ) -> None:
        self.digests, self.papers, self.states, self._notes = digests, papers, states, notes
        self.by_sha: dict[str, str] = {}
        self.by_source: dict[str, list[str]] = {}
        for doc_id, doc in digests.items():
            self.by_sha.setdefault(doc.get("sha256"), doc_id)
            self.by_source.setdefault(doc.get("source"), []).append(doc_id)
        self.digest_docs: dict[str, dict[str, Any]] = {}
        self.commentary_docs: dict[str, dict[str, Any]] = {}
        self.paper_docs: dict[str, dict[str, Any]] = {}
        self.state_docs: dict[str, dict[str, Any]] = {}
        self.note_docs: dict[str, dict[str, Any]] = {}
        self.removed: set[str] = set()
        self.stamp = stamp

    def _paper(self, arxiv_id: str) -> dict[str, Any] | None:
        return self.paper_docs.get(arxiv_id) or self.papers.get(arxiv_id)

    def _digest(self, doc_id: str) -> dict[str, Any] | None:
        return self.digest_docs.get(doc_id) or self.digests.get(doc_id)

    def add(self, parsed: ParsedDigest, sha256: str) -> ImportResult:
        parts = [s for s in parsed.sections if not s.loose] if parsed.sections else [parsed]
        loose = [s for s in parsed.sections if s.loose]
        entries = sum(len(part.entries) for part in parts + loose)
        if sha256 in self.by_sha:
            same = self._digest(self.by_sha[sha256]) or {}
            return ImportResult(self.by_sha[sha256], "unchanged", entries, 0, (), len(parts), same.get("source"))
        before = [i for i in self.by_source.get(parsed.source, []) if i not in self.removed]
        # A digest keeps its id (a file renamed, whose digests were moved to its new name).
        kept = {(self._digest(i) or {}).get("section") or "": i for i in before}
        ids = []
        new_papers = 0
        for part in parts:
            key = part.section
            doc_id = kept.get(key or "") or digest_id_for(parsed.source if not key else f"{parsed.source}\0{key}")
            ids.append(doc_id)
            warnings = tuple(parsed.warnings) if part is parts[0] else ()
            new_papers += self._add_digest(doc_id, part, parsed.source, sha256, warnings)
        for part in loose:  # the export's papers in no digest: back to the reading queue
            new_papers += sum(self._add_entry(entry, (), set(), "commentary") for entry in part.entries)
        self.removed.update(i for i in before if i not in ids)
        for doc_id in self.removed:
            self.digest_docs.pop(doc_id, None)
            self.commentary_docs.pop(doc_id, None)
        self.by_sha[sha256] = ids[0] if ids else ""
        self.by_source[parsed.source] = ids
        status = "updated" if before else "new"
        return ImportResult(ids[0] if ids else "", status, entries, new_papers, tuple(parsed.warnings), len(parts))

    def _add_digest(
        self, doc_id: str, part: ParsedDigest, source: str, sha256: str, warnings: tuple[ParseWarning, ...]
    ) -> int:
        """Store one digest of a file; returns how many of its papers are new to the library."""
        old = self._digest(doc_id)
        old_tags = {
            item["arxiv_id"]: set(item.get("tags") or ()) | set((old or {}).get("tags") or ())
            for item in (old or {}).get("entries", ())
        }
        record = DigestRecord(
            id=doc_id,
            date=part.date,
            title=part.title,
            source=source,
            sha256=sha256,
            imported_at=(old or {}).get("imported_at", self.stamp),
            entries=tuple(part.entries),
            references=tuple(part.references),
            tags=tuple(part.tags),
            warnings=warnings,
            name=part.name,
            section=part.section,
        )
        new_papers = sum(self._add_entry(entry, part.tags, old_tags.get(entry.arxiv_id, set())) for entry in part.entries)
        self.digest_docs[doc_id] = record.to_doc()
        self.commentary_docs[doc_id] = record.commentary_doc()
        self.removed.discard(doc_id)
        return new_papers

    def _add_entry(
        self, entry: Entry, digest_tags: Iterable[str], old_tags: set[str], origin: str = "digest"
    ) -> bool:
        """Record the paper of one entry, its tags and its note; True when it is new to the library."""
        known = self._paper(entry.arxiv_id)
        if known is None or (known.get("origin") == "commentary" and origin == "digest"):
            paper = PaperRecord(entry.arxiv_id, entry.title, tuple(entry.authors), self.stamp, origin,
                                title_source=entry.title_source)
            if known is not None and known.get("title") and not entry.title:
                paper = PaperRecord(entry.arxiv_id, known["title"], tuple(known.get("authors") or entry.authors),
                                    self.stamp, origin, title_source=known.get("title_source"))
            self.paper_docs[entry.arxiv_id] = paper.to_doc()
        else:
            current = PaperRecord.from_doc(entry.arxiv_id, known)
            better = entry.title and (not current.title or (current.title_guessed and entry.title_source == "digest"))
            if better or (not current.authors and entry.authors):
                self.paper_docs[entry.arxiv_id] = dict(
                    known,
                    title=entry.title if better else current.title,
                    title_source=entry.title_source if better else current.title_source,
                    authors=known.get("authors") or list(entry.authors),
                )
        self._add_tags(entry, digest_tags, old_tags)
        self._add_note(entry)
        return known is None

    def _add_tags(self, entry: Entry, digest_tags: Iterable[str], old_tags: set[str]) -> None:
        """Tags the entry (or its whole digest) gives the paper, the first time they are given."""
        fresh = []
        for tag in [*entry.tags, *digest_tags]:
            if tag in old_tags or not tag.strip("# "):
                continue
            try:
                fresh.append(normalize_tag(tag))
            except ValueError:
                continue
        if fresh:
            doc = self.state_docs.get(entry.arxiv_id) or self.states.get(entry.arxiv_id)
            state = PaperState.from_doc(doc)
            merged = tuple(dict.fromkeys((*state.tags, *fresh)))
            if merged != state.tags:
                self.state_docs[entry.arxiv_id] = PaperState(state.read, merged, state.read_at).to_doc()

    def _add_note(self, entry: Entry) -> None:
        """A note the digest carries: the paper's note when it has none, else kept in the
        commentary (unless it is that very note)."""
        if not entry.note.strip():
            return
        doc = self.note_docs.get(entry.arxiv_id) or self._notes().get(entry.arxiv_id) or {}
        current = doc.get("text", "")
        if not current.strip():
            self.note_docs[entry.arxiv_id] = {"text": entry.note, "updated": self.stamp}
        elif current.strip() != entry.note.strip():
            entry.commentary = "\n\n".join(part for part in (entry.commentary, f"Notes:\n{entry.note}") if part)
