"""Bad input: every case has a clear outcome and none a traceback.

The rule: a file that cannot be read is a one-line error and makes the command exit 1
(other files of the same import still import); a file that can be read but is odd (not
UTF-8, stray NUL bytes, malformed ids, no links) gives one-line warnings and exit 0.
Text from digests, notes and tags reaches the terminal inert: no escape sequences, no
control characters, Rich markup printed as the literal text it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.digest import parse_text
from reader.core.ids import safe_filename
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.pdf import pdf_path, text_cache_path

ROOT = Path(__file__).resolve().parents[1]
MEASURE = Path(__file__).with_name("reliability_measure.py")
LINE = "https://arxiv.org/abs/2007.01758 Café Society: Naïve Bayes Revisited (José Núñez, Zoë Ångström)\n"
SECOND = "https://arxiv.org/abs/2007.01852 A Second Paper Title (Ann Lee, Bo Chen)\n"


def cli(capsys, *args) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err.rstrip("\n")


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "lib"


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


# --- encodings and odd bytes -----------------------------------------------------------------------


def test_latin1_digest_is_read_with_a_warning(capsys, tmp_path, data):
    path = write(tmp_path / "latin1.md", (LINE + SECOND).encode("latin-1"))
    code, out, err = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and err == ""  # one line per file, then its warnings, all on stdout
    summary, warning = out.splitlines()
    assert summary == f"{path}: imported, 2 entries, 2 new papers, 1 warning"
    assert re.fullmatch(rf"{re.escape(str(path))}: warning: not valid UTF-8 \(bad byte at offset \d+\); read as .*", warning)
    assert Library(data).paper("2007.01758").title == "Café Society: Naïve Bayes Revisited"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig"])
def test_unicode_with_a_bom_is_read_silently(capsys, tmp_path, data, encoding):
    text = LINE + SECOND
    raw = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    path = write(tmp_path / "bom.md", raw)
    code, out, err = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and err == "" and "imported, 2 entries" in out
    assert Library(data).paper("2007.01758").authors == ("José Núñez", "Zoë Ångström")


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 20, b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(5000), b"\x00" * 100],
    ids=["all-bytes", "png", "zeros"],
)
def test_binary_file_is_a_one_line_error(capsys, tmp_path, data, content):
    path = write(tmp_path / "binary.md", content)
    code, out, err = cli(capsys, "--data-dir", data, "parse", path)
    assert code == 1 and out == ""
    assert one_line(err) == f"reader: error: {path}: looks like a binary file, not a text digest"
    good = write(tmp_path / "good.md", SECOND.encode())
    code, out, err = cli(capsys, "--data-dir", data, "import", path, good)
    assert code == 1 and err == ""  # one file could not be read ...
    assert out == (
        f"{path}: error: looks like a binary file, not a text digest\n"
        f"{good}: imported, 1 entry, 1 new paper\n"  # ... and the other still imports
    )


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"])
def test_empty_digest_is_skipped_with_a_warning(capsys, tmp_path, data, content):
    path = write(tmp_path / "empty.md", content)
    code, out, err = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and err == ""
    assert out == f"{path}: skipped: no arXiv links found\n"
    code, out, err = cli(capsys, "parse", path)
    assert code == 0 and out == f"{path}: no date, no title, 0 entries\n"
    assert one_line(err) == f"{path}: warning: no arXiv links found"  # about the file: no line


def test_stray_nul_bytes_are_dropped_with_a_warning(capsys, tmp_path, data):
    path = write(tmp_path / "nul.md", LINE.encode() + b"odd\x00text\x00 here\n" + SECOND.encode())
    code, out, err = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and err == ""
    assert out == f"{path}: imported, 2 entries, 2 new papers, 1 warning\n{path}: warning: 2 NUL bytes removed\n"
    stored = b"".join(p.read_bytes() for p in data.glob("*.json"))
    assert b"\\u0000" not in stored and b"\x00" not in stored


def test_malformed_ids_are_warnings_and_never_stored(capsys, tmp_path, data):
    path = write(
        tmp_path / "ids.md",
        b"https://arxiv.org/abs/9913.99999 Bad Month Paper (Ann Lee, Bo Chen)\n"
        b"https://arxiv.org/abs/2007.017589 Six Digit Paper (Ann Lee, Bo Chen)\n"
        b"arXiv:2006.162360 mentioned\n" + SECOND.encode(),
    )
    code, out, err = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and err == ""
    summary, *warnings = out.splitlines()
    assert summary == f"{path}: imported, 1 entry, 1 new paper, 3 warnings"
    assert warnings == [
        f"{path}:1: warning: malformed arXiv id '9913.99999'",
        f"{path}:2: warning: malformed arXiv id '2007.017589'",
        f"{path}:3: warning: malformed arXiv id '2006.162360'",
    ]
    assert list(Library(data).papers()) == ["2007.01852"]


# --- paths that are not readable files -------------------------------------------------------------


def test_a_directory_is_a_one_line_error_for_parse(capsys, tmp_path):
    code, out, err = cli(capsys, "parse", tmp_path)
    assert code == 1 and out == "" and one_line(err) == f"reader: error: {tmp_path}: is a directory, not a digest file"


def test_importing_a_folder_with_no_digests_is_an_error(capsys, tmp_path, data):
    folder = tmp_path / "nothing.md"  # a folder, even if its name looks like a file
    folder.mkdir()
    (folder / "readme.pdf").write_bytes(b"%PDF")
    code, out, err = cli(capsys, "--data-dir", data, "import", folder)
    assert code == 1 and err == ""
    assert out == f"{folder}: error: no .md, .txt or .markdown files in this folder\n"


def test_unreadable_file_simulated(capsys, tmp_path, data, monkeypatch):
    """Tests run as root, for whom chmod 000 changes nothing: os.open is made to fail
    with EACCES for this one path, as it does for a user without read permission."""
    path = write(tmp_path / "secret.md", LINE.encode())
    good = write(tmp_path / "good.md", SECOND.encode())
    real_open = os.open

    def guarded_open(file, flags, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    code, out, err = cli(capsys, "parse", path)
    assert code == 1 and one_line(err) == f"reader: error: {path}: permission denied"
    code, out, err = cli(capsys, "--data-dir", data, "import", path, good)
    assert code == 1 and err == ""
    assert out == f"{path}: error: permission denied\n{good}: imported, 1 entry, 1 new paper\n"


def test_unreadable_file_for_real_as_another_user(tmp_path):
    """chmod 000 for real, read by an unprivileged user (as root, the test drops to nobody)."""
    path = write(tmp_path / "secret.md", LINE.encode())
    path.chmod(0)
    kwargs = {}
    if os.geteuid() == 0:
        tmp_path.chmod(0o755)
        kwargs = {"user": "nobody", "group": "nogroup" if _has_group("nogroup") else "nobody"}
    cmd = [sys.executable, "-m", "reader", "parse", str(path)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=30, check=False, **kwargs)
    except (OSError, KeyError) as exc:
        pytest.skip(f"cannot run as another user: {exc}")
    if "No module named" in result.stderr or "Permission denied: '" in result.stderr:
        pytest.skip(f"the other user cannot run reader here: {result.stderr.strip()[:200]}")
    assert result.returncode == 1
    assert result.stderr == f"reader: error: {path}: permission denied\n"


def _has_group(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_nobody_writes_to_never_hangs(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "lib"), "import", str(fifo)],
        capture_output=True, text=True, cwd=ROOT, timeout=30, check=False,
    )
    assert time.monotonic() - started < 10
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"{fifo}: skipped: no arXiv links found\n"


def test_an_endless_file_stops_at_the_size_limit(capsys, monkeypatch):
    from reader.core import digest_file

    monkeypatch.setattr(digest_file, "MAX_DIGEST_BYTES", 1 << 20)
    code, _, err = cli(capsys, "parse", "/dev/zero")
    assert code == 1 and one_line(err).startswith("reader: error: /dev/zero: cannot read: larger than")


# --- size -----------------------------------------------------------------------------------------


def _big_digest(path: Path, size_bytes: int) -> int:
    """A digest of ``size_bytes``: papers each with ~10 kB of commentary full of links and markdown."""
    rng = random.Random(50)
    words = ["the", "a", "model", "learns", "deep", "**variational**", "latent", "diffusion", "`transformer`", "attention", "graph"]
    parts = ["# 200712 A very long week\n\n"]
    size, k = 0, 0
    while size < size_bytes:
        arxiv_id = f"{20 + k // 60000:02d}{1 + k % 12:02d}.{k % 99999:05d}"
        body = " ".join(rng.choice(words) for _ in range(1400))
        part = (
            f"{k + 1}. https://arxiv.org/abs/{arxiv_id} Paper Number {k} On Things (Ann Lee, Bo Chen)\n"
            f"{body} see [this](https://arxiv.org/abs/2001.{k % 99999:05d}) #tag{k % 7}\n\n"
        )
        parts.append(part)
        size += len(part)
        k += 1
    path.write_text("".join(parts), encoding="utf-8")
    return k


def measure(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(MEASURE), sys.executable, "-m", "reader", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )
    return json.loads(result.stdout)


def test_an_8_megabyte_digest_in_bounded_time_and_memory(tmp_path):
    """Some 700 papers of dense commentary. tests/measure_digest_bounds.py measures the bigger
    files of the finding (50 and 200 MB), and test_digest_bounds.py that the time grows
    linearly; this keeps the suite quick with the same shape, through the real command."""
    path = tmp_path / "huge.md"
    papers = _big_digest(path, 8_000_000)
    assert path.stat().st_size >= 8_000_000
    parsed = measure("parse", str(path))
    imported = measure("--data-dir", str(tmp_path / "lib"), "import", str(path))
    print(f"\n8 MB digest, {papers} papers: parse {parsed['seconds']}s {parsed['peak_mb']} MB peak RSS; "
          f"import {imported['seconds']}s {imported['peak_mb']} MB peak RSS")
    assert parsed["code"] == 0 and f"{papers} entries" in parsed["stdout_head"], parsed
    assert imported["code"] == 0 and f"imported, {papers} entries" in imported["stdout_head"], imported
    for run_ in (parsed, imported):
        assert run_["cpu_seconds"] < 8 and run_["peak_mb"] < 200, run_


def test_a_digest_with_5000_entries(capsys, tmp_path, data):
    lines = ["# 200712 Five thousand\n"]
    for k in range(5000):
        lines.append(f"- https://arxiv.org/abs/2007.{k:05d} Paper Title Number {k} (Ann Lee, Bo Chen)\n  short note {k}\n")
    path = write(tmp_path / "many.md", "".join(lines).encode())
    started = time.monotonic()
    code, out, _ = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and "imported, 5000 entries, 5000 new papers" in out
    code, out, _ = cli(capsys, "--data-dir", data, "list")
    assert code == 0 and len(out.splitlines()) == 5000
    code, out, _ = cli(capsys, "--data-dir", data, "tag", "2007.04999", "2007.00000", "+last")
    assert code == 0
    code, out, _ = cli(capsys, "--data-dir", data, "export")
    again = parse_text(out)
    assert [e.arxiv_id for e in again.entries] == [f"2007.{k:05d}" for k in range(5000)]
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "line",
    [
        "word " * 200_000,
        "x" * 1_000_000,
        "(" * 500_000 + ")" * 500_000,
        "https://arxiv.org/abs/2007.01758 " * 30_000,
        "[" * 1_000_000,
        "*" * 1_000_000,
    ],
    ids=["words", "one-word", "parens", "links", "brackets", "stars"],
)
def test_one_megabyte_lines(capsys, tmp_path, data, line):
    path = write(tmp_path / "long.md", (SECOND + line + "\n" + LINE).encode())
    started = time.monotonic()
    code, out, _ = cli(capsys, "--data-dir", data, "import", path)
    assert code == 0 and "imported" in out
    assert time.monotonic() - started < 10
    code, out, _ = cli(capsys, "--data-dir", data, "show", "2007.01852")
    assert code == 0


# --- text that reaches the terminal ----------------------------------------------------------------

ESC = "\x1b"
HOSTILE = [
    f"{ESC}[31mred{ESC}[0m",
    f"{ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\",
    f"{ESC}]0;window title\x07",
    f"{ESC}[2J{ESC}[H",
    f"{ESC}P device control {ESC}\\",
    "\x9b31m C1 CSI \x9d OSC \x85",
    "bell\x07 backspace\x08 del\x7f vt\x0b ff\x0c cr\r",
    "[bold]bold[/] [link=https://evil.example]click[/link] [/] [red on white]x[/]",
]
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _hostile_library(data: Path) -> Library:
    library = Library(data)
    hostile = " ".join(HOSTILE)
    entry = Entry(
        "2007.01758", 1, f"Title {hostile}", [f"Ann {HOSTILE[0]} Lee", "Bo [bold]Chen[/]"],
        f"Commentary {hostile}\nsecond line {HOSTILE[1]}", ["2007.01852"],
    )
    other = Entry("2007.01852", 1, f"Other {HOSTILE[2]}", [], f"cites 2007.01758 {HOSTILE[3]}")
    digest = ParsedDigest(f"/x/{HOSTILE[0]}evil.md", None, f"Week {HOSTILE[4]}", [entry, other])
    library.import_digests([(digest, "sha")])
    library.set_note("2007.01758", f"note {hostile}")
    library.store_metadata({
        "2007.01852": {"status": "ok", "fetched_at": "x", "error": None,
                       "metadata": {"title": f"Meta {HOSTILE[5]}", "abstract": f"Abstract {hostile}",
                                    "authors": [f"Eve {HOSTILE[6]}"], "categories": ["cs.LG"]}},
    })
    return library


def test_show_prints_arxiv_metadata_fields_inert(capsys, data):
    library = _hostile_library(data)
    library.store_metadata({
        "2007.01852": {"status": "ok", "fetched_at": "x", "error": None,
                       "metadata": {"title": "T", "categories": [f"cs.{HOSTILE[0]}"], "published": HOSTILE[3]}},
    })
    code, out, err = cli(capsys, "--data-dir", data, "show", "2007.01852")
    assert code == 0 and not _UNSAFE.findall(out + err)


def test_list_and_show_print_hostile_text_inert(capsys, data):
    _hostile_library(data)
    code, _, err = cli(capsys, "--data-dir", data, "tag", "2007.01758", f"+{HOSTILE[0]}", "+[bold]b[/]", f"+{HOSTILE[5]}")
    assert code == 0
    outputs = []
    for args in (["list"], ["list", "--read"], ["list", "--tag", "[bold]b[/]"], ["show", "2007.01758"], ["show", "2007.01852"],
                 ["tag", "2007.01758", f"-{HOSTILE[0]}"], ["note", "2007.01852", "--set", " ".join(HOSTILE)]):
        code, out, err = cli(capsys, "--data-dir", data, *args)
        assert code == 0, (args, err)
        outputs.append(out + err)
    for text in outputs:
        assert not _UNSAFE.findall(text), [m for m in _UNSAFE.findall(text)]
    shown = "".join(outputs)
    assert "[bold]bold[/]" in shown and "[link=https://evil.example]click[/link]" in shown  # literal, inert
    assert "#[bold]b[/]" in shown


def test_parse_and_import_print_hostile_text_and_file_names_inert(capsys, tmp_path, data):
    name = f"week {HOSTILE[0]}\x07.md"
    path = write(
        tmp_path / name,
        (f"# 200712 Digest {HOSTILE[3]}\n\n"
         f"https://arxiv.org/abs/2007.01758 Title [bold]x[/] {HOSTILE[0]} (Ann Lee, Bo Chen)\n"
         f"{' '.join(HOSTILE)}\nhttps://arxiv.org/abs/9999.99999\x1b[31m bad\n").encode(),
    )
    for args in (["parse", path], ["--data-dir", data, "import", path], ["--data-dir", data, "show", "2007.01758"],
                 ["parse", tmp_path / f"missing {HOSTILE[0]}.md"]):
        code, out, err = cli(capsys, *args)
        assert not _UNSAFE.findall(out + err), (args, out + err)
    code, out, err = cli(capsys, "--data-dir", data, "import", tmp_path / f"missing{ESC}[2J.md")
    assert code == 1 and ESC not in err


def test_undecodable_bytes_in_file_names_and_arguments(tmp_path):
    """A file name that is not UTF-8 and a note typed with a stray Latin-1 byte: stored,
    shown with a replacement character, never a crash, even with strict stdout."""
    folder = tmp_path / "in"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.md"))).write_bytes(SECOND.encode())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}

    def reader(*args: str | bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "lib"), *args],
                              capture_output=True, cwd=ROOT, timeout=30, env=env, check=False)

    result = reader("import", str(folder))
    assert result.returncode == 0 and b"caf?.md: imported" in result.stdout, result.stderr
    result = reader("note", "2007.01852", "--set", os.fsdecode(b"caf\xe9 au lait"))
    assert result.returncode == 0, result.stderr
    result = reader("show", "2007.01852")
    assert result.returncode == 0 and "caf\ufffd au lait".encode() in result.stdout, result.stderr
    library = Library(tmp_path / "lib")
    library.load_all()  # every file is still valid UTF-8 JSON
    assert library.digests()[0].label == "caf?"  # an undated digest goes by its file's stem


# --- tags -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, stored",
    [("two words", "two-words"), ("  padded\t tab ", "padded-tab"), ("한국어", "한국어"), ("ünïcödé", "ünïcödé"),
     ("#hash", "hash"), ("emoji🙂", "emoji🙂"), (f"{ESC}[31mred", "[31mred"), ("a\u200bb", "ab")],
)
def test_tags_with_spaces_and_unicode(capsys, data, raw, stored):
    Library(data).import_digests([(ParsedDigest("w.md", None, None, [Entry("2007.01758")]), "s")])
    code, out, err = cli(capsys, "--data-dir", data, "tag", "2007.01758", f"+{raw}")
    assert code == 0 and err == "" and out == f"tagged 1 of 1 paper: +{stored}\n"
    code, out, _ = cli(capsys, "--data-dir", data, "list", "--tag", raw, "--json")
    assert [p["tags"] for p in json.loads(out)] == [[stored]]
    code, out, _ = cli(capsys, "--data-dir", data, "tag", "2007.01758", f"-{raw}")
    assert code == 0 and Library(data).state("2007.01758").tags == ()


@pytest.mark.parametrize("raw", ["", " ", "#", "##", "\t", "\x00", ESC, "\u200b"])
def test_tags_with_nothing_in_them_are_a_one_line_error(capsys, data, raw):
    Library(data).import_digests([(ParsedDigest("w.md", None, None, [Entry("2007.01758")]), "s")])
    before = (data / "state.json").read_bytes() if (data / "state.json").exists() else None
    code, out, err = cli(capsys, "--data-dir", data, "tag", "2007.01758", f"+{raw}")
    assert code == 1 and out == ""
    assert one_line(err).startswith("reader: error: empty tag")
    assert ESC not in err
    code, _, err = cli(capsys, "--data-dir", data, "list", "--tag", raw)
    assert code == 1 and one_line(err).startswith("reader: error: empty tag")
    after = (data / "state.json").read_bytes() if (data / "state.json").exists() else None
    assert after == before


# --- export to a path that cannot be written -------------------------------------------------------


@pytest.mark.parametrize("where", ["missing-dir", "a-directory", "under-a-file", "proc"])
def test_export_to_an_unwritable_path(capsys, tmp_path, data, where):
    Library(data).import_digests([(ParsedDigest("w.md", None, None, [Entry("2007.01758", None, "T")]), "s")])
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "file.md").write_text("x")
    target = {
        "missing-dir": tmp_path / "missing" / "out.md",
        "a-directory": tmp_path / "a-directory",
        "under-a-file": tmp_path / "file.md" / "out.md",
        "proc": Path("/proc/version"),
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli(capsys, "--data-dir", data, "export", "-o", target)
    assert code == 1 and out == ""
    assert one_line(err).startswith(f"reader: error: cannot write {target}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left


# --- ids as paths ---------------------------------------------------------------------------------

EVIL_IDS = [
    "../../etc/passwd", "..", "/etc/passwd", "hep-th/../../etc/passwd", "2007.01758/../../x",
    "hep-th/9901001/../../../x", "2007.01758\x00", "hep-th\\..\\x", "~/x", "2007.01758/", "",
]


@pytest.mark.parametrize("evil", EVIL_IDS)
def test_ids_never_name_a_path_outside_the_cache(tmp_path, evil):
    cache = tmp_path / "cache"
    for make in (pdf_path, text_cache_path):
        with pytest.raises(ValueError):
            make(cache, evil)
    with pytest.raises(ValueError):
        safe_filename(evil)


@pytest.mark.parametrize("good, name", [("hep-th/9901001", "hep-th_9901001"), ("math.AG/0309136", "math.AG_0309136"),
                                        ("2007.01758", "2007.01758"), ("2007.01758v3", "2007.01758")])
def test_old_style_ids_with_a_slash_stay_inside_the_cache(tmp_path, good, name):
    cache = tmp_path / "cache"
    for make, folder, suffix in ((pdf_path, "pdf", ".pdf"), (text_cache_path, "text", ".json")):
        path = make(cache, good)
        assert path == cache / folder / f"{name}{suffix}"
        assert path.resolve().is_relative_to(cache.resolve())


@pytest.mark.parametrize("command", [["show"], ["text"], ["fetch", "--pdf"], ["mark", "--read"], ["note", "--set", "x"]])
def test_cli_refuses_ids_that_are_paths(capsys, data, command):
    evil = "../../etc/passwd"
    code, out, err = cli(capsys, "--data-dir", data, command[0], evil, *command[1:])
    assert code == 1 and out == ""
    assert one_line(err) == f"reader: error: not an arXiv id: {evil!r}"


def test_a_hand_edited_catalog_id_never_becomes_a_path(capsys, tmp_path, data):
    """Even an id that got into the library some other way never reaches the file system."""
    library = Library(data)
    library.import_digests([(ParsedDigest("w.md", dt.date(2020, 7, 12), None, [Entry("2007.01758", None, "T")]), "s")])
    catalog = data / "catalog.json"
    catalog.write_text(catalog.read_text().replace('"2007.01758":{"title"', '"../../x":{"title"'))
    code = run(["--data-dir", str(data), "fetch", "--pdf"])
    _, err = capsys.readouterr()
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.pdf").exists()
    assert not list(tmp_path.rglob("*.pdf"))
    # Refused before any download, in one line.
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
    assert "'../../x': error: not a valid arXiv id; skipped" in err


# --- a library directory that cannot be used -------------------------------------------------------


@pytest.mark.parametrize("where", ["a-file", "under-a-file", "proc"])
def test_a_data_dir_that_cannot_be_used_is_one_line(capsys, tmp_path, where):
    (tmp_path / "a-file").write_text("x")
    data = {"a-file": tmp_path / "a-file", "under-a-file": tmp_path / "a-file" / "lib", "proc": Path("/proc/nope/lib")}[where]
    code, out, err = cli(capsys, "--data-dir", data, "list")
    assert code == 1 and out == ""
    assert one_line(err).startswith(f"reader: error: cannot use {data} as the library directory: ")


def test_a_full_disk_is_one_line_and_changes_nothing(capsys, data, monkeypatch):
    Library(data).import_digests([(ParsedDigest("w.md", None, None, [Entry("2007.01758", None, "T")]), "s")])
    before = {p.name: p.read_bytes() for p in data.glob("*.json")}

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    code, out, err = cli(capsys, "--data-dir", data, "tag", "2007.01758", "+x")
    monkeypatch.undo()
    assert code == 1 and out == ""
    assert re.fullmatch(r"reader: error: cannot write library file .*\.json: No space left on device \(free some space and try again\)\n", err)
    assert {p.name: p.read_bytes() for p in data.glob("*.json")} == before
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]
