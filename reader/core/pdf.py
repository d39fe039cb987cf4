"""Paper PDFs: download into the cache, extract their text page by page.

The public names of the PDF layer, from the modules that do the work:

* ``reader.core.pdf_paths``: ``pdf_path`` / ``text_cache_path``, where a paper's files live;
* ``reader.core.pdf_download``: ``download_pdf``, bounded in size and time, atomic;
* ``reader.core.pdf_text``: ``PaperText`` and the text cache (``cached_text``);
* ``reader.core.pdf_worker``: ``extract_text`` in a child process;
* ``reader.core.pdf_lines``: one line tidied (``normalize_text`` tidies a page's lines);
* ``reader.core.pdf_reflow`` and ``reader.core.pdf_hyphens``: lines into paragraphs, and the
  words hyphenated at a line end made whole.

Importing this module is cheap: requests is imported when a download starts, pypdf only
in the child process.
"""

from __future__ import annotations

from .pdf_download import DEFAULT_PDF_BASE, USER_AGENT, DownloadError, download_pdf, pdf_limits
from .pdf_lines import normalize_text
from .pdf_paths import pdf_path, text_cache_path
from .pdf_text import (
    CANCELLED,
    DAMAGED,
    ENCRYPTED,
    NOT_A_PDF,
    NOT_DOWNLOADED,
    TEXT_CACHE_FORMAT,
    PaperText,
    cached_text,
    stat_key,
    write_cache,
)
from .pdf_worker import STARTUP_GRACE, extract_text

__all__ = [
    "CANCELLED",
    "DAMAGED",
    "DEFAULT_PDF_BASE",
    "ENCRYPTED",
    "NOT_A_PDF",
    "NOT_DOWNLOADED",
    "STARTUP_GRACE",
    "TEXT_CACHE_FORMAT",
    "USER_AGENT",
    "DownloadError",
    "PaperText",
    "cached_text",
    "download_pdf",
    "extract_text",
    "normalize_text",
    "pdf_limits",
    "pdf_path",
    "stat_key",
    "text_cache_path",
    "write_cache",
]
