"""Reading stats (command palette: "Reading stats"): papers read per week, tags by count,
and the backlog of unread papers by age. Escape closes it.

The numbers are plain functions of the snapshot (tested on their own); the screen only
draws them: a Sparkline for the weeks, bars of ``━`` for the rest (literal Rich Text).
"""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from reader.core.snapshot import Snapshot
from reader.core.text import one_line

from .dialog import Dialog

WEEKS = 26
BAR_WIDTH = 30
TAG_LIMIT = 15
BUCKETS = (
    ("this week", 7),
    ("last month", 31),
    ("last 3 months", 92),
    ("last year", 366),
    ("older", None),
)


def _day(stamp: str | None) -> dt.date | None:
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(stamp[:10])
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date()


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def reads_per_week(snap: Snapshot, today: dt.date, weeks: int = WEEKS) -> tuple[dt.date, list[int]]:
    """Papers read in each of the last ``weeks`` weeks (oldest first, this week last), by
    ``read_at``; and the Monday of the first week."""
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    counts = [0] * weeks
    for state in snap.states.values():
        if not state.read:
            continue
        day = _day(state.read_at)
        if day is None or day < first:
            continue
        index = (day - first).days // 7
        if 0 <= index < weeks:
            counts[index] += 1
    return first, counts


def tags_by_count(snap: Snapshot, limit: int = TAG_LIMIT) -> list[tuple[str, int]]:
    counts = snap.tag_counts
    ranked = sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def paper_day(snap: Snapshot, arxiv_id: str) -> dt.date | None:
    """When a paper joined the list: its first digest's date, else when it was added."""
    dates = [a.digest.date for a in snap.appearances.get(arxiv_id, ()) if a.digest.date]
    if dates:
        return min(dates)
    paper = snap.papers.get(arxiv_id)
    return _day(paper.added) if paper else None


def backlog(snap: Snapshot, today: dt.date) -> list[tuple[str, int]]:
    """Unread papers by age (days since their digest): ``(bucket, count)``, newest first;
    an ``undated`` bucket comes last when some papers have no date at all."""
    counts = {label: 0 for label, _ in BUCKETS}
    undated = 0
    for arxiv_id in snap.all_ids():
        if snap.state(arxiv_id).read:
            continue
        day = paper_day(snap, arxiv_id)
        if day is None:
            undated += 1
            continue
        age = (today - day).days
        for label, days in BUCKETS:
            if days is None or age < days:
                counts[label] += 1
                break
    rows = list(counts.items())
    if undated:
        rows.append(("undated", undated))
    return rows


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    filled = round(width * count / most) if most else 0
    return "━" * max(filled, 1 if count else 0)


def bar_table(rows: list[tuple[str, int]], label_style: str = "") -> Table:
    """``label  ━━━━━━ count`` for each row (literal text)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, max_width=28)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    most = max((count for _, count in rows), default=0)
    for label, count in rows:
        table.add_row(
            Text(label, style=label_style, overflow="ellipsis", no_wrap=True),
            Text(bar(count, most), style="green" if count else "dim"),
            Text(str(count), style="bold" if count else "dim"),
        )
    return table


def axis_line(first: dt.date, counts: list[int], today: dt.date) -> Table:
    """Under the chart: the first week's date at the left, today's at the right, the
    totals between."""
    total = sum(counts)
    best = max(counts, default=0)
    middle = f"{total} read in {len(counts)} weeks · best week {best} · this week {counts[-1] if counts else 0}"
    table = Table.grid(expand=True, padding=(0, 2))
    table.add_column(justify="left", no_wrap=True)
    table.add_column(justify="center", no_wrap=True, ratio=1, overflow="ellipsis")
    table.add_column(justify="right", no_wrap=True)
    table.add_row(
        Text(f"└ {first.isoformat()}", "dim"),
        Text(middle, "bold", overflow="ellipsis", no_wrap=True),
        Text(f"{today.isoformat()} ┘", "dim"),
    )
    return table


class StatsScreen(Dialog[None]):
    DEFAULT_CSS = """
    #stats-box {
        width: 90;
        max-width: 96%;
        height: auto;
        max-height: 90%;
        padding: 0 2;
    }

    .stats-heading {
        text-style: bold underline;
        padding: 1 0 0 0;
    }

    #stats-weeks {
        height: 4;
        margin: 1 0 0 0;
    }

    #stats-weeks > .sparkline--max-color {
        color: $success;
    }

    #stats-weeks > .sparkline--min-color {
        color: $success 30%;
    }

    #stats-axis {
        color: $foreground-muted;
    }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, snapshot: Snapshot, today: dt.date | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        snap, today = self.snapshot, self.today
        first, counts = reads_per_week(snap, today)
        tags = tags_by_count(snap)
        ages = backlog(snap, today)
        with VerticalScroll(id="stats-box", classes="dialog") as box:
            box.border_title = "Reading stats"
            box.border_subtitle = "escape closes"
            yield Static(Text(f"Papers read per week (last {WEEKS} weeks)"), classes="stats-heading")
            yield Sparkline(counts, summary_function=max, id="stats-weeks")
            yield Static(axis_line(first, counts, today), id="stats-axis")
            yield Static(Text("Tags by count"), classes="stats-heading")
            if tags:
                yield Static(bar_table([("#" + one_line(t), n) for t, n in tags], "magenta"), id="stats-tags")
            else:
                yield Static(Text("No tags yet: t tags a paper.", style="dim italic"), id="stats-tags")
            unread = sum(n for _, n in ages)
            yield Static(Text(f"Backlog: {unread} unread papers by age"), classes="stats-heading")
            yield Static(bar_table(ages), id="stats-backlog")

    def action_scroll_down(self) -> None:
        self.query_one("#stats-box").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#stats-box").scroll_up()
