"""Answer choices: pick with 1-9 or a-f, move with the arrows, Enter submits."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.widgets.lesson import render_markup

LETTERS = "abcdef"


class ChoiceRow(Horizontal):
    DEFAULT_CSS = """
    ChoiceRow { height: auto; }
    ChoiceRow > .marker { width: 9; }
    ChoiceRow > .choice-text { width: 1fr; }
    ChoiceRow > .verdict { width: auto; padding-left: 1; text-style: bold; }
    """

    def __init__(self, index: int, text: str) -> None:
        super().__init__()
        self.index = index
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(classes="marker")
        yield Static(render_markup(self.text), classes="choice-text")
        yield Static(classes="verdict")

    def on_click(self) -> None:
        parent = self.parent
        if isinstance(parent, ChoiceList):
            parent.focus()
            parent.pick(self.index)


class ChoiceList(Vertical, can_focus=True):
    """A list of choices; one (single) or several (multi) can be chosen.

    State is spelled out in ASCII (``>`` cursor, ``( )``/``(*)`` or ``[ ]``/``[x]``,
    ``<- right``), so it reads the same with NO_COLOR.
    """

    DEFAULT_CSS = """
    ChoiceList { height: auto; }
    ChoiceList > ChoiceRow.-chosen > .choice-text { text-style: bold; }
    ChoiceList:focus > ChoiceRow.-cursor > .choice-text { text-style: bold reverse; }
    ChoiceList > ChoiceRow.-right > .choice-text { color: $text-success; text-style: bold; }
    ChoiceList > ChoiceRow.-wrong > .choice-text { color: $text-error; text-style: strike; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "toggle_choice", "Toggle", show=False),
    ]

    class Changed(Message):
        def __init__(self, choice_list: ChoiceList) -> None:
            self.choice_list = choice_list
            super().__init__()

    def __init__(
        self, choices: tuple[str, ...], *, multi: bool = False, selected: set[int] | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self.multi = multi
        self.selected: set[int] = set(selected or ())
        self.cursor = min(self.selected) if self.selected else 0
        self.locked = False
        self.marks: dict[int, str] = {}  # after grading: index -> "right" | "wrong" | "missed"

    def compose(self) -> ComposeResult:
        for i, choice in enumerate(self.choices):
            yield ChoiceRow(i, choice)

    def on_mount(self) -> None:
        self._paint()

    # ------------------------------------------------------------------ state

    def pick(self, index: int) -> None:
        """Key 1-9 / a-f: choose (single) or toggle (multi) choice ``index``."""
        if self.locked or not 0 <= index < len(self.choices):
            return
        self.cursor = index
        if self.multi:
            self.selected ^= {index}
        else:
            self.selected = {index}
        self._paint()
        self.post_message(self.Changed(self))

    @property
    def answer(self) -> list[str]:
        return [self.choices[i] for i in sorted(self.selected)]

    def show_result(self, correct: tuple[str, ...]) -> None:
        self.locked = True
        for i, choice in enumerate(self.choices):
            if choice in correct:
                self.marks[i] = "right" if i in self.selected else "missed"
            elif i in self.selected:
                self.marks[i] = "wrong"
        self._paint()

    def action_move(self, delta: int) -> None:
        if self.choices:
            self.cursor = (self.cursor + delta) % len(self.choices)
            if not self.multi and not self.locked:
                self.selected = {self.cursor}
                self.post_message(self.Changed(self))
            self._paint()
            rows = list(self.query(ChoiceRow))
            if rows:
                rows[self.cursor].scroll_visible(animate=False)

    def action_toggle_choice(self) -> None:
        self.pick(self.cursor)

    # ------------------------------------------------------------------ drawing

    def _paint(self) -> None:
        for row in self.query(ChoiceRow):
            i = row.index
            chosen = i in self.selected
            box = ("[x]" if chosen else "[ ]") if self.multi else ("(*)" if chosen else "( )")
            pointer = ">" if i == self.cursor and not self.locked else " "
            row.query_one(".marker", Static).update(Content.assemble(pointer, (f"{i + 1})", "bold"), " ", box, " "))
            verdict = {"right": "<- right", "wrong": "<- wrong", "missed": "<- the answer"}.get(
                self.marks.get(i, ""), ""
            )
            row.query_one(".verdict", Static).update(verdict)
            row.set_class(chosen, "-chosen")
            row.set_class(i == self.cursor, "-cursor")
            row.set_class(self.marks.get(i) in ("right", "missed"), "-right")
            row.set_class(self.marks.get(i) == "wrong", "-wrong")
