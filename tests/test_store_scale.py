"""The store at scale (issue 15): what each operation reads and writes, whatever the size.

Each test pins one property the benchmark's figures at 100,000 papers rest on: commands
that change state never read the catalogue; a change of many papers is one write per
file, never one per paper; what a toggle or a note save rewrites stays small; the glance
is written by the commands and never made stale by a toggle or a note; the commentary
stays on disk until shown; big files are read a document at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections import Counter

import pytest

from reader.cli import run
from reader.core import glance
from reader.core.library import Library
from reader.core.models import Entry, ParsedDigest
from reader.core.notes_store import shard_of
from reader.core.snapshot import Snapshot
from reader.core.storage import STREAM_ABOVE, AtomicJSONStorage
from tests.tui.helpers import make_library, sample_digests

NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def fresh(library: Library) -> Library:
    return Library(library.data_dir)


def pid(d: int, n: int) -> str:
    """The id of paper ``n`` of digest ``d`` (valid arXiv ids, unique up to 1,200 digests)."""
    return f"{20 + d // 120:02d}{1 + (d // 10) % 12:02d}.{(d % 10) * 1000 + n:05d}"


PAPER, OTHER = pid(0, 1), pid(1, 1)


def many(papers: int, per: int = 50, commentary: str = "A remark on it.", tags=("review",)) -> list[ParsedDigest]:
    """``papers`` papers in digests of ``per``, authors from a few names, every paper tagged."""
    out = []
    for d in range(papers // per):
        entries = [
            Entry(pid(d, n), title=f"Paper {d}-{n}", authors=list(NAMES[: 1 + n % 3]),
                  commentary=commentary, tags=list(tags))
            for n in range(per)
        ]
        out.append(ParsedDigest(f"/digests/{d:04d}.md", dt.date(2020, 1, 5) + dt.timedelta(weeks=d), f"Week {d}", entries))
    return out


@pytest.fixture
def big(tmp_path) -> Library:
    return make_library(tmp_path / "big", many(2000))


def writes_per_file(monkeypatch) -> dict[str, int]:
    """How many times each library file's content is set (TinyDB's per-document calls set
    it once per document), counted from here on."""
    counts: dict[str, int] = {}
    real = AtomicJSONStorage.write

    def write(self, data):
        counts[self.path.name] = counts.get(self.path.name, 0) + 1
        return real(self, data)

    monkeypatch.setattr(AtomicJSONStorage, "write", write)
    return counts


# --- 1. the command line does not read the catalogue -----------------------------------


def refuse_catalogue(monkeypatch) -> None:
    def refuse(self, *args, **kwargs):
        if self.path.name == "catalog.json":
            raise AssertionError("the catalogue was read")
        return real(self, *args, **kwargs)

    real = AtomicJSONStorage.read
    monkeypatch.setattr(AtomicJSONStorage, "read", refuse)
    real_documents = AtomicJSONStorage.documents

    def refuse_documents(self):
        if self.path.name == "catalog.json":
            raise AssertionError("the catalogue was read")
        return real_documents(self)

    monkeypatch.setattr(AtomicJSONStorage, "documents", refuse_documents)


def test_mark_tag_and_note_check_ids_without_reading_the_catalogue(big, monkeypatch, capsys):
    glance.write(big)  # (as `reader import` and the app leave it)
    before = {p.name: p.stat().st_mtime_ns for p in big.data_dir.glob("*.json")}
    refuse_catalogue(monkeypatch)
    paper = PAPER
    data = str(big.data_dir)
    assert run(["--data-dir", data, "mark", paper, "--read"]) == 0
    assert run(["--data-dir", data, "tag", paper, "+later"]) == 0
    assert run(["--data-dir", data, "note", paper, "--append", "a line"]) == 0
    monkeypatch.undo()
    assert run(["--data-dir", data, "mark", "2012.99999", "--read"]) == 1  # (unknown: the catalogue says so)
    assert "not in the library: 2012.99999" in capsys.readouterr().err
    library = fresh(big)
    assert library.state(paper).read and "later" in library.state(paper).tags and library.note(paper) == "a line"
    changed = {p.name for p in big.data_dir.glob("*.json") if before.get(p.name) != p.stat().st_mtime_ns}
    assert changed <= {"state.json", "history.json", "notes.json", f"{shard_of(paper)}.json"}


def test_without_a_glance_a_command_reads_the_catalogue_once_and_leaves_one(big, capsys):
    (big.data_dir / glance.NAME).unlink(missing_ok=True)
    assert run(["--data-dir", str(big.data_dir), "mark", PAPER, "--read"]) == 0
    assert glance.read(fresh(big)) is not None  # the next command need not read it


def test_a_refused_command_leaves_no_glance_behind(big, capsys):
    (big.data_dir / glance.NAME).unlink(missing_ok=True)
    (big.data_dir / "state.json").write_bytes(b"{ broken")
    assert run(["--data-dir", str(big.data_dir), "mark", PAPER, "--read"]) == 1
    assert not (big.data_dir / glance.NAME).exists()


# --- 2. changes of many papers are linear -----------------------------------------------


def test_a_change_of_many_papers_writes_each_file_once(big, monkeypatch):
    ids = list(big.papers())[:1500]
    counts = writes_per_file(monkeypatch)
    assert len(big.set_read(ids, True)) == 1500
    assert len(big.change_tags(ids, ["a"], ["review"])) == 1500
    assert len(big.set_notes(dict.fromkeys(ids[:600], "a note"))) == 600
    assert big.undo() is not None  # the notes of 600 papers, back
    assert big.undo() is not None  # the tags
    big.store_metadata({i: {"status": "error", "error": "x", "fetched_at": "t"} for i in ids})
    # state: mark, tag, undo; history: 5 steps; notes.json: set, undo; each note file
    # (16) at most twice; arxiv once.
    assert counts["state.json"] == 3 and counts["history.json"] == 5 and counts["arxiv.json"] == 1
    assert counts["notes.json"] == 2
    assert all(n <= 2 for name, n in counts.items() if name.startswith("notes-"))
    library = fresh(big)
    assert all(library.state(i).read and library.state(i).tags == ("review",) for i in ids)
    assert not library.notes()


def test_edits_from_a_note_folder_write_each_file_once(big, monkeypatch):
    from reader.core.records import PaperEdit

    ids = list(big.papers())[:800]
    counts = writes_per_file(monkeypatch)
    done = big.apply_edits({i: PaperEdit(note=f"from the folder {i}", add=("folder",)) for i in ids}, "a folder")
    assert len(done) == 800 and all(saved is not None and saved.step for saved, _ in done.values())
    assert counts["state.json"] == 1 and counts["history.json"] == 1 and counts["notes.json"] == 1
    assert all(n == 1 for name, n in counts.items() if name.startswith("notes-"))
    library = fresh(big)
    assert all(library.note(i) == f"from the folder {i}" and "folder" in library.state(i).tags for i in ids)


def test_an_import_writes_each_file_once(tmp_path, monkeypatch):
    library = Library(tmp_path / "lib")
    counts = writes_per_file(monkeypatch)
    library.import_digests((d, f"sha-{n}") for n, d in enumerate(many(1000)))
    assert counts == {"catalog.json": 1, "commentary.json": 1, "state.json": 1}


# --- 3. what a toggle or a note save rewrites stays small -------------------------------


def test_the_state_file_keeps_sets_of_papers_not_a_document_per_paper(big):
    big.set_read(list(big.papers())[:500], True)
    size = (big.data_dir / "state.json").stat().st_size
    assert size < 2000 * 20  # 2,000 tagged papers, 500 read: ids, not documents


def test_a_big_step_is_kept_compact_in_the_history(big):
    big.set_read(list(big.papers()), True)
    assert (big.data_dir / "history.json").stat().st_size < 2000 * 20
    step = fresh(big).history()[-1]
    assert len(step.papers) == 2000 and step.papers[PAPER]["read"] == [False, True]


def test_a_note_save_rewrites_a_sixteenth_of_the_notes(big):
    ids = list(big.papers())
    big.set_notes(dict.fromkeys(ids[:800], "A note of some length. " * 20))
    total = sum(p.stat().st_size for p in big.data_dir.glob("notes*.json"))
    before = {p.name: p.stat().st_mtime_ns for p in big.data_dir.glob("notes*.json")}
    big.append_note(ids[0], "one more line")
    written = [p for p in big.data_dir.glob("notes*.json") if before.get(p.name) != p.stat().st_mtime_ns]
    assert len(written) == 1 and written[0].stat().st_size < total / 8  # (the index is not rewritten)
    assert (big.data_dir / "notes.json").stat().st_size < 800 * 20  # which papers have a note


def test_a_library_of_the_first_format_is_read_and_moved_on_by_its_first_change(tmp_path):
    library = make_library(tmp_path / "old", sample_digests())
    data = library.data_dir
    meta = {"_meta": {"1": {"format": 1, "kind": "state", "change": 7, "mark": "abc"}}}
    state = {"papers": {
        "2007.00001": {"read": True, "tags": ["b", "a"], "read_at": "2020-07-13T10:00:00+00:00"},
        "2007.00002": {"read": False, "tags": ["a"], "read_at": None},
        "2007.00003": {"read": True, "tags": [], "read_at": None},
    }}
    (data / "state.json").write_text(json.dumps(state | meta), encoding="utf-8")
    notes = {"notes": {"2007.00001": {"text": "first", "updated": "t"}, "2007.01758": {"text": "second", "updated": "t"}}}
    meta["_meta"]["1"]["kind"] = "notes"
    (data / "notes.json").write_text(json.dumps(notes | meta), encoding="utf-8")

    old = fresh(library)
    expected_states = {i: old.state(i) for i in state["papers"]}
    assert expected_states["2007.00001"].tags == ("b", "a") and expected_states["2007.00001"].read_at
    assert old.notes() == {"2007.00001": "first", "2007.01758": "second"}
    old.change_tags(["2007.00002"], ["c"])  # the first change of each file moves it on
    old.set_note("2007.01758", "second, edited")

    new = fresh(library)
    assert {i: new.state(i) for i in state["papers"] if i != "2007.00002"} == {
        i: s for i, s in expected_states.items() if i != "2007.00002"}
    assert new.state("2007.00002").tags == ("a", "c")
    assert new.notes() == {"2007.00001": "first", "2007.01758": "second, edited"}
    stored = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert "papers" not in stored and stored["_meta"]["1"]["format"] == 2
    index = json.loads((data / "notes.json").read_text(encoding="utf-8"))
    assert index["_meta"]["1"]["format"] == 2
    assert sorted(index["index"]["noted"]["papers"].split()) == ["2007.00001", "2007.01758"]
    undone = new.undo()
    assert undone is not None and undone.undone == ("2007.01758",) and fresh(library).note("2007.01758") == "second"


def test_the_app_moves_a_library_of_the_first_format_on_after_its_first_full_read(tmp_path):
    from reader.tui.service import LibraryService

    library = make_library(tmp_path / "old", sample_digests())
    data = library.data_dir
    meta = {"_meta": {"1": {"format": 1, "kind": "state", "change": 3, "mark": "abc"}}}
    state = {"papers": {"2007.00001": {"read": True, "tags": ["x"], "read_at": "2020-07-13T10:00:00+00:00"}}}
    (data / "state.json").write_text(json.dumps(state | meta), encoding="utf-8")
    meta["_meta"]["1"]["kind"] = "notes"
    (data / "notes.json").write_text(json.dumps({"notes": {"2007.00001": {"text": "kept", "updated": "t"}}} | meta),
                                     encoding="utf-8")
    before = fresh(library).state("2007.00001")
    service = LibraryService(fresh(library))
    try:
        service.load().result(timeout=30)
        service.submit(lambda: None).result(timeout=30)  # (after what the load asked for)
    finally:
        service.close()
    for name in ("state.json", "notes.json"):
        assert json.loads((data / name).read_text(encoding="utf-8"))["_meta"]["1"]["format"] == 2, name
    after = fresh(library)
    assert after.state("2007.00001") == before and after.notes() == {"2007.00001": "kept"}
    assert after.upgrade() == []  # (nothing left to move on)


def test_a_reader_that_knows_only_the_first_format_is_told_to_upgrade(tmp_path):
    from reader.core.storage import _problem_with  # (the check every read makes)

    library = make_library(tmp_path / "lib", sample_digests())
    library.set_read(["2007.00001"], True)
    raw = (library.data_dir / "state.json").read_bytes()
    data = json.loads(raw)
    data["_meta"]["1"]["format"] = 3
    problem, _ = _problem_with(json.dumps(data).encode(), "state")
    assert problem and "newer reader (format 3; this one reads up to 2)" in problem


# --- 4. the glance ----------------------------------------------------------------------


def test_import_makes_the_glance_when_there_is_none(tmp_path, capsys):
    week = tmp_path / "week.md"
    week.write_text("# 230108 A week\n\nhttps://arxiv.org/abs/2301.00042 A Paper (Grace Hopper)\nFine.\n", encoding="utf-8")
    data = tmp_path / "lib"
    assert run(["--data-dir", str(data), "import", str(week)]) == 0
    first = glance.read(Library(data))
    assert first is not None and first.title("2301.00042") == "A Paper"
    (data / glance.NAME).unlink()
    assert run(["--data-dir", str(data), "import", str(week)]) == 0  # (nothing new: made all the same)
    assert glance.read(Library(data)) is not None


def test_a_restored_catalogue_comes_with_its_glance(tmp_path, capsys):
    library = make_library(tmp_path / "lib", sample_digests())
    library.backups.interval = 0  # (every write backs up the file it replaces)
    library.queue_papers(["2101.00001"])
    (library.data_dir / "catalog.json").write_bytes(b'{"digests": {')
    assert run(["--data-dir", str(library.data_dir), "doctor", "--restore"]) == 0
    first = glance.read(fresh(library))
    assert first is not None and "2007.00001" in first.papers


def test_a_toggle_a_tag_or_a_note_never_makes_the_glance_stale(tmp_path):
    library = make_library(tmp_path / "lib", sample_digests())
    glance.write(library)
    other = fresh(library)
    other.set_read(["2007.00001"], True)
    other.change_tags(["2007.00003"], ["new"])
    other.set_note("2007.04825", "a note")
    other.undo()
    other.set_note("2007.03898", "another")
    first = glance.read(fresh(library))
    assert first is not None
    assert first.state("2007.00001").read and first.tag_counts["new"] == 1
    assert first.has_note("2007.03898") and not first.has_note("2007.04825")
    assert first.read_count() == 1


def test_the_glance_keeps_each_digests_ids_as_one_string(tmp_path):
    from reader.core.ids import is_valid_id

    library = make_library(tmp_path / "lib", many(3000, per=10))
    glance.write(library)
    ids = 0

    def count(value) -> None:  # JSON strings that are one paper id each
        nonlocal ids
        if isinstance(value, str):
            ids += is_valid_id(value)
        for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            count(item)

    count(json.loads((library.data_dir / glance.NAME).read_text(encoding="utf-8")))
    assert ids <= 3 * 10  # the entries of the newest three digests; the others' ids, one string each
    first = glance.read(fresh(library))
    full = Snapshot.load(fresh(library))
    assert first is not None
    assert first.all_ids() == full.all_ids() and len(first.papers) == len(full.papers) == 3000
    assert [first.progress(d) for d in first.digests] == [full.progress(d) for d in full.digests]


def test_the_first_screen_reads_the_glance_the_state_and_the_note_index_only(big, monkeypatch):
    big.set_notes({PAPER: "a note"})
    glance.write(big)
    read: list[str] = []
    real = AtomicJSONStorage.read
    real_documents = AtomicJSONStorage.documents

    def note_read(self):
        read.append(self.path.name)
        return real(self)

    def note_documents(self):
        read.append(self.path.name)
        return real_documents(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", note_read)
    monkeypatch.setattr(AtomicJSONStorage, "documents", note_documents)
    first = glance.read(fresh(big))
    assert first is not None and first.has_note(PAPER) and first.tag_counts["review"] == 2000
    assert set(read) == {"state.json", "notes.json"}


# --- 5. memory ------------------------------------------------------------------------------


def test_the_commentary_stays_on_disk_until_shown(tmp_path):
    long = "A long remark about the paper, its method and its results. " * 30  # ~1.8 KB
    library = make_library(tmp_path / "lib", many(1000, commentary=long))
    commentary_size = (library.data_dir / "commentary.json").stat().st_size
    tracemalloc.start()
    try:
        snapshot = Snapshot.load(fresh(library))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < commentary_size / 2  # the records of 1,000 papers, not their commentary
    entry = snapshot.appearances[PAPER][0].entry
    assert entry.commentary == long  # read when asked for


def test_repeated_strings_are_stored_once(big):
    snapshot = Snapshot.load(fresh(big))
    a, b = snapshot.papers[pid(0, 2)], snapshot.papers[pid(1, 2)]
    assert a.authors == b.authors and a.authors is b.authors  # one tuple, shared
    digest = snapshot.digest_by_id[snapshot.digests[0].id]
    entry = digest.entries[0]
    assert entry.title is snapshot.papers[entry.arxiv_id].title  # the entry's title is the paper's


# --- 6. big files are read a document at a time ---------------------------------------------


def test_a_big_catalogue_is_never_parsed_in_one_step(tmp_path, monkeypatch):
    library = make_library(tmp_path / "lib", many(4000))
    size = (library.data_dir / "catalog.json").stat().st_size
    assert size > STREAM_ABOVE
    longest = [0]
    real_loads, real_decode = json.loads, json.JSONDecoder.decode

    def loads(s, *args, **kwargs):
        longest[0] = max(longest[0], len(s))
        return real_loads(s, *args, **kwargs)

    def decode(self, s, *args, **kwargs):
        longest[0] = max(longest[0], len(s))
        return real_decode(self, s, *args, **kwargs)

    monkeypatch.setattr(json, "loads", loads)
    monkeypatch.setattr(json.JSONDecoder, "decode", decode)
    library = fresh(library)
    library.load_all()
    snapshot = Snapshot.load(library)
    assert len(snapshot.papers) == 4000
    assert longest[0] < size / 20


# --- the state file's sets, against a plain model ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.core.records import PaperState  # noqa: E402
from reader.core.state_store import StateFile  # noqa: E402

_IDS = [f"2101.{n:05d}" for n in range(12)]
_STATES = st.builds(
    PaperState,
    read=st.booleans(),
    tags=st.lists(st.sampled_from(["a", "b", "c", "long-tag"]), max_size=3, unique=True).map(tuple),
    read_at=st.sampled_from([None, "2021-01-01T10:00:00+00:00", "2021-01-02T10:00:00+00:00"]),
).map(lambda s: PaperState(s.read, s.tags, s.read_at if s.read else None))


@settings(deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(_IDS), _STATES, max_size=12), max_size=6))
def test_the_state_file_answers_as_a_dict_of_states_would(changes):
    model: dict[str, PaperState] = {}
    current = StateFile(None)
    for new in changes:
        current.state(_IDS[0])  # (with its indexes built, and carried to the next)
        current = current.changed(new)
        model.update(new)
        expected = {i: s for i, s in model.items() if s.read or s.tags}
        assert current.states() == expected
        assert {i: current.state(i) for i in _IDS} == {i: model.get(i, PaperState()) for i in _IDS}
        reread = StateFile(json.loads(json.dumps(current.tables())))  # as written and read back
        assert reread.states() == expected and dict(reread) == expected
        assert reread.read_count() == sum(s.read for s in expected.values())
        assert reread.tag_counts() == Counter(t for s in expected.values() for t in s.tags)


# --- reading a file a megabyte at a time, cut anywhere -------------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_DOCS = st.dictionaries(_TEXT, st.dictionaries(_TEXT, st.one_of(_TEXT, st.integers(), st.floats(allow_nan=False),
                                                               st.lists(st.integers(), max_size=3))), max_size=5)


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(["digests", "papers", "_meta"]), _DOCS, min_size=1), st.integers(1, 40),
       st.booleans())
def test_a_file_read_in_pieces_gives_every_document_and_where_it_is(tables, step, spaced):
    import io

    from reader.core import json_stream

    raw = b"".join(json_stream.encode(tables)) if not spaced else json.dumps(tables, indent=1).encode()
    saved = json_stream.STEP
    json_stream.STEP = step  # (a few bytes at a time: every cut, inside a character too)
    try:
        found = list(json_stream.read_documents(io.BytesIO(raw), offsets=True))
    finally:
        json_stream.STEP = saved
    assert [(t, i, d) for t, i, d, _, _ in found] == [(t, i, d) for t, docs in tables.items() for i, d in docs.items()]
    for _, _, doc, start, end in found:
        assert json.loads(raw[start:end]) == doc


@pytest.mark.parametrize("cut", [1, 10, 50, 99])
def test_a_file_cut_short_is_an_error_not_fewer_documents(cut):
    import io

    from reader.core import json_stream

    raw = b"".join(json_stream.encode({"papers": {f"2101.{n:05d}": {"title": "x" * n} for n in range(50)}}))
    with pytest.raises(ValueError):
        list(json_stream.read_documents(io.BytesIO(raw[: len(raw) * cut // 100])))


def test_commentary_read_after_it_changed_is_the_new_one(tmp_path):
    library = make_library(tmp_path / "lib", many(100, commentary="first words"))
    snapshot = Snapshot.load(library)
    assert snapshot.appearances[PAPER][0].entry.commentary == "first words"
    digest = many(100, commentary="second words")[0]
    library.import_digests([(digest, "sha-changed")])  # (the same file, edited)
    again = Snapshot.load(library)
    assert again.appearances[PAPER][0].entry.commentary == "second words"
    assert Snapshot.load(fresh(library)).appearances[PAPER][0].entry.commentary == "second words"


def test_a_backup_of_the_first_format_put_back_over_the_second_loses_no_newer_note(tmp_path):
    library = make_library(tmp_path / "lib", sample_digests())
    data = library.data_dir
    meta = {"_meta": {"1": {"format": 1, "kind": "notes", "change": 3, "mark": "abc"}}}
    old = {"notes": {"2007.00001": {"text": "old", "updated": "t"}, "2007.00002": {"text": "kept", "updated": "t"}}}
    (data / "notes.json").write_text(json.dumps(old | meta), encoding="utf-8")
    backup = (data / "notes.json").read_bytes()  # (a backup taken before the move)
    library.set_note("2007.00001", "newer")  # moved on: texts in their files
    library.set_note("2007.01758", "written after")
    (data / "notes.json").write_bytes(backup)  # (what doctor --restore puts back)
    again = fresh(library)
    assert again.notes() == {"2007.00001": "newer", "2007.00002": "kept", "2007.01758": "written after"}
    again.set_note("2007.00003", "and one more")  # moves notes.json on again
    assert fresh(library).notes() == {"2007.00001": "newer", "2007.00002": "kept", "2007.01758": "written after",
                                      "2007.00003": "and one more"}
    assert set(fresh(library).noted_ids()) == {"2007.00001", "2007.00002", "2007.01758", "2007.00003"}
