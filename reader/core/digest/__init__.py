"""Parse a weekly arXiv digest (markdown or plain text, often Korean) into a ``ParsedDigest``.

``parse_text`` is pure and never raises on a ``str``; ``read_digest_file``/``parse_file`` do the I/O.

How a digest is read, in passes over its lines (each linear in the text, and bounded: see
``bounds``):

1. ``text``: line ends become ``\\n``; characters that render as nothing are removed and other
   spaces become spaces, so what decides a layout is what a reader sees.
2. ``lines``: each line gets a kind (blank, text, quote, code, heading, ``#tag`` line, notes,
   front matter, table row, ``Authors:`` line) and its arXiv links (``reader.core.ids``).
3. ``starts``/``tables``: which links start entries, with the title and authors their line gives
   (``markup`` reads the markdown around links, ``names`` decides what is a title or a name).
4. ``titles``: links alone on their line take a title from the heading above, the line after,
   or, in a "title before link" post, the line before.
5. ``sections``: a file of several dated sections (or our own export) is several digests.
6. ``assemble``: each entry's text runs to the next entry, the end of its list item or table
   row, or its section's end; in it are its commentary, tags, ``Authors:``, notes and references.
   ``dates`` gives digests their dates and names.

Warnings carry the 1-based line they are on; warnings about the whole file use line 0.
"""

from __future__ import annotations

import datetime as dt
import os

from reader.core.digest_file import DigestReadError, read_digest_file
from reader.core.models import ParsedDigest, ParseWarning

from .parse import parse
from .text import normalise

__all__ = [
    "DigestReadError",
    "digest_date",
    "digest_title",
    "parse_file",
    "parse_text",
    "read_digest_file",
]


def parse_text(text: str, source: str = "<text>", date: dt.date | None = None) -> ParsedDigest:
    """Parse a digest's text. Never raises on a ``str``: oddities become warnings.

    ``source`` names the file (its name may carry the date and, for a one-paper note, the
    title); ``date`` overrides any date found.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_text expects str, not {type(text).__name__}")
    try:
        return parse(normalise(text), source, date)
    except Exception as exc:  # a bug must not take the caller down with it; tests assert it never happens
        return ParsedDigest(source, date, warnings=[ParseWarning(0, f"internal parser error: {exc!r}")])


def parse_file(path: str | os.PathLike[str], date: dt.date | None = None) -> ParsedDigest:
    """Read and parse a digest file (``source`` is ``str(path)``); decoding warnings come first.

    Raises ``DigestReadError`` when the file cannot be read as text.
    """
    text, warnings = read_digest_file(path)
    parsed = parse_text(text, str(path), date)
    parsed.warnings[:0] = warnings
    return parsed


def digest_date(
    text: str, path: str | os.PathLike[str] | None = None, date: dt.date | None = None
) -> dt.date | None:
    """The digest's date: ``date`` if given, else a dated ``#`` heading, front matter ``date:``,
    a date in the file's name or an ISO week in its folder's, else None."""
    if date is not None:
        return date
    return parse_text(text, os.fspath(path) if path is not None else "<text>").date


def digest_title(text: str) -> str | None:
    """The digest's title: the text after the date of its first dated heading (or the heading,
    when its date is not in front), or front matter ``title:``, else None."""
    return parse_text(text).title
