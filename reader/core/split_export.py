"""One markdown file per paper, for note folders (Obsidian, Logseq, Zotero-style).

Each file is ``<id> <short title>.md``::

    ---
    title: "NVAE: A Deep Hierarchical Variational Autoencoder"
    authors:
      - "Arash Vahdat"
    arxiv_id: "2007.03898"
    ...                      <- reader's keys, then any keys the user added
    ---
    <!-- reader:begin generated sha256=… -->
    # NVAE: …                <- title, abstract, every digest's commentary, the note
    <!-- reader:end generated: write your own notes below this line … -->
    the user's own text, which reader never changes

Re-exporting rewrites the front matter (reader's keys only; keys the user added are kept
verbatim) and the region between the two markers, and keeps every other byte. The begin marker
carries a hash of what reader wrote there, so a user's edit inside the region is noticed. When
the user edited inside the region, or a marker is missing or duplicated, or the file cannot be
read as UTF-8, the file is left exactly as it is and the new export is written beside it as
``<name>.reader-new.md`` (a *conflict*). A file is found again by the ``arxiv_id`` in its front
matter (or, failing that, by its ``<id> `` name prefix), so a changed title renames the file
instead of creating a second one.

Front matter values are written as JSON-style double-quoted strings, which YAML reads back
unchanged (titles hold colons, quotes, ``#`` and any unicode), with the few characters YAML will
not take raw escaped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .ids import abs_url, safe_filename
from .snapshot import Snapshot
from .text import one_line, printable
from .fs import atomic_write, fsync_dir

__all__ = [
    "CONFLICT_SUFFIX",
    "OWNED_KEYS",
    "Conflict",
    "SplitResult",
    "export_split",
    "file_name_for",
    "render_paper",
    "safe_file_name",
    "yaml_scalar",
]

#: What a conflicting export is written as, beside the user's file.
CONFLICT_SUFFIX = ".reader-new.md"
#: Front matter keys reader writes and rewrites; every other key belongs to the user.
OWNED_KEYS = (
    "title",
    "authors",
    "arxiv_id",
    "url",
    "tags",
    "read",
    "read_at",
    "digests",
    "digest_dates",
    "published",
    "primary_category",
)
MAX_NAME_CHARS = 120  # the whole file name, ".md" included
MAX_NAME_BYTES = 180  # UTF-8; leaves room for CONFLICT_SUFFIX and temp names under 255 bytes

_BEGIN = "<!-- reader:begin generated"
_END = "<!-- reader:end generated"
_BEGIN_LINE = _BEGIN + " sha256={hash}: reader rewrites everything up to the end marker on each export -->\n"
_END_LINE = _END + ": write your own notes below this line; re-exporting never changes them -->\n"
# A marker is a whole line: one HTML comment and nothing after it but spaces. Text the user
# typed after a marker on its line would be lost when the line is rewritten, so such a line is
# no marker (and a file without its markers is left alone).
_BEGIN_RE = re.compile(r"^<!-- reader:begin generated\b(?P<rest>(?:(?!-->)[^\n])*)-->[ \t]*\r?$", re.MULTILINE)
_END_RE = re.compile(r"^<!-- reader:end generated\b(?:(?!-->)[^\n])*-->[ \t]*\r?$", re.MULTILINE)
_HASH_RE = re.compile(r"\bsha256=(?P<hash>[0-9a-f]{8,64})\b")
_LINES = re.compile(r"[^\n]*\n|[^\n]+$")
_MARKER_LIKE = re.compile(r"^(\s*)<!--(\s*reader:(?:begin|end) generated)", re.MULTILINE)

# --------------------------------------------------------------------------- file names

# Forbidden on Windows (<>:"/\|?*), plus what breaks an Obsidian [[link]] (#^[]).
_FORBIDDEN = frozenset('<>:"/\\|?*#^[]')
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"]
)


def _is_reserved(stem: str) -> bool:
    """A Windows device name, whatever follows its first dot: ``con``, ``NUL.tar``, ``com1 ``."""
    return stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED


def _cut(text: str, max_chars: int, max_bytes: int) -> str:
    """``text`` cut to fit both limits, at a space when one is near the end."""
    if len(text) <= max_chars and len(text.encode("utf-8")) <= max_bytes:
        return text
    out, size = [], 0
    for ch in text[:max_chars]:
        size += len(ch.encode("utf-8"))
        if size > max_bytes:
            break
        out.append(ch)
    cut = "".join(out)
    space = cut.rfind(" ")
    if space >= len(cut) // 2:
        cut = cut[:space]
    return cut


def safe_file_name(text: str, *, max_chars: int = MAX_NAME_CHARS - 3, max_bytes: int = MAX_NAME_BYTES - 3) -> str:
    """A file name stem that is valid on Windows, macOS and Linux, made from ``text``.

    NFC-normalised; ``<>:"/\\|?*#^[]`` and control/format characters become spaces; runs of
    whitespace become one space; no leading spaces, no trailing dots or spaces; at most
    ``max_chars`` characters and ``max_bytes`` UTF-8 bytes (cut at a space when one is near);
    Windows device names (``CON``, ``nul.txt``, ``COM1``…) get a leading ``_``. Letters of every
    script are kept. Never empty (``_``).
    """
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(
        " " if ch in _FORBIDDEN or unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text
    )
    stem = " ".join(cleaned.split())
    stem = _cut(stem, max_chars, max_bytes).rstrip(". ")
    if not stem:
        return "_"
    if _is_reserved(stem):
        stem = _cut("_" + stem, max_chars, max_bytes).rstrip(". ")
    return stem


def file_name_for(arxiv_id: str, title: str | None) -> str:
    """``2007.03898 NVAE A Deep Hierarchical….md``; ``hep-th/9901001`` -> ``hep-th_9901001 ….md``."""
    stem = safe_filename(arxiv_id)
    if title:
        budget_chars = MAX_NAME_CHARS - 3 - len(stem) - 1
        budget_bytes = MAX_NAME_BYTES - 3 - len(stem.encode("utf-8")) - 1
        short = safe_file_name(title, max_chars=budget_chars, max_bytes=budget_bytes)
        if short != "_":
            stem = f"{stem} {short}"
    return stem + ".md"


def _name_prefix(name: str) -> str:
    """What an export's name starts with, its safe id: ``hep-th_9901001 Title.md`` -> ``hep-th_9901001``."""
    return name.split(" ", 1)[0].removesuffix(".md")


