"""Titles and author lists: is this text a paper's title, is this group a list of names, and
what of a line's text before or after a link is its title.

Everything here looks at a bounded window of text: ``MAX_TITLE`` characters of title and
``MAX_AUTHOR_GROUP`` of an author group, so a long line costs time in proportion to its length.
"""

from __future__ import annotations

import re

from msgspec import Struct

MAX_TITLE = 300  # characters; a longer run of text before "(Authors)" is commentary, not a title
MAX_AUTHOR_GROUP = 3000  # characters inside one "(Authors)" group
MAX_TITLE_WORDS = 40

CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
SEPARATORS = " \t-\u2013\u2014:|"
SENTENCE_END = (".", ",", ";", ":", "\u3002")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_ET_AL = re.compile(r"(?:^|\s+)et\.?\s+al\.?$", re.IGNORECASE)
_YEAR_TAIL = re.compile(r"[,\s]+\(?(?:19|20)\d\d[a-z]?\)?$")
_INITIALS = re.compile(r"[^\W\d_]\.(?:-?[^\W\d_]\.)*")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*\.?")
_PARTICLES = frozenset("van von de der den da di del della la le du dos das do ter ten bin al el zu y".split())
EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(?P<text>[^\n]{1,300}?)(?<=\S)\1(?![\w*])")
_PARENS = re.compile(r"[()]")
MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")

# Words that lower the case of a title without making it prose ("Attention Is All You Need").
_SMALL_WORDS = frozenset(
    """a an the of for and or nor in on at to with by from via is are be as vs vs. into over under
    without through towards toward its it not do does can we you your our all than that this what
    when how why which up out off per versus about beyond between using based de la le et""".split()
)
# What people call the link to a paper: never its title (``[arXiv](…)``, ``[PDF](…)``).
GENERIC_LABELS = frozenset(
    """arxiv pdf paper papers code tweet tweets twitter x link links abs abstract html hf huggingface
    alphaxiv ar5iv project page website site web blog post github repo repository video youtube slides
    poster demo data dataset model models weights colab notebook doi bibtex bib openreview review thread
    summary tldr here this source url details more read full preprint official discussion reddit hn
    pdf/abs abs/pdf preprint/pdf arxiv/pdf paper/code talk press news article medium substack
    neurips nips icml iclr cvpr iccv eccv acl emnlp naacl aaai ijcai kdd sigir icra iros corl tmlr jmlr
    interspeech icassp colm uai aistats coling eacl www
    논문 링크 코드 원문 페이퍼 아카이브 깃허브 블로그 영상 발표 슬라이드 자료 요약 리뷰 트윗 프로젝트 데모""".split()
)
_LABEL_NOISE = re.compile(r"[^\w\s/&]|_")
_NUMBER_WORD = re.compile(r"v?\d+")  # a year, a version: "arXiv 2020", "v2"


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None


def title_ok(title: str) -> bool:
    """Could be a paper title: short, has a letter, no Hangul/CJK, no URL or link syntax."""
    return (
        0 < len(title) <= MAX_TITLE
        and _LETTER.search(title) is not None
        and not has_cjk(title)
        and "://" not in title
        and "](" not in title
    )


def starts_like_title(title: str) -> bool:
    """Not prose like "by Vaswani et al.": no lowercase start unless the first word has a capital."""
    first = title.split(maxsplit=1)[0]
    return not first[0].islower() or any(c.isupper() for c in first)


def unemphasise(text: str) -> str:
    """``*Title*``, ``_Title_``, ``**Title**`` -> ``Title``."""
    m = EMPHASIS.fullmatch(text)
    return m.group("text").strip() if m else text


def is_title_line(text: str) -> bool:
    """A line that is a title on its own: title-like, a few words, not ending like a sentence."""
    text = unemphasise(text.strip())
    return title_ok(text) and len(text.split()) <= MAX_TITLE_WORDS and not text.endswith(SENTENCE_END)


def titleish(text: str) -> bool:
    """A title by its look where nothing else says so ("URL Title", "Title URL"): a title line in
    title case, or with a ``Name:`` head, or one or two capitalised words. "A simple trick works
    well" is a sentence."""
    text = unemphasise(text.strip())
    if not is_title_line(text):
        return False
    words = text.split()
    first = words[0]
    mixed = any(c.isupper() or c.isdigit() for c in first[1:])
    if not (first[0].isupper() or first[0].isdigit() or mixed):
        return False
    head, colon, _ = text.partition(": ")
    if colon and len(head.split()) <= 4:
        return True
    significant = [w for w in words[1:] if w[0].isalpha() and w.lower().strip(",;:") not in _SMALL_WORDS]
    if not significant:
        return len(words) <= 3
    capitalised = sum(1 for w in significant if w[0].isupper() or any(c.isupper() or c.isdigit() for c in w[1:]))
    return 2 * capitalised > len(significant)


def is_generic_label(text: str) -> bool:
    """``arXiv``, ``[PDF]``, ``📄 Paper``, ``arXiv 2020``, ``Code & data``: a label, not a title."""
    words = [w for w in _LABEL_NOISE.sub(" ", text.lower()).replace("&", " ").split() if not _NUMBER_WORD.fullmatch(w)]
    return not words or all(w in GENERIC_LABELS for w in words)


# --- author lists -------------------------------------------------------------------------------


def name_ok(name: str) -> bool:
    """A personal name: capitalised words, initials (``W.``), hyphens, apostrophes, particles."""
    tokens = name.split()
    if not 1 <= len(tokens) <= 6 or tokens[-1] in _PARTICLES:
        return False
    capitalised = 0
    for token in tokens:
        if token in _PARTICLES:
            continue
        if _INITIALS.fullmatch(token):
            if not token.replace(".", "").replace("-", "").isupper():
                return False
        elif _NAME_WORD.fullmatch(token):
            if not token[0].isupper() or (token.isupper() and len(token) >= 3):  # "GAN" is no name
                return False
        else:
            return False
        capitalised += 1
    return capitalised > 0


