"""The ``/`` filter field of the main screen (made on first use)."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

FILTER_PLACEHOLDER = 'filter: words  "a phrase"  tag:x  is:unread  author:y  date:>=2020-07  OR  -x  ( )   ? for more'


class FilterInput(Input):
    """Enter goes back to the list, escape clears the field first; both call ``done``.

    ``done`` applies the filter at once, before the next key: a key typed ahead (``/nvae``,
    enter, space) acts on the filtered list, not on the list the ``Changed`` messages still
    on their way would leave behind.

    ``changed`` is called with each new value as it is set (a key typed, the field cleared),
    before the key's handler returns: the screen filters the list then, and the next frame
    paints the field and the list together. (Through the ``Changed`` message, the field
    was painted alone first and the list a frame later, ~17 ms after.)
    """

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("enter", "done", "Back to the list", show=False),
    ]

    def __init__(
        self,
        done: Callable[[], None],
        changed: Callable[[str], None] | None = None,
        *,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._done = done
        self._changed = changed

    def watch_value(self, value: str) -> None:
        if self._changed is not None:
            self._changed(value)

    def action_clear(self) -> None:
        self.value = ""
        self.action_done()

    def action_done(self) -> None:
        self._done()