# --------------------------------------------------------------------------- YAML

# YAML takes these raw: tab, LF, CR, printable ASCII, NEL, and most of the BMP and beyond. JSON
# leaves C1 controls, DEL, NEL, the line/paragraph separators, BOM and non-characters raw, and
# YAML would refuse or fold them, so they are escaped; lone surrogates cannot be written at all.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if "\ud800" <= ch <= "\udfff":
        return "\\ufffd"
    return f"\\u{ord(ch):04x}"


def yaml_scalar(value: object) -> str:
    """One YAML scalar: a double-quoted string (JSON syntax, YAML-safe), a bool, or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _YAML_UNSAFE.sub(_yaml_escape, json.dumps(str(value), ensure_ascii=False))


def _yaml_lines(items: list[tuple[str, object]]) -> list[str]:
    lines = []
    for key, value in items:
        if isinstance(value, (list, tuple)):
            if not value:
                lines.append(f"{key}: []\n")
            else:
                lines.append(f"{key}:\n")
                lines.extend(f"  - {yaml_scalar(item)}\n" for item in value)
        else:
            lines.append(f"{key}: {yaml_scalar(value)}\n")
    return lines


# --------------------------------------------------------------------------- rendering


def _date_label(digest) -> str:
    parts = [digest.date.isoformat()] if digest.date else []
    if digest.title:
        parts.append(one_line(digest.title))
    return " ".join(parts) or one_line(Path(digest.source).name) or digest.id


def _front_matter(snapshot: Snapshot, arxiv_id: str) -> list[tuple[str, object]]:
    state = snapshot.state(arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    appearances = snapshot.appearances.get(arxiv_id, [])
    items: list[tuple[str, object]] = [
        ("title", one_line(snapshot.title(arxiv_id) or arxiv_id)),
        ("authors", [one_line(a) for a in snapshot.authors(arxiv_id)]),
        ("arxiv_id", arxiv_id),
        ("url", abs_url(arxiv_id)),
        ("tags", [one_line(t) for t in state.tags]),
        ("read", state.read),
    ]
    if state.read and state.read_at:
        items.append(("read_at", state.read_at))
    items.append(("digests", [_date_label(a.digest) for a in appearances]))
    items.append(("digest_dates", [a.digest.date.isoformat() for a in appearances if a.digest.date]))
    published = one_line(str(meta.get("published") or ""))[:10]
    if published:
        items.append(("published", published))
    if meta.get("primary_category"):
        items.append(("primary_category", one_line(str(meta["primary_category"]))))
    return items


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def _generated(snapshot: Snapshot, arxiv_id: str) -> str:
    """The markdown between the markers (ends with a newline)."""
    title = one_line(snapshot.title(arxiv_id) or arxiv_id)
    meta = snapshot.arxiv(arxiv_id) or {}
    lines = [f"# {title}", ""]
    authors = ", ".join(one_line(a) for a in snapshot.authors(arxiv_id))
    if authors:
        lines.append(f"**Authors:** {authors}  ")
    about = [f"[arXiv:{arxiv_id}]({abs_url(arxiv_id)})"]
    if meta.get("primary_category"):
        about.append(one_line(str(meta["primary_category"])))
    if meta.get("published"):
        about.append(f"published {one_line(str(meta['published']))[:10]}")
    lines.append("**arXiv:** " + " · ".join(about))
    abstract = printable(str(meta.get("abstract") or "")).strip()
    if abstract:
        lines += ["", "## Abstract", "", abstract]
    commented = [a for a in snapshot.appearances.get(arxiv_id, []) if a.entry.commentary.strip()]
    if commented:
        lines += ["", "## Commentary"]
        for appearance in commented:
            lines += ["", f"### {_date_label(appearance.digest)}", "", _quote(printable(appearance.entry.commentary))]
    note = printable(snapshot.note(arxiv_id)).strip("\n")
    if note.strip():
        lines += ["", "## My note", "", note]
    text = "\n".join(lines) + "\n"
    # Nothing the library holds may pose as a marker line: "<!--" becomes "&lt;!--", which
    # markdown shows as the same text.
    return _MARKER_LIKE.sub(r"\1&lt;!--\2", text)


def _hash(generated: str) -> str:
    return hashlib.sha256(generated.replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


def render_paper(snapshot: Snapshot, arxiv_id: str) -> tuple[list[tuple[str, object]], str]:
    """``(front matter items, generated markdown)`` for one paper."""
    return _front_matter(snapshot, arxiv_id), _generated(snapshot, arxiv_id)


def _fresh_file(front: list[tuple[str, object]], generated: str) -> str:
    return "".join(
        ["---\n", *_yaml_lines(front), "---\n", _BEGIN_LINE.format(hash=_hash(generated)), generated, _END_LINE, "\n"]
    )


# --------------------------------------------------------------------------- reading back


def _split_front_matter(text: str) -> tuple[list[str] | None, str, str]:
    """``(front matter lines, bom, rest)``: lines between the ``---`` fences (with their line
    ends), or None when the file does not open with a closed front matter block."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    lines = _LINES.findall(body)  # "\n" ends a line; str.splitlines would also split on \x0c, \u2028…
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None, bom, body
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in ("---", "..."):
            return lines[1:i], bom, "".join(lines[i + 1:])
    return None, bom, body