def _without_nested_groups(group: str) -> str:
    """``A (1), B (2) ((1) MIT, (2) ETH)`` -> ``A , B  ``: affiliations dropped."""
    if "(" not in group:
        return group
    out, depth, last = [], 0, 0
    for m in _PARENS.finditer(group):
        if m.group() == "(":
            if depth == 0:
                out.append(group[last : m.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                last = m.end()
    if depth == 0:
        out.append(group[last:])
    return "".join(out)


def split_authors(group: str) -> tuple[list[str], bool]:
    """Split ``A, B and C et al.`` into names; the flag says whether ``et al.`` was there."""
    group = _YEAR_TAIL.sub("", _without_nested_groups(group).strip()).strip(" ,;")
    et_al = _ET_AL.search(group)
    if et_al:
        group = group[: et_al.start()]
    names = [part.strip() for part in _AUTHOR_SPLIT.split(group)]
    return [name for name in names if name], et_al is not None


def authors(group: str, *, single: bool = False) -> list[str] | None:
    """The names in a ``(…)`` group that really is an author list, else None.

    ``(밑의 nvae를 보자!)``, ``(diversity condition)`` and ``(https://…)`` are not author lists; a
    single name needs two words (``(Transformer-XL)`` is not an author) unless ``single`` says the
    spot is unambiguous (``Title (Bahdanau)`` on a title line).
    """
    if not group.strip() or "://" in group or has_cjk(group):
        return None
    names, et_al = split_authors(group)
    if not names or not all(name_ok(name) for name in names):
        return None
    if len(names) == 1 and len(names[0].split()) < 2 and not et_al:
        word = names[0]
        if not (single and len(word) >= 3 and word[0].isupper() and word[1:].islower()):
            return None
    return names


def lenient_authors(group: str) -> list[str] | None:
    """Authors in an unambiguous spot (right after ``[Title](link)``, an ``Authors:`` line): any
    names with a capital."""
    if "://" in group:
        return None
    names, _ = split_authors(group)
    if not names or not all(len(n) <= 100 and (any(c.isupper() for c in n) or has_cjk(n)) for n in names):
        return None
    return names


def skip(text: str, pos: int, stop: int, chars: str = SEPARATORS) -> int:
    while pos < stop and text[pos] in chars:
        pos += 1
    return pos


def balanced_close(text: str, opening: int, stop: int) -> int:
    """The ``)`` that closes the ``(`` at ``opening`` (nesting allowed), before ``stop`` and within
    ``MAX_AUTHOR_GROUP`` characters; -1 when there is none."""
    depth = 0
    for m in _PARENS.finditer(text, opening, min(stop, opening + 1 + MAX_AUTHOR_GROUP)):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            return m.start()
    return -1


def group_at(text: str, pos: int, stop: int) -> tuple[str, int] | None:
    """The ``(…)`` group starting at ``pos``: ``(inside, end)``."""
    if pos >= stop or text[pos] != "(":
        return None
    close = balanced_close(text, pos, stop)
    if close == -1:
        return None
    return text[pos + 1 : close], close + 1


class Header(Struct):
    """A title (and authors, maybe none) read from text, and the offset where it ends."""

    title: str
    authors: list[str]
    end: int


def title_and_authors(text: str, pos: int, stop: int, *, single: bool = False) -> Header | None:
    """``Title (Authors)`` (or ``*Title* (Authors)``, or just ``*Title*``) at ``text[pos:stop]``.

    The title is what precedes the first ``(…)`` group that is an author list; it may itself
    contain parentheses, and the group may nest affiliations. Bounded: looks at most
    ``MAX_TITLE`` + ``MAX_AUTHOR_GROUP`` characters.
    """
    pos = skip(text, pos, stop)
    em = EMPHASIS.match(text, pos, stop)
    if em is not None:
        title = em.group("text").strip()
        group = group_at(text, skip(text, em.end(), stop, " \t"), stop)
        names = authors(group[0], single=True) if group else None
        if names and title_ok(title):
            return Header(title, names, group[1])  # type: ignore[index]
        alone = not text[em.end() : stop].strip()  # "*very* good" starts a sentence, not a title
        return Header(title, [], em.end()) if alone and title_ok(title) else None
    limit = min(stop, pos + MAX_TITLE + 1)
    cjk = CJK.search(text, pos, limit)
    if cjk is not None:
        limit = cjk.start()  # a title never runs into Hangul
    opening = text.find("(", pos, limit)
    while opening != -1:
        close = balanced_close(text, opening, stop)
        if close == -1:
            return None
        title = text[pos:opening].strip(SEPARATORS)
        if title_ok(title):
            names = authors(text[opening + 1 : close], single=single and _ends_line(text, close + 1, stop))
            if names:
                return Header(unemphasise(title), names, close + 1)
        opening = text.find("(", close + 1, limit)
    return None


def _ends_line(text: str, pos: int, stop: int) -> bool:
    """Only spaces or Hangul commentary follow: the group closes a title line."""
    rest = text[pos : min(stop, pos + 2)].strip()
    return not rest or has_cjk(rest) or rest[0] in ".,;:"


def whole_line_header(text: str) -> Header | None:
    """A line that is only ``Title (Authors)`` or ``*Title* (Authors)``."""
    header = title_and_authors(text, 0, len(text), single=True)
    if header is None or not header.authors or text[header.end :].strip():
        return None
    return header
