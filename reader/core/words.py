"""Words as the query language sees them: folded, split, and found again in the original text.

Matching is on *words*: a query word matches where a word of the text starts with it, so
``lora`` finds "LoRA" and "LoRAs" but neither "exploration" nor "Colorado". Case, diacritics
and punctuation don't matter (:func:`fold`); Korean words are space-separated like English
ones, so ``인코더`` finds ``인코더와`` (the particle follows the word); Chinese and Japanese
characters are words of their own, so any run of them is found as a phrase.

A text is indexed in its *normalised* form (:func:`normalise`): its words, folded, each after a
space: ``"Perron-Frobenius theory"`` -> ``" perron frobenius theory"``. A word-start match of
``frob`` is then ``" frob" in normalised``, and a phrase ``"perron frobenius"`` is
``" perron frobenius" in normalised``: one ``str.find``, at C speed.

:func:`locate` finds a match again in the original text (for a snippet), and :func:`snippet`
cuts the one-line window shown around it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["SEPARATOR", "display", "fold", "locate", "needle", "normalise", "snippet", "words"]

# Chinese characters, kana (and their half-width forms): each is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_WORD = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A word as written (for finding matches in the original): letters and digits with any
# combining marks on them, so "e\u0301" (é written in two code points) stays one word.
_RAW_WORD = re.compile(f"[{_CJK}]|[^\\W_{_CJK}][^\\W_{_CJK}\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")
# Diacritics (the combining marks of Latin, Greek and Cyrillic): dropped after NFKD. Marks
# of other scripts (Indic vowel signs, say) carry meaning and stay.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Between the items of a many-valued field (two authors, two digests' commentary): a
# phrase never runs from one item into the next.
SEPARATOR = "\x1f"

SNIPPET_BEFORE = 40
SNIPPET_WIDTH = 120


def fold(text: str) -> str:
    """``text`` without case or diacritics, compatibility forms resolved (``ﬁ`` -> ``fi``,
    full-width ``Ａ`` -> ``a``), Hangul kept as syllables."""
    if text.isascii():
        return text.lower()
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """The folded words of ``text``: ``"Perron-Frobenius, 인코더와"`` -> ``perron frobenius 인코더와``."""
    return _WORD.findall(fold(text))


# ASCII text takes a faster road to the same words: bytes.translate and split, all in C.
_ASCII_WORDS = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128


# ASCII and Hangul syllables only (a Korean commentary): folding is lowercasing, and a word is
# a run of letters and digits, so the words are found without NFKD and NFC (3x as fast).
_ASCII_HANGUL = re.compile("[\x00-\x7f\uac00-\ud7a3]*")


def normalise(text: str) -> str:
    """``text`` as it is indexed: each folded word after a space ("" for no words)."""
    if text.isascii():
        found_bytes = text.encode("ascii").translate(_ASCII_WORDS).lower().split()
        return " " + b" ".join(found_bytes).decode("ascii") if found_bytes else ""
    if _ASCII_HANGUL.fullmatch(text):
        found = _WORD.findall(text.lower())
    else:
        found = _WORD.findall(fold(text))
    return " " + " ".join(found) if found else ""


def normalise_items(items: Iterable[str]) -> str:
    """Several texts as one indexed field, a phrase never spanning two of them."""
    return SEPARATOR.join(n for n in map(normalise, items) if n)


def needle(tokens: Sequence[str]) -> str:
    """What to look for in normalised text: the words, each after a space."""
    return " " + " ".join(tokens)


def display(text: str) -> str:
    """Text as it is shown in a snippet: NFC, no control characters, whitespace folded."""
    if not text:
        return ""
    return " ".join(_CONTROLS.sub(" ", unicodedata.normalize("NFC", text)).split())


def _spans(text: str) -> list[tuple[str, int, int]]:
    """Each folded word of ``text`` with where it is written: ``(word, start, end)``."""
    found = []
    for m in _RAW_WORD.finditer(text):
        raw = m.group()
        if raw.isascii():
            found.append((raw.lower(), m.start(), m.end()))
            continue
        for word in _WORD.findall(fold(raw)):
            found.append((word, m.start(), m.end()))
    return found


def locate(text: str, tokens: Sequence[str]) -> tuple[int, int] | None:
    """Where ``tokens`` (a word, or a phrase's words) first match in ``text`` as written:
    ``(start, end)`` of the matched characters, or None. All words but the last must be
    whole words; the last must start a word (it may be the start of a longer one)."""
    if not tokens:
        return None
    folded = fold(text)
    if len(folded) == len(text):  # (nearly always) folding kept every character in place
        m = _pattern(tuple(tokens)).search(folded)
        if m:
            return m.start(), m.end()
    return _locate_by_words(text, tokens)


@functools.lru_cache(maxsize=256)
def _pattern(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """A regular expression for ``tokens`` in folded text, with the rules of ``locate``."""
    parts = []
    for n, token in enumerate(tokens):
        cjk = _CJK_CHAR.fullmatch(token) is not None
        part = ("" if cjk or n else r"(?<![^\W_])") + re.escape(token)
        if n + 1 < len(tokens):
            part += ("" if cjk else r"(?![^\W_])") + r"[\W_]*?"
        parts.append(part)
    return re.compile("".join(parts))


def _locate_by_words(text: str, tokens: Sequence[str]) -> tuple[int, int] | None:
    """``locate`` word by word: for text whose folding moves characters (``ﬁ``, ``ß``)."""
    spans = _spans(text)
    n = len(tokens)
    first, last = tokens[0], tokens[-1]
    for i in range(len(spans) - n + 1):
        word, start, end = spans[i]
        if n == 1:
            if not word.startswith(first):
                continue
        elif (
            word != first
            or any(spans[i + k][0] != tokens[k] for k in range(1, n - 1))
            or not spans[i + n - 1][0].startswith(last)
        ):
            continue
        end_word, _, end = spans[i + n - 1]
        # A prefix of a word: mark just that much when the word is written as it folds.
        written = text[spans[i + n - 1][1] : end]
        if len(end_word) > len(last) and len(written) == len(end_word):
            end = spans[i + n - 1][1] + len(last)
        return start, end
    return None


_SPACES = re.compile(r"\s+")


def _shown(text: str) -> str:
    """A piece of text as a snippet shows it: NFC, control characters and runs of
    whitespace each one space."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", unicodedata.normalize("NFC", text)))


