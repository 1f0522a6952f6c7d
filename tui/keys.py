"""Key bindings as plain data: what the help screen, the palette and the tests read."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def as_binding(item: BindingType) -> Binding:
    """A ``BINDINGS`` item (a :class:`Binding` or a ``(key, action[, description])`` tuple) as a Binding."""
    if isinstance(item, Binding):
        return item
    return Binding(item[0], item[1], item[2] if len(item) > 2 else "")
