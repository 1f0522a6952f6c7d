"""``/``: search the course as you type; Enter opens the entry in the lesson pane.

Uses the same index as ``awstutor lookup`` and the command palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from lessons.search import Hit, mark
from tui.messages import OpenEntry
from tui.widgets.fields import SteadyInput
from tui.widgets.status import TooSmall

if TYPE_CHECKING:
    from tui.tutor import Tutor


def hit_prompt(hit: Hit, width: int = 76) -> Content:
    """``Term (Full form)  - 16 Messaging`` over a one-line summary, matched words bold."""
    title = hit.term + (f" ({hit.full_form})" if hit.full_form else "")
    parts: list[str | tuple[str, str]] = []
    for piece, matched in mark(title, hit.matched):
        parts.append((piece, "bold underline") if matched else (piece, "bold"))
    parts.append((f"  - {hit.topic_number} {hit.topic_title}", "dim"))
    if hit.summary:
        room = max(10, width - 4)
        summary = hit.summary if len(hit.summary) <= room else hit.summary[: room - 3].rstrip() + "..."
        parts.append("\n  ")
        parts.append(summary)
    return Content.assemble(*parts)


class SearchScreen(ModalScreen[None]):
    """A search box over the course: results update on every keystroke."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close the search"),
        Binding("down", "to_results", "Results", show=False, tooltip="Move into the results"),
        Binding("enter", "open", "Open", tooltip="Open the highlighted result in the lesson pane"),
    ]

    def __init__(self, tutor: Tutor, query: str = "") -> None:
        super().__init__()
        self.tutor = tutor
        self.query_text = query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(Content.from_markup("[b]Search[/b]  terms, acronyms, facts; typos are fine"), classes="title")
            yield SteadyInput(
                value=self.query_text, placeholder="e.g. visibility timeout, eni, lambda@edge", id="search-input"
            )
            yield Static(id="search-count")
            yield OptionList(id="search-results")
        yield Footer(compact=True)
        yield TooSmall()

    async def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.index = await self.run_worker(self.tutor.search_index, thread=True, group="index").wait()
        self.refresh_results(self.query_one(Input).value)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        if getattr(self, "index", None) is not None:
            self.refresh_results(event.value)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def refresh_results(self, query: str) -> None:
        results = self.query_one(OptionList)
        count = self.query_one("#search-count", Static)
        results.clear_options()
        self.hits = self.index.search(query, limit=30) if query.strip() else []
        if not query.strip():
            count.update("Type to search. Enter opens the first result; down moves into the list.")
            return
        if not self.hits:
            closest = self.index.suggest(query, n=5)
            count.update("No match." + (f" Closest: {', '.join(closest)}" if closest else ""))
            return
        count.update(
            f"{len(self.hits)} result{'s' if len(self.hits) != 1 else ''}: Enter opens the first, down to choose"
        )
        width = results.size.width or self.app.size.width - 6
        results.add_options([Option(hit_prompt(hit, width), id=hit.id) for hit in self.hits])
        results.highlighted = 0

    def action_to_results(self) -> None:
        results = self.query_one(OptionList)
        if self.hits:
            results.focus()

    def action_open(self) -> None:
        results = self.query_one(OptionList)
        if not self.hits:
            return
        index = results.highlighted if results.highlighted is not None else 0
        self._open(self.hits[index].id)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id)

    def _open(self, entry_id: str) -> None:
        self.dismiss()
        self.app.post_message(OpenEntry(entry_id))

    def action_close(self) -> None:
        self.dismiss()
