"""``?``: every key, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.line_list import LineList
from ..widgets.papers import MISMATCH_MARK, NOTE_MARK, PDF_MARK, READ_MARK, SELECT_MARK, UNREAD_MARK
from .dialog import Dialog

SECTIONS = [
    ("Moving around", ["cursor_down", "cursor_up", "first", "last", "page_down", "page_up",
                       "prev_week", "next_week", "cycle(1)", "cycle(-1)", "choose", "back",
                       "toggle_sidebar", "show_tab('commentary')", "show_tab('abstract')",
                       "show_tab('paper')"]),
    ("Reading", ["toggle_read", "add_tag", "remove_tag", "toggle_top_tag", "edit_note",
                 "select", "extend(1)", "extend(-1)", "mark_all_read", "triage", "undo"]),
    ("Finding", ["filter", "search", "command_palette"]),
    ("arXiv", ["fetch", "download", "open", "open_pdf", "copy"]),
    ("In the Paper tab", ["find", "find_next", "find_previous", "close_find"]),
    ("Commentary tab", []),
    ("Library", ["export", "import", "update_folders", "stats"]),
    ("App", ["help", "quit"]),
]

EXTRA = [  # (keys as the bindings display them, so these replace their rows)
    ("Finding", "^p", "Command palette: every action, jump to a paper by title, change the theme"),
    ("In the Paper tab", "esc", "Close the find bar; again: clear the highlights"),
    ("Commentary tab", "enter", "Go to its links: the papers the commentary references, the "
     "library's papers this paper's text cites and those citing it, and where it is mentioned "
     "(backlinks). Enter on a link opens that paper, or the digest at the entry that mentions it; "
     "a paper not in your library is offered for your reading queue"),
    ("Commentary tab", "j k", "Move through the links (up past the first: back to the text)"),
    ("Commentary tab", "esc", "Back to the list"),
]

LEGEND = [  # every glyph the lists show
    (UNREAD_MARK, "unread"),
    (READ_MARK, "read"),
    (NOTE_MARK, "has a note (n)"),
    (PDF_MARK, "PDF downloaded (d)"),
    (MISMATCH_MARK, "the digest's title differs from arXiv's"),
    (SELECT_MARK, "selected (v, shift+↓)"),
    ("dim title", "guessed from a link's text or a file name: f fetches arXiv's title"),
    ("━━━━━━ 3/7", "a week's read progress (sidebar)"),
    ("1–9 #tag", "the most used tags, toggled by their number key"),
    ("● ○ (links)", "a paper in your library; not in it (enter offers to queue it)"),
]

QUERY_HELP = [  # the query language of / and s, in short (the README has it all)
    ("lora", "words match where a word starts; case, accents and punctuation don't matter"),
    ('"a phrase"', "words in this order"),
    ("title: author:", "one field: also tag: note: commentary: abstract: text: (paper text)"),
    ("digest: week:", "digest:2020-07-12 (a date, name or id)  week:2020-W28"),
    ("date: year: cat:", "date:>=2020-07  date:2020-07..2020-09  year:2020  cat:cs.LG"),
    ("is:", "read unread noted fetched downloaded mentioned mismatched"),
    ("cites: cited-by:", "cites:2007.03898 papers citing it  cited-by:2007.03898 those it cites"),
    ("a b  a OR b", "both; either (OR first: a b OR c is a (b OR c))"),
    ("-a  NOT a  ( )", "without a; group with parentheses"),
]


def collect(screen: Screen) -> dict[str, list[tuple[str, str]]]:
    """Every binding of the main screen, its lists and the app, grouped by section. A
    screen of its own keys (triage) says so with ``HELP_SECTIONS``: its keys and the app's."""
    app = screen.app
    own = getattr(screen, "HELP_SECTIONS", None)
    sections = own or SECTIONS
    rows: dict[str, dict[str, str]] = {name: {} for name, _ in sections}
    rows.setdefault("App", {})
    where = {action: name for name, actions in sections for action in actions}
    from ..widgets.paper_text import PaperPane  # (lazy: only when it is used)

    longer = {**PaperPane.DESCRIPTIONS, **getattr(screen, "DESCRIPTIONS", {})}
    bindings: list[Binding] = []
    sources = (screen.BINDINGS, app.BINDINGS) if own else (LineList.BINDINGS, screen.BINDINGS, PaperPane.BINDINGS, app.BINDINGS)
    for source in sources:
        bindings += [b for b in source if isinstance(b, Binding)]
    merged: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not binding.description:
            continue
        action = "toggle_top_tag" if binding.action.startswith("toggle_top_tag") else binding.action
        keys = [app.get_key_display(Binding(k, "")) for k in binding.key.split(",")]
        description = "Toggle the nine most used tags" if action == "toggle_top_tag" else binding.description
        description = longer.get(action, description)
        previous = merged.get(action)
        merged[action] = ((previous[0] if previous else []) + keys, description)
    for action, (keys, description) in merged.items():
        section = where.get(action, "App")
        if action == "toggle_top_tag":
            keys = ["1–9"]
        rows[section][" ".join(dict.fromkeys(keys))] = description
    for section, key, description in () if own else EXTRA:
        rows[section][key] = description
    return {name: list(items.items()) for name, items in rows.items() if items}


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    #help-box {
        width: 84;
        max-width: 95%;
        height: 90%;
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, main: Screen) -> None:
        super().__init__()
        self._main = main

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", style="bold", no_wrap=True)
        table.add_column()
        for section, items in collect(self._main).items():
            table.add_row(Text(section, style="bold underline"), "")
            for key, description in items:
                table.add_row(Text(key), Text(description))
            table.add_row("", "")
        if getattr(self._main, "HELP_SECTIONS", None):
            return table  # (a screen of its own keys: no lists, no queries)
        table.add_row(Text("Legend", style="bold underline"), "")
        for glyph, meaning in LEGEND:
            table.add_row(Text(glyph, style="dim italic" if glyph == "dim title" else ""), Text(meaning))
        table.add_row("", "")
        table.add_row(Text("Queries (/ and s)", style="bold underline"), "")
        for example, meaning in QUERY_HELP:
            table.add_row(Text(example), Text(meaning))
        return table

    def action_scroll_down(self) -> None:
        self.query_one("#help-box").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-box").scroll_up()
