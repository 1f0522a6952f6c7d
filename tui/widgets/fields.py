"""Form fields tuned for remote terminals: no blinking cursor (no idle repaints),
ASCII glyphs instead of half blocks and triangles, and states that read without colour."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, Input, Select, SelectionList


class SteadyInput(Input):
    """An input whose cursor does not blink: nothing repaints while the learner thinks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)


class AnswerInput(SteadyInput):
    """A quiz's answer box. ``=`` is never part of an answer, so the box does not claim
    it: the screen's ``=`` binding (a priority binding) opens the calculator instead."""

    NOT_TYPED = frozenset({"equals_sign"})

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in self.NOT_TYPED and super().check_consume_key(key, character)


class AsciiCheckbox(Checkbox):
    """A checkbox drawn as ``[X]`` or ``[ ]``: no half-block glyphs, and its state
    readable without colour (Textual's shows an X either way, in another colour)."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "X" if self.value else " "


class CheckList(SelectionList):
    """A selection list whose boxes read ``[x]`` / ``[ ]`` (Textual's are ``▐X▌`` in two colours)."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        button = (Checkbox.BUTTON_LEFT, Checkbox.BUTTON_INNER, Checkbox.BUTTON_RIGHT)
        if len(segments) < 3 or tuple(s.text for s in segments[:3]) != button:
            return line
        index = self.scroll_offset.y + y
        chosen = self.get_option_at_index(index).value in self.selected
        left, inner, right = segments[:3]
        box = [Segment("[", left.style), Segment("x" if chosen else " ", inner.style), Segment("]", right.style)]
        return Strip(box + segments[3:], line.cell_length)


class AsciiSelect(Select):
    """A drop-down whose arrows are ``v`` and ``^``."""

    def on_mount(self) -> None:
        for arrow, glyph in ((".down-arrow", "v"), (".up-arrow", "^")):
            for widget in self.query(arrow):
                widget.update(glyph)  # type: ignore[attr-defined]
