"""The app and followed folders: one notice at start when a followed folder has new or
changed digests, and U imports them."""

from __future__ import annotations

from reader.core.followed_folders import import_folder_paths
from reader.tui.app import ReaderApp

from .conftest import ready, settle


def week(day: str, arxiv_id: str, title: str) -> str:
    return f"# {day} Papers of the week\n\nhttps://arxiv.org/abs/{arxiv_id} {title} (Ann Author)\nWorth a read.\n"


async def test_new_digests_in_a_followed_folder_are_noticed_and_u_imports_them(library, tmp_path):
    folder = tmp_path / "sync [bold]digests"  # the user's text: shown as written
    folder.mkdir()
    (folder / "200719.md").write_text(week("200719", "2007.08001", "A Paper of Week 29"), encoding="utf-8")
    import_folder_paths(library, [folder])
    (folder / "200726.md").write_text(week("200726", "2007.13332", "A Paper of Week 30"), encoding="utf-8")
    (folder / "200802.md").write_text(week("200802", "2008.00001", "A Paper of Week 31"), encoding="utf-8")
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        main = app._main()
        for _ in range(200):
            said = [str(n.message) for n in app._notifications]
            if any("press U" in line for line in said):
                break
            await pilot.pause(0.02)
        notices = [line for line in said if "press U" in line]
        assert notices == [f"2 new digests in {folder}: press U to import"]  # one notice, the path as it is
        assert "2007.13332" not in main.snapshot.papers  # nothing imported without asking
        await pilot.press("U")
        for _ in range(200):
            await settle(pilot)
            if "2008.00001" in main.snapshot.papers:
                break
        assert {"2007.13332", "2008.00001"} <= set(main.snapshot.papers)
        said = "\n".join(str(n.message) for n in app._notifications)
        assert f"{folder}: 2 new, 0 changed, 1 unchanged, 0 gone" in said


async def test_no_notice_when_nothing_is_new(library, tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "200719.md").write_text(week("200719", "2007.08001", "A Paper of Week 29"), encoding="utf-8")
    import_folder_paths(library, [folder])
    app = ReaderApp(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await settle(pilot)
        await pilot.pause(0.3)
        assert not [n for n in app._notifications if "Followed" in str(n.title)]
