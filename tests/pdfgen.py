"""Small PDFs for tests, made by hand (text pages) or with pypdf (encryption).

``text_pdf(["page one", "page two"])`` is a valid PDF with a Helvetica text
line per line of each page string and a correct xref table, so pypdf extracts
the text back.  ``slow_pages={3: 40_000}`` gives page 3 (0-based) that many
extra text operators, which takes pypdf about a second or more to extract.

``paper_pdf(blocks)`` lays a paper out the way TeX does: paragraphs wrapped into
justified-looking lines with an indented first line, words hyphenated at the end of a
line, headings in a larger font, list items with a hanging indent, display equations,
one or two columns, page numbers, and an arXiv stamp in the margin. ``placed_pdf``
is the layer below it: every line where you put it.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")  # WinAnsiEncoding: latin-1 plus dashes and quotes
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(text: str, extra_ops: int) -> bytes:
    ops = [b"BT /F1 12 Tf 14 TL 72 720 Td"]
    for i, line in enumerate(text.split("\n")):
        ops.append((b"T* " if i else b"") + b"(" + _escape(line) + b") Tj")
    ops.append(b"ET")
    if extra_ops:
        # Many tiny text objects far off the page: invisible, but pypdf must process each one.
        ops.append(b"BT /F1 1 Tf -500 -500 Td " + b"( ) Tj " * extra_ops + b"ET")
    return b"\n".join(ops) + b"\n"


def text_pdf(pages: list[str], slow_pages: dict[int, int] | None = None, compress: bool = True) -> bytes:
    slow_pages = slow_pages or {}
    return _pdf([_content(text, slow_pages.get(i, 0)) for i, text in enumerate(pages)], compress)


def _pdf(contents: list[bytes], compress: bool = True) -> bytes:
    n = len(contents)
    # objects: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, data in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        if compress:
            data = zlib.compress(data)
            head = f"<< /Length {len(data)} /Filter /FlateDecode >>".encode()
        else:
            head = f"<< /Length {len(data)} >>".encode()
        objects.append(head + b"\nstream\n" + data + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n".encode())
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()


def numbered_pages(count: int) -> list[str]:
    return [f"Page {i + 1} text\nsecond line of page {i + 1}" for i in range(count)]


def encrypted_pdf(pages: list[str], user_password: str, owner_password: str = "owner-secret") -> bytes:
    """An AES-256 encrypted copy of ``text_pdf(pages)`` (pypdf's writer)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(pages))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ----------------------------------------------------------------- laid-out papers


@dataclass(frozen=True)
class Placed:
    """One line of text at (x, y) in points, in a ``size`` pt font; ``rotated`` runs it upwards
    (as arXiv stamps its id in the left margin)."""

    x: float
    y: float
    size: float
    text: str
    rotated: bool = False


def _placed_content(lines: list[Placed]) -> bytes:
    ops = []
    for line in lines:
        matrix = f"0 1 -1 0 {line.x:.2f} {line.y:.2f}" if line.rotated else f"1 0 0 1 {line.x:.2f} {line.y:.2f}"
        ops.append(f"BT /F1 {line.size:g} Tf {matrix} Tm (".encode() + _escape(line.text) + b") Tj ET")
    return b"\n".join(ops) + b"\n"


def placed_pdf(pages: list[list[Placed]]) -> bytes:
    """A PDF whose pages hold exactly these lines, each positioned on its own (``Tm``)."""
    return _pdf([_placed_content(lines) for lines in pages])


# Block kinds for paper_pdf: a paragraph, a heading, a list item (hanging indent), a display
# equation (centred, with its number at the right), a title (large, centred).
PARA, HEADING, ITEM, EQUATION, TITLE = "para", "heading", "item", "equation", "title"


def _pieces(word: str) -> list[str]:
    """Where a word may break at a line end: at each ``|`` (a hyphenation point; the ``|`` is
    not printed) and after each hyphen of a compound."""
    out, cur = [], ""
    for ch in word:
        if ch == "|":
            out.append(cur)
            cur = ""
        else:
            cur += ch
            if ch == "-":
                out.append(cur)
                cur = ""
    out.append(cur)
    return [p for p in out if p]


def wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Greedy line breaking at ``width`` characters (``first_width`` for the first line), TeX-like:
    a word that does not fit is hyphenated at its last ``|`` that fits (a ``-`` is printed) or after
    a compound's own hyphen; otherwise it goes to the next line."""
    lines: list[str] = []
    cur = ""
    limit = first_width or width
    for word in text.split():
        pieces = _pieces(word)
        whole = "".join(pieces)
        sep = " " if cur else ""
        if len(cur) + len(sep) + len(whole) <= limit:
            cur += sep + whole
            continue
        # the longest head of the word that fits on this line, with its hyphen
        taken = 0
        for k in range(len(pieces) - 1, 0, -1):
            head = "".join(pieces[:k])
            shown = head if head.endswith("-") else head + "-"
            if len(cur) + len(sep) + len(shown) <= limit:
                lines.append(cur + sep + shown)
                taken = k
                break
        if taken:
            cur = "".join(pieces[taken:])
        else:
            if cur:
                lines.append(cur)
            cur = whole
        limit = width
    if cur:
        lines.append(cur)
    return lines


def paper_pdf(
    blocks: list[tuple[str, str]],
    *,
    width: int = 64,
    lines_per_column: int = 40,
    columns: int = 1,
    page_numbers: bool = True,
    stamp: str | None = None,
    size: float = 10,
) -> bytes:
    """A paper laid out from ``blocks`` ((kind, text) pairs, kinds above), page after page."""
    return placed_pdf(paper_layout(blocks, width=width, lines_per_column=lines_per_column, columns=columns,
                                   page_numbers=page_numbers, stamp=stamp, size=size))


def paper_layout(
    blocks: list[tuple[str, str]],
    *,
    width: int = 64,
    lines_per_column: int = 40,
    columns: int = 1,
    page_numbers: bool = True,
    stamp: str | None = None,
    size: float = 10,
) -> list[list[Placed]]:
    leading = size * 1.2
    top = 720.0
    lefts = [72.0] if columns == 1 else [54.0, 317.0]
    char = 5.0  # points per character, near enough for Helvetica at 10 pt
    pages: list[list[Placed]] = [[]]
    column = 0
    y = top

    def room(height: float) -> None:
        nonlocal column, y
        if y - height < top - lines_per_column * leading:
            if column + 1 < len(lefts):
                column += 1
            else:
                pages.append([])
                column = 0
            y = top

    def put(x_offset: float, text: str, font: float = size, before: float = 0.0) -> None:
        nonlocal y
        room(before + leading)
        if y != top:
            y -= before
        pages[-1].append(Placed(lefts[column] + x_offset, y, font, text))
        y -= leading

    equations = 0
    for kind, text in blocks:
        if kind == PARA:
            for n, line in enumerate(wrap(text, width, width - 3)):
                put(15.0 if n == 0 else 0.0, line)
        elif kind == HEADING:
            put(0.0, text.replace("|", ""), size * 1.4, before=leading)
            y -= leading * 0.4
        elif kind == TITLE:
            plain = text.replace("|", "")
            put(max(0.0, (width - len(plain)) * char / 2), plain, size * 1.7)
            y -= leading
        elif kind == ITEM:
            for n, line in enumerate(wrap(text, width, width)):
                put(0.0 if n == 0 else 15.0, line)
        elif kind == EQUATION:
            equations += 1
            room(leading * 3)
            y -= leading * 0.5
            put(width * char / 3, text.replace("|", ""))
            pages[-1].append(Placed(lefts[column] + width * char - 20, y + leading, size, f"({equations})"))
            y -= leading * 0.5
        else:
            raise ValueError(kind)
    for number, lines in enumerate(pages, start=1):
        if page_numbers:
            lines.append(Placed(300.0, 40.0, size, str(number)))
        if stamp and number == 1:
            lines.append(Placed(30.0, 250.0, 20.0, stamp, rotated=True))
    return pages
