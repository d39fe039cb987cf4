"""The query index saved beside the library (core/saved_index.py): the same answers as a
fresh build; stale, damaged, cut short, newer and missing files ignored and rebuilt; a note
or a tag never makes it stale; the command line and the app use it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import saved_index
from reader.core.engine import Engine
from reader.core.library import DigestRecord, Library, PaperRecord, PaperState
from reader.core.models import Entry, ParsedDigest
from reader.core.search_index import FIELDS, INDEXED, TextIndex, prepare_text
from reader.core.snapshot import Snapshot

VERSIONS = {"catalog": (3, "c0ffee"), "commentary": (2, "beef01"), "arxiv": None, "state": (7, "aa"), "notes": (9, "bb")}


# --------------------------------------------------------------------------- small libraries

WORDS = ["deep", "learning", "diffusion", "diff", "Schölkopf", "인코더와", "학습", "学习", "naïve", "GANs", "gan",
         "ﬁne-tuning", "x", "e\u0301t\u00e9", "Perron-Frobenius", "3.14", "tag_like"]
text_of = st.lists(st.sampled_from(WORDS), max_size=7).map(lambda ws: " ".join(ws))
ITEMS = st.lists(text_of, max_size=3)


@st.composite
def libraries(draw) -> Snapshot:
    """1-12 papers in 0-3 digests (a paper may be in two, or in none), arXiv records with
    abstracts on some, notes and tags on some."""
    count = draw(st.integers(1, 12))
    ids = [f"2001.{n:05d}" for n in range(1, count + 1)]
    papers, digests = {}, []
    for d in range(draw(st.integers(0, 3))):
        listed = draw(st.lists(st.sampled_from(ids), unique=True, max_size=count))
        entries = tuple(Entry(i, title=draw(text_of), authors=draw(ITEMS), commentary=draw(text_of)) for i in listed)
        digests.append(DigestRecord(f"d{d}", dt.date(2020, 1, 5) + dt.timedelta(weeks=d), None, f"/d/{d}.md", "sha", "",
                                    entries))
    for i in ids:
        papers[i] = PaperRecord(i, draw(text_of) or None, tuple(draw(ITEMS)), "2020-01-01T00:00:00+00:00")
    metadata = {i: {"status": "ok", "metadata": {"title": draw(text_of), "abstract": draw(text_of), "authors": []}}
                for i in draw(st.lists(st.sampled_from(ids), unique=True))}
    notes = {i: draw(text_of) for i in draw(st.lists(st.sampled_from(ids), unique=True))}
    states = {i: PaperState(draw(st.booleans()), tuple(draw(st.lists(st.sampled_from(["gan", "Ｖae", "to-read", "학습"]),
                                                                             unique=True, max_size=2))))
              for i in draw(st.lists(st.sampled_from(ids), unique=True))}
    return Snapshot(tuple(reversed(digests)), papers, states, notes, metadata, versions=VERSIONS)


def queries() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS).flatmap(lambda w: st.integers(1, max(1, len(w))).map(lambda n: w[:n]))
    phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')
    field = st.sampled_from(["", "title:", "author:", "tag:", "note:", "commentary:", "abstract:", "-"])
    term = st.tuples(field, st.one_of(word, phrase)).map("".join)
    return st.lists(term, min_size=1, max_size=3).map(" ".join) | st.tuples(term, term).map(" OR ".join)


def saved_and_loaded(snapshot: Snapshot, folder: Path, texts=None) -> tuple[TextIndex, TextIndex]:
    built = TextIndex.build(snapshot, texts)
    key = saved_index.key_of(snapshot)
    assert key is not None
    assert saved_index.save(folder, built, key)
    loaded = saved_index.load(folder, snapshot, texts)
    assert loaded is not None
    return built, loaded


def same_answers(snapshot: Snapshot, built: TextIndex, loaded: TextIndex, query: str) -> None:
    ids = snapshot.all_ids()
    one, two = Engine(built), Engine(loaded)
    assert one.filter(snapshot, ids, query) == two.filter(snapshot, ids, query), query
    hits = [(h.arxiv_id, [(m.field, m.snippet, m.start, m.end) for m in h.matches]) for h in one.search(snapshot, query)]
    assert hits == [(h.arxiv_id, [(m.field, m.snippet, m.start, m.end) for m in h.matches])
                    for h in two.search(snapshot, query)], query


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(libraries(), st.lists(queries(), min_size=1, max_size=6))
def test_a_saved_index_answers_as_a_fresh_build(tmp_path, snapshot, asked):
    built, loaded = saved_and_loaded(snapshot, tmp_path)
    assert loaded.ids == built.ids
    for arxiv_id in snapshot.all_ids():
        for field in FIELDS:
            assert loaded.normalised(field, arxiv_id) == built.normalised(field, arxiv_id)
    for query in asked:
        same_answers(snapshot, built, loaded, query)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(libraries(), st.data())
def test_notes_and_tags_changed_after_the_save_answer_as_a_fresh_build(tmp_path, snapshot, data):
    """A note or tag edit (a new notes.json / state.json write) leaves the saved index
    fresh: loaded for the edited snapshot, it answers as a build of it."""
    built, _ = saved_and_loaded(snapshot, tmp_path)
    ids = snapshot.all_ids()
    notes = {**snapshot.notes, data.draw(st.sampled_from(ids)): data.draw(text_of)}
    states = {**snapshot.states, data.draw(st.sampled_from(ids)): PaperState(tags=("quokka", "deep"))}
    edited = snapshot.with_changes(notes=notes, states=states)
    assert saved_index.key_of(edited) == saved_index.key_of(snapshot)
    loaded = saved_index.load(tmp_path, edited)
    assert loaded is not None
    fresh = TextIndex.build(edited)
    for query in [*data.draw(st.lists(queries(), min_size=1, max_size=4)), "quokka", "tag:quokka", "note:deep"]:
        same_answers(edited, fresh, loaded, query)
        # and the index built before the edit, following it as the app's does
        assert Engine(built).filter(edited, ids, query) == Engine(fresh).filter(edited, ids, query)


def test_paper_texts_join_a_loaded_index(tmp_path):
    snap = big_enough()
    texts = {"2001.00002": prepare_text("A platypus in the paper text only.")}
    built, loaded = saved_and_loaded(snap, tmp_path, texts)
    assert Engine(loaded).filter(snap, snap.all_ids(), "platypus") == ["2001.00002"]
    same_answers(snap, built, loaded, "platypus")


# --------------------------------------------------------------------------- what is not used

def big_enough(count: int = 50) -> Snapshot:
    entries = tuple(Entry(f"2001.{n:05d}", title=f"Paper {n} on deep learning", authors=[f"Author {n}"],
                          commentary=f"Commentary {n}: 인코더와 학습") for n in range(1, count + 1))
    digest = DigestRecord("d", dt.date(2020, 1, 5), "", "/d.md", "sha", "", entries)
    metadata = {e.arxiv_id: {"status": "ok", "metadata": {"abstract": f"Abstract {e.arxiv_id}"}} for e in entries[::3]}
    return Snapshot((digest,), {}, {"2001.00001": PaperState(tags=("gan",))}, {"2001.00002": "a note"}, metadata,
                    versions=VERSIONS)


@pytest.fixture
def saved(tmp_path) -> tuple[Path, Snapshot]:
    snap = big_enough()
    saved_and_loaded(snap, tmp_path)
    return tmp_path / saved_index.NAME, snap


def rebuilt_and_saved_again(path: Path, snap: Snapshot) -> None:
    """Not used: load_or_build builds, and the file it leaves is used next time."""
    assert saved_index.load(path.parent, snap) is None
    index, loaded = saved_index.load_or_build(path.parent, snap)
    assert not loaded and Engine(index).filter(snap, snap.all_ids(), "paper 7") == ["2001.00007"]
    again = saved_index.load(path.parent, snap)
    assert again is not None and Engine(again).filter(snap, snap.all_ids(), "paper 7") == ["2001.00007"]


@pytest.mark.parametrize("changed", ["catalog", "commentary", "arxiv"])
def test_a_change_to_a_file_it_was_made_from_makes_it_stale(saved, changed):
    path, snap = saved
    versions = dict(snap.versions)
    versions[changed] = (5, "f00d")
    rebuilt_and_saved_again(path, dataclasses.replace(snap, versions=versions))


def test_a_note_or_tag_file_change_does_not(saved):
    path, snap = saved
    versions = {**snap.versions, "notes": (10, "cc"), "state": (8, "dd")}
    assert saved_index.load(path.parent, dataclasses.replace(snap, versions=versions)) is not None


def test_a_normaliser_that_splits_words_differently_does_not_use_it(saved, monkeypatch):
    path, snap = saved
    monkeypatch.setattr(saved_index, "PROBE", saved_index.PROBE + " changed")
    rebuilt_and_saved_again(path, snap)


@pytest.mark.parametrize("versions", [
    {},  # a snapshot not read from files
    {"catalog": (0, ""), "commentary": (2, "b"), "arxiv": None},  # a file an older reader wrote: no _meta
    {"catalog": (3, "c"), "arxiv": None},  # read without its commentary
])
def test_a_catalogue_of_unknown_writes_is_never_saved_nor_loaded(tmp_path, versions):
    snap = dataclasses.replace(big_enough(), versions=versions)
    assert saved_index.key_of(snap) is None
    index, loaded = saved_index.load_or_build(tmp_path, snap)
    assert not loaded and len(index) == 50
    assert not (tmp_path / saved_index.NAME).exists()


def test_a_partial_snapshot_is_never_keyed():
    from reader.core.snapshot import Read

    assert saved_index.key_of(dataclasses.replace(big_enough(), read=Read.LISTS)) is None


def test_a_missing_file_is_built_and_saved(tmp_path):
    snap = big_enough()
    rebuilt_and_saved_again(tmp_path / saved_index.NAME, snap)


def _header(raw: bytes) -> tuple[dict, int]:
    length, _ = struct.unpack_from("<QI", raw, len(saved_index.MAGIC))
    start = len(saved_index.MAGIC) + 12
    return json.loads(raw[start : start + length]), start + length


def _with_header(raw: bytes, header: dict) -> bytes:
    _, end = _header(raw)
    body = json.dumps(header, separators=(",", ":")).encode()
    head = saved_index.MAGIC + struct.pack("<QI", len(body), zlib.crc32(body)) + body
    head += b"\0" * (-len(head) % 64)
    return head + raw[end + (-end % 64) :]


@pytest.mark.parametrize("damage", [
    "empty", "magic", "header byte", "header length", "payload byte", "last byte", "appended", "header json",
    "newer format", "older format", "array out of bounds", "array dtype", "fields",
])
def test_a_damaged_file_is_ignored_and_rebuilt(saved, damage):
    path, snap = saved
    raw = path.read_bytes()
    header, end = _header(raw)

    def flip(data: bytes, at: int) -> bytes:
        return data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]

    if damage == "empty":
        raw = b""
    elif damage == "magic":
        raw = b"X" + raw[1:]
    elif damage == "header byte":
        raw = flip(raw, end - 5)
    elif damage == "header length":
        raw = raw[:16] + struct.pack("<Q", 2**40) + raw[24:]
    elif damage == "payload byte":
        raw = flip(raw, len(raw) // 2 + 1)
    elif damage == "last byte":
        raw = flip(raw, len(raw) - 1)
    elif damage == "appended":
        raw += b"\0" * 64
    elif damage == "header json":
        body = b"{not json"
        raw = saved_index.MAGIC + struct.pack("<QI", len(body), zlib.crc32(body)) + body
    elif damage == "newer format":
        raw = _with_header(raw, {**header, "format": saved_index.FORMAT + 1})
    elif damage == "older format":
        raw = _with_header(raw, {**header, "format": saved_index.FORMAT - 1})
    elif damage == "array out of bounds":
        dtype, offset, count = header["arrays"]["title.docs"]
        raw = _with_header(raw, {**header, "arrays": {**header["arrays"], "title.docs": [dtype, offset, count * 1000]}})
    elif damage == "array dtype":
        dtype, offset, count = header["arrays"]["title.docs"]
        raw = _with_header(raw, {**header, "arrays": {**header["arrays"], "title.docs": ["|O", offset, count]}})
    elif damage == "fields":
        raw = _with_header(raw, {**header, "fields": ["title"]})
    path.write_bytes(raw)
    rebuilt_and_saved_again(path, snap)


@pytest.mark.parametrize("keep", [0, 10, 20, 100, 400, 0.5, 0.99])
def test_a_file_cut_short_is_ignored_and_rebuilt(saved, keep):
    path, snap = saved
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep) if isinstance(keep, float) else keep])
    rebuilt_and_saved_again(path, snap)


def test_another_librarys_index_is_not_used(tmp_path):
    one, two = big_enough(), dataclasses.replace(big_enough(40), versions={**VERSIONS, "catalog": (4, "other")})
    saved_and_loaded(one, tmp_path)
    assert saved_index.load(tmp_path, two) is None


def test_a_key_that_lies_about_the_ids_is_not_believed(saved):
    """Same key, other papers (a slip in keying): the saved ids are checked all the same."""
    path, _ = saved
    other = big_enough(49)
    assert saved_index.key_of(other) == saved_index.key_of(big_enough())
    assert saved_index.load(path.parent, other) is None


def test_a_write_that_fails_says_nothing_and_leaves_nothing(tmp_path):
    snap = big_enough()
    index = TextIndex.build(snap)
    key = saved_index.key_of(snap)
    assert key is not None
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert saved_index.save(not_a_folder, index, key) is False
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / saved_index.NAME).mkdir()  # the name taken by a folder: the rename fails
    assert saved_index.save(folder, index, key) is False
    assert sorted(p.name for p in folder.iterdir()) == [saved_index.NAME]  # no temporary file left
    index, loaded = saved_index.load_or_build(not_a_folder, snap)
    assert not loaded and len(index) == 50


# --------------------------------------------------------------------------- a real library

def week(day: dt.date, *entries: Entry) -> ParsedDigest:
    return ParsedDigest(source=f"/digests/{day}.md", date=day, title="Papers", entries=list(entries))


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(tmp_path / "lib")
    library.import_digests([(week(dt.date(2020, 7, 5),
                                  Entry("2007.00001", title="Attention is all you need", authors=["Ada Lovelace"],
                                        commentary="A quokka of a baseline."),
                                  Entry("2007.00002", title="Diffusion models", authors=["Alan Turing"],
                                        commentary="인코더와 학습")), "sha-1")])
    return library


def test_snapshot_versions_follow_the_files_a_part_is_read_from(library):
    snap = Snapshot.load(library)
    key = saved_index.key_of(snap)
    assert key is not None and key["catalog"][0] >= 1 and key["arxiv"] is None
    noted = snap.with_changes(notes={"2007.00001": "x"}, states={})
    assert saved_index.key_of(noted) == key  # the reader's own files are no part of it
    fetched = snap.with_changes(metadata={})
    assert saved_index.key_of(fetched) is None  # a part replaced in memory: its file's write unknown
    assert saved_index.key_of(snap.with_changes(digests=())) is None
    joined = noted.with_digests_from(snap)
    assert saved_index.key_of(joined) == key


def on_disk(folder: Path, name: str) -> list | None:
    """The write of ``folder/name.json`` as its ``_meta`` says (read here, not by the library)."""
    from reader.core.storage import file_version

    path = folder / f"{name}.json"
    if not path.exists():
        return None
    version = file_version(json.loads(path.read_text(encoding="utf-8")))
    return list(version) if version is not None else None


def test_the_key_is_the_writes_on_disk_after_another_process_changes_them(library):
    """The store reads the catalogue into records it keeps, and the commentary apart
    (core/catalog.py): the key still names the writes the snapshot's parts came from."""
    folder = library.data_dir
    app = Library(folder)
    assert saved_index.load_or_build(folder, Snapshot.load(app))[1] is False
    other = Library(folder)  # another process: a changed digest, arXiv records
    other.import_digests([(week(dt.date(2020, 7, 5), Entry("2007.00001", title="Attention is all you need",
                                                           commentary="A narwhal now.")), "sha-2")])
    other.store_metadata({"2007.00002": {"status": "ok", "metadata": {"abstract": "An okapi."}}})
    snap = Snapshot.load(app)
    key = saved_index.key_of(snap)
    assert key is not None
    assert {name: key[name] for name in saved_index.SOURCES} == {name: on_disk(folder, name)
                                                                 for name in saved_index.SOURCES}
    assert saved_index.load(folder, snap) is None
    index, loaded = saved_index.load_or_build(folder, snap)
    assert not loaded and Engine(index).filter(snap, snap.all_ids(), "narwhal") == ["2007.00001"]
    assert Engine(index).filter(snap, snap.all_ids(), "okapi") == ["2007.00002"]


