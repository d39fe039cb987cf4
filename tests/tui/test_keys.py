"""Every key of the main screen, driven through Textual's pilot."""

from __future__ import annotations

from reader.core.library import Library
from reader.core.views import ALL, ViewKind
from reader.tui import opener
from reader.tui.app import ReaderApp
from reader.tui.textual_compat import input_suggestion
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.papers import PapersList
from reader.tui.widgets.weeks import WeeksSidebar

from .conftest import ready, settle, type_text

SIZE = (120, 40)
WEEK2 = ["2007.01758", "2007.03898", "2007.00003", "2007.04825"]


def fresh(library: Library) -> Library:
    """Another Library on the same folder: what is really on disk."""
    return Library(library.data_dir)


async def test_starts_on_newest_week(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.screen
        assert main.view.kind is ViewKind.DIGEST
        assert main.visible_ids == WEEK2
        assert main.paper_id == "2007.01758"
        assert isinstance(app.focused, PapersList)


async def test_j_k_and_arrows_move(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j")
        assert app.screen.paper_id == WEEK2[1]
        await pilot.press("down", "down")
        assert app.screen.paper_id == WEEK2[3]
        await pilot.press("down")  # stays on the last row
        assert app.screen.paper_id == WEEK2[3]
        await pilot.press("k", "up")
        assert app.screen.paper_id == WEEK2[1]
        await pilot.press("G")
        assert app.screen.paper_id == WEEK2[3]
        await pilot.press("g")
        assert app.screen.paper_id == WEEK2[0]


async def test_brackets_change_week(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("left_square_bracket")
        assert app.screen.visible_ids == ["2007.00001", "2007.00002", "2007.00003"]
        assert app.screen.query_one(WeeksSidebar).cursor_key == app.screen.view.token
        await pilot.press("right_square_bracket")
        assert app.screen.visible_ids == WEEK2


async def test_tab_cycles_panes(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        assert app.focused in app.screen.query_one(DetailPane).query("*")
        await pilot.press("tab")
        assert isinstance(app.focused, WeeksSidebar)
        await pilot.press("tab")
        assert isinstance(app.focused, PapersList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, WeeksSidebar)
        # moving in the sidebar changes the view
        await pilot.press("g")  # the first view: All papers
        assert app.screen.view == ALL
        assert len(app.screen.visible_ids) == 6
        await pilot.press("enter")
        assert isinstance(app.focused, PapersList)


async def test_space_toggles_read_and_persists(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("space")
        assert app.screen.snapshot.state("2007.01758").read  # shown at once
        await settle(pilot)
        assert fresh(library).state("2007.01758").read
        await pilot.press("space")
        await settle(pilot)
        assert not fresh(library).state("2007.01758").read
        assert not app.screen.snapshot.state("2007.01758").read


async def test_t_adds_tag_with_completion(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "t")
        await pilot.press("a", "t")  # existing tag "attention" is suggested
        field = app.screen.query_one("#tag-input")
        for _ in range(100):  # the suggester runs in its own task
            if input_suggestion(field):
                break
            await pilot.pause(0.02)
        await pilot.press("tab")  # accept the suggestion
        await pilot.press("enter")
        await settle(pilot)
        assert "attention" in fresh(library).state("2007.00003").tags
        assert "attention" in app.screen.snapshot.state("2007.00003").tags


async def test_t_new_tag_is_normalised_and_escape_cancels(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await type_text(pilot, "#to-read, #later")  # several tags: spaces or commas between them
        await pilot.press("enter")
        await settle(pilot)
        assert {"to-read", "later"} <= set(fresh(library).state("2007.01758").tags)
        await pilot.press("t", "x", "escape")
        await settle(pilot)
        assert "x" not in fresh(library).state("2007.01758").tags


async def test_T_removes_a_tag(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "minus")  # NVAE has tags vae, gan
        await pilot.press("enter")  # the first: vae
        await settle(pilot)
        assert fresh(library).state("2007.03898").tags == ("gan",)


async def test_number_keys_toggle_top_tags(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        top = app.screen.snapshot.top_tags(9)
        assert top[0] == "gan"
        await pilot.press("j", "j", "1")  # diffusion paper: add gan
        await settle(pilot)
        assert "gan" in fresh(library).state("2007.00003").tags
        await pilot.press("1")  # and remove it again
        await settle(pilot)
        assert "gan" not in fresh(library).state("2007.00003").tags
        await pilot.press("9")  # no ninth tag: a notification, nothing breaks
        await settle(pilot)


async def test_n_edits_note_and_escape_returns(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        assert app.focused.id == "note-editor"
        await type_text(pilot, "good paper")
        await pilot.pause(0.7)  # the debounce
        await settle(pilot)
        assert fresh(library).note("2007.01758") == "good paper"
        await pilot.press("escape")
        assert isinstance(app.focused, PapersList)
        assert app.screen.snapshot.note("2007.01758") == "good paper"


async def test_note_then_immediate_quit_is_saved(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await type_text(pilot, "last words")
        await pilot.press("escape", "q")
    assert fresh(library).note("2007.01758") == "last words"


async def test_note_typed_and_quit_without_leaving_editor(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await type_text(pilot, "typing")
        await app.action_quit()
    assert fresh(library).note("2007.01758") == "typing"


async def test_note_follows_paper(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await type_text(pilot, "first")
        await pilot.press("escape", "j", "n")
        await type_text(pilot, "second")
        await pilot.press("escape")
        await settle(pilot)
        disk = fresh(library)
        assert disk.note("2007.01758") == "first"
        assert disk.note("2007.03898") == "second"
        await pilot.press("k")
        await pilot.pause(0.15)  # the detail follows the cursor once it rests
        assert app.screen.query_one("#note-editor").text == "first"
        await pilot.press("j", "n")  # n shows the current paper's note at once
        assert app.screen.query_one("#note-editor").text == "second"


async def test_slash_filters(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "nvae")
        assert app.screen.visible_ids == ["2007.03898"]
        await pilot.press("enter")
        assert isinstance(app.focused, PapersList)
        assert app.screen.paper_id == "2007.03898"
        await pilot.press("slash", "escape")
        assert app.screen.visible_ids == WEEK2
        await pilot.press("slash")
        await type_text(pilot, "tag:gan is:unread")
        await pilot.press("enter")
        assert app.screen.visible_ids == ["2007.01758", "2007.03898"]
        await pilot.press("escape")  # clears the filter
        assert app.screen.visible_ids == WEEK2


async def test_o_opens_the_paper(library, monkeypatch):
    app = ReaderApp(library)
    opened = []
    monkeypatch.setattr(opener, "open_url", lambda url: opened.append(url) or True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert opened == ["https://arxiv.org/abs/2007.01758"]


async def test_u_undoes_last_change(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("space", "j", "space")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot, rounds=3)
        disk = fresh(library)
        assert disk.state("2007.01758").read and not disk.state("2007.03898").read
        assert not app.screen.snapshot.state("2007.03898").read
        await pilot.press("u", "u")  # the second undo has nothing left
        await settle(pilot, rounds=3)
        assert not fresh(library).state("2007.01758").read


async def test_bulk_selection_one_undo_step(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("v", "j", "v", "j", "v")
        assert app.screen.selection == frozenset(WEEK2[:3])
        await pilot.press("space")
        await settle(pilot)
        assert all(fresh(library).state(i).read for i in WEEK2[:3])
        await pilot.press("t")
        await type_text(pilot, "batch")
        await pilot.press("enter")
        await settle(pilot)
        assert all("batch" in fresh(library).state(i).tags for i in WEEK2[:3])
        await pilot.press("minus", "enter")  # the first of their tags is gan (or batch)
        await settle(pilot)
        await pilot.press("u")  # undo the removal: one step for all three
        await settle(pilot, rounds=3)
        assert all("batch" in fresh(library).state(i).tags for i in WEEK2[:3])
        await pilot.press("u")  # undo the tagging
        await settle(pilot, rounds=3)
        assert not any("batch" in fresh(library).state(i).tags for i in WEEK2)
        await pilot.press("escape")
        assert not app.screen.selection


async def test_shift_arrows_extend_selection(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("shift+down", "shift+down")
        assert app.screen.selection == frozenset(WEEK2[:3])
        assert app.screen.paper_id == WEEK2[2]
        await pilot.press("2")  # a top tag on all three
        await settle(pilot)
        tag = app.screen.snapshot.top_tags(9)
        assert all(app.screen.snapshot.state(i).tags for i in WEEK2[:3]), tag


async def test_question_mark_lists_every_key(library):
    from reader.tui.screens.help import HelpScreen, collect

    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = collect(app.screen._main)
        described = {d for items in sections.values() for _, d in items}
        keys = {k for items in sections.values() for k, _ in items}
        for expected in ("Read", "Tag", "Untag", "Note", "Filter", "Undo", "Quit", "Previous week",
                         "Next week", "Open the paper on arXiv (where no browser can: show and copy its URL)",
                         "Export notes of this view", "Import a digest"):
            assert expected in described
        assert "1–9" in keys and "f" in keys and "d" in keys
        paper_tab = dict(sections["In the Paper tab"])
        assert "/ ^f" in paper_tab and "n" in paper_tab and "N" in paper_tab
        assert "match count" in paper_tab["/ ^f"]
        assert "Fetch arXiv metadata for the papers of this view" in described
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(library):
    app = ReaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running