_KEY_RE = re.compile(r"""^(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^']|'')*)'|(?P<plain>[^\s#'"\-?:,\[\]{}][^:]*?|-[^\s:][^:]*?))[ \t]*:(?:[ \t]|\r?\n|$)""")


def _key_of(line: str) -> str | None:
    """The key a top-level ``key: value`` line sets, else None."""
    m = _KEY_RE.match(line)
    if m is None:
        return None
    if m.group("dq") is not None:
        try:
            return json.loads(f'"{m.group("dq")}"')
        except ValueError:
            return m.group("dq")
    if m.group("sq") is not None:
        return m.group("sq").replace("''", "'")
    return m.group("plain").strip()


def _user_blocks(lines: list[str]) -> list[str]:
    """The front matter the user owns, verbatim: every top-level entry whose key is not one of
    reader's (with its indented and list lines), and top-level comments and blank lines."""
    kept: list[str] = []
    owned = False
    for line in lines:
        top_level = line[:1] not in (" ", "\t", "-", "\r", "\n") or line.startswith("---")
        if not top_level:  # indented, a list item, or blank: part of the entry above
            if not owned:
                kept.append(line)
            continue
        key = _key_of(line)
        if key is None:  # a comment, or something we cannot read: the user's
            owned = False
            kept.append(line)
            continue
        owned = key in OWNED_KEYS
        if not owned:
            kept.append(line)
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    return kept


