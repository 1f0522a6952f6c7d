"""Quiz mode: renders a :class:`~lessons.session.QuizSession` and forwards keys to it.

The session decides what is recorded; the tutor writes it. Keys never collide:

* choices are picked with ``1``-``6`` or ``a``-``f`` (no text box is on screen then);
* in an answer box every printable key is typed, except ``=`` (the calculator);
  Enter submits and Esc leaves the box, after which the letter keys work;
* the exam's own keys, ``m`` mark, ``j`` jump, ``n``/``p`` next/previous, ``q`` end,
  are outside ``a``-``f``; ``l`` goes back to the lessons (the quiz waits).

The footer shows exactly the keys that work in the current state (Textual itself
drops the bindings of keys that a focused answer box types).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input

from lessons.quiz import MODE_TITLES
from lessons.session import AnswerRejected, QuizSession, format_clock
from tui.keys import CALCULATOR
from tui.messages import OpenEntry, ToLessons
from tui.tutor import SaveFailed
from tui.widgets.question import QuestionView
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.tutor import Tutor

EXAM_ONLY = frozenset({"flag", "move", "jump", "finish"})


class QuizScreen(Screen[None]):
    """Asks the questions of a quiz session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", tooltip="Submit the answer; Enter again goes on"),
        Binding("escape", "leave_box", "Leave box", tooltip="Leave the answer box (the letter keys work again)"),
        Binding("i", "to_box", "Type", tooltip="Back into the answer box"),
        Binding("o", "open_entry", "Open entry", tooltip="Open the entry this question tests in the lesson pane"),
        Binding("m", "flag", "Mark", tooltip="Exam: mark (flag) this question for review"),
        Binding("p", "move(-1)", "Prev", tooltip="Exam: previous question"),
        Binding("n", "move(1)", "Next", tooltip="Exam: next question"),
        Binding("left", "move(-1)", "Prev", show=False, tooltip="Exam: previous question"),
        Binding("right", "move(1)", "Next", show=False, tooltip="Exam: next question"),
        Binding("j", "jump", "Jump", tooltip="Exam: list the questions and their state, jump to one"),
        Binding("q", "finish", "End exam", tooltip="Exam: finish and see the score"),
        Binding("l", "leave", "Lessons", tooltip="Back to the lessons (the quiz waits: z resumes it)"),
        CALCULATOR,  # "=": also from an answer box
        Binding("question_mark", "app.help", "Help", show=False, tooltip="All keys"),
        # Esc then a letter typed quickly reaches us as alt+letter (tmux holds Esc for its
        # escape-time): the same action, straight from the answer box.
        # (No description: the help lists the letters once.)
        *[
            Binding(f"alt+{key}", action, "", show=False)
            for key, action in (
                ("m", "flag"),
                ("j", "jump"),
                ("q", "finish"),
                ("n", "move(1)"),
                ("p", "move(-1)"),
                ("l", "leave"),
            )
        ],
        *[Binding(str(n), f"answer_pick({n - 1})", f"Choice {n}", show=False) for n in range(1, 7)],
        *[Binding(letter, f"answer_pick({i})", f"Choice {letter}", show=False) for i, letter in enumerate("abcdef")],
    ]

    def __init__(self, tutor: Tutor, session: QuizSession) -> None:
        super().__init__()
        self.tutor = tutor
        self.session = session

    @property
    def view(self) -> QuestionView:
        return self.query_one(QuestionView)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="body"):
            with VerticalScroll(id="quiz-body"):
                yield QuestionView()
        yield Footer(compact=True)
        yield TooSmall()

    async def on_mount(self) -> None:
        if self.session.is_exam:
            self.set_interval(1.0, self.tick, name="exam clock")
        await self.show_question()

    def on_screen_suspend(self) -> None:
        self._save()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ keys that work now

    @property
    def in_box(self) -> bool:
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        if session.finished:
            return action in {"leave"}
        if action in EXAM_ONLY:
            return session.is_exam
        if action == "leave_box":
            return self.in_box
        if action == "to_box":
            return self.view.has_box and not session.locked
        if action == "open_entry":
            return session.feedback
        if action == "answer_pick":
            return not session.locked
        return True

    def restore_focus(self) -> None:
        if self.session.locked:
            self.set_focus(None)
        else:
            self.view.focus_answer()

    # ------------------------------------------------------------------ showing

    async def show_question(self) -> None:
        session = self.session
        session.shown_at = self.tutor.now_seconds()
        await self.view.show(session.item, previous=session.responses.get(session.index))
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()
        self._update_status()

    def _update_status(self) -> None:
        session = self.session
        status = self.query_one(StatusBar)
        title = MODE_TITLES.get(session.quiz.spec.mode, "Quiz")
        number = f"{session.index + 1} of {session.total}"
        marked = " [marked]" if session.index in session.flagged else ""
        status.where = f"{title} | question {number}{marked}"
        if session.is_exam:
            status.short = f"Exam {session.index + 1}/{session.total}{' *' if marked else ''}"
            left = session.time_left(self.tutor.now_seconds()) or 0
            status.counts = f"answered {session.answered}/{session.total} | {format_clock(left)}"
        else:
            status.short = f"Quiz {session.index + 1}/{session.total}"
            status.counts = f"score {session.correct_so_far()}/{len(session.grades)}"

    def tick(self) -> None:
        """Once a second in an exam: the clock (repainted only when its text changes), time up."""
        if self.session.finished:
            return
        if self.session.expired(self.tutor.now_seconds()):
            self.notify("Time is up: the exam is over.", severity="warning")
            self.finish()
        else:
            self._update_status()

    # ------------------------------------------------------------------ answering

    def action_answer_pick(self, index: int) -> None:
        if not self.session.locked:
            self.view.pick(index)

    @on(QuestionView.Submitted)
    async def _typed_submitted(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        session = self.session
        if session.finished:
            return
        if session.feedback:
            if session.proceed(self.tutor.now_seconds()):
                self.finish()
            else:
                await self.show_question()
            self._save()
            return
        try:
            attempt = session.answer(self.view.response(), self.tutor.now_seconds())
        except AnswerRejected as rejected:
            self.notify(str(rejected), severity="warning", timeout=4)
            return
        if attempt is not None:  # practice: on disk before the verdict shows
            try:
                self.tutor.record([attempt], mode=session.quiz.spec.mode, session_id=session.session_id)
            except SaveFailed as error:
                self.notify(self.tutor.failure_text(error), severity="error", timeout=15)
        self._save()
        if session.is_exam:
            await self.show_question()
            return
        entry = self.tutor.course.entry(session.question.entry_id)
        self.view.show_feedback(session.grades[session.index], entry_term=entry.term if entry else None)
        self.set_focus(None)
        self.refresh_bindings()
        self._update_status()

    def action_leave_box(self) -> None:
        self.set_focus(None)

    def action_to_box(self) -> None:
        self.view.focus_answer()

    # ------------------------------------------------------------------ exam navigation

    def action_flag(self) -> None:
        marked = self.session.toggle_flag()
        self.notify("Marked for review." if marked else "Mark removed.", timeout=2)
        self._save()
        self._update_status()

    async def action_move(self, delta: int) -> None:
        if self.session.move(delta, self.tutor.now_seconds()):
            await self.show_question()
            self._save()

    def action_jump(self) -> None:
        from tui.screens.quiz_jump import JumpList

        session = self.session
        rows = [
            (i, f"{i + 1:>2}. [{session.state_of(i)}] {item.question.prompt}")
            for i, item in enumerate(session.quiz.items)
        ]

        async def go(index: int) -> None:
            if session.jump(index, self.tutor.now_seconds()):
                await self.show_question()
                self._save()

        def chosen(index: int | None) -> None:
            if index is not None:
                self.run_worker(go(index), exclusive=True, group="show")

        self.app.push_screen(JumpList(rows, session.index), chosen)

    def action_finish(self) -> None:
        from tui.screens.dialogs import ChoiceDialog

        session = self.session
        unanswered = session.total - session.answered
        left = format_clock(session.time_left(self.tutor.now_seconds()) or 0)
        text = f"{unanswered} of {session.total} unanswered, {len(session.flagged)} marked. {left}."

        def decided(key: str | None) -> None:
            if key == "y":
                self.finish()

        self.app.push_screen(
            ChoiceDialog("Finish the exam?", text, [("y", "Finish and see the score"), ("n", "Keep going")]),
            decided,
        )

    # ------------------------------------------------------------------ leaving and finishing

    def action_open_entry(self) -> None:
        self.post_message(OpenEntry(self.session.question.entry_id))

    def action_leave(self) -> None:
        self._save()
        self.post_message(ToLessons())

    def _save(self) -> None:
        if not self.session.finished:
            self.tutor.save_quiz(self.session)

    def finish(self) -> None:
        """End the quiz, record what the session says, show the results."""
        session = self.session
        if session.finished:
            return
        duration = session.elapsed(self.tutor.now_seconds())
        try:
            self.tutor.finish_quiz(session)
        except SaveFailed as error:
            self.notify(self.tutor.failure_text(error), severity="error", timeout=15)
        self.refresh_bindings()
        from tui.screens.quiz_results import QuizResults

        self.app.push_screen(QuizResults(self.tutor, session, duration))
