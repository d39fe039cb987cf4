"""The list filter: a tiny query language over the papers of a snapshot.

``compile_query("gan tag:vision is:unread author:kingma")`` gives a :class:`Query`;
:func:`matches` keeps the ids whose paper satisfies every term (terms are ANDed):

* a bare word (or a ``"quoted phrase"``) must occur, case-insensitively, in the title,
  the authors, any digest commentary on the paper, or the reader's note;
* ``tag:x`` the paper has tag ``x`` (``tag:x*`` a tag starting with ``x``);
* ``is:read`` / ``is:unread``, also ``is:noted`` (has a note);
* ``author:y`` some author's name contains ``y``;
* a leading ``-`` negates any term (``-is:read``, ``-tag:old``).

The text searched is folded to lower case once per snapshot and cached, keyed by the
snapshot's catalog objects (a snapshot made with ``dataclasses.replace`` to change
states or notes reuses it), so a keystroke costs one substring scan per paper.
Pure Python; no UI imports.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .snapshot import Snapshot

SEPARATOR = "\x00"


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # "text", "tag", "tag-prefix", "is", "author"
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.terms


STATES = ("read", "unread", "noted")


def _split(text: str) -> list[str]:
    """Words, keeping "quoted phrases" together; an unbalanced quote is just a character."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def compile_query(text: str) -> Query:
    """Parse the filter text. Never raises: anything unknown is searched for as text."""
    terms: list[Term] = []
    for word in _split(text or ""):
        negated = False
        if word.startswith("-") and len(word) > 1:
            negated, word = True, word[1:]
        key, sep, value = word.partition(":")
        key = key.lower()
        value = value.strip()
        if sep and key == "tag" and value:
            tag = value.lstrip("#").lower()
            if tag.endswith("*"):
                terms.append(Term("tag-prefix", tag.rstrip("*"), negated))
            else:
                terms.append(Term("tag", tag, negated))
        elif sep and key == "is" and value.lower() in STATES:
            terms.append(Term("is", value.lower(), negated))
        elif sep and key == "author" and value:
            terms.append(Term("author", value.lower(), negated))
        elif sep and key in ("tag", "is", "author") and not value:
            continue  # still being typed: "tag:" matches everything for now
        else:
            terms.append(Term("text", word.lower(), negated))
    return Query(text or "", tuple(terms))


@dataclass(slots=True)
class _Index:
    """Lower-cased text per paper: ``text`` (title, authors, commentary), ``authors``."""

    text: dict[str, str]
    authors: dict[str, str]


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, object]] = {}  # kind -> (key objects, value)


def _cached(kind: str, key: tuple, build):
    """One cached value per kind, valid while ``key``'s objects are the same objects."""
    with _lock:
        hit = _cache.get(kind)
        if hit is not None and len(hit[0]) == len(key) and all(a is b for a, b in zip(hit[0], key)):
            return hit[1]
    value = build()
    with _lock:
        _cache[kind] = (key, value)  # holding the key objects keeps their ids unique
    return value


def _build_index(snapshot: Snapshot) -> _Index:
    parts: dict[str, list[str]] = {}
    authors: dict[str, str] = {}
    for arxiv_id, paper in snapshot.papers.items():
        names = " ; ".join(paper.authors)
        parts[arxiv_id] = [paper.title or "", names]
        authors[arxiv_id] = names.lower()
    for digest in snapshot.digests:
        for entry in digest.entries:
            bucket = parts.setdefault(entry.arxiv_id, [])
            if entry.title:
                bucket.append(entry.title)
            if entry.commentary:
                bucket.append(entry.commentary)
            if entry.authors and not authors.get(entry.arxiv_id):
                names = " ; ".join(entry.authors)
                bucket.append(names)
                authors[entry.arxiv_id] = names.lower()
    for arxiv_id, record in snapshot.metadata.items():
        meta = record.get("metadata") if isinstance(record, dict) else None
        if not isinstance(meta, dict) or record.get("status") != "ok":
            continue
        bucket = parts.setdefault(arxiv_id, [])
        bucket.append(str(meta.get("title") or ""))
        names = " ; ".join(str(a) for a in meta.get("authors") or ())
        bucket.append(names)
        if not authors.get(arxiv_id):
            authors[arxiv_id] = names.lower()
    text = {arxiv_id: SEPARATOR.join(bucket).lower() for arxiv_id, bucket in parts.items()}
    return _Index(text, authors)


def index_for(snapshot: Snapshot) -> _Index:
    """The cached text index of ``snapshot`` (built on first use)."""
    key = (snapshot.digests, snapshot.papers, snapshot.metadata)
    return _cached("index", key, lambda: _build_index(snapshot))


def _notes_for(snapshot: Snapshot) -> dict[str, str]:
    notes = snapshot.notes
    return _cached("notes", (notes,), lambda: {k: v.lower() for k, v in notes.items()})


def _term_test(snapshot: Snapshot, index: _Index, notes: dict[str, str], term: Term):
    value = term.value
    if term.kind == "text":
        text, empty = index.text, ""
        return lambda i: value in text.get(i, empty) or value in notes.get(i, empty)
    if term.kind == "author":
        authors = index.authors
        return lambda i: value in authors.get(i, "")
    if term.kind in ("tag", "tag-prefix"):
        states = snapshot.states
        exact = term.kind == "tag"

        def has_tag(i: str) -> bool:
            state = states.get(i)
            if state is None:
                return False
            if exact:
                return any(tag.lower() == value for tag in state.tags)
            return any(tag.lower().startswith(value) for tag in state.tags)

        return has_tag
    if term.kind == "is":
        states = snapshot.states
        if value == "noted":
            return lambda i: bool(snapshot.notes.get(i))
        want = value == "read"
        return lambda i: (states[i].read if i in states else False) == want
    raise ValueError(f"unknown term kind {term.kind!r}")  # pragma: no cover


def matches(snapshot: Snapshot, ids: Iterable[str], query: Query | str) -> list[str]:
    """The ids (in the given order) whose paper satisfies every term of ``query``."""
    if isinstance(query, str):
        query = compile_query(query)
    ids = list(ids)
    if query.empty:
        return ids
    index = index_for(snapshot)
    notes = _notes_for(snapshot)
    # Cheap, selective terms first: state and tags, then text.
    order = {"is": 0, "tag": 1, "tag-prefix": 1, "author": 2, "text": 3}
    for term in sorted(query.terms, key=lambda t: order.get(t.kind, 9)):
        test = _term_test(snapshot, index, notes, term)
        if term.negated:
            ids = [i for i in ids if not test(i)]
        else:
            ids = [i for i in ids if test(i)]
        if not ids:
            break
    return ids


def describe(query: Query) -> str:
    """A short human description, for the list's title: ``"gan" · tag:vision · unread``."""
    bits = []
    for term in query.terms:
        neg = "not " if term.negated else ""
        if term.kind == "text":
            bits.append(f'{neg}"{term.value}"')
        elif term.kind == "is":
            bits.append(f"{neg}{term.value}")
        elif term.kind == "tag-prefix":
            bits.append(f"{neg}tag:{term.value}*")
        else:
            bits.append(f"{neg}{term.kind}:{term.value}")
    return " · ".join(bits)


__all__ = ["Query", "Term", "compile_query", "describe", "index_for", "matches"]
