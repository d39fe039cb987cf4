"""One line of a PDF page's text: tidied, and what its text alone says it is.

* ``clean_line`` tidies a line as pypdf gives it (spaces, ligatures, TeX's detached
  accents, soft hyphens); ``normalize_text`` does so for a page's lines, joining none;
* :class:`Line` is a line as the PDF draws it (its text, and where and how big when the
  extractor knows); ``lines_from_text`` makes lines of plain text;
* the tests of a line's text that the page assembly (``pdf_reflow``) and the page joins
  (``pdf_hyphens``) use: a sentence's end, a list item's mark, a heading's number or word,
  a page number, an equation- or table-looking line.

Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

__all__ = [
    "BULLET",
    "HEADING_NUMBER",
    "HEADING_WORDS",
    "LIST_MARK",
    "PAGE_NUMBER",
    "SOFT_HYPHEN",
    "Line",
    "clean_line",
    "lines_from_text",
    "mathy",
    "normalize_text",
    "numeric",
    "sentence_end",
]

# ------------------------------------------------------------------ one line

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})  # noqa: E501 (one table, read whole)
# TeX's OT1 fonts typeset an accent as its own glyph before the letter; pypdf
# reports "Teˇsanovi´c" for Tešanović.  Spacing accent + letter -> accented letter.
_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02c7": "\u030c",  # caron
    "\u00a8": "\u0308",  # diaeresis
    "\u02dc": "\u0303",  # tilde
    "\u02c6": "\u0302",  # circumflex
    "\u02d8": "\u0306",  # breve
    "\u02d9": "\u0307",  # dot above
    "\u02da": "\u030a",  # ring
    "\u02dd": "\u030b",  # double acute
    "\u00af": "\u0304",  # macron
}
_ACCENT_CHARS = "".join(_ACCENTS)
# Not after another detached accent, and not onto a letter that already carries a combining mark.
_ACCENT_RE = re.compile(f"(?<![{_ACCENT_CHARS}])([{_ACCENT_CHARS}])([A-Za-z\u0131])(?![\u0300-\u036f])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SOFT_HYPHEN = "\u00ad"


def _accent(m: re.Match[str]) -> str:
    letter = "i" if m.group(2) == "\u0131" else m.group(2)
    return unicodedata.normalize("NFC", letter + _ACCENTS[m.group(1)])


def clean_line(text: str) -> str:
    """One line of pypdf's text, tidied: no control characters, runs of spaces collapsed
    (pypdf doubles them), ligatures expanded, detached accents put back on their letters,
    NFC, stripped. A soft hyphen is dropped, except at the end (a sure word break)."""
    text = _CONTROL_RE.sub(" ", text).translate(_LIGATURES)
    text = _ACCENT_RE.sub(_accent, text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES_RE.sub(" ", text).strip()
    if SOFT_HYPHEN in text:
        end = text.endswith(SOFT_HYPHEN)
        text = text.replace(SOFT_HYPHEN, "").rstrip()
        if end and text:
            text += SOFT_HYPHEN
    return text


def normalize_text(text: str) -> str:
    """A page's text tidied line by line (``clean_line``), with at most one blank line
    between lines, and no line joined: ``reflow_text`` joins them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    out = "\n".join(clean_line(line) for line in text.split("\n"))
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n")


class Line(Struct, frozen=True):
    """One line as the PDF draws it: its text and, when known, where its first character
    is (points, y upwards), its font size, and whether it runs left to right."""

    text: str
    x: float | None = None
    y: float | None = None
    size: float | None = None
    upright: bool = True


def lines_from_text(text: str) -> list[Line]:
    """Lines without positions (text from an extractor that gave none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return [Line(line) for line in text.split("\n")]


# ------------------------------------------------------------ kinds of line

_SENTENCE_END = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*(?:\d{1,3}(?:[,\u2013-]\d{1,3})*)?$")
BULLET = re.compile(r"^(?:[\u2022\u25e6\u25aa\u25ab\u2023\u2219\u22c5\u00b7\u25cf\u25cb\u25a0\u25a1\u2013\u2014*]|-(?=\s))\s*\S")
LIST_MARK = re.compile(r"^(?:\[\d{1,4}\]|\(\d{1,3}\)|\d{1,3}[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s+\S|^\d{1,3}\s+[A-Z]")
HEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,6}\.|[A-Z]\.|Appendix\s+[A-Z0-9]+\.?)\s+[A-Z]")
HEADING_WORDS = re.compile(
    r"^(?:\d{1,2}\.?\s+|[IVX]{1,6}\.\s+)?(?:abstract|references|bibliography|acknowledge?ments?|appendix|appendices"
    r"|introduction|conclusions?|related work|discussion|methods?|results|literature cited|references and notes)"
    r"\s*[.:]?$",
    re.IGNORECASE,
)
PAGE_NUMBER = re.compile(r"^(?:\d{1,4}|[ivxlc]{1,6}|(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?)$", re.IGNORECASE)
_MATH = set("=+\u2212\u00b1\u00d7\u00f7<>\u2264\u2265\u2248\u2260\u2261\u221d\u2211\u220f\u222b\u2202\u2207\u221a\u221e\u2208\u2209\u2282\u2286\u222a\u2229\u2192\u2190\u2194\u21d2\u2200\u2203^{}")  # noqa: E501 (one table, read whole)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _letters_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 1.0
    return sum(c.isalpha() for c in chars) / len(chars)


def mathy(text: str) -> bool:
    """Does the line look like an equation or a lone number, rather than prose?"""
    if len(text) <= 3 or PAGE_NUMBER.match(text):
        return True
    return len(_WORD.findall(text)) < 4 and sum(c in _MATH for c in text) >= 2


def numeric(text: str) -> bool:
    """Mostly digits and signs: a table row, or a reference's line of ids and years."""
    return _letters_ratio(text) < 0.5


def sentence_end(text: str) -> bool:
    return _SENTENCE_END.search(text) is not None