def _scalar_value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        try:
            return str(json.loads(raw))
        except ValueError:
            return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    return raw.split(" #", 1)[0].strip()


def front_matter_id(text: str) -> str | None:
    """The ``arxiv_id`` a file's front matter names, or None."""
    lines, _, _ = _split_front_matter(text)
    for line in lines or ():
        if _key_of(line) == "arxiv_id":
            value = line.split(":", 1)[1]
            return _scalar_value(value) or None
    return None


@dataclass(frozen=True, slots=True)
class _Merge:
    text: str | None  # the new file text; None on a conflict
    reason: str = ""
    user_text: bool = False  # does the file hold anything the user wrote?


def merge(old: str, front: list[tuple[str, object]], generated: str) -> _Merge:
    """The updated text of an existing export, or why it cannot be updated safely."""
    fm_lines, bom, rest = _split_front_matter(old)
    begins = list(_BEGIN_RE.finditer(rest))
    ends = list(_END_RE.finditer(rest))
    if not begins or not ends:
        missing = "begin" if not begins else "end"
        return _Merge(None, f"the {missing} marker of the generated part is missing")
    if len(begins) > 1 or len(ends) > 1:
        return _Merge(None, "the generated part's markers appear more than once")
    begin, end = begins[0], ends[0]
    if end.start() < begin.end():
        return _Merge(None, "the generated part's end marker comes before its begin marker")
    region_start = rest.find("\n", begin.end()) + 1 if rest.find("\n", begin.end()) != -1 else len(rest)
    region = rest[region_start:end.start()]
    found = _HASH_RE.search(begin.group("rest"))
    written = found.group("hash") if found else None
    if written != _hash(region) and region.replace("\r\n", "\n") != generated:
        return _Merge(None, "text inside the generated part was edited")
    after_end = rest.find("\n", end.start())
    suffix = rest[after_end + 1:] if after_end != -1 else ""
    prefix = rest[:begin.start()]  # anything the user wrote between front matter and marker
    user_front = _user_blocks(fm_lines) if fm_lines is not None else []
    text = "".join(
        [
            bom,
            "---\n",
            *_yaml_lines(front),
            *user_front,
            "---\n",
            prefix,
            _BEGIN_LINE.format(hash=_hash(generated)),
            generated,
            _END_LINE,
            suffix,
        ]
    )
    return _Merge(text, user_text=bool(prefix.strip() or suffix.strip() or "".join(user_front).strip()))


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class Conflict:
    """A file reader left alone; ``new`` is where the fresh export went (None: nowhere)."""

    arxiv_id: str
    path: Path
    reason: str
    new: Path | None


@dataclass
class SplitResult:
    directory: Path
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (arxiv id, message)

    def summary(self) -> str:
        line = (
            f"wrote {len(self.new)} new, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)} files in {self.directory}"
        )
        if self.conflicts:
            line += f"; {len(self.conflicts)} left as they were (see warnings)"
        if self.errors:
            line += f"; {len(self.errors)} failed"
        return line


