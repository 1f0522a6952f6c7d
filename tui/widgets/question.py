"""One question on screen: prompt, choices or an answer box, then the feedback.

Used by the quiz and the review session. It only shows things and reads the
learner's response; grading and recording are the screen's business.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from lessons.grading import Grade
from lessons.quiz import QuizItem
from tui.widgets.choices import LETTERS, ChoiceList
from tui.widgets.fields import AnswerInput
from tui.widgets.lesson import render_markup

TYPE_HINTS = {
    "single": "Choose one: 1-{n} or a-{l}, then Enter.",
    "multi": "Choose all that apply: 1-{n} or a-{l} toggle, then Enter.",
    "truefalse": "1 = True, 2 = False, then Enter.",
    "typed": "Type the answer, then Enter. Esc leaves the box (for the other keys).",
    "numeric": "Type a number, then Enter; = opens the calculator. Esc leaves the box.",
}


class QuestionView(Vertical):
    """Prompt, hint, answer widget and feedback of one :class:`~lessons.quiz.QuizItem`."""

    DEFAULT_CSS = """
    QuestionView { height: auto; }
    QuestionView > #prompt { margin-top: 1; text-style: bold; }
    QuestionView > #hint { color: $text-muted; margin-bottom: 1; }
    QuestionView > #answer { height: auto; }
    QuestionView > #answer Input { width: 1fr; max-width: 60; }
    QuestionView > #feedback { margin-top: 1; }
    """

    class Submitted(Message):
        """The learner pressed Enter in the answer box."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.item: QuizItem | None = None

    def compose(self):
        yield Static(id="prompt")
        yield Static(id="hint")
        yield Vertical(id="answer")
        yield Static(id="feedback")

    async def show(self, item: QuizItem, *, previous: Any = None, hint_suffix: str = "") -> None:
        self.item = item
        question = item.question
        self.query_one("#prompt", Static).update(render_markup(question.prompt))
        letters = LETTERS[: max(1, len(item.choices))]
        hint = TYPE_HINTS[question.type].format(n=len(item.choices), l=letters[-1]) + hint_suffix
        self.query_one("#hint", Static).update(hint)
        self.query_one("#feedback", Static).update("")
        answer = self.query_one("#answer", Vertical)
        await answer.remove_children()
        if question.type in ("single", "multi", "truefalse"):
            selected: set[int] = set()
            if previous is not None:
                if isinstance(previous, bool):
                    chosen = ["True" if previous else "False"]
                else:
                    chosen = list(previous) if isinstance(previous, (list, tuple)) else [previous]
                selected = {i for i, c in enumerate(item.choices) if c in chosen}
            widget = ChoiceList(item.choices, multi=question.type == "multi", selected=selected, id="choices")
            await answer.mount(widget)
            widget.focus(scroll_visible=False)  # the prompt stays in view on a short terminal
        else:
            box = AnswerInput(
                value="" if previous is None else str(previous),
                placeholder="your answer" if question.type == "typed" else "a number",
                id="typed",
            )
            await answer.mount(box)
            box.focus(scroll_visible=False)

    @property
    def has_box(self) -> bool:
        return bool(self.query("#typed"))

    def focus_answer(self) -> None:
        for selector in ("#choices", "#typed"):
            found = self.query(selector)
            if found:
                found.first().focus()
                return

    def pick(self, index: int) -> None:
        found = self.query("#choices")
        if found:
            found.first(ChoiceList).pick(index)

    def response(self) -> Any:
        """The learner's answer as the grader takes it, or None when there is none yet."""
        if self.item is None:
            return None
        question = self.item.question
        if question.type in ("single", "multi", "truefalse"):
            answer = self.query_one("#choices", ChoiceList).answer
            if not answer:
                return None
            if question.type == "multi":
                return answer
            if question.type == "truefalse":
                return answer[0] == "True"
            return answer[0]
        text = self.query_one("#typed", Input).value.strip()
        return text or None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def show_feedback(self, result: Grade, *, entry_term: str | None, extra: str | None = None) -> None:
        """Right or wrong, the right answer, the explanation; answers locked."""
        assert self.item is not None
        question = self.item.question
        choices = self.query("#choices")
        if choices:
            choices.first(ChoiceList).show_result(self.item.correct)
        typed = self.query("#typed")
        if typed:
            typed.first(Input).disabled = True
        verdict = ("Right.", "bold $text-success") if result.correct else ("Wrong.", "bold $text-error")
        parts: list[Any] = [verdict]
        if not result.correct or question.type in ("typed", "numeric"):
            parts += ["  The answer: ", (result.expected, "bold")]
        if result.note:
            parts += ["\n", (result.note, "italic")]
        parts += ["\n\n", render_markup(question.explain)]
        if question.reasons:
            reasons = dict(zip(question.choices, question.reasons, strict=False))
            for n, choice in enumerate(self.item.choices, start=1):
                why = reasons.get(choice)
                if why:
                    mark = "right" if choice in self.item.correct else "wrong"
                    parts += ["\n", (f"{n}) {mark}: ", "bold"), render_markup(why)]
        if question.uses_update:
            parts += ["\n", ("(Graded by the update: the notes are out of date here.)", "italic")]
        if extra:
            parts += ["\n", (extra, "italic")]
        if entry_term:
            parts += ["\n\n", ("o", "bold"), f" open '{entry_term}' in the lesson   ", ("Enter", "bold"), " go on"]
        else:
            parts += ["\n\n", ("Enter", "bold"), " go on"]
        feedback = self.query_one("#feedback", Static)
        feedback.update(Content.assemble(*parts))
        feedback.scroll_visible(animate=False)
