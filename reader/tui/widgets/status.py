"""The status line under the panes: what the arXiv and PDF jobs are doing, bound to the
main screen's ``jobs`` (hidden while nothing runs)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from reader.core.present import count_papers, describe_progress, progress_bar

from ..jobs import JobsState


def status_text(jobs: JobsState) -> Text:
    """One line: the fetch with its bar, each download, the extraction's page."""
    parts: list[Text] = []
    fetch = jobs.fetch
    if fetch is not None:
        percent = fetch.done * 100 // fetch.total if fetch.total else 0
        text = Text(f"arXiv: {fetch.verb.lower()} {count_papers(fetch.count)}… {percent}% ", style="bold")
        filled, empty = progress_bar(fetch.done, fetch.total)
        text.append(filled, "green")
        text.append(empty, "dim")
        parts.append(text)
    for arxiv_id, (done, total) in jobs.downloads.items():
        parts.append(Text(f"PDF {arxiv_id}: {describe_progress(done, total)}"))
    extraction = jobs.text
    if extraction is not None and extraction.stage == "extracting" and len(extraction.pages) < extraction.total:
        parts.append(Text(f"text of {extraction.arxiv_id}: page {len(extraction.pages)} of {extraction.total}"))
    return Text("  ·  ").join(parts) if parts else Text("")


class StatusLine(Static):
    jobs: var[JobsState] = var(JobsState)

    def on_mount(self) -> None:
        self.watch_jobs(self.jobs)

    def watch_jobs(self, jobs: JobsState) -> None:
        text = status_text(jobs)
        self.display = bool(text.plain)
        self.update(text)
