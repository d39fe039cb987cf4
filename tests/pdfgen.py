"""Small PDFs for tests, made by hand (text pages) or with pypdf (encryption).

``text_pdf(["page one", "page two"])`` is a valid PDF with a Helvetica text
line per line of each page string and a correct xref table, so pypdf extracts
the text back.  ``slow_pages={3: 40_000}`` gives page 3 (0-based) that many
extra text operators, which takes pypdf about a second or more to extract.
"""

from __future__ import annotations

import io
import zlib


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", "replace")
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
    n = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, text in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        data = _content(text, slow_pages.get(i, 0))
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
