"""The shared change history (``history.json``) and undo as the inverse of one step.

Every change to read flags, tags or notes, by the app or by a command, is one *step*:
what it did to each paper (the read flag before and after, the tags it added and
removed, the note before and after) and where it came from (:class:`Origin`: the app
or a command, with its session id and pid). Undoing a step applies its inverse as a
compare-and-set on what is on disk now, paper by paper and field by field:

* a tag it added is removed and a tag it removed is put back, unless a later step
  touched that tag (tags added by others meanwhile are never touched);
* the read flag goes back only while it is still what the step set and no later step
  changed it;
* a note goes back only while it is still exactly what the step left.

Anything else is a conflict: left as it is, and named in the outcome.

A step may also change whole documents of the catalogue (removing a digest, adding papers
to the reading queue): ``docs`` keeps each one before and after, and undoing puts the
one before back only while the document is still exactly the one after (absent for a
removal: a digest imported again since is left as it is).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from msgspec import Struct, field

HISTORY_LIMIT = 100


class Origin(Struct, frozen=True):
    """Who made a change: ``kind`` is ``app`` or ``command``; ``session`` is unique to
    one run of the app or one command; ``name`` the command (``mark``, ``tag``...)."""

    kind: str
    session: str
    pid: int
    name: str = ""

    @classmethod
    def new(cls, kind: str, name: str = "") -> Origin:
        return cls(kind, os.urandom(8).hex(), os.getpid(), name)  # (as secrets.token_hex, without importing it)

    def to_doc(self) -> dict[str, Any]:
        return {"kind": self.kind, "session": self.session, "pid": self.pid, "name": self.name}

    @classmethod
    def from_doc(cls, doc: Any) -> Origin | None:
        if not isinstance(doc, dict):
            return None
        try:
            return cls(str(doc["kind"]), str(doc["session"]), int(doc.get("pid", 0)), str(doc.get("name", "")))
        except (KeyError, TypeError, ValueError):
            return None


class Change(Struct, frozen=True):
    """One step, as kept in history.json. ``papers`` maps a paper id to what the step did
    to it: ``read`` [before, after], ``read_at`` [before, after], ``tags`` {added,
    removed}, ``note`` [before, after]. Steps written by older readers have only
    ``before_state``/``before_notes`` and no origin; they are never undone."""

    seq: int
    at: str
    label: str
    origin: Origin | None = None
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    before_state: dict[str, Any] = field(default_factory=dict)  # (older readers' steps)
    before_notes: dict[str, Any] = field(default_factory=dict)
    #: Whole documents the step changed: file -> table -> doc id -> [before, after] (None: absent).
    docs: dict[str, dict[str, dict[str, list[Any]]]] = field(default_factory=dict)

    @classmethod
    def from_doc(cls, seq: int, doc: dict[str, Any]) -> Change:
        papers = doc.get("papers")
        if isinstance(doc.get("groups"), list):  # a big step, kept compact (see step_doc)
            papers = {}
            for group in doc["groups"]:
                if isinstance(group, dict) and isinstance(group.get("ids"), str):
                    papers.update(dict.fromkeys(group["ids"].split(), group.get("did")))
        return cls(
            seq=seq,
            at=str(doc.get("at", "")),
            label=str(doc.get("label", "")),
            origin=Origin.from_doc(doc.get("origin")),
            papers=papers if isinstance(papers, dict) else {},
            before_state=doc.get("before_state") or {},
            before_notes=doc.get("before_notes") or {},
            docs=_docs(doc.get("docs")),
        )

    @property
    def undoable(self) -> bool:
        """Can this reader undo it (older readers' steps have no inverse)?"""
        return bool(self.papers or self.docs)

    def touches(self, arxiv_id: str, what: str, tag: str | None = None) -> bool:
        """Did this step change ``what`` (``read``, ``tags``, ``note``) of the paper
        (for tags: that tag)?"""
        step = self.papers.get(arxiv_id)
        if isinstance(step, dict) and what in step:
            if what != "tags" or tag is None:
                return True
            tags = step["tags"]
            return tag in tags.get("added", ()) or tag in tags.get("removed", ())
        legacy = self.before_notes if what == "note" else self.before_state
        return arxiv_id in legacy

    @property
    def files(self) -> set[str]:
        """Which library files the step changed: ``state``, ``notes``."""
        found = set()
        for step in self.papers.values():
            if isinstance(step, dict):
                if "read" in step or "tags" in step:
                    found.add("state")
                if "note" in step:
                    found.add("notes")
        if self.before_state:
            found.add("state")
        if self.before_notes:
            found.add("notes")
        found.update(self.docs)
        return found


def _docs(raw: Any) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """A step's ``docs`` as stored, keeping only well-formed ``[before, after]`` pairs."""
    found: dict[str, dict[str, dict[str, list[Any]]]] = {}
    if not isinstance(raw, dict):
        return found
    for file, tables in raw.items():
        if not isinstance(tables, dict):
            continue
        for table, docs in tables.items():
            if not isinstance(docs, dict):
                continue
            pairs = {
                i: [pair[0], pair[1]] for i, pair in docs.items()
                if isinstance(pair, list) and len(pair) == 2 and all(d is None or isinstance(d, dict) for d in pair)
            }
            if pairs:
                found.setdefault(str(file), {})[str(table)] = pairs
    return found


def state_step(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """What a change of a paper's state doc from ``old`` to ``new`` did (empty: nothing)."""
    old = old or {}
    step: dict[str, Any] = {}
    if bool(old.get("read")) != bool(new.get("read")):
        step["read"] = [bool(old.get("read")), bool(new.get("read"))]
        step["read_at"] = [old.get("read_at"), new.get("read_at")]
    old_tags, new_tags = list(old.get("tags") or ()), list(new.get("tags") or ())
    added = [tag for tag in new_tags if tag not in old_tags]
    removed = [tag for tag in old_tags if tag not in new_tags]
    if added or removed:
        step["tags"] = {"added": added, "removed": removed}
    return step


#: A step of more papers than this keeps them as groups of papers the step did the same
#: thing to (``{"ids": "id id ...", "did": {...}}``): marking 10,000 papers read is one group.
GROUP_ABOVE = 50


def step_doc(
    label: str, origin: Origin, papers: dict[str, dict[str, Any]], at: str, docs: dict[str, Any] | None = None
) -> dict[str, Any]:
    doc: dict[str, Any] = {"at": at, "label": label, "origin": origin.to_doc()}
    if docs:
        doc["docs"] = docs
    if len(papers) <= GROUP_ABOVE:
        doc["papers"] = papers
        return doc
    groups: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for arxiv_id, step in papers.items():
        groups.setdefault(repr(step), (step, []))[1].append(arxiv_id)
    doc["groups"] = [{"ids": " ".join(ids), "did": step} for step, ids in groups.values()]
    return doc


class UndoOutcome(Struct, frozen=True):
    """What undoing a step did: the papers it put back, and what it left, and why."""

    change: Change
    undone: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.change.label


class Inverse(Struct):
    """The inverse of a step worked out against the files as they are."""

    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> new state doc
    notes: dict[str, str] = field(default_factory=dict)  # id -> new note text
    undone: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def inverse(change: Change, later: Iterable[Change], states: dict[str, Any], notes: dict[str, Any]) -> Inverse:
    """The compare-and-set inverse of ``change``: ``states`` (id -> state doc) and
    ``notes`` (id -> note doc) are the tables as they are now; ``later`` the steps made
    after it (by anyone)."""
    later = list(later)
    result = Inverse()
    for arxiv_id, step in change.papers.items():
        if not isinstance(step, dict):
            continue
        problems: list[str] = []
        changed = False
        doc = dict(states.get(arxiv_id) or {"read": False, "tags": [], "read_at": None})
        if "read" in step:
            before, after = bool(step["read"][0]), bool(step["read"][1])
            now = bool(doc.get("read"))
            if any(c.touches(arxiv_id, "read") for c in later):
                problems.append(f"marked {'read' if now else 'unread'} since")
            elif now == after:
                doc["read"] = before
                doc["read_at"] = (step.get("read_at") or [None, None])[0]
                changed = True
        if "tags" in step:
            tags = list(doc.get("tags") or ())
            for tag in step["tags"].get("added", ()):
                if any(c.touches(arxiv_id, "tags", tag) for c in later):
                    problems.append(f"#{tag} changed since")
                elif tag in tags:
                    tags.remove(tag)
                    changed = True
            for tag in step["tags"].get("removed", ()):
                if any(c.touches(arxiv_id, "tags", tag) for c in later):
                    problems.append(f"#{tag} changed since")
                elif tag not in tags:
                    tags.append(tag)
                    changed = True
            doc["tags"] = tags
        if changed:
            result.states[arxiv_id] = doc
        if "note" in step:
            before_text, after_text = str(step["note"][0] or ""), str(step["note"][1] or "")
            now_doc = notes.get(arxiv_id)
            now_text = now_doc.get("text", "") if isinstance(now_doc, dict) else ""
            if any(c.touches(arxiv_id, "note") for c in later) or now_text != after_text:
                problems.append("the note was changed since")
            else:
                result.notes[arxiv_id] = before_text
                changed = True
        if changed:
            result.undone.append(arxiv_id)
        if problems:
            result.conflicts.append(f"{arxiv_id}: {', '.join(problems)}; left as it is")
    return result


Docs = dict[str, dict[str, dict[str, dict[str, Any] | None]]]  # file -> table -> id -> doc (None: absent)


def inverse_docs(change: Change, now: Docs) -> tuple[Docs, list[str]]:
    """The compare-and-set inverse of a step's whole documents: ``now`` is each document
    as it is now (file -> table -> id -> doc, None: absent). Returns the changes to write
    (file -> table -> id -> doc, None to remove it) and the conflicts: a document not as
    the step left it is left as it is."""
    writes: Docs = {}
    conflicts: list[str] = []
    for file, tables in change.docs.items():
        for table, docs in tables.items():
            for doc_id, (before, after) in docs.items():
                current = now.get(file, {}).get(table, {}).get(doc_id)
                if current != after:
                    conflicts.append(f"{_doc_name(table, doc_id, before or after)}: {_doc_change(before, after)}")
                elif current != before:
                    writes.setdefault(file, {}).setdefault(table, {})[doc_id] = before
    return writes, conflicts


def _doc_name(table: str, doc_id: str, doc: dict[str, Any] | None) -> str:
    if table == "digests":
        when = (doc or {}).get("date")
        return f"digest {doc_id}" + (f" ({when})" if when else "")
    return doc_id


def _doc_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if after is None:
        return "imported again since; left as it is"
    if before is None:
        return "changed since (imported from a digest, or removed); left as it is"
    return "changed since; left as it is"


def trim(seqs: list[int]) -> list[int]:
    """The oldest steps to drop so that one more fits in :data:`HISTORY_LIMIT`."""
    return sorted(seqs)[: max(0, len(seqs) + 1 - HISTORY_LIMIT)]