def test_a_transaction_given_up_leaves_the_catalogues_write_known(library):
    """A change that failed (nothing written) makes the store forget the catalogue file's
    version, while the records it keeps are still that file's: the key must not then say
    there is no catalogue."""
    folder = library.data_dir
    snap = Snapshot.load(library)
    key = saved_index.key_of(snap)
    with pytest.raises(RuntimeError), library.transaction("catalog", "commentary", "arxiv"):
        library.storage("catalog").read()
        raise RuntimeError("given up")
    again = Snapshot.load(library)
    assert saved_index.key_of(again) == key
    assert key is not None and key["catalog"] == on_disk(folder, "catalog")


def test_library_changes_to_notes_and_tags_keep_it_and_an_import_or_fetch_does_not(library):
    folder = library.data_dir
    snap = Snapshot.load(library)
    assert not saved_index.load_or_build(folder, snap)[1]
    assert (folder / saved_index.NAME).exists()
    library.set_note("2007.00002", "a platypus")
    library.change_tags(["2007.00001"], add=["wombat"])
    snap = Snapshot.load(library)
    index = saved_index.load(folder, snap)
    assert index is not None  # the note and the tag did not make it stale
    engine = Engine(index)
    assert engine.filter(snap, snap.all_ids(), "platypus") == ["2007.00002"]
    assert engine.filter(snap, snap.all_ids(), "wombat") == ["2007.00001"]
    library.store_metadata({"2007.00002": {"status": "ok", "metadata": {"abstract": "A narwhal."}}})
    snap = Snapshot.load(library)
    assert saved_index.load(folder, snap) is None  # arxiv.json moved on
    index, loaded = saved_index.load_or_build(folder, snap)
    assert not loaded and Engine(index).filter(snap, snap.all_ids(), "narwhal") == ["2007.00002"]
    library.import_digests([(week(dt.date(2020, 7, 12), Entry("2007.00003", title="Okapi")), "sha-2")])
    snap = Snapshot.load(library)
    assert saved_index.load(folder, snap) is None  # catalog.json moved on
    assert Engine(saved_index.load_or_build(folder, snap)[0]).filter(snap, snap.all_ids(), "okapi") == ["2007.00003"]
    assert saved_index.load(folder, Snapshot.load(library)) is not None


