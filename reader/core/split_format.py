"""The format of a note folder's files: their names, their YAML front matter and the marker
lines around the part reader generates, written and read.

File names are ``<id> <short title>.md``, valid on Windows, macOS and Linux and in an Obsidian
``[[link]]``. Front matter values are written as JSON-style double-quoted strings, which YAML
reads back unchanged (titles hold colons, quotes, ``#`` and any unicode), with the few
characters YAML will not take raw escaped. Reading back is line-based for what reader owns (so
the user's keys are kept byte for byte) and PyYAML for the one value reader takes back from the
folder, the ``tags:`` list.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable

from msgspec import Struct

from .ids import safe_filename

__all__ = [
    "CONFLICT_SUFFIX",
    "MAX_TAGS_BYTES",
    "OWNED_KEYS",
    "ExportText",
    "FolderConflict",
    "FrontMatterError",
    "compose",
    "file_name_for",
    "fresh_file",
    "front_matter_id",
    "front_matter_tags",
    "key_of",
    "name_prefix",
    "read_export",
    "region_hash",
    "safe_file_name",
    "split_front_matter",
    "user_blocks",
    "yaml_lines",
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
#: The most text a ``tags:`` entry may hold to be read back (a few hundred tags).
MAX_TAGS_BYTES = 16384

_LINES = re.compile(r"[^\n]*\n|[^\n]+$")

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
        " " if ch in _FORBIDDEN or (unicodedata.category(ch)[0] in "CZ" and ch != " ") else ch for ch in text
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


def name_prefix(name: str) -> str:
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


def yaml_lines(items: list[tuple[str, object]]) -> list[str]:
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


# --------------------------------------------------------------------------- reading back


def split_front_matter(text: str) -> tuple[list[str] | None, str, str]:
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


_KEY_RE = re.compile(r"""^(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^']|'')*)'|(?P<plain>[^\s#'"\-?:,\[\]{}][^:]*?|-[^\s:][^:]*?))[ \t]*:(?:[ \t]|\r?\n|$)""")  # noqa: E501 (one table, read whole)


def key_of(line: str) -> str | None:
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


def user_blocks(lines: list[str]) -> list[str]:
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
        key = key_of(line)
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
    lines, _, _ = split_front_matter(text)
    for line in lines or ():
        if key_of(line) == "arxiv_id":
            value = line.split(":", 1)[1]
            return _scalar_value(value) or None
    return None


class FolderConflict(Exception):
    """A file reader leaves as it is: ``str()`` says why, in a few words."""


class FrontMatterError(FolderConflict):
    """Front matter reader cannot read back."""


def owned_entry(lines: list[str], key: str) -> str | None:
    """The text of the top-level entry ``key`` (its line and the indented or list lines under
    it), or None when the front matter has no such entry."""
    found: list[str] | None = None
    for line in lines:
        top_level = line[:1] not in (" ", "\t", "-", "\r", "\n") or line.startswith("---")
        if found is not None:
            if top_level:
                break
            found.append(line)
        elif top_level and key_of(line) == key:
            found = [line]
    return None if found is None else "".join(found)


def front_matter_tags(lines: list[str], written: list[str] | None = None) -> list[str] | None:
    """The ``tags:`` of front matter ``lines`` as YAML reads them (a list of tags, a single
    tag, or ``a, b`` in one string), None when there is no ``tags:`` entry; an empty value is
    no tags. ``written``: the tags reader wrote there (an entry exactly as reader wrote it is
    not parsed again). Raises :class:`FrontMatterError` when the entry is not YAML or not a
    list of plain values."""
    entry = owned_entry(lines, "tags")
    if entry is None:
        return None
    if written is not None and entry.replace("\r\n", "\n") == "".join(yaml_lines([("tags", written)])):
        return list(written)
    if len(entry.encode("utf-8")) > MAX_TAGS_BYTES:
        raise FrontMatterError(f"its tags: entry is over {MAX_TAGS_BYTES // 1024} KiB")
    import yaml  # (only when a folder's tags were edited)

    try:
        # libyaml's parser where PyYAML was built with it (its wheels are), else PyYAML's own
        value = yaml.load(entry, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the tags: entry)" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise FrontMatterError(f"its tags: entry is not valid YAML: {problem}{where}") from None
    if not isinstance(value, dict):
        raise FrontMatterError("its tags: entry is not valid YAML")
    tags = value.get("tags", value.get(next(iter(value), None)))
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tag for tag in re.split(r"[,\s]+", tags) if tag]
    if isinstance(tags, list) and all(isinstance(tag, (str, int, float)) and not isinstance(tag, bool) for tag in tags):
        return [str(tag) for tag in tags]
    raise FrontMatterError("its tags: entry is not a list of tags")


# --------------------------------------------------------------------------- the generated part

_BEGIN = "<!-- reader:begin generated"
_END = "<!-- reader:end generated"
_BEGIN_LINE = (
    _BEGIN + " sha256={hash}: edits to the note below go back into the library; reader rewrites "
    "the rest up to the end marker on each export -->\n"
)
_END_LINE = _END + ": write your own notes below this line; re-exporting never changes them -->\n"
# A marker is a whole line: one HTML comment and nothing after it but spaces. Text the user
# typed after a marker on its line would be lost when the line is rewritten, so such a line is
# no marker (and a file without its markers is left alone).
_BEGIN_RE = re.compile(r"^<!-- reader:begin generated\b(?P<rest>(?:(?!-->)[^\n])*)-->[ \t]*\r?$", re.MULTILINE)
_END_RE = re.compile(r"^<!-- reader:end generated\b(?:(?!-->)[^\n])*-->[ \t]*\r?$", re.MULTILINE)
_HASH_RE = re.compile(r"\bsha256=(?P<hash>[0-9a-f]{8,64})\b")


def region_hash(generated: str) -> str:
    """The hash the begin marker carries of the part it begins (line ends aside)."""
    return hashlib.sha256(generated.replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


def fresh_file(front: list[tuple[str, object]], generated: str) -> str:
    """A whole new export: front matter, and the generated part between its markers."""
    return "".join(
        ["---\n", *yaml_lines(front), "---\n", _BEGIN_LINE.format(hash=region_hash(generated)), generated, _END_LINE, "\n"]
    )


class ExportText(Struct, frozen=True):
    """An existing export, cut into its parts."""

    bom: str
    front: list[str] | None  # the front matter's lines (None: it has none)
    prefix: str  # what the user wrote between the front matter and the begin marker
    region: str  # the generated part, as it is in the file
    written: str | None  # the hash its begin marker carries
    suffix: str  # everything below the end marker's line

    def edited(self, generated: Callable[[], str]) -> bool:
        """Does the generated part differ from what reader wrote (and from ``generated()``,
        made only when it does)?"""
        return self.written != region_hash(self.region) and self.region.replace("\r\n", "\n") != generated()


def read_export(text: str) -> ExportText:
    """The parts of an export's text; :class:`FolderConflict` when it cannot be updated safely."""
    fm_lines, bom, rest = split_front_matter(text)
    if fm_lines is None and rest.split("\n", 1)[0].rstrip("\r") == "---":
        raise FolderConflict("its front matter has no closing '---' line")
    begins = list(_BEGIN_RE.finditer(rest))
    ends = list(_END_RE.finditer(rest))
    if not begins or not ends:
        missing = "begin" if not begins else "end"
        raise FolderConflict(f"the {missing} marker of the generated part is missing")
    if len(begins) > 1 or len(ends) > 1:
        raise FolderConflict("the generated part's markers appear more than once")
    begin, end = begins[0], ends[0]
    if end.start() < begin.end():
        raise FolderConflict("the generated part's end marker comes before its begin marker")
    newline = rest.find("\n", begin.end())
    region_start = newline + 1 if newline != -1 else len(rest)
    found = _HASH_RE.search(begin.group("rest"))
    after_end = rest.find("\n", end.start())
    return ExportText(
        bom=bom,
        front=fm_lines,
        prefix=rest[: begin.start()],
        region=rest[region_start : end.start()],
        written=found.group("hash") if found else None,
        suffix=rest[after_end + 1 :] if after_end != -1 else "",
    )


def compose(old: ExportText, front: list[tuple[str, object]], generated: str) -> tuple[str, bool]:
    """The updated text of an export, and whether it holds anything the user wrote."""
    user_front = user_blocks(old.front) if old.front is not None else []
    text = "".join(
        [
            old.bom,
            "---\n",
            *yaml_lines(front),
            *user_front,
            "---\n",
            old.prefix,
            _BEGIN_LINE.format(hash=region_hash(generated)),
            generated,
            _END_LINE,
            old.suffix,
        ]
    )
    return text, bool(old.prefix.strip() or old.suffix.strip() or "".join(user_front).strip())