def snippet(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A one-line window of ``text`` around ``text[start:end]``, ellipsised; returns the
    window and where the match is in it. Only the window's neighbourhood is cleaned up
    (``display``), so a long text costs no more than a short one."""
    left = max(0, start - SNIPPET_BEFORE - 20)
    right = min(len(text), end + SNIPPET_WIDTH + 20)
    before, match, after = _shown(text[left:start]), _shown(text[start:end]), _shown(text[end:right])
    if left == 0:
        before = before.lstrip()
    if right == len(text):
        after = after.rstrip()
    if not match.strip():
        match = ""
    shown = before + match + after
    start, end = len(before), len(before) + len(match)
    length = end - start
    more_before, more_after = left > 0, right < len(text)
    if len(shown) <= SNIPPET_WIDTH and not (more_before or more_after):
        return shown, start, end
    lo = max(0, start - SNIPPET_BEFORE)
    if lo > 0:
        space = shown.find(" ", lo, start)
        if space != -1 and space - lo < 15:
            lo = space + 1
    while lo < start and shown[lo] == " ":
        lo += 1
    hi = min(len(shown), max(end, lo + SNIPPET_WIDTH))
    if hi < len(shown):
        space = shown.rfind(" ", end, hi)
        if space != -1 and hi - space < 15:
            hi = space
    prefix = "…" if lo > 0 or more_before else ""
    suffix = "…" if hi < len(shown) or more_after else ""
    first = len(prefix) + start - lo
    return prefix + shown[lo:hi].rstrip() + suffix, first, first + length
