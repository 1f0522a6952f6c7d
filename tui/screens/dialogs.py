"""Small modal dialogs: a choice between a few keyed options, and a topic picker."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, SelectionList, Static

from lessons.blueprint import DOMAINS
from tui.widgets.fields import CheckList
from tui.widgets.status import TooSmall


class ChoiceDialog(ModalScreen[str | None]):
    """A question with keyed answers, e.g. ``[("y", "Finish the exam"), ("n", "Keep going")]``.

    Escape cancels (returns None); it never performs the action.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.from_markup("[b]$title[/b]", title=self.title_text), classes="title")
            yield Static(self.text, classes="text")
            for key, label in self.options:
                yield Static(Content.assemble((f"[{key}] ", "bold"), label), classes="option")
        yield Footer(compact=True)
        yield TooSmall()

    def on_key(self, event) -> None:
        """The option keys are shown in the dialog itself."""
        if event.key in {key for key, _ in self.options}:
            event.stop()
            self.dismiss(event.key)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TopicPicker(ModalScreen[list[str] | int | None]):
    """Choose topics for a mixed quiz (space toggles, Enter starts), or one exam domain (1-4):
    dismissed with the topic ids, a domain number, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start quiz", priority=True),
        Binding("escape", "cancel", "Cancel"),
        # Not ctrl+a: GNU screen's prefix key (tmux's is ctrl+b); neither reaches the app there.
        Binding("a", "all", "All topics"),
        *[
            Binding(
                str(d.number),
                f"domain({d.number})",
                f"Domain {d.number}",
                show=d.number == 1,
                key_display="1-4",
                tooltip=f"A quiz on exam domain {d.number}: {d.title}",
            )
            for d in DOMAINS
        ],
    ]

    def __init__(self, topics: list[tuple[str, str]], preselected: list[str] | None = None) -> None:
        super().__init__()
        self.topics = topics
        self.preselected = set(preselected or ())

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.from_markup("[b]Mixed quiz[/b]"), classes="title")
            yield Static(
                "Space: choose topics. Enter: start. a: all topics. "
                "Or 1-4: a quiz on one exam domain (1 development, 2 security, 3 deployment, 4 troubleshooting).",
                classes="text",
            )
            yield CheckList(*[(label, topic_id, topic_id in self.preselected) for topic_id, label in self.topics])
        yield Footer(compact=True)
        yield TooSmall()

    def action_start(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Choose at least one topic (space).", severity="warning")
            return
        self.dismiss(chosen)

    def action_domain(self, number: int) -> None:
        self.dismiss(number)

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_cancel(self) -> None:
        self.dismiss(None)
