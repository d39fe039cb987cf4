"""Who cites whom, for the Commentary pane: "Cites" (the library's papers this paper's
text cites, and how many other arXiv papers) and "Cited by, in your library".

:class:`Citations` is the value the main screen binds into the detail pane: the index
(``reader.core.citations``, built off the UI thread from the cached texts), the snapshot
it was built for, and a version that grows when an extraction adds to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace
from rich.text import Text

from reader.core.text import one_line

if TYPE_CHECKING:
    from reader.core.citations import Cites, CitesIndex
    from reader.core.snapshot import Snapshot


class Citations(Struct, frozen=True):
    index: CitesIndex | None = None
    digests: Any = None  # the snapshot's digests and papers the index was built for
    papers: Any = None
    version: int = 0

    @classmethod
    def none(cls) -> Citations:
        return cls()

    @property
    def known(self) -> bool:
        return self.index is not None

    def follows(self, snapshot: Snapshot) -> bool:
        """Was it built for this snapshot's papers?"""
        return self.index is not None and self.digests is snapshot.digests and self.papers is snapshot.papers

    def adding(self, arxiv_id: str, ids: Iterable[str]) -> Citations:
        """After an extraction: what its text cites (the index grows in place; a new value
        so that the panes bound to it repaint)."""
        if self.index is None:
            return self
        self.index.add(arxiv_id, ids)
        return replace(self, version=self.version + 1)

    def cites(self, arxiv_id: str) -> Cites | None:
        return self.index.cites(arxiv_id) if self.index is not None else None

    def cited_by(self, arxiv_id: str) -> list[str]:
        return self.index.cited_by(arxiv_id) if self.index is not None else []


def paper_line(snap: Snapshot, arxiv_id: str) -> Text:
    """``● 2007.03898  NVAE: A Deep Hierarchical…`` (literal text)."""
    line = Text()
    line.append("● ", style="bold")
    line.append(arxiv_id, style="bold")
    title = snap.title(arxiv_id)
    if title:
        line.append("  " + one_line(title))
    return line


def cites_summary(cites: Cites | None, known: bool) -> Text | None:
    """The line under "Cites": the count of other papers (None: nothing to add)."""
    if not known:
        return None
    if cites is None:
        return None  # its text is not read yet (every paper without a PDF: nothing to say)
    others = cites.others
    if not cites.in_library and not others:
        return Text("No arXiv paper named in its text.", style="dim italic")
    if not others:
        return None
    what = "other arXiv paper" if others == 1 else "other arXiv papers"
    lead = "and " if cites.in_library else ""
    return Text(f"{lead}{others} {what}, not in your library", style="dim italic")
