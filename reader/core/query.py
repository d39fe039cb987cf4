"""The query language, one for the ``/`` filter, ``s`` search, ``reader list`` and ``reader search``.

``parse("(tag:vae OR tag:gan) -is:read")`` gives a :class:`Query`: a tree of nodes, or a
:class:`QueryError` saying what is wrong and where. Parsing never raises.

* Words match where a word of the paper starts (``lora`` finds "LoRA", not "exploration");
  case, diacritics and punctuation don't matter; ``"a phrase"`` matches its words in order.
  A word holding punctuation is a phrase of its parts: ``self-supervised``, ``cs.LG``.
* Fields: ``title:`` ``author:`` ``tag:`` ``note:`` ``commentary:`` ``abstract:`` ``text:``
  (paper text), ``digest:`` (date, name or id), ``week:2020-W28``, ``date:>=2020-07``,
  ``year:2020``, ``cat:cs.LG``, ``is:read|unread|noted|fetched|downloaded|mentioned|mismatched``,
  ``cites:ID`` (papers whose text cites ID), ``cited-by:ID`` (papers the text of ID cites).
* Logic: a space or ``AND``; ``OR``; ``NOT`` or a leading ``-``; parentheses. ``OR`` joins the
  terms on either side of it before ``AND`` does: ``a b OR c`` is ``a (b OR c)``.

What each node means is up to the engine (``reader/core/engine.py``); this module only reads
the text. Pure Python, no I/O.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from msgspec import Struct

from .ids import parse_id
from .query_values import BadValue, date_range, iso_week, year_range
from .words import fold, words

__all__ = [
    "IS_VALUES",
    "MAX_LENGTH",
    "TEXT_FIELDS",
    "And",
    "Cat",
    "CitedBy",
    "Cites",
    "Date",
    "Digest",
    "Is",
    "Node",
    "Not",
    "Or",
    "Query",
    "QueryError",
    "Tag",
    "Week",
    "Words",
    "Year",
    "parse",
]

MAX_LENGTH = 1000  # characters
MAX_DEPTH = 40  # nested parentheses and NOTs

# Field name in a query -> the indexed field it searches.
TEXT_FIELDS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "note": "note",
    "commentary": "commentary",
    "abstract": "abstract",
    "text": "text",
}
OTHER_FIELDS = ("tag", "digest", "week", "date", "year", "cat", "is", "cites", "cited-by")
IS_VALUES = ("read", "unread", "noted", "fetched", "downloaded", "mentioned", "mismatched")
FIELD_NAMES = (*TEXT_FIELDS, *OTHER_FIELDS)

# Typographic double quotes are quotes (one character each, so positions stay put).
_QUOTES = str.maketrans({q: '"' for q in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f\uff02"})
_FIELD = re.compile(r"([A-Za-z]+(?:-[A-Za-z]+)*):")  # (cited-by:)


# --------------------------------------------------------------------------- nodes


class Words(Struct, frozen=True):
    """Words (or a phrase) to find at word starts: in one indexed ``field``, or in any."""

    field: str | None
    tokens: tuple[str, ...]


class Tag(Struct, frozen=True):
    value: str  # folded, no '#'
    prefix: bool = False  # tag:gen* matches every tag starting with "gen"


class Is(Struct, frozen=True):
    state: str  # one of IS_VALUES


class Digest(Struct, frozen=True):
    """A digest by its date (or the start of one: ``2020-07``), id, or name's words."""

    value: str  # as typed, stripped
    tokens: tuple[str, ...]  # the name's words to look for


class Week(Struct, frozen=True):
    week: str  # "2020-W28"


class Date(Struct, frozen=True):
    """A paper listed by a digest dated within ``lo..hi`` (inclusive; None: open)."""

    lo: dt.date | None
    hi: dt.date | None


class Year(Struct, frozen=True):
    lo: int | None
    hi: int | None


class Cat(Struct, frozen=True):
    value: str  # folded: "cs.lg"
    prefix: bool = False


class Cites(Struct, frozen=True):
    """Papers whose own text (a downloaded PDF's) cites the paper ``arxiv_id``."""

    arxiv_id: str  # canonical: no version, an old-style id without its subject class


class CitedBy(Struct, frozen=True):
    """Papers that the text of ``arxiv_id`` cites."""

    arxiv_id: str


class Not(Struct, frozen=True):
    item: Node


class And(Struct, frozen=True):
    items: tuple[Node, ...]


class Or(Struct, frozen=True):
    items: tuple[Node, ...]


Leaf = Words | Tag | Is | Digest | Week | Date | Year | Cat | Cites | CitedBy
Node = Leaf | Not | And | Or


class QueryError(Struct, frozen=True):
    """What is wrong with a query, and where: ``text[start:end]`` (``start == end`` at the
    end of the query, for something missing)."""

    message: str
    start: int
    end: int

    def describe(self) -> str:
        """One line: ``column 12: unknown field "foo:"``."""
        return f"column {self.start + 1}: {self.message}"


