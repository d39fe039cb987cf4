"""arXiv ids a paper cites, read from its own text.

``CiteScanner`` reads a paper's lines page after page (as the PDF gives them, before they
are reflowed) and returns the arXiv ids they name:

* after "arXiv" (``arXiv:2007.03898``, ``arXiv 2007.03898v2``, ``arXiv preprint
  arXiv:…``, ``arXiv.2007.03898`` as in arXiv's DOIs, ``ArXiv, abs/2007.03898``);
* in URLs: arxiv.org's ``/abs/``, ``/pdf/`` and ``/html/`` (any host under arxiv.org), and
  other sites that name a paper by its arXiv id (ar5iv, alphaXiv, Hugging Face papers,
  Semantic Scholar, SciRate, Papers with Code, arxiv-vanity);
* old-style ids of a known archive anywhere (``hep-th/9901001``, ``math.AG/0309136``);
* bare new-style ids (``2007.03898``) only with a version (``2007.03898v2``) or in the
  references section (after a "References" or "Bibliography" heading), and never inside a DOI.

An id split over two lines (``arXiv:2007.`` / ``03898``, ``https://arxiv.org/abs/`` /
``2007.03898``, ``hep-`` / ``th/9901001``) is read whole. A number like ``1.2345`` or a
DOI's digits are no ids. Ids come back without their version; an old-style id without its
subject class (``math/0309136``), as arXiv files it. Pure, linear, no I/O, no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .ids import split_version

__all__ = ["ARCHIVES", "CiteScanner", "canonical", "find_cited_ids", "is_references_heading"]

#: The archives of old-style ids (before April 2007), subject classes aside.
ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
        "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
        "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
        "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "q-fin",
        "quant-ph", "solv-int", "stat", "supr-con",
    }
)
_ARCHIVE = "|".join(sorted((re.escape(a) for a in ARCHIVES), key=len, reverse=True))
_MONTH = r"(?:0[1-9]|1[0-2])"
_NEW = rf"\d\d{_MONTH}\.\d{{4,5}}"
_OLD = rf"(?:{_ARCHIVE})(?:\.[A-Za-z]{{2}})?/\d\d{_MONTH}\d{{3}}"
_VERSION = r"(?:v\d{1,3})?"
# The id ends here: not more digits, not more of a longer number ("2007.03898.5").
_END = r"(?![\d])(?!\.\d)"
_ID = rf"(?P<id>{_NEW}|{_OLD}){_VERSION}{_END}"

# "arXiv" and what may stand between it and the id.
_AFTER_ARXIV = re.compile(
    rf"(?<![A-Za-z0-9])arxiv(?:\s*(?:e-?prints?|preprint|paper|report|id|no\.?))?\s*[:.,]?\s*(?:abs/)?{_ID}",
    re.IGNORECASE,
)
_CORR = re.compile(rf"(?<![A-Za-z0-9])CoRR\s*,?\s*(?:vol\.?\s*)?abs/{_ID}", re.IGNORECASE)
# A URL (with or without its scheme) on a host that names papers by their arXiv id.
_HOSTS = (
    r"(?:[a-z0-9-]+\.)*arxiv\.org|ar5iv\.org|(?:www\.)?alphaxiv\.org|huggingface\.co|(?:www\.)?semanticscholar\.org"
    r"|(?:www\.)?scirate\.com|(?:www\.)?paperswithcode\.com|(?:www\.)?arxiv-vanity\.com"
)
_URL = re.compile(rf"(?:https?://)?(?<![\w.-])(?:{_HOSTS})/[^\s<>\"'{{}}|\\^`]*", re.IGNORECASE)
_IN_URL = re.compile(rf"(?<=[/=.:]){_ID}")
_OLD_ANYWHERE = re.compile(rf"(?<![\w/.-])(?P<id>{_OLD}){_VERSION}{_END}")
_BARE_VERSIONED = re.compile(rf"(?<![\w./-])(?P<id>{_NEW})v\d{{1,3}}{_END}")
_BARE = re.compile(rf"(?<![\w./:-]){_ID}")
# Just before a bare id: it is part of a DOI, or a page or volume number.
_DOI_BEFORE = re.compile(r"10\.\d{4,9}/\S*$")
_NUMBER_BEFORE = re.compile(r"(?:pp?\.|pages?|vol\.?|no\.|volume|issue)\s*$", re.IGNORECASE)

_REFERENCES = re.compile(
    r"^(?:\d{1,2}\.?\s*|[IVX]{1,5}\.\s*)?(?:references|bibliography|literature cited|references and notes"
    r"|works cited|cited literature|references cited)\s*:?$",
    re.IGNORECASE,
)
# Where a line may have cut an id or a URL, as (the line's last word, the next line's start):
# a URL or an "arXiv:" after a slash, colon, dot, hyphen...; an archive's hyphen ("hep-" /
# "th/9711200"); the digits of a new-style id ("2010." / "11929").
_CUT = re.compile(r"[/:._=-]$")
_URLISH = re.compile(r"arxiv|://|www\.|\.org|\.com|\.co/|abs/|pdf/|html/", re.IGNORECASE)
_ARCHIVE_CUT = re.compile(r"(?<![A-Za-z])[a-z]{1,5}-$")
_ARCHIVE_REST = re.compile(r"[a-z]{1,5}(?:\.[A-Za-z]{2})?/\d")
_DIGITS_CUT = re.compile(rf"(?<![\d.])\d\d{_MONTH}\.\d{{0,4}}$")
_DIGITS_REST = re.compile(r"\d")
_WHOLE_ID_END = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}[.,;:]$")


def canonical(arxiv_id: str) -> str:
    """An id as arXiv files it: no version, no subject class (``math.AG/0309136`` -> ``math/0309136``)."""
    parsed = split_version(arxiv_id)
    bare = parsed[0] if parsed else arxiv_id
    if "/" in bare:
        archive, number = bare.split("/", 1)
        bare = archive.split(".", 1)[0] + "/" + number
    return bare


def is_references_heading(line: str) -> bool:
    return _REFERENCES.match(line.strip()) is not None


def _cut(word: str, rest: str) -> bool:
    """Did the line break between ``word`` (the end of a line) and ``rest`` cut an id or a URL?"""
    if _WHOLE_ID_END.search(word):
        return False
    if _CUT.search(word) and _URLISH.search(word):
        return True
    if _ARCHIVE_CUT.search(word) and _ARCHIVE_REST.match(rest):
        return word[:-1].rsplit("-", 1)[-1] + "-" + rest.split("/", 1)[0].split(".", 1)[0] in ARCHIVES
    return bool(_DIGITS_CUT.search(word) and _DIGITS_REST.match(rest))


def _glued(lines: Iterable[str]) -> str:
    """The lines as one text for finding ids: where a line break cut an id or a URL it is
    removed ("arXiv:2010." + "11929"), anywhere else it becomes a space."""
    parts: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if parts and _cut(parts[-1][-200:].rsplit(" ", 1)[-1], line):
            parts[-1] += line
        else:
            parts.append(line)
    return " ".join(parts)


def find_cited_ids(text: str, references: bool = False) -> list[str]:
    """The ids named in ``text`` (one string, lines already glued), in order, without
    repeats; bare new-style ids count only when ``references`` is true."""
    return list(dict.fromkeys(arxiv_id for _, arxiv_id in _find(text, references)))


def _find(text: str, references: bool) -> list[tuple[int, str]]:
    """``(end offset, id)`` of each id named in ``text``, in the order they start."""
    found: dict[int, tuple[int, str]] = {}  # where each id starts -> (where it ends, the id)

    def add(m: re.Match[str], offset: int = 0) -> None:
        parsed = split_version(m.group("id"))
        if parsed is not None:
            found.setdefault(m.start("id") + offset, (m.end("id") + offset, canonical(parsed[0])))

    for m in _AFTER_ARXIV.finditer(text):
        add(m)
    for m in _CORR.finditer(text):
        add(m)
    for url in _URL.finditer(text):
        for m in _IN_URL.finditer(url.group()):
            add(m, url.start())
    for m in _OLD_ANYWHERE.finditer(text):
        add(m)
    for m in _BARE_VERSIONED.finditer(text):
        if not _DOI_BEFORE.search(text[max(0, m.start() - 60) : m.start()]):
            add(m)
    if references:
        for m in _BARE.finditer(text):
            before = text[max(0, m.start() - 60) : m.start()]
            if not (_DOI_BEFORE.search(before) or _NUMBER_BEFORE.search(before)):
                add(m)
    return [found[start] for start in sorted(found)]


class CiteScanner:
    """Reads a paper's pages in order: ``page(lines)`` returns the ids that page names.

    It remembers whether the references section has begun, and the last lines of the
    previous page, so an id cut by the page break is still read."""

    TAIL = 2

    def __init__(self) -> None:
        self.in_references = False
        self._tail: list[str] = []

    def page(self, lines: Iterable[str]) -> list[str]:
        lines = [line for line in (raw.strip() for raw in lines) if line]
        ids: dict[str, None] = {}
        chunk: list[str] = list(self._tail)
        skip = len(_glued(chunk))  # ids that end within the last page's tail were found with it

        def scan(references: bool) -> None:
            ids.update(dict.fromkeys(arxiv_id for end, arxiv_id in _find(_glued(chunk), references) if end > skip))

        for line in lines:
            if not self.in_references and is_references_heading(line):
                scan(False)
                chunk, skip = [], 0
                self.in_references = True
                continue
            chunk.append(line)
        scan(self.in_references)
        self._tail = lines[-self.TAIL :]
        return list(ids)
