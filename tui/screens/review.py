"""Review what is due: entry flashcards and questions, spaced with FSRS.

An entry card shows its term; Space or Enter reveals the definition, then the
learner rates it 1 Again, 2 Hard, 3 Good, 4 Easy. A question card is asked as
in a quiz; the answer (right or wrong, fast or slow) rates it. A card rated
Again comes back later in the same session.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from lessons.model import Entry
from lessons.quiz import QuizItem
from lessons.session import AnswerRejected, Attempt, check_response
from progress.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, ReviewQueue
from progress.store import ProgressError
from tui.keys import CALCULATOR
from tui.messages import CloseReview, OpenEntry, ToLessons
from tui.tutor import SaveFailed
from tui.widgets.lesson import Bullet, render_markup
from tui.widgets.question import QuestionView
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.tutor import Tutor


class ReviewScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Reveal / submit / next", tooltip="Reveal the card, submit the answer, go on"),
        Binding("space", "reveal", "Reveal", show=False, tooltip="Show the back of an entry card"),
        Binding("1", "key(1)", "Again", show=False, tooltip="Entry card: Again / answer choice 1"),
        Binding("2", "key(2)", "Hard", show=False, tooltip="Entry card: Hard / answer choice 2"),
        Binding("3", "key(3)", "Good", show=False, tooltip="Entry card: Good / answer choice 3"),
        Binding("4", "key(4)", "Easy", show=False, tooltip="Entry card: Easy / answer choice 4"),
        *[Binding(str(n), f"pick({n - 1})", f"Choice {n}", show=False) for n in (5, 6)],
        *[Binding(letter, f"pick({i})", f"Choice {letter}", show=False) for i, letter in enumerate("abcdef")],
        Binding("escape", "leave_box", "Leave box", tooltip="Leave the answer box (the letter keys work again)"),
        Binding("i", "to_box", "Type", tooltip="Back into the answer box"),
        Binding("o", "open_entry", "Open entry", tooltip="Open the card's entry in the lesson pane"),
        Binding("l", "leave", "Lessons", tooltip="Back to the lessons (the review waits)"),
        CALCULATOR,
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, tutor: Tutor, card_ids: list[str]) -> None:
        super().__init__()
        self.tutor = tutor
        self.queue = ReviewQueue(list(card_ids))
        self.total = len(card_ids)
        self.phase = "front"  # entry: front -> back; question: asking -> feedback; "done"
        self.item: QuizItem | None = None
        self.shown_at = 0.0
        self.ratings: dict[str, int] = {}
        self.session_id: str | None = None
        self._rng = random.Random()

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="body"):
            with VerticalScroll(id="quiz-body"):
                yield Vertical(id="card")
                yield QuestionView()
        yield Footer(compact=True)
        yield TooSmall()

    async def on_mount(self) -> None:
        try:
            self.session_id = self.tutor.store.start_session("due", [])
        except (ProgressError, OSError):
            self.session_id = None  # the review still runs; its summary row is what is lost
        await self.show_card()

    # ------------------------------------------------------------------ cards

    @property
    def card_id(self) -> str | None:
        return self.queue.current

    def entry_of_card(self) -> Entry | None:
        return self.tutor.course.entry(self.card_id) if self.card_id else None

    async def show_card(self) -> None:
        card = self.query_one("#card", Vertical)
        view = self.query_one(QuestionView)
        await card.remove_children()
        self.item = None
        if self.card_id is None:
            await self.show_summary()
            return
        self.shown_at = self.tutor.now_seconds()
        entry = self.entry_of_card()
        if entry is not None:
            view.display = False
            self.phase = "front"
            topic = self.tutor.course.topic_of(entry)
            await card.mount_all(
                [
                    Static(f"{topic.number} {topic.title}", classes="crumbs"),
                    Static(Content.assemble((entry.term, "bold")), classes="term"),
                    Static("Do you remember it? Space or Enter shows the back.", classes="hint"),
                ]
            )
            self.set_focus(None)
        else:
            question = self.tutor.bank().get(self.card_id)
            if question is None:  # a card from a course folder no longer loaded
                self.queue.answer(GOOD)
                await self.show_card()
                return
            view.display = True
            self.phase = "asking"
            self.item = self.tutor.quiz_item(question, self._rng)
            await view.show(self.item)
        self.refresh_bindings()
        self._update_status()

    async def reveal(self) -> None:
        entry = self.entry_of_card()
        if entry is None or self.phase != "front":
            return
        self.phase = "back"
        card = self.query_one("#card", Vertical)
        await card.query(".hint").remove()
        widgets = []
        if entry.full_form:
            widgets.append(Static(Content.assemble(("Full form: ", "bold"), entry.full_form), classes="definition"))
        if entry.definition:
            widgets.append(Static(render_markup(entry.definition), classes="definition"))
        widgets += [Bullet(render_markup(note), classes="note") for note in entry.notes]
        widgets += [Bullet(child.title, classes="note") for child in entry.children]
        for update in entry.updates:
            widgets.append(
                Static(Content.assemble(("Update: ", "bold"), render_markup(update.current)), classes="definition")
            )
        widgets.append(
            Static(
                Content.assemble(
                    "How well did you remember it?  ",
                    ("1", "bold"),
                    " Again  ",
                    ("2", "bold"),
                    " Hard  ",
                    ("3", "bold"),
                    " Good  ",
                    ("4", "bold"),
                    " Easy",
                ),
                classes="hint",
            )
        )
        await card.mount_all(widgets)
        self.refresh_bindings()

    def _update_status(self) -> None:
        status = self.query_one(StatusBar)
        done = len(self.queue.done)
        status.where = f"Review | {done} of {self.total} done"
        again = sum(1 for r in self.ratings.values() if r == AGAIN)
        status.counts = f"left {self.queue.remaining}" + (f" | again {again}" if again else "")

    async def show_summary(self) -> None:
        self.phase = "done"
        self.query_one(QuestionView).display = False
        card = self.query_one("#card", Vertical)
        when = self.tutor.next_due_text()
        counts = {name: sum(1 for r in self.ratings.values() if r == value) for value, name in RATING_NAMES.items()}
        lines = [
            f"Reviewed {len(self.ratings)} card{'s' if len(self.ratings) != 1 else ''}: "
            + ", ".join(f"{n} {name}" for name, n in counts.items() if n),
            f"Nothing more is due now. The next card is due {when}.",
            "Press l to go back to the lessons.",
        ]
        await card.mount_all(
            [
                Static(Content.from_markup("[b]Review done[/b]"), classes="term"),
                Static("\n".join(lines), classes="definition"),
            ]
        )
        if self.session_id:
            try:
                self.tutor.store.finish_session(
                    self.session_id, counts["good"] + counts["easy"] + counts["hard"], len(self.ratings)
                )
            except (ProgressError, OSError):
                pass
        self._update_status()
        self.refresh_bindings()

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_entry":
            return self.phase in ("back", "feedback")
        if action in ("submit", "reveal"):
            return self.phase != "done"
        if action == "leave_box":
            return isinstance(self.focused, Input)
        if action == "to_box":
            return (
                self.phase == "asking" and self.query_one(QuestionView).has_box and not isinstance(self.focused, Input)
            )
        if action == "pick":
            return self.phase == "asking"
        return True

    def action_leave_box(self) -> None:
        self.set_focus(None)

    def action_to_box(self) -> None:
        self.query_one(QuestionView).focus_answer()

    async def action_reveal(self) -> None:
        await self.reveal()

    async def action_key(self, number: int) -> None:
        if self.phase == "back":
            await self.rate({1: AGAIN, 2: HARD, 3: GOOD, 4: EASY}[number])
        elif self.phase == "asking":
            self.query_one(QuestionView).pick(number - 1)

    def action_pick(self, index: int) -> None:
        if self.phase == "asking":
            self.query_one(QuestionView).pick(index)

    @on(QuestionView.Submitted)
    async def _typed(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        if self.phase == "front":
            await self.reveal()
        elif self.phase == "back":
            self.notify("Rate it: 1 Again, 2 Hard, 3 Good, 4 Easy.", timeout=3)
        elif self.phase == "asking":
            await self.answer()
        elif self.phase == "feedback":
            await self.show_card()

    async def rate(self, rating: int) -> None:
        """Entry card: the learner's own rating (also a got-it / again mark)."""
        card_id = self.card_id
        if card_id is None:
            return
        try:
            self.tutor.review_entry(card_id, rating)
        except SaveFailed as error:
            self.notify(self.tutor.failure_text(error), severity="error", timeout=15)
            return
        self.ratings[card_id] = rating
        self.queue.answer(rating)
        await self.show_card()

    async def answer(self) -> None:
        view = self.query_one(QuestionView)
        if self.item is None or self.card_id is None:
            return
        try:
            response = check_response(self.item.question, view.response())
        except AnswerRejected as rejected:
            self.notify(str(rejected), severity="warning", timeout=4)
            return
        result = self.tutor.bank().grade(self.item.question, response)
        seconds = max(0.0, self.tutor.now_seconds() - self.shown_at)
        attempt = Attempt(0, self.item.question, response, result, seconds)
        try:
            rating = self.tutor.record([attempt], mode="due", session_id=self.session_id)
        except SaveFailed as error:
            self.notify(self.tutor.failure_text(error), severity="error", timeout=15)
            rating = None
        if rating is None:
            from progress.scheduler import rating_for_answer

            rating = rating_for_answer(result.correct, seconds, self.item.question.type)
        self.ratings[self.card_id] = rating
        self.queue.answer(rating)
        self.phase = "feedback"
        entry = self.tutor.course.entry(self.item.question.entry_id)
        note = "It will come back later in this session." if rating == AGAIN else f"Rated {RATING_NAMES[rating]}."
        view.show_feedback(result, entry_term=entry.term if entry else None, extra=note)
        self.set_focus(None)
        self.refresh_bindings()
        self._update_status()

    def action_open_entry(self) -> None:
        entry_id = self.item.question.entry_id if self.item is not None else None
        if entry_id is None:
            entry = self.entry_of_card()
            entry_id = entry.id if entry else None
        if entry_id:
            self.post_message(OpenEntry(entry_id))

    def action_leave(self) -> None:
        self.post_message(CloseReview() if self.phase == "done" else ToLessons())

    def restore_focus(self) -> None:
        if self.phase == "asking":
            self.query_one(QuestionView).focus_answer()
        else:
            self.set_focus(None)