class Query(Struct, frozen=True):
    """A parsed query: ``node`` (None for an empty query, which matches everything), or
    ``error``."""

    text: str
    node: Node | None = None
    error: QueryError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def empty(self) -> bool:
        return self.error is None and self.node is None

    def leaves(self) -> list[tuple[Leaf, bool]]:
        """Every leaf, with whether it counts positively (under an even number of NOTs)."""
        found: list[tuple[Leaf, bool]] = []
        if self.node is not None:
            _leaves(self.node, True, found)
        return found

    def positive_words(self) -> list[Words]:
        """The text leaves that make a paper match (not those under a NOT), once each."""
        return list(dict.fromkeys(leaf for leaf, positive in self.leaves() if positive and isinstance(leaf, Words)))

    def uses(self, kind: type, **values: object) -> bool:
        """Does some leaf of type ``kind`` (with these attribute values) occur?"""
        return any(
            isinstance(leaf, kind) and all(getattr(leaf, k) == v for k, v in values.items())
            for leaf, _ in self.leaves()
        )


def _leaves(node: Node, positive: bool, found: list[tuple[Leaf, bool]]) -> None:
    if isinstance(node, Not):
        _leaves(node.item, not positive, found)
    elif isinstance(node, (And, Or)):
        for item in node.items:
            _leaves(item, positive, found)
    else:
        found.append((node, positive))


# --------------------------------------------------------------------------- tokens


class _Token(Struct, frozen=True):
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "term"
    start: int
    end: int
    field: str = ""  # for a term: the field name before ':' ("" for none)
    value: str = ""  # for a term: the value (a quoted one without its quotes)
    quoted: bool = False
    value_start: int = 0


class _Fail(Exception):
    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.error = QueryError(message, start, end)


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            found.append(_Token(ch, i, i + 1))
            i += 1
        elif ch == "-" and (i + 1 == n or text[i + 1].isspace()):
            raise _Fail("a '-' needs a term right after it, as in -is:read", i, i + 1)
        elif ch == "-" and text[i + 1] in "-)":
            raise _Fail("a '-' needs a term right after it, as in -is:read", i, i + 2)
        elif ch == "-":
            found.append(_Token("-", i, i + 1))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end == -1:
                raise _Fail("this quote is never closed", i, i + 1)
            found.append(_Token("term", i, end + 1, value=text[i + 1 : end], quoted=True, value_start=i + 1))
            i = end + 1
        else:
            start = i
            m = _FIELD.match(text, i)
            field = ""
            if m:
                field, i = m.group(1), m.end()
                if i < n and text[i] == '"':
                    end = text.find('"', i + 1)
                    if end == -1:
                        raise _Fail("this quote is never closed", i, i + 1)
                    found.append(_Token("term", start, end + 1, field, text[i + 1 : end], True, i + 1))
                    i = end + 1
                    continue
            value_start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            word = text[value_start:i]
            if not field and word in ("AND", "OR", "NOT"):
                found.append(_Token(word, start, i))
            else:
                found.append(_Token("term", start, i, field, word, False, value_start))
    return found


