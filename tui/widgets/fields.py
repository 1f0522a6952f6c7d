"""Form fields tuned for remote terminals: no blinking cursor (no idle repaints)
and ASCII glyphs instead of half blocks and triangles."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select


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
    """A checkbox drawn as ``[X]``: no half-block glyphs."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"


class AsciiSelect(Select):
    """A drop-down whose arrows are ``v`` and ``^``."""

    def on_mount(self) -> None:
        for arrow, glyph in ((".down-arrow", "v"), (".up-arrow", "^")):
            for widget in self.query(arrow):
                widget.update(glyph)  # type: ignore[attr-defined]
