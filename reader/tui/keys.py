"""Keys are handled one after another: each goes where the focus is once the key before
it has been handled.

Textual forwards a key to the focused widget as soon as it reaches the app, and runs the
key's binding when the key has bubbled back up. Keys that arrive together (typed ahead
while the app was busy, or in one read) were therefore all forwarded before the first
one's binding ran: after ``n`` (which focuses the note editor) the letters typed next
went to the list as commands (``e`` exported, ``o`` opened a browser), and after escape
in the note the keys typed next still went into the note.

Here the app hands a key on only when the one before it is done. A :class:`KeyDone`
message follows each key up the path it bubbles along; when it reaches the app, the key's
binding has run (or a widget on the way used the key). It goes round once more, behind
the messages the key's action posted on that path (an Input's ``Submitted``, a list's
``Chosen``), so their handlers have run too; then the next key is forwarded to whatever
has the focus now. A screen just pushed (a prompt) gets its keys once it is mounted and
has focused its field. Should a key's path vanish meanwhile (a prompt closed under it),
the next key goes on at once, or after ``KEY_PATIENCE`` seconds, as Textual alone would.
"""

from __future__ import annotations

import time
from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, ScreenStackError
from textual.message import Message

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

ROUNDS = 2  # the key, then the messages its action posted
KEY_PATIENCE = 0.1  # seconds between looks at a key not done yet (is its widget still there?)
KEY_GIVE_UP = 10.0  # seconds: a key not done by then (a very slow action) lets the next go on
SCREEN_WAIT = 0.01  # seconds between looks at a screen still being mounted
SCREEN_PATIENCE = 2.0  # the longest keys wait for a new screen


class KeyDone(Message):
    """Follows key number ``number`` up the widgets; at the app, that key is handled
    (after ``rounds`` more trips up, the messages it caused are handled too)."""

    def __init__(self, number: int, rounds: int = 0) -> None:
        super().__init__()
        self.number = number
        self.rounds = rounds


class KeysInOrderApp(App):
    """An app whose input events (keys, pastes) are forwarded one at a time."""

    def __init__(self) -> None:
        super().__init__()
        self._keys_waiting: deque[events.Event] = deque()
        self._key_count = 0
        self._key_in_flight = 0  # the number of the key on its way; 0: none
        self._key_target: MessagePump | None = None
        self._key_sent = 0.0
        self._key_watch: Timer | None = None  # runs while a key is on its way
        self._screen_wait_since: float | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._keys_waiting.append(event)
            await self._forward_keys()
            return
        await super().on_event(event)

    async def _forward_keys(self) -> None:
        """Forward waiting keys, one at a time (each waits for the one before it)."""
        while self._keys_waiting and not self._key_in_flight:
            try:
                screen = self.screen
            except ScreenStackError:  # closing: no screen takes keys any more
                self._keys_waiting.clear()
                return
            if not (screen.is_mounted and self.ready_for_keys()) and not self._waited_too_long():
                self.set_timer(SCREEN_WAIT, partial(self.post_message, KeyDone(0)))
                return
            self._screen_wait_since = None
            event = self._keys_waiting.popleft()
            await super().on_event(event)  # a priority binding, or forwarded to the focus
            if not event.is_forwarded:
                continue  # used here (a priority binding)
            target = self.focused or self.screen  # where Textual sent it
            self._key_count += 1
            number = self._key_count
            if target.post_message(KeyDone(number, ROUNDS - 1)):
                self._key_in_flight = number
                self._key_target = target
                self._key_sent = time.monotonic()
                if self._key_watch is None:
                    self._key_watch = self.set_interval(KEY_PATIENCE, self._key_late)
                else:
                    self._key_watch.resume()

    @property
    def keys_pending(self) -> bool:
        """Keys typed and not handled yet: waiting their turn, or one on its way."""
        return bool(self._keys_waiting) or bool(self._key_in_flight)

    def ready_for_keys(self) -> bool:
        """Whether the app shows what keys act on (an app whose first screen fills in a
        moment after it mounts holds the keys typed ahead until then)."""
        return True

    def _waited_too_long(self) -> bool:
        now = time.monotonic()
        if self._screen_wait_since is None:
            self._screen_wait_since = now
        return now - self._screen_wait_since > SCREEN_PATIENCE

    async def on_key_done(self, message: KeyDone) -> None:
        message.stop()
        if message.number == self._key_in_flight:
            target = self._key_target
            again = message.rounds > 0 and target is not None and target.is_attached
            if again and target is not None and target.post_message(KeyDone(message.number, message.rounds - 1)):
                return  # once more round, behind what the key's action posted
            self._key_in_flight = 0
            self._key_target = None
            if self._key_watch is not None:
                self._key_watch.pause()
        elif message.number != 0:
            return  # an older key's (given up on already)
        await self._forward_keys()

    def _key_late(self) -> None:
        """(A timer, while a key is on its way.) Its action may be slow (its widget is
        still there: wait), or its widget is gone, and its KeyDone with it: go on."""
        number = self._key_in_flight
        if not number:
            return
        target = self._key_target
        gone = target is None or not target.is_attached
        if gone or time.monotonic() - self._key_sent > KEY_GIVE_UP:
            self.post_message(KeyDone(number))
