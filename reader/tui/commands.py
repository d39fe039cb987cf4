"""Command palette providers: every action of the main screen, the saved views, and papers
by title."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from reader.core.text import one_line

from .screens.main import MainScreen


def _main_screen(app):
    return next((s for s in reversed(app.screen_stack) if isinstance(s, MainScreen)), None)


class ActionCommands(Provider):
    """One command per key binding of the main screen (and the app's)."""

    def _commands(self) -> list[tuple[str, str, str, object]]:
        screen = _main_screen(self.app)
        if screen is None:
            return []
        found = []
        seen = set()
        for target, bindings in ((screen, screen.BINDINGS), (self.app, self.app.BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen or binding.action == "command_palette":
                    continue
                seen.add(binding.action)
                key = self.app.get_key_display(Binding(binding.key.split(",")[0], ""))
                name = getattr(target, "DESCRIPTIONS", {}).get(binding.action, binding.description)
                found.append((name, binding.action, f"key: {key}", target))
        return found

    def _runner(self, action: str, target):
        return partial(self.app.call_later, self.app.run_action, action, target)

    async def discover(self) -> Hits:
        for name, action, help, target in self._commands():
            # (the palette reads a command's help as markup: escaped, it is literal)
            yield DiscoveryHit(Content(name), self._runner(action, target), text=name, help=escape(help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help, target in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, query, name), self._runner(action, target), text=name,
                          help=escape(help))


def _highlight(matcher, query: str, text: str) -> Content:
    """The match highlighted, with ``text`` taken literally (never as markup)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class SavedViewCommands(Provider):
    """Save the ``/`` filter as a view; go to a saved view; remove one (names are the
    reader's text: literal, never markup)."""

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        screen = _main_screen(self.app)
        if screen is None:
            return []
        from .screens import view_actions

        found: list[tuple[str, Callable[[], None], str]] = [
            ("Save filter as view…", partial(view_actions.save_filter, screen), "name the / filter: it joins VIEWS"),
        ]
        for saved in screen.snapshot.saved_views:
            name = one_line(saved.name)
            query = one_line(saved.query)
            found.append((f"Go to view: {name}", partial(view_actions.show_saved, screen, saved.name), f"query: {query}"))
        for saved in screen.snapshot.saved_views:
            name = one_line(saved.name)
            remove = partial(view_actions.remove_saved, screen, saved.name)
            found.append((f"Remove view: {name}", remove, "from VIEWS and the library"))
        return found

    async def discover(self) -> Hits:
        for name, run, help in self._commands():
            yield DiscoveryHit(Content(name), partial(self.app.call_later, run), text=name, help=escape(help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, query, name), partial(self.app.call_later, run), text=name,
                          help=escape(help))


class PaperCommands(Provider):
    """Jump to any paper by (part of) its title."""

    LIMIT = 40

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self.app)
        words = query.lower().split()
        if screen is None or not words:
            return
        snap = screen.snapshot
        matcher = self.matcher(query)
        found = []
        for arxiv_id in snap.all_ids():
            title = one_line(snap.title(arxiv_id) or arxiv_id)
            lowered = title.lower()
            if all(word in lowered or word in arxiv_id for word in words):
                found.append((matcher.match(title) or 0.1, arxiv_id, title))
                if len(found) >= 400:
                    break
        found.sort(key=lambda item: -item[0])
        for score, arxiv_id, title in found[: self.LIMIT]:
            yield Hit(
                score,
                _highlight(matcher, query, title),
                partial(screen.jump_to, arxiv_id),
                text=title,
                help=escape(f"paper {arxiv_id}"),  # read as markup by the palette
            )
