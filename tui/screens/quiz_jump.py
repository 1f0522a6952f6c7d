"""Exam: the list of questions with their state; Enter jumps to one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lessons import markup
from tui.widgets.status import TooSmall


class JumpList(ModalScreen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, rows: list[tuple[int, str]], current: int) -> None:
        super().__init__()
        self.rows = rows
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.from_markup("[b]Questions[/b]  Enter: go to the question, Esc: back"), classes="title")
            # Content, not markup: "[answered]" is the question's state, not a style tag.
            yield OptionList(*[Option(Content(markup.plain(text)), id=str(i)) for i, text in self.rows], id="jump")
        yield Footer(compact=True)
        yield TooSmall()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
