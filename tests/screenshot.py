"""Save the README's screenshot: the app on the demo digest at 120x40, as SVG.

    .venv/bin/python tests/screenshot.py        # writes assets/screenshot.svg
"""

from __future__ import annotations

import asyncio
import html
import os
import re
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
            path = ROOT / "assets" / "screenshot.svg"
            app.save_screenshot(str(path))
            path.write_text(keep_leading_spaces(path.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote assets/screenshot.svg")


_TEXT = re.compile(r'(<text [^>]*?x=")([\d.]+)("[^>]*?textLength=")([\d.]+)("[^>]*>)((?:&#160;)+)([^<]*)(</text>)')


def keep_leading_spaces(svg: str) -> str:
    """Each run of text in the SVG is placed at its own x, but SVG renderers (browsers,
    librsvg) drop the spaces it starts with, so ``2020-W28`` and ``  Papers that…`` drawn
    apart showed as ``2020-W28Papers that…``: start such a run after its spaces instead."""
    from rich.cells import cell_len

    def moved(m: re.Match[str]) -> str:
        spaces = m.group(6).count("&#160;")
        rest = html.unescape(m.group(7))
        cells = spaces + cell_len(rest)
        if not rest.strip():
            return m.group(0)
        width = float(m.group(4)) / cells
        x = float(m.group(2)) + spaces * width
        length = float(m.group(4)) - spaces * width
        return f"{m.group(1)}{x:g}{m.group(3)}{length:g}{m.group(5)}{m.group(7)}{m.group(8)}"

    return _TEXT.sub(moved, svg)


if __name__ == "__main__":
    asyncio.run(main())
