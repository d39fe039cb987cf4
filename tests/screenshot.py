"""Save the README's screenshot: the app on the demo digest at 120x40, as SVG.

    .venv/bin/python tests/screenshot.py        # writes assets/screenshot.svg
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["READER_CACHE_DIR"] = str(Path(tmp) / "cache")
        from reader.core.importer import import_paths
        from reader.core.library import Library
        from reader.core.locations import demo_digest
        from reader.tui.app import ReaderApp
        from tests.tui.conftest import ready

        library = Library(Path(tmp) / "data")
        import_paths(library, [demo_digest()])
        library.set_read(["2007.01758", "2007.01852", "2007.01476"], True)
        library.change_tags(["2007.03898", "2007.01758"], ["generative"])
        library.change_tags(["2007.04825", "2007.03356"], ["attention"])
        library.set_note("2007.03898", "Try the residual cells on our VAE baseline.")
        app = ReaderApp(library)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j")
            await pilot.pause(1.0)
            app.save_screenshot(str(ROOT / "assets" / "screenshot.svg"))
    print("wrote assets/screenshot.svg")


if __name__ == "__main__":
    asyncio.run(main())
