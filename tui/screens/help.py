"""The help screen: every key of every screen, from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.keys import as_binding
from tui.widgets.status import TooSmall

INTRO = (
    "awstutor teaches the AWS Certified Developer - Associate notes. Step through a topic with "
    "n and p, mark each entry 'got it' (g) or 'again' (a), then take its quiz (q). "
    "Everything you do is saved as you go. ctrl+p opens the command palette: type a topic, "
    "an entry or an action."
)

# Keys that widgets handle themselves (not declared as bindings of our screens).
WIDGET_KEYS: list[tuple[str, str]] = [
    ("up / down", "Move in the topic tree, scroll the lesson"),
    ("enter", "Open the entry under the cursor; submit or continue in a quiz"),
    ("space", "Expand or collapse a topic in the tree"),
    ("left / right", "Collapse / expand in the topic tree"),
    ("tab / shift+tab", "Move focus between the tree, the lesson and panels"),
    ("pageup / pagedown", "Scroll the lesson"),
    ("escape", "Close this help, a dialog, the search box or the palette"),
]


def binding_rows(bindings: list[BindingType], display=None) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    digits: list[str] = []
    for item in bindings:
        binding = as_binding(item)
        if binding.action.startswith("follow_link") or binding.action.startswith("answer_"):
            digits.append(binding.key)
            continue
        what = binding.tooltip or binding.description
        if not what:
            continue  # a key with no meaning of its own (e.g. a guard): the widget keys below say it
        keys = ", ".join(display(Binding(k.strip(), "")) if display else _pretty(k) for k in binding.key.split(","))
        rows.append((keys, what))
    if digits:
        rows.append(("1 - 9", "Follow the numbered link in the lesson"))
    return rows


def _pretty(key: str) -> str:
    return {"slash": "/", "question_mark": "?", "escape": "esc", "full_stop": "."}.get(key, key)


class HelpScreen(ModalScreen[None]):
    """All keys, grouped by where they work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", tooltip="Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Content.from_markup("[b]awstutor - keys[/b]"), classes="title")
            yield Static(INTRO, classes="intro")
            for title, rows in self.sections():
                yield Static(title, classes="section")
                width = max(len(k) for k, _ in rows)
                for key, what in rows:
                    yield Static(Content.assemble((key.ljust(width), "bold"), "  ", what), classes="row")
        yield Footer(compact=True)
        yield TooSmall()

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from tui.screens.main import MainScreen

        display = self.app.get_key_display
        found: list[tuple[str, list[tuple[str, str]]]] = [("Lessons", binding_rows(MainScreen.BINDINGS, display))]
        for title, screen_class in self.extra_screens():
            found.append((title, binding_rows(screen_class.BINDINGS, display)))
        everywhere = binding_rows(self.app.BINDINGS, display) + [
            ("^p", "Command palette: topics, entries, actions, themes")
        ]
        found.append(("Everywhere", everywhere))
        found.append(("Lists and scrolling", WIDGET_KEYS))
        return found

    def extra_screens(self) -> list[tuple[str, type]]:
        """Other screens with keys of their own (quiz, search, review...)."""
        from tui import screens

        return screens.documented()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()
