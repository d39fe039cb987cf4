"""The footer: the keys that apply where the focus is, drawn as one line of text."""

from __future__ import annotations

from collections import OrderedDict

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class KeysFooter(Widget):
    """The screen's shown bindings, ``key description`` each, and the command palette's
    key on the right.

    Textual's Footer is a container with a widget per key, rebuilt on every change of
    focus; those widgets died old, some 20,000 objects a change, and the full garbage
    collections that freed them stalled keys for 30-160 ms at 10,000 papers (and, in
    textual 8.2.8, the footer kept every key widget it had ever shown). This draws the
    same keys in one line: a focus change is one repaint. Keys are not clickable.
    """

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeysFooter > .keys-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeysFooter > .keys-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeysFooter > .keys-footer--disabled {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES = {"keys-footer--key", "keys-footer--description", "keys-footer--disabled"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def keys(self) -> list[tuple[str, str, bool]]:
        """(key as shown, description, enabled) of each shown binding, one per action."""
        return [(key, description, enabled) for _action, key, description, enabled in self._keys_by_action()]

    def keys_that_fit(self, width: int) -> tuple[list[tuple[str, str, bool]], bool]:
        """The shown keys that fit in ``width`` beside the palette's key, and whether the
        palette's key itself fits. Keys drop by the screen's ``FOOTER_PRIORITY`` (actions,
        most important first; keys it does not name go first), so the keys that matter
        and ``?`` stay at any width; the palette's key goes only when nothing else can."""
        keys = self._keys_by_action()
        priority = list(getattr(self.screen, "FOOTER_PRIORITY", ()))
        rank = {action: n for n, action in enumerate(priority)}
        palette = self._palette_key()
        palette_w = len(f" {palette[0]} {palette[1]} ") + 1 if palette else 0

        def used(shown: list) -> int:
            return sum(len(f" {key} {description} ") for _action, key, description, _enabled in shown)

        # Drop the least important first: unranked keys (last shown first), then by rank.
        order = sorted(range(len(keys)), key=lambda n: (rank.get(keys[n][0], len(rank)), n), reverse=True)
        shown = set(range(len(keys)))
        for n in order:
            if used([keys[i] for i in sorted(shown)]) + palette_w <= width:
                break
            shown.discard(n)
        kept = [(key, description, enabled) for i, (_a, key, description, enabled) in enumerate(keys) if i in shown]
        return kept, palette is not None and used([keys[i] for i in shown]) + palette_w <= width

    def _keys_by_action(self) -> list[tuple[str, str, str, bool]]:
        by_action: OrderedDict[str, tuple[str, str, str, bool]] = OrderedDict()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = (
                    binding.action, self.app.get_key_display(binding), binding.description, enabled
                )
        return list(by_action.values())

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        disabled = self.get_component_rich_style("keys-footer--disabled")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        keys, palette_fits = self.keys_that_fit(self.size.width)
        for key, description, enabled in keys:
            start = len(line)
            line.append(f" {key} ", key_style)
            line.append(f"{description} ", description_style)
            if not enabled:
                line.stylize(disabled, start)
        palette = self._palette_key()
        if palette is not None and palette_fits:
            key, description, enabled = palette
            right = Text.assemble((f" {key} ", key_style), (f"{description} ", description_style))
            if not enabled:
                right.stylize(disabled)
            gap = self.size.width - line.cell_len - right.cell_len
            if gap > 0:
                line.append(" " * gap)
                line.append_text(right)
        return line

    def _palette_key(self) -> tuple[str, str, bool] | None:
        """The command palette's key, shown on the right as Textual's footer does."""
        app = self.app
        found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return app.get_key_display(binding), binding.description or "palette", enabled
