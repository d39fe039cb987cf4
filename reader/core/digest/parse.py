"""The parser's passes, in order, each linear in the text (see ``reader.core.digest``)."""

from __future__ import annotations

import datetime as dt

from reader.core.models import Entry, ParsedDigest

from .assemble import Piece, attach, mark_skipped_headings, merge, pieces_of, unique
from .bounds import Limits, Warnings
from .dates import file_date, file_name, file_title, heading_date
from .lines import HEADING, Doc, classify, heading
from .names import is_generic_label, title_ok
from .sections import LOOSE_HEADING, Section, barriers, plan
from .starts import Start, choose, find_starts, front_matter_start, leading_link_start
from .tables import table_starts
from .titles import resolve_bare_titles


def parse(text: str, source: str, date: dt.date | None) -> ParsedDigest:
    """Parse normalised text (see ``text.normalise``)."""
    limits, warnings = Limits(), Warnings()
    doc = classify(text.split("\n"), source, limits)
    starts = sorted(find_starts(doc) + table_starts(doc), key=lambda s: (s.begin, s.line))
    named = front_matter_start(doc)
    starts = choose(starts, named is not None)
    if not starts and any(not link.malformed for links in doc.links.values() for link in links):
        lead = named or leading_link_start(doc)
        starts = [lead] if lead is not None else []
    resolve_bare_titles(doc, starts)
    starts.sort(key=lambda s: s.begin)
    mark_skipped_headings(doc, {s.line for s in starts})
    sections = plan(doc, starts)
    bounds = barriers(sections)
    pieces = pieces_of(doc, starts, bounds, warnings)
    loose = attach(doc, pieces, bounds)
    _warn_about_links(doc, warnings)

    when, title = _date_and_title(doc)
    digest = ParsedDigest(source, date or when or file_date(source), title)
    digest.name = title or _first_heading(doc, starts) or file_name(source)
    if sections:
        digest.sections = _sections(doc, sections, pieces, loose.references, loose.tags, warnings, date)
        digest.entries = merge([p.entry for p in pieces], None)
        for section in digest.sections:
            if not section.section:  # what lies outside every section: the file's own digest
                section.name, section.title, section.date = digest.name, digest.title, digest.date
    else:
        digest.entries = merge([p.entry for p in pieces], warnings)
    digest.references = unique([ref for refs in loose.references.values() for ref in refs])
    digest.tags = unique([tag for found in loose.tags.values() for tag in found])
    if len(digest.entries) == 1 and not digest.entries[0].title and not any(p.start.export for p in pieces):
        _title_from_heading(digest.entries[0], digest.title) or _title_from_file(digest.entries[0], source)
    if not doc.links:
        warnings.add(0, "no arXiv links found")
    elif not digest.entries:
        warnings.add(0, "arXiv links found, but none starts an entry")
    digest.warnings = warnings.result()
    return digest


_DIGEST_WORDS = frozenset("papers paper week weekly digest readings reading notes roundup highlights links".split())


def _title_from_heading(entry: Entry, heading_title: str | None) -> bool:
    """A one-paper note headed ``# 190620 XLNet``: the heading's title is the paper's (unless it
    reads like a digest's: "Papers that stood out this week")."""
    if not heading_title or not title_ok(heading_title) or is_generic_label(heading_title):
        return False
    if _DIGEST_WORDS & set(heading_title.lower().replace(",", " ").split()):
        return False
    entry.title, entry.title_source = heading_title, "heading"
    return True


def _title_from_file(entry: Entry, source: str) -> bool:
    """A one-paper note named ``190620 XLNet.md``: the name's title is the paper's."""
    guess = file_title(source)
    if guess and title_ok(guess):
        first = guess.split()[0]
        if guess[0].isupper() or guess[0].isdigit() or any(c.isupper() for c in first[1:]):
            entry.title, entry.title_source = guess, "file"
            return True
    return False


def _warn_about_links(doc: Doc, warnings: Warnings) -> None:
    for i in sorted(doc.links):
        for link in doc.links[i]:
            if link.malformed:
                warnings.add(i + 1, f"malformed arXiv id {link.arxiv_id!r}", kind="malformed", plural="malformed ids")
    if doc.limits.unread_from is not None:
        warnings.add(doc.limits.unread_from + 1, f"more than {doc.limits.links:,} arXiv links: the rest, from this "
                     "line on, were not read (split the file to import them all)")


def _date_and_title(doc: Doc) -> tuple[dt.date | None, str | None]:
    """Date and title from the first dated ``#`` heading, else from front matter."""
    front = doc.front
    for i, kind in enumerate(doc.kinds):
        if kind != HEADING:
            continue
        head = heading(doc.lines[i])
        if head is None or head[0] != 1:
            continue
        when = heading_date(head[1])
        if when is not None and when.date() is not None:
            title = when.title if when.prefix else head[1]
            return when.date(), title or front.get("title") or None
    fm_date = None
    if front.get("date"):
        found = heading_date(front["date"][:10])
        fm_date = found.date() if found else None
    return fm_date, front.get("title") or None


def _first_heading(doc: Doc, starts: list[Start]) -> str | None:
    """The text of the first ``#`` heading before the first entry."""
    first = starts[0].line + 1 if starts else len(doc.lines)
    for i in range(doc.front_lines, first):
        if doc.kinds[i] == HEADING:
            head = heading(doc.lines[i])
            if head is not None and head[0] == 1 and head[1]:
                return head[1]
    return None


def _sections(doc: Doc, sections: list[Section], pieces: list[Piece], refs: dict[int, list[str]],
              tags: dict[int, list[str]], warnings: Warnings, date: dt.date | None) -> list[ParsedDigest]:
    """A digest per section with entries; what lies outside every section is one more."""
    source = doc.source
    by_section: dict[int, list[Piece]] = {}
    for piece in pieces:
        by_section.setdefault(piece.section, []).append(piece)
    out: list[ParsedDigest] = []
    outside: ParsedDigest | None = None
    seen: dict[str, int] = {}
    for k, section in enumerate(sections):
        found = by_section.get(k, [])
        if section.line < 0:
            if found:
                if outside is None:
                    outside = ParsedDigest(source, date, None, name=None, section="")
                outside.entries.extend(p.entry for p in found)
                outside.references.extend(refs.get(k, []))
                outside.tags.extend(tags.get(k, []))
            continue
        if not found:
            continue
        key = section.text
        seen[key] = seen.get(key, 0) + 1
        digest = ParsedDigest(
            source, date or section.date, section.title, name=section.name,
            section=key if seen[key] == 1 else f"{key} ({seen[key]})",
            loose=section.text.strip().lower() == LOOSE_HEADING,
        )
        digest.entries = merge([p.entry for p in found], warnings)
        digest.references = unique(refs.get(k, []))
        digest.tags = unique(tags.get(k, []))
        out.append(digest)
    if outside is not None:
        outside.entries = merge(outside.entries, warnings)
        outside.references, outside.tags = unique(outside.references), unique(outside.tags)
        out.insert(0, outside)
    return out

