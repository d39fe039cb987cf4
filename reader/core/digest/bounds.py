"""What a digest may cost: at most so many links and so much commentary per entry are read,
and warnings of one kind beyond the first few fold into one warning with a count.

A digest is kilobytes; a file of megabytes of repeated links is no digest, and must cost time
and memory in proportion to its size and no more (issue 11: 200 MB took 151 s and 7.1 GB, and
606,000 warnings were stored for a 20 MB one).
"""

from __future__ import annotations

from msgspec import Struct, field

from reader.core.models import ParseWarning

MAX_LINKS = 100_000  # arXiv links read per file; a library's whole export has a few tens of thousands
MAX_COMMENTARY = 1_000_000  # characters of commentary kept per entry
FOLD_AFTER = 10  # warnings of one kind shown one by one; more fold into one with a count
_FOLDED_LINES = 3  # lines a folded warning names


class Limits(Struct):
    links: int = field(default_factory=lambda: MAX_LINKS)
    commentary: int = field(default_factory=lambda: MAX_COMMENTARY)
    unread_from: int | None = None  # 0-based line from which links were no longer read


class _Kind(Struct):
    plural: str
    shown: list[ParseWarning] = field(default_factory=list)
    count: int = 0
    lines: list[int] = field(default_factory=list)  # distinct lines, the first few
    more_lines: bool = False


class Warnings:
    """Collects warnings in bounded memory: the first ``FOLD_AFTER`` of each kind, then a count."""

    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}
        self._plain: list[ParseWarning] = []

    def add(self, line: int, message: str, kind: str | None = None, plural: str = "") -> None:
        """A warning at 1-based ``line`` (0: about the whole file). Warnings of the same ``kind``
        beyond the first few fold into one that says ``N more {plural}``."""
        if kind is None:
            self._plain.append(ParseWarning(line, message))
            return
        k = self._kinds.get(kind)
        if k is None:
            k = self._kinds[kind] = _Kind(plural or kind)
        k.count += 1
        if len(k.shown) <= FOLD_AFTER:
            k.shown.append(ParseWarning(line, message))
        if not k.lines or k.lines[-1] != line:
            if len(k.lines) < _FOLDED_LINES:
                k.lines.append(line)
            else:
                k.more_lines = True

    def result(self) -> list[ParseWarning]:
        """Every warning, by line (whole-file warnings first)."""
        out = list(self._plain)
        for k in self._kinds.values():
            if k.count <= FOLD_AFTER:
                out.extend(k.shown)
                continue
            first = k.shown[0]
            lines = ", ".join(str(n) for n in k.lines) + (", …" if k.more_lines else "")
            where = f"line {lines}" if len(k.lines) == 1 and not k.more_lines else f"lines {lines}"
            out.append(ParseWarning(first.line, f"{first.message} (and {k.count - 1:,} more {k.plural}: {where})"))
        out.sort(key=lambda w: w.line)
        return out
