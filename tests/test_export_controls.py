"""Exports never write terminal escape sequences or other control characters (issue 11,
finding 10): ``reader export -o FILE``, ``--bibtex`` and ``--split`` alike, whatever the
titles, authors, notes, commentary, tags, digest headings and arXiv metadata hold."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reader.cli import run
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest

ESC = "\x1b"
HOSTILE = [
    f"{ESC}[31mred{ESC}[0m",  # colour (CSI)
    f"{ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\",  # a hyperlink (OSC 8)
    f"{ESC}]0;new window title\x07",  # window title (OSC, BEL-terminated)
    f"{ESC}[2J{ESC}[H",  # clear screen, cursor home
    "\x9b31mc1\x9b0m",  # a C1 CSI
    "bell\x07 back\x08space nul\x00 del\x7f vt\x0b ff\x0c cr\r",
]
SHOUT = " ".join(HOSTILE)
# Anything but tab and newline from C0, DEL, and C1.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ONE = "2007.03898"
TWO = "2007.01758"


@pytest.fixture
def hostile_library(tmp_path) -> Library:
    library = Library(tmp_path / "data")
    digest = ParsedDigest(
        f"/digests/week {ESC}[31m1.md",
        dt.date(2020, 7, 12),
        f"Week {SHOUT}",
        [
            Entry(ONE, 1, f"NVAE {SHOUT}", [f"Arash {ESC}[1mVahdat", "Jan\x07 Kautz"], f"Commentary {SHOUT}\nsecond line",
                  [], ["vae"]),
            Entry(TWO, 1, "Plain title", ["Ann Lee"], "", [], []),
        ],
    )
    undated = ParsedDigest(
        f"/digests/{ESC}[31mundated\x07.md", None, None, [Entry(TWO, 1, "Plain title", ["Ann Lee"], "Seen.", [], [])]
    )
    library.import_digests([(digest, "sha-1"), (undated, "sha-2")])
    library.change_tags([ONE], add=["gan"])
    library.set_note(ONE, f"My note {SHOUT}\n# heading {ESC}[5m\nlast line")
    library.store_metadata(
        {
            ONE: {
                "status": "ok",
                "fetched_at": "2024-01-01T00:00:00Z",
                "error": None,
                "metadata": {
                    "arxiv_id": ONE, "version": 3, "title": f"NVAE arXiv {SHOUT}", "authors": [f"Arash {ESC}[1mVahdat"],
                    "abstract": f"Abstract {SHOUT}", "categories": ["stat.ML"],
                    "primary_category": f"stat.ML{ESC}[31m", "published": f"{ESC}[0m2020-07-08T00:00:00Z",
                    "updated": "2020-07-08T00:00:00Z", "doi": f"10.1000/x{ESC}[31my", "journal_ref": f"J {SHOUT}",
                    "comment": f"Comment {SHOUT}", "pdf_url": "https://arxiv.org/pdf/2007.03898v3",
                },
            }
        }
    )
    # a tag stored by hand or by an older reader, before tags were cleaned on the way in
    state = library.data_dir / "state.json"
    state.write_text(state.read_text(encoding="utf-8").replace('"gan"', '"g\\u001b[31man"'), encoding="utf-8")
    return library


def controls_in(text: str) -> list[str]:
    return sorted({repr(m.group()) for m in CONTROL.finditer(text)})


def test_markdown_export_to_a_file_has_no_control_characters(hostile_library, tmp_path, capsys):
    out = tmp_path / "export.md"
    assert run(["--data-dir", str(hostile_library.data_dir), "export", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert controls_in(text) == []
    assert "NVAE" in text and "red" in text and "Commentary" in text and "My note" in text and "last line" in text


def test_markdown_export_to_a_pipe_has_no_control_characters(hostile_library, capsys):
    capsys.readouterr()
    assert run(["--data-dir", str(hostile_library.data_dir), "export"]) == 0
    out, _ = capsys.readouterr()
    assert controls_in(out) == [] and "My note" in out


def test_bibtex_export_has_no_control_characters(hostile_library, tmp_path):
    out = tmp_path / "export.bib"
    assert run(["--data-dir", str(hostile_library.data_dir), "export", "--bibtex", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert controls_in(text) == []
    assert "primaryClass" in text and "10.1000/x" in text


def test_split_export_has_no_control_characters(hostile_library, tmp_path):
    directory = tmp_path / "notes"
    assert run(["--data-dir", str(hostile_library.data_dir), "export", "--split", str(directory)]) == 0
    files = sorted(directory.iterdir())
    assert len(files) == 2
    for path in files:
        assert controls_in(path.name) == []
        assert controls_in(path.read_text(encoding="utf-8")) == [], path.name
