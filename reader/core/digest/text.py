"""The text a digest is read from: line ends, and the characters that render as nothing.

Layout is decided on what a reader sees. A zero-width space before a link, a no-break space
after a list marker or a byte-order mark in the middle of a file change nothing on screen, so
they change nothing here: format characters (Unicode category Cf: zero-width spaces and
joiners, the BOM, direction marks, the soft hyphen, …) are removed and other spaces (category
Zs: no-break, thin, ideographic, …) become plain spaces, before any line is looked at. Removing
a character never changes a line number, so warnings still point at the right line.
"""

from __future__ import annotations

import re

# Unicode category Cf (format characters), as of Unicode 15 (a test pins it against unicodedata).
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Unicode category Zs (space separators) other than the ASCII space.
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_INVISIBLE = re.compile(f"[{_FORMAT}]+")
_OTHER_SPACE = re.compile(f"[{_SPACES}]")
_ODD = re.compile(f"[{_FORMAT}{_SPACES}]")


def normalise(text: str) -> str:
    """Format characters go; other spaces become ASCII spaces; CRLF and CR become LF.

    Linear, and a plain copy-free pass when the text holds none of them (the usual case).
    """
    if not text.isascii() and _ODD.search(text) is not None:
        text = _OTHER_SPACE.sub(" ", _INVISIBLE.sub("", text))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
