"""Bringing arXiv metadata into the library, shared by ``reader fetch`` and the app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .library import Library, now_iso

if TYPE_CHECKING:
    from .arxiv_api import ArxivFetcher


class FetchSummary(Struct):
    """What one fetch did, by outcome."""

    ok: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # id -> reason
    unreachable: str | None = None  # arXiv could not be reached at all: the reason

    def describe(self) -> str:
        total = len(self.ok) + len(self.not_found) + len(self.errors)
        if self.unreachable and not self.ok:
            return f"arXiv unreachable: {self.unreachable}; working offline"
        parts = [f"{len(self.ok)} ok"]
        if self.not_found:
            shown = ", ".join(self.not_found[:5]) + ("…" if len(self.not_found) > 5 else "")
            parts.append(f"{len(self.not_found)} not found on arXiv ({shown})")
        if self.errors:
            parts.append(f"{len(self.errors)} failed")
        return f"fetched {total} paper{'s' * (total != 1)}: " + ", ".join(parts)


def worth_fetching(record: dict[str, Any] | None) -> bool:
    """Is a paper with this metadata record worth asking arXiv about? None yet, or its
    last fetch failed for a reason that may pass (the network)."""
    return record is None or (record.get("status") == "error" and bool(record.get("transient")))


def ids_to_fetch(library: Library, ids: Iterable[str] | None = None) -> list[str]:
    """The ids to ask arXiv about: those given, else every paper with no metadata yet.

    Papers arXiv said it doesn't know, or rejected as malformed, are not asked again
    unless named.
    """
    if ids is not None:
        return list(dict.fromkeys(ids))
    records = library.metadata()
    return [arxiv_id for arxiv_id in library.papers() if worth_fetching(records.get(arxiv_id))]


def fetch_metadata(
    library: Library,
    ids: Iterable[str] | None = None,
    *,
    fetcher: ArxivFetcher | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FetchSummary:
    """Fetch metadata for ``ids`` (or every paper lacking it) and store what came back."""
    from .arxiv_api import ArxivFetcher  # (lazy: ~45 ms, not loaded before the first paint)

    wanted = ids_to_fetch(library, ids)
    summary = FetchSummary()
    if not wanted:
        return summary
    own = fetcher is None
    fetcher = fetcher or ArxivFetcher()
    try:
        outcomes = fetcher.fetch(wanted, progress=progress)
    finally:
        if own:
            fetcher.close()
    records = {}
    stamp = now_iso()
    for outcome in outcomes:
        record: dict[str, Any] = {"status": outcome.status, "fetched_at": stamp, "error": outcome.error}
        if outcome.status == "ok" and outcome.metadata is not None:
            record["metadata"] = outcome.metadata.to_json()
            summary.ok.append(outcome.arxiv_id)
        elif outcome.status == "not_found":
            summary.not_found.append(outcome.arxiv_id)
        else:
            summary.errors[outcome.arxiv_id] = outcome.error or "unknown error"
            record["transient"] = outcome.transient
            if outcome.transient:
                summary.unreachable = outcome.error
                previous = library.metadata_for(outcome.arxiv_id)
                if previous and previous.get("status") == "ok":
                    continue  # offline: keep what we had
        records[outcome.arxiv_id] = record
    library.store_metadata(records)
    return summary
