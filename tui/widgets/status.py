"""One-line status bar (where you are) and the too-small-window notice."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """``awstutor | 18 DynamoDB | entry 5 of 42 | learned 12/42 | due 3``: no clock, no timers."""

    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        text-style: bold;
        padding: 0 1;
    }
    """

    where = reactive("", layout=False)
    short = reactive("", layout=False)  # what to say instead of ``where`` when it does not fit
    counts = reactive("", layout=False)

    def render(self) -> Content:
        width = self.size.width  # the content width: the padding is already left out
        left = Content.assemble(("awstutor", "bold"), " | ", self.where)
        right = Content(self.counts)
        if self.short and left.cell_length + (right.cell_length + 2 if self.counts else 0) > width:
            left = Content(self.short)  # the short form first, so that the counts (a timer) still fit
        if not self.counts:
            return left
        gap = width - left.cell_length - right.cell_length
        if gap < 2:
            return left  # no room for both: where you are wins
        return left + Content(" " * gap) + right


class TooSmall(Static):
    """Covers the screen when the terminal is too small to draw anything useful."""

    DEFAULT_CSS = """
    TooSmall {
        display: none;
        layer: toosmall;
        dock: top;
        width: 100%;
        height: 100%;
        content-align: center middle;
        text-align: center;
        background: $background;
        color: $foreground;
    }
    """

    MIN_WIDTH = 30
    MIN_HEIGHT = 8

    def on_resize(self) -> None:
        self.refresh_message()

    def refresh_message(self) -> None:
        width, height = self.app.size
        self.update(
            f"Window too small ({width}x{height}).\n"
            f"awstutor needs at least {self.MIN_WIDTH}x{self.MIN_HEIGHT}.\n"
            "Enlarge it, or press ctrl+q to quit."
        )
