"""BibTeX for papers of the library: one ``@misc`` entry per paper, arXiv style.

::

    @misc{vahdat2020nvae-2007.03898,
      title         = {{NVAE}: A Deep Hierarchical Variational Autoencoder},
      author        = {Arash Vahdat and Jan Kautz},
      year          = {2020},
      eprint        = {2007.03898},
      archivePrefix = {arXiv},
      primaryClass  = {stat.ML},
      url           = {https://arxiv.org/abs/2007.03898}
    }

Keys are ``<first author surname><year><first title word>-<arXiv id>`` (ASCII, lower case;
``/`` of an old-style id becomes ``_``). The id makes a key unique on its own, so a key depends
on nothing but its own paper: not on which papers are exported together, not on papers added
later (a newcomer with the same author, year and word can never take an existing key), not on
the order of anything. The year comes from the id (``YYMM``), so fetching arXiv metadata does not
change it; the surname and word come from the library's title and authors (a digest's, which
fetching does not replace), so a key changes only when a paper that had no title or authors gets
them. Field values prefer arXiv's metadata when it was fetched.

Text is escaped for LaTeX: ``\\ { } % & # _ $ ^ ~ < > |`` become commands or escapes (braces
as ``\\textbraceleft{}``, because BibTeX counts even escaped braces), ``$…$`` math is kept as
written, TeX accents such as ``Schr\\"odinger`` become the letters they spell, and any other
unicode is written as UTF-8 (biber, and LaTeX since 2018, read it). Words with capitals after
their first letter (``NVAE``, ``StyleGAN``) are braced in titles so styles do not lowercase them.
"""

from __future__ import annotations

import re
import unicodedata

from .ids import abs_url, parse_id
from .snapshot import Snapshot
from .text import printable

__all__ = ["bibtex_entry", "bibtex_key", "export_bibtex", "latex_escape", "year_of"]

_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how in into is it its of on or the to towards "
    "toward via what when where which why with without".split()
)
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

# --------------------------------------------------------------------------- escaping

_ACCENT_MARKS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}
# \"o  \"{o}  {\"o}  {\"{o}}  \c{c}  \v s  \'\i — an outer brace pair goes with the command.
_ACCENT_RE = re.compile(
    r"""(?P<open>\{)?\\(?P<mark>["'`^~=.]|[uvHckr](?=[\s{]))\s*"""
    r"""(?:\{(?P<braced>\\i|[A-Za-z])\}|(?P<bare>\\i(?![A-Za-z])|[A-Za-z]))(?(open)\})"""
)
# "$x^2$" is math; "$5 or $6" is money: math does not end in a space.
_MATH_RE = re.compile(r"(?<!\\)\$(?P<body>[^$\n]+?)(?<![\s\\])\$")
_CHAR_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_ESCAPE_TABLE = str.maketrans(_CHAR_ESCAPES)


def _accent(m: re.Match[str]) -> str:
    letter = m.group("braced") or m.group("bare")
    letter = "i" if letter == "\\i" else letter
    return unicodedata.normalize("NFC", letter + _ACCENT_MARKS[m.group("mark")])


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _escape_text(text: str, protect_case: bool) -> str:
    out = []
    for word in re.split(r"(\s+)", text):
        if not word or word.isspace():
            out.append(word)
            continue
        letters = [ch for ch in word if ch.isalpha()]
        if protect_case and any(ch.isupper() for ch in letters[1:]):
            # "NVAE:" -> "{NVAE}:": the braces hold the word, not the punctuation around it
            m = re.fullmatch(r"(\W*)(.*?)(\W*)", word)
            assert m is not None
            lead, core, trail = (part.translate(_ESCAPE_TABLE) for part in m.groups())
            out.append(f"{lead}{{{core}}}{trail}")
        else:
            out.append(word.translate(_ESCAPE_TABLE))
    return "".join(out)


