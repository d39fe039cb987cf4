"""Importing digest files and folders into the library, shared by the CLI and the app."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from msgspec import Struct, field

from .digest import DigestReadError, parse_text, read_digest_file
from .library import ImportResult, Library
from .models import ParsedDigest, ParseWarning
from .text import one_line

DIGEST_SUFFIXES = (".md", ".txt", ".markdown")
BATCH = 100  # files per library write when importing a folder


class FileOutcome(Struct):
    """What happened to one file: imported (``result``), skipped, or failed (``error``)."""

    path: Path
    result: ImportResult | None = None
    warnings: list[ParseWarning] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None

    def summary(self) -> str:
        name = shown(self.path)
        if self.error:
            return f"{name}: error: {self.error}"
        if self.skipped:
            return f"{name}: skipped: {self.skipped}"
        assert self.result is not None
        result = self.result
        warnings = len(self.warnings)
        warned = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        entries = f"{result.entries} entr{'ies' if result.entries != 1 else 'y'}"
        if result.status == "unchanged":
            same = result.same_as
            elsewhere = f" (same as {shown(same)})" if same and same != str(Path(self.path).resolve()) else ""
            return f"{name}: already imported{elsewhere}, {entries}"
        verb = "imported" if result.status == "new" else "updated"
        digests = f"{result.digests} digests, " if result.digests > 1 else ""
        papers = f"{result.new_papers} new paper{'s' * (result.new_papers != 1)}"
        return f"{name}: {verb}, {digests}{entries}, {papers}{warned}"

    def warning_lines(self) -> list[str]:
        """One line per warning: ``FILE:LINE: warning: …``, or ``FILE: warning: …`` for one
        about the whole file."""
        return [warning_line(self.path, w) for w in self.warnings]


def warning_line(path: object, warning: ParseWarning) -> str:
    where = f"{shown(path)}:{warning.line}" if warning.line > 0 else shown(path)
    return f"{where}: warning: {shown(warning.message)}"


def shown(text: object) -> str:
    """A path (or any text) safe to print: one line, no escape sequences or control
    characters, undecodable bytes of a file name as ``?``."""
    return one_line(str(text).encode("utf-8", "replace").decode("utf-8"))


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and every digest file under each directory, sorted."""
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() in DIGEST_SUFFIXES)
            yield from sorted(p for p in found if p.is_file())
        else:
            yield path


def content_hash(text: str, date: dt.date | None) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"\0{date.isoformat() if date else ''}".encode())
    return digest.hexdigest()


def parse_for_import(path: Path, date: dt.date | None = None) -> tuple[ParsedDigest, str]:
    """Read and parse one file; raises DigestReadError."""
    text, read_warnings = read_digest_file(path)
    parsed = parse_text(text, source=str(path.resolve()), date=date)
    parsed.warnings[:0] = read_warnings
    return parsed, content_hash(text, date)


def import_paths(
    library: Library,
    paths: Iterable[Path],
    *,
    date: dt.date | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[FileOutcome]:
    """Import files and folders. A bad file is reported and the others still import."""
    files = list(expand_paths(Path(p) for p in paths))
    outcomes: list[FileOutcome] = []
    pending: list[tuple[FileOutcome, ParsedDigest, str]] = []

    def flush() -> None:
        results = library.import_digests((parsed, sha) for _, parsed, sha in pending)
        for (outcome, _, _), result in zip(pending, results, strict=False):
            outcome.result = result
        pending.clear()

    for index, path in enumerate(files, 1):
        outcome = FileOutcome(path)
        outcomes.append(outcome)
        try:
            parsed, sha = parse_for_import(path, date)
        except DigestReadError as exc:
            outcome.error = exc.reason
        else:
            outcome.warnings = list(parsed.warnings)
            if not parsed.entries:
                outcome.skipped = "no arXiv links found"
                outcome.warnings = [w for w in parsed.warnings if "no arXiv links" not in w.message]
            else:
                pending.append((outcome, parsed, sha))
                if len(pending) >= BATCH:
                    flush()
        if progress:
            progress(index, len(files), path)
    if pending:
        flush()
    return outcomes
