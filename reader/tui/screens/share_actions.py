"""The main screen's ways out of the app: ``o`` opens the paper on arXiv, ``O`` its PDF in
the system's viewer, ``y`` copies its URL, BibTeX entry, citation key or id. Where nothing
can open a window (SSH, a console), the URL or path is shown and copied instead (OSC 52,
which most terminals pass to the clipboard, over SSH too)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .. import opener

if TYPE_CHECKING:
    from .main import MainScreen


def _current(screen: MainScreen) -> str | None:
    if screen.paper_id is None:
        screen.notify("No paper selected.", severity="warning")
    return screen.paper_id


def copy_text(screen: MainScreen, text: str, what: str) -> None:
    screen.app.copy_to_clipboard(text)
    screen.notify(f"Copied {what}.", timeout=3)


def open_on_arxiv(screen: MainScreen) -> None:
    """``o``: the paper's arXiv page in the browser; else its URL, shown and copied."""
    arxiv_id = _current(screen)
    if arxiv_id is None:
        return
    # (lazy: reader.core.ids compiles its patterns on import; the first paint needs none)
    from reader.core.ids import abs_url

    url = abs_url(arxiv_id)

    async def run() -> None:
        if await asyncio.to_thread(opener.open_url, url):
            screen.notify(f"Opened {url}", timeout=2)
        else:
            screen.app.copy_to_clipboard(url)
            screen.notify(f"No browser can open from this terminal. Copied the URL:\n{url}", timeout=8)

    screen.run_worker(run(), group="open", exit_on_error=False)


def open_pdf(screen: MainScreen) -> None:
    """``O``: the downloaded PDF in the system's viewer; else its path, shown and copied."""
    arxiv_id = _current(screen)
    if arxiv_id is None:
        return
    try:
        exists = screen.arxiv.pdf_exists(arxiv_id)
        from reader.core.pdf_paths import pdf_path  # (lazy: see open_on_arxiv)

        path = pdf_path(screen.arxiv.cache(), arxiv_id)
    except ValueError:
        screen.notify(f"{arxiv_id} is not an arXiv id: it has no PDF.", severity="error")
        return
    if not exists:
        screen.notify(f"No PDF of {arxiv_id} yet: d downloads it.", severity="warning")
        return

    async def run() -> None:
        if await asyncio.to_thread(opener.open_file, path):
            screen.notify(f"Opening {path.name} in the PDF viewer…", timeout=3)
        else:
            screen.app.copy_to_clipboard(str(path))
            screen.notify(f"No PDF viewer can open from this terminal. Copied the path:\n{path}", timeout=8)

    screen.run_worker(run(), group="open", exit_on_error=False)


def copy_menu(screen: MainScreen) -> None:
    """``y``: copy the URL, BibTeX entry, citation key or id of the current paper (or of
    every selected paper, one per line)."""
    ids = screen.targets()
    if not ids:
        screen.notify("No paper selected.", severity="warning")
        return
    from reader.core.bibtex import bibtex_entry, bibtex_key, export_bibtex  # (lazy: ~4 ms, not loaded before the first paint)
    from reader.core.ids import abs_url  # (lazy: see open_on_arxiv)

    from .prompts import CopyPrompt  # opened on y, not at startup

    snap = screen.snapshot
    texts = {
        "url": "\n".join(abs_url(i) for i in ids),
        "bibtex": bibtex_entry(snap, ids[0]) if len(ids) == 1 else export_bibtex(snap, ids),
        "key": "\n".join(bibtex_key(snap, i) for i in ids),
        "id": "\n".join(ids),
    }
    names = {"url": "the URL", "bibtex": "the BibTeX entry", "key": "the citation key", "id": "the arXiv id"}
    what = ids[0] if len(ids) == 1 else f"{len(ids)} papers"

    def chosen(choice: str | None) -> None:
        if choice in texts:
            plural = "" if len(ids) == 1 else f" of {len(ids)} papers"
            copy_text(screen, texts[choice], names[choice] + plural + (f" of {ids[0]}" if len(ids) == 1 else ""))

    screen.app.push_screen(CopyPrompt(what, texts), chosen)
