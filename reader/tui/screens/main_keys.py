"""The main screen's keys: its bindings, and the longer descriptions ``?`` and the command
palette show."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("space", "toggle_read", "Read"),
    Binding("t", "add_tag", "Tag"),
    Binding("minus", "remove_tag", "Untag", show=False),
    Binding("n", "edit_note", "Note"),
    Binding("slash", "filter", "Filter"),
    Binding("u", "undo", "Undo"),
    Binding("s", "search", "Search", show=False),
    Binding("A", "mark_all_read", "Mark all read", show=False),
    Binding("T", "triage", "Triage", show=False),
    Binding("S", "stats", "Reading stats", show=False),
    Binding("f", "fetch", "Fetch arXiv"),
    Binding("d", "download", "PDF"),
    Binding("question_mark", "help", "Keys"),
    Binding("left_square_bracket", "prev_week", "Previous week", show=False),
    Binding("right_square_bracket", "next_week", "Next week", show=False),
    Binding("v", "select", "Select / unselect paper", show=False),
    Binding("shift+down", "extend(1)", "Extend selection down", show=False),
    Binding("shift+up", "extend(-1)", "Extend selection up", show=False),
    Binding("o", "open", "Open on arXiv", show=False),
    Binding("O", "open_pdf", "Open the PDF in the viewer", show=False),
    Binding("y", "copy", "Copy URL, BibTeX, key", show=False),
    Binding("e", "export", "Export notes of this view", show=False),
    Binding("i", "import", "Import a digest", show=False),
    Binding("U", "update_folders", "Import new digests from followed folders", show=False),
    Binding("tab", "cycle(1)", "Next pane", show=False),
    Binding("shift+tab", "cycle(-1)", "Previous pane", show=False),
    Binding("w", "toggle_sidebar", "Show / hide weeks", show=False),
    Binding("c", "show_tab('commentary')", "Commentary tab", show=False),
    Binding("a", "show_tab('abstract')", "Abstract tab", show=False),
    Binding("p", "show_tab('paper')", "Paper tab", show=False),
    Binding("escape", "back", "Back to the list / clear", show=False),
    *[
        Binding(str(n), f"toggle_top_tag({n})", f"Toggle most used tag {n}", show=False)
        for n in range(1, 10)
    ],
]
# The footer's keys, most important first: at 80 columns the last ones make room (the
# command palette's key and ? stay at any width).
FOOTER_PRIORITY = ("help", "toggle_read", "filter", "add_tag", "edit_note", "quit", "undo", "fetch", "download")

# Longer descriptions for ? and the command palette (the footer shows the short ones).
DESCRIPTIONS = {
    "fetch": "Fetch arXiv metadata for the papers of this view",
    "download": "Download the PDF and show its text (Paper tab)",
    "search": "Search the library: titles, authors, notes, commentary, paper text",
    "mark_all_read": "Mark every paper of this view read (one undo step)",
    "triage": "Quick triage: the unread papers of this view, one at a time (? there lists its keys)",
    "open": "Open the paper on arXiv (where no browser can: show and copy its URL)",
    "open_pdf": "Open the downloaded PDF in the system's viewer (else show and copy its path)",
    "copy": "Copy the paper's URL, BibTeX entry, citation key or id (of every selected paper)",
    "stats": "Reading stats: papers read per week, tags, backlog by age",
}