def test_a_copy_of_the_library_keeps_it(library, tmp_path):
    import shutil

    saved_index.load_or_build(library.data_dir, Snapshot.load(library))
    copy = tmp_path / "copy"
    shutil.copytree(library.data_dir, copy)
    assert saved_index.load(copy, Snapshot.load(Library(copy))) is not None


def test_indexed_fields_are_the_catalogue_and_the_readers_own():
    from reader.core.search_index import CATALOG, EDITED

    assert set(CATALOG) | set(EDITED) == set(INDEXED) and not set(CATALOG) & set(EDITED)


# --------------------------------------------------------------------------- the command line

def cli(capsys, *args: str) -> str:
    from reader.cli import run

    code = run(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_search_and_list_save_the_index_and_use_it_while_fresh(capsys, isolated_dirs, monkeypatch):
    from reader.core import search_index

    digest = isolated_dirs["exports"].parent / "200705 week.md"
    digest.write_text("# 200705 Papers\n\nhttps://arxiv.org/abs/2007.00001 Attention is all you need (Ada Lovelace)\n"
                      "A quokka of a baseline.\nhttps://arxiv.org/abs/2007.00002 Diffusion models (Alan Turing)\n"
                      "인코더와 학습\n", encoding="utf-8")
    cli(capsys, "import", str(digest))
    path = isolated_dirs["data"] / saved_index.NAME
    cli(capsys, "list", "tag:none")  # no words: no index made
    assert not path.exists()
    assert "2007.00001" in cli(capsys, "search", "quokka")
    assert path.exists()
    made = path.stat().st_ino  # (each write is a new file, renamed over the old)

    def no_build(*args, **kwargs):
        raise AssertionError("the catalogue was indexed again")

    cli(capsys, "note", "2007.00002", "--append", "a platypus")
    cli(capsys, "tag", "2007.00001", "+wombat")
    with monkeypatch.context() as patched:
        patched.setattr(search_index, "catalog_words", no_build)
        listed = cli(capsys, "list", "platypus")
        assert "2007.00002" in listed and "2007.00001" not in listed
        assert "2007.00001" in cli(capsys, "search", "wombat")
        assert "2007.00002" in cli(capsys, "search", "인코더")
    assert path.stat().st_ino == made  # used, not written again
    later = digest.with_name("200712 week.md")
    later.write_text("# 200712 Papers\n\nhttps://arxiv.org/abs/2007.00003 Okapi (Grace Hopper)\nAn okapi.\n",
                     encoding="utf-8")
    cli(capsys, "import", str(later))  # catalog.json moves on: the saved index is stale
    assert "2007.00003" in cli(capsys, "search", "okapi")
    assert path.stat().st_ino != made  # built and saved again
