"""Form fields tuned for remote terminals: no blinking cursor (no idle repaints)
and ASCII glyphs instead of half blocks and triangles."""

from __future__ import annotations

from textual.scrollbar import ScrollBarRender
from textual.widgets import Checkbox, Input, Select


class WholeCellScrollBarRender(ScrollBarRender):
    """Scrollbar thumbs in whole cells: no eighth-block glyphs (some remote fonts lack them)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


class SteadyInput(Input):
    """An input whose cursor does not blink: nothing repaints while the learner thinks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)


class AsciiCheckbox(Checkbox):
    """A checkbox drawn as ``[X]``: no half-block glyphs."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"


class AsciiSelect(Select):
    """A drop-down whose arrows are ``v`` and ``^``."""

    def on_mount(self) -> None:
        for arrow, glyph in ((".down-arrow", "v"), (".up-arrow", "^")):
            for widget in self.query(arrow):
                widget.update(glyph)  # type: ignore[attr-defined]
