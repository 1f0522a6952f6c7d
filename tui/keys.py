"""Key bindings as plain data: what the help screen, the palette and the tests read."""

from __future__ import annotations

from textual.binding import Binding, BindingType

# A priority binding: "=" is never part of an answer, so it opens the calculator even from
# an answer box, where every other printable key is typed (the quiz and review screens).
CALCULATOR = Binding(
    "equals_sign", "app.toggle_calculator", "Calc", priority=True, tooltip="Calculator (also from an answer box)"
)


def as_binding(item: BindingType) -> Binding:
    """A ``BINDINGS`` item (a :class:`Binding` or a ``(key, action[, description])`` tuple) as a Binding."""
    if isinstance(item, Binding):
        return item
    return Binding(item[0], item[1], item[2] if len(item) > 2 else "")
