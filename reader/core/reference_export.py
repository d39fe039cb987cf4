"""CSL-JSON and RIS for papers of the library, so a selection moves into Zotero (or any reference
manager) with its notes.

* CSL-JSON (``export_csl_json``): a list of CSL items of type ``article`` (CSL's type for a
  preprint; Zotero makes it a Preprint), ``number`` ``arXiv:ID`` and ``publisher`` ``arXiv``
  (Zotero's Archive ID and Repository), the tags in ``keyword`` and the note, verbatim, in
  ``note`` (Zotero puts it in the item's Extra field). CSL-JSON is JSON: ``json`` writes it;
  no library would add anything but a dependency.
* RIS (``export_ris``): one ``TY  - UNPB`` record per paper (RIS's unpublished work), written
  by rispy, a maintained RIS reader and writer. The note is one ``N1`` (Zotero makes it a child
  note) over as many lines as it has; a line of it that would read as a tag (``ER  - ``) gets a
  leading space, which readers strip. The tags are ``KW`` lines.

Both use arXiv's metadata when it was fetched (title, authors, date, abstract, DOI), else the
digests' title and authors and the date the id encodes. Names are split as BibTeX does: a
"Family, Given" name at its comma, else the family name is the last word and any lower-case
particles before it ("Jan van der Berg" -> given "Jan", family "van der Berg").
"""

from __future__ import annotations

import json
import re

from .bibtex import bibtex_key
from .ids import abs_url, parse_id
from .snapshot import Snapshot
from .text import one_line, printable

__all__ = ["csl_item", "export_csl_json", "export_ris", "ris_record", "split_name"]

_ET_AL = re.compile(r"(?:^|[\s,]+)(?:et\.?\s*al\.?|and others|others)$", re.IGNORECASE)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# A line that RIS readers take for a tag: two capitals or a capital and a digit, then " - ".
_TAG_LIKE = re.compile(r"^[A-Z][A-Z0-9] {1,2}-(?: |$)")
_DATE = re.compile(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)")


def _bare(arxiv_id: str) -> str:
    parsed = parse_id(arxiv_id)
    return parsed[0] if parsed else arxiv_id


def split_name(name: str) -> dict[str, str]:
    """A person's name as CSL wants it: ``{"family", "given"}`` (``{"literal"}`` for one word)."""
    name = one_line(name)
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
        return {"family": family, "given": given} if given else {"literal": family}
    words = name.split(" ")
    suffix = words.pop() if len(words) > 2 and words[-1].lower() in _SUFFIXES else ""
    if len(words) < 2:
        return {"literal": name}
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():  # "van der Berg": particles go with it
        start -= 1
    parts = {"family": " ".join(words[start:]), "given": " ".join(words[:start])}
    if suffix:
        parts["suffix"] = suffix
    return parts


def _authors(snapshot: Snapshot, arxiv_id: str) -> list[str]:
    meta = snapshot.arxiv(arxiv_id) or {}
    names = [one_line(str(a)) for a in (meta.get("authors") or snapshot.authors(arxiv_id)) if str(a).strip()]
    if names and _ET_AL.search(names[-1]):  # "et al.": the rest are unknown, not a person
        names[-1] = _ET_AL.sub("", names[-1]).strip(" ,")
        if not names[-1]:
            names.pop()
    return names


def _date(snapshot: Snapshot, arxiv_id: str) -> list[int]:
    """``[year, month, day]`` arXiv published it, else ``[year, month]`` from the id."""
    meta = snapshot.arxiv(arxiv_id) or {}
    m = _DATE.match(str(meta.get("published") or ""))
    if m:
        return [int(part) for part in m.groups()]
    digits = arxiv_id.rsplit("/", 1)[-1]
    yy, mm = int(digits[:2]), int(digits[2:4])
    return [1900 + yy if yy >= 91 else 2000 + yy, mm]


def _title(snapshot: Snapshot, arxiv_id: str) -> str:
    meta = snapshot.arxiv(arxiv_id) or {}
    return one_line(str(meta.get("title") or snapshot.title(arxiv_id) or arxiv_id))


def csl_item(snapshot: Snapshot, arxiv_id: str) -> dict[str, object]:
    """One CSL-JSON item for a paper."""
    arxiv_id = _bare(arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    item: dict[str, object] = {
        "id": bibtex_key(snapshot, arxiv_id),
        "type": "article",
        "title": _title(snapshot, arxiv_id),
        "author": [split_name(name) for name in _authors(snapshot, arxiv_id)],
        "issued": {"date-parts": [_date(snapshot, arxiv_id)]},
        "publisher": "arXiv",
        "number": f"arXiv:{arxiv_id}",
        "URL": abs_url(arxiv_id),
    }
    abstract = one_line(str(meta.get("abstract") or ""))
    if abstract:
        item["abstract"] = abstract
    if meta.get("doi"):
        item["DOI"] = one_line(str(meta["doi"]))
    if meta.get("primary_category"):
        item["genre"] = f"arXiv {one_line(str(meta['primary_category']))}"
    tags = snapshot.state(arxiv_id).tags
    if tags:
        item["keyword"] = ", ".join(tags)
    note = snapshot.note(arxiv_id)
    if note.strip():
        item["note"] = note
    return item


def export_csl_json(snapshot: Snapshot, ids: list[str]) -> str:
    """A CSL-JSON list of the papers ``ids``, in that order (duplicates once)."""
    items = [csl_item(snapshot, arxiv_id) for arxiv_id in dict.fromkeys(ids)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _ris_name(name: str) -> str:
    parts = split_name(name)
    if "literal" in parts:
        return parts["literal"]
    return ", ".join(part for part in (parts["family"], parts["given"], parts.get("suffix", "")) if part)


def _ris_text(text: str) -> str:
    """A value over as many lines as it has, none of them readable as a tag."""
    lines = printable(text).strip("\n").split("\n")
    return "\n".join(" " + line if i and _TAG_LIKE.match(line) else line for i, line in enumerate(lines))


def ris_record(snapshot: Snapshot, arxiv_id: str) -> dict[str, object]:
    """One RIS record for a paper, as rispy's keys name the tags."""
    arxiv_id = _bare(arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    date = _date(snapshot, arxiv_id)
    record: dict[str, object] = {
        "type_of_reference": "UNPB",
        "title": _title(snapshot, arxiv_id),
        "authors": [_ris_name(name) for name in _authors(snapshot, arxiv_id)],
        "year": str(date[0]),
        "date": "/".join(f"{part:02d}" for part in date) + ("/" * (4 - len(date))),
        "note": f"arXiv:{arxiv_id}",
        "urls": [abs_url(arxiv_id)],
    }
    abstract = one_line(str(meta.get("abstract") or ""))
    if abstract:
        record["abstract"] = abstract
    if meta.get("doi"):
        record["doi"] = one_line(str(meta["doi"]))
    tags = snapshot.state(arxiv_id).tags
    if tags:
        record["keywords"] = [one_line(tag) for tag in tags]
    note = snapshot.note(arxiv_id)
    if note.strip():
        record["notes"] = [_ris_text(note)]
    return record


def export_ris(snapshot: Snapshot, ids: list[str]) -> str:
    """RIS records for the papers ``ids``, in that order (duplicates once)."""
    import rispy  # (only when RIS is asked for)

    class Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:  # rispy numbers records ("1."): no such line
            return ""

    records = [ris_record(snapshot, arxiv_id) for arxiv_id in dict.fromkeys(ids)]
    return rispy.dumps(records, implementation=Writer)