def latex_escape(text: str, *, protect_case: bool = False) -> str:
    """``text`` as a BibTeX field value: special characters escaped, braces always balanced.

    Whitespace is folded to single spaces. ``$…$`` math with balanced braces is kept verbatim;
    TeX accent commands become unicode letters. With ``protect_case`` (titles), words with a
    capital after their first letter are wrapped in braces.
    """
    text = " ".join(printable(text).split())  # terminal escape sequences go whole
    text = _ACCENT_RE.sub(_accent, text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    out, pos = [], 0
    for m in _MATH_RE.finditer(text):
        if not _balanced(m.group("body")):
            continue
        out.append(_escape_text(text[pos : m.start()], protect_case))
        out.append(m.group())
        pos = m.end()
    out.append(_escape_text(text[pos:], protect_case))
    result = "".join(out)
    assert _balanced(result), result  # every brace above is written in pairs
    return result


def _verbatim(value: str) -> str:
    """A URL/DOI-like value: no whitespace, no braces, no control characters (the rest is
    read verbatim)."""
    return "".join(ch for ch in "".join(printable(value).split()) if ch not in "{}\\%")


_ET_AL = re.compile(r"(?:^|[\s,]+)(?:et\.?\s*al\.?|and others|others)$", re.IGNORECASE)


def _authors(authors: list[str]) -> list[str]:
    """Names as BibTeX wants them: a trailing "et al." (alone or glued to the last name, as
    digests write it) becomes "others"."""
    names = [" ".join(a.split()) for a in authors if a and a.strip()]
    others = False
    if names and _ET_AL.search(names[-1]):
        names[-1] = _ET_AL.sub("", names[-1]).strip(" ,")
        others = True
        if not names[-1]:
            names.pop()
    names = [_name(n) for n in names]
    return [*names, "others"] if others else names


def _name(author: str) -> str:
    escaped = latex_escape(author)
    if re.search(r"\sand\s", escaped, re.IGNORECASE):  # would split into two names
        escaped = "{" + escaped + "}"
    return escaped


# --------------------------------------------------------------------------- keys


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _surname(author: str) -> str:
    author = " ".join(author.split())
    if "," in author:  # "Vahdat, Arash"
        return _ascii_word(author.split(",", 1)[0])
    parts = [p for p in author.split(" ") if p.lower() not in _NAME_SUFFIXES]
    return _ascii_word(parts[-1]) if parts else ""


def _first_word(title: str) -> str:
    title = _ACCENT_RE.sub(_accent, title)
    for raw in re.split(r"[\s\-–—:/]+", title):
        word = _ascii_word(raw)
        if word and word not in _STOPWORDS:
            return word
    return ""


def _id_year(arxiv_id: str) -> str:
    """The year an arXiv id was assigned: ``2007.03898`` -> 2020, ``hep-th/9901001`` -> 1999."""
    yy = int(arxiv_id.rsplit("/", 1)[-1][:2])
    return str(1900 + yy if yy >= 91 else 2000 + yy)


def year_of(snapshot: Snapshot, arxiv_id: str) -> str:
    """arXiv's published year when fetched, else the year the id encodes."""
    meta = snapshot.arxiv(arxiv_id) or {}
    published = str(meta.get("published") or "")
    if re.match(r"(19|20)\d\d", published):
        return published[:4]
    return _id_year(arxiv_id)


def bibtex_key(snapshot: Snapshot, arxiv_id: str) -> str:
    """``vahdat2020nvae-2007.03898``: see the module docstring for why the id is in it."""
    authors = [_ET_AL.sub("", " ".join(a.split())).strip(" ,") for a in snapshot.authors(arxiv_id)[:1]]
    surname = (_surname(authors[0]) if authors else "") or "arxiv"
    word = _first_word(snapshot.title(arxiv_id) or "")
    return f"{surname}{_id_year(arxiv_id)}{word}-{arxiv_id.replace('/', '_')}"


# --------------------------------------------------------------------------- entries


def _fields(snapshot: Snapshot, arxiv_id: str) -> list[tuple[str, str]]:
    meta = snapshot.arxiv(arxiv_id) or {}
    title = meta.get("title") or snapshot.title(arxiv_id)
    authors = list(meta.get("authors") or snapshot.authors(arxiv_id))
    fields: list[tuple[str, str]] = []
    if title and title.strip():
        fields.append(("title", latex_escape(title, protect_case=True)))
    names = _authors(authors)
    if names:
        fields.append(("author", " and ".join(names)))
    fields.append(("year", year_of(snapshot, arxiv_id)))
    fields.append(("eprint", arxiv_id))
    fields.append(("archivePrefix", "arXiv"))
    primary = meta.get("primary_category")
    if not primary and "/" in arxiv_id:  # old-style ids name their archive
        primary = arxiv_id.split("/", 1)[0]
    if primary:
        fields.append(("primaryClass", _verbatim(str(primary))))
    fields.append(("url", abs_url(arxiv_id)))
    if meta.get("doi"):
        fields.append(("doi", _verbatim(str(meta["doi"]))))
    if meta.get("journal_ref"):
        fields.append(("journal", latex_escape(str(meta["journal_ref"]))))
    return [(name, value) for name, value in fields if value]


def bibtex_entry(snapshot: Snapshot, arxiv_id: str) -> str:
    """One ``@misc`` entry, ending with a newline."""
    parsed = parse_id(arxiv_id)
    bare = parsed[0] if parsed else arxiv_id  # eprint never carries a version
    fields = _fields(snapshot, bare)
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(snapshot, bare)},\n{body}\n}}\n"


def export_bibtex(snapshot: Snapshot, ids: list[str]) -> str:
    """Entries for ``ids`` in the order given (duplicates once), a blank line apart."""
    return "\n".join(bibtex_entry(snapshot, arxiv_id) for arxiv_id in dict.fromkeys(ids))