# --------------------------------------------------------------------------- the parser


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.length = length
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def starts_operand(self, token: _Token | None) -> bool:
        return token is not None and token.kind in ("(", "NOT", "-", "term")

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.and_expr()
        token = self.peek()
        if token is not None:  # only a ")" stops and_expr early
            raise _Fail("this ')' has no '(' before it", token.start, token.end)
        return node

    def and_expr(self) -> Node:
        items = [self.or_expr()]
        while True:
            token = self.peek()
            if token is None or token.kind == ")":
                break
            if token.kind == "AND":
                self.take()
                if not self.starts_operand(self.peek()):
                    raise _Fail("AND needs a term after it", token.start, token.end)
            elif token.kind == "OR":
                raise _Fail("OR needs a term before it", token.start, token.end)
            items.append(self.or_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def or_expr(self) -> Node:
        items = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if not self.starts_operand(self.peek()):
                raise _Fail("OR needs a term after it", token.start, token.end)
            items.append(self.unary())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise _Fail("a term is missing here", self.length, self.length)
        if token.kind in ("NOT", "-"):
            self.take()
            if not self.starts_operand(self.peek()):
                raise _Fail(f"{token.kind} needs a term after it", token.start, token.end)
            with self.deeper(token):
                return Not(self.unary())
        if token.kind == "(":
            self.take()
            if (inner := self.peek()) is None:
                raise _Fail("this '(' is never closed", token.start, token.end)
            if inner.kind == ")":
                raise _Fail("nothing between these parentheses", token.start, inner.end)
            with self.deeper(token):
                node = self.and_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise _Fail("this '(' is never closed", token.start, token.end)
            self.take()
            return node
        if token.kind == ")":
            raise _Fail("this ')' has no '(' before it", token.start, token.end)
        if token.kind in ("AND", "OR"):
            raise _Fail(f"{token.kind} needs a term before it", token.start, token.end)
        return _term(self.take())

    def deeper(self, token: _Token) -> _Depth:
        return _Depth(self, token)


class _Depth:
    def __init__(self, parser: _Parser, token: _Token) -> None:
        self.parser, self.token = parser, token

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise _Fail(f"nested more than {MAX_DEPTH} deep", self.token.start, self.token.end)

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1


# --------------------------------------------------------------------------- terms


def _term(token: _Token) -> Node:
    field, value = token.field.lower(), token.value
    where = (token.value_start, token.end - (1 if token.quoted else 0))
    if not field:
        return _words(None, value, token.quoted, (token.start, token.end))
    if field not in FIELD_NAMES:
        close = difflib.get_close_matches(field, FIELD_NAMES, n=1)
        hint = f' (did you mean "{close[0]}:"?)' if close else ' (quote it to search for the text: "a:b")'
        raise _Fail(f'unknown field "{token.field}:"{hint}', token.start, token.start + len(token.field) + 1)
    if not value.strip():
        raise _Fail(f"{field}: needs a value, as in {_EXAMPLES[field]}", token.start, token.end)
    if field in TEXT_FIELDS:
        return _words(TEXT_FIELDS[field], value, token.quoted, where)
    value = value.strip()
    if field == "tag":
        prefix = value.endswith("*")
        tag = _fold_value(value.rstrip("*").lstrip("#"))
        if not tag:
            raise _Fail("tag: needs a tag name, as in tag:gan", *where)
        return Tag(tag, prefix)
    if field == "is":
        state = value.lower()
        if state not in IS_VALUES:
            raise _Fail(f'is: can be {", ".join(IS_VALUES)}; not "{value}"', *where)
        return Is(state)
    if field == "digest":
        return Digest(value, tuple(words(value)))
    if field in ("cites", "cited-by"):
        arxiv_id = _paper_id(value)
        if arxiv_id is None:
            raise _Fail(f'{field}: wants an arXiv id (2007.03898, hep-th/9901001, or its URL); not "{value}"', *where)
        return Cites(arxiv_id) if field == "cites" else CitedBy(arxiv_id)
    try:
        if field == "week":
            return Week(iso_week(value))
        if field == "date":
            lo, hi = date_range(value)
            return Date(lo, hi)
        if field == "year":
            ylo, yhi = year_range(value)
            return Year(ylo, yhi)
    except BadValue as bad:
        raise _Fail(str(bad), *where) from None
    # cat:
    prefix = value.endswith("*")
    cat = _fold_value(value.rstrip("*"))
    if not cat:
        raise _Fail("cat: needs an arXiv category, as in cat:cs.LG", *where)
    return Cat(cat, prefix)


_EXAMPLES = {
    "title": "title:diffusion", "author": "author:kingma", "authors": "authors:kingma",
    "note": "note:idea", "commentary": "commentary:ablation", "abstract": "abstract:benchmark",
    "text": 'text:"lower bound"', "tag": "tag:gan", "digest": "digest:2020-07-12",
    "week": "week:2020-W28", "date": "date:>=2020-07", "year": "year:2020", "cat": "cat:cs.LG",
    "is": "is:unread", "cites": "cites:2007.03898", "cited-by": "cited-by:2007.03898",
}


def _paper_id(value: str) -> str | None:
    """The canonical arXiv id ``value`` names (an id, ``arXiv:…``, a URL), None if none."""
    from .cite_ids import canonical  # (lazy: not loaded before the first paint)

    found = parse_id(value)
    return canonical(found[0]) if found is not None else None


def _fold_value(value: str) -> str:
    return fold(value.strip())


def _words(field: str | None, value: str, quoted: bool, where: tuple[int, int]) -> Words:
    if not quoted and value.endswith("*"):  # words match word starts anyway
        value = value.rstrip("*")
    tokens = tuple(words(value))
    if not tokens:
        what = "these quotes hold" if quoted else f'"{value}" has'
        raise _Fail(f"{what} no letters or digits to search for", *where)
    return Words(field, tokens)


# --------------------------------------------------------------------------- entry point


def parse(text: str | None) -> Query:
    """The query ``text`` means; never raises (a mistake is ``Query.error``)."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        return Query(text, error=QueryError(f"a query holds at most {MAX_LENGTH} characters", MAX_LENGTH, len(text)))
    try:
        tokens = _tokens(text.translate(_QUOTES))
        return Query(text, _Parser(tokens, len(text)).parse())
    except _Fail as fail:
        return Query(text, error=fail.error)