def _scan(directory: Path) -> dict[str, list[Path]]:
    """Existing exports by the ``arxiv_id`` in their front matter."""
    by_id: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        name = path.name
        if not name.endswith(".md") or name.endswith(CONFLICT_SUFFIX) or name.startswith("."):
            continue
        try:
            if not path.is_file():
                continue
            with open(path, "rb") as handle:
                head = handle.read(65536)
        except OSError:
            continue
        arxiv_id = front_matter_id(head.decode("utf-8", "replace"))
        if arxiv_id:
            by_id.setdefault(arxiv_id, []).append(path)
    return by_id


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def export_split(snapshot: Snapshot, ids: list[str], directory: Path) -> SplitResult:
    """Write or update one markdown file per paper of ``ids`` in ``directory`` (created if need be).

    Never overwrites a file it did not recognise as this paper's export, never changes text
    outside the front matter and the generated region, and never changes a file whose generated
    region was edited (see the module docstring). Unchanged files are not rewritten.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    result = SplitResult(directory)
    by_id = _scan(directory)
    claimed = {path for paths in by_id.values() for path in paths}
    # files that hold no export's arxiv_id, by the id their name starts with
    by_prefix: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        if path.name.endswith(".md") and not path.name.endswith(CONFLICT_SUFFIX) and path not in claimed:
            by_prefix.setdefault(_name_prefix(path.name), []).append(path)
    for arxiv_id in dict.fromkeys(ids):
        try:
            _export_one(snapshot, arxiv_id, directory, by_id, by_prefix, result)
        except (OSError, ValueError) as exc:
            message = getattr(exc, "strerror", None) or str(exc)
            result.errors.append((arxiv_id, message))
    fsync_dir(directory)
    return result


def _export_one(snapshot, arxiv_id, directory, by_id, by_prefix, result: SplitResult) -> None:
    front, generated = render_paper(snapshot, arxiv_id)
    desired = directory / file_name_for(arxiv_id, snapshot.title(arxiv_id))
    candidates = by_id.get(arxiv_id) or by_prefix.get(safe_filename(arxiv_id)) or []
    if len(candidates) > 1:
        exact = [path for path in candidates if path.name == desired.name]
        if not exact:
            listing = ", ".join(path.name for path in candidates)
            result.warnings.append(f"{arxiv_id}: several files hold this paper ({listing}); left them alone")
            result.conflicts.append(Conflict(arxiv_id, candidates[0], "several files hold this paper", None))
            return
        candidates = exact
    if not candidates:
        if desired.exists():
            # A file of that name that is not this paper's export (another paper's on a
            # case-insensitive disk, or the user's own): never overwrite it.
            _conflict(result, arxiv_id, desired, "a file of that name exists and is not this paper's export", front, generated)
            return
        atomic_write(desired, _fresh_file(front, generated).encode("utf-8"), durable=False)
        result.new.append(desired)
        return
    path = candidates[0]
    raw = path.read_bytes()
    try:
        # an empty file holds nothing to keep (a fresh export cut short by a crash, say)
        old = raw.decode("utf-8") if raw else _fresh_file(front, generated)
    except UnicodeDecodeError:
        _conflict(result, arxiv_id, path, "the file is not UTF-8 text", front, generated)
        return
    merged = merge(old, front, generated)
    if merged.text is None:
        _conflict(result, arxiv_id, path, merged.reason, front, generated)
        return
    data = merged.text.encode("utf-8")
    target = path
    if path.name != desired.name:
        if desired.exists() and not _same_file(desired, path):
            result.warnings.append(f"{arxiv_id}: kept the name {path.name!r}: {desired.name!r} is taken")
        else:
            target = desired
    if data != raw:
        atomic_write(path, data, durable=merged.user_text)
    if target != path:
        os.rename(path, target)
        result.renamed.append((path, target))
        result.updated.append(target)
    elif data != raw:
        result.updated.append(path)
    else:
        result.unchanged.append(path)


def _conflict(result: SplitResult, arxiv_id: str, path: Path, reason: str, front, generated) -> None:
    new = path.with_name(path.name[: -len(".md")] + CONFLICT_SUFFIX)
    data = _fresh_file(front, generated).encode("utf-8")
    try:
        same = new.read_bytes() == data
    except OSError:
        same = False
    if not same:
        atomic_write(new, data, durable=False)
    result.conflicts.append(Conflict(arxiv_id, path, reason, new))
    result.warnings.append(f"{path.name}: {reason}; left it as it was and wrote the new export to {new.name}")
