"""Reading a digest file as text: the encodings people's notes come in, and files that
are not digests at all (directories, binaries, devices, huge files)."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from reader.core.models import ParseWarning
from reader.core.text import one_line

_BINARY_SNIFF = 8192
MAX_DIGEST_BYTES = 256 * 1024 * 1024  # a weekly digest is kilobytes; this is no digest
_TOO_BIG = f"larger than {MAX_DIGEST_BYTES // (1024 * 1024)} MB, too large for a digest"


class DigestReadError(Exception):
    """A digest file that cannot be read as text. ``str()`` is one line naming the file."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = path
        self.reason = reason
        # Shown as it is printed: a file name with escape sequences must not reach the terminal.
        name = one_line(os.fsdecode(path).encode("utf-8", "replace").decode("utf-8"))
        super().__init__(f"{name}: {reason}")


def read_digest_file(path: str | os.PathLike[str]) -> tuple[str, list[ParseWarning]]:
    """``(text, warnings)``: the text of a digest file and warnings about how it was decoded.

    Decodes UTF-8 (with or without BOM) and UTF-16/32 with a BOM (UTF-16 without BOM when it is
    unmistakable); line ends become ``\\n``. Bytes that are not UTF-8 but read as Korean cp949 or as
    cp1252/Latin-1 text come back decoded, with a warning. Raises ``DigestReadError`` for a
    directory, a missing or unreadable file, a binary file or undecodable bytes.
    """
    p = Path(path)
    if p.is_dir():
        raise DigestReadError(path, "is a directory, not a digest file")
    try:
        data = _read_bytes(p)
    except FileNotFoundError:
        raise DigestReadError(path, "no such file") from None
    except PermissionError:
        raise DigestReadError(path, "permission denied") from None
    except IsADirectoryError:
        raise DigestReadError(path, "is a directory, not a digest file") from None
    except OSError as exc:
        raise DigestReadError(path, f"cannot read: {exc.strerror or exc}") from None
    text, warnings = _decode(data, path)
    return _normalise(text), warnings


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, at most ``MAX_DIGEST_BYTES``. Opening never blocks (a FIFO nobody
    writes to reads as empty) and an endless device stops at the limit."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | nonblock)
    try:
        if nonblock:
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                if os.fstat(fd).st_size > MAX_DIGEST_BYTES:
                    raise OSError(errno.EFBIG, _TOO_BIG)
                data = handle.read()  # one allocation, sized from fstat
            else:
                data = handle.read(MAX_DIGEST_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_DIGEST_BYTES:
        raise OSError(errno.EFBIG, _TOO_BIG)
    return data


def _decode(data: bytes, path: str | os.PathLike[str]) -> tuple[str, list[ParseWarning]]:
    """Decode a digest's bytes: ``(text, warnings)`` or ``DigestReadError``."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                raise DigestReadError(path, f"not valid {encoding.upper()} text") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    warnings: list[ParseWarning] = []
    nuls = data.count(0)
    if nuls:
        if b"\x00" in data[:_BINARY_SNIFF]:
            text = _bomless_utf16(data)
            if text is not None:
                return text, []
        if nuls > 8 and nuls * 100 > len(data):  # more than a few, and more than 1 in 100 bytes
            raise DigestReadError(path, "looks like a binary file, not a text digest")
        # Text with a few stray NUL bytes (a bad copy, an editor crash): read it without them.
        data = data.replace(b"\x00", b"")
        warnings.append(ParseWarning(0, f"{nuls} NUL byte{'s' * (nuls != 1)} removed"))
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        bad = exc.start
    for encoding, label, accept in (
        ("cp949", "cp949 (Korean)", _mostly_hangul),
        ("cp1252", "cp1252 (Windows Latin)", _looks_like_text),
        ("latin-1", "Latin-1", _looks_like_text),
    ):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if accept(text):
            return text, [*warnings, ParseWarning(0, f"not valid UTF-8 (bad byte at offset {bad}); read as {label}")]
    if nuls:  # NUL bytes and no text encoding: binary, as before NUL bytes were forgiven
        raise DigestReadError(path, "looks like a binary file, not a text digest")
    raise DigestReadError(path, f"not valid UTF-8 text (bad byte at offset {bad})")


def _bomless_utf16(data: bytes) -> str | None:
    """``data`` decoded as UTF-16 without a BOM when its NUL bytes say so, else None."""
    head = data[:_BINARY_SNIFF]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    # ASCII puts a NUL in every other byte; a few Hangul syllables (U+AC00, U+AD00, …) the other side.
    if odd > len(head) // 32 and odd > 8 * even:
        encoding = "utf-16-le"
    elif even > len(head) // 32 and even > 8 * odd:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    """Few control characters besides tab/newline/CR/FF: text, not binary noise."""
    controls = sum(1 for c in text[:_BINARY_SNIFF] if (ord(c) < 32 and c not in "\t\n\r\f") or 0x7F <= ord(c) < 0xA0)
    return controls * 100 <= len(text[:_BINARY_SNIFF])


def _mostly_hangul(text: str) -> bool:
    """A cp949 decoding that yields mostly Hangul syllables (not accidental Hanja from Latin text)."""
    sample = text[: _BINARY_SNIFF * 4]
    non_ascii = [c for c in sample if ord(c) > 127]
    hangul = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3")
    return bool(non_ascii) and hangul * 10 >= len(non_ascii) * 9 and _looks_like_text(text)


def _normalise(text: str) -> str:
    """CRLF/CR to LF, no leading BOM."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text
