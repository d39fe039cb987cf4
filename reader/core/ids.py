"""arXiv identifiers: recognise them, normalise them and find them in text.

Pure and fast: no I/O, every regex is precompiled and linear on any input.

Valid ids (``is_valid_id``):

* new style ``YYMM.NNNN`` or ``YYMM.NNNNN`` (month 01-12), e.g. ``2007.01758``;
* old style ``archive(.SUBJ)?/YYMMNNN``, e.g. ``hep-th/9901001``, ``math.GT/0309136``;

each with an optional version suffix ``vN``. ``parse_id`` and ``find_links`` return the id without
its version plus the version as an int (or None). Old-style ids keep their subject class as written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from urllib.parse import parse_qsl, unquote, urlsplit

from msgspec import Struct

__all__ = [
    "ARXIV_ID",
    "ZERO_WIDTH",
    "Link",
    "abs_url",
    "find_links",
    "id_from_filename",
    "is_valid_id",
    "parse_id",
    "pdf_url",
    "safe_filename",
]

_MONTH = r"(?:0[1-9]|1[0-2])"
# New-style numbers have four digits until 2014 and five from 2015 on (``1412.1234``, ``1501.00001``):
# ``2203.0712`` is a truncated id, not a paper.
_NEW_ID = rf"(?:(?:0\d|1[0-4]){_MONTH}\.\d{{4}}|(?:1[5-9]|[2-9]\d){_MONTH}\.\d{{5}})(?!\d)"
_OLD_ID = rf"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z][A-Za-z-]{{1,15}})?/\d\d{_MONTH}\d{{3}}"

#: An arXiv id with an optional version: group ``id`` is the bare id, ``version`` the digits after ``v``.
ARXIV_ID = re.compile(rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v(?P<version>\d{{1,4}}))?")

# Links are found from a few literal anchors searched case-insensitively without re.IGNORECASE (so the
# scan stays a fast first-character skip): "arxiv"/"ar5iv" (arxiv.org, its mirrors, ``arXiv:``, the
# ``10.48550/arXiv.`` DOI), the hosts that show arXiv papers under the same id, and an encoded
# ``https://`` (a redirect carrying the URL in a query parameter). Each hit is then read with an
# anchored pattern and its scheme/host prefix is looked up behind it. ASCII-only classes, so Hangul
# glued to the end of a link (``…/2007.05869와``) is never part of it. Everything here is linear.
_ANCHOR = re.compile(
    r"[aA][rR][xX5][iI][vV]"
    r"|[aA][lL][pP][hH][aA][xX][iI][vV]\.[oO][rR][gG]/"
    r"|[hH][uU][gG][gG][iI][nN][gG][fF][aA][cC][eE]\.[cC][oO]/"
    r"|[hH][fF]\.[cC][oO]/"
    r"|%(?:25)?3[aA]%(?:25)?2[fF]%(?:25)?2[fF]"
)
# The hosts that name a paper by its arXiv id, and the path words before the id.
_AFTER_HOST = re.compile(
    r"(?:arxiv\.org|ar5iv\.labs\.arxiv\.org|ar5iv\.org|arxiv-vanity\.com|alphaxiv\.org|huggingface\.co|hf\.co)"
    r"/(?:abs|pdf|html|papers|overview)/(?P<run>[A-Za-z0-9./-]{0,80})(?P<tail>[?#][^\s()<>\[\]\"'`|{}]*)?",
    re.IGNORECASE,
)
_AFTER_MENTION = re.compile(r"arxiv:[ \t]?(?P<run>[A-Za-z0-9./-]{1,80})", re.IGNORECASE)
_AFTER_DOI = re.compile(r"arxiv\.(?P<run>[A-Za-z0-9./-]{1,80})", re.IGNORECASE)
_DOI_PREFIX = "10.48550/"
# After "arxiv": an encoded host (``arxiv.org%2F``, ``arxiv%2Eorg``) means the link sits in a redirect.
_ENCODED_AFTER = re.compile(r"[A-Za-z0-9.-]{0,12}%", re.ASCII)
_HOST_PREFIXES = ("www.", "export.", "browse.", "m.")
_DOI_HOSTS = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:")
_SCHEMES = ("https://", "http://")
# A link without a scheme must not be glued to a word or path before it ("myarxiv.org/…").
_GLUE_BEFORE_URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./@-")
_GLUE_BEFORE_MENTION = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/")
# What an ``arXiv:`` mention must start with to count as an (attempted) id at all:
# "published on arXiv: we show" is prose, "arXiv:2006.162360" is a malformed id.
_ID_LIKE = re.compile(r"\d{4}\.|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?/\d")
# What may follow the id inside a URL path: nothing, a slash, or the ``.pdf`` of a PDF link.
_PATH_REST = re.compile(r"(?:\.pdf)?/?", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?)]}'\"*_>"
# A URL as one token: where a redirect starts and ends. Bounded look-behind and look-ahead.
_URL_CHAR = r"[^\s()<>\[\]\"'`|{}\x7f-\U0010ffff]"
_URL_BACK = 512


@cache
def _token_back() -> re.Pattern[str]:
    """(Compiled on first use: ~2 ms, and the app's start finds no links.)"""
    return re.compile(_URL_CHAR + f"{{0,{_URL_BACK}}}")


@cache
def _token_ahead() -> re.Pattern[str]:
    """(Compiled on first use, like :func:`_token_back`.)"""
    return re.compile(_URL_CHAR + "{0,4096}")


_URL_START = re.compile(r"(?:https?://|www\.|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/)", re.IGNORECASE)
#: Zero-width characters: never part of a link, and ignored inside one.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")


class Link(Struct, frozen=True):
    """One arXiv link or id mention in a text.

    ``start``/``end`` are character offsets into the text given to ``find_links`` (``text[start:end]
    == raw``). For a malformed link ``arxiv_id`` is the raw id text and ``version`` is None.
    """

    start: int
    end: int
    arxiv_id: str
    version: int | None
    raw: str
    malformed: bool = False


def is_valid_id(s: object) -> bool:
    """True for a well-formed arXiv id (new or old style, optional ``vN``), nothing else."""
    return isinstance(s, str) and ARXIV_ID.fullmatch(s) is not None


def split_version(s: str) -> tuple[str, int | None] | None:
    """``'2007.01758v2'`` -> ``('2007.01758', 2)``; None when ``s`` is not exactly a valid id."""
    m = ARXIV_ID.fullmatch(s)
    if m is None:
        return None
    version = m.group("version")
    return m.group("id"), int(version) if version else None


def _read_id_run(run: str, rest_pattern: re.Pattern[str] | None) -> tuple[str, int | None, bool]:
    """Read the id at the start of ``run``: ``(id, version, malformed)``.

    ``rest_pattern`` says what may follow the id (None: nothing). A malformed run comes back whole.
    """
    m = ARXIV_ID.match(run)
    if m is not None:
        rest = run[m.end() :]
        if not rest or (rest_pattern is not None and rest_pattern.fullmatch(rest)):
            version = m.group("version")
            return m.group("id"), int(version) if version else None, False
    return run, None, True


def _strip_trailing(text: str, end: int, floor: int) -> int:
    """Move ``end`` left past trailing punctuation, but never below ``floor``."""
    while end > floor and text[end - 1] in _TRAILING_PUNCT:
        end -= 1
    return end


Found = tuple[str, int | None, bool]  # (id, version, malformed)


def _match_arxiv_url(url: str) -> Found | None:
    """The id of a lone arXiv URL (e.g. the target of a redirect), or None if it is not one."""
    links = _scan(url.strip(), follow_redirects=False)
    if not links or links[0].start != 0:
        return None
    return links[0].arxiv_id, links[0].version, links[0].malformed


def _redirect_target(redirect: str) -> Found | None:
    """The arXiv paper a redirect (``l.facebook.com/l.php?u=…``, ``google.com/url?q=…``, Outlook
    safe links, …) points to in one of its query parameters, if it points to one."""
    if "://" not in redirect[:12]:
        redirect = "https://" + redirect
    try:
        pairs = parse_qsl(urlsplit(redirect).query, keep_blank_values=False)
    except ValueError:
        return None
    for _, value in pairs:
        if "%" in value[:12]:  # encoded twice
            value = unquote(value)
        if "arxiv" in value.lower() or "ar5iv" in value.lower() or "/papers/" in value or "alphaxiv" in value:
            found = _match_arxiv_url(value)
            if found is not None:
                return found
    return None


def _url_token_start(text: str, pos: int, floor: int) -> int:
    """Where the URL-like token ending at ``pos`` starts (no space or bracket in it), at or
    after ``floor``; looks at most ``_URL_BACK`` characters back."""
    window = text[max(floor, pos - _URL_BACK) : pos][::-1]
    return pos - _token_back().match(window).end()  # type: ignore[union-attr]


def _redirect_at(text: str, pos: int, floor: int) -> tuple[int, int, Found | None] | None:
    """A redirect URL around ``pos``: ``(start, end, target)``, or None when no URL starts there."""
    start = _url_token_start(text, pos, floor)
    if not _URL_START.match(text, start, pos + 12):
        return None
    end = _strip_trailing(text, _token_ahead().match(text, pos).end(), pos)  # type: ignore[union-attr]
    return start, end, _redirect_target(text[start:end])


def _prefix_start(text: str, pos: int, hosts: tuple[str, ...], floor: int) -> tuple[int, bool]:
    """Where a link whose host name begins at ``pos`` starts: ``(start, has_scheme)``.

    A host or scheme prefix must lie at or after ``floor`` (the end of the previous link).
    """
    for host in hosts:
        if pos - len(host) >= floor and text[pos - len(host) : pos].lower() == host:
            pos -= len(host)
            break
    for scheme in _SCHEMES:
        if pos - len(scheme) >= floor and text[pos - len(scheme) : pos].lower() == scheme:
            return pos - len(scheme), True
    return pos, False


def _read_url(text: str, m: re.Match[str]) -> tuple[int, Found] | None:
    """``(end, found)`` for a ``host/abs/…`` match, or None when it names no paper."""
    if m.group("tail"):
        end = _strip_trailing(text, m.end(), m.start("tail"))
        run = m.group("run")
    else:
        end = _strip_trailing(text, m.end(), m.start("run"))
        run = text[m.start("run") : end]
    if not run:
        return None
    return end, _read_id_run(run, _PATH_REST)


def _read_mention(text: str, m: re.Match[str]) -> tuple[int, Found] | None:
    """``(end, found)`` for ``arXiv:ID`` or the DOI's ``arXiv.ID``, None for prose ("arXiv: we")."""
    end = _strip_trailing(text, m.end(), m.start("run"))
    run = text[m.start("run") : end]
    if not _ID_LIKE.match(run):
        return None
    return end, _read_id_run(run, None)


def _doi_start(text: str, pos: int, floor: int) -> int | None:
    """Where ``10.48550/`` + ``arXiv.`` at ``pos`` starts, with its ``https://doi.org/`` or
    ``doi:`` prefix; None when ``pos`` does not follow the arXiv DOI prefix."""
    start = pos - len(_DOI_PREFIX)
    if start < floor or text[start:pos] != _DOI_PREFIX:
        return None
    for host in _DOI_HOSTS:
        if start - len(host) >= floor and text[start - len(host) : start].lower() == host:
            return start - len(host)
    return start


def _scan(text: str, follow_redirects: bool = True, limit: int | None = None) -> list[Link]:
    """``find_links`` on a text with no zero-width characters (redirects are followed one level)."""
    links: list[Link] = []
    if limit is not None and limit <= 0:
        return links
    done = 0  # nothing before this offset can start a new link
    for anchor in _ANCHOR.finditer(text):
        pos = anchor.start()
        if pos < done:
            continue
        floor = done  # the end of the previous link or of what was read as none
        found: Found | None
        if anchor.group()[0] == "%" or (
            anchor.group()[:1] in "aA" and _ENCODED_AFTER.match(text, pos + 5) is not None
        ):  # inside an encoded redirect
            redirect = _redirect_at(text, pos, done)
            if redirect is None:
                continue
            start, end, found = redirect
            done = end
            if not follow_redirects or found is None:
                continue
        else:
            m = _AFTER_HOST.match(text, pos)
            if m is not None:
                start, has_scheme = _prefix_start(text, pos, _HOST_PREFIXES, done)
                done = m.end()  # also when skipped below: what it spans is no link of its own
                if not has_scheme and start > 0 and text[start - 1] in _GLUE_BEFORE_URL:
                    continue
                read = _read_url(text, m)
            else:
                m = _AFTER_MENTION.match(text, pos)
                doi = None
                if m is None:
                    doi = _doi_start(text, pos, done)
                    m = _AFTER_DOI.match(text, pos) if doi is not None else None
                if m is None:
                    continue
                start = pos if doi is None else doi
                if start > 0 and text[start - 1] in _GLUE_BEFORE_MENTION:
                    continue
                read = _read_mention(text, m)  # (runs are short: not moving ``done`` stays linear)
            if read is None:
                continue
            end, found = read
            if follow_redirects and start > 0 and text[start - 1] == "=":  # unencoded, in a redirect
                redirect = _redirect_at(text, start - 1, floor)
                if redirect is not None and redirect[2] is not None:
                    start, end, found = redirect
        if found is None:
            continue
        arxiv_id, version, malformed = found
        links.append(Link(start, end, arxiv_id, version, text[start:end], malformed))
        done = end
        if limit is not None and len(links) >= limit:
            break
    return links


def find_links(text: str, limit: int | None = None) -> list[Link]:
    """Every arXiv link or ``arXiv:`` id mention in ``text``, in order, with character spans.

    Reads ``http(s)://``, ``www.`` and ``export.`` hosts, ``/abs/``, ``/pdf/`` (with or without
    ``.pdf``) and ``/html/`` paths, versions, ``?query`` and ``#fragment``, ``arXiv:ID``, and
    Facebook ``l.php?u=`` redirects (the span is the whole redirect). Zero-width characters are
    ignored inside a link and never end up at its edges; trailing punctuation and glued non-ASCII
    text are outside the span. A link whose id part is not a valid id has ``malformed=True``.
    With ``limit``, at most that many (the first ones).
    """
    if text.isascii() or not _ZERO_WIDTH_RE.search(text):
        return _scan(text, limit=limit)
    # Scan a copy without zero-width characters, then map offsets back: the k-th removed
    # character sat at clean offset removed[k] - k, so clean offset s maps to s + (#removed before it).
    removed = [m.start() for m in _ZERO_WIDTH_RE.finditer(text)]
    clean_at = [pos - k for k, pos in enumerate(removed)]

    def original(clean_offset: int) -> int:
        return clean_offset + bisect_right(clean_at, clean_offset)

    links = []
    for link in _scan(_ZERO_WIDTH_RE.sub("", text), limit=limit):
        start, end = original(link.start), original(link.end - 1) + 1
        links.append(Link(start, end, link.arxiv_id, link.version, text[start:end], link.malformed))
    return links


def parse_id(text: str) -> tuple[str, int | None] | None:
    """``(id, version)`` from a bare id, ``arXiv:ID`` or any arXiv URL form; None otherwise.

    >>> parse_id("https://arxiv.org/pdf/2007.01758v2.pdf")
    ('2007.01758', 2)
    """
    if not isinstance(text, str):
        return None
    s = _ZERO_WIDTH_RE.sub("", text).strip()
    if s[:6].lower() == "arxiv:":
        s = s[6:].strip()
    bare = split_version(s)
    if bare is not None:
        return bare
    links = find_links(s)
    if len(links) != 1 or links[0].malformed or links[0].start != 0:
        return None
    if s[links[0].end :].strip(_TRAILING_PUNCT + " \t"):
        return None
    return links[0].arxiv_id, links[0].version


def _checked(arxiv_id: str) -> str:
    if not is_valid_id(arxiv_id):
        raise ValueError(f"not a valid arXiv id: {arxiv_id!r}")
    return arxiv_id


def abs_url(arxiv_id: str, version: int | None = None) -> str:
    """``https://arxiv.org/abs/ID`` (plus ``vN`` when ``version`` is given). ValueError on a bad id."""
    suffix = f"v{int(version)}" if version else ""
    return f"https://arxiv.org/abs/{_checked(arxiv_id)}{suffix}"


def pdf_url(arxiv_id: str, version: int | None = None) -> str:
    """``https://arxiv.org/pdf/ID`` (plus ``vN`` when ``version`` is given). ValueError on a bad id."""
    suffix = f"v{int(version)}" if version else ""
    return f"https://arxiv.org/pdf/{_checked(arxiv_id)}{suffix}"


def safe_filename(arxiv_id: str) -> str:
    """A file-name-safe form of a valid id: ``hep-th/9901001`` -> ``hep-th_9901001``.

    Raises ValueError for anything that is not a valid id, so the result can never contain a path
    separator or ``..`` and always names a file inside the directory it is joined to.
    """
    return _checked(arxiv_id).replace("/", "_")


def id_from_filename(name: str) -> str | None:
    """The inverse of ``safe_filename``: ``hep-th_9901001`` -> ``hep-th/9901001``; None if not an id."""
    candidate = name.replace("_", "/", 1)
    return candidate if is_valid_id(candidate) else None
